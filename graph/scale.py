"""Extraction at scale: streaming, local processes, a Dask cluster, a cache.

Extraction is per article and pure, so it can run anywhere; this module
decides where. :func:`map_extractions` streams ``(article, result)`` pairs
in input order whatever the engine, so a build on eight processes or on a
cluster gives the same graph as a build on one. Only a bounded window of
articles is in flight at a time: memory grows with the results the caller
keeps, not with the corpus read ahead.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import islice
from pathlib import Path

from graph.cache import ExtractionCache, extraction_key, pipeline_fingerprint
from graph.errors import GraphError
from graph.extract import extract_articles, extract_or_reason
from graph.records import Article, Extraction

__all__ = ["ENGINES", "map_extractions", "local_map", "extract_or_reason", "extract_in_batches", "batched",
           "article_batches"]

ENGINES = ("local", "dask")
BATCH = 16
BATCH_CHARACTERS = 1 << 20
_WINDOW_PER_JOB = 4
log = logging.getLogger(__name__)


def map_extractions(articles: Iterable[Article], chain: Sequence[str], *, jobs: int = 1, engine: str = "local",
                    scheduler=None, cache_dir: str | Path | ExtractionCache | None = None,
                    partition_dir: str | Path | None = None,
                    compact: bool = False) -> Iterator[tuple[Article, Extraction | str]]:
    """Extract every article; yield ``(article, extraction or reason it failed)`` in input order.

    ``jobs`` > 1 runs on that many local processes (or Dask workers of a
    local cluster); ``engine="dask"`` with ``scheduler`` (an address such as
    ``tcp://10.0.0.5:8786`` or a ``distributed.Client``) runs on a cluster
    and writes per-partition files to ``partition_dir`` when given. With
    ``cache_dir``, articles already extracted are read back, not recomputed.
    ``compact=True`` lets workers (local or Dask) compact results (no tokens,
    no article body: :meth:`Extraction.compact`) before sending them back (the
    cache keeps what was asked for).

    >>> from graph.records import Article
    >>> [reason for _, reason in map_extractions([Article("e", "   ")], ("gazetteer",))]
    ['StageError: text: article e: no tokens']
    """
    if engine not in ENGINES:
        raise GraphError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if jobs < 1:
        raise GraphError(f"--jobs must be at least 1, not {jobs}")
    chain = tuple(chain)
    cache = cache_dir if isinstance(cache_dir, ExtractionCache) or cache_dir is None else ExtractionCache(cache_dir)
    if engine == "dask":
        from graph.distributed import dask_map

        run = partial(dask_map, chain=chain, jobs=jobs, scheduler=scheduler, partition_dir=partition_dir,
                      compact=compact)
    else:
        run = partial(local_map, chain=chain, jobs=jobs, compact=compact)
    if cache is None:
        yield from _in_order(articles, run)
        return
    yield from _cached(articles, chain, cache, run, compact)
    log.info("extraction cache %s: %d hits, %d computed", cache.root, cache.hits, cache.stored)


def local_map(articles: Iterable[Article], chain: tuple[str, ...], jobs: int = 1,
              compact: bool = False) -> Iterator[Extraction | str]:
    """Results in input order, on this process or a pool of ``jobs`` spawned processes, a batch of
    articles at a time (:func:`article_batches`)."""
    if jobs <= 1:
        yield from extract_in_batches(articles, chain, compact)
        return
    pool = worker_pool(jobs)
    window: deque = deque()
    try:
        for batch in article_batches(articles):
            window.append((batch, pool.submit(extract_articles, batch, chain, compact)))
            if len(window) >= jobs * _WINDOW_PER_JOB:
                yield from _result(*window.popleft())
        while window:
            yield from _result(*window.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """``jobs`` spawned processes that run the garbage collector as often as this one (a build
    runs it rarely: each collection walks the objects the workers keep, such as their memos)."""
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=gc.set_threshold, initargs=gc.get_threshold())


def extract_in_batches(articles: Iterable[Article], chain: tuple[str, ...],
                       compact: bool = False) -> Iterator[Extraction | str]:
    """:func:`graph.extract.extract_articles` of each of :func:`article_batches`, in order, on this process."""
    for batch in article_batches(articles):
        yield from extract_articles(batch, chain, compact)


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of ``size`` items (the last may be shorter).

    >>> list(batched(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def article_batches(articles: Iterable[Article], count: int = BATCH,
                    characters: int = BATCH_CHARACTERS) -> Iterator[list[Article]]:
    """Consecutive batches of at most ``count`` articles, closed once they reach ``characters``
    of text: the tagger reads a batch at once, and memory stays bounded by the largest article.

    >>> [len(b) for b in article_batches([Article(str(i), "x" * 40) for i in range(7)], 3, 100)]
    [3, 3, 1]
    >>> [len(b) for b in article_batches([Article("a", "x"), Article("b", "x" * 500), Article("c", "x")], 3, 100)]
    [2, 1]
    """
    batch: list[Article] = []
    size = 0
    for article in articles:
        batch.append(article)
        size += len(article.text)
        if len(batch) >= count or size >= characters:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _result(batch: list[Article], future) -> list[Extraction | str]:
    try:
        return future.result()
    except BrokenProcessPool as error:
        ids = f"{batch[0].id} … {batch[-1].id}"
        raise GraphError(f"an extraction process died ({error}) on articles {ids}; out of memory? "
                         "rerun with --jobs 1 to see which article") from None


def _cached(articles, chain, cache: ExtractionCache, run,
            compact: bool) -> Iterator[tuple[Article, Extraction | str]]:
    """Merge cache hits with freshly computed misses, keeping input order.

    Hits are remembered by key only and read when their turn comes, so a
    long run of hits waiting behind a slow miss holds little memory.
    """
    fingerprint = pipeline_fingerprint()
    pending: deque = deque()

    def misses():
        for article in articles:
            key = extraction_key(article, chain, fingerprint, compact)
            hit = key in cache
            pending.append((article, key, hit))
            if not hit:
                yield article

    def flush_hits():
        while pending and pending[0][2]:
            article, key, _ = pending.popleft()
            value = cache.get(key)
            yield article, value if value is not None else extract_or_reason(article, chain, compact)

    for result in run(misses()):
        yield from flush_hits()
        article, key, _ = pending.popleft()
        cache.put(key, result)
        cache.misses += 1
        yield article, result
    yield from flush_hits()


def _in_order(articles, run) -> Iterator[tuple[Article, Extraction | str]]:
    """Pair each result with its article: engines return results in input order."""
    fed: deque = deque()

    def feed():
        for article in articles:
            fed.append(article)
            yield article

    for result in run(feed()):
        yield fed.popleft(), result
