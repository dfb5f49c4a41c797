"""Writers: one registry of RDF serialisations, every file written atomically.

A writer takes an rdflib ``Dataset`` (one named graph per article) and a
path. Files are written to a temporary sibling and renamed, so an
interrupted build never leaves half a file behind. Line-based formats
(N-Triples, N-Quads) are written as sorted, unique lines and JSON-LD with
sorted nodes, so two builds of the same input are byte-identical and a
diff of the output means something.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rdflib import Dataset, Graph

__all__ = [
    "Writer", "WRITERS", "register_writer", "get_writer", "write_atomic", "atomic_path",
    "union_graph", "sorted_lines", "load_context", "CONTEXT_PATH",
]

CONTEXT_PATH = Path(__file__).resolve().parent.parent / "ontology" / "context.jsonld"


@dataclass(frozen=True)
class Writer:
    name: str
    filename: str
    write: Callable[[Dataset, Path], None]


WRITERS: dict[str, Writer] = {}


def register_writer(name: str, filename: str, write: Callable[[Dataset, Path], None]) -> None:
    """Add a serialisation; names are unique lowercase words."""
    if not name.isidentifier() or name in WRITERS:
        raise ValueError(f"writer name {name!r} is invalid or taken")
    WRITERS[name] = Writer(name, filename, write)


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


def _serializer(fmt: str, union: bool) -> Callable[[Dataset, Path], None]:
    def write(dataset: Dataset, path: Path) -> None:
        source = union_graph(dataset) if union else dataset
        write_atomic(path, source.serialize(format=fmt, encoding="utf-8"))

    return write


def _write_trig(dataset: Dataset, path: Path) -> None:
    """TriG with named graphs in IRI order, so the file is byte-identical across runs.

    rdflib's TriG writer orders graphs by store internals; each graph is
    written here as Turtle (sorted by rdflib) inside its graph block.
    """
    prefixes, blocks = set(), []
    for name in sorted((c.identifier for c in dataset.graphs()), key=str):
        g = Graph()
        for prefix, namespace in dataset.namespaces():
            g.bind(prefix, namespace, override=True)
        for triple in dataset.graph(name):
            g.add(triple)
        if not len(g):
            continue
        lines = g.serialize(format="turtle").splitlines()
        prefixes.update(line for line in lines if line.startswith("@prefix"))
        body = [line for line in lines if not line.startswith("@prefix")]
        blocks.append(f"<{name}> {{\n" + "\n".join(body) + "\n}\n")
    write_atomic(path, "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks))


def _line_serializer(fmt: str, union: bool) -> Callable[[Dataset, Path], None]:
    def write(dataset: Dataset, path: Path) -> None:
        source = union_graph(dataset) if union else dataset
        write_atomic(path, sorted_lines(source.serialize(format=fmt, encoding="utf-8")))

    return write


def _write_jsonld(dataset: Dataset, path: Path) -> None:
    """The union graph, compacted with ``ontology/context.jsonld`` (embedded)."""
    context = load_context()
    text = union_graph(dataset).serialize(format="json-ld", context=context, auto_compact=True)
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


register_writer("turtle", "graph.ttl", _serializer("turtle", union=True))
register_writer("trig", "graph.trig", _write_trig)
register_writer("ntriples", "graph.nt", _line_serializer("nt", union=True))
register_writer("nquads", "graph.nq", _line_serializer("nquads", union=False))
register_writer("jsonld", "graph.jsonld", _write_jsonld)
