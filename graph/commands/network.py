"""``analyze``, ``render`` and ``export``: network stages re-run from a built graph.

Each reads ``output/graph.ttl`` (or ``--graph PATH``: Turtle, N-Triples,
TriG or N-Quads) and writes into ``--out DIR`` (default ``output``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]

DEFAULT_GRAPH = Path("output") / "graph.ttl"
DEFAULT_OUT = Path("output")


def register(sub) -> None:
    """Add the network subcommands to the CLI's subparsers."""
    from graph.analyze import VIEWS
    from graph.report import EXPORT_FORMATS
    from graph.visualize import DEFAULT_TOP

    analyze = sub.add_parser("analyze", help="re-run the network analysis: centrality.csv, report.md")
    _common(analyze)
    analyze.set_defaults(func=_analyze)

    render = sub.add_parser("render", help="re-render the HTML pages (graph.html, view-<name>.html)")
    _common(render)
    render.add_argument("--top", type=_positive, default=DEFAULT_TOP, metavar="N",
                        help=f"show the N most central nodes per view (default {DEFAULT_TOP})")
    render.set_defaults(func=_render)

    export = sub.add_parser("export", help="export one network view as GEXF or GraphML")
    _common(export)
    export.add_argument("--view", required=True, choices=list(VIEWS), help="which view to export")
    export.add_argument("--format", default="gexf", choices=list(EXPORT_FORMATS), help="file format (default gexf)")
    export.set_defaults(func=_export)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--graph", type=Path, default=DEFAULT_GRAPH, metavar="PATH",
                        help=f"the built graph to read (default {DEFAULT_GRAPH})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=f"where to write (default {DEFAULT_OUT})")


def _analyze(args) -> int:
    from graph.report import run_analysis

    for path in run_analysis(args.graph, args.out):
        print(path)
    return 0


def _render(args) -> int:
    from graph.visualize import run_render

    for path in run_render(args.graph, args.out, args.top):
        print(path)
    return 0


def _export(args) -> int:
    from graph.report import run_export

    print(run_export(args.graph, args.view, args.format, args.out))
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text}")
    return value
