"""Lexicons under ``ontology/lexicons/*.tsv``: read once, normalised once.

Every lexicon is a TSV with a header row; ``#`` lines are comments.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from graph.errors import GazetteerError
from graph.gazetteer import ONTOLOGY_DIR
from graph.text import normalize_text

__all__ = ["read_lexicon", "lexicon_words", "lexicon_map"]


@lru_cache(maxsize=64)
def read_lexicon(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``ontology/lexicons/<name>.tsv`` as dicts (cells stripped)."""
    path = ONTOLOGY_DIR / "lexicons" / f"{name}.tsv"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise GazetteerError(f"{path}: cannot read lexicon: {error}") from None
    rows = [line for line in lines if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple({k: (v or "").strip() for k, v in row.items() if k} for row in reader)


@lru_cache(maxsize=64)
def lexicon_words(name: str, column: str | None = None) -> frozenset[str]:
    """Normalised values of one column (the first by default)."""
    rows = read_lexicon(name)
    if not rows:
        return frozenset()
    column = column or next(iter(rows[0]))
    return frozenset(normalize_text(row[column]) for row in rows if row.get(column))


@lru_cache(maxsize=64)
def lexicon_map(name: str, key: str, value: str) -> dict[str, str]:
    """Normalised ``key`` column → raw ``value`` column."""
    return {normalize_text(row[key]): row[value] for row in read_lexicon(name) if row.get(key)}
