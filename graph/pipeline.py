"""Runs the stages in order and checks each boundary.

``ingest → text → recognise → relate`` runs per article (the unit of
parallel work); ``resolve → rdf → analyse → visualise`` runs once over the
corpus. Bad articles become warnings in the report, never a crash.
"""

from __future__ import annotations

import csv
import gc
import io
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from tqdm import tqdm

from graph.errors import GraphError
from graph.extract import extract_article
from graph.forked import can_fork, return_freed_memory, share_out, side_by_side
from graph.gazetteer import load_gazetteer
from graph.ingest import read_sources
from graph.recognize import DEFAULT_CHAIN
from graph.records import Article, Extraction, Resolution, Skipped
from graph.relate.merge import (
    event_groups, finish_events, full_nodes, lean_nodes, merge_group, merge_roles, publication_days,
)
from graph.resolve import denote_mentions, mentions_by_entity, name_entities
from graph.scale import map_extractions
from graph.serialize import RdfExport, get_writer, remove_stale_temporaries, write_aside, write_atomic

__all__ = ["BuildReport", "extract_article", "extract_all", "resolve_all", "build_corpus", "fewer_collections",
           "write_skipped", "DEFAULT_FORMATS", "SKIPPED_FILE"]

DEFAULT_FORMATS = ("turtle", "trig")
SKIPPED_FILE = "skipped.tsv"
_PROGRESS_AFTER = 5  # seconds: a small build prints no progress bar
_BUILD_GC_THRESHOLDS = (100_000, 50, 100)
_NAMING_WORK = 3.5  # microseconds to name an entity, a mention of it (10,000 articles)
_MERGING_WORK = {"Meeting+Conference": 85.0, "": 60.0}  # microseconds to merge an event mention, by group


@dataclass(frozen=True)
class BuildReport:
    """What a build read, skipped, found and wrote (printed as the summary)."""

    articles: int
    skipped: tuple[Skipped, ...]
    entities_by_kind: dict[str, int]
    events: int
    roles: int
    triples: int
    top_actors: tuple[tuple[str, str, str, float], ...] = ()
    outputs: tuple[Path, ...] = field(default_factory=tuple)
    tokens: int = 0


def extract_all(items: Iterable[Article | Skipped], chain: Sequence[str] = DEFAULT_CHAIN,
                jobs: int = 1, compact: bool = False, **engine) -> tuple[list[Extraction], list[Skipped]]:
    """Extract every article (on ``jobs`` processes); order and result do not depend on ``jobs``.

    ``items`` is read as extraction goes, a batch at a time: a corpus is
    not held in memory, and with ``jobs`` > 1 reading overlaps the workers'
    extraction instead of delaying it (8 s at 10,000 articles).
    Later stages read sentences, mentions, roles and events, never tokens
    or the article's body: ``compact=True`` drops them where each article is
    extracted (in the worker, so they are never sent back), which is most of
    an extraction's memory.
    """
    skipped: list[Skipped] = []

    def articles() -> Iterator[Article]:
        for item in items:
            if isinstance(item, Article):
                yield item
            else:
                skipped.append(item)

    bar = tqdm(desc="articles", unit="art", file=sys.stderr, delay=_PROGRESS_AFTER)
    extractions = []
    for article, result in map_extractions(articles(), chain, jobs=jobs, compact=compact, **engine):
        bar.update()
        if isinstance(result, Extraction):
            extractions.append(result.compact() if compact else result)
        else:
            skipped.append(Skipped(article.source or article.id, result))
    bar.close()
    return extractions, sorted(skipped)


def resolve_all(extractions: Sequence[Extraction], jobs: int = 1, forks: int | None = None) -> Resolution:
    """Entities, then events and roles keyed by resolved entities.

    Once each mention's entity is known (close spellings scored on ``jobs``
    threads), naming the entities, merging each group of events
    (:func:`graph.relate.merge.event_groups`) and merging roles are
    independent: they are shared out by estimated work to
    ``forks`` processes (``jobs`` by default; 1 beside a Dask client's
    threads), forked so that they read the records without a copy.
    Resolution ran on one core of a two-process build (10-20 s at 10,000
    articles). The result depends on neither.
    """
    gazetteer = load_gazetteer()
    denotes, evidence = denote_mentions(extractions, gazetteer, threads=jobs)
    groups = event_groups(extractions)
    done = _side_by_side(*_resolution_tasks(extractions, denotes, gazetteer, groups), groups,
                         jobs if forks is None else forks)
    nodes = [node for name in groups for node in done[name]]
    entities = tuple(sorted(done["entities 0"] + done["entities 1"]))
    return Resolution(entities, denotes, evidence, finish_events(nodes, extractions), done["roles"])


def _resolution_tasks(extractions, denotes, gazetteer, groups) -> tuple[dict[str, Callable], dict[str, float]]:
    """What resolution does once each mention's entity is known, by name, and each task's
    estimated work (microseconds at 10,000 articles)."""
    published = publication_days(extractions)
    by_id = mentions_by_entity(denotes)
    ids = sorted(by_id)
    halves = [ids[i::2] for i in range(2)]  # entities are named one by one: two tasks to share
    tasks = {"roles": partial(merge_roles, extractions, denotes),
             **{f"entities {i}": partial(name_entities, by_id, gazetteer, ids) for i, ids in enumerate(halves)},
             **{name: partial(merge_group, events, denotes, published) for name, events in groups.items()}}
    work = {"roles": 0.0, **{f"entities {i}": _NAMING_WORK * len(denotes) / 2 for i in range(2)},
            **{name: _MERGING_WORK.get(name, _MERGING_WORK[""]) * len(events) for name, events in groups.items()}}
    return tasks, work


def _side_by_side(tasks: dict[str, Callable], work: dict[str, float], groups: dict[str, list],
                  jobs: int) -> dict[str, object]:
    """Every task's result, the tasks shared out to ``jobs`` processes by their work; a forked child
    sends the event nodes of ``groups`` back lean (:func:`graph.relate.merge.lean_nodes`)."""
    def run(share: tuple[list[str], bool]) -> dict:
        names, forked = share
        return {n: lean_nodes(tasks[n](), groups[n]) if forked and n in groups else tasks[n]() for n in names}

    parts = jobs if can_fork(jobs - 1, share=0.5) else 1
    shares = [(names, i > 0) for i, names in enumerate(share_out(work, parts))]
    done = {}
    for (names, forked), results in zip(shares, side_by_side("resolving", run, shares)):
        done |= {n: full_nodes(results[n], groups[n]) if forked and n in groups else results[n] for n in names}
    return done


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely while a build holds millions of objects.

    A corpus-wide build allocates terms, tuples and graph nodes by the
    million and frees few; at the default thresholds each collection walks
    everything still alive, which cost a quarter of analysis and RDF time on
    1,000 articles (``bench/bench_build.py``). Collections still happen.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(*_BUILD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def write_skipped(skipped: Sequence[Skipped], out_dir: Path) -> Path:
    """``skipped.tsv``: every source the build could not use and why, one a row (a header only
    when there is none, so that no earlier build's list stays behind). The summary names the
    first few: a crawl of 100,000 pages may skip thousands."""
    rows = io.StringIO()
    table = csv.writer(rows, delimiter="\t", lineterminator="\n")
    table.writerow(["source", "reason"])
    table.writerows((s.source, s.reason) for s in skipped)
    path = Path(out_dir) / SKIPPED_FILE
    write_atomic(path, rows.getvalue())
    return path


@fewer_collections()
def build_corpus(sources: Iterable[str | Path], out_dir: str | Path, *, formats: Sequence[str] = DEFAULT_FORMATS,
                 chain: Sequence[str] = DEFAULT_CHAIN, jobs: int = 1, html: bool = True, top: int = 300,
                 store: bool = False, engine: str = "local", scheduler=None,
                 cache: str | Path | None = None) -> BuildReport:
    """Build the knowledge graph from articles into ``out_dir`` and report what happened."""
    from graph.analyze import write_analysis
    from graph.rdf import ArticleStatements, prefixes
    from graph.visualize import page_files

    out_dir = Path(out_dir)
    writers = [get_writer(name) for name in formats]
    remove_stale_temporaries(out_dir)
    options = {"engine": engine, "scheduler": scheduler, "cache_dir": cache,
               "partition_dir": out_dir / "partitions" if engine == "dask" else None}
    extractions, skipped = extract_all(read_sources(sources), chain, jobs, compact=True, **options)
    skipped_list = write_skipped(skipped, out_dir)
    if not extractions:
        raise GraphError("no article could be read: " + "; ".join(f"{s.source}: {s.reason}" for s in skipped[:5])
                         + (f" (all {len(skipped)} in {skipped_list})" if len(skipped) > 5 else ""))
    forks = jobs if engine == "local" else 1  # no fork beside a Dask client's threads (nor after them)
    resolution = resolve_all(extractions, jobs, forks)
    kinds = Counter(e.kind.value for e in resolution.entities)
    found = BuildReport(len(extractions), tuple(skipped), dict(sorted(kinds.items())), len(resolution.events),
                        len(resolution.roles), 0, tokens=sum(x.token_count for x in extractions))
    named_graph_writers = [w for w in writers if w.graphs_format is not None]
    export = RdfExport(ArticleStatements(extractions, resolution), prefixes(),
                       [w.graphs_format for w in named_graph_writers], jobs=forks)
    del extractions, resolution  # the export's statements replace them: gone before the union, the peak
    triples = export.statement_count
    return_freed_memory()
    aside = write_aside(writers, export, out_dir, forks)
    try:
        analysis = _analyze_export(export, out_dir, forks, html, top)
        if aside is not None:
            aside.result()
    finally:
        if aside is not None:
            aside.close()
    outputs = [out_dir / writer.filename for writer in writers] + [skipped_list]
    outputs += write_analysis(analysis, out_dir)
    outputs += [out_dir / name for view in analysis.views for name in page_files(view)] if html else []
    if store:
        from graph.store import load_store

        outputs.append(load_store(out_dir))
    return replace(found, triples=triples, top_actors=tuple(analysis.top_actors(5)), outputs=tuple(outputs))


def _analyze_export(export: RdfExport, out_dir: Path, jobs: int, html: bool, top: int):
    """The analysis of the export's union, its pages drawn when ``html``. The export's files are
    released once read: a child still writing them (:func:`graph.serialize.write_aside`) keeps its
    own handles, and runs on beside the analysis."""
    from graph.analyze import UNREAD_PREDICATES, UNREAD_TYPES, analyze_graph
    from graph.visualize import render_html

    g = export.index_without(UNREAD_PREDICATES, UNREAD_TYPES)
    export.release()
    return analyze_graph(g, jobs, each=partial(render_html, g, out_dir=out_dir, top=top) if html else None)
