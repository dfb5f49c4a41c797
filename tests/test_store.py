"""The Oxigraph store: loaded from the build, same answers as rdflib."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from graph.errors import QueryError
from graph.store import STAMP, OxigraphEngine, RdflibEngine, load_store, open_engine, store_path
from sparql_support import fixture_build, fixture_dataset, fixture_graph, write_build

QUERIES = [
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p",
    "ASK { <https://w3id.org/ankg/id/person-allen> a <https://schema.org/Person> }",
    "ASK { <https://w3id.org/ankg/id/person-allen> a <https://schema.org/Place> }",
    "CONSTRUCT { ?e <http://example.org/name> ?l } WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l OPTIONAL { ?s <http://nowhere/p> ?x } }"
    " ORDER BY ?s STR(?l) LANG(?l)",
]


def test_load_store_puts_the_union_in_the_default_graph(tmp_path):
    out = write_build(fixture_dataset(), tmp_path, store=False)
    path = load_store(out)
    assert path == store_path(out) and (path / STAMP).is_file()
    store = ox.Store.read_only(str(path))
    count = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value
    assert int(count) == len(fixture_graph())
    graphs = {row["g"].value for row in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert "https://w3id.org/ankg/id/article/s002" in graphs


def test_reload_replaces_the_store_and_leaves_no_temporaries(tmp_path):
    out = write_build(fixture_dataset(), tmp_path, store=True)
    load_store(out)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    assert isinstance(open_engine(out), OxigraphEngine)


def test_store_from_turtle_alone(tmp_path):
    shutil.copy(fixture_build() / "graph.ttl", tmp_path / "graph.ttl")
    load_store(tmp_path)
    result = open_engine(tmp_path).run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(result.rows[0][0]) == len(fixture_graph())


def test_load_store_without_output_says_what_to_do(tmp_path):
    with pytest.raises(QueryError, match="run the build first"):
        load_store(tmp_path)


def test_open_engine_falls_back_to_rdflib(tmp_path):
    shutil.copy(fixture_build() / "graph.trig", tmp_path / "graph.trig")
    engine = open_engine(tmp_path)
    assert isinstance(engine, RdflibEngine)
    assert len(engine.g) == len(fixture_graph())


@pytest.mark.parametrize("query", QUERIES)
def test_both_engines_give_the_same_answer(query):
    oxigraph = open_engine(fixture_build())
    rdflib_engine = RdflibEngine(fixture_graph())
    assert isinstance(oxigraph, OxigraphEngine)
    a, b = oxigraph.run(query), rdflib_engine.run(query)
    assert a == b
    assert a.rows or a.boolean is not None or a.triples


def test_terms_come_back_as_rdflib_terms():
    result = open_engine(fixture_build()).run(
        "SELECT ?l ?d WHERE { <https://w3id.org/ankg/id/article/s002> "
        "<https://schema.org/headline> ?l ; <https://schema.org/datePublished> ?d }")
    headline, published = result.rows[0]
    assert headline == Literal("مؤتمر الكويت يدعو لتوسيع الحرب ضد {داعش} لتشمل الإنترنت")
    assert published == Literal("2014-10-28", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_syntax_errors_name_line_and_column(engine):
    run = open_engine(fixture_build()) if engine == "oxigraph" else RdflibEngine(Graph())
    with pytest.raises(QueryError, match=r"syntax error: line 3, column \d+") as info:
        run.run("SELECT *\nWHERE {\n  ?s ?p ?o FILTER( }")
    assert "^" in str(info.value)


def test_limit_truncates_and_says_so():
    result = open_engine(fixture_build()).run("SELECT * WHERE { ?s ?p ?o }", limit=5)
    assert len(result.rows) == 5 and result.truncated
    full = open_engine(fixture_build()).run("SELECT * WHERE { ?s ?p ?o }")
    assert len(full.rows) == len(fixture_graph()) and not full.truncated


def test_store_is_opened_read_only():
    engine = open_engine(fixture_build())
    with pytest.raises((OSError, RuntimeError)):
        engine.store.update("INSERT DATA { <a:s> <a:p> <a:o> }")


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_project_prefixes_need_no_declaration(engine):
    run = open_engine(fixture_build()) if engine == "oxigraph" else RdflibEngine(fixture_graph())
    result = run.run("SELECT ?l WHERE { id:person-allen rdfs:label ?l FILTER (LANG(?l) = 'en') }")
    assert result.rows == ((Literal("John Allen", lang="en"),),)
