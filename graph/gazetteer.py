"""The curated gazetteer: known states, cities, bodies, groups, companies, people.

Data lives in ``ontology/gazetteer/*.tsv`` (one file per family), one entry
a row with a header line::

    id  kind  label_ar  label_en  qid  aliases_ar  country

``kind`` is a :class:`graph.records.Kind` value, ``aliases_ar`` holds
spelling variants separated by ``|``, ``qid`` is left empty unless the
Wikidata item is certain, and ``country`` is the gazetteer id of the state
an institution belongs to. Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.errors import GazetteerError
from graph.records import Kind
from graph.text import normalize_text, tokenize

__all__ = ["GazetteerEntry", "Gazetteer", "load_gazetteer", "ONTOLOGY_DIR", "phrase_key"]

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
_DEFAULT_DIR = (ONTOLOGY_DIR / "gazetteer").resolve()
COLUMNS = ("id", "kind", "label_ar", "label_en", "qid", "aliases_ar", "country")


@dataclass(frozen=True, order=True)
class GazetteerEntry:
    id: str
    kind: Kind
    label_ar: str
    label_en: str = ""
    qid: str = ""
    aliases: tuple[str, ...] = ()
    country: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical label first, then every alias."""
        return (self.label_ar, *self.aliases)


class Gazetteer:
    """Entries indexed by the normalised token sequence of each name."""

    def __init__(self, entries: list[GazetteerEntry]):
        self.entries = {entry.id: entry for entry in sorted(entries)}
        index: dict[str, set[str]] = {}
        for entry in self.entries.values():
            for name in entry.names:
                index.setdefault(phrase_key(name), set()).add(entry.id)
        index.pop("", None)
        self._index = {key: tuple(sorted(ids)) for key, ids in index.items()}
        self._entries = {key: tuple(self.entries[i] for i in ids) for key, ids in self._index.items()}
        self.max_tokens = max((key.count(" ") + 1 for key in self._index), default=0)

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, entry_id: str) -> GazetteerEntry:
        return self.entries[entry_id]

    def __contains__(self, entry_id: str) -> bool:
        return entry_id in self.entries

    def lookup(self, key: str) -> tuple[GazetteerEntry, ...]:
        """Entries whose name has this phrase key (see :func:`phrase_key`); made once per key."""
        return self._entries.get(key, ())

    def keys(self):
        return self._index.keys()


@lru_cache(maxsize=1 << 16)
def phrase_key(name: str) -> str:
    """Normalised tokens of a name joined by one space: the matching key.

    Cached: resolution keys every mention's surface, and a corpus writes
    the same few thousand names hundreds of thousands of times.

    >>> phrase_key("الأمم المتّحدة")
    'الامم المتحده'
    >>> phrase_key("«داعش»")
    'داعش'
    """
    tokens = (normalize_text(t[2]) for t in tokenize(name))
    return " ".join(t for t in tokens if t and (t[0].isalnum() or t == "&"))


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Read every ``*.tsv`` under ``ontology/gazetteer`` (cached per directory)."""
    if directory is None:
        return _load(_DEFAULT_DIR)
    return _load(Path(directory).resolve())


@lru_cache(maxsize=4)
def _load(directory: Path) -> Gazetteer:
    entries: dict[str, GazetteerEntry] = {}
    for path in sorted(directory.glob("*.tsv")):
        for entry in _read_tsv(path):
            if entry.id in entries:
                raise GazetteerError(f"{path}: duplicate id {entry.id!r}")
            entries[entry.id] = entry
    return Gazetteer(list(entries.values()))


def _read_tsv(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        rows = (line for line in handle if line.strip() and not line.startswith("#"))
        reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = set(COLUMNS[:4]) - set(reader.fieldnames or ())
        if missing:
            raise GazetteerError(f"{path}:1: missing columns {sorted(missing)}; expected {COLUMNS}")
        for number, row in enumerate(reader, start=2):
            yield _entry(path, number, row)


def _entry(path: Path, number: int, row: dict) -> GazetteerEntry:
    def cell(name: str) -> str:
        return (row.get(name) or "").strip()

    try:
        kind = Kind(cell("kind"))
    except ValueError:
        raise GazetteerError(
            f"{path}:{number}: unknown kind {cell('kind')!r}; use one of {[k.value for k in Kind]}"
        ) from None
    if not cell("id").isascii() or not cell("id") or not cell("label_ar"):
        raise GazetteerError(f"{path}:{number}: id must be non-empty ASCII and label_ar non-empty")
    qid = cell("qid")
    if qid and not (qid.startswith("Q") and qid[1:].isdigit()):
        raise GazetteerError(f"{path}:{number}: qid {qid!r} is not a Wikidata item id like Q79")
    aliases = tuple(a.strip() for a in cell("aliases_ar").split("|") if a.strip())
    return GazetteerEntry(cell("id"), kind, cell("label_ar"), cell("label_en"), qid, aliases, cell("country"))
