"""Scale: order-preserving parallel extraction, the cache, Dask, synthetic corpora."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset

from graph.cache import EXTRACTION_CODE, ExtractionCache, extraction_key, pipeline_fingerprint
from graph.errors import GraphError
from graph.ingest import read_sources
from graph.records import Article, Extraction
from graph.scale import map_extractions, worker_pool
from graph.serialize import sorted_lines

from tests.conftest import ROOT, SEEDS

CHAIN = ("gazetteer", "pattern", "crf")


@pytest.fixture(scope="module")
def seed_articles() -> list[Article]:
    articles = [a for a in read_sources([SEEDS]) if isinstance(a, Article)]
    assert len(articles) == 5
    return articles


@pytest.fixture(scope="module")
def mixed(seed_articles) -> list[Article]:
    """Seeds, a copy under another id, and an article with no tokens in the middle."""
    copy = Article(id="copy-0", text=seed_articles[0].text, title="نسخة")
    return [*seed_articles[:3], Article(id="blank", text=" \n "), copy, *seed_articles[3:]]


@pytest.fixture(scope="module")
def single(mixed):
    return list(map_extractions(mixed, CHAIN))


def test_single_process_keeps_order_and_reports_failures(mixed, single):
    assert [a.id for a, _ in single] == [a.id for a in mixed]
    reasons = {a.id: r for a, r in single if isinstance(r, str)}
    assert reasons == {"blank": "StageError: text: article blank: no tokens"}
    copy = dict((a.id, r) for a, r in single)["copy-0"]
    assert copy.mentions and all(m.article_id == "copy-0" for m in copy.mentions)


def test_local_pool_gives_the_single_process_result(mixed, single):
    assert list(map_extractions(iter(mixed), CHAIN, jobs=2)) == single


def test_workers_can_compact_results_before_sending_them_back(mixed, single):
    lean = list(map_extractions(iter(mixed), CHAIN, jobs=2, compact=True))
    expected = [(a, r.compact() if not isinstance(r, str) else r) for a, r in single]
    assert lean == expected
    kept = [r for _, r in lean if not isinstance(r, str)]
    assert all(r.document.tokens == () and r.article.text == "" and r.token_count > 0 for r in kept)
    assert [r.compact() for r in kept] == kept


def test_workers_collect_garbage_as_rarely_as_the_build():
    import gc

    from graph.pipeline import fewer_collections

    with fewer_collections():
        pool = worker_pool(1)
        try:
            assert pool.submit(gc.get_threshold).result() == gc.get_threshold() != (700, 10, 10)
        finally:
            pool.shutdown()


def test_map_accepts_a_lazy_stream(mixed, single):
    stream = (a for a in mixed)
    first = next(map_extractions(stream, CHAIN))
    assert first == single[0]


def test_bad_engine_and_jobs_are_user_errors(mixed):
    with pytest.raises(GraphError, match="unknown engine"):
        list(map_extractions(mixed, CHAIN, engine="spark"))
    with pytest.raises(GraphError, match="at least 1"):
        list(map_extractions(mixed, CHAIN, jobs=0))


def test_cache_reuses_results_and_adds_one_article_at_one_article_cost(tmp_path, mixed, single):
    cache = ExtractionCache(tmp_path)
    assert list(map_extractions(mixed[:-1], CHAIN, cache_dir=cache)) == single[:-1]
    assert (cache.hits, cache.stored) == (0, len(mixed) - 1)
    again = ExtractionCache(tmp_path)
    assert list(map_extractions(mixed, CHAIN, cache_dir=again)) == single
    assert (again.hits, again.stored) == (len(mixed) - 1, 1)
    assert len(again) == len(mixed)


def test_cache_key_follows_content_chain_and_pipeline(seed_articles):
    article = seed_articles[0]
    key = extraction_key(article, CHAIN)
    assert key == extraction_key(Article(**{**article.__dict__}), CHAIN)
    assert key != extraction_key(Article(**{**article.__dict__, "text": article.text + "."}), CHAIN)
    assert key != extraction_key(Article(**{**article.__dict__, "title": "آخر"}), CHAIN)
    assert key != extraction_key(article, CHAIN[:2])
    assert key != extraction_key(article, CHAIN, fingerprint="0" * 64)
    assert len(pipeline_fingerprint()) == 64


def test_a_build_caches_extractions_as_it_keeps_them_compacted(tmp_path, mixed, single):
    lean = list(map_extractions(mixed, CHAIN, jobs=2, cache_dir=tmp_path, compact=True))
    expected = [(a, r.compact() if not isinstance(r, str) else r) for a, r in single]
    assert lean == expected
    cache = ExtractionCache(tmp_path)
    assert list(map_extractions(mixed, CHAIN, cache_dir=cache, compact=True)) == expected
    assert cache.hits == len(mixed) and cache.stored == 0
    with_tokens = ExtractionCache(tmp_path)  # a compacted entry never answers a call that wants the whole extraction
    assert list(map_extractions(mixed, CHAIN, cache_dir=with_tokens)) == single
    assert with_tokens.stored == len(mixed)


def test_every_file_whose_code_extraction_runs_is_fingerprinted(seed_articles):
    """Traced in a fresh interpreter, every chain: code outside the fingerprint would let a stale cache in."""
    script = """
import inspect, json, sys
from pathlib import Path
from graph.ingest import read_sources
from graph.records import Article
from graph.scale import extract_articles, extract_or_reason
articles = [a for a in read_sources([Path("seeds")]) if isinstance(a, Article)][:2] + [Article("e", " ")]
ran = set()
def calls(frame, event, arg):
    if event == "call" and frame.f_code.co_flags & inspect.CO_OPTIMIZED:  # functions, not module or class bodies
        ran.add(frame.f_code.co_filename)
sys.setprofile(calls)
for chain in (("gazetteer", "pattern", "neural"), ("gazetteer", "pattern", "crf")):
    for article in articles:
        extract_or_reason(article, chain, compact=True)
    extract_articles(articles, chain, compact=True)
sys.setprofile(None)
print(json.dumps(sorted(ran)))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    package = ROOT / "graph"
    ran = {Path(f).relative_to(package).as_posix() for f in json.loads(done.stdout) if Path(f).is_relative_to(package)}
    fingerprinted = {p.relative_to(package).as_posix() for pattern in EXTRACTION_CODE for p in package.glob(pattern)}
    assert {"extract.py", "recognize/neural.py", "relate/events.py", "text.py"} <= ran
    assert ran <= fingerprinted, f"extraction runs code the cache does not fingerprint: {sorted(ran - fingerprinted)}"
    assert "resolve.py" not in fingerprinted and "rdf.py" not in fingerprinted


def test_fingerprint_tells_how_the_tagger_multiplies(monkeypatch):
    """Extractions tagged in batches, in striped batches and article by article may differ in a
    marginal's last digit: a cache or a cluster worker of another kind is not mixed in."""
    import graph.recognize.neural as neural

    kinds = {}
    for arithmetic in ("batches", "stripes", "articles"):
        monkeypatch.setattr(neural, "tagger_arithmetic", lambda arithmetic=arithmetic: arithmetic)
        pipeline_fingerprint.cache_clear()
        kinds[arithmetic] = pipeline_fingerprint()
    monkeypatch.undo()
    pipeline_fingerprint.cache_clear()
    assert len(set(kinds.values())) == 3
    assert pipeline_fingerprint() in kinds.values()
    assert neural.tagger_arithmetic(ROOT / "no-such-model.pt") == "no model"


def test_corrupt_cache_entry_is_recomputed(tmp_path, seed_articles, single):
    cache = ExtractionCache(tmp_path)
    list(map_extractions(seed_articles[:1], CHAIN, cache_dir=cache))
    path = cache.path(extraction_key(seed_articles[0], CHAIN))
    path.write_bytes(b"not a pickle")
    assert list(map_extractions(seed_articles[:1], CHAIN, cache_dir=tmp_path)) == single[:1]


def test_interrupted_cached_run_resumes(tmp_path, mixed, single):
    run = map_extractions(mixed, CHAIN, cache_dir=tmp_path)
    done = [next(run) for _ in range(3)]
    run.close()
    assert done == single[:3]
    cache = ExtractionCache(tmp_path)
    assert list(map_extractions(mixed, CHAIN, cache_dir=cache)) == single
    assert cache.hits >= 3 and cache.hits + cache.stored == len(mixed)


def test_cached_build_equals_full_rebuild(tmp_path, seed_articles):
    from graph.pipeline import resolve_all
    from graph.rdf import build_dataset

    def nquads(pairs) -> bytes:
        extractions = [r for _, r in pairs if isinstance(r, Extraction)]
        return sorted_lines(build_dataset(extractions, resolve_all(extractions)).serialize(format="nquads",
                                                                                            encoding="utf-8"))

    list(map_extractions(seed_articles[:4], CHAIN, cache_dir=tmp_path))
    incremental = nquads(map_extractions(seed_articles, CHAIN, cache_dir=tmp_path))
    assert incremental == nquads(map_extractions(seed_articles, CHAIN))


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


def test_dask_gives_the_single_process_result_and_partition_files(tmp_path, dask_client, mixed, single, monkeypatch):
    import graph.external_sort
    from graph.distributed import merge_partitions, read_partitions
    from graph.serialize import sorted_lines

    parts = tmp_path / "parts"
    assert list(map_extractions(mixed, CHAIN, engine="dask", scheduler=dask_client, partition_dir=parts)) == single
    assert list(read_partitions(parts)) == single
    assert len(list(parts.glob("part-*.nq"))) == len(list(parts.glob("part-*.pkl.z"))) >= 1
    monkeypatch.setattr(graph.external_sort, "RUN_LINES", 50)  # merged from runs on disk
    merged = Dataset().parse(merge_partitions(parts, tmp_path / "articles.nq"), format="nquads")
    in_memory = sorted_lines(b"".join(p.read_bytes() for p in sorted(parts.glob("part-*.nq"))))
    assert (tmp_path / "articles.nq").read_bytes() == in_memory and len(in_memory.splitlines()) > 100
    graphs = {str(g.identifier).rsplit("/", 1)[-1] for g in merged.graphs() if len(g)}
    assert {a.id for a, r in single if isinstance(r, Extraction)} <= graphs


def test_a_dask_build_forks_nothing_beside_the_client_and_equals_a_local_one(tmp_path, dask_client, monkeypatch):
    """A forked child of a process running a Dask client's threads may inherit a held lock, so
    resolution, statements and analysis run in the build's process (``--jobs`` still sizes threads)."""
    import os

    from graph.pipeline import build_corpus

    paths = sorted(SEEDS.glob("*.txt"))[:2]
    build_corpus(paths, tmp_path / "local", chain=CHAIN, html=False)

    def no_fork():
        raise AssertionError("forked beside a Dask client's threads")

    monkeypatch.setattr(os, "fork", no_fork)
    build_corpus(paths, tmp_path / "dask", chain=CHAIN, jobs=2, html=False, engine="dask", scheduler=dask_client)
    for name in ("graph.ttl", "graph.trig", "centrality.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_dask_by_scheduler_address(dask_client, seed_articles, single):
    address = dask_client.scheduler.address
    assert list(map_extractions(seed_articles[:2], CHAIN, engine="dask", scheduler=address)) == single[:2]


def test_make_corpus_is_deterministic_and_prefix_stable(tmp_path):
    from graph.synthetic import make_corpus

    small = make_corpus(3, tmp_path / "a", seed=7)
    large = make_corpus(5, tmp_path / "b", seed=7)
    assert [p.read_bytes() for p in small] == [p.read_bytes() for p in large[:3]]
    assert make_corpus(1, tmp_path / "c", seed=8)[0].read_bytes() != small[0].read_bytes()
    articles = list(read_sources([tmp_path / "b"]))
    assert [a.id for a in articles] == [f"synth-{i:06d}" for i in range(5)]
    assert all(isinstance(a, Article) and a.published and len(a.text) > 300 for a in articles)


def test_make_corpus_cli_writes_json_lines(tmp_path, capsys):
    from graph.cli import main

    assert main(["make-corpus", "4", str(tmp_path), "--jsonl", "--seed", "1"]) == 0
    assert "Wrote 4 articles" in capsys.readouterr().out
    lines = (tmp_path / "synth-00000.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [f"synth-{i:06d}" for i in range(4)]
    assert all(isinstance(a, Article) for a in read_sources([tmp_path]))


def test_merge_partitions_cli_needs_partitions(tmp_path, capsys):
    from graph.cli import main

    assert main(["merge-partitions", str(tmp_path), str(tmp_path / "x.nq")]) == 1
    assert "no part-*.nq" in capsys.readouterr().err
    assert not Path(tmp_path / "x.nq").exists()


def test_the_build_benchmark_runs_and_reports_every_stage(tmp_path):
    """bench/bench_build.py on a tiny corpus: it must keep working, whatever its numbers."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "bench/bench_build.py", "--sizes", "6", "--kinds", "floor", "tagger", "build",
                           "ceiling", "floor", "--jobs", "2", "--ner", "none", "--work", str(tmp_path),
                           "--json", str(tmp_path / "r.jsonl")], cwd=ROOT, capture_output=True, text=True, check=True)
    results = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [(r["kind"], r["articles"]) for r in results] == [("floor", 6), ("tagger", 6), ("build", 6),
                                                             ("ceiling", 6), ("floor", 6)]
    ceiling = results[3]
    assert ceiling["jobs"] == 2  # seconds are rounded to hundredths, the ceiling is not made from them
    assert ceiling["ceiling"] == pytest.approx(2 * ceiling["alone_s"] / ceiling["seconds"], rel=0.1)
    assert f"| 2 |  | {ceiling['ceiling']} |" in done.stdout  # the round's row: no one-process build
    assert results[1]["tokens"] > 0 and results[1]["mentions"] == 0  # --ner none: text analysis only
    build = results[2]
    assert set(build["stages"]) == {"extract", "resolve", "statements", "analysis graph", "analyze",
                                    "pages here (within analyze)", "write+other"}
    assert build["ner"] == "none" and build["triples"] > 0
    assert build["peak_rss_mb"] > 0 and build["family_peak_mb"] > 0
    assert "| 6 | build | 2 |" in done.stdout and "| 6 | tagger | 1 |" in done.stdout


def test_the_benchmark_counts_a_childs_memory_within_its_share_of_time():
    """The family peak keeps a child's memory after the child has gone; reading PSS (a page-table
    walk) takes at most the sampler's share of the time, but for the walk in hand."""
    import multiprocessing
    import time

    bench = _bench_build()
    alone = bench._family_kb(bench._pss_kb)
    fork = multiprocessing.get_context("fork")
    ready, done = fork.Event(), fork.Event()

    def hold():
        block = bytearray(200 * 2**20)  # written: resident, not shared with the parent
        ready.set()
        done.wait(30)
        del block

    child = fork.Process(target=hold)
    child.start()
    try:
        assert ready.wait(30)
        sampler = bench.FamilyMemory(interval=0.01, share=0.01)
        start = time.perf_counter()
        sampler.start()
        time.sleep(1.5)
    finally:
        done.set()
        child.join(30)
    sampler.stop()
    elapsed = time.perf_counter() - start
    assert sampler.peak_mb * 1024 > alone + 190 * 1024
    assert sampler.walks >= 1 and sampler.walk_seconds - sampler.last_walk <= sampler.share * elapsed


def test_the_build_benchmark_rates_each_round_against_the_floors_around_it():
    """Builds between two floors are a round: one process against the mean of those two floors,
    two processes against one, beside the ceiling measured in the round; a round without a
    one-process build has no ratio."""
    def measured(kind, jobs, seconds):
        return {"kind": kind, "jobs": jobs, "seconds": seconds, "articles_in": 10}

    results = [measured("floor", 1, 2.0), measured("build", 1, 21.0), measured("build", 2, 12.0),
               {**measured("ceiling", 2, 5.2), "ceiling": 1.85},
               measured("floor", 1, 1.5), measured("build", 2, 11.0), measured("floor", 1, 2.5)]
    lines = _bench_build().rounds(results).splitlines()
    assert lines[2] == "| 10 | 1 | 2.0; 1.5 | 21.0 | 12.0 | 12.0 | 2 | 1.75 | 1.85 |"
    assert lines[3] == "| 10 | 2 | 1.5; 2.5 |  |  | 11.0 | 2 |  |  |"
    assert _bench_build().rounds(results[:1]) == ""


def _bench_build():
    """bench/bench_build.py as a module (bench/ is not a package)."""
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_build", ROOT / "bench" / "bench_build.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_dask_workers_drop_tokens_when_asked(dask_client, seed_articles, single):
    results = list(map_extractions(seed_articles[:2], CHAIN, engine="dask", scheduler=dask_client, compact=True))
    expected = [r.compact() for _, r in single[:2]]
    assert [r for _, r in results] == expected and all(not r.document.tokens for r in expected)


def test_the_cores_benchmark_runs_both_workloads(tmp_path):
    """bench/bench_cores.py on three articles: it must keep working, whatever its numbers."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "bench/bench_cores.py", "--articles", "3", "--loop", "300000", "--rounds",
                           "1", "--work", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True)
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["workload"], r["jobs"]) for r in results] == [("python", 2), ("extract", 2)]
    assert all(r["alone_s"] > 0 and r["together_s"] > 0 and r["ceiling"] > 0 for r in results)


def test_the_batching_benchmark_times_each_group_and_checks_rows(tmp_path):
    """bench/bench_batching.py on six articles: it must keep working, whatever its numbers."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "bench/bench_batching.py", "--articles", "6", "--warm", "2", "--groups", "1",
                           "3", "--rounds", "1", "--arithmetic", "stripes", "articles", "--work", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    *timings, parts, rows, classes, blocked = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["arithmetic"], r["articles"], r["articles_a_call"]) for r in timings] == [
        ("stripes", 4, 1), ("stripes", 4, 3), ("articles", 4, 1), ("articles", 4, 3)]
    assert {r["machine"] for r in timings} <= {"rows", "stripes", "articles"}
    assert all(r["cpu_seconds"] > 0 and r["blas"] for r in timings)
    assert parts["articles"] == 4 and parts["multiply_adds"] == parts["tokens"] * 2 * 128 * 512
    assert 0 < parts["recurrent_products_s"] + parts["cell_steps_s"] + parts["viterbi_and_marginals_s"] < parts["tagging_s"]
    assert all(len(letters) == int(m) for m, letters in classes["row_classes"].items())
    assert classes["row_classes"]["1"] == "a"  # the first class seen
    assert all(t["as_tagged"] > 0 and t["eight_row_products"] > 0 for t in blocked["microseconds_a_row"].values())
    trials = {int(m): min(int(m), 8) * rows["rows"] for m in rows["differing_by_rows_multiplied"]}
    assert sorted(trials) == [1, 2, 4, 8, 16, 32, 64, 256]
    assert all(0 <= n <= trials[int(m)] for m, n in rows["differing_by_rows_multiplied"].items())
    assert 0 <= rows["matrix_vector_differing"] <= rows["rows"]


def test_the_resolution_benchmark_finds_the_same_pairs_both_ways(tmp_path):
    """bench/bench_resolve.py on 300 names: old and new candidate searches agree, misspellings merge."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "bench/bench_resolve.py", "--sizes", "300", "--json", str(tmp_path / "r.jsonl")],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    assert result == json.loads((tmp_path / "r.jsonl").read_text())
    assert result["names"] == 300 and result["same_pairs"] and result["close_pairs"] > 0
    assert result["persons"] < 300 and result["ratio"] > 0 and result["close_names_2_threads_s"] >= 0
