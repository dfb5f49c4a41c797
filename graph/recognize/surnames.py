"""Surname-only mentions of a person named in full earlier in the article (آلن → جون آلن)."""

from __future__ import annotations

from graph.lexicon import lexicon_words
from graph.records import Document, Kind, Mention
from graph.text import clitic_variants, normalize_text, stem_offset

__all__ = ["find_surnames"]

_MIN_SURNAME = 3


def find_surnames(document: Document, mentions: list[Mention]) -> list[Mention]:
    """Mentions (method ``pattern``) of a full name's last word after that name appears."""
    persons = [m for m in mentions if m.kind is Kind.PERSON and len(m.surface.split()) >= 2]
    taken = [(m.start, m.end) for m in mentions]
    stop = lexicon_words("stopwords")
    found = []
    for token in document.tokens:
        if any(s < token.end and token.start < e for s, e in taken):
            continue
        for variant in clitic_variants(token.norm):
            person = _named_before(persons, variant, token.start)
            if person and len(variant) >= _MIN_SURNAME and variant not in stop:
                start = token.start + stem_offset(token.text, variant)
                found.append(Mention(document.article.id, start, token.end, document.article.text[start:token.end],
                                     Kind.PERSON, token.sentence, "pattern", 0.8, person.key, None))
                break
    return found


def _named_before(persons: list[Mention], surname: str, offset: int) -> Mention | None:
    for person in sorted(persons, key=lambda m: -m.start):
        if person.end <= offset and normalize_text(person.surface).split()[-1] == surname:
            return person
    return None
