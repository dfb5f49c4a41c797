"""Query engines over a build: a persistent Oxigraph store, or rdflib in memory.

rdflib stays the authoring library, but its SPARQL engine is tens of times
slower than Oxigraph above 10^5 triples, so ``load_store`` copies the output
into ``<out>/store/`` (RocksDB) and ``open_engine`` prefers it when present.
The store's default graph is the union of all triples (loaded from the
N-Triples or Turtle file, so each triple counts once) and each article's named
graph from ``graph.trig`` stays addressable with ``GRAPH``. Both engines
return the same :class:`QueryResult` of rdflib terms, so formatting and tests
do not care which one answered.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from graph.errors import QueryError
from graph.serialize import rdflib_term

__all__ = [
    "QueryResult", "load_store", "open_engine", "store_path", "source_files",
    "OxigraphEngine", "RdflibEngine", "STORE_DIR", "STAMP", "PREFIXES",
]

# Prefixes every query may use without declaring them (and the table's short names).
PREFIXES = {
    "id": "https://w3id.org/ankg/id/", "ankg": "https://w3id.org/ankg/ont#",
    "schema": "https://schema.org/", "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}
STORE_DIR = "store"
STAMP = "ankg-loaded.txt"
_UNION_FILES = (("graph.nt", ox.RdfFormat.N_TRIPLES), ("graph.ttl", ox.RdfFormat.TURTLE))
_QUAD_FILES = (("graph.nq", ox.RdfFormat.N_QUADS), ("graph.trig", ox.RdfFormat.TRIG))


@dataclass(frozen=True)
class QueryResult:
    """One answer: ``kind`` is "select", "ask" or "graph" (CONSTRUCT/DESCRIBE)."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Node | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[tuple[Node, Node, Node], ...] = ()
    truncated: bool = False


def store_path(out_dir: Path) -> Path:
    """Where the Oxigraph store of a build lives.

    >>> store_path(Path("output")).as_posix()
    'output/store'
    """
    return Path(out_dir) / STORE_DIR


def source_files(out_dir: Path) -> list[Path]:
    """The RDF files of a build that the store is loaded from, union first."""
    out_dir = Path(out_dir)
    union = [out_dir / n for n, _ in _UNION_FILES if (out_dir / n).is_file()][:1]
    quads = [out_dir / n for n, _ in _QUAD_FILES if (out_dir / n).is_file()][:1]
    return union + quads


def load_store(out_dir: Path) -> Path:
    """Load the build in ``out_dir`` into a fresh Oxigraph store; return its path.

    The store is built beside the old one and swapped in, so a query never
    sees half a load.
    """
    out_dir = Path(out_dir)
    files = source_files(out_dir)
    if not files:
        raise QueryError(f"{out_dir}: no graph.nt, graph.ttl, graph.nq or graph.trig; run the build first")
    target = store_path(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=".store.", dir=out_dir))
    try:
        _fill_store(tmp, files)
        tmp.chmod(0o755)
        old = out_dir / f".store.old.{time.time_ns()}"
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def open_engine(out_dir: Path):
    """The fastest engine for a build: its store if loaded, else rdflib."""
    out_dir = Path(out_dir)
    path = store_path(out_dir)
    if (path / STAMP).is_file():
        if any(f.stat().st_mtime > (path / STAMP).stat().st_mtime for f in source_files(out_dir)):
            print(f"warning: {path} is older than the build; run `python -m graph load --out {out_dir}`",
                  file=sys.stderr)
        return OxigraphEngine(ox.Store.read_only(str(path)))
    files = source_files(out_dir)
    if not files:
        raise QueryError(f"{out_dir}: no RDF output found; run the build first")
    return RdflibEngine(_parse_union(files[0]))


class OxigraphEngine:
    """SPARQL over a pyoxigraph ``Store`` (thread-safe, releases the GIL)."""

    name = "oxigraph"

    def __init__(self, store: ox.Store):
        self.store = store

    def run(self, query: str, limit: int | None = None, deadline: float | None = None) -> QueryResult:
        try:
            answer = self.store.query(query, prefixes=PREFIXES)
        except SyntaxError as error:
            raise QueryError(f"syntax error: {_position_message(str(error), query)}") from None
        except (OSError, RuntimeError, ValueError) as error:
            raise QueryError(f"query failed: {error}") from None
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            names = tuple(v.value for v in answer.variables)
            rows, cut = _take(answer, limit, deadline, lambda s: tuple(_from_ox(s[n]) for n in names))
            return QueryResult("select", names, tuple(rows), truncated=cut)
        triples, cut = _take(answer, limit, deadline,
                             lambda t: (_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))
        return QueryResult("graph", triples=tuple(sorted(set(triples))), truncated=cut)


class RdflibEngine:
    """SPARQL over an in-memory rdflib graph (used when no store is loaded)."""

    name = "rdflib"

    def __init__(self, g: Graph):
        self.g = g
        self._lock = threading.Lock()

    def run(self, query: str, limit: int | None = None, deadline: float | None = None) -> QueryResult:
        from pyparsing import ParseException

        with self._lock:
            try:
                answer = self.g.query(query, initNs=PREFIXES)
                if answer.type == "ASK":
                    return QueryResult("ask", boolean=bool(answer.askAnswer))
                items = iter(answer) if answer.type == "SELECT" else iter(answer.graph or ())
                if answer.type == "SELECT":
                    names = tuple(str(v) for v in answer.vars)
                    rows, cut = _take(items, limit, deadline, tuple)
                    return QueryResult("select", names, tuple(rows), truncated=cut)
                triples, cut = _take(items, limit, deadline, tuple)
                return QueryResult("graph", triples=tuple(sorted(set(triples))), truncated=cut)
            except ParseException as error:
                where = f"error at {error.lineno}:{error.col}: {error.msg}"
                raise QueryError(f"syntax error: {_position_message(where, query)}") from None
            except QueryError:
                raise
            except Exception as error:  # rdflib raises bare Exceptions for evaluation errors
                raise QueryError(f"query failed: {error}") from None


def _fill_store(path: Path, files: list[Path]) -> None:
    formats = dict(_UNION_FILES + _QUAD_FILES)
    store = ox.Store(str(path))
    union = [f for f in files if f.name in dict(_UNION_FILES)]
    for f in files:
        if f.name in dict(_QUAD_FILES):
            store.bulk_load(path=str(f), format=formats[f.name])
    if union:
        store.bulk_load(path=str(union[0]), format=formats[union[0].name], to_graph=ox.DefaultGraph())
    else:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.flush()
    del store
    (path / STAMP).write_text("\n".join(str(f.resolve()) for f in files) + "\n", encoding="utf-8")


def _take(items, limit, deadline, convert):
    """Convert at most ``limit`` items, raising QueryError past ``deadline``."""
    out = []
    for count, item in enumerate(items):
        if limit is not None and count >= limit:
            return out, True
        if deadline is not None and count % 256 == 0 and time.monotonic() > deadline:
            raise QueryError("query timed out while reading results")
        out.append(convert(item))
    return out, False


def _from_ox(term) -> Node | None:
    if term is None:
        return None
    try:
        return rdflib_term(term)
    except ValueError:
        raise QueryError(f"unsupported term in result: {term!r}") from None


def _position_message(message: str, query: str = "") -> str:
    """``error at 5:2: expected …`` → line and column in words, the line, a caret.

    >>> print(_position_message("error at 2:3: expected one of ABS, AVG", "SELECT *\\n{ ?s"))
    line 2, column 3: expected one of ABS, AVG
      { ?s
        ^
    """
    message = " ".join(message.split())
    prefix = "error at "
    if not (message.startswith(prefix) and ": " in message):
        return message
    where, rest = message[len(prefix):].split(": ", 1)
    line, _, column = where.partition(":")
    if not (line.isdigit() and column.isdigit()):
        return message
    if len(rest) > 160:
        rest = rest[:160] + "…"
    lines = query.splitlines()
    out = f"line {line}, column {column}: {rest}"
    if 1 <= int(line) <= len(lines):
        text = lines[int(line) - 1].replace("\t", " ")
        out += f"\n  {text}\n  {' ' * max(int(column) - 1, 0)}^"
    return out


def _parse_union(path: Path) -> Graph:
    """Every triple of one output file in one rdflib graph."""
    fmt = {".nt": "nt", ".ttl": "turtle", ".nq": "nquads", ".trig": "trig"}[path.suffix]
    if fmt in ("nt", "turtle"):
        return Graph().parse(path, format=fmt)
    from rdflib import Dataset

    from graph.serialize import union_graph

    return union_graph(Dataset().parse(path, format=fmt))
