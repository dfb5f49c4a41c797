"""Writers: one registry of RDF serialisations, every file written atomically.

A writer takes an :class:`RdfExport` (or an rdflib ``Dataset``, one named
graph per article) and a path. Turtle, TriG, N-Triples and N-Quads are
written by Oxigraph's serialisers (Rust; rdflib's Turtle writer takes
minutes above 10^5 triples) from quads sorted once, so two builds of the
same input are byte-identical and a diff of the output means something.
Files are written to a temporary sibling and renamed, so an interrupted
build never leaves half a file behind.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO, Callable, Collection, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, XSD

from graph.errors import GraphError
from graph.external_sort import ExternalSort

__all__ = [
    "Writer", "WRITERS", "RdfExport", "register_writer", "get_writer", "write_atomic", "atomic_path",
    "rdflib_term", "rdflib_terms", "union_graph", "sorted_lines", "load_context", "remove_stale_temporaries", "CONTEXT_PATH",
    "room_to_fork", "statement_line",
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
    """Oxigraph statements shared by every writer, deduplicated and sorted once, on disk.

    Built from quads that arrive graph by graph (:func:`graph.rdf.iter_quads`)
    or from an rdflib ``Dataset``. Each named graph is sorted and rendered as
    TriG and N-Quads into temporary files as it arrives, so the build never
    holds every quad (an entity's description repeats in the graph of every
    article naming it). The union's distinct triples are sorted on disk
    (:class:`graph.external_sort.ExternalSort`) into an N-Triples file by
    subject with ``rdf:type`` first, so that Turtle groups each subject's
    statements under it: memory holds one run of lines, not the union, at
    any corpus size. Terms are Oxigraph's: hashed, compared and printed in
    Rust. Only the ``graphs_formats`` asked for are rendered (a build
    without N-Quads output does not make them); with ``jobs`` > 1 a forked
    child renders them (:class:`_NamedGraphs`).
    """

    def __init__(self, quads: Iterable[tuple], prefixes: dict[str, str],
                 graphs_formats: Collection[ox.RdfFormat] = (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS),
                 jobs: int = 1):
        self._source = quads
        self.prefixes = dict(prefixes)
        self._graphs = _NamedGraphs(graphs_formats, self.prefixes)
        self._jobs = jobs

    @classmethod
    def from_dataset(cls, dataset: Dataset, **options) -> "RdfExport":
        bound = {prefix: str(ns) for prefix, ns in dataset.namespaces() if prefix}
        used = _namespaces(t for q in dataset.quads((None, None, None, None)) for t in q)
        prefixes = {p: ns for p, ns in sorted(bound.items()) if any(n.startswith(ns) for n in used)}
        graphs = sorted(dataset.graphs(), key=lambda g: str(g.identifier))
        terms = _memoised(_ox_term)
        return cls(((terms(s), terms(p), terms(o), terms(g.identifier)) for g in graphs for s, p, o in g), prefixes,
                   **options)

    @cached_property
    def _union(self) -> tuple[BinaryIO, int]:
        """The union graph's distinct statements as a sorted N-Triples file, and their number;
        renders each named graph on the way.

        Runs and union are unnamed temporary files: a killed build leaves none behind.
        """
        lines = ExternalSort()
        if not self._graphs.spools or self._graphs.fork(self._source, self._jobs):
            for _, group in groupby(self._source, key=itemgetter(3)):
                lines.extend(statement_line(*quad[:3]) for quad in group)
        else:
            self._graphs.render(self._source, lines)
        self._source = ()
        union, count = tempfile.TemporaryFile(), 0
        for count, line in enumerate(lines.merged(), 1):
            union.write(_ntriples_line(line))
        return union, count

    @property
    def statement_count(self) -> int:
        """Distinct statements of the union graph."""
        return self._union[1]

    @property
    def triples(self) -> Iterator[ox.Quad]:
        """The union graph (in the default graph), parsed from its sorted file as it is read.

        Readers share the file: read one to the end (or drop it) before asking for another.
        """
        union = self._union[0]
        union.seek(0)
        return ox.parse(union, format=ox.RdfFormat.N_TRIPLES, lenient=True)

    def copy_union(self, out: BinaryIO) -> None:
        """Write the union graph as N-Triples (subject by subject) to the binary file ``out``."""
        union = self._union[0]
        union.seek(0)
        shutil.copyfileobj(union, out)

    def copy_quads(self, fmt: ox.RdfFormat, out: BinaryIO) -> None:
        """Write the named graphs as TriG or N-Quads to the binary file ``out``."""
        self._union  # noqa: B018 - renders the graphs
        if fmt not in self._graphs.spools:
            raise ValueError(f"this export did not render its named graphs as {fmt}")
        self._graphs.wait()
        spool = self._graphs.spools[fmt]
        spool.seek(0)
        if fmt == ox.RdfFormat.TRIG:
            out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items()).encode())
        shutil.copyfileobj(spool, out)
        spool.seek(0, os.SEEK_END)

    @cached_property
    def union(self) -> Graph:
        """The union graph as rdflib, for JSON-LD."""
        return self.union_without(())

    def union_without(self, predicates: Collection[str], types: Collection[str] = ()) -> Graph:
        """The union graph as rdflib, less the statements whose predicate IRI is in ``predicates``
        and the ``rdf:type`` statements whose class IRI is in ``types``.

        Analysis reads the graph this way: rdflib holds a statement in
        three indexes of Python objects, and mention details no view reads
        are most of the statements. The store is context-free (half the
        cost of the default one per statement).
        """
        g = Graph(store="SimpleMemory")
        for prefix, namespace in self.prefixes.items():
            g.bind(prefix, namespace, override=True)
        add, terms = g.store.add, rdflib_terms()
        skip = {ox.NamedNode(iri) for iri in predicates}
        classes, rdf_type = {ox.NamedNode(iri) for iri in types}, ox.NamedNode(_RDF_TYPE)
        for s, p, o, _ in self.triples:
            if p not in skip and not (p == rdf_type and o in classes):
                add((terms(s), terms(p), terms(o)), g)
        return g

    def release(self) -> None:
        """Drop the union's file and the named graphs (the rdflib ``union`` stays)."""
        self._union[0].close()  # made first, so that nothing is rendered after release
        self._graphs.close()


class _NamedGraphs:
    """Each named graph, sorted, rendered as TriG and/or N-Quads into a temporary file.

    With ``jobs`` > 1 (and where processes fork) a child renders them while
    this process collects the union: the child reads its copy of the same
    quad iterator, so nothing is sent between them but the files. Rendering
    was a third of the RDF stage at 10,000 articles (``bench/bench_build.py``).
    """

    def __init__(self, formats: Collection[ox.RdfFormat], prefixes: dict[str, str]):
        self.spools = {fmt: tempfile.TemporaryFile() for fmt in formats}
        self.prefixes = prefixes
        self._child = None

    def render(self, quads: Iterable[tuple], union: ExternalSort | None = None) -> None:
        """Render every graph of ``quads`` (they arrive graph by graph); add its statements' lines to ``union``."""
        for _, group in groupby(quads, key=itemgetter(3)):
            by_line = {statement_line(*quad[:3]): quad for quad in group}
            ordered = sorted(by_line)
            if union is not None:
                union.extend(ordered)
            self.add([ox.Quad(*by_line[line]) for line in ordered])
        for spool in self.spools.values():
            spool.flush()

    def add(self, quads: list[ox.Quad]) -> None:
        for fmt, spool in self.spools.items():
            if fmt == ox.RdfFormat.TRIG:
                trig = ox.serialize(quads, format=fmt, prefixes=self.prefixes)
                spool.write(b"".join(line for line in trig.splitlines(keepends=True) if not line.startswith(b"@prefix")))
            else:
                spool.write(ox.serialize(quads, format=fmt))

    def fork(self, quads: Iterable[tuple], jobs: int) -> bool:
        """Start rendering ``quads`` (not yet read) in a forked child; False when not worth it or not possible."""
        if jobs < 2 or "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
            return False  # a daemonic process (a pool worker) may not start children
        if not room_to_fork():
            return False
        for stream in (sys.stdout, sys.stderr):  # or the child prints what this process has buffered
            stream.flush()
        context = multiprocessing.get_context("fork")
        self._child = context.Process(target=self.render, args=(quads,), daemon=True)
        self._child.start()
        return True

    def wait(self) -> None:
        """Wait for the child; a failed child is an error (its traceback is on stderr)."""
        if self._child is None:
            return
        self._child.join()
        status, self._child = self._child.exitcode, None
        if status != 0:
            raise GraphError(f"rendering the named graphs in a child process failed (exit status {status}); "
                             "see the error above, or build with --jobs 1")

    def close(self) -> None:
        if self._child is not None:
            self._child.terminate()
            self._child.join()
            self._child = None
        for spool in self.spools.values():
            spool.close()


def room_to_fork() -> bool:
    """Whether memory has room for a forked child beside this process.

    The child comes to hold its own copy of the pages it reads (copy on
    write: touching an object writes its reference count), which is most of
    what this process holds, and this process goes on to make the analysis
    graph, as large again, while the child runs. At 100,000 articles the two
    did not fit in 24 GB. Where memory cannot be read (not Linux), assume room.
    """
    try:
        meminfo = Path("/proc/meminfo").read_text()
        available = int(meminfo.split("MemAvailable:")[1].split()[0]) * 1024
        resident = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return True
    return available > 3 * resident


def as_export(source: RdfExport | Dataset) -> RdfExport:
    return source if isinstance(source, RdfExport) else RdfExport.from_dataset(source)


def rdflib_terms() -> Callable:
    """A converter from Oxigraph terms to rdflib terms, making one rdflib object per distinct term.

    >>> terms = rdflib_terms()
    >>> terms(ox.Literal("x")) == Literal("x"), terms(ox.Literal("5", datatype=ox.NamedNode(str(XSD.integer)))).toPython()
    (True, 5)
    """
    return _memoised(rdflib_term)


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


def _memoised(convert: Callable) -> Callable:
    seen: dict = {}

    def converted(term):
        found = seen.get(term)
        if found is None:
            found = seen[term] = convert(term)
        return found

    return converted


def statement_line(subject, predicate, obj) -> bytes:
    """A statement as a line whose byte order is Turtle's: subject, ``rdf:type`` first, predicate, object.

    Fields are tab-separated; Oxigraph escapes tabs, newlines and other
    control characters in terms, so a field that is a prefix of another
    sorts first, as in a tuple.

    >>> statement_line(ox.NamedNode("http://x/a"), ox.NamedNode(_RDF_TYPE), ox.Literal("b"))
    b'<http://x/a>\\t0\\thttp://www.w3.org/1999/02/22-rdf-syntax-ns#type\\t"b"\\n'
    """
    iri = predicate.value
    return f"{subject}\t{'0' if iri == _RDF_TYPE else '1'}\t{iri}\t{obj}\n".encode()


def _ntriples_line(line: bytes) -> bytes:
    subject, _, predicate, obj = line.split(b"\t", 3)
    return b"%s <%s> %s .\n" % (subject, predicate, obj[:-1])


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
