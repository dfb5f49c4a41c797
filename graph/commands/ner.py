"""``ner``, ``ner-eval`` and ``train-ner``: the named-entity recogniser from the shell.

``ner --conll FILE`` tags a one-token-a-line file (blank lines kept),
``ner-eval FILE`` scores the model on a gold ``TOKEN TAG`` file, and
``train-ner`` rebuilds ``graph/models/ner.crfsuite`` (or, with ``--neural``,
``graph/models/ner_neural.pt``) from the corpora. The neural model is the
default; ``--backend crf`` (or a ``.crfsuite`` ``--model``) picks the CRF.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from graph.errors import GraphError

__all__ = ["register", "tag_conll", "eval_conll", "open_recognizer", "BACKENDS"]

BACKENDS = ("neural", "crf")


def register(sub) -> None:
    """Add the three NER subcommands to an argparse sub-parser set."""
    ner = sub.add_parser("ner", help="tag tokens with PERS/ORG/LOC/MISC (BiLSTM-CRF or CRF model)")
    ner.add_argument("--conll", required=True, type=Path,
                     help="file with one token a line (first column), blank line between sentences")
    _model_options(ner)
    ner.set_defaults(func=_run_ner)

    score = sub.add_parser("ner-eval", help="precision/recall/F1 and speed on a gold CoNLL file")
    score.add_argument("file", type=Path, help="gold file: TOKEN TAG lines, blank line between sentences")
    _model_options(score)
    score.add_argument("--format", default="anercorp", choices=("anercorp", "fane", "aqmar"))
    score.set_defaults(func=_run_eval)

    train = sub.add_parser("train-ner", help="train the CRF (or, with --neural, BiLSTM-CRF) model")
    train.add_argument("--out", type=Path, required=True, help="where to write the .crfsuite (or .pt) model")
    train.add_argument("--neural", action="store_true", help="train the BiLSTM-CRF (torch) instead of the CRF")
    train.add_argument("--epochs", type=int, default=None, help="neural: most epochs (best DEV epoch kept)")
    train.add_argument("--pre-dim", type=int, default=None, help="neural: size of the fixed PPMI/SVD vectors (0: none)")
    train.add_argument("--seed", type=int, default=None, help="neural: random seed")
    train.add_argument("--refit", action="store_true",
                       help="neural: train on TRAIN+DEV for exactly --epochs epochs (the count a DEV-selected run chose)")
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


def open_recognizer(model: Path | None = None, backend: str | None = None):
    """The neural recogniser, or the CRF when asked or when ``model`` is a ``.crfsuite`` file.

    >>> open_recognizer(backend="rnn")
    Traceback (most recent call last):
    graph.errors.GraphError: unknown NER backend 'rnn'; use one of ('neural', 'crf')
    """
    if backend is None:
        backend = "crf" if model is not None and Path(model).suffix == ".crfsuite" else "neural"
    if backend not in BACKENDS:
        raise GraphError(f"unknown NER backend {backend!r}; use one of {BACKENDS}")
    if backend == "crf":
        from graph.recognize.crf import CrfRecognizer

        return CrfRecognizer(model)
    from graph.recognize.neural import NeuralRecognizer

    return NeuralRecognizer(model)


def tag_conll(text: str, model: Path | None = None, backend: str | None = None) -> str:
    """Tag a CoNLL token text; returns ``token TAG`` lines, blank lines kept.

    >>> tag_conll("")
    ''
    """
    from graph.conll import read_token_lines, write_tagged

    lines = read_token_lines(text)
    if not any(lines):
        return write_tagged(lines, [None] * len(lines))
    recognizer = open_recognizer(model, backend)
    sentences: list[list[str]] = [[]]
    for token in lines:
        if token is None:
            sentences.append([])
        else:
            sentences[-1].append(token)
    tags: list[str | None] = []
    for tagged in recognizer.tag_sentences(sentences):
        tags.extend([*tagged, None])
    return write_tagged(lines, tags[: len(lines)])


def eval_conll(path: Path, model: Path | None = None, fmt: str = "anercorp", backend: str | None = None) -> str:
    """Per-type and micro P/R/F1 of the model on a gold file, and tokens per second."""
    from graph.conll import evaluate, read_corpus

    gold = read_corpus(path, fmt)
    recognizer = open_recognizer(model, backend)
    recognizer.tag_tokens(["في"])  # load lexicons and gazetteer outside the timing
    began = time.perf_counter()
    predicted = recognizer.tag_sentences([list(s.tokens) for s in gold])
    seconds = time.perf_counter() - began
    tokens = sum(len(s.tokens) for s in gold)
    scores = evaluate([list(s.tags) for s in gold], predicted)
    speed = tokens / seconds if seconds else 0.0
    return f"{scores.table()}\n{len(gold)} sentences, {tokens} tokens, {speed:,.0f} tokens/s"


def _model_options(parser) -> None:
    parser.add_argument("--model", type=Path, default=None,
                        help="model file (default: the shipped graph/models/ner_neural.pt, "
                             "or ner.crfsuite with --backend crf)")
    parser.add_argument("--backend", choices=BACKENDS, default=None,
                        help="neural (BiLSTM-CRF, default) or crf; a .crfsuite --model implies crf")


def _read_input(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise GraphError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise GraphError(f"{path}: not UTF-8 at byte {error.start}; convert it with iconv") from None


def _run_ner(args) -> int:
    sys.stdout.write(tag_conll(_read_input(args.conll), args.model, args.backend))
    return 0


def _run_eval(args) -> int:
    if not args.file.is_file():
        raise GraphError(f"{args.file}: no such file")
    print(eval_conll(args.file, args.model, args.format, args.backend))
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
    log = lambda line: print(line, file=sys.stderr)  # noqa: E731
    if args.neural:
        from graph.train_neural import train_neural

        settings = {k: v for k, v in (("epochs", args.epochs), ("pre_dim", args.pre_dim), ("seed", args.seed),
                                      ("refit", args.refit or None)) if v is not None}
        report = train_neural(args.out, extra=extra, limit=args.limit, corpora_dir=args.corpora or CORPORA_DIR,
                              settings=settings, score=not args.no_score, log=log)
    else:
        report = train_ner(args.out, extra=extra, limit=args.limit, corpora_dir=args.corpora or CORPORA_DIR,
                           params=params, score=not args.no_score, log=log)
    print(f"model {report.model}: {report.sentences} sentences, {report.tokens} tokens, "
          f"{report.seconds:.0f} s, {report.model.stat().st_size / 1e6:.1f} MB")
    for name, scores in (("DEV", report.dev), ("TEST", report.test)):
        if scores:
            print(f"{name}\n{scores.table()}")
    return 0
