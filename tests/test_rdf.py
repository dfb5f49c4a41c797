"""RDF statements per article graph: provenance that stays linear in the articles."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib.namespace import PROV

from graph.pipeline import extract_article, resolve_all
from graph.rdf import ArticleStatements, article_iri, build_dataset, event_iri, iter_quads
from graph.records import Article
from graph.vocab import ANKG
from graph.serialize import union_graph

CHAIN = ("gazetteer", "pattern")
REPORTS = ("عقد مجلس الأمن الدولي اجتماعا في نيويورك يوم الأربعاء لبحث مكافحة الإرهاب.",
           "وكان مجلس الأمن الدولي قد عقد لقاء في نيويورك يوم الأربعاء حول مكافحة الإرهاب.",
           "وذكرت مصادر أن مجلس الأمن الدولي عقد اجتماعا في نيويورك يوم الأربعاء.")


@pytest.fixture(scope="module")
def reported():
    """The event every report tells, and the dataset of the three reports."""
    extractions = [extract_article(Article(id=f"a{i}", text=t, published=dt.date(2018, 7, 4)), CHAIN)
                   for i, t in enumerate(REPORTS)]
    resolution = resolve_all(extractions)
    (node,) = [n for n in resolution.events if len(n.articles) == len(REPORTS)]
    return node, build_dataset(extractions, resolution), extractions, resolution


def test_an_event_reported_by_several_articles_is_derived_from_each_in_its_own_graph(reported):
    node, dataset, *_ = reported
    event = event_iri(node.id)
    for article_id in node.articles:
        graph = dataset.graph(article_iri(article_id))
        assert set(graph.objects(event, PROV.wasDerivedFrom)) == {article_iri(article_id)}
    union = union_graph(dataset)
    assert set(union.objects(event, PROV.wasDerivedFrom)) == {article_iri(a) for a in node.articles}


def test_each_article_graph_states_only_the_trigger_words_of_that_article(reported):
    node, dataset, *_ = reported
    event, trigger = event_iri(node.id), ANKG.trigger
    said = {a: {str(t) for t in dataset.graph(article_iri(a)).objects(event, trigger)} for a in node.articles}
    assert said == {m.article_id: {m.trigger} for m in node.mentions}
    assert said["a1"] == {"لقاء"} and said["a0"] == {"اجتماعا"}
    assert {str(t) for t in union_graph(dataset).objects(event, trigger)} == {"اجتماعا", "لقاء"}


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_the_parts_in_order_are_every_article_graph_once(reported, count):
    """Processes making parts side by side make, together and in order, what one process makes."""
    _, _, extractions, resolution = reported
    statements = ArticleStatements(extractions, resolution)
    parts = [list(statements.part(i, count)) for i in range(count)]
    assert [q for part in parts for q in part] == list(iter_quads(extractions, resolution))
    graphs = [{q[3] for q in part} for part in parts]
    assert sum(map(len, graphs)) == len(set().union(*graphs)) == len(REPORTS)  # no graph split between parts


def test_terms_are_printed_as_oxigraph_prints_them():
    """Statements are made as text: every character of a literal is escaped (or not) as Oxigraph does."""
    import pyoxigraph as ox

    from graph.rdf import XSD, _integer, _text, _typed

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert _text(every, "ar") == str(ox.Literal(every, language="ar"))
    date = ox.NamedNode(XSD.date[1:-1])
    assert _typed(every, XSD.date) == str(ox.Literal(every, datatype=date))
    assert _typed("x", XSD.string) == str(ox.Literal("x", datatype=ox.NamedNode(XSD.string[1:-1]))) == '"x"'
    assert _integer(7) == str(ox.Literal("7", datatype=ox.NamedNode(XSD.integer[1:-1])))


def test_articles_with_one_id_make_each_statement_once_in_the_union(reported):
    """Two extractions of one article state the same own nodes: the union still has each statement once."""
    from graph.serialize import RdfExport

    _, _, extractions, resolution = reported
    once = RdfExport(ArticleStatements(extractions, resolution), {}, [])
    twice = RdfExport(ArticleStatements([*extractions, extractions[0]], resolution), {}, [])
    assert list(twice.triples) == list(once.triples) and twice.statement_count == once.statement_count
    assert len({(q.subject, q.predicate, q.object) for q in once.triples}) == once.statement_count > 0
    for export in (once, twice):
        export.release()


def test_article_ids_that_are_long_or_not_plain_ascii_become_short_stable_iris():
    from graph.rdf import article_iri

    assert str(article_iri("a" * 128)).endswith("/article/" + "a" * 128)
    for odd in ("a" * 129, "x" * 10_000, "خبر-1", "a b", "https://example.com/news/1"):
        iri = str(article_iri(odd))
        assert iri == str(article_iri(odd)) and len(iri) <= len("https://w3id.org/ankg/id/article/") + 17
    assert article_iri("a" * 129) != article_iri("a" * 130)
