"""Writers for the analysis: centrality.csv, report.md, GEXF/GraphML views.

Everything is written atomically (``graph.serialize``) and in a fixed
order, so a diff of two reports shows what changed in the graph.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import networkx as nx

from graph.analyze import ACTOR_GROUPS, MEASURES, VIEWS, Analysis, NodeScore, analyze_graph, load_index, project_view
from graph.errors import GraphError
from graph.serialize import write_atomic

__all__ = [
    "CSV_COLUMNS", "EXPORT_FORMATS", "MEANING", "write_analysis", "centrality_csv",
    "report_markdown", "export_view", "run_analysis", "run_export",
]

CSV_COLUMNS = ("view", "iri", "label_ar", "label_en", "kind", "group", "qid") + MEASURES
EXPORT_FORMATS = ("gexf", "graphml")
TOP = 5
MEMBERS_SHOWN = 25

MEANING = {
    "degree": "how many distinct nodes it is directly linked to.",
    "weighted_degree": "the sum of its link weights (shared events, memberships or sentences).",
    "betweenness": "how often it lies on the shortest path between two others: a broker or bridge.",
    "closeness": "how few steps it needs, on average, to reach everyone it can reach.",
    "pagerank": "importance earned from links to other important nodes (weighted random walk).",
    "eigenvector": "influence through well-connected neighbours (leading eigenvector).",
    "community": "the densely linked group it belongs to (Louvain, seed 42).",
}
VIEW_TITLES = {
    "entity_event": "Entities and events (participation, location, membership)",
    "coparticipation": "Actor co-participation (shared events)",
    "membership": "Actors and institutions (org:Membership)",
    "comention": "Co-mention (same sentence)",
}
_GEXF_DATE = re.compile(r' lastmodifieddate="[^"]*"')  # keep exports reproducible
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def write_analysis(analysis: Analysis, out_dir: Path) -> list[Path]:
    """Write ``centrality.csv`` and ``report.md`` into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    paths = [out_dir / "centrality.csv", out_dir / "report.md"]
    write_atomic(paths[0], centrality_csv(analysis))
    write_atomic(paths[1], report_markdown(analysis))
    return paths


def centrality_csv(analysis: Analysis) -> str:
    """One row per (view, node): IRI, names, kind, every measure, community.

    >>> centrality_csv(analyze_graph(__import__("rdflib").Graph())).strip() == ",".join(CSV_COLUMNS)
    True
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in analysis.rows():
        writer.writerow([getattr(row, column) for column in CSV_COLUMNS])
    return buffer.getvalue()


def report_markdown(analysis: Analysis) -> str:
    """Top actors and institutions per measure, communities, and what each measure means."""
    lines = ["# Network analysis", "", "## What the measures mean", ""]
    lines += [f"- **{name}**: {text}" for name, text in MEANING.items()]
    lines += ["", "Betweenness and closeness count steps and ignore weights; PageRank, "
              "eigenvector and Louvain use weights. Values are rounded to 6 decimals."]
    lines += [f"- Note: {_md(note)}" for note in analysis.notes]
    for view in analysis.scores:
        lines += _view_section(view, analysis.views[view], analysis.scores[view])
    return "\n".join(lines).rstrip() + "\n"


def export_view(analysis_or_graph, view: str, fmt: str, out_dir: Path) -> Path:
    """Write one view as ``<out_dir>/<view>.<fmt>`` (GEXF or GraphML) with scores as attributes."""
    if fmt not in EXPORT_FORMATS:
        raise GraphError(f"unknown format {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    if view not in VIEWS:
        raise GraphError(f"unknown view {view!r}; choose from {', '.join(VIEWS)}")
    analysis = analysis_or_graph if isinstance(analysis_or_graph, Analysis) else None
    G = analysis.views[view].copy() if analysis else project_view(analysis_or_graph, view)
    for row in (analysis.scores[view] if analysis else ()):
        G.nodes[row.iri].update({m: getattr(row, m) for m in MEASURES})
    for iri, data in G.nodes(data=True):
        data["label"] = data["label_ar"] or data["label_en"] or iri
    path = Path(out_dir) / f"{view}.{fmt}"
    lines = nx.generate_gexf(G) if fmt == "gexf" else nx.generate_graphml(G)
    text = _GEXF_DATE.sub("", "\n".join(lines)) + "\n"
    if not text.startswith("<?xml"):
        text = "<?xml version='1.0' encoding='utf-8'?>\n" + text
    write_atomic(path, text)
    return path


def run_analysis(graph_path: Path, out_dir: Path) -> list[Path]:
    """Re-run the analysis from a serialised graph (``python -m graph analyze``)."""
    return write_analysis(analyze_graph(load_index(graph_path)), out_dir)


def run_export(graph_path: Path, view: str, fmt: str, out_dir: Path) -> Path:
    """Export one scored view from a serialised graph (``python -m graph export``)."""
    if view not in VIEWS:
        raise GraphError(f"unknown view {view!r}; choose from {', '.join(VIEWS)}")
    return export_view(analyze_graph(load_index(graph_path)), view, fmt, out_dir)


# ---------------------------------------------------------------- helpers

def _view_section(view: str, G: nx.Graph, rows: tuple[NodeScore, ...]) -> list[str]:
    lines = ["", f"## {VIEW_TITLES.get(view, view)} — `{view}`", "",
             f"{G.number_of_nodes()} nodes, {G.number_of_edges()} edges."]
    for group, title in (("person", "Top actors (persons)"), ("institution", "Top institutions")):
        members = [r for r in rows if r.group == group]
        if not members:
            continue
        lines += ["", f"### {title}", ""]
        for measure in MEASURES[:-1]:
            ranked = sorted(members, key=lambda r: (-getattr(r, measure), r.iri))[:TOP]
            ranking = "; ".join(f"{i}. {_name(r)} {getattr(r, measure):g}" for i, r in enumerate(ranked, 1))
            lines.append(f"- **{measure}** ({MEANING[measure].rstrip('.')}): {ranking}")
    return lines + _communities_section(rows)


def _communities_section(rows: tuple[NodeScore, ...]) -> list[str]:
    communities: dict[int, list[NodeScore]] = {}
    for row in rows:
        communities.setdefault(row.community, []).append(row)
    lines = ["", "### Communities", "", f"_{MEANING['community']}_", ""]
    for number, members in sorted(communities.items()):
        if len(members) < 2:
            continue
        members.sort(key=lambda r: (-r.pagerank, r.iri))
        names = [_name(r) for r in members[:MEMBERS_SHOWN]]
        more = f" … and {len(members) - MEMBERS_SHOWN} more" if len(members) > MEMBERS_SHOWN else ""
        actors = sum(r.group in ACTOR_GROUPS for r in members)
        lines.append(f"- Community {number} ({len(members)} members, {actors} actors): "
                     + "; ".join(names) + more)
    singletons = sum(1 for m in communities.values() if len(m) == 1)
    if singletons:
        lines.append(f"- {singletons} isolated nodes form communities of one.")
    return lines


def _name(row: NodeScore) -> str:
    if row.label_ar and row.label_en:
        return f"{_md(row.label_ar)} ({_md(row.label_en)})"
    return _md(row.label_ar or row.label_en or row.iri)


def _md(text: str) -> str:
    """Escape article text for Markdown: no HTML, links or table breaks from data.

    >>> _md("<b>a|b</b>")
    '&lt;b&gt;a\\\\|b&lt;/b&gt;'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))
