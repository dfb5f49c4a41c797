"""Label consistency: a name tagged in one sentence is tagged at its other nearby occurrences.

News introduces a name with context ("شركة فولكسفاغن", "المدرب فينغر") and then
repeats it bare, where a sentence-level tagger often misses it. Tagged names
(normalised token sequences) of the sentences within ``window`` either side
are looked for again in each sentence; an untagged occurrence takes the
name's most frequent type and the confidence of its best tagged occurrence.
Existing spans are never changed (Krishnan & Manning 2006 make the same
observation; this is the simple, deterministic form of it). A name made only of
function words is not repeated: normalised, the name علي is the preposition على.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from graph.conll import spans
from graph.lexicon import lexicon_words
from graph.text import word_form

__all__ = ["propagate_labels", "WINDOW"]

WINDOW = 5
Tagged = tuple[list[str], list[float]]


def propagate_labels(sentences: Sequence[Sequence[str]], tagged: list[Tagged], window: int = WINDOW,
                     forms: Sequence[Sequence[str] | None] | None = None) -> list[Tagged]:
    """``tagged`` (tags and per-token confidence per sentence) with repeated names tagged too.

    ``forms`` may give a sentence's word forms (:func:`graph.text.word_form` of each token)
    when the caller has them; None (for all or one sentence) computes them.

    >>> sentences = [["شركة", "فولكسفاغن", "قالت"], ["باعت", "فولكسفاغن", "أمس"]]
    >>> tagged = [(["O", "B-ORG", "O"], [1.0, 0.9, 1.0]), (["O", "O", "O"], [1.0, 0.6, 1.0])]
    >>> [tags for tags, _ in propagate_labels(sentences, tagged)]
    [['O', 'B-ORG', 'O'], ['O', 'B-ORG', 'O']]
    >>> tagged = [(["O", "B-PERS", "O"], [1.0, 0.9, 1.0]), (["O", "O", "O"], [1.0, 1.0, 1.0])]
    >>> propagate_labels([["قال", "علي", "إن"], ["ردا", "على", "فتوى"]], tagged)[1][0]
    ['O', 'O', 'O']
    """
    keys = [tuple(form) if form is not None else tuple(map(word_form, tokens))
            for tokens, form in zip(sentences, forms or [None] * len(sentences))]
    names = [_names(key, tags, probs) for key, (tags, probs) in zip(keys, tagged)]
    firsts = [{name[0][0] for name in found} for found in names]
    out = []
    for i, (key, (tags, probs)) in enumerate(zip(keys, tagged)):
        words = set(key)  # only a name whose first word is here can be tagged here
        nearby = [name for j in range(max(0, i - window), min(len(names), i + window + 1))
                  if not words.isdisjoint(firsts[j]) for name in names[j] if name[0][0] in words]
        out.append(_retag(key, list(tags), list(probs), _choose(nearby)) if nearby else (tags, probs))
    return out


def _names(key: tuple[str, ...], tags: list[str], probs: list[float]) -> list[tuple[tuple[str, ...], str, float]]:
    if tags.count("O") == len(tags):
        return []
    function_words = lexicon_words("stopwords")
    return [(key[a:b], kind, sum(probs[a:b]) / (b - a)) for kind, a, b in spans(tags)
            if not function_words.issuperset(key[a:b])]


def _choose(nearby: list[tuple[tuple[str, ...], str, float]]) -> list[tuple[tuple[str, ...], str, float]]:
    """Per name: its most frequent type (ties by name) and best confidence; longest names first."""
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    best: dict[tuple, float] = defaultdict(float)
    for name, kind, confidence in nearby:
        counts[name][kind] += 1
        best[name, kind] = max(best[name, kind], confidence)
    chosen = []
    for name, kinds in counts.items():
        kind = min(kinds, key=lambda k: (-kinds[k], k))
        chosen.append((name, kind, round(best[name, kind], 4)))
    return sorted(chosen, key=lambda c: (-len(c[0]), c[0], c[1]))


def _retag(key: tuple[str, ...], tags: list[str], probs: list[float], names) -> Tagged:
    n = len(key)
    for name, kind, confidence in names:
        size = len(name)
        for a in _positions(key, name[0]):
            if a + size > n or key[a:a + size] != name or any(t != "O" for t in tags[a:a + size]):
                continue
            if a + size < n and tags[a + size].startswith("I-"):
                continue
            tags[a:a + size] = [f"B-{kind}"] + [f"I-{kind}"] * (size - 1)
            probs[a:a + size] = [confidence] * size
    return tags, probs


def _positions(key: tuple[str, ...], word: str) -> list[int]:
    """Where ``word`` occurs in ``key`` (the sentence is scanned in C, not word by word in Python)."""
    found, at = [], -1
    for _ in range(key.count(word)):
        at = key.index(word, at + 1)
        found.append(at)
    return found
