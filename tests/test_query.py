"""Queries: named queries answer what they say, parameters stay data, formats parse back."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Literal, URIRef
from rdflib.query import Result

from graph.cli import main
from graph.errors import QueryError
from graph.query import (
    QUERIES_DIR, NamedQuery, Parameter, UpdateRefused, bind_parameters, check_read_only, is_update,
    load_named_queries, parse_assignments, run_named_query, run_query,
)
from graph.results import clean_cell, display_width, format_result
from graph.store import QueryResult, RdflibEngine, open_engine
from sparql_support import fixture_build, fixture_graph, seed_output

EXPECTED_NAMES = {"central_actors", "who_met_whom", "events_by_year", "person_roles", "person_institutions",
                  "coparticipation", "mentions"}
ID = "https://w3id.org/ankg/id/"


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def engine(request):
    return open_engine(fixture_build()) if request.param == "oxigraph" else RdflibEngine(fixture_graph())


def named(query, engine, **params):
    result = run_named_query(query, params, engine=engine)
    return [dict(zip(result.variables, row)) for row in result.rows]


# ---------------------------------------------------------------- named queries, fixture

def test_every_named_query_has_a_header_and_runs(engine):
    queries = load_named_queries()
    assert set(queries) == EXPECTED_NAMES
    for q in queries.values():
        assert len(q.summary) > 40, q.name
        for p in q.parameters:
            assert p.kind in ("string", "iri", "entity", "integer", "date") and p.description
        assert run_named_query(q.name, {}, engine=engine).rows, q.name


def test_engines_agree_on_every_named_query():
    oxigraph, rdflib_engine = open_engine(fixture_build()), RdflibEngine(fixture_graph())
    for name in sorted(EXPECTED_NAMES):
        assert run_named_query(name, {}, engine=oxigraph) == run_named_query(name, {}, engine=rdflib_engine), name


def test_mentions_of_voronkov_cite_articles_and_sentences(engine):
    rows = named("mentions", engine, entity="فورونكوف")
    assert {str(r["article"]) for r in rows} == {"s001", "s003"}
    assert len(rows) == 3
    assert all("فورونكوف" in str(r["sentence"]) for r in rows)
    assert [str(r["date"]) for r in rows] == sorted(str(r["date"]) for r in rows)


def test_mentions_by_english_name(engine):
    assert {str(r["article"]) for r in named("mentions", engine, entity="voronkov")} == {"s001", "s003"}


def test_roles_of_a_person(engine):
    rows = named("person_roles", engine, person="Voronkov")
    assert [str(r["role"]) for r in rows] == ["وكيل الأمين العام"]
    assert rows[0]["institution"] == URIRef(ID + "org-un-oct") and str(rows[0]["article"]) == "s001"


def test_who_met_whom_pairs_allen_with_the_emir(engine):
    rows = named("who_met_whom", engine)
    pairs = {(str(r["a"]), str(r["b"])) for r in rows}
    assert (ID + "person-allen", ID + "person-sabah") in pairs
    assert not any("voronkov" in a + b for a, b in pairs), "a statement is not a meeting"
    assert not any("isis" in a + b for a, b in pairs), "the target of a conference did not attend it"
    assert len(pairs) == 4
    only_emir = named("who_met_whom", engine, name="أمير الكويت")
    assert [(str(r["aLabel"]), str(r["bLabel"])) for r in only_emir] == [("جون آلن", "صباح الأحمد الجابر الصباح")]


def test_central_actors_score_is_events_plus_mentions(engine):
    rows = named("central_actors", engine)
    top = {str(r["actor"]).removeprefix(ID): int(r["score"]) for r in rows}
    assert top["person-allen"] == 4 and top["person-voronkov"] == 4 and top["org-isis"] == 1
    assert all(int(r["score"]) == int(r["events"]) + int(r["mentions"]) for r in rows)
    assert [int(r["score"]) for r in rows] == sorted((int(r["score"]) for r in rows), reverse=True)


def test_events_by_year_and_type(engine):
    rows = named("events_by_year", engine)
    assert [(str(r["year"]), str(r["type"]).split("#")[1], int(r["events"])) for r in rows] == [
        ("2014", "Conference", 1), ("2014", "Meeting", 1), ("2017", "Statement", 1)]


def test_institutions_of_a_person(engine):
    rows = named("person_institutions", engine, person="جون آلن")
    links = {(str(r["institution"]).removeprefix(ID), str(r["via"])) for r in rows}
    assert links == {("org-us-state", "membership"), ("org-us-state", "event"), ("org-isis", "event")}


def test_coparticipation_network(engine):
    rows = named("coparticipation", engine)
    edges = {(str(r["a"]).removeprefix(ID), str(r["b"]).removeprefix(ID)): int(r["weight"]) for r in rows}
    assert len(edges) == 8
    assert edges[("org-un-oct", "person-voronkov")] == 1 and edges[("person-allen", "person-sabah")] == 1


# ---------------------------------------------------------------- named queries, seed build

@pytest.fixture(scope="module")
def seed_engine():
    return open_engine(seed_output())


def test_seed_every_named_query_returns_rows(seed_engine):
    for name in sorted(EXPECTED_NAMES):
        assert run_named_query(name, {}, engine=seed_engine).rows, name


def test_seed_mentions_of_voronkov_span_articles(seed_engine):
    rows = named("mentions", seed_engine, entity="فورونكوف")
    assert len({str(r["article"]) for r in rows}) >= 2
    assert all("فورونكوف" in str(r["sentence"]) or "فورونكوف" in str(r["surface"]) for r in rows)


def test_seed_roles_of_voronkov(seed_engine):
    roles = [str(r["role"]) for r in named("person_roles", seed_engine, person="فورونكوف")]
    assert any("وكيل الأمين العام" in role or "الأمين العام" in role for role in roles), roles


def test_seed_allen_met_the_emir_of_kuwait(seed_engine):
    rows = named("who_met_whom", seed_engine, name="آلن")
    others = [str(r["bLabel"]) if "آلن" in str(r["aLabel"]) else str(r["aLabel"]) for r in rows]
    assert any("صباح" in o or "أمير الكويت" in o or "Sabah" in o for o in others), others


# ---------------------------------------------------------------- parameters

HOSTILE = ['x" } ; DROP ALL ; #', "x' } INSERT DATA { <a:s> <a:p> <a:o> } #", "a\\\" }\n}", "فورونكوف\u202e"]


@pytest.mark.parametrize("value", HOSTILE)
def test_parameters_are_data_not_query_text(engine, value):
    rows = named("mentions", engine, entity=value) + named("who_met_whom", engine, name=value)
    assert rows == []
    assert len(run_query("SELECT * WHERE { ?s ?p ?o }", engine=engine).rows) == len(fixture_graph())


def test_parameter_terms_are_typed_and_validated():
    q = NamedQuery("t", "test", (Parameter("who", "iri", None, "an entity"), Parameter("n", "integer", "3", "n"),
                                 Parameter("d", "date", "2014-10-28", "day")), "SELECT * WHERE { ?who ?p ?n }")
    text = bind_parameters(q, {"who": "id:person-allen"})
    assert f"VALUES ?who {{ <{ID}person-allen> }}" in text
    assert 'VALUES ?n { "3"^^<http://www.w3.org/2001/XMLSchema#integer> }' in text
    assert 'VALUES ?d { "2014-10-28"^^<http://www.w3.org/2001/XMLSchema#date> }' in text
    for bad in ({"who": "not an iri"}, {"who": "id:x> } DROP ALL {"}, {"who": "id:x", "n": "three"},
                {"who": "id:x", "d": "2014-13-01"}, {}, {"who": "id:x", "zzz": "1"}):
        with pytest.raises(QueryError):
            bind_parameters(q, bad)


def test_entity_parameters_take_names_or_iris(engine):
    by_iri = named("mentions", engine, entity="id:person-voronkov")
    assert by_iri == named("mentions", engine, entity="فورونكوف") and len(by_iri) == 3
    assert named("person_roles", engine, person=f"{ID}person-stengel")[0]["role"] == Literal("مساعد وزير الخارجية", lang="ar")
    assert named("mentions", engine, entity="nobody at all") == []
    with pytest.raises(QueryError, match="give a name"):
        named("mentions", engine, entity=" ")


def test_parse_assignments_needs_key_value():
    assert parse_assignments(["name=جون آلن"]) == {"name": "جون آلن"}
    with pytest.raises(QueryError, match="key=value"):
        parse_assignments(["name"])


def test_malformed_header_names_file_and_line(tmp_path):
    (tmp_path / "bad.rq").write_text("# Says something.\n# param name string: no parens\nSELECT * {}\n")
    with pytest.raises(QueryError, match=r"bad.rq:2:"):
        load_named_queries(tmp_path)


def test_queries_dir_is_the_repository_folder():
    assert QUERIES_DIR.name == "queries" and (QUERIES_DIR / "mentions.rq").is_file()


# ---------------------------------------------------------------- read-only

@pytest.mark.parametrize("text", [
    "INSERT DATA { <a:s> <a:p> <a:o> }", "PREFIX a: <http://x/#>\n# insert\nDELETE WHERE { ?s ?p ?o }",
    "  drop all", "BASE <http://x/> LOAD <http://example.org/>", "WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CLEAR DEFAULT"])
def test_updates_are_refused(text):
    assert is_update(text)
    with pytest.raises(UpdateRefused, match="read-only"):
        check_read_only(text)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s <http://x/#insert> ?o }", "# DELETE\nASK {}", "PREFIX delete: <http://x/> SELECT * {}",
    "DESCRIBE <a:b>"])
def test_queries_are_not_updates(text):
    assert not is_update(text)


# ---------------------------------------------------------------- formats

SAMPLE = QueryResult("select", ("who", "label", "n"), (
    (URIRef(ID + "person-allen"), Literal("جون آلن", lang="ar"), Literal(2)),
    (URIRef(ID + "person-x"), Literal('say "hi"\tnow\u202e', lang="en"), None),
))


def test_table_aligns_arabic_by_display_width_and_isolates_it():
    text = format_result(SAMPLE, "table")
    lines = [_visible(line) for line in text.splitlines()]
    bars = {tuple(i for i, c in enumerate(line) if c in "|+") for line in lines[:4]}
    assert len(bars) == 1 and len(bars.pop()) == 2, text
    assert "\u2068جون آلن\u2069" in text
    assert "\u202e" not in text and "\t" not in text
    assert lines[-1] == "(2 rows)"


def _visible(line: str) -> str:
    """The line as columns on a terminal: zero-width characters dropped."""
    return "".join(c for c in line if display_width(c) > 0 or c == " ")


def test_clean_cell_truncates_long_text_by_width():
    cell = clean_cell("ب" * 500)
    assert display_width(cell) == 80 and cell.startswith("\u2068")


def test_csv_tsv_json_xml_parse_back():
    rows = list(csv.reader(io.StringIO(format_result(SAMPLE, "csv"))))
    assert rows[0] == ["who", "label", "n"] and rows[1] == [ID + "person-allen", "جون آلن", "2"] and rows[2][2] == ""
    data = json.loads(format_result(SAMPLE, "json"))
    assert data["results"]["bindings"][0]["label"] == {"type": "literal", "value": "جون آلن", "xml:lang": "ar"}
    assert "n" not in data["results"]["bindings"][1]
    for fmt in ("json", "xml", "tsv"):
        parsed = Result.parse(io.StringIO(format_result(SAMPLE, fmt)), format=fmt)
        assert [tuple(r) for r in parsed] == [tuple(r) for r in SAMPLE.rows], fmt
    assert json.loads(format_result(QueryResult("ask", boolean=False), "json")) == {"head": {}, "boolean": False}


def test_graph_results_as_turtle_and_sorted_ntriples():
    result = open_engine(fixture_build()).run(f"DESCRIBE <{ID}person-allen>")
    nt = format_result(result, "ntriples")
    assert nt.splitlines() == sorted(nt.splitlines()) and f'<{ID}person-allen> <http://www.w3.org/2000/01/rdf-schema#label> "جون آلن"@ar .' in nt
    assert "id:person-allen" in format_result(result, "turtle")
    with pytest.raises(ValueError):
        format_result(result, "csv")


# ---------------------------------------------------------------- command line

def test_cli_named_query_as_csv(capsys):
    code = main(["query", "--name", "mentions", "--param", "entity=فورونكوف", "--format", "csv",
                 "--out", str(fixture_build())])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("entity,surface,article,date") and out.count("s003") >= 2


def test_cli_file_and_text(tmp_path, capsys):
    query = tmp_path / "q.rq"
    query.write_text("ASK { ?s a <https://schema.org/Person> }", encoding="utf-8")
    assert main(["query", "--file", str(query), "--out", str(fixture_build())]) == 0
    assert capsys.readouterr().out.strip() == "true"
    assert main(["query", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--format", "tsv",
                 "--out", str(fixture_build())]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith(f'"{len(fixture_graph())}"^^')


def test_cli_errors_are_one_line_with_position(capsys):
    assert main(["query", "SELECT * WHERE {\n ?s ?p ", "--out", str(fixture_build())]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: syntax error: line 2, column")
    assert main(["query", "DELETE WHERE { ?s ?p ?o }", "--out", str(fixture_build())]) == 1
    assert "read-only" in capsys.readouterr().err
    assert main(["query", "--name", "nope", "--out", str(fixture_build())]) == 1
    assert "choose from" in capsys.readouterr().err


def test_cli_lists_named_queries(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in EXPECTED_NAMES) and "--param person=" in out
