"""A recogniser chain scored against an annotated corpus: its mentions as tags over the gold tokens.

``ner-eval`` scores a statistical model alone; a build runs the chain
(:func:`graph.recognize.recognize_mentions`), so this is how what a build
finds is measured (``bench/eval_chain.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.conll import TaggedSentence
from graph.recognize import recognize_mentions
from graph.records import Article
from graph.text import analyze_text

__all__ = ["chain_tags", "SCORED_TYPES", "scored_tags"]

SCORED_TYPES = ("PERS", "ORG", "LOC")


def chain_tags(sentences: Sequence[TaggedSentence], chain: Sequence[str], per_document: int = 25) -> list[list[str]]:
    """Predicted BIO tags for each gold sentence, from the mentions ``chain`` finds.

    Sentences are joined, a space between tokens and a line between
    sentences, into pseudo-articles of ``per_document`` sentences (label
    consistency and anaphora look across an article). A mention tags every
    gold token it overlaps (a proclitic trimmed from it still counts its
    token) with its kind's coarse type.

    >>> gold = [TaggedSentence(("وقال", "الجنرال", "جون", "آلن", "."), ("O", "O", "B-PERS", "I-PERS", "O"))]
    >>> chain_tags(gold, ("gazetteer", "pattern"))
    [['O', 'O', 'B-PERS', 'I-PERS', 'O']]
    """
    predicted = []
    for first in range(0, len(sentences), per_document):
        predicted += _document_tags(sentences[first:first + per_document], tuple(chain), f"gold-{first:06d}")
    return predicted


def scored_tags(tags: Sequence[str]) -> list[str]:
    """Gold tags with the types a graph has no place for (MISC) read as ``O``."""
    return [t if t[2:] in SCORED_TYPES else "O" for t in tags]


def _document_tags(group: Sequence[TaggedSentence], chain: tuple[str, ...], article_id: str) -> list[list[str]]:
    bounds, at = [], 0
    for sentence in group:
        row = []
        for token in sentence.tokens:
            row.append((at, at + len(token)))
            at += len(token) + 1
        bounds.append(row)
    text = "\n".join(" ".join(s.tokens) for s in group)
    tags = [["O"] * len(s.tokens) for s in group]
    for mention in recognize_mentions(analyze_text(Article(article_id, text)), chain):
        covered = [(i, j) for i, row in enumerate(bounds) for j, (a, b) in enumerate(row)
                   if a < mention.end and mention.start < b]
        for n, (i, j) in enumerate(covered):
            tags[i][j] = ("B-" if n == 0 else "I-") + mention.kind.coarse
    return tags
