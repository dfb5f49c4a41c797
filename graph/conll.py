"""CoNLL files: the four training corpora, plain token files, spans and scores.

Every corpus is read into :class:`TaggedSentence` records with coarse tags
``B-/I-`` over PERS, ORG, LOC, MISC so that they mix. The FANE corpora split
clitics off as tokens; :func:`reattach_clitics` glues them back so that their
tokens look like running text (what the tagger sees at run time). Scores use
CoNLL semantics: exact span match, an ``I-`` without a ``B-`` opens an entity.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from graph.errors import GraphError
from graph.text import positions

__all__ = [
    "TYPES", "TaggedSentence", "Scores", "ConllError",
    "read_corpus", "read_token_lines", "write_tagged",
    "spans", "evaluate", "map_fane_tag", "repair_aqmar_tag", "reattach_clitics",
]

TYPES = ("PERS", "ORG", "LOC", "MISC")
FORMATS = ("anercorp", "fane", "aqmar")
PROCLITICS = frozenset("وفبلك")
ENCLITICS = frozenset(("ه", "ها", "هم", "هما", "هن", "كم", "كما", "كن", "نا", "ني", "ي"))
_FANE_COARSE = {
    "PERS": ("Politician", "Athlete", "Artist", "Other_PER", "Religious_PER", "Scientist",
             "Police", "Businessperson", "Lawyer", "Engineer"),
    "ORG": ("Non-Governmental", "Government", "Media", "Sports", "Commercial", "Educational",
            "Medical-Science", "Entertainment", "Religious_ORG"),
    "LOC": ("Nation", "Population-Center", "State-or-Province", "GPE-Cluster", "Continent",
            "County-or-District", "Water-Body", "Land-Region-Natural", "Celestial",
            "Building-Grounds", "Path", "Airport", "Subarea-Facility", "Plant"),
}
FANE_MAP = {fine: coarse for coarse, fines in _FANE_COARSE.items() for fine in fines}
_AQMAR_TYPE = re.compile(r"^(?P<bio>[BI])-+(?P<type>PER|LOC|ORG|MISS?-?\d?|MIS)\W*$")


class ConllError(GraphError):
    """A CoNLL file cannot be read: file:line: what is wrong."""


@dataclass(frozen=True)
class TaggedSentence:
    """Tokens of one sentence with their ``B-/I-/O`` tags (same length)."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]

    def __post_init__(self):
        if len(self.tokens) != len(self.tags):
            raise ValueError("tokens and tags differ in length")


@dataclass(frozen=True)
class Scores:
    """Exact-span precision, recall and F1, per type and micro-averaged."""

    counts: dict  # type -> (true positives, predicted, gold)

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        """Precision, recall, F1 for one type, or micro over all when None."""
        rows = [self.counts[kind]] if kind else list(self.counts.values())
        tp, pred, gold = (sum(r[i] for r in rows) for i in range(3))
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def table(self) -> str:
        """A plain-text table: one line per type, then micro."""
        lines = [f"{'type':<6} {'prec':>6} {'rec':>6} {'f1':>6} {'gold':>6} {'pred':>6}"]
        for kind in [*sorted(self.counts), None]:
            p, r, f = self.prf(kind)
            tp, pred, gold = self.counts[kind] if kind else (
                sum(c[i] for c in self.counts.values()) for i in range(3))
            lines.append(f"{kind or 'micro':<6} {p:6.4f} {r:6.4f} {f:6.4f} {gold:6d} {pred:6d}")
        return "\n".join(lines)


def read_corpus(path: str | Path, fmt: str = "anercorp", reattach: bool = True) -> list[TaggedSentence]:
    """Read one corpus file into coarse-tagged sentences.

    ``fmt`` is ``anercorp`` (``TOKEN TAG``), ``fane`` (News/WikiFANE: tab,
    CRLF, U+200E, fine classes, split clitics) or ``aqmar`` (junk tags).
    ``reattach=False`` keeps FANE's clitics split (name lists want bare names).
    """
    if fmt not in FORMATS:
        raise ConllError(f"unknown format {fmt!r}; use one of {FORMATS}")
    rows = _read_rows(Path(path))
    fix = {"anercorp": _fix_anercorp_tag, "fane": map_fane_tag, "aqmar": repair_aqmar_tag}[fmt]
    sentences = []
    for block in rows:
        tokens = [token for token, _ in block]
        tags = [fix(tag) for _, tag in block]
        if fmt == "fane" and reattach:
            tokens, tags = reattach_clitics(tokens, tags)
        if tokens:
            sentences.append(TaggedSentence(tuple(tokens), tuple(tags)))
    return sentences


def read_token_lines(text: str) -> list[str | None]:
    """Tokens of a CoNLL text, one per non-blank line; ``None`` for a blank line.

    The first column is the token; other columns are ignored; BOM and CRLF
    are accepted.

    >>> read_token_lines("\\ufeffعمان B-LOC\\r\\n\\r\\nقال\\n")
    ['عمان', None, 'قال']
    """
    out: list[str | None] = []
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for line in lines[:-1] if lines[-1] == "" else lines:
        fields = line.split()
        out.append(fields[0] if fields else None)
    return out


def write_tagged(tokens: list[str | None], tags: list[str | None]) -> str:
    """CoNLL text: ``token TAG`` lines, blank where the token is ``None``."""
    return "".join("\n" if tok is None else f"{tok} {tag}\n" for tok, tag in zip(tokens, tags))


def spans(tags) -> list[tuple[str, int, int]]:
    """Entity spans ``(type, start, end)`` with CoNLL semantics.

    An ``I-`` tag without a preceding ``B-``/``I-`` of the same type opens
    an entity. Only the tags other than ``O`` are read (most of a sentence's):
    an ``O`` closes an entity, which a gap between them shows.

    >>> spans(["B-PERS", "I-PERS", "O", "I-LOC", "I-ORG", "B-ORG"])
    [('PERS', 0, 2), ('LOC', 3, 4), ('ORG', 4, 5), ('ORG', 5, 6)]
    """
    found, kind, begin, last = [], None, 0, -1
    for i in positions(_OUTSIDE.__ne__, tags):
        tag = tags[i]
        bio, _, label = tag.partition("-")
        if kind and not (i == last + 1 and bio == "I" and label == kind):
            found.append((kind, begin, last + 1))
            kind = None
        if bio in ("B", "I") and kind is None:
            kind, begin = label, i
        last = i
    if kind:
        found.append((kind, begin, last + 1))
    return found


_OUTSIDE = "O"


def evaluate(gold: list[list[str]], predicted: list[list[str]]) -> Scores:
    """Exact-span scores of predicted tag sequences against gold ones.

    >>> s = evaluate([["B-PERS", "I-PERS", "O"]], [["B-PERS", "O", "O"]])
    >>> s.prf()
    (0.0, 0.0, 0.0)
    """
    if len(gold) != len(predicted):
        raise ConllError(f"{len(gold)} gold sentences but {len(predicted)} predicted")
    tp, n_pred, n_gold = Counter(), Counter(), Counter()
    for g_tags, p_tags in zip(gold, predicted):
        g_spans, p_spans = set(spans(g_tags)), set(spans(p_tags))
        n_gold.update(s[0] for s in g_spans)
        n_pred.update(s[0] for s in p_spans)
        tp.update(s[0] for s in g_spans & p_spans)
    kinds = sorted(set(n_gold) | set(n_pred))
    return Scores({k: (tp[k], n_pred[k], n_gold[k]) for k in kinds})


def map_fane_tag(tag: str) -> str:
    """A FANE fine tag as a coarse one (GPE, LOC, FAC → LOC; rest → O).

    Nationalities (``Group``) and products become ``O``: ANERcorp does not
    tag nationalities, and its MISC (currencies, religions) has no FANE class.

    >>> map_fane_tag("I-Population-Center"), map_fane_tag("B-Group")
    ('I-LOC', 'O')
    """
    bio, _, fine = tag.partition("-")
    coarse = FANE_MAP.get(fine)
    return f"{bio}-{coarse}" if coarse and bio in ("B", "I") else "O"


def repair_aqmar_tag(tag: str) -> str:
    """An AQMAR tag repaired and mapped: PER→PERS, MIS0–3→MISC, junk→O.

    >>> repair_aqmar_tag("I--ORG"), repair_aqmar_tag("B-MIS1`"), repair_aqmar_tag("OO")
    ('I-ORG', 'B-MISC', 'O')
    """
    match = _AQMAR_TYPE.match(tag)
    if not match:
        return "O"
    kind = match["type"]
    kind = {"PER": "PERS", "LOC": "LOC", "ORG": "ORG"}.get(kind, "MISC")
    return f"{match['bio']}-{kind}"


def reattach_clitics(tokens: list[str], tags: list[str]) -> tuple[list[str], list[str]]:
    """Glue split proclitics to the next token and pronoun enclitics to the previous.

    The glued token keeps the tag of its word; a proclitic inside an entity
    (``I-``) keeps its own tag when the word has none.

    >>> reattach_clitics(["و", "المانيا", "ان", "ه"], ["O", "B-LOC", "O", "O"])
    (['والمانيا', 'انه'], ['B-LOC', 'O'])
    """
    out_tokens: list[str] = []
    out_tags: list[str] = []
    pending, pending_tag = "", "O"
    for token, tag in zip(tokens, tags):
        if token in PROCLITICS:
            pending, pending_tag = pending + token, pending_tag if pending else tag
            continue
        if pending:
            token, tag = pending + token, tag if tag != "O" else pending_tag
            pending, pending_tag = "", "O"
        elif token in ENCLITICS and out_tokens and _is_word(out_tokens[-1]):
            out_tokens[-1] += token
            continue
        out_tokens.append(token)
        out_tags.append(tag)
    if pending:
        out_tokens.append(pending)
        out_tags.append(pending_tag)
    return out_tokens, out_tags


def _is_word(token: str) -> bool:
    return token[:1].isalpha()


def _fix_anercorp_tag(tag: str) -> str:
    tag = tag.replace("-PER", "-PERS").replace("-PERSS", "-PERS")
    bio, _, kind = tag.partition("-")
    return tag if bio in ("B", "I") and kind in TYPES else "O"


def _read_rows(path: Path) -> list[list[tuple[str, str]]]:
    """Blocks of ``(token, tag)`` rows; FANE's TAB-only line ends a block."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ConllError(f"{path}: cannot read ({error}); expected UTF-8 CoNLL") from None
    blocks: list[list[tuple[str, str]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            if blocks[-1]:
                blocks.append([])
            continue
        if len(fields) < 2:
            raise ConllError(f"{path}:{number}: expected 'TOKEN TAG', got {line!r}")
        token = fields[0].replace("\u200e", "").replace("\u200f", "")
        if token:  # a token made only of a direction mark carries nothing
            blocks[-1].append((token, fields[-1]))
    return [b for b in blocks if b]
