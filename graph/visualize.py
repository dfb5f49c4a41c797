"""Self-contained HTML pages of the network views (pyvis, wrapped).

pyvis is imported here only and used for what it is good at, turning
nodes and edges into vis-network option dicts. Its leaky parts are
avoided (STYLE.md habit 11): it imports IPython (so it is imported inside
a function), writes ``lib/`` into the working directory and pulls assets
from CDNs (so we render our own template, with vis-network inlined from
the pyvis package, licence header kept), and mutates graphs given to
``from_nx`` (so we add nodes ourselves). Article text reaches the page
only as JSON inside ``<script type="application/json">`` with ``<``, ``>``,
``&``, U+2028 and U+2029 escaped; the page script builds every text node
with ``textContent``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from functools import lru_cache
from pathlib import Path

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import Graph

from graph.analyze import Analysis, NodeScore, analyze_graph, load_index, node_info
from graph.details import Details, class_labels
from graph.serialize import write_atomic
from graph.text import normalize_text

__all__ = ["render_html", "page_files", "render_view", "page_data", "run_render", "json_for_script", "GROUP_COLORS", "DEFAULT_TOP"]

DEFAULT_TOP = 300
PHYSICS_LIMIT = 1000
GROUP_COLORS = {"person": "#4e79a7", "institution": "#f28e2b", "place": "#59a14f", "event": "#e15759"}
_GROUP_CLASS = {"person": "Person", "institution": "Institution", "place": "Place", "event": "Event"}
_HERE = Path(__file__).resolve().parent
_SOURCE_MAP = re.compile(r"(//|/\*)# sourceMappingURL=[^\s*]*(\s*\*/)?")
_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def render_html(g: Graph, analysis: Analysis, out_dir: Path, top: int = DEFAULT_TOP) -> list[Path]:
    """Write ``graph.html`` (the entity–event view) and ``view-<name>.html``
    for every view into ``out_dir``; return the paths written."""
    out_dir = Path(out_dir)
    details = _details(g, analysis)
    paths = []
    for view in analysis.views:
        html = render_view(g, analysis, view, top, details)
        for name in page_files(view):
            write_atomic(out_dir / name, html)
            paths.append(out_dir / name)
    return paths


def page_files(view: str) -> list[str]:
    """The files a view's page is written to (the entity–event view's is also ``graph.html``).

    >>> page_files("entity_event"), page_files("comention")
    (['graph.html', 'view-entity_event.html'], ['view-comention.html'])
    """
    return (["graph.html"] if view == "entity_event" else []) + [f"view-{view}.html"]


def render_view(g: Graph, analysis: Analysis, view: str, top: int = DEFAULT_TOP, details: Details | None = None) -> str:
    """One view as a self-contained HTML page (a string)."""
    data = page_data(g, analysis, view, top, details)
    template = _environment().get_template("graph.html.j2")
    vis_js, page_js = _asset_text(_vis_dir() / "vis-network.min.js"), _asset_text(_HERE / "assets" / "graph.js")
    return template.render(
        data_json=json_for_script(data), meta=data["meta"], groups=data["groups"], vis_js=vis_js, page_js=page_js,
        vis_css=_asset_text(_vis_dir() / "vis-network.css"), page_css=_asset_text(_HERE / "assets" / "graph.css"),
        script_sources=" ".join(_csp_hash(text) for text in (vis_js, page_js)),
    )


def page_data(g: Graph, analysis: Analysis, view: str, top: int = DEFAULT_TOP, details: Details | None = None) -> dict:
    """Everything the page script needs: nodes, edges, details, legend, counts.

    Only the ``top`` nodes by PageRank (ties: degree, IRI) are kept; the
    layout is computed once with ``spring_layout(seed=42)``. ``details``
    (of ``g``) keeps node details between the pages of one graph: the most
    central nodes are in every view, and their details are read once.
    """
    details = _details(g, analysis) if details is None else details
    G = analysis.views[view]
    rows = sorted(analysis.scores[view], key=lambda r: (-r.pagerank, -r.degree, r.iri))
    kept = rows[:max(top, 0)]
    H = G.subgraph(r.iri for r in kept)
    shown = {r.iri: {**details(r.iri), "scores": _scores(r)} for r in kept}
    nodes, edges = _vis_elements(H, kept, _layout(H), shown)
    labels = class_labels()
    groups = [{"id": group, "color": color, "count": sum(r.group == group for r in kept),
               "label_ar": labels.get(_GROUP_CLASS[group], ("", ""))[0] or group,
               "label_en": labels.get(_GROUP_CLASS[group], ("", ""))[1] or group}
              for group, color in GROUP_COLORS.items()]
    meta = {"view": view, "total_nodes": G.number_of_nodes(), "total_edges": G.number_of_edges(),
            "shown_nodes": len(kept), "shown_edges": len(edges), "omitted": len(rows) - len(kept),
            "top": top, "physics": len(kept) <= PHYSICS_LIMIT}
    kinds = {k: {"ar": ar, "en": en} for k, (ar, en) in labels.items()}
    return {"meta": meta, "nodes": nodes, "edges": edges, "details": shown, "groups": groups, "kinds": kinds}


def json_for_script(data) -> str:
    """JSON safe to place inside ``<script type="application/json">``.

    >>> json_for_script({"t": "</script><b>&\\u2028"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, allow_nan=False)
    for char, escape in _ESCAPES:  # str.translate looks every character of the Arabic text up in a dict
        text = text.replace(char, escape)
    return text


def _details(g: Graph, analysis: Analysis) -> Details:
    """Node details of ``g`` from the node information its analysis read (read again only if it has none)."""
    return Details(g, analysis.info or node_info(g))


def run_render(graph_path: Path, out_dir: Path, top: int = DEFAULT_TOP) -> list[Path]:
    """Re-render every page from a serialised graph (``python -m graph render``)."""
    g = load_index(graph_path)
    return render_html(g, analyze_graph(g), out_dir, top)


# ---------------------------------------------------------------- helpers

def _vis_elements(H: nx.Graph, kept: list[NodeScore], positions: dict, details: dict) -> tuple[list, list]:
    """vis-network node and edge dicts, built with pyvis' Network."""
    from pyvis.network import Network  # here only: pyvis imports IPython

    # directed=True skips pyvis' quadratic duplicate-edge scan; nx edges are unique, and each is
    # written from its smaller IRI: a subgraph view may iterate its nodes in hash order
    net = Network(directed=True)
    peak = max((r.pagerank for r in kept), default=0.0) or 1.0
    for r in kept:
        x, y = positions.get(r.iri, (0.0, 0.0))
        net.add_node(r.iri, label=r.label_ar or r.label_en or r.iri, color=GROUP_COLORS.get(r.group, "#999999"),
                     x=x, y=y, size=round(10 + 30 * math.sqrt(r.pagerank / peak), 2),
                     label_ar=r.label_ar, label_en=r.label_en, kind=r.kind, kg_group=r.group, qid=r.qid,
                     search=_search_key([r.label_ar, r.label_en, *details[r.iri]["aliases"]]))
    for a, b, data in sorted((min(a, b), max(a, b), data) for a, b, data in H.edges(data=True)):
        net.add_edge(a, b, value=data.get("weight", 1), relation=data.get("relation", ""))
    edges = [{k: v for k, v in e.items() if k != "arrows"} for e in net.edges]
    return [dict(n) for n in net.nodes], edges


def _search_key(names: list[str]) -> str:
    """Normalised names, one a line, matched by the page's search box."""
    return "\n".join(sorted({normalize_text(n) for n in names if n}))


def _layout(H: nx.Graph) -> dict[str, tuple[float, float]]:
    if H.number_of_nodes() == 0:
        return {}
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(H))
    ordered.add_edges_from(sorted((a, b, {"weight": d.get("weight", 1)}) for a, b, d in H.edges(data=True)))
    positions = nx.spring_layout(ordered, seed=42, weight="weight")
    scale = 50 * math.sqrt(H.number_of_nodes()) + 100
    return {n: (round(float(x) * scale, 2), round(float(y) * scale, 2)) for n, (x, y) in positions.items()}


def _scores(r: NodeScore) -> dict:
    return {"degree": r.degree, "weighted_degree": r.weighted_degree, "betweenness": r.betweenness,
            "closeness": r.closeness, "pagerank": r.pagerank, "eigenvector": r.eigenvector,
            "community": r.community}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=select_autoescape(["html", "j2"]),
                       keep_trailing_newline=True)


def _csp_hash(script: str) -> str:
    """Content-Security-Policy source allowing exactly this inline script and no other."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _vis_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    return Path(spec.origin).parent / "templates" / "lib" / "vis-9.1.2"


@lru_cache(maxsize=8)
def _asset_text(path: Path) -> str:
    """An asset to inline; source-map comments dropped (the page makes no requests)."""
    text = path.read_text(encoding="utf-8")
    text = _SOURCE_MAP.sub("", text)
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{path}: cannot be inlined (contains a closing script/style tag)")
    return text
