"""How near to linear can N processes get here? ``python bench/bench_cores.py [--jobs 2] [--articles 150]``.

Runs each workload in one process, then the same workload in ``jobs``
processes at once (started together behind a barrier, models loaded
before it), and reports ``jobs × alone / together``: the speed-up that
``--jobs`` could reach on this machine if nothing at all were serial.

* ``python``   an integer loop in the interpreter: no memory traffic, the cores' own ceiling;
* ``extract``  ``extract_article`` (default recognisers) over the first ``--articles``
               articles of a synthetic corpus: what build workers do, sharing caches and memory.

Not a test: numbers depend on the machine and its load; repeat with ``--rounds``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from itertools import islice
from pathlib import Path

from bench_build import corpus_articles, synthetic_corpus  # bench/ is on the path when a script of it runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--articles", type=int, default=150, help="articles each extracting process reads")
    parser.add_argument("--loop", type=int, default=30_000_000, help="iterations of the interpreter loop")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", default="/tmp/ankg-bench", help="scratch folder for the corpus")
    args = parser.parse_args()
    corpus = synthetic_corpus(Path(args.work), args.articles)
    for _ in range(args.rounds):
        for workload in WORKLOADS:
            alone = run_together(workload, corpus, args, 1)
            together = run_together(workload, corpus, args, args.jobs)
            print(json.dumps({"workload": workload, "jobs": args.jobs, "alone_s": round(alone, 3),
                              "together_s": round(together, 3),
                              "ceiling": round(args.jobs * alone / together, 2)}), flush=True)
    return 0


def python_loop(corpus: Path, args):
    """The work, and what to do before the clock starts (nothing)."""
    def work():
        total = 0
        for i in range(args.loop):
            total += i * i % 7
        return total
    return work


def extract(corpus: Path, args):
    from graph.pipeline import extract_article

    texts = list(islice(corpus_articles(corpus), args.articles))
    extract_article(texts[0])  # models and lexicons loaded before the clock starts
    return lambda: [extract_article(article) for article in texts]


WORKLOADS = {"python": python_loop, "extract": extract}


def _worker(workload: str, corpus: Path, args, barrier, results) -> None:
    work = WORKLOADS[workload](corpus, args)
    barrier.wait()
    start = time.perf_counter()
    work()
    results.put(time.perf_counter() - start)


def run_together(workload: str, corpus: Path, args, jobs: int) -> float:
    """Seconds until the last of ``jobs`` processes doing the same work (a key of :data:`WORKLOADS`,
    ``args`` as this script's options) is done."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(jobs), context.Queue()
    processes = [context.Process(target=_worker, args=(workload, corpus, args, barrier, results))
                 for _ in range(jobs)]
    for process in processes:
        process.start()
    times = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return max(times)


if __name__ == "__main__":
    sys.exit(main())
