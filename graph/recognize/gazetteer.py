"""Gazetteer recogniser: longest match of known names, proclitics allowed.

The first token of a name may carry proclitics (بمومباي، لداعش، وفيسبوك،
للأمم المتحدة); the match covers the whole written token, so the surface
stays what the article printed. A name shared by two entries (عمان: Oman or
Amman) is settled by its neighbours: in a list of states it is the state.
"""

from __future__ import annotations

from graph.gazetteer import Gazetteer, GazetteerEntry, load_gazetteer
from graph.lexicon import read_lexicon
from graph.records import Document, Kind, Mention, Token
from graph.text import WordMemo, clitic_variants, normalize_text, positions, stem_offset

__all__ = ["GazetteerRecognizer"]

_PLACE_KINDS = (Kind.COUNTRY, Kind.CITY, Kind.REGION, Kind.PLACE)


class GazetteerRecognizer:
    """Find gazetteer names in a document, longest match first."""

    name = "gazetteer"

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or load_gazetteer()
        self.ambiguous = _ambiguous_readings(self.gazetteer)
        self.lengths = _lengths_by_first_word([*self.gazetteer.keys(), *self.ambiguous])
        self.seconds = _second_words([*self.gazetteer.keys(), *self.ambiguous])
        self._openings = WordMemo(self._name_openings)

    def __call__(self, document: Document) -> list[Mention]:
        mentions = []
        for index in range(len(document.sentences)):
            tokens = document.sentence_tokens(index)
            after = 0
            for position in positions(self._openings.__getitem__, document.sentence_norms(index)):
                if position < after:
                    continue
                found = self._match_at(tokens, position, self._openings[tokens[position].norm])
                if found is not None:
                    length, entries, skip = found
                    mentions.append(self._mention(document, tokens, position, length, entries, skip))
                    after = position + length
        return mentions

    def _name_openings(self, norm: str):
        """Readings of a word that open a name with those names' lengths, and every such length,
        longest first (memoised by word: most words open none, and one lookup rules them out)."""
        if not norm[:1].isalnum():
            return ()
        readings = tuple((v, self.lengths[v]) for v in _first_word_variants(norm) if v in self.lengths)
        if not readings:
            return ()
        return readings, sorted({n for _, lengths in readings for n in lengths}, reverse=True)

    def _match_at(self, tokens: tuple[Token, ...], position: int, openings):
        readings, lengths = openings
        longest = min(self.gazetteer.max_tokens, len(tokens) - position)
        following = [t.norm for t in tokens[position + 1: position + longest]]
        for length in lengths:
            if length > longest:
                continue
            rest = following[:length - 1]
            for variant, variant_lengths in readings:
                if length not in variant_lengths or rest and rest[0] not in self.seconds[variant]:
                    continue
                key = " ".join([variant, *rest])
                entries = self.gazetteer.lookup(key) + self.ambiguous.get(key, ())
                if entries:
                    return length, entries, stem_offset(tokens[position].text, variant)
        return None

    def _mention(self, document, tokens, position, length, entries, skip) -> Mention:
        start, end = tokens[position].start + skip, tokens[position + length - 1].end
        entry = _choose(entries, tokens, position, length, self.gazetteer)
        confidence = 1.0 if len(entries) == 1 else 0.8
        return Mention(document.article.id, start, end, document.article.text[start:end], entry.kind,
                       tokens[position].sentence, "gazetteer", confidence, entry.id, entry.country or None)


def _first_word_variants(norm: str) -> tuple[str, ...]:
    """Clitic readings of a name's first word, plus "ل" before a word in "ل".

    "للجنة" is "ل" + "لجنة" as well as "ل" + "الجنة": the preposition before a
    noun that itself starts with "ل" writes the same double letter.

    >>> _first_word_variants("للجنه")[-1]
    'لجنه'
    """
    variants = clitic_variants(norm)
    if norm.startswith("لل") and len(norm) > 3 and norm[1:] not in variants:
        return (*variants, norm[1:])
    return variants


def _choose(entries, tokens, position, length, gazetteer) -> GazetteerEntry:
    """Pick among readings of one name: a state when listed among states."""
    if len({e.id for e in entries}) == 1:
        return entries[0]
    if _listed_with_countries(tokens, position, length, gazetteer):
        countries = [e for e in entries if e.kind is Kind.COUNTRY]
        if countries:
            return countries[0]
    default = [e for e in entries if e.kind is not Kind.COUNTRY]
    return (default or list(entries))[0]


def _listed_with_countries(tokens, position, length, gazetteer) -> bool:
    neighbours = []
    if position > 0:
        neighbours.append(tokens[position - 1])
    if position + length < len(tokens):
        neighbours.append(tokens[position + length])
    for token in neighbours:
        for variant in clitic_variants(token.norm):
            if any(e.kind is Kind.COUNTRY for e in gazetteer.lookup(variant)):
                return True
    return False


def _lengths_by_first_word(keys) -> dict[str, frozenset[int]]:
    """First word of each name → the token lengths of names starting with it.

    Most tokens start no name: one dictionary miss rules them out.
    """
    lengths: dict[str, set[int]] = {}
    for key in keys:
        words = key.split(" ")
        lengths.setdefault(words[0], set()).add(len(words))
    return {word: frozenset(found) for word, found in lengths.items()}


def _second_words(keys) -> dict[str, frozenset[str]]:
    """First word of each name → the second words of names starting with it: common words open
    long names ("علي"، "ان"), and the word after them rules most out before any key is joined."""
    seconds: dict[str, set[str]] = {}
    for key in keys:
        words = key.split(" ")
        seconds.setdefault(words[0], set()).update(words[1:2])
    return {word: frozenset(found) for word, found in seconds.items()}


def _ambiguous_readings(gazetteer: Gazetteer) -> dict[str, tuple[GazetteerEntry, ...]]:
    """Extra readings of names listed in ``ontology/lexicons/ambiguous.tsv``."""
    readings: dict[str, list[GazetteerEntry]] = {}
    for row in read_lexicon("ambiguous"):
        if row.get("entry") in gazetteer:
            readings.setdefault(normalize_text(row["name"]), []).append(gazetteer[row["entry"]])
    return {key: tuple(entries) for key, entries in readings.items()}
