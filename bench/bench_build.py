"""Throughput of the build: ``python bench/bench_build.py [--sizes 1000 10000] [--jobs 1 2]``.

For each corpus size it writes a synthetic corpus (``graph.synthetic``) and
measures, each in a fresh subprocess so that peak memory is its own:

* ``floor``       reading the files, ``normalize_text`` and camel-tools
                  ``simple_word_tokenize``: the least any Arabic pipeline does;
* ``tagger``      reading (``ingest``), the pipeline's text analysis and the default
                  statistical recogniser (``--ner``) over each article's sentences, a
                  batch of articles at a time as extraction reads them: the
                  floor that any pipeline with this tagger has, which the README
                  proposes as a restated target;
* ``extract``     ingest + extraction (``graph.scale.map_extractions``) as the build runs it
                  (workers drop tokens before sending results back), results dropped;
* ``build``       the whole ``build_corpus`` (Turtle, TriG, analysis, HTML), with stage times;
* ``incremental`` extraction over the corpus plus one new article with a warm cache;
* ``ceiling``     ``bench/bench_cores.py``'s extraction workload in one process, then in as many
                  as the largest ``--jobs`` at once: how near linear the machine allows, then.

Prints one JSON line per measurement and a Markdown table at the end, then one row per
round of builds between two floors (``--kinds floor build floor build floor`` makes two rounds):
each build against the floors that bracket it, the speed-up on ``--jobs 2`` within the round
and the ``ceiling`` measured in it, if one was.
Not a test: numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--kinds", nargs="+", default=["floor", "tagger", "extract", "build", "incremental"])
    parser.add_argument("--skip", nargs="*", default=[], metavar="N:KIND",
                        help="measurements to leave out, e.g. 10000:incremental")
    parser.add_argument("--work", default="/tmp/ankg-bench", help="scratch folder for corpora and outputs")
    parser.add_argument("--ner", default="neural", choices=["neural", "crf", "none"],
                        help="statistical recogniser after gazetteer and patterns (default: neural, as the build)")
    parser.add_argument("--json", help="also append the results to this JSON Lines file")
    parser.add_argument("--memory-gb", type=float, default=None,
                        help="address-space cap for each measurement: it fails cleanly instead of swapping")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    global NER
    NER = args.ner
    if args.measure:
        from graph.pipeline import fewer_collections

        family = FamilyMemory()
        family.start()
        with fewer_collections():  # every measure runs the garbage collector as rarely as a build does
            result = MEASURES[args.measure](Path(args.corpus), Path(args.out), args.jobs[0])
        family.stop()
        result.update(kind=args.measure, jobs=args.jobs[0], ner=NER, peak_rss_mb=_peak_rss_mb(),
                      family_peak_mb=family.peak_mb, blas=blas_kernels(),
                      memory_sampling_s=round(family.walk_seconds, 1))
        print(json.dumps(result))
        return 0
    return drive(args)


def blas_kernels() -> str:
    """The kernels numpy's (and scipy's) OpenBLAS run in this process: some machines pin them
    with ``OPENBLAS_CORETYPE`` (README, *Measured*), which slows the tagger."""
    import importlib

    from threadpoolctl import threadpool_info

    importlib.import_module("numpy")  # loads its OpenBLAS, if nothing had

    return ",".join(sorted({str(i.get("architecture")) for i in threadpool_info() if i["user_api"] == "blas"}))


def drive(args) -> int:
    work = Path(args.work)
    if "OPENBLAS_CORETYPE" in os.environ:
        print(f"note: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} pins OpenBLAS's kernels; to measure "
              "what numpy would choose, unset it and OPENBLAS_L2_SIZE for this command (README, Measured)",
              file=sys.stderr)
    results = []
    for size in args.sizes:
        corpus = synthetic_corpus(work, size)
        for kind in [k for k in args.kinds if f"{size}:{k}" not in args.skip]:
            for jobs in _jobs_of(kind, args.jobs):
                out = work / f"out-{size}-{kind}-{jobs}" if NER == "neural" else work / f"out-{size}-{kind}-{jobs}-{NER}"
                shutil.rmtree(out, ignore_errors=True)
                command = [sys.executable, __file__, "--measure", kind, "--corpus", str(corpus),
                           "--out", str(out), "--jobs", str(jobs), "--ner", NER]
                done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                                      preexec_fn=_memory_cap(args.memory_gb))
                if done.returncode:
                    print(f"{kind} {size} jobs={jobs} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
                    continue
                result = json.loads(done.stdout.strip().splitlines()[-1])
                result.update(articles_in=size)
                results.append(result)
                print(json.dumps(result), flush=True)
                if args.json:
                    with open(args.json, "a", encoding="utf-8") as handle:
                        handle.write(json.dumps(result) + "\n")
    print(table(results))
    print(rounds(results))
    return 0


def _jobs_of(kind: str, jobs: list[int]) -> list[int]:
    """The ``--jobs`` a kind of measure runs with: each, the largest, or one process."""
    return jobs if kind in ("extract", "build") else [max(jobs)] if kind == "ceiling" else [1]


def synthetic_corpus(work: Path, size: int) -> Path:
    """``work/corpus-SIZE``: ``size`` synthetic articles, written unless already there."""
    from graph.synthetic import make_corpus

    corpus = work / f"corpus-{size}"
    if not (corpus / f"synth-{size - 1:06d}.txt").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        make_corpus(size, corpus)
    return corpus


def measure_floor(corpus: Path, out: Path, jobs: int) -> dict:
    from camel_tools.tokenizers.word import simple_word_tokenize

    from graph.text import normalize_text

    start = time.perf_counter()
    articles = tokens = 0
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        tokens += len(simple_word_tokenize(normalize_text(text)))
        articles += 1
    return _rates(articles, tokens, time.perf_counter() - start)


def measure_tagger(corpus: Path, out: Path, jobs: int) -> dict:
    from graph.recognize import get_recognizer
    from graph.records import Article
    from graph.scale import article_batches
    from graph.text import analyze_text

    recognizer = get_recognizer(NER) if NER != "none" else None
    if recognizer:  # load the word lists, gazetteer and lexicons: not tagging
        recognizer(analyze_text(Article("warm-up", "قال وزير الخارجية في بغداد.")))
    many = getattr(recognizer, "recognize_many", None) or (lambda documents: [recognizer(d) for d in documents])
    start = time.perf_counter()
    articles = tokens = mentions = 0
    for batch in article_batches(corpus_articles(corpus)):
        documents = [analyze_text(article) for article in batch]
        mentions += sum(map(len, many(documents))) if recognizer else 0
        tokens += sum(len(document.tokens) for document in documents)
        articles += len(documents)
    return {**_rates(articles, tokens, time.perf_counter() - start), "mentions": mentions}


def measure_extract(corpus: Path, out: Path, jobs: int) -> dict:
    from graph.records import Extraction
    from graph.scale import map_extractions

    start = time.perf_counter()
    articles = tokens = mentions = failed = 0
    for _, result in map_extractions(corpus_articles(corpus), recognizer_chain(), jobs=jobs, compact=True):
        if isinstance(result, Extraction):
            articles += 1
            tokens += result.token_count
            mentions += len(result.mentions)
        else:
            failed += 1
    return {**_rates(articles, tokens, time.perf_counter() - start), "mentions": mentions, "failed": failed}


def measure_build(corpus: Path, out: Path, jobs: int) -> dict:
    from functools import cached_property

    import graph.analyze
    import graph.pipeline
    import graph.visualize
    from graph.pipeline import build_corpus
    from graph.serialize import RdfExport

    stages: dict[str, float] = {}
    graph.pipeline.extract_all = _timed(stages, "extract", graph.pipeline.extract_all)
    graph.pipeline.resolve_all = _timed(stages, "resolve", graph.pipeline.resolve_all)
    RdfExport._union = cached_property(_timed(stages, "statements", RdfExport._union.func))
    RdfExport._union.__set_name__(RdfExport, "_union")
    RdfExport.index_without = _timed(stages, "analysis graph", RdfExport.index_without)
    graph.analyze.analyze_graph = _timed(stages, "analyze", graph.analyze.analyze_graph)
    within: dict[str, float] = {}  # the pages are drawn within analysis, where their views are scored
    graph.visualize.render_html = _timed(within, "pages here (within analyze)", graph.visualize.render_html)
    start = time.perf_counter()
    report = build_corpus([corpus], out, jobs=jobs, chain=recognizer_chain())
    seconds = time.perf_counter() - start
    stages["write+other"] = seconds - sum(stages.values())
    stages.update(within)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {**_rates(report.articles, report.tokens, seconds), "triples": report.triples,
            "skipped": len(report.skipped), "output_mb": round(size / 2**20, 1),
            "stages": {k: round(v, 1) for k, v in stages.items()}}


def measure_incremental(corpus: Path, out: Path, jobs: int) -> dict:
    """Warm the cache on all but one article, then time the pass that adds it."""
    from graph.cache import ExtractionCache
    from graph.scale import map_extractions

    articles = list(corpus_articles(corpus))
    cold_start = time.perf_counter()
    for _ in map_extractions(articles[:-1], recognizer_chain(), cache_dir=out / "cache"):
        pass
    cold = time.perf_counter() - cold_start
    cache = ExtractionCache(out / "cache")
    start = time.perf_counter()
    for _ in map_extractions(articles, recognizer_chain(), cache_dir=cache):
        pass
    seconds = time.perf_counter() - start
    return {"articles": len(articles), "seconds": round(seconds, 2), "cold_seconds": round(cold, 1),
            "computed": cache.stored, "from_cache": cache.hits,
            "cache_mb": round(sum(p.stat().st_size for p in (out / "cache").rglob("*")) / 2**20, 1)}


def measure_ceiling(corpus: Path, out: Path, jobs: int) -> dict:
    """``jobs`` × the seconds of the first :data:`CEILING_ARTICLES` articles' extraction in one process over the
    seconds of the same in ``jobs`` processes at once (``bench_cores``): the speed-up the machine
    allowed ``jobs`` processes when the builds around it ran, had nothing been serial."""
    import bench_cores  # bench/ is on the path: this file runs as a script

    options = argparse.Namespace(articles=CEILING_ARTICLES)
    alone = bench_cores.run_together("extract", corpus, options, 1)
    together = bench_cores.run_together("extract", corpus, options, jobs)
    articles = sum(1 for _ in islice(corpus_articles(corpus), CEILING_ARTICLES))
    return {"articles": articles, "seconds": round(together, 2), "alone_s": round(alone, 2),
            "ceiling": round(jobs * alone / together, 2)}


NER = "neural"
CEILING_ARTICLES = 150


def corpus_articles(corpus: Path):
    """The corpus's articles as the build reads them (skipped files left out)."""
    from graph.ingest import read_sources
    from graph.records import Article

    return (a for a in read_sources([corpus]) if isinstance(a, Article))


def recognizer_chain() -> tuple[str, ...]:
    """The chain ``python -m graph build --ner NER`` runs."""
    from graph.recognize import chain_with

    return chain_with(NER)


def _timed(stages, name, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        stages[name] = stages.get(name, 0.0) + time.perf_counter() - start
        return result

    return wrapper


def _rates(articles: int, tokens: int, seconds: float) -> dict:
    return {"articles": articles, "tokens": tokens, "seconds": round(seconds, 2),
            "articles_per_s": round(articles / seconds, 1), "tokens_per_s": round(tokens / seconds)}


def _memory_cap(gigabytes: float | None):
    if gigabytes is None:
        return None
    limit = int(gigabytes * 2**30)
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class FamilyMemory(threading.Thread):
    """The peak of this process's and its descendants' summed PSS, sampled every ``interval`` seconds.

    ``peak_rss_mb`` is the largest single process; with ``--jobs`` the
    build's forked and spawned children hold memory at the same time, and PSS
    counts a page they share once, not in each of them. Reading PSS walks
    every page table of every process (120 ms a sample for a two-process
    build of 10,000 articles: a tenth of a core when read every second,
    taken from the build it measures). A process's PSS is at most its RSS,
    which the kernel keeps counted, so PSS is read only when the family's
    RSS exceeds the peak so far (no lower PSS can be a new peak), and then
    never for more than ``share`` of the time.
    """

    def __init__(self, interval: float = 0.5, share: float = 0.02):
        super().__init__(daemon=True)
        self.interval, self.share, self._peak_kb = interval, share, 0
        self.walks, self.walk_seconds, self.last_walk = 0, 0.0, 0.0
        self._stopped = threading.Event()

    @property
    def peak_mb(self) -> float:
        return round(max(self._peak_kb, _family_kb(_pss_kb)) / 1024, 1)

    def stop(self) -> None:
        self._stopped.set()
        self.join()

    def run(self) -> None:
        pause = 0.0
        while not self._stopped.wait(pause):
            pause = self.interval
            if _family_kb(_rss_kb) > self._peak_kb:
                start = time.perf_counter()
                self._peak_kb = max(self._peak_kb, _family_kb(_pss_kb))
                self.last_walk = time.perf_counter() - start
                self.walks, self.walk_seconds = self.walks + 1, self.walk_seconds + self.last_walk
                pause = max(pause, self.last_walk / self.share)


def _family_kb(read, pid: int | None = None) -> int:
    """``read(pid)`` (kB) summed over ``pid`` (this process) and every process below it; 0 where /proc cannot tell."""
    pid = pid or os.getpid()
    total = 0
    try:
        total = read(pid)
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                total += sum(_family_kb(read, int(child)) for child in children.read().split())
    except (OSError, ValueError):
        pass
    return total


def _pss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        return next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)


def _rss_kb(pid: int) -> int:
    """Resident set size from the kernel's counters (no page table is walked)."""
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def table(results: list[dict]) -> str:
    """Markdown: one row per measurement, with its ratio to the floor and to the tagger floor of its size
    (the mean of that kind's measurements of the size: ``--kinds floor build floor`` brackets the
    build with two floors, so that the machine's drift shows as their spread)."""
    def ratio(r: dict, kind: str) -> str:
        bases = [b["seconds"] for b in results if b["kind"] == kind and b["articles_in"] == r["articles_in"]]
        return f"{r['seconds'] * len(bases) / sum(bases):.1f}" if bases else ""

    rows = ["| N | measure | jobs | s | art/s | tok/s | x floor | x tagger | peak MB | family peak MB | notes |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        notes = {k: r[k] for k in ("ner", "blas", "stages", "output_mb", "triples", "computed", "from_cache", "cold_seconds",
                                   "cache_mb", "failed", "alone_s", "ceiling") if k in r}
        rows.append(f"| {r['articles_in']} | {r['kind']} | {r['jobs']} | {r['seconds']} | {r.get('articles_per_s', '')} "
                    f"| {r.get('tokens_per_s', '')} | {ratio(r, 'floor')} | {ratio(r, 'tagger')} | {r['peak_rss_mb']} "
                    f"| {r.get('family_peak_mb', '')} | {json.dumps(notes, ensure_ascii=False)} |")
    return "\n".join(rows)


def rounds(results: list[dict]) -> str:
    """Markdown: each round of builds (the builds between two floors, ``--kinds floor build floor
    build floor``) against the floors just before and after it, and the speed-up of its build on
    the most processes over its build on one: several rounds of one run show how far a ratio moves
    on a machine that drifts, where the table's ratios divide by the mean of every floor; with the
    ``ceiling`` measured within the round (``--kinds floor build ceiling floor``)."""
    rows = ["| N | round | floors (s) | one process (s) | × floor | most processes (s) | jobs | × faster | ceiling |",
            "|---|---|---|---|---|---|---|---|---|"]
    for size in dict.fromkeys(r["articles_in"] for r in results):
        runs = [r for r in results if r["articles_in"] == size and r["kind"] in ("floor", "build", "ceiling")]
        floors = [i for i, r in enumerate(runs) if r["kind"] == "floor"]
        for number, (before, after) in enumerate(zip(floors, floors[1:]), start=1):
            builds = {r["jobs"]: r["seconds"] for r in runs[before + 1:after] if r["kind"] == "build"}
            if not builds:
                continue
            floor = (runs[before]["seconds"] + runs[after]["seconds"]) / 2
            one, most = builds.get(1), max(builds)
            many = builds[most] if most > 1 else None
            ceilings = "; ".join(str(r["ceiling"]) for r in runs[before + 1:after] if r["kind"] == "ceiling")
            cells = [f"{runs[before]['seconds']}; {runs[after]['seconds']}", one, one and f"{one / floor:.1f}",
                     many, many and most, one and many and f"{one / many:.2f}", ceilings]
            rows.append(f"| {size} | {number} | " + " | ".join(str(c or "") for c in cells) + " |")
    return "\n".join(rows) if len(rows) > 2 else ""


MEASURES = {"floor": measure_floor, "tagger": measure_tagger, "extract": measure_extract, "build": measure_build,
            "incremental": measure_incremental, "ceiling": measure_ceiling}

if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
