"""``python -m graph <command>``: thin subcommands over the library.

Each module in :mod:`graph.commands` registers its subcommands; a command
parses arguments, calls one library function, and turns a known error into
one ``Error: …`` line and exit status 1.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from graph.errors import GraphError

__all__ = ["main", "make_parser", "COMMAND_MODULES"]

COMMAND_MODULES = ("build", "ner", "sparql", "network", "scale")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m graph",
        description="Build and question a knowledge graph of Arabic news.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"graph.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"graph.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GraphError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
