"""``build`` and ``stats``: build the graph from articles, count what a graph holds."""

from __future__ import annotations

import argparse
from pathlib import Path

from graph.errors import GraphError

__all__ = ["register", "format_report"]

DEFAULT_SOURCES = ["seeds"]
EXIT_SKIPPED = 3
SKIPPED_SHOWN = 20


def register(sub: argparse._SubParsersAction) -> None:
    build = sub.add_parser("build", help="build the knowledge graph from articles")
    build.add_argument("paths", nargs="*", default=DEFAULT_SOURCES,
                       help="files, folders or globs of .txt / .jsonl articles (default: seeds/)")
    build.add_argument("--out", default="output", help="output folder (default: output/)")
    build.add_argument("--format", dest="formats", action="append",
                       help="RDF serialisation to write (repeatable; default: turtle and trig)")
    build.add_argument("--ner", default="neural", choices=["neural", "crf", "camel-bert", "none"],
                       help="statistical recogniser added to gazetteer and patterns (default: neural)")
    build.add_argument("--jobs", type=int, default=1, help="extraction processes (default: 1)")
    build.add_argument("--top", type=int, default=300, help="nodes drawn in the HTML (default: 300)")
    build.add_argument("--no-html", action="store_true", help="skip the HTML pages")
    build.add_argument("--store", action="store_true", help="also load the Oxigraph store in OUT/store")
    build.add_argument("--engine", default="local", choices=["local", "dask"], help="where extraction runs")
    build.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://HOST:8786 (with --engine dask)")
    build.add_argument("--cache", help="extraction cache folder: unchanged articles are not processed again")
    build.set_defaults(func=run_build)
    stats = sub.add_parser("stats", help="count entities, events, roles and triples in a built graph")
    stats.add_argument("--out", default="output", help="output folder of a build (default: output/)")
    stats.set_defaults(func=run_stats)


def run_build(args: argparse.Namespace) -> int:
    from graph.pipeline import DEFAULT_FORMATS, build_corpus
    from graph.recognize import chain_with

    report = build_corpus(args.paths, args.out, formats=tuple(args.formats or DEFAULT_FORMATS), chain=chain_with(args.ner),
                          jobs=args.jobs, html=not args.no_html, top=args.top, store=args.store,
                          engine=args.engine, scheduler=args.scheduler, cache=args.cache)
    print(format_report(report))
    return EXIT_SKIPPED if report.skipped else 0


def run_stats(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from graph.stats import graph_stats

    path = Path(args.out) / "graph.ttl"
    if not path.exists():
        raise GraphError(f"{path}: no graph here; run `python build.py` first")
    for name, count in graph_stats(Graph().parse(path)).items():
        print(f"{name:<24}{count:>8}")
    return 0


def format_report(report) -> str:
    """The build summary: read, skipped (the first few with reasons, all of them in ``skipped.tsv``),
    found, written, most central."""
    lines = [f"Articles read: {report.articles}   skipped: {len(report.skipped)}"]
    lines += [f"  skipped {s.source}: {s.reason}" for s in report.skipped[:SKIPPED_SHOWN]]
    if len(report.skipped) > SKIPPED_SHOWN:
        from graph.pipeline import SKIPPED_FILE

        listed = next((str(p) for p in report.outputs if p.name == SKIPPED_FILE), SKIPPED_FILE)
        lines.append(f"  … and {len(report.skipped) - SKIPPED_SHOWN} more: every one with its reason in {listed}")
    lines.append("Entities: " + ", ".join(f"{k} {v}" for k, v in report.entities_by_kind.items()))
    lines.append(f"Events: {report.events}   Roles: {report.roles}   Triples: {report.triples}")
    if report.top_actors:
        lines.append("Most central actors:")
        lines += [f"  {i}. {ar} ({en or '-'})  {score:.3f}" for i, (_, ar, en, score) in enumerate(report.top_actors, 1)]
    lines.append("Wrote: " + ", ".join(str(p) for p in report.outputs))
    return "\n".join(lines)
