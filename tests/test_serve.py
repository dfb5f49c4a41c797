"""The endpoint as a real process, questioned by real SPARQL clients."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.query import Result
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from graph.serve import negotiate
from sparql_support import fixture_dataset, fixture_graph, free_port, write_build

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/ankg/id/"


def start_server(out_dir: Path, *extra: str):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--port", str(port), "--out", str(out_dir),
                             *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()}")
        try:
            urllib.request.urlopen(url + "/", timeout=1).close()
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("server did not start in 30 s")


def stop_server(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()
    proc.stderr.close()


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    out = write_build(fixture_dataset(), tmp_path_factory.mktemp("serve"))
    (out / "graph.html").write_text("<!doctype html><title>graph view marker</title>", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def endpoint(build):
    proc, url = start_server(build)
    yield url
    stop_server(proc)


def fetch(url, data=None, headers=None, method=None):
    """(status, headers, body text) without raising on HTTP errors."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def get(url, query, accept=None):
    return fetch(f"{url}/sparql?{urllib.parse.urlencode({'query': query})}",
                 headers={"Accept": accept} if accept else {})


# ---------------------------------------------------------------- SPARQLWrapper

def wrapper(url, query, fmt, method="GET"):
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query().convert()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_through_sparqlwrapper(endpoint, method):
    data = wrapper(endpoint, "PREFIX schema: <https://schema.org/> "
                             "SELECT ?p WHERE { ?p a schema:Person } ORDER BY ?p", JSON, method)
    assert [b["p"]["value"].removeprefix(ID) for b in data["results"]["bindings"]] == [
        "person-allen", "person-sabah", "person-stengel", "person-voronkov"]


def test_ask_through_sparqlwrapper(endpoint):
    assert wrapper(endpoint, f"ASK {{ <{ID}person-allen> ?p ?o }}", JSON)["boolean"] is True
    assert wrapper(endpoint, f"ASK {{ <{ID}nobody> ?p ?o }}", JSON)["boolean"] is False


def test_construct_and_describe_through_sparqlwrapper(endpoint):
    g = wrapper(endpoint, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                          "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }", TURTLE)
    g = Graph().parse(data=g, format="turtle") if isinstance(g, bytes) else g
    expected = {t for t in fixture_graph() if str(t[1]).endswith("rdf-schema#label")}
    assert set(g) == expected
    d = wrapper(endpoint, f"DESCRIBE <{ID}person-sabah>", TURTLE)
    d = Graph().parse(data=d, format="turtle") if isinstance(d, bytes) else d
    assert set(d) == set(fixture_graph().triples((URIRef(ID + "person-sabah"), None, None)))


# ---------------------------------------------------------------- protocol details

def test_post_bodies_and_content_negotiation(endpoint):
    query = "SELECT ?l WHERE { <%sperson-allen> <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l" % ID
    status, headers, body = fetch(endpoint + "/sparql", query.encode(), {
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+xml"})
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+xml"
    assert sorted(str(r[0]) for r in Result.parse(io.StringIO(body), format="xml")) == ["John Allen", "جون آلن"]
    form = urllib.parse.urlencode({"query": query}).encode()
    status, headers, body = fetch(endpoint + "/sparql", form, {
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv") and "جون آلن" in body
    status, headers, body = get(endpoint, query, "text/tab-separated-values")
    assert body.splitlines()[0] == "?l" and '"جون آلن"@ar' in body
    status, headers, body = get(endpoint, f"CONSTRUCT WHERE {{ <{ID}person-allen> ?p ?o }}", "application/n-triples")
    assert headers["Content-Type"] == "application/n-triples" and body.splitlines() == sorted(body.splitlines())


@pytest.mark.parametrize("how", ["update-field", "update-body", "update-as-query-get", "update-as-query-post"])
def test_updates_are_refused_with_403(endpoint, how):
    update = f"INSERT DATA {{ <{ID}x> <{ID}p> <{ID}y> }}"
    if how == "update-field":
        status, _, body = fetch(endpoint + "/sparql", urllib.parse.urlencode({"update": update}).encode(),
                                {"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "update-body":
        status, _, body = fetch(endpoint + "/sparql", update.encode(), {"Content-Type": "application/sparql-update"})
    elif how == "update-as-query-get":
        status, _, body = get(endpoint, "PREFIX id: <%s>\n" % ID + update)
    else:
        status, _, body = fetch(endpoint + "/sparql", update.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 403 and "read-only" in body
    assert wrapper(endpoint, f"ASK {{ <{ID}x> ?p ?o }}", JSON)["boolean"] is False


def test_bad_query_is_400_with_position(endpoint):
    status, _, body = get(endpoint, "SELECT * WHERE {\n  ?s ?p ")
    assert status == 400 and "syntax error: line 2, column" in body
    status, _, body = fetch(endpoint + "/sparql")
    assert status == 400 and "missing query" in body


def test_home_page_escapes_and_lists_named_queries(endpoint):
    status, headers, body = fetch(endpoint + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "who_met_whom" in body and "mentions" in body and 'href="/graph.html"' in body
    assert "PREFIX schema: &lt;https://schema.org/&gt;" in body and "<https://schema.org/>" not in body
    assert "Access-Control-Allow-Origin" not in headers


def test_graph_html_and_named_route(endpoint):
    status, _, body = fetch(endpoint + "/graph.html")
    assert status == 200 and "graph view marker" in body
    status, _, body = fetch(endpoint + "/named/person_roles?" + urllib.parse.urlencode(
        {"person": "فورونكوف", "format": "json"}))
    assert status == 200
    assert [b["role"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["وكيل الأمين العام"]
    assert fetch(endpoint + "/named/nope")[0] == 404 and fetch(endpoint + "/nowhere")[0] == 404


def test_limit_timeout_and_cors_are_configurable(build):
    proc, url = start_server(build, "--limit", "3", "--timeout", "1", "--cors", "https://example.org")
    try:
        status, headers, body = get(url, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 3
        assert headers["X-Result-Truncated"] == "true"
        assert headers["Access-Control-Allow-Origin"] == "https://example.org"
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        started = time.monotonic()
        status, _, body = get(url, slow)
        assert status == 503 and "timed out" in body and time.monotonic() - started < 10
    finally:
        stop_server(proc)


def test_binds_localhost_by_default():
    assert "--host" in subprocess.run([sys.executable, "-m", "graph", "serve", "--help"], cwd=ROOT,
                                      capture_output=True, text=True).stdout
    from graph.commands.sparql import register
    import argparse

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    assert parser.parse_args(["serve"]).host == "127.0.0.1"


def test_negotiate_prefers_highest_quality():
    assert negotiate("text/csv;q=0.2, text/tab-separated-values;q=0.9", "select") == "tsv"
    assert negotiate("application/sparql-results+json", "graph") == "turtle"
    assert negotiate("text/plain", "graph") == "ntriples"
