"""TriG written from statement lines: Oxigraph's bytes, or None when Oxigraph must write them."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from graph.serialize import _without_prefixes, statement_line
from graph.trig import TrigWriter

PREFIXES = {"ex": "http://ex.org/ns/", "xsd": "http://www.w3.org/2001/XMLSchema#", "id": "https://w3id.org/x/id/"}
_NAMESPACES = [*PREFIXES.values(), "http://other.org/", "http://ex.org/"]
_LOCAL = st.text(st.sampled_from("aZ09_:/.-%~!é·\u0300"), max_size=6)
_LEXICAL = st.text(st.sampled_from("0123456789+-.eE a"), max_size=5)
_DATATYPES = [f"http://www.w3.org/2001/XMLSchema#{t}" for t in ("integer", "decimal", "double", "boolean", "date", "string")]


@st.composite
def iris(draw):
    iri = draw(st.sampled_from(_NAMESPACES)) + draw(_LOCAL)
    try:
        return ox.NamedNode(iri)
    except ValueError:
        assume(False)


@st.composite
def literals(draw):
    kind = draw(st.sampled_from(["plain", "lang", "typed"]))
    if kind == "plain":
        return ox.Literal(draw(st.text(max_size=6)))
    if kind == "lang":
        return ox.Literal(draw(st.text(max_size=6)), language=draw(st.sampled_from(["ar", "en", "en-GB"])))
    datatype = draw(st.one_of(st.sampled_from(_DATATYPES), iris().map(lambda n: n.value)))
    return ox.Literal(draw(_LEXICAL), datatype=ox.NamedNode(datatype))


_BLANKS = st.sampled_from(["b1", "b12", "x_y", "a-b"]).map(ox.BlankNode)
_SUBJECTS = st.one_of(iris(), _BLANKS)
_OBJECTS = st.one_of(iris(), literals(), _BLANKS)
_PREDICATES = st.one_of(iris(), st.just(ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")))


def _oxigraph(name, triples) -> bytes:
    quads = [ox.Quad(*t, name) for t in triples]
    return _without_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES))


def _lines(triples) -> list[bytes]:
    return sorted({statement_line(*t) for t in triples})


@settings(max_examples=400, deadline=None)
@given(name=st.one_of(iris(), _BLANKS), triples=st.lists(st.tuples(_SUBJECTS, _PREDICATES, _OBJECTS), max_size=8))
def test_a_graph_written_here_is_what_oxigraph_writes(name, triples):
    lines = _lines(triples)
    by_line = {statement_line(*t): t for t in triples}
    written = TrigWriter(PREFIXES).graph(str(name), lines)
    if written is not None:
        assert written == _oxigraph(name, [by_line[line] for line in lines])


@settings(max_examples=200, deadline=None)
@given(graphs=st.lists(st.tuples(iris(), st.lists(st.tuples(_SUBJECTS, _PREDICATES, _OBJECTS), max_size=6)),
                       max_size=5))
def test_a_writer_that_wrote_other_graphs_writes_the_same_bytes(graphs):
    """A build renders every graph with one writer, which keeps the terms it shortened: what it
    kept from earlier graphs (terms left to Oxigraph too) changes nothing in the next one."""
    kept = TrigWriter(PREFIXES)
    for name, triples in graphs:
        lines = _lines(triples)
        assert kept.graph(str(name), lines) == TrigWriter(PREFIXES).graph(str(name), lines)


def test_the_graphs_of_a_build_are_written_here():
    """The terms a build makes (prefixed IRIs with slashes, integers, decimals, dates, Arabic text) need no Oxigraph."""
    ex, xsd = "http://ex.org/ns/", "http://www.w3.org/2001/XMLSchema#"
    s, m = ox.NamedNode(ex + "article/a-1"), ox.NamedNode(ex + "article/a-1/m3-7")
    triples = [(m, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(ex + "Mention")),
               (m, ox.NamedNode(ex + "start"), ox.Literal("3", datatype=ox.NamedNode(xsd + "integer"))),
               (m, ox.NamedNode(ex + "confidence"), ox.Literal("0.75", datatype=ox.NamedNode(xsd + "decimal"))),
               (m, ox.NamedNode(ex + "surface"), ox.Literal("لندن \"x\"", language="ar")),
               (m, ox.NamedNode(ex + "surface"), ox.Literal("London", language="en")),
               (s, ox.NamedNode(ex + "date"), ox.Literal("2018-07-04", datatype=ox.NamedNode(xsd + "date"))),
               (s, ox.NamedNode(ex + "id"), ox.Literal("a-1"))]
    lines = _lines(triples)
    by_line = {statement_line(*t): t for t in triples}
    name = ox.NamedNode(ex + "article/a-1")
    assert TrigWriter(PREFIXES).graph(str(name), lines) == _oxigraph(name, [by_line[line] for line in lines])


def test_overlapping_prefixes_and_the_default_graph_are_left_to_oxigraph():
    line = statement_line(ox.NamedNode("http://ex.org/ns/a"), ox.NamedNode("http://ex.org/ns/p"), ox.Literal("x"))
    assert TrigWriter({"ex": "http://ex.org/", "ns": "http://ex.org/ns/"}).graph("<http://ex.org/g>", [line]) is None
    assert TrigWriter(PREFIXES).graph("", [line]) is None
