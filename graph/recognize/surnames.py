"""Surname-only mentions of a person named in full earlier in the article (آلن → جون آلن)."""

from __future__ import annotations

import bisect
from itertools import compress, repeat

from graph.lexicon import lexicon_words
from graph.recognize.crf_features import inside_names
from graph.recognize.patterns import written_zipf
from graph.records import Document, Kind, Mention
from graph.text import clitic_variants, normalize_text, stem_offset

__all__ = ["find_surnames"]

_MIN_SURNAME = 3
_COMMON_SURNAME = 4.5


def find_surnames(document: Document, mentions: list[Mention]) -> list[Mention]:
    """Mentions (method ``pattern``) of a full name's last word after that name appears."""
    persons = sorted((m for m in mentions if m.kind is Kind.PERSON and len(m.surface.split()) >= 2),
                     key=lambda m: m.start)
    by_surname: dict[str, list[Mention]] = {}
    for person in persons:
        by_surname.setdefault(normalize_text(person.surface).split()[-1], []).append(person)
    if not by_surname:
        return []
    taken = sorted((m.start, m.end) for m in mentions)
    stop = lexicon_words("stopwords")
    endings = _endings(by_surname)
    found = []
    for token in compress(document.tokens, map(str.endswith, document.norms, repeat(endings))):
        variants = clitic_variants(token.norm)
        if by_surname.keys().isdisjoint(variants) or _inside(taken, token.start, token.end):
            continue
        for variant in variants:
            person = _named_before(by_surname.get(variant, ()), token.start)
            if person and len(variant) >= _MIN_SURNAME and variant not in stop and _names_alone(variant):
                start = token.start + stem_offset(token.text, variant)
                found.append(Mention(document.article.id, start, token.end, document.article.text[start:token.end],
                                     Kind.PERSON, token.sentence, "pattern", 0.8, person.key, None))
                break
    return found


def _names_alone(surname: str) -> bool:
    """Whether a full name's last word can stand for the person alone: a word persons mostly hold
    (الأسد، الصباح، عباس) or one that is not common (آلن، الزعابي); not an ordinal
    (عبد الله الثاني: the second half), a number (بنديكيت السادس عشر) or الله (حسن نصر الله).

    >>> _names_alone("الاسد"), _names_alone("الزعابي"), _names_alone("الثاني"), _names_alone("الله")
    (True, True, False, False)
    """
    return (inside_names(surname) or "") in ("PERS2", "PERS3") or written_zipf(surname) < _COMMON_SURNAME


def _endings(surnames) -> tuple[str, ...]:
    """What a word that reads as one of ``surnames`` ends with: every clitic variant of a word
    is an ending of it, or "ال" and an ending (a restored article). One C-level test per token
    rules out the words that read as no surname."""
    return tuple({ending for name in surnames for ending in (name, name[2:] if name.startswith("ال") else name)})


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps a span of the sorted list (binary search)."""
    index = bisect.bisect_left(spans, (end, end))
    return any(s < end and start < e for s, e in spans[max(0, index - 8):index])


def _named_before(persons, offset: int) -> Mention | None:
    """The latest full name (persons sorted by start) that ends before ``offset``."""
    earlier = [p for p in persons if p.end <= offset]
    return earlier[-1] if earlier else None
