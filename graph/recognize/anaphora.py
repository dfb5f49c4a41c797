"""Generic heads that point back to a named entity: التنظيم → داعش, المملكة → المغرب.

Heads and what they may refer to live in ``ontology/lexicons/anaphora.tsv``.
The antecedent is the nearest earlier mention of an allowed kind whose
known names contain the head's marker word.
"""

from __future__ import annotations

from functools import lru_cache

from graph.gazetteer import load_gazetteer
from graph.lexicon import read_lexicon
from graph.records import Document, Kind, Mention
from graph.text import WordMemo, clitic_variants, normalize_text, positions

__all__ = ["resolve_anaphora"]


def resolve_anaphora(document: Document, mentions: list[Mention]) -> list[Mention]:
    """Mentions for generic heads (method ``pattern``), linked by ``key`` to their antecedent."""
    taken = [(m.start, m.end) for m in mentions]
    found = []
    tokens = document.tokens
    for index in positions(_HEADS.__getitem__, document.norms):
        match, token = _match(tokens, index), tokens[index]
        if match is None or any(s < match[0] and token.start < e for s, e in taken):
            continue
        end, kinds, marker = match
        antecedent = _antecedent(mentions, token.start, kinds, marker)
        if antecedent is not None:
            found.append(Mention(document.article.id, token.start, end, document.article.text[token.start:end],
                                 antecedent.kind, token.sentence, "pattern", 0.7, antecedent.key,
                                 antecedent.qualifier))
    return found


def _match(tokens, index):
    """(end offset, kinds, marker) of the generic head starting at ``index``."""
    for head in _HEADS[tokens[index].norm]:
        kinds, marker = _rules()[head]
        words = head.split()
        window = tokens[index: index + len(words)]
        if len(window) < len(words) or any(t.sentence != window[0].sentence for t in window):
            continue
        if words[0] in clitic_variants(window[0].norm) and [t.norm for t in window[1:]] == words[1:]:
            return window[-1].end, kinds, marker
    return None


def _antecedent(mentions, offset, kinds, marker) -> Mention | None:
    """Nearest earlier match; failing that, for a marked head, the nearest later one."""
    earlier = sorted((m for m in mentions if m.end <= offset), key=lambda m: -m.start)
    later = sorted((m for m in mentions if m.start > offset), key=lambda m: m.start) if marker else []
    for mention in earlier + later:
        if not mention.key or mention.kind not in kinds:
            continue
        names = load_gazetteer()[mention.key].names if mention.key in load_gazetteer() else (mention.surface,)
        if not marker or any(marker in normalize_text(n) for n in names):
            return mention
    return None


def _heads(norm: str) -> tuple[str, ...]:
    """Heads a word may open, proclitics allowed, longest first (memoised by word: most open none)."""
    heads = {h for v in clitic_variants(norm) for h in _rules_by_first_word().get(v, ())}
    return tuple(sorted(heads, key=_rule_order))


_HEADS = WordMemo(_heads)


def _rule_order(head: str) -> tuple[int, str]:
    return -head.count(" "), head


@lru_cache(maxsize=1)
def _rules_by_first_word() -> dict[str, tuple[str, ...]]:
    """Heads indexed by their first word, so most tokens are ruled out by one lookup."""
    index: dict[str, list[str]] = {}
    for head in _rules():
        index.setdefault(head.split()[0], []).append(head)
    return {word: tuple(heads) for word, heads in index.items()}


@lru_cache(maxsize=1)
def _rules() -> dict[str, tuple[frozenset[Kind], str]]:
    rules = {}
    for row in read_lexicon("anaphora"):
        kinds = frozenset(Kind(k.strip()) for k in row["kinds"].split(","))
        rules[normalize_text(row["head"])] = (kinds, normalize_text(row.get("prefix", "")))
    return dict(sorted(rules.items(), key=lambda item: _rule_order(item[0])))
