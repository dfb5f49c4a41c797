"""Recognisers: one module each, one registry, one combination policy.

The default chain is gazetteer, patterns and the shipped neural (BiLSTM-CRF)
model; the linear CRF stays registered as "crf". Known
names (gazetteer) win over patterns, patterns over the statistical model;
the longer of two overlapping gazetteer/pattern spans wins, and a model span
is kept only where nothing else was found, or where it holds a pattern's
person and more words (a name the patterns ended early). Every mention records the
recogniser that produced it (``Mention.method``) and a confidence.
"""

from __future__ import annotations

import importlib
from bisect import bisect_left, insort
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import accumulate

from graph.errors import GraphError, StageError
from graph.records import MENTION_ORDER, Document, Kind, Mention
from graph.text import normalize_text

__all__ = ["RECOGNIZERS", "DEFAULT_CHAIN", "chain_with", "get_recognizer", "recognize_mentions", "combine_mentions",
           "batched_mentions"]

RECOGNIZERS: dict[str, str] = {
    "gazetteer": "graph.recognize.gazetteer:GazetteerRecognizer",
    "pattern": "graph.recognize.patterns:PatternRecognizer",
    "crf": "graph.recognize.crf:CrfRecognizer",
    "neural": "graph.recognize.neural:NeuralRecognizer",
    "camel-bert": "graph.recognize.camel_bert:CamelBertRecognizer",
}
DEFAULT_CHAIN = ("gazetteer", "pattern", "neural")
_TIER = {"gazetteer": 3, "pattern": 2}
_MODEL_MIN_CONFIDENCE = 0.5


def chain_with(ner: str) -> tuple[str, ...]:
    """Gazetteer and patterns, then the statistical recogniser ``ner`` ("none": without one).

    >>> chain_with("none"), chain_with("neural") == DEFAULT_CHAIN
    (('gazetteer', 'pattern'), True)
    """
    return ("gazetteer", "pattern") + (() if ner == "none" else (ner,))


@lru_cache(maxsize=8)
def get_recognizer(name: str) -> Callable[[Document], list[Mention]]:
    """The recogniser registered under ``name`` (instantiated once)."""
    if name not in RECOGNIZERS:
        raise GraphError(f"unknown recogniser {name!r}; choose from {sorted(RECOGNIZERS)}")
    module, _, cls = RECOGNIZERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)()


def batched_mentions(documents: Sequence[Document], chain: Sequence[str]) -> list[dict[str, list[Mention]]]:
    """Per document, what the recognisers of ``chain`` that read many documents at once
    (a ``recognize_many`` method: the neural tagger) found in it, for :func:`recognize_mentions`."""
    found: list[dict[str, list[Mention]]] = [{} for _ in documents]
    for name in chain:
        many = getattr(get_recognizer(name), "recognize_many", None)
        if many is not None and documents:
            for mine, mentions in zip(found, many(list(documents))):
                mine[name] = mentions
    return found


def recognize_mentions(document: Document, chain: Sequence[str] = DEFAULT_CHAIN,
                       given: Mapping[str, list[Mention]] | None = None) -> tuple[Mention, ...]:
    """All mentions of a document, combined and checked against the text (``given``: what
    some recognisers of the chain already found in it, see :func:`batched_mentions`)."""
    from graph.recognize.anaphora import resolve_anaphora
    from graph.recognize.surnames import find_surnames

    given = given or {}
    found = [m for name in chain for m in (given[name] if name in given else get_recognizer(name)(document))
             if _spells_a_name(m.surface)]
    model = [trim_proclitic(m) for m in found if m.method not in _TIER]
    widened = _LongerModelPersons(model)
    ruled = combine_mentions([m for m in found if m.method in _TIER and not widened.hold(m)])
    ruled = sorted(ruled + resolve_anaphora(document, ruled), key=MENTION_ORDER)
    mentions = combine_mentions(ruled + model)
    mentions = sorted(mentions + find_surnames(document, mentions), key=MENTION_ORDER)
    for mention in mentions:
        if document.article.text[mention.start:mention.end] != mention.surface:
            raise StageError("recognize", document.article.id, f"mention {mention} does not match the text")
    return tuple(mentions)


class _LongerModelPersons:
    """Confident model persons, asked whether one holds a pattern person and more words: the
    pattern's name stopped at a word it could not vouch for, or at its sixth word ("خالد بن عمر
    بن سالم آل" of "خالد بن عمر بن سالم آل مرزوق"), and the model's longer name is kept instead.

    Binary searches, not a scan of every model span per pattern name: a page repeating "الرئيس
    عبد الفتاح السيسي" for 1 MB has 40,000 of each, and the scan took a minute and a half.
    """

    def __init__(self, model: list[Mention]):
        spans = sorted((m.start, m.end) for m in model
                       if m.kind is Kind.PERSON and m.confidence >= _MODEL_MIN_CONFIDENCE)
        self._starts = [start for start, _ in spans]
        self._reach = list(accumulate((end for _, end in spans), max))  # furthest end of spans so far
        self._end_at: dict[int, int] = {}
        for start, end in spans:
            self._end_at[start] = max(end, self._end_at.get(start, end))

    def hold(self, mention: Mention) -> bool:
        if mention.method != "pattern" or mention.kind is not Kind.PERSON:
            return False
        before = bisect_left(self._starts, mention.start)  # spans starting before the mention's
        return (before > 0 and self._reach[before - 1] >= mention.end
                or self._end_at.get(mention.start, mention.end) > mention.end)


def _spells_a_name(surface: str) -> bool:
    """Whether a span holds a letter once normalised: a model may tag a run of tatweels ("ـ ـ")
    or of marks, which names nothing and would be a label without a word.

    >>> _spells_a_name("ـ ـ"), _spells_a_name("آلن")
    (False, True)
    """
    return any(map(str.isalpha, normalize_text(surface)))


def combine_mentions(mentions: list[Mention]) -> list[Mention]:
    """Choose non-overlapping mentions: known and patterned first, then the model.

    A pattern phrase that opens with a known name is that name plus modifiers
    ("مجلس الأمن التابع للأمم المتحدة"): the known name wins.
    """
    known_starts = {m.start for m in mentions if m.method == "gazetteer"}
    ruled = sorted((m for m in mentions if m.method == "gazetteer" or m.method in _TIER and m.start not in known_starts
                    or m.key),
                   key=lambda m: (-(m.end - m.start), -_TIER[m.method], m.start, m.kind))
    model = sorted((m for m in mentions if m.method not in _TIER and m.confidence >= _MODEL_MIN_CONFIDENCE),
                   key=lambda m: (-m.confidence, m.start))
    chosen: list[Mention] = []
    spans: list[tuple[int, int]] = []
    for mention in ruled + model:
        if not _overlaps_any(spans, mention.start, mention.end):
            chosen.append(mention)
            insort(spans, (mention.start, mention.end))
    return sorted(chosen, key=MENTION_ORDER)


def trim_proclitic(mention: Mention) -> Mention:
    """Drop a proclitic the model kept inside a span (والسعودية → السعودية).

    The model learnt ANERcorp's convention of tagging whole written tokens.
    A letter is trimmed when the rest is a much more common word than the
    whole (so وليد keeps its و) or a known name.

    >>> from graph.records import Kind
    >>> trim_proclitic(Mention("t", 0, 9, "والسعودية", Kind.PLACE, 0, "crf")).surface
    'السعودية'
    >>> trim_proclitic(Mention("t", 0, 4, "وليد", Kind.PERSON, 0, "crf")).surface
    'وليد'
    """
    offset = _proclitic_offset(mention.surface.split()[0])
    return replace(mention, start=mention.start + offset, surface=mention.surface[offset:]) if offset else mention


@lru_cache(maxsize=1 << 16)
def _proclitic_offset(first: str) -> int:
    """How many letters of a written word :func:`trim_proclitic` drops (memoised by word)."""
    from graph.recognize.crf_features import zipf
    from graph.text import clitic_variants, normalize_text, stem_offset

    norm = normalize_text(first)
    for variant in clitic_variants(norm)[1:]:
        offset = stem_offset(first, variant)
        if offset and not normalize_text(first[:offset]).endswith("ال") \
                and zipf(variant) > zipf(norm) + 1:
            return offset
    return 0


def _overlaps_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps a span of ``spans``: sorted, pairwise non-overlapping.

    Such spans also have non-decreasing ends (an empty span lies on an edge
    of the others), so of those starting before ``end`` the last reaches
    furthest: one binary search instead of a scan of every chosen mention.
    """
    index = bisect_left(spans, (end,))
    return index > 0 and spans[index - 1][1] > start
