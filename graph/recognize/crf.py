"""CRF named-entity recogniser: model loading, tagging, mentions.

The model (``graph/models/ner.crfsuite``, CC BY-SA 4.0, see MODEL_CARD.md)
is opened once per path and shared; features live in
:mod:`graph.recognize.crf_features`. A crfsuite tagger is not thread-safe:
use one process per worker (the pipeline's dask workers are processes).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from graph.errors import GraphError
from graph.records import Document, Kind, Mention
from graph.recognize.crf_features import (
    CLUSTERS_PATH, LEXICON_PATH, MODELS_DIR, TRIGGERS_PATH, load_triggers, sentence_features, word_features,
)

__all__ = [
    "CrfRecognizer", "ModelError", "mentions_from_tags", "MODEL_PATH", "TRIGGERS_PATH", "LEXICON_PATH", "CLUSTERS_PATH",
    "word_features", "sentence_features", "load_triggers",
]

MODEL_PATH = MODELS_DIR / "ner.crfsuite"
KIND_OF = {"PERS": Kind.PERSON, "ORG": Kind.INSTITUTION, "LOC": Kind.PLACE}


class ModelError(GraphError):
    """The NER model file is missing or unreadable: how to rebuild it."""


class CrfRecognizer:
    """Tag raw tokens with ``B-/I-`` PERS, ORG, LOC, MISC; turn spans into mentions.

    >>> rec = CrfRecognizer()                                  # doctest: +SKIP
    >>> rec.tag_tokens(["قال", "الرئيس", "جورج", "بوش"])        # doctest: +SKIP
    ['O', 'O', 'B-PERS', 'I-PERS']
    """

    def __init__(self, model_path: str | Path | None = None):
        self.model_path = Path(model_path or MODEL_PATH).resolve()
        self._tagger = _open_tagger(str(self.model_path))

    def tag_tokens(self, tokens: list[str]) -> list[str]:
        """Tags for one sentence of raw tokens (any length, any script)."""
        if not tokens:
            return []
        return list(self._tagger.tag(sentence_features(list(tokens))))

    def tag_sentences(self, sentences: list[list[str]]) -> list[list[str]]:
        """Tags for each sentence (sentences are tagged independently)."""
        return [self.tag_tokens(tokens) for tokens in sentences]

    def tag_with_marginals(self, tokens: list[str]) -> tuple[list[str], list[float]]:
        """Tags and the marginal probability crfsuite gives each chosen tag."""
        if not tokens:
            return [], []
        tagger = self._tagger
        tagger.set(sentence_features(list(tokens)))
        tags = list(tagger.tag())
        return tags, [tagger.marginal(tag, i) for i, tag in enumerate(tags)]

    def __call__(self, document: Document) -> list[Mention]:
        """Person, institution and place mentions (MISC spans are dropped)."""
        sentences = [document.sentence_tokens(s.index) for s in document.sentences]
        tagged = [self.tag_with_marginals([t.text for t in tokens]) for tokens in sentences]
        return mentions_from_tags(document, sentences, tagged, "crf")


def mentions_from_tags(document: Document, sentences: list, tagged: list, method: str) -> list[Mention]:
    """Mentions from per-sentence ``(tags, marginals)``; confidence is the span's mean marginal.

    MISC spans are dropped: the pipeline has no class for them.
    """
    from graph.conll import spans

    article = document.article
    mentions = []
    for tokens, (tags, probs) in zip(sentences, tagged):
        if not tokens or tags.count("O") == len(tags):
            continue
        index = tokens[0].sentence
        for kind, begin, end in spans(tags):
            if kind not in KIND_OF:
                continue
            start, stop = tokens[begin].start, tokens[end - 1].end
            confidence = round(sum(probs[begin:end]) / (end - begin), 4)
            mentions.append(Mention(
                article.id, start, stop, article.text[start:stop], KIND_OF[kind],
                index, method=method, confidence=confidence))
    return sorted(mentions)


@lru_cache(maxsize=4)
def _open_tagger(path: str):
    import pycrfsuite

    if not Path(path).is_file():
        raise ModelError(
            f"{path}: NER model not found; train it with "
            "`python -m graph train-ner --out graph/models/ner.crfsuite` (see graph/models/MODEL_CARD.md)")
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open(path)
    except Exception as error:  # crfsuite raises a bare ValueError/OSError
        raise ModelError(f"{path}: cannot open NER model ({error}); retrain it with train-ner") from None
    return tagger
