"""``load``, ``query`` and ``serve``: SPARQL over a build."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graph.errors import QueryError

__all__ = ["register", "answer"]

FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "ntriples")


def register(sub) -> None:
    load = sub.add_parser("load", help="load the build output into a persistent Oxigraph store (<out>/store)")
    load.add_argument("--out", type=Path, default=Path("output"), help="build output directory (default: output)")
    load.set_defaults(func=_load)

    query = sub.add_parser("query", help="run a SPARQL query (text, --file or --name) over the build",
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           epilog="named queries: python -m graph query --list")
    query.add_argument("sparql", nargs="?", help="the query text")
    query.add_argument("--file", type=Path, help="read the query from this .rq file")
    query.add_argument("--name", help="run the named query queries/NAME.rq")
    query.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                       help="parameter of a named query (repeatable)")
    query.add_argument("--list", action="store_true", help="list the named queries and their parameters")
    query.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    query.add_argument("--limit", type=int, default=None, help="stop after this many rows")
    query.add_argument("--out", type=Path, default=Path("output"), help="build output directory (default: output)")
    query.set_defaults(func=_query)

    serve = sub.add_parser("serve", help="read-only SPARQL 1.1 Protocol endpoint over the build")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=7878, help="port (default: 7878)")
    serve.add_argument("--out", type=Path, default=Path("output"), help="build output directory (default: output)")
    serve.add_argument("--timeout", type=float, default=30.0, help="seconds before a query is abandoned (default: 30)")
    serve.add_argument("--limit", type=int, default=10000, help="most rows/triples returned (default: 10000)")
    serve.add_argument("--cors", metavar="ORIGIN", default=None,
                       help="send Access-Control-Allow-Origin: ORIGIN (off by default)")
    serve.set_defaults(func=_serve)


def answer(sparql: str | None, file: Path | None, name: str | None, params: list[str],
           fmt: str, out_dir: Path, limit: int | None) -> str:
    """The formatted answer to one query given on the command line."""
    from graph.query import parse_assignments, run_named_query, run_query
    from graph.results import format_result

    given = [x for x in (sparql, file, name) if x]
    if len(given) != 1:
        raise QueryError("give exactly one of: the query text, --file FILE, --name NAME")
    if params and not name:
        raise QueryError("--param only applies to --name")
    if name:
        result = run_named_query(name, parse_assignments(params), out_dir, limit=limit)
    else:
        result = run_query(_read(file) if file else sparql, out_dir, limit=limit)
    if result.kind == "graph" and fmt in ("csv", "tsv", "json", "xml"):
        raise QueryError(f"--format {fmt} is for SELECT/ASK; use turtle, ntriples or table")
    if result.kind != "graph" and fmt in ("turtle", "ntriples"):
        raise QueryError(f"--format {fmt} is for CONSTRUCT/DESCRIBE; use table, csv, tsv, json or xml")
    return format_result(result, fmt)


def _read(file: Path) -> str:
    try:
        return Path(file).read_text(encoding="utf-8")
    except OSError as error:
        raise QueryError(f"{file}: {error.strerror}") from None


def _list_named() -> str:
    from graph.query import load_named_queries

    lines = []
    for q in load_named_queries().values():
        lines.append(q.name)
        lines += [f"    {line}" for line in q.summary.splitlines()]
        for p in q.parameters:
            default = "" if p.default is None else f", default {p.default!r}"
            lines.append(f"    --param {p.name}=… ({p.kind}{default}): {p.description}")
    return "\n".join(lines)


def _load(args) -> int:
    from graph.store import load_store

    path = load_store(args.out)
    print(f"loaded {args.out} into {path}")
    return 0


def _query(args) -> int:
    text = _list_named() if args.list else answer(
        args.sparql, args.file, args.name, args.param, args.format, args.out, args.limit)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _serve(args) -> int:
    from graph.serve import serve

    serve(args.out, host=args.host, port=args.port, timeout=args.timeout, limit=args.limit, cors=args.cors)
    return 0
