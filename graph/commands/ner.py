"""``ner``, ``ner-eval`` and ``train-ner``: the named-entity recogniser from the shell.

``ner --conll FILE`` tags a one-token-a-line file (blank lines kept),
``ner-eval FILE`` scores the model on a gold ``TOKEN TAG`` file, and
``train-ner`` rebuilds ``graph/models/ner.crfsuite`` from the corpora.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from graph.errors import GraphError

__all__ = ["register", "tag_conll", "eval_conll"]


def register(sub) -> None:
    """Add the three NER subcommands to an argparse sub-parser set."""
    ner = sub.add_parser("ner", help="tag tokens with PERS/ORG/LOC/MISC (CRF model)")
    ner.add_argument("--conll", required=True, type=Path,
                     help="file with one token a line (first column), blank line between sentences")
    ner.add_argument("--model", type=Path, default=None, help="CRF model (default: the shipped one)")
    ner.set_defaults(func=_run_ner)

    score = sub.add_parser("ner-eval", help="precision/recall/F1 and speed on a gold CoNLL file")
    score.add_argument("file", type=Path, help="gold file: TOKEN TAG lines, blank line between sentences")
    score.add_argument("--model", type=Path, default=None)
    score.add_argument("--format", default="anercorp", choices=("anercorp", "fane", "aqmar"))
    score.set_defaults(func=_run_eval)

    train = sub.add_parser("train-ner", help="train the CRF model from the annotated corpora")
    train.add_argument("--out", type=Path, required=True, help="where to write the .crfsuite model")
    train.add_argument("--corpora", type=Path, default=None, help="corpora folder (default /work/shared/corpora)")
    train.add_argument("--extra", default="", help="extra corpora, comma-separated: newsfane,aqmar,wikifane")
    train.add_argument("--limit", type=int, default=None, help="use only the first N ANERcorp train sentences")
    train.add_argument("--c1", type=float, default=None)
    train.add_argument("--c2", type=float, default=None)
    train.add_argument("--max-iterations", type=int, default=None)
    train.add_argument("--min-freq", type=float, default=None)
    train.add_argument("--no-score", action="store_true", help="skip scoring DEV and TEST")
    train.add_argument("--build-lexicon", action="store_true",
                       help="first rebuild graph/models/ner_lexicon.tsv and ner_clusters.tsv from the corpora")
    train.set_defaults(func=_run_train)


def tag_conll(text: str, model: Path | None = None) -> str:
    """Tag a CoNLL token text; returns ``token TAG`` lines, blank lines kept.

    >>> tag_conll("")
    ''
    """
    from graph.conll import read_token_lines, write_tagged
    from graph.recognize.crf import CrfRecognizer

    lines = read_token_lines(text)
    if not any(lines):
        return write_tagged(lines, [None] * len(lines))
    recognizer = CrfRecognizer(model)
    tags: list[str | None] = []
    sentence: list[str] = []
    for token in [*lines, None]:
        if token is not None:
            sentence.append(token)
            continue
        tags.extend(recognizer.tag_tokens(sentence))
        tags.append(None)
        sentence = []
    return write_tagged(lines, tags[: len(lines)])


def eval_conll(path: Path, model: Path | None = None, fmt: str = "anercorp") -> str:
    """Per-type and micro P/R/F1 of the model on a gold file, and tokens per second."""
    from graph.conll import evaluate, read_corpus
    from graph.recognize.crf import CrfRecognizer

    gold = read_corpus(path, fmt)
    recognizer = CrfRecognizer(model)
    recognizer.tag_tokens(["في"])  # load lexicons and gazetteer outside the timing
    began = time.perf_counter()
    predicted = [recognizer.tag_tokens(list(s.tokens)) for s in gold]
    seconds = time.perf_counter() - began
    tokens = sum(len(s.tokens) for s in gold)
    scores = evaluate([list(s.tags) for s in gold], predicted)
    speed = tokens / seconds if seconds else 0.0
    return f"{scores.table()}\n{len(gold)} sentences, {tokens} tokens, {speed:,.0f} tokens/s"


def _read_input(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise GraphError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise GraphError(f"{path}: not UTF-8 at byte {error.start}; convert it with iconv") from None


def _run_ner(args) -> int:
    sys.stdout.write(tag_conll(_read_input(args.conll), args.model))
    return 0


def _run_eval(args) -> int:
    if not args.file.is_file():
        raise GraphError(f"{args.file}: no such file")
    print(eval_conll(args.file, args.model, args.format))
    return 0


def _run_train(args) -> int:
    from graph.train_ner import CORPORA_DIR, train_ner

    params = {k: v for k, v in (("c1", args.c1), ("c2", args.c2), ("max_iterations", args.max_iterations),
                                ("feature.minfreq", args.min_freq)) if v is not None}
    extra = [name for name in args.extra.split(",") if name.strip()]
    if args.build_lexicon:
        from graph.train_ner import write_lexicon, write_word_clusters

        rows = write_lexicon(corpora_dir=args.corpora or CORPORA_DIR)
        words = write_word_clusters(corpora_dir=args.corpora or CORPORA_DIR)
        print(f"lexicon: {rows} rows; clusters: {words} words", file=sys.stderr)
    report = train_ner(args.out, extra=extra, limit=args.limit, corpora_dir=args.corpora or CORPORA_DIR,
                       params=params, score=not args.no_score,
                       log=lambda line: print(line, file=sys.stderr))
    print(f"model {report.model}: {report.sentences} sentences, {report.tokens} tokens, "
          f"{report.seconds:.0f} s, {report.model.stat().st_size / 1e6:.1f} MB")
    for name, scores in (("DEV", report.dev), ("TEST", report.test)):
        if scores:
            print(f"{name}\n{scores.table()}")
    return 0
