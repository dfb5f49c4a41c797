"""Small hand-written articles for the relate tests: text plus hand-made mentions.

Mentions are placed by hand (``text.index``) so the relate tests never depend
on the recogniser.
"""

from __future__ import annotations

import datetime as dt

from graph.records import Article, Document, Kind, Mention
from graph.text import analyze_text

P, GOV, IGO, INST, ORG, CO = (Kind.PERSON, Kind.GOVERNMENT_BODY, Kind.INTERGOVERNMENTAL, Kind.INSTITUTION,
                              Kind.ARMED_GROUP, Kind.COMPANY)
COUNTRY, CITY, MEDIA = Kind.COUNTRY, Kind.CITY, Kind.MEDIA


def snippet(text: str, spec, article_id: str = "t", published: dt.date | None = None) -> tuple[Document, list[Mention]]:
    """A document for ``text`` and mentions for ``spec``: (surface, kind[, occurrence[, key]])."""
    document = analyze_text(Article(id=article_id, text=text, published=published))
    mentions = []
    for item in spec:
        surface, kind = item[0], item[1]
        occurrence = item[2] if len(item) > 2 else 0
        key = item[3] if len(item) > 3 else None
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(surface, start + 1)
        sentence = next(s.index for s in document.sentences if s.start <= start < s.end)
        mentions.append(Mention(article_id, start, start + len(surface), surface, kind, sentence, key=key))
    return document, mentions


def find(mentions, surface: str, occurrence: int = 0) -> Mention:
    return [m for m in mentions if m.surface == surface][occurrence]
