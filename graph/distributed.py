"""Extraction on a Dask cluster: partitions of articles out, results merged back in order.

Articles are cut into partitions; each Dask task extracts one partition and
returns its results with the pipeline fingerprint of the worker (a worker
running other code or data is refused rather than mixed in). Resolution is
corpus-wide, so it needs every Extraction record: the client keeps them in
input order and, given ``partition_dir``, writes two files per partition:
``part-NNNNN.pkl.z`` (the articles and their Extraction records, enough to
re-resolve without re-extracting, see :func:`read_partitions`) and
``part-NNNNN.nq`` (the article-level triples, metadata and sentences, that
need no resolution; :func:`merge_partitions` joins them into one N-Quads).
"""

from __future__ import annotations

import io
import pickle
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.cache import pipeline_fingerprint
from graph.errors import GraphError
from graph.records import Article, Extraction, Resolution
from graph.scale import batched, extract_in_batches
from graph.external_sort import ExternalSort
from graph.serialize import atomic_path, sorted_lines, write_atomic

__all__ = ["Partition", "dask_map", "extract_partition", "connect", "read_partitions", "merge_partitions",
           "PARTITION_SIZE"]

PARTITION_SIZE = 32
_TASKS_PER_THREAD = 2


@dataclass(frozen=True)
class Partition:
    """What one Dask task sends back: its articles' results and article-level N-Quads."""

    index: int
    pairs: tuple[tuple[Article, Extraction | str], ...]
    nquads: bytes
    fingerprint: str


def dask_map(articles: Iterable[Article], chain: tuple[str, ...], *, jobs: int = 1, scheduler=None,
             partition_dir: str | Path | None = None, partition_size: int = PARTITION_SIZE,
             compact: bool = False) -> Iterator[Extraction | str]:
    """Results in input order, computed by Dask workers a bounded number of partitions ahead
    (compacted with ``compact``: without tokens and article bodies, most of the traffic)."""
    client, close = connect(scheduler, jobs)
    folder = _prepare(partition_dir)
    fingerprint = pipeline_fingerprint()
    window: deque = deque()
    try:
        limit = _TASKS_PER_THREAD * max(1, sum(client.nthreads().values()))
        for index, batch in enumerate(batched(articles, partition_size)):
            window.append(client.submit(extract_partition, index, batch, tuple(chain), folder is not None,
                                        compact, pure=False))
            if len(window) >= limit:
                yield from _collect(window.popleft(), fingerprint, folder)
        while window:
            yield from _collect(window.popleft(), fingerprint, folder)
    finally:
        for future in window:
            future.cancel()
        close()


def extract_partition(index: int, articles: list[Article], chain: tuple[str, ...], nquads: bool = True,
                      compact: bool = False) -> Partition:
    """The Dask task: extract a partition on a worker (pure; needs only the installed package)."""
    results = list(extract_in_batches(articles, chain, compact))
    pairs = tuple(zip(articles, results))
    data = _article_nquads([r for _, r in pairs if isinstance(r, Extraction)]) if nquads else b""
    return Partition(index, pairs, data, pipeline_fingerprint())


def connect(scheduler=None, jobs: int = 1):
    """A Dask client and how to close it: given client, scheduler address, or a local cluster.

    Without a scheduler a ``LocalCluster`` of ``jobs`` single-threaded
    workers starts (in-process threads for one job, processes for more).
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        return scheduler, lambda: None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise GraphError(f"cannot reach the Dask scheduler at {scheduler}: {error}; "
                             "start one with `dask scheduler` or check the address") from None
        return client, client.close
    cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=jobs > 1, dashboard_address=None)
    client = Client(cluster)

    def close():
        client.close()
        cluster.close()

    return client, close


def read_partitions(partition_dir: str | Path) -> Iterator[tuple[Article, Extraction | str]]:
    """Every (article, result) written by a Dask build, in input order."""
    for path in sorted(Path(partition_dir).glob("part-*.pkl.z")):
        yield from pickle.loads(zlib.decompress(path.read_bytes()))


def merge_partitions(partition_dir: str | Path, out: str | Path) -> Path:
    """One canonical N-Quads file (sorted unique lines) from the per-partition files,
    sorted on disk (:class:`graph.external_sort.ExternalSort`): memory holds one run, not the corpus."""
    lines = ExternalSort()
    for path in sorted(Path(partition_dir).glob("part-*.nq")):
        with open(path, "rb") as part:
            lines.extend(line if line.endswith(b"\n") else line + b"\n" for line in part if line.strip())
    with atomic_path(Path(out)) as tmp, open(tmp, "wb") as merged:
        merged.writelines(lines.merged())
    return Path(out)


def _collect(future, fingerprint: str, folder: Path | None) -> list[Extraction | str]:
    try:
        part: Partition = future.result()
    except GraphError:
        raise
    except Exception as error:  # a worker lost or killed: name the partition
        raise GraphError(f"Dask partition failed ({type(error).__name__}: {error}); "
                         "rerun with --cache to keep what was done") from None
    if part.fingerprint != fingerprint:
        raise GraphError("a Dask worker runs a different pipeline version (code, gazetteer or models differ); "
                         "install the same checkout on every worker")
    if folder is not None:
        write_atomic(folder / f"part-{part.index:05d}.pkl.z", zlib.compress(pickle.dumps(part.pairs, 5), 1))
        write_atomic(folder / f"part-{part.index:05d}.nq", part.nquads)
    return [result for _, result in part.pairs]


def _prepare(partition_dir) -> Path | None:
    """Empty the partition folder of an earlier run so the files describe this one only."""
    if partition_dir is None:
        return None
    folder = Path(partition_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*"):
        old.unlink()
    return folder


def _article_nquads(extractions: list[Extraction]) -> bytes:
    """Metadata and sentences of each article, one named graph each (no resolution needed)."""
    import pyoxigraph as ox

    from graph.rdf import iter_quads
    from graph.serialize import RdfExport

    if not extractions:
        return b""
    buffer = io.BytesIO()
    export = RdfExport(iter_quads(extractions, Resolution(entities=())), {}, [ox.RdfFormat.N_QUADS])
    export.copy_quads(ox.RdfFormat.N_QUADS, buffer)
    export.release()
    return sorted_lines(buffer.getvalue())
