"""Training the CRF recogniser: corpora, held-out splits, hyper-parameters.

ANERcorp (CAMeL train split) is cut by document order: the last 10% of
sentences are TEST (the reported figure), the 10% before them DEV (model
selection), the rest TRAIN. Extra corpora (NewsFANE, AQMAR, WikiFANE) are
added to TRAIN only, minus every sentence that shares a word 6-gram with
DEV or TEST: NewsFANE re-annotates part of the same newswire, so without
this filter the held-out figures would leak.
"""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from graph.conll import PROCLITICS, TaggedSentence, evaluate, read_corpus, spans, Scores
from graph.errors import GraphError
from graph.gazetteer import phrase_key
from graph.recognize.crf import CLUSTERS_PATH, LEXICON_PATH, CrfRecognizer, _open_tagger, sentence_features
from graph.serialize import write_atomic
from graph.text import normalize_text

__all__ = [
    "CORPORA_DIR", "CORPUS_FILES", "Split", "TrainReport",
    "split_anercorp", "load_extra", "train_ner", "evaluate_model",
    "build_lexicon", "write_lexicon", "write_word_clusters", "LEXICON_CORPORA", "CLUSTER_CORPORA",
]

CORPORA_DIR = Path(os.environ.get(
    "ANKG_CORPORA", Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"))
CORPUS_FILES = {
    "anercorp": ("anercorp", "ANERCorp_CamelLab_train.txt", "anercorp"),
    "newsfane": ("newsfane", "NewsFANE_Gold_2014.txt", "fane"),
    "wikifane": ("wikifane", "WikiFANE_Gold_2014_500K.txt", "fane"),
    "aqmar": ("aqmar", "*.txt", "aqmar"),
}
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 300, "feature.minfreq": 2,
          "feature.possible_transitions": True}
_NGRAM = 6
LEXICON_CORPORA = ("wikifane", "aqmar")
CLUSTER_CORPORA = ("newsfane", "aqmar", "wikifane")
_LEXICON_HEADER = """\
# Names seen in annotated corpora: the CRF's corpus lexicon (graph/recognize/crf.py).
# Built by `python -m graph train-ner --build-lexicon` from {corpora}
# (CC BY-SA 3.0; this file is a derived work, CC BY-SA 4.0: see MODEL_CARD.md).
# entry: normalised name; count: times annotated with type; total: times the
# entry occurs at all (one-word entries) or is annotated (longer ones).
# Type w:TYPE counts a word inside any name of that type.
entry\ttype\tcount\ttotal
"""


@dataclass(frozen=True)
class Split:
    train: list[TaggedSentence]
    dev: list[TaggedSentence]
    test: list[TaggedSentence]


@dataclass(frozen=True)
class TrainReport:
    model: Path
    sentences: int
    tokens: int
    seconds: float
    dev: Scores | None
    test: Scores | None


def split_anercorp(sentences: list[TaggedSentence], held_out: float = 0.1) -> Split:
    """TRAIN / DEV / TEST by document order: TEST is the last ``held_out`` share.

    >>> s = split_anercorp([TaggedSentence((str(i),), ("O",)) for i in range(20)])
    >>> len(s.train), s.dev[0].tokens, s.test[0].tokens
    (16, ('16',), ('18',))
    """
    n_out = max(1, round(len(sentences) * held_out))
    cut = len(sentences) - 2 * n_out
    return Split(sentences[:cut], sentences[cut:cut + n_out], sentences[cut + n_out:])


def load_corpus(name: str, corpora_dir: Path = CORPORA_DIR) -> list[TaggedSentence]:
    """All sentences of one named corpus, coarse tags, clitics re-attached."""
    if name not in CORPUS_FILES:
        raise GraphError(f"unknown corpus {name!r}; use one of {sorted(CORPUS_FILES)}")
    folder, pattern, fmt = CORPUS_FILES[name]
    paths = sorted((Path(corpora_dir) / folder).glob(pattern))
    if not paths:
        raise GraphError(f"{Path(corpora_dir) / folder}: no {pattern}; see {corpora_dir}/README.md")
    return [s for path in paths for s in read_corpus(path, fmt)]


def load_extra(names: list[str], held_out: list[TaggedSentence],
               corpora_dir: Path = CORPORA_DIR) -> list[TaggedSentence]:
    """Sentences of the extra corpora that share no word 6-gram with ``held_out``."""
    banned = {g for s in held_out for g in _ngrams(s.tokens)}
    kept = []
    for name in names:
        kept.extend(s for s in load_corpus(name, corpora_dir) if not banned & _ngrams(s.tokens))
    return kept


def train_ner(out: Path, extra: list[str] = (), limit: int | None = None,
              corpora_dir: Path = CORPORA_DIR, params: dict | None = None,
              score: bool = True, log=print) -> TrainReport:
    """Train on ANERcorp TRAIN (+ extra corpora), write the model, score DEV and TEST."""
    split = split_anercorp(load_corpus("anercorp", corpora_dir))
    train = split.train[:limit] if limit else list(split.train)
    others = load_extra(list(extra), split.dev + split.test, corpora_dir) if extra else []
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sentences = train + others
    log(f"training on {len(sentences)} sentences, {sum(len(s.tokens) for s in sentences)} tokens")
    began = time.perf_counter()
    _fit(train, others, out, params)
    seconds = time.perf_counter() - began
    dev = evaluate_model(out, split.dev) if score else None
    test = evaluate_model(out, split.test) if score else None
    return TrainReport(out, len(sentences), sum(len(s.tokens) for s in sentences), seconds, dev, test)


def evaluate_model(model: Path | None, sentences: list[TaggedSentence]) -> Scores:
    """Exact-span scores of the model on gold sentences."""
    predicted = CrfRecognizer(model).tag_sentences([list(s.tokens) for s in sentences])
    return evaluate([list(s.tags) for s in sentences], predicted)


def _fit(train: list[TaggedSentence], others: list[TaggedSentence], path: Path, params: dict | None) -> None:
    """One crfsuite L-BFGS run; the model appears at ``path`` only when complete.

    ANERcorp sentences give shared features only; extra-corpus sentences
    also give marked copies (see :func:`_other_domain`).
    """
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    trainer.set_params({**PARAMS, **(params or {})})
    for sentence in train:
        trainer.append(sentence_features(list(sentence.tokens)), list(sentence.tags))
    for sentence in others:
        trainer.append(_other_domain(sentence_features(list(sentence.tokens))), list(sentence.tags))
    partial = path.with_name(path.name + ".part")
    trainer.train(str(partial))
    partial.replace(path)
    _open_tagger.cache_clear()


def build_lexicon(sentences: list[TaggedSentence]) -> list[tuple[str, str, int, int]]:
    """Rows ``(entry, type, count, total)`` of the names annotated in ``sentences``.

    Read the corpora with clitics split (``reattach=False``) so that names
    are bare; leading proclitic tokens are dropped from a span.

    Rows typed ``w:TYPE`` count a word inside any name of that type.

    >>> build_lexicon([TaggedSentence(("و", "باريس", "باريس"), ("B-LOC", "I-LOC", "O"))])
    [('باريس', 'LOC', 1, 2), ('باريس', 'w:LOC', 1, 2)]
    """
    annotated: dict[str, Counter] = defaultdict(Counter)
    inside: dict[str, Counter] = defaultdict(Counter)
    seen: Counter = Counter()
    for sentence in sentences:
        keys = [phrase_key(token) for token in sentence.tokens]
        seen.update(key for key in keys if key)
        for kind, begin, end in spans(sentence.tags):
            words = [key for key in keys[begin:end] if key]
            while words and words[0] in PROCLITICS:
                words.pop(0)
            if words:
                annotated[" ".join(words)][kind] += 1
            for word in words:
                inside[word][f"w:{kind}"] += 1
    rows = []
    for entry, types in annotated.items():
        total = seen[entry] if " " not in entry else sum(types.values())
        rows.extend((entry, kind, count, max(total, count)) for kind, count in types.items())
    for word, types in inside.items():
        rows.extend((word, kind, count, max(seen[word], count)) for kind, count in types.items())
    return sorted(rows)


def write_lexicon(path: Path = LEXICON_PATH, corpora: tuple[str, ...] = LEXICON_CORPORA,
                  corpora_dir: Path = CORPORA_DIR) -> int:
    """Build the corpus lexicon from independent corpora (never ANERcorp or NewsFANE)."""
    sentences = []
    for name in corpora:
        folder, pattern, fmt = CORPUS_FILES[name]
        for source in sorted((Path(corpora_dir) / folder).glob(pattern)):
            sentences.extend(read_corpus(source, fmt, reattach=False))
    rows = build_lexicon(sentences)
    body = "".join(f"{e}\t{k}\t{c}\t{t}\n" for e, k, c, t in rows)
    write_atomic(Path(path), _LEXICON_HEADER.format(corpora=", ".join(corpora)) + body)
    return len(rows)


def write_word_clusters(path: Path = CLUSTERS_PATH, corpora: tuple[str, ...] = CLUSTER_CORPORA,
                        corpora_dir: Path = CORPORA_DIR) -> int:
    """Word clusters from the text (not the tags) of ANERcorp TRAIN and the extra corpora.

    DEV and TEST sentences, and extra sentences sharing a 6-gram with them,
    are left out so that the held-out scores stay honest.
    """
    from graph.word_clusters import write_clusters

    split = split_anercorp(load_corpus("anercorp", corpora_dir))
    extra = load_extra(list(corpora), split.dev + split.test, corpora_dir)
    sentences = [s.tokens for s in split.train + extra]
    return write_clusters(Path(path), sentences, "ANERcorp TRAIN, " + ", ".join(corpora))


def _other_domain(features: list[list[str]]) -> list[list[str]]:
    """Each feature twice, once shared and once marked as other-domain.

    The marked copies never fire at tagging time: they soak up what the
    extra corpora annotate differently (nationalities, currencies), so the
    shared weights keep ANERcorp's conventions (Daumé III, 2007).
    """
    return [[*feats, *(f"X{f}" for f in feats)] for feats in features]


def _ngrams(tokens: tuple[str, ...]) -> set[tuple[str, ...]]:
    words = [w for w in (normalize_text(t) for t in tokens) if w and w[0].isalnum()]
    return {tuple(words[i:i + _NGRAM]) for i in range(len(words) - _NGRAM + 1)}
