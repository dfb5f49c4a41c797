"""graph.analyze and graph.report: projections, measures checked by hand, writers."""

from __future__ import annotations

import csv
import io
import os
import random
from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from graph import measures as measures_module
from graph.analyze import (
    MEASURES, VIEW_WORK, VIEWS, Analysis, analyze_graph, compute_measures, load_rdf, node_info, project_view,
    top_actors,
)
from graph.cli import main
from graph.errors import GraphError
from graph.forked import share_out
from graph.report import CSV_COLUMNS, EXPORT_FORMATS, MEANING, export_view, report_markdown, write_analysis
from graph.vocab import ANKG, ID, SCHEMA

FIXTURE = Path(__file__).parent / "data" / "network_fixture.ttl"


def iri(local: str) -> str:
    return str(ID[local])


@pytest.fixture(scope="module")
def g() -> Graph:
    return load_rdf(FIXTURE)


@pytest.fixture(scope="module")
def analysis(g) -> Analysis:
    return analyze_graph(g)


def edges(G: nx.Graph) -> dict[frozenset, int]:
    return {frozenset((a.rsplit("/", 1)[-1], b.rsplit("/", 1)[-1])): d["weight"] for a, b, d in G.edges(data=True)}


# ---------------------------------------------------------------- projections

def test_views_are_registered_in_a_fixed_order():
    assert list(VIEWS) == ["entity_event", "coparticipation", "membership", "comention"]


def test_entity_event_view_has_every_entity_and_event_and_no_literal(g):
    G = project_view(g, "entity_event")
    assert G.number_of_nodes() == 10 and G.number_of_edges() == 12
    assert all(n.startswith(str(ID)) for n in G)          # IRIs only: literals are never nodes
    assert G.edges[iri("event/meeting1"), iri("place-cairo")]["relation"] == "location"
    assert G.edges[iri("event/meeting1"), iri("org-arab-league")]["relation"] == "organizer"
    assert G.edges[iri("event/statement1"), iri("person-guterres")]["relation"] == "speaker"
    assert G.edges[iri("person-aboulgheit"), iri("org-arab-league")]["relation"] == "member"
    assert not G.has_edge(iri("person-aboulgheit"), iri("person-sisi"))  # entities meet through events


def test_coparticipation_counts_shared_events(g):
    G = project_view(g, "coparticipation")
    assert sorted(n.rsplit("/", 1)[-1] for n in G) == [
        "org-arab-league", "org-un", "person-aboulgheit", "person-guterres", "person-sisi"]
    assert edges(G) == {
        frozenset(("person-aboulgheit", "person-sisi")): 2,     # meeting1 and visit1
        frozenset(("person-aboulgheit", "org-arab-league")): 1,
        frozenset(("person-sisi", "org-arab-league")): 1,
        frozenset(("person-aboulgheit", "person-guterres")): 1,
        frozenset(("person-aboulgheit", "org-un")): 1,
        frozenset(("person-guterres", "org-un")): 1,
    }


def test_membership_view_links_people_to_institutions_with_roles(g):
    G = project_view(g, "membership")
    assert edges(G) == {frozenset(("person-aboulgheit", "org-arab-league")): 1,
                        frozenset(("person-guterres", "org-un")): 1}
    assert G.edges[iri("person-guterres"), iri("org-un")]["relation"] == "الأمين العام"


def test_comention_view_counts_sentences(g):
    G = project_view(g, "comention")
    assert edges(G) == {
        frozenset(("person-aboulgheit", "org-arab-league")): 1,
        frozenset(("person-aboulgheit", "place-cairo")): 1,
        frozenset(("org-arab-league", "place-cairo")): 1,
        frozenset(("person-aboulgheit", "person-sisi")): 1,   # two mentions of al-Sisi, one sentence
        frozenset(("person-aboulgheit", "person-guterres")): 1,
    }


def test_node_attributes_are_plain_strings(g):
    for name in VIEWS:
        for _, data in project_view(g, name).nodes(data=True):
            assert set(data) == {"label_ar", "label_en", "kind", "group", "qid"}
            assert all(isinstance(v, str) for v in data.values())
    info = node_info(g)
    assert info[iri("org-arab-league")] == {"label_ar": "جامعة الدول العربية", "label_en": "Arab League",
                                            "kind": "IntergovernmentalOrganization", "group": "institution",
                                            "qid": "Q7172"}
    assert info[iri("event/meeting1")]["kind"] == "Meeting"   # most specific class, not ankg:Event


def test_kind_is_the_most_specific_class():
    g = Graph()
    node = URIRef(iri("gov-x"))
    g.add((node, RDF.type, ANKG.Institution))
    g.add((node, RDF.type, ANKG.GovernmentBody))
    g.add((node, RDFS.label, Literal("وزارة الخارجية", lang="ar")))
    assert node_info(g)[str(node)]["kind"] == "GovernmentBody"


def test_unknown_view_is_a_user_error(g):
    with pytest.raises(GraphError, match="unknown view"):
        project_view(g, "nope")


# ---------------------------------------------------------------- measures by hand

def test_path_measures_match_hand_computation():
    m = compute_measures(nx.path_graph(["a", "b", "c", "d"]))
    assert [m[n]["degree"] for n in "abcd"] == [1, 2, 2, 1]
    # b lies on the shortest paths a-c and a-d: 2 of the 3 pairs not involving b
    assert [m[n]["betweenness"] for n in "abcd"] == [0.0, 0.666667, 0.666667, 0.0]
    # closeness = (n-1) / sum of distances: a: 3/(1+2+3), b: 3/(1+1+2)
    assert [m[n]["closeness"] for n in "abcd"] == [0.5, 0.75, 0.75, 0.5]
    assert m["a"]["pagerank"] == m["d"]["pagerank"] < m["b"]["pagerank"] == m["c"]["pagerank"]


def test_star_measures_match_hand_computation():
    G = nx.star_graph(4)                      # centre 0, leaves 1..4
    G = nx.relabel_nodes(G, str)
    m = compute_measures(G)
    assert m["0"]["degree"] == 4 and m["0"]["betweenness"] == 1.0 and m["0"]["closeness"] == 1.0
    assert m["1"]["betweenness"] == 0.0 and m["1"]["closeness"] == round(4 / 7, 6)   # 4/(1+2+2+2)
    assert round(sum(v["pagerank"] for v in m.values()), 5) == 1.0
    assert m["0"]["eigenvector"] > m["1"]["eigenvector"]


def test_weighted_degree_sums_shared_events(analysis):
    row = next(r for r in analysis.scores["coparticipation"] if r.iri == iri("person-aboulgheit"))
    assert (row.degree, row.weighted_degree) == (4, 5.0)        # sisi 2 + league + guterres + un


def test_louvain_communities_are_numbered_by_size():
    G = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    G.add_node("z")
    m = compute_measures(G)
    assert m["a"]["community"] == m["b"]["community"] == m["c"]["community"] == 0
    assert m["x"]["community"] == m["y"]["community"] == 1 and m["z"]["community"] == 2


def test_large_views_sample_betweenness(monkeypatch):
    monkeypatch.setattr(measures_module, "EXACT_BETWEENNESS_LIMIT", 3)
    G = nx.relabel_nodes(nx.path_graph(6), str)
    measures, note = measures_module.score_nodes(G)
    assert "sampled" in note and set(measures) == set(G)


def test_eigenvector_falls_back_when_power_iteration_fails(monkeypatch):
    monkeypatch.setattr(measures_module, "EIGENVECTOR_MAX_ITER", 1)    # a real non-convergence
    G = nx.relabel_nodes(nx.path_graph(5), str)
    measures, note = measures_module.score_nodes(G)
    assert "eigenvector did not converge" in note
    assert measures["2"]["eigenvector"] == round(nx.degree_centrality(G)["2"], 6)


def test_eigenvector_is_networkx_power_iteration():
    rng = random.Random(3)
    weighted = nx.gnm_random_graph(60, 90, seed=3)             # several components
    for a, b in weighted.edges:
        weighted[a][b]["weight"] = rng.randint(1, 4)
    bipartite = nx.complete_bipartite_graph(3, 5)              # A alone would oscillate; A + I does not
    for G in (weighted, bipartite, nx.karate_club_graph(), nx.star_graph(5)):
        G = nx.relabel_nodes(G, str)
        ours, fallback = measures_module._eigenvector(G)
        theirs = nx.eigenvector_centrality(G, max_iter=1000, tol=1e-8, weight="weight")
        assert not fallback and {n: round(v, 6) for n, v in ours.items()} == {n: round(v, 6) for n, v in theirs.items()}


def test_empty_graph_is_fine():
    a = analyze_graph(Graph())
    assert a.rows() == [] and a.top_actors() == []
    assert compute_measures(nx.Graph()) == {}


# ---------------------------------------------------------------- determinism and top actors

def test_numbers_do_not_depend_on_triple_order(g, analysis):
    triples = sorted(g)
    random.Random(7).shuffle(triples)
    shuffled = Graph()
    for triple in triples:
        shuffled.add(triple)
    again = analyze_graph(shuffled)
    assert again.rows() == analysis.rows()
    assert report_markdown(again) == report_markdown(analysis)


def test_top_actors_are_persons_and_institutions(analysis):
    top = analysis.top_actors(5)
    assert top[0][:3] == (iri("person-aboulgheit"), "أحمد أبو الغيط", "Ahmed Aboul Gheit")
    assert len(top) == 5
    assert all(node_info_group(analysis, t[0]) in ("person", "institution") for t in top)
    assert [t[3] for t in top] == sorted((t[3] for t in top), reverse=True)
    assert top_actors(analysis.views["coparticipation"], n=1)[0][0] == iri("person-aboulgheit")
    assert top_actors({"a": 0.1, "b": 0.3}, n=1) == [("b", "", "", 0.3)]


def node_info_group(analysis: Analysis, node: str) -> str:
    return analysis.views["entity_event"].nodes[node]["group"]


# ---------------------------------------------------------------- writers

def test_write_analysis_writes_csv_and_report(analysis, tmp_path):
    paths = write_analysis(analysis, tmp_path)
    assert [p.name for p in paths] == ["centrality.csv", "report.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["centrality.csv", "report.md"]  # no temp files
    rows = list(csv.DictReader(io.StringIO(paths[0].read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == sum(G.number_of_nodes() for G in analysis.views.values()) == 10 + 5 + 4 + 5
    row = next(r for r in rows if r["view"] == "coparticipation" and r["iri"] == iri("person-aboulgheit"))
    assert (row["label_ar"], row["label_en"], row["kind"], row["qid"]) == (
        "أحمد أبو الغيط", "Ahmed Aboul Gheit", "Person", "Q294921")
    assert (row["degree"], row["weighted_degree"]) == ("4", "5.0")
    report = paths[1].read_text(encoding="utf-8")
    for measure, meaning in MEANING.items():
        assert measure in report and meaning.rstrip(".") in report
    assert "أحمد أبو الغيط (Ahmed Aboul Gheit)" in report and "جامعة الدول العربية (Arab League)" in report
    assert "### Communities" in report and "Community 0" in report


def test_report_escapes_hostile_names(g):
    hostile = Graph()
    for triple in g:
        hostile.add(triple)
    hostile.add((URIRef(iri("person-aboulgheit")), RDFS.label, Literal("<img src=x> | [x](javascript:1)", lang="en")))
    report = report_markdown(analyze_graph(hostile))
    assert "<img" not in report and "&lt;img src=x&gt; \\| \\[x\\](javascript:1)" in report


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_view_round_trips_through_gexf_and_graphml(analysis, tmp_path, fmt):
    read = nx.read_gexf if fmt == "gexf" else nx.read_graphml
    for view, G in analysis.views.items():
        path = export_view(analysis, view, fmt, tmp_path)
        assert path.name == f"{view}.{fmt}"
        back = read(path)
        assert (back.number_of_nodes(), back.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
        if G.number_of_nodes():
            node = sorted(G)[0]
            data = back.nodes[node]
            assert data["label_ar"] == G.nodes[node]["label_ar"] and "pagerank" in data and "community" in data
    first = (tmp_path / f"entity_event.{fmt}").read_bytes()
    export_view(analysis, "entity_event", fmt, tmp_path)
    assert (tmp_path / f"entity_event.{fmt}").read_bytes() == first   # no timestamps


def test_export_rejects_unknown_format(analysis, tmp_path):
    with pytest.raises(GraphError, match="unknown format"):
        export_view(analysis, "comention", "dot", tmp_path)


# ---------------------------------------------------------------- CLI

def test_cli_analyze_and_export(tmp_path, capsys):
    assert main(["analyze", "--graph", str(FIXTURE), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "centrality.csv").is_file() and (tmp_path / "report.md").is_file()
    assert main(["export", "--graph", str(FIXTURE), "--view", "membership", "--format", "graphml",
                 "--out", str(tmp_path)]) == 0
    assert nx.read_graphml(tmp_path / "membership.graphml").number_of_edges() == 2


def test_cli_missing_graph_is_one_error_line(tmp_path, capsys):
    assert main(["analyze", "--graph", str(tmp_path / "none.ttl"), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "none.ttl" in err and err.count("\n") == 1


def test_load_rdf_reads_trig_datasets(g, tmp_path):
    from rdflib import Dataset

    ds = Dataset()
    named = ds.graph(URIRef(iri("article/a1")))
    for triple in g:
        named.add(triple)
    path = tmp_path / "graph.trig"
    path.write_text(ds.serialize(format="trig"), encoding="utf-8")
    assert len(load_rdf(path)) == len(g)


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".trig", ".nq"])
def test_load_index_analyses_as_the_rdflib_graph_does(seed_graph, tmp_path, suffix):
    """What the analyze, render and export commands read: the file streamed into a TripleIndex;
    a statement in several named graphs is held once."""
    from rdflib import Dataset

    from graph.analyze import load_index
    from graph.visualize import render_view

    ds = Dataset()
    for name in ("article/a1", "article/a2"):
        named = ds.graph(URIRef(iri(name)))
        for triple in seed_graph:
            named.add(triple)
    path = tmp_path / f"graph{suffix}"
    fmt = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads"}[suffix]
    path.write_text((ds if suffix in (".trig", ".nq") else seed_graph).serialize(format=fmt), encoding="utf-8")
    index, full = load_index(path), analyze_graph(seed_graph)
    assert 0 < len(index) < len(seed_graph)
    from_index = analyze_graph(index)
    assert from_index.rows() == full.rows()
    assert render_view(index, from_index, "entity_event") == render_view(seed_graph, full, "entity_event")


def test_load_index_names_the_broken_file(tmp_path):
    from graph.analyze import load_index

    path = tmp_path / "broken.ttl"
    path.write_text("<http://x/a> <http://x/b> ", encoding="utf-8")
    with pytest.raises(GraphError, match="broken.ttl: cannot parse as Turtle: Parser error at line 1"):
        load_index(path)
    with pytest.raises(GraphError, match="no such file"):
        load_index(tmp_path / "none.ttl")


def test_measures_cover_every_declared_column():
    assert set(MEASURES) <= set(CSV_COLUMNS) and set(MEASURES) == set(compute_measures(nx.path_graph(2))[0])


def test_schema_participant_alone_counts_as_participation():
    g = Graph()
    event, person = URIRef(iri("event/e")), URIRef(iri("p"))
    g.add((event, RDF.type, ANKG.Meeting))
    g.add((person, RDF.type, ANKG.Person))
    g.add((event, SCHEMA.participant, person))
    G = project_view(g, "entity_event")
    assert G.edges[str(event), str(person)]["relation"] == "participant"


def test_sampled_closeness_is_exact_on_small_components_and_close_on_large_ones():
    import networkx as nx

    from graph.measures import sampled_closeness

    G = nx.relabel_nodes(nx.gnm_random_graph(400, 900, seed=1), str)
    G.add_edge("x", "y")
    exact = nx.closeness_centrality(G)
    assert all(abs(sampled_closeness(G, 1000)[n] - exact[n]) < 1e-9 for n in G)
    sampled = sampled_closeness(G, 60)
    assert sampled == sampled_closeness(G, 60)
    assert sampled["x"] == exact["x"]
    errors = [abs(sampled[n] - exact[n]) / exact[n] for n in G if exact[n]]
    assert max(errors) < 0.2 and sum(errors) / len(errors) < 0.05
    top = sorted(G, key=exact.get, reverse=True)[:10]
    assert set(top) <= set(sorted(G, key=sampled.get, reverse=True)[:30])


def test_the_mention_details_a_build_leaves_out_change_no_score_and_no_page(seed_graph):
    """A build analyses its graph without UNREAD_PREDICATES and the types in UNREAD_TYPES; a view
    or page that starts reading one of them must take it out of its set."""
    from graph.analyze import UNREAD_PREDICATES, UNREAD_TYPES
    from graph.visualize import render_view

    def read(statement):
        return str(statement[1]) not in UNREAD_PREDICATES and not (statement[1] == RDF.type
                                                                   and str(statement[2]) in UNREAD_TYPES)

    trimmed = Graph()
    trimmed += filter(read, seed_graph)
    assert 0 < len(trimmed) < len(seed_graph) * 0.6
    full, cut = analyze_graph(seed_graph), analyze_graph(trimmed)
    assert cut.rows() == full.rows()
    assert all(render_view(trimmed, cut, view) == render_view(seed_graph, full, view) for view in full.views)


def test_views_scored_on_two_processes_score_the_same(g, analysis):
    assert analyze_graph(g, jobs=2).rows() == analysis.rows()


def test_views_are_shared_out_and_each_share_is_handed_over_where_it_was_scored(g, analysis, tmp_path):
    """What ``each`` gets is a share's analysis, in the process that scored it: a build draws pages there."""
    def each(part):
        for view in part.views:
            rows = [row for row in part.rows() if row.view == view]
            (tmp_path / f"{view}.{os.getpid()}").write_text(repr(rows), encoding="utf-8")

    assert analyze_graph(g, jobs=2, each=each).rows() == analysis.rows()
    handed = {path.stem: path.suffix for path in tmp_path.iterdir()}
    assert sorted(handed) == sorted(VIEWS) and len(set(handed.values())) == 2
    for view in VIEWS:
        assert (tmp_path / f"{view}{handed[view]}").read_text(encoding="utf-8") == repr(
            [row for row in analysis.rows() if row.view == view])


def test_every_view_is_in_one_share_of_the_analysis():
    assert share_out(VIEW_WORK, 2) == [["comention"], ["entity_event", "coparticipation", "membership"]]
    assert sorted(name for group in share_out(VIEW_WORK, 3) for name in group) == sorted(VIEWS)
