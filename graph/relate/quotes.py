"""Quotations and who said them: the Statement side of event extraction.

A quotation is text between «», “”, ” ” or straight quotes. A speech verb
(قال، أكد، أضاف …) takes the first quotation that opens after it in its
sentence, or in the next sentence when the verb is followed by a colon. Its
speaker is the person or institution named after the verb; when none is
named (pro-drop: "وأضاف:") it is the previous speaker within a few sentences,
or the antecedent of a relative clause ("الجار الله الذي قال").
"""

from __future__ import annotations

import re

from graph.relate.context import QUOTE_OPEN

__all__ = ["find_quotes", "quotation_after"]

_OPENING = re.compile("|".join(map(re.escape, QUOTE_OPEN)))
_MAX_QUOTE = 2000
_MIN_WORDS = 4


def find_quotes(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each quotation, quote marks included, in order.

    >>> text = 'قال: «هذه حرب». و"كلمة"'
    >>> [text[s:e] for s, e in find_quotes(text)]
    ['«هذه حرب»', '"كلمة"']
    """
    spans: list[tuple[int, int]] = []
    opening = _OPENING.search(text)
    while opening is not None:
        i = opening.start()
        end = _closing(text, i, QUOTE_OPEN[text[i]])
        if end is not None:
            spans.append((i, end))
        opening = _OPENING.search(text, i + 1 if end is None else end)
    return spans


def quotation_after(text: str, quotes: list[tuple[int, int]], position: int, limit: int) -> str:
    """The quotation a speech verb at ``position`` introduces, or ``""``.

    Quotes must open before ``limit`` (end of the verb's sentence, or of the
    next one after a colon). A short quote (a scare quote, a name) counts only
    right after a colon.

    >>> text = 'وقال آلن في اجتماع خصص «للدعاية»: «هذه حرب رهيبة تهدف إلى تجنيد»'
    >>> quotation_after(text, find_quotes(text), 1, len(text))
    'هذه حرب رهيبة تهدف إلى تجنيد'
    """
    for start, end in quotes:
        if start < position or start >= limit:
            continue
        inner = text[start + 1:end - 1].strip()
        before = text[:start].rstrip()
        if len(inner.split()) >= _MIN_WORDS or before.endswith(":"):
            return inner
    return ""


def _closing(text: str, i: int, close: str) -> int | None:
    """Index after the mark closing the quote opened at ``i`` (same paragraph)."""
    stop = min(len(text), i + _MAX_QUOTE)
    paragraph = text.find("\n\n", i)
    if paragraph != -1:
        stop = min(stop, paragraph)
    j = text.find(close, i + 1, stop)
    if j == -1 or j == i + 1:
        return None
    return j + 1
