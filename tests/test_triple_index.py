"""graph.triple_index: the reads analysis makes give what an rdflib Graph gives, in the same order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from graph.analyze import analyze_graph
from graph.triple_index import TripleIndex
from graph.visualize import render_view

_TERMS = [URIRef(f"http://x/{n}") for n in range(6)]
_OBJECTS = _TERMS + [Literal("a"), Literal("a", lang="ar"), Literal("5", datatype=URIRef("http://x/int"))]
_TRIPLES = st.lists(st.tuples(st.sampled_from(_TERMS), st.sampled_from(_TERMS[:3]), st.sampled_from(_OBJECTS)),
                    unique=True, max_size=40)


def _sorted_by_subject(triples):
    """The union arrives grouped by subject (sorted N-Triples); keep first-seen order within a subject."""
    order = {s: i for i, s in reversed(list(enumerate(s for s, _, _ in triples)))}
    return sorted(triples, key=lambda t: order[t[0]])


@settings(max_examples=200, deadline=None)
@given(_TRIPLES)
def test_every_read_matches_an_rdflib_graph_in_order(triples):
    triples = _sorted_by_subject(triples)
    g = Graph(store="SimpleMemory")
    for triple in triples:
        g.store.add(triple, g)
    index = TripleIndex(triples)
    assert len(index) == len(g)
    for p in _TERMS[:3]:
        assert sorted(index.subject_objects(p)) == sorted(g.subject_objects(p))
        for node in _OBJECTS:
            assert list(index.subjects(p, node)) == list(g.subjects(p, node))
            assert list(index.objects(node, p)) == list(g.objects(node, p))
            assert index.value(node, p) == g.value(node, p)
            for o in _OBJECTS:
                assert ((node, p, o) in index) == ((node, p, o) in g)


def test_adding_after_a_backward_read_is_seen_by_the_next_read():
    a, b, c, p = (URIRef(f"http://x/{n}") for n in "abcp")
    index = TripleIndex([(a, p, c)])
    assert list(index.subjects(p, c)) == [a]
    index.add((b, p, c))
    assert list(index.subjects(p, c)) == [a, b]


def test_analysis_and_pages_of_the_index_are_those_of_the_graph(seed_graph):
    index = TripleIndex(seed_graph.triples((None, None, None)))
    from_graph, from_index = analyze_graph(seed_graph), analyze_graph(index)
    assert from_index.rows() == from_graph.rows() and from_index.rows()
    assert all(render_view(index, from_index, view) == render_view(seed_graph, from_graph, view)
               for view in from_graph.views)
