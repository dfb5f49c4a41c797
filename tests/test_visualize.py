"""graph.visualize: self-contained, escaped, deterministic HTML pages."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from html import unescape
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from graph.analyze import analyze_graph, load_rdf, node_info
from graph.cli import main
from graph.details import Details
from graph.text import normalize_text
from graph.visualize import json_for_script, page_data, render_html, render_view
from graph.vocab import ANKG, ID, SCHEMA

FIXTURE = Path(__file__).parent / "data" / "network_fixture.ttl"
ROOT = Path(__file__).resolve().parent.parent
HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
HOSTILE_ALIAS = '"><script>window.pwned=1</script>'


def hostile_graph() -> Graph:
    """The fixture plus a person whose names are HTML and a script."""
    g = load_rdf(FIXTURE)
    person, event = URIRef(ID["person-hostile"]), URIRef(ID["event/meeting1"])
    g.add((person, RDF.type, ANKG.Person))
    g.add((person, RDF.type, SCHEMA.Person))
    g.add((person, RDFS.label, Literal(HOSTILE_LABEL, lang="ar")))
    g.add((person, SKOS.altLabel, Literal(HOSTILE_ALIAS, lang="ar")))
    g.add((event, ANKG.attendee, person))
    g.add((event, SCHEMA.participant, person))
    return g


def page_json(html: str) -> dict:
    match = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def g() -> Graph:
    return load_rdf(FIXTURE)


@pytest.fixture(scope="module")
def pages(g, tmp_path_factory):
    out = tmp_path_factory.mktemp("pages")
    return render_html(g, analyze_graph(g), out)


def test_one_page_per_view_plus_graph_html(pages):
    assert [p.name for p in pages] == ["graph.html", "view-entity_event.html", "view-coparticipation.html",
                                       "view-membership.html", "view-comention.html"]
    assert pages[0].read_bytes() == pages[1].read_bytes()


def test_pages_are_self_contained(pages):
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert '<meta charset="utf-8">' in html
        assert not re.search(r"<(script|link|img|iframe|source|embed|object)\b[^>]*\s(src|href|data)\s*=", html, re.I)
        assert "sourceMappingURL" not in html
        assert "connect-src 'none'" in html                       # the CSP forbids fetches too
        assert "@license" in html and "vis-network" in html and "Apache 2.0 License" in html   # licence kept


def test_csp_allows_exactly_the_inline_scripts(pages):
    html = pages[0].read_text(encoding="utf-8")
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1))
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_page_data_matches_the_view(g, pages):
    data = page_json(pages[0].read_text(encoding="utf-8"))
    assert data["meta"] | {"top": 300} == {"view": "entity_event", "total_nodes": 10, "total_edges": 12,
                                           "shown_nodes": 10, "shown_edges": 12, "omitted": 0, "top": 300,
                                           "physics": True}
    assert len(data["nodes"]) == 10 and len(data["edges"]) == 12
    node = next(n for n in data["nodes"] if n["id"] == str(ID["person-aboulgheit"]))
    assert (node["label_ar"], node["label_en"], node["qid"], node["kg_group"]) == (
        "أحمد أبو الغيط", "Ahmed Aboul Gheit", "Q294921", "person")
    assert normalize_text("أبو الغيط") in node["search"].split("\n")      # aliases are searchable
    details = data["details"][node["id"]]
    assert details["roles"] == [["الأمين العام", "جامعة الدول العربية", "2024-03-05"]]
    assert ["لقاء أبو الغيط والسيسي", "Meeting · 2024-03-05", "attendee"] in details["events"]
    assert details["sources_total"] == 3
    assert details["sources"][0] == {"headline": "أبو الغيط يلتقي السيسي في القاهرة", "date": "2024-03-05",
                                     "article": "a1", "index": 0,
                                     "text": "استقبل أحمد أبو الغيط الأمين العام لجامعة الدول العربية وفدا في القاهرة."}
    colours = {n["kg_group"]: n["color"] for n in data["nodes"]}
    assert len(set(colours.values())) == 4                               # colour by type
    biggest = max(data["nodes"], key=lambda n: n["size"])
    assert biggest["id"] == max(data["details"], key=lambda i: data["details"][i]["scores"]["pagerank"])


def test_top_keeps_the_most_central_and_says_how_many_were_left_out(g):
    analysis = analyze_graph(g)
    data = page_data(g, analysis, "entity_event", top=3)
    assert data["meta"]["shown_nodes"] == 3 and data["meta"]["omitted"] == 7
    ranked = sorted(analysis.scores["entity_event"], key=lambda r: (-r.pagerank, -r.degree, r.iri))
    assert [n["id"] for n in data["nodes"]] == [r.iri for r in ranked[:3]]
    kept = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in kept and e["to"] in kept for e in data["edges"])
    html = render_view(g, analysis, "entity_event", top=3)
    assert "Showing 3 of 10 nodes (7 left out" in html


def test_hostile_names_are_data_not_markup():
    g = hostile_graph()
    html = render_view(g, analyze_graph(g), "entity_event")
    assert HOSTILE_LABEL not in html and "<script>window.pwned" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    data = page_json(html)
    node = next(n for n in data["nodes"] if n["id"] == str(ID["person-hostile"]))
    assert node["label_ar"] == HOSTILE_LABEL and data["details"][node["id"]]["aliases"] == [HOSTILE_ALIAS]


def test_json_for_script_escapes_everything_that_could_end_the_script():
    text = json_for_script({"a": "</script><!-- & \u2028\u2029"})
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029"}


def test_page_script_never_uses_innerhtml():
    script = (ROOT / "graph" / "assets" / "graph.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script
    assert "textContent" in script and "\\u2068" in script and "\\u2069" in script   # FSI … PDI labels


def test_rendering_is_deterministic(g, tmp_path):
    first = render_view(g, analyze_graph(g), "comention")
    assert render_view(load_rdf(FIXTURE), analyze_graph(load_rdf(FIXTURE)), "comention") == first


def test_pyvis_is_wrapped(g, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    render_html(g, analyze_graph(g), tmp_path / "out")
    assert not (tmp_path / "lib").exists()                 # pyvis' write_html would create lib/
    code = "import sys, graph.visualize; print('pyvis' in sys.modules, 'IPython' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]     # imported lazily, only when rendering


def test_cli_render(tmp_path):
    assert main(["render", "--graph", str(FIXTURE), "--out", str(tmp_path), "--top", "4"]) == 0
    data = page_json((tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert data["meta"]["shown_nodes"] == 4 and data["meta"]["omitted"] == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "graph.html", "view-comention.html", "view-coparticipation.html", "view-entity_event.html",
        "view-membership.html"]


def test_pages_do_not_depend_on_the_hash_seed(tmp_path):
    """``--top`` below half the view makes networkx iterate a set of nodes: string hashes
    differ between processes, and edges must not come out in a different orientation."""
    digests = set()
    for seed in ("1", "2", "3"):
        out = tmp_path / seed
        subprocess.run([sys.executable, "-m", "graph", "render", "--graph", str(FIXTURE), "--out", str(out),
                        "--top", "4"], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}, check=True,
                       capture_output=True)
        digests.add(tuple((out / p.name).read_bytes() for p in sorted(out.iterdir())))
    assert len(digests) == 1


def test_pages_reading_details_once_equal_pages_rendered_alone(g, pages):
    """render_html describes a node shown in several views once; every page is unchanged."""
    analysis = analyze_graph(g)
    details = Details(g, node_info(g))
    for view in analysis.views:
        assert render_view(g, analysis, view, details=details) == render_view(g, analysis, view)
    shown = [set(page_data(g, analysis, view)["details"]) for view in analysis.views]
    assert set(details.described) == set().union(*shown) and len(details.described) < sum(map(len, shown))
    assert (pages[0].parent / "view-comention.html").read_text(encoding="utf-8") == render_view(g, analysis, "comention")


def test_pages_reuse_the_node_info_of_the_analysis(g, pages, tmp_path, monkeypatch):
    import graph.visualize as visualize

    analysis = analyze_graph(g)
    assert analysis.info == node_info(g)
    monkeypatch.setattr(visualize, "node_info", lambda graph: pytest.fail("node_info read twice"))
    again = render_html(g, analysis, tmp_path)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in pages]
