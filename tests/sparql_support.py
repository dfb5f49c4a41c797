"""Shared helpers for the SPARQL tests: fixture build, seed build, free port.

Plain functions cached per process (not fixtures), so every test module can
import them and the seed build still runs once per session.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import Namespace

from graph.serialize import WRITERS

__all__ = ["FIXTURE", "fixture_graph", "fixture_dataset", "write_build", "fixture_build", "seed_output",
           "free_port"]

FIXTURE = Path(__file__).parent / "data" / "sparql_fixture.ttl"
SCHEMA = Namespace("https://schema.org/")
ANKG = Namespace("https://w3id.org/ankg/ont#")
PROV = Namespace("http://www.w3.org/ns/prov#")
_ARTICLE_LINKS = (SCHEMA.isPartOf, ANKG.inArticle, PROV.wasDerivedFrom)


def fixture_graph() -> Graph:
    return Graph().parse(FIXTURE)


def fixture_dataset() -> Dataset:
    """The fixture as the build shapes it: one named graph per article, shared
    entities and roles in the default graph."""
    g = fixture_graph()
    ds = Dataset()
    for prefix, namespace in g.namespaces():
        ds.bind(prefix, namespace)
    for s, p, o in sorted(g):
        article = _article_of(g, s)
        target = ds.graph(article) if article is not None else ds.default_graph
        target.add((s, p, o))
    return ds


def write_build(ds: Dataset, out_dir: Path, store: bool = True) -> Path:
    """Every registered format of ``ds`` into ``out_dir`` (and its store)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for writer in WRITERS.values():
        writer.write(ds, out_dir / writer.filename)
    if store:
        from graph.store import load_store

        load_store(out_dir)
    return out_dir


@functools.lru_cache(maxsize=None)
def fixture_build() -> Path:
    """A build of the fixture with every format and a loaded store (read-only use)."""
    return write_build(fixture_dataset(), _temporary_dir("sparql-fixture-"))


def seed_output() -> Path:
    """The 5 seed articles built by the pipeline with the store loaded (skips if
    the pipeline cannot be imported yet)."""
    try:
        from graph.pipeline import build_corpus
    except ImportError as error:
        pytest.skip(f"graph.pipeline not importable yet: {error}")
    return _seed_output(build_corpus)


@functools.lru_cache(maxsize=None)
def _seed_output(build_corpus) -> Path:
    root = Path(__file__).resolve().parent.parent
    out = _temporary_dir("sparql-seeds-")
    build_corpus([root / "seeds"], out)
    from graph.store import load_store

    load_store(out)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _temporary_dir(prefix: str) -> Path:
    """A directory removed when the test process exits."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _article_of(g: Graph, s) -> URIRef | None:
    if (s, None, ANKG.Article) in g or "/article/" in str(s):
        return s
    for p in _ARTICLE_LINKS:
        for o in g.objects(s, p):
            return o
    return None
