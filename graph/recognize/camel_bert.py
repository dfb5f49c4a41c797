"""Optional ``camel-bert`` recogniser: CAMeL Tools' AraBERT NER, when its data is installed.

The data (``camel_data -i ner-arabert``, about 500 MB) is not shipped and
cannot be fetched at run time. Importing ``camel_tools.ner`` without the
catalogue tries the network, so the data folder is checked first and a
:class:`CamelDataMissing` error says how to install it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from graph.errors import GraphError
from graph.records import Document, Mention

__all__ = ["CamelBertRecognizer", "CamelDataMissing", "camel_data_dir", "ner_data_path"]

INSTALL_HINT = "install it with `camel_data -i ner-arabert` (about 500 MB), then retry"


class CamelDataMissing(GraphError):
    """CAMeL Tools' NER model data is not installed."""


def camel_data_dir() -> Path:
    """Where CAMeL Tools keeps its data: ``$CAMELTOOLS_DATA`` or ``~/.camel_tools``.

    >>> camel_data_dir().name in {".camel_tools", "camel_tools"} or "CAMELTOOLS_DATA" in os.environ
    True
    """
    configured = os.environ.get("CAMELTOOLS_DATA")
    if configured:
        return Path(configured).expanduser().absolute()
    return Path.home() / ".camel_tools"


def ner_data_path() -> Path:
    """The AraBERT NER model folder; raises :class:`CamelDataMissing` when absent."""
    base = camel_data_dir()
    model = base / "data" / "ner" / "arabert"
    if not (base / "catalogue.json").is_file() or not (model / "config.json").is_file():
        raise CamelDataMissing(f"camel-bert: no CAMeL Tools NER data under {base}; {INSTALL_HINT}")
    return model


class CamelBertRecognizer:
    """Mentions from ``camel_tools.ner.NERecognizer.pretrained()`` (method ``camel-bert``)."""

    def __init__(self):
        ner_data_path()
        self._model = _load_pretrained()

    def tag_tokens(self, tokens: list[str]) -> list[str]:
        """``B-/I-`` PERS, ORG, LOC, MISC or ``O`` for raw tokens."""
        return list(self._model.predict_sentence(list(tokens))) if tokens else []

    def __call__(self, document: Document) -> list[Mention]:
        from graph.conll import spans
        from graph.recognize.crf import KIND_OF

        article, mentions = document.article, []
        for sentence in document.sentences:
            tokens = document.sentence_tokens(sentence.index)
            for kind, begin, end in spans(self.tag_tokens([t.text for t in tokens])):
                if kind in KIND_OF:
                    start, stop = tokens[begin].start, tokens[end - 1].end
                    mentions.append(Mention(article.id, start, stop, article.text[start:stop],
                                            KIND_OF[kind], sentence.index, method="camel-bert",
                                            confidence=0.9))
        return sorted(mentions)


@lru_cache(maxsize=1)
def _load_pretrained():
    try:
        from camel_tools.ner import NERecognizer

        return NERecognizer.pretrained(use_gpu=False)
    except Exception as error:  # camel_tools raises its own, untyped, errors
        raise CamelDataMissing(f"camel-bert: cannot load the NER model ({error}); {INSTALL_HINT}") from None
