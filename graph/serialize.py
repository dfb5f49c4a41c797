"""Writers: one registry of RDF serialisations, every file written atomically.

A writer takes an :class:`RdfExport` (or an rdflib ``Dataset``, one named
graph per article) and a path. Statements are sorted once, as text lines,
so two builds of the same input are byte-identical and a diff of the output
means something. Turtle is Oxigraph's (Rust; rdflib's Turtle writer takes
minutes above 10^5 triples); N-Triples and N-Quads are the sorted lines
rewritten and TriG is written from them as Oxigraph writes it
(:mod:`graph.trig`).
Files are written to a temporary sibling and renamed, so an interrupted
build never leaves half a file behind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, Callable, Collection, Iterable, Iterator, Protocol, Sequence

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD

from graph.external_sort import ExternalSort, Segment
from graph.forked import Child, can_fork, side_by_side
from graph.trig import TrigWriter
from graph.triple_index import TripleIndex

__all__ = [
    "Writer", "WRITERS", "RdfExport", "register_writer", "get_writer", "write_atomic", "atomic_path",
    "rdflib_term", "rdflib_terms", "rdflib_triples", "union_graph", "sorted_lines", "load_context", "remove_stale_temporaries", "CONTEXT_PATH",
    "statement_line", "statement_text", "nquads_text", "LINE_MIDDLES", "LINE_END", "QuadParts", "GraphLines", "write_aside",
]

CONTEXT_PATH = Path(__file__).resolve().parent.parent / "ontology" / "context.jsonld"


@dataclass(frozen=True)
class Writer:
    """A serialisation; ``graphs_format`` names the per-graph rendering it copies, if any."""

    name: str
    filename: str
    write: Callable[[RdfExport | Dataset, Path], None]
    graphs_format: ox.RdfFormat | None = None


WRITERS: dict[str, Writer] = {}


def register_writer(name: str, filename: str, write: Callable[[RdfExport | Dataset, Path], None],
                    graphs_format: ox.RdfFormat | None = None) -> None:
    """Add a serialisation; names are unique lowercase words."""
    if not name.isidentifier() or name in WRITERS:
        raise ValueError(f"writer name {name!r} is invalid or taken")
    WRITERS[name] = Writer(name, filename, write, graphs_format)


def get_writer(name: str) -> Writer:
    try:
        return WRITERS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose from {sorted(WRITERS)}") from None


@contextmanager
def atomic_path(path: Path):
    """Yield a temporary path beside ``path``; rename it over ``path`` on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are meant to be read and served
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes to ``path`` atomically."""
    with atomic_path(path) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8", newline="\n")
        else:
            tmp.write_bytes(data)


def union_graph(dataset: Dataset) -> Graph:
    """Every triple of every named graph in one graph, prefixes kept."""
    g = Graph()
    for prefix, namespace in dataset.namespaces():
        g.bind(prefix, namespace, override=True)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def sorted_lines(data: bytes) -> bytes:
    """Unique non-empty lines in byte order: a canonical N-Triples/N-Quads file.

    >>> sorted_lines(b"<b> <p> <o> .\\n<a> <p> <o> .\\n<b> <p> <o> .\\n")
    b'<a> <p> <o> .\\n<b> <p> <o> .\\n'
    """
    lines = {line for line in data.split(b"\n") if line.strip()}
    return b"".join(line + b"\n" for line in sorted(lines))


def load_context(path: Path = CONTEXT_PATH) -> dict:
    """The JSON-LD ``@context`` object that gives ontology terms short names.

    >>> load_context()["Person"]
    'ankg:Person'
    """
    return json.loads(Path(path).read_text(encoding="utf-8"))["@context"]


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Delete ``.NAME.*.tmp`` files an interrupted earlier build left in ``out_dir``."""
    stale = sorted(Path(out_dir).glob(".*.tmp")) if Path(out_dir).is_dir() else []
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


class RdfExport:
    """Statements shared by every writer, deduplicated and sorted once, on disk.

    Built from a source that makes each named graph's statement lines in
    parts (:class:`graph.rdf.ArticleStatements`), from quads of Oxigraph terms
    that arrive graph by graph (:func:`graph.rdf.iter_quads`) or from an
    rdflib ``Dataset``. Each named graph is sorted and rendered as TriG and
    N-Quads into temporary files as it arrives, so the build never holds
    every statement (an entity's description repeats in the graph of every
    article naming it). The union's distinct triples are sorted on disk
    (:class:`graph.external_sort.ExternalSort`) into an N-Triples file by
    subject with ``rdf:type`` first, so that Turtle groups each subject's
    statements under it: memory holds one run of lines, not the union, at
    any corpus size. Statements are text lines (terms as N-Triples) from
    end to end: bytes compared in C, no term object made per statement.
    Only the ``graphs_formats`` asked for are rendered (a build
    without N-Quads output does not make them). With ``jobs`` > 1 and a
    source in parts, forked children make, sort and render parts 2 to
    ``jobs`` while this process makes the first (:func:`_make_part`); only
    the offsets of their sorted runs come back.
    """

    def __init__(self, quads: Iterable[tuple] | QuadParts | GraphLines, prefixes: dict[str, str],
                 graphs_formats: Collection[ox.RdfFormat] = (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS),
                 jobs: int = 1):
        in_parts = hasattr(quads, "graphs") or hasattr(quads, "part")
        self._source = quads if hasattr(quads, "graphs") else _QuadGraphs(quads if in_parts else _Whole(quads))
        self.prefixes = dict(prefixes)
        self._formats = tuple(graphs_formats)
        self._graphs: list[_NamedGraphs] = []
        self._jobs = jobs if in_parts else 1

    @classmethod
    def from_dataset(cls, dataset: Dataset, **options) -> "RdfExport":
        bound = {prefix: str(ns) for prefix, ns in dataset.namespaces() if prefix}
        used = _namespaces(t for q in dataset.quads((None, None, None, None)) for t in q)
        prefixes = {p: ns for p, ns in sorted(bound.items()) if any(n.startswith(ns) for n in used)}
        graphs = sorted(dataset.graphs(), key=lambda g: str(g.identifier))
        return cls(_DatasetParts(graphs), prefixes, **options)

    @cached_property
    def _union(self) -> tuple[BinaryIO, int]:
        """The union graph's distinct statements as a sorted N-Triples file, and their number;
        renders each named graph on the way.

        Runs and union are unnamed temporary files: a killed build leaves none behind.
        """
        parts = self._jobs if self._jobs > 1 and can_fork(self._jobs - 1) else 1
        self._graphs = [_NamedGraphs(self._formats, self.prefixes) for _ in range(parts)]
        children = [Child("making the statements", _make_part, self._source, i, parts, self._graphs[i])
                    for i in range(1, parts)]
        lines = ExternalSort()
        try:
            self._graphs[0].render(self._source.graphs(0, parts), lines)
            for child, graphs in zip(children, self._graphs[1:]):
                lines.adopt(graphs.runs, child.result())
        finally:
            for child in children:
                child.close()
        self._source = None
        union = tempfile.TemporaryFile()
        return union, _merge_union(lines, union, parts)

    @property
    def readers_apart(self) -> bool:
        """Whether processes can read the union's file at once, each with an offset of its own."""
        return _own_path(self._union[0]) is not None

    @property
    def statement_count(self) -> int:
        """Distinct statements of the union graph."""
        return self._union[1]

    @property
    def triples(self) -> Iterator[ox.Quad]:
        """The union graph (in the default graph), parsed from its sorted file as it is read.

        Each reader reads the file on its own (where ``/proc/self/fd`` gives
        it its own offset; elsewhere, finish one reader before starting another).
        """
        return ox.parse(**_reading(self._union[0]), format=ox.RdfFormat.N_TRIPLES, lenient=True)

    def copy_union(self, out: BinaryIO) -> None:
        """Write the union graph as N-Triples (subject by subject) to the binary file ``out``."""
        _copy(self._union[0], out)

    def copy_quads(self, fmt: ox.RdfFormat, out: BinaryIO) -> None:
        """Write the named graphs as TriG or N-Quads to the binary file ``out``."""
        self._union  # noqa: B018 - renders the graphs
        if fmt not in self._formats:
            raise ValueError(f"this export did not render its named graphs as {fmt}")
        if fmt == ox.RdfFormat.TRIG:
            out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items()).encode())
        for graphs in self._graphs:
            _copy(graphs.spools[fmt], out)

    @cached_property
    def union(self) -> Graph:
        """The union graph as rdflib, for JSON-LD."""
        return self.union_without(())

    def union_without(self, predicates: Collection[str], types: Collection[str] = ()) -> Graph:
        """The union graph as rdflib, less the statements whose predicate IRI is in ``predicates``
        and the ``rdf:type`` statements whose class IRI is in ``types``.

        The store is context-free (half the cost of the default one per statement).
        """
        g = Graph(store="SimpleMemory")
        for prefix, namespace in self.prefixes.items():
            g.bind(prefix, namespace, override=True)
        add = g.store.add
        for triple in self._rdflib_union(predicates, types):
            add(triple, g)
        return g

    def index_without(self, predicates: Collection[str], types: Collection[str] = ()) -> TripleIndex:
        """:meth:`union_without` as a :class:`graph.triple_index.TripleIndex`, which is how analysis reads it.

        Mention details that no view reads are most of the statements, and the
        index holds what is left in a fraction of an rdflib store's memory.
        """
        return TripleIndex(self._rdflib_union(predicates, types))

    def _rdflib_union(self, predicates: Collection[str], types: Collection[str]) -> Iterator[tuple]:
        """:func:`rdflib_triples` of the union, read from the lines of its file, not parsed by Oxigraph.

        The file is this export's N-Triples (a statement a line, single spaces
        between terms), so the statements left out are known from the bytes of
        their predicate (61% of them in a build) and no term is made for them;
        an Oxigraph triple made and filtered per statement was most of the
        analysis graph's time.
        """
        skip = {f"<{iri}>".encode() for iri in predicates}
        classes, rdf_type = {f"<{iri}>".encode() for iri in types}, f"<{_RDF_TYPE}>".encode()
        terms = _memoised(_rdflib_ntriples_term)
        for block in _blocks(self._union[0]):
            for line in block.split(b"\n")[:-1]:
                s, p, o = line[:-2].split(b" ", 2)
                if p not in skip and not (p == rdf_type and o in classes):
                    yield terms(s), terms(p), terms(o)

    def release(self) -> None:
        """Drop the union's file and the named graphs (the rdflib ``union`` stays)."""
        self._union[0].close()  # made first, so that nothing is rendered after release
        for graphs in self._graphs:
            graphs.close()


class QuadParts(Protocol):
    """A source of quads, graph by graph, that can be made in ``count`` consecutive parts."""

    def part(self, index: int, count: int) -> Iterable[tuple]: ...


class GraphLines(Protocol):
    """A source of named graphs as statement lines (:func:`statement_text`, UTF-8), in ``count`` consecutive
    parts: ``(graph name as N-Triples, or "" for the default graph; lines no other graph states; the other
    lines)`` (:class:`graph.rdf.ArticleStatements`). The union looks up only the other lines to drop repeats."""

    def graphs(self, index: int, count: int) -> Iterable[tuple[str, list[bytes], list[bytes]]]: ...


class _Whole:
    """Quads that come as one stream (made in one part)."""

    def __init__(self, quads: Iterable[tuple]):
        self._quads = quads

    def part(self, index: int, count: int) -> Iterable[tuple]:
        assert (index, count) == (0, 1), "a stream of quads is made in one part"
        return self._quads


class _DatasetParts:
    """An rdflib Dataset's graphs, in parts of consecutive graphs."""

    def __init__(self, graphs: list):
        self._graphs = graphs
        self._terms = _memoised(_ox_term)

    def part(self, index: int, count: int) -> Iterator[tuple]:
        n, terms = len(self._graphs), self._terms
        for g in self._graphs[n * index // count:n * (index + 1) // count]:
            name = terms(g.identifier)
            yield from ((terms(s), terms(p), terms(o), name) for s, p, o in g)


class _QuadGraphs:
    """Quads from a :class:`QuadParts` source as :class:`GraphLines`."""

    def __init__(self, source: QuadParts):
        self._source = source

    def graphs(self, index: int, count: int) -> Iterator[tuple[str, list[bytes], list[bytes]]]:
        for name, group in groupby(self._source.part(index, count), key=itemgetter(3)):
            graph = "" if isinstance(name, ox.DefaultGraph) else str(name)
            yield graph, [], [statement_line(s, p, o) for s, p, o, _ in group]


def _merge_union(lines: ExternalSort, union: BinaryIO, jobs: int) -> int:
    """Write the distinct lines of ``lines`` to ``union`` as N-Triples; return how many.

    With ``jobs`` > 1 a forked child merges the upper half of the lines
    (:meth:`ExternalSort.pivots`) into a file of its own while this process
    merges the lower half; the child's file is then appended. Merging was
    the longest stretch of a two-process build on one core (13 s at 10,000
    articles).
    """
    pivots = lines.pivots(2) if jobs > 1 and can_fork(1, share=0.25) else []
    if not pivots:
        return _write_statements(lines.merged_blocks(), union)
    with tempfile.TemporaryFile() as upper:
        counts = side_by_side("merging the statements",
                              lambda part: _write_statements(lines.merged_blocks(*part[:2]), part[2]),
                              [(None, pivots[0], union), (pivots[0], None, upper)])
        _append(upper, union)
    return sum(counts)


def _append(source: BinaryIO, out: BinaryIO) -> None:
    """Append the whole of ``source`` to ``out``, copied by the kernel where it can."""
    source.flush()
    out.flush()
    size, done = source.seek(0, os.SEEK_END), 0
    try:
        while done < size:
            copied = os.copy_file_range(source.fileno(), out.fileno(), size - done, done)
            if not copied:
                break
            done += copied
    except (AttributeError, OSError):  # no copy_file_range here, or not between these files
        pass
    out.seek(0, os.SEEK_END)
    source.seek(done)
    shutil.copyfileobj(source, out, _READ)
    out.flush()


def _write_statements(blocks: Iterable[bytes], out: BinaryIO) -> int:
    """Write blocks of statement lines to ``out`` as N-Triples; return how many lines."""
    count = 0
    for block in blocks:
        out.write(_statements(block))
        count += block.count(b"\n")
    out.flush()
    return count


def _make_part(source: GraphLines, index: int, count: int, graphs: "_NamedGraphs") -> list[Segment]:
    """In a child: make part ``index``, render its graphs and sort its lines into ``graphs.runs``."""
    lines = ExternalSort(spill_file=graphs.runs)
    graphs.render(source.graphs(index, count), lines)
    return lines.spill()


class _NamedGraphs:
    """Each named graph of a part, sorted, rendered as TriG and/or N-Quads into a temporary file,
    and a file for the sorted runs of its lines when a child makes the part.

    N-Quads are the sorted lines rewritten (a few replacements over each
    graph's text); TriG is written from them too (:class:`graph.trig.TrigWriter`),
    or by Oxigraph for a graph that writer leaves to it.
    """

    def __init__(self, formats: Collection[ox.RdfFormat], prefixes: dict[str, str]):
        self.spools = {fmt: tempfile.TemporaryFile() for fmt in formats}
        self.runs = tempfile.TemporaryFile()
        self.prefixes = prefixes
        self._trig = TrigWriter(prefixes)

    def render(self, graphs: Iterable[tuple[str, list[bytes], list[bytes]]], union: ExternalSort) -> None:
        """Render every graph of ``graphs``; add its statements' lines to ``union``."""
        for name, own, shared in graphs:
            own, shared = sorted(set(own)), sorted(set(shared))
            union.extend_sorted(own, new=True)
            union.extend_sorted(shared)
            if self.spools:
                self.add(name, sorted(own + shared))
        for spool in self.spools.values():
            spool.flush()

    def add(self, name: str, lines: list[bytes]) -> None:
        """Write graph ``name`` (N-Triples, "" for the default graph) of sorted, distinct ``lines``."""
        nquads = nquads_text(lines, name) if ox.RdfFormat.N_QUADS in self.spools else None
        if nquads is not None:
            self.spools[ox.RdfFormat.N_QUADS].write(nquads)
        if ox.RdfFormat.TRIG in self.spools:
            trig = self._trig.graph(name, lines)
            if trig is None:
                quads = ox.parse(input=nquads or nquads_text(lines, name), format=ox.RdfFormat.N_QUADS)
                trig = _without_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=self.prefixes))
            self.spools[ox.RdfFormat.TRIG].write(trig)

    def close(self) -> None:
        for spool in (*self.spools.values(), self.runs):
            spool.close()


def _reading(file: BinaryIO) -> dict:
    """``ox.parse`` arguments that read ``file`` from its start with an offset of its own, where possible."""
    own = _own_path(file)
    if own:
        return {"path": own}
    file.seek(0)
    return {"input": file}


def _blocks(file: BinaryIO) -> Iterator[bytes]:
    """``file`` from its start in blocks of whole lines (with an offset of its own, where possible)."""
    own = _own_path(file)
    reading = open(own, "rb") if own else file
    reading.seek(0)
    try:
        yield from iter(lambda: reading.read(_READ) + reading.readline(), b"")
    finally:
        if own:
            reading.close()


def _copy(file: BinaryIO, out: BinaryIO) -> None:
    """Copy ``file`` from its start to ``out`` (with an offset of its own, where possible)."""
    own = _own_path(file)
    if own is None:
        file.seek(0)
        shutil.copyfileobj(file, out)
        return
    with open(own, "rb") as reading:
        shutil.copyfileobj(reading, out)


def _own_path(file: BinaryIO) -> str | None:
    """A path that opens ``file`` (an unnamed temporary file too) anew, with its own offset: Linux's ``/proc``."""
    path = f"/proc/self/fd/{file.fileno()}"
    return path if os.path.exists(path) else None


def write_aside(writers: Sequence[Writer], export: RdfExport, out_dir: Path, jobs: int = 1) -> Child | None:
    """Write ``writers``' files (Turtle and N-Triples of the union, TriG and N-Quads of the named
    graphs) in a forked child when ``jobs`` > 1.

    The child reads only the union's file and the rendered graphs' files, so
    it copies next to nothing of this process, which meanwhile makes the
    graph analysis reads (Turtle was 12 s at 10,000 articles, copying TriG
    3 s). Returns the child to wait for, or None when the files were
    written here.
    """
    export.statement_count  # noqa: B018 - the union is made before the fork, once
    if jobs > 1 and writers and export.readers_apart and can_fork(1, share=0.25):
        return Child("writing " + ", ".join(w.filename for w in writers), _write_files, writers, export, out_dir)
    _write_files(writers, export, out_dir)
    return None


def _write_files(writers: Sequence[Writer], export: RdfExport, out_dir: Path) -> None:
    for writer in writers:
        writer.write(export, Path(out_dir) / writer.filename)


def as_export(source: RdfExport | Dataset) -> RdfExport:
    return source if isinstance(source, RdfExport) else RdfExport.from_dataset(source)


def rdflib_terms() -> Callable:
    """A converter from Oxigraph terms to rdflib terms, making one rdflib object per distinct term.

    >>> terms = rdflib_terms()
    >>> terms(ox.Literal("x")) == Literal("x"), terms(ox.Literal("5", datatype=ox.NamedNode(str(XSD.integer)))).toPython()
    (True, 5)
    """
    return _memoised(rdflib_term)


def rdflib_triples(statements: Iterable, predicates: Collection[str] = (),
                   types: Collection[str] = ()) -> Iterator[tuple]:
    """The triples of Oxigraph triples or quads (their graph dropped) as rdflib terms, less the
    statements whose predicate IRI is in ``predicates`` and the ``rdf:type`` statements whose class
    IRI is in ``types``."""
    terms = rdflib_terms()
    skip = {ox.NamedNode(iri) for iri in predicates}
    classes, rdf_type = {ox.NamedNode(iri) for iri in types}, ox.NamedNode(_RDF_TYPE)
    for s, p, o, *_ in statements:
        if p not in skip and not (p == rdf_type and o in classes):
            yield terms(s), terms(p), terms(o)


def rdflib_term(term):
    """The rdflib term of an Oxigraph term (the default graph included); ValueError for others."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return DATASET_DEFAULT_GRAPH_ID
    raise ValueError(f"unsupported term: {term!r}")


def _rdflib_ntriples_term(text: bytes):
    """The rdflib term of an N-Triples term as Oxigraph writes it (:func:`rdflib_term` of the term it parses to).

    >>> _rdflib_ntriples_term(b'"a\\\\tb"@ar'), _rdflib_ntriples_term(b'"5"^^<http://www.w3.org/2001/XMLSchema#integer>')
    (rdflib.term.Literal('a\\tb', lang='ar'), rdflib.term.Literal('5', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')))
    """
    term = text.decode()
    if term[0] == "<":
        return _iri(term[1:-1])
    if term[0] == "_":
        return BNode(term[2:])
    end = term.rindex('"')
    value = _ECHAR.sub(_unescaped, term[1:end]) if "\\" in term else term[1:end]
    if term.startswith("@", end + 1):
        return Literal(value, lang=term[end + 2:])
    datatype = term[end + 4:-1] if term.startswith("^^", end + 1) else _XSD_STRING
    return Literal(value) if datatype == _XSD_STRING else Literal(value, datatype=URIRef(datatype))


def _iri(iri: str) -> URIRef:
    """``URIRef(iri)`` without checking the IRI again: an N-Triples IRI Oxigraph wrote is valid, and
    rdflib's check (which only warns) was an eighth of the analysis graph's time."""
    return str.__new__(URIRef, iri)


def _unescaped(match: re.Match) -> str:
    escape = match[0]
    return chr(int(escape[2:], 16)) if escape[1] in "uU" else _ECHARS[escape[1]]


def _memoised(convert: Callable) -> Callable:
    seen: dict = {}

    def converted(term):
        found = seen.get(term)
        if found is None:
            found = seen[term] = convert(term)
        return found

    return converted


def statement_line(subject, predicate, obj) -> bytes:
    """A statement of Oxigraph terms as a line whose byte order is Turtle's: subject, ``rdf:type`` first,
    predicate, object (:func:`statement_text`, UTF-8).

    >>> statement_line(ox.NamedNode("http://x/a"), ox.NamedNode(_RDF_TYPE), ox.Literal("b"))
    b'<http://x/a>\\x0b\\x0e<http://www.w3.org/1999/02/22-rdf-syntax-ns#type\\x0b> "b" .\\n'
    """
    return statement_text(str(subject), str(predicate), str(obj)).encode()


def statement_text(subject: str, predicate: str, obj: str) -> str:
    """A statement, its terms as N-Triples text, as a line that sorts as Turtle wants its statements
    and becomes its N-Triples line in one pass of ``bytes.translate`` (:func:`_statements`).

    The subject, a byte that ends it and then one putting ``rdf:type`` first, the predicate, a byte
    that ends it, then ``> ``, the object and `` .``. The marks are control bytes, below every
    byte a term holds, so a term that is a prefix of another sorts first, as in a tuple (terms
    escape control characters); code point order is UTF-8 byte order, so the lines sort the same
    as text and as bytes. Translating deletes the ends and turns the order mark into a space.

    >>> statement_text("<http://x/a>", "<http://x/p>", '"b"@ar')
    '<http://x/a>\\x0b\\x0f<http://x/p\\x0b> "b"@ar .\\n'
    """
    return f"{subject}{LINE_MIDDLES[predicate]}{obj}{LINE_END}"


def nquads_text(lines: Iterable[bytes], graph: str) -> bytes:
    """N-Quads of statement lines in ``graph`` (an N-Triples IRI, or "" for the default graph), as Oxigraph writes them.

    >>> nquads_text([statement_text("<http://x/a>", "<http://x/p>", '"b"').encode()], "<http://x/g>")
    b'<http://x/a> <http://x/p> "b" <http://x/g> .\\n'
    """
    text = _statements(b"".join(lines))
    return text.replace(b" .\n", f" {graph} .\n".encode()) if graph else text


def _statements(lines: bytes) -> bytes:
    """Statement lines rewritten as N-Triples: a line ends in `` .`` and holds no other control byte
    than its marks (:func:`statement_text`), so a literal never holds `` .\\n``."""
    return lines.translate(_MARKS_TO_SPACES, _TERM_ENDS)


_TERM_END, _TYPE_FIRST, _OTHERS = "\x0b", "\x0e", "\x0f"
LINE_END = " .\n"
_TERM_ENDS = _TERM_END.encode()
_MARKS_TO_SPACES = bytes.maketrans(f"{_TYPE_FIRST}{_OTHERS}".encode(), b"  ")


class _Middles(dict):
    """Predicate (N-Triples IRI) → what a statement line holds between its subject and object."""

    def __missing__(self, predicate: str) -> str:
        iri = predicate[1:-1]
        middle = self[predicate] = f"{_TERM_END}{_TYPE_FIRST if iri == _RDF_TYPE else _OTHERS}<{iri}{_TERM_END}> "
        return middle


LINE_MIDDLES = _Middles()


def _without_prefixes(text: bytes) -> bytes:
    """Oxigraph's TriG less its ``@prefix`` lines, which it writes first (a file has them once)."""
    start = 0
    while text.startswith(b"@prefix ", start):
        start = text.index(b"\n", start) + 1
    return text[start:]


def _namespaces(terms) -> set[str]:
    """Every IRI (and datatype IRI) among ``terms``, cut after its last ``/`` or ``#``."""
    iris = {str(t) for t in terms if isinstance(t, URIRef)}
    iris |= {str(t.datatype) for t in terms if isinstance(t, Literal) and t.datatype}
    return {iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] for iri in iris}


def _ox_term(term):
    if term == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    return ox.DefaultGraph()


_RDF_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)
_ECHAR = re.compile(r'\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[tbnrf"\'\\])')
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_READ = 1 << 20


def _oxigraph_writer(fmt: ox.RdfFormat, union: bool) -> Callable:
    def write(source: RdfExport | Dataset, path: Path) -> None:
        export = as_export(source)
        with atomic_path(path) as tmp:
            if fmt == ox.RdfFormat.TURTLE:
                ox.serialize(export.triples, str(tmp), format=fmt, prefixes=export.prefixes)
                return
            with open(tmp, "wb") as out:
                if union:
                    export.copy_union(out)
                else:
                    export.copy_quads(fmt, out)

    return write


def _write_jsonld(source: RdfExport | Dataset, path: Path) -> None:
    """The union graph, compacted with ``ontology/context.jsonld`` (embedded)."""
    context = load_context()
    text = as_export(source).union.serialize(format="json-ld", context=context, auto_compact=True)
    document = _canonical_json(json.loads(text))
    body = {key: value for key, value in document.items() if key != "@context"}
    ordered = {"@context": context, **dict(sorted(body.items()))}
    write_atomic(path, json.dumps(ordered, ensure_ascii=False, indent=2) + "\n")


def _canonical_json(value):
    """Sort every array (JSON-LD arrays are sets unless ``@list``) and node keys."""
    if isinstance(value, dict):
        return {key: (item if key in ("@list", "@context") else _canonical_json(item))
                for key, item in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical_json(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return value


register_writer("turtle", "graph.ttl", _oxigraph_writer(ox.RdfFormat.TURTLE, union=True))
register_writer("trig", "graph.trig", _oxigraph_writer(ox.RdfFormat.TRIG, union=False), ox.RdfFormat.TRIG)
register_writer("ntriples", "graph.nt", _oxigraph_writer(ox.RdfFormat.N_TRIPLES, union=True))
register_writer("nquads", "graph.nq", _oxigraph_writer(ox.RdfFormat.N_QUADS, union=False),
                ox.RdfFormat.N_QUADS)
register_writer("jsonld", "graph.jsonld", _write_jsonld)
