"""What every relation pattern needs: tokens, mentions on tokens, lexicon phrases.

Patterns work on the tokens of one sentence; a mention covers the tokens it
overlaps (a mention may start after a proclitic, inside "للأمم").
"""

from __future__ import annotations

from collections.abc import Sequence
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, groupby
from operator import attrgetter

from graph.lexicon import read_lexicon
from graph.records import Document, Kind, Mention, Token
from graph.text import WordMemo, clitic_variants, normalize_text, norms_of, positions

__all__ = [
    "strip_to", "Sentence", "sentence_views", "PhraseIndex", "phrase_index", "is_person", "is_institution",
    "is_place", "PUNCT", "QUOTE_OPEN", "QUOTE_CLOSE",
]

_SENTENCE, _START, _END = attrgetter("sentence"), attrgetter("start"), attrgetter("end")
_LOOKBACK = 64  # mentions starting before a token that may still cover it
PUNCT = frozenset("،,.:؛;!?؟()[]")
QUOTE_OPEN = {"«": "»", "“": "”", "”": "”", '"': '"', "„": "“"}
QUOTE_CLOSE = frozenset("»”\"“")
_INSTITUTIONS = {Kind.INSTITUTION, Kind.GOVERNMENT_BODY, Kind.INTERGOVERNMENTAL, Kind.ARMED_GROUP,
                 Kind.COMPANY, Kind.MEDIA}
_PLACES = {Kind.PLACE, Kind.COUNTRY, Kind.CITY, Kind.REGION}


def strip_to(token: Token, variant: str) -> str:
    """The printed token without the proclitics that ``variant`` (a clitic variant
    of its normalised form) lacks: ("واجتمع", "اجتمع") → "اجتمع"; "للرئيس" → "الرئيس"."""
    norm = token.norm
    if len(token.text) != len(norm) or variant == norm:
        return token.text
    if norm.endswith(variant):
        return token.text[len(norm) - len(variant):]
    if variant.startswith("ال") and norm.endswith(variant[2:]):
        return "ال" + token.text[len(norm) - len(variant) + 2:]
    return token.text


def is_person(mention: Mention | None) -> bool:
    return mention is not None and mention.kind is Kind.PERSON


def is_institution(mention: Mention | None) -> bool:
    return mention is not None and mention.kind in _INSTITUTIONS


def is_place(mention: Mention | None) -> bool:
    return mention is not None and mention.kind in _PLACES


@dataclass(frozen=True)
class Sentence:
    """The tokens of one sentence and the mention (if any) covering each token."""

    index: int
    tokens: tuple[Token, ...]
    covering: tuple[Mention | None, ...]
    derived: dict = field(default_factory=dict, init=False, compare=False, repr=False)  # worked out once per view

    def mention_starts(self) -> dict[int, Mention]:
        """Token index → mention that begins on that token (worked out once per view; do not change it)."""
        starts = self.derived.get("starts")
        if starts is None:
            starts = self.derived["starts"] = {}
            previous = None
            for i, mention in enumerate(self.covering):
                if mention is not None and mention is not previous:
                    starts[i] = mention
                previous = mention
        return starts

    def mention_end(self, i: int) -> int:
        """Index after the last token of the mention covering token ``i``."""
        mention = self.covering[i]
        while i < len(self.tokens) and self.covering[i] is mention:
            i += 1
        return i

    def norm(self, i: int) -> str:
        return self.tokens[i].norm if 0 <= i < len(self.tokens) else ""

    def index_at(self, start: int) -> int:
        """The index of the token that starts at offset ``start`` (a trigger's, a mention's); 0 if none does."""
        return next((k for k, t in enumerate(self.tokens) if t.start == start), 0)

    @property
    def norms(self) -> list[str]:
        """The tokens' normalised forms (worked out once per view; do not change them)."""
        norms = self.derived.get("norms")
        if norms is None:
            norms = self.derived["norms"] = norms_of(self.tokens)
        return norms


def sentence_views(document: Document, mentions: Sequence[Mention]) -> list[Sentence]:
    """One :class:`Sentence` per document sentence, mentions laid on tokens."""
    by_sentence: dict[int, list[Token]] = {s.index: [] for s in document.sentences}
    for index, tokens in groupby(document.tokens, _SENTENCE):
        by_sentence.setdefault(index, []).extend(tokens)
    ordered = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start)))
    starts = [m.start for m in ordered]
    reach = list(accumulate((m.end for m in ordered), max))
    views = []
    for index in sorted(by_sentence):
        tokens = tuple(by_sentence[index])
        views.append(Sentence(index, tokens, _covering(tokens, ordered, starts, reach)))
    return views


def _covering(tokens, mentions: list[Mention], starts: list[int], reach: list[int]) -> tuple[Mention | None, ...]:
    """For each token, the first mention (by start, longest first) overlapping it, among the
    ``_LOOKBACK`` mentions starting last before the token ends.

    ``reach[k]`` is the furthest end of ``mentions[:k + 1]``, so the first
    mention to end after the token starts is found by binary search; only
    when it lies before the window is the window scanned. Only the tokens a
    mention overlaps are looked at (the others are covered by none).
    """
    out: list[Mention | None] = [None] * len(tokens)
    for i in _overlapped(tokens, mentions, starts, reach):
        token = tokens[i]
        hi = bisect_left(starts, token.end)
        lo, first = max(0, hi - _LOOKBACK), bisect_right(reach, token.start)
        if first >= lo:
            out[i] = mentions[first] if first < hi else None
        else:
            out[i] = next((mentions[k] for k in range(lo, hi) if token.start < mentions[k].end), None)
    return tuple(out)


def _overlapped(tokens, mentions: list[Mention], starts: list[int], reach: list[int]) -> set[int]:
    """Indexes of the tokens that some mention overlaps, found from the mentions' side by
    binary search (the tokens are in text order, so their starts and ends are sorted)."""
    if not tokens:
        return set()
    token_starts, token_ends = list(map(_START, tokens)), list(map(_END, tokens))
    found: set[int] = set()
    for k in range(bisect_right(reach, tokens[0].start), bisect_left(starts, tokens[-1].end)):
        mention = mentions[k]
        found.update(range(bisect_right(token_ends, mention.start), bisect_left(token_starts, mention.end)))
    return found


class PhraseIndex:
    """Multi-word lexicon phrases matched on tokens, longest first.

    The first word may carry proclitics (للأمين → الأمين); later words are
    compared on their normalised form.
    """

    def __init__(self, rows: Sequence[dict[str, str]], column: str):
        self._by_first: dict[str, list[tuple[tuple[str, ...], dict[str, str]]]] = {}
        for row in rows:
            words = tuple(normalize_text(row[column]).split())
            if words:
                self._by_first.setdefault(words[0], []).append((words, row))
        for entries in self._by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        self._opens = WordMemo(self._may_open)

    @property
    def first_words(self) -> frozenset[str]:
        return frozenset(self._by_first)

    def openings(self, sentence: Sentence) -> list[int]:
        """Indexes of the tokens a phrase may open on (one memoised lookup a word)."""
        return positions(self._opens.__getitem__, sentence.norms)

    def match(self, sentence: Sentence, i: int, max_end: int | None = None):
        """``(end_index, row, proclitic_stripped)`` of the longest phrase at ``i``, or None."""
        limit = len(sentence.tokens) if max_end is None else max_end
        if not (0 <= i < min(limit, len(sentence.tokens)) and self._opens[sentence.tokens[i].norm]):
            return None
        for depth, variant in enumerate(clitic_variants(sentence.tokens[i].norm)):
            for words, row in self._by_first.get(variant, ()):
                end = i + len(words)
                if end <= limit and all(_word_matches(sentence.norm(i + k), w) for k, w in enumerate(words[1:], 1)):
                    return end, row, depth > 0
        return None


    def _may_open(self, norm: str) -> bool:
        """Whether a reading of the word opens a phrase (memoised by word: most open none)."""
        return any(variant in self._by_first for variant in clitic_variants(norm))


def _word_matches(norm: str, word: str) -> bool:
    return norm == word or (len(word) > 2 and word in clitic_variants(norm)[1:2])


@lru_cache(maxsize=16)
def phrase_index(name: str, column: str) -> PhraseIndex:
    """The phrase index of lexicon ``name`` on ``column`` (read once)."""
    return PhraseIndex(read_lexicon(name), column)
