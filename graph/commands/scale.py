"""``make-corpus`` and ``merge-partitions``: tools for builds at scale."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the scale subcommands to the CLI's subparsers."""
    make = sub.add_parser("make-corpus", help="write N synthetic articles (real seed and ANERCorp sentences)")
    make.add_argument("n", type=int, metavar="N", help="number of articles")
    make.add_argument("out", metavar="DIR", help="folder to write them to")
    make.add_argument("--seed", type=int, default=0, help="random seed (default 0); same seed, same corpus")
    make.add_argument("--jsonl", action="store_true", help="write JSON Lines shards of 1,000 articles")
    make.set_defaults(func=_make_corpus)
    merge = sub.add_parser("merge-partitions", help="join the per-partition N-Quads of a Dask build into one file")
    merge.add_argument("partitions", metavar="DIR", help="partition folder of a Dask build")
    merge.add_argument("out", metavar="FILE", help="N-Quads file to write")
    merge.set_defaults(func=_merge_partitions)


def _make_corpus(args: argparse.Namespace) -> int:
    from graph.synthetic import make_corpus

    paths = make_corpus(args.n, args.out, seed=args.seed, jsonl=args.jsonl)
    print(f"Wrote {args.n} articles in {len(paths)} files to {args.out}")
    return 0


def _merge_partitions(args: argparse.Namespace) -> int:
    from pathlib import Path

    from graph.distributed import merge_partitions
    from graph.errors import GraphError

    if not any(Path(args.partitions).glob("part-*.nq")):
        raise GraphError(f"{args.partitions}: no part-*.nq files; run a build with --engine dask first")
    print(f"Wrote {merge_partitions(args.partitions, args.out)}")
    return 0
