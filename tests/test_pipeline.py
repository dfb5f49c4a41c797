"""End to end on the five seeds: coverage, no split persons, valid and stable RDF."""

import csv
import subprocess
import sys

import pyoxigraph
import pytest
from rdflib import RDF, RDFS, SKOS, Graph

from graph.gazetteer import ONTOLOGY_DIR
from graph.records import EventKind
from graph.text import normalize_text
from graph.vocab import SCHEMA
from tests.conftest import DATA, ROOT, SEEDS

pytestmark = pytest.mark.slow
GROUP = {"person": SCHEMA.Person, "institution": SCHEMA.Organization, "place": SCHEMA.Place}


def gold():
    lines = [l for l in (DATA / "seed_gold.tsv").read_text(encoding="utf-8").splitlines()[1:] if not l.startswith("#")]
    rows = [l.split("\t") for l in lines if l.strip() and not l.startswith("group")]
    return [(group, {normalize_text(n) for n in names.split("|")}) for group, names in rows]


def names_by_entity(g, group):
    entities = {}
    for entity in g.subjects(RDF.type, GROUP[group]):
        labels = list(g.objects(entity, RDFS.label)) + list(g.objects(entity, SKOS.altLabel))
        entities[entity] = {normalize_text(str(label)) for label in labels}
    return entities


def recall_and_spurious(g):
    gold_names = set().union(*(names for _, names in gold()))
    found = sum(any(labels & names for labels in names_by_entity(g, group).values()) for group, names in gold())
    entities = [labels for group in GROUP for labels in names_by_entity(g, group).values()]
    return found / len(gold()), sum(not labels & gold_names for labels in entities) / len(entities)


def test_the_model_keeps_precision_and_recall(seed_graph, tmp_path):
    from graph.pipeline import build_corpus

    build_corpus([SEEDS], tmp_path, chain=("gazetteer", "pattern"), html=False)
    rules_only = recall_and_spurious(Graph().parse(tmp_path / "graph.ttl"))
    combined = recall_and_spurious(seed_graph)
    assert combined[0] >= rules_only[0] and combined[1] <= rules_only[1]


def test_finds_what_a_careful_reader_finds(seed_graph):
    found, missed, split = 0, [], []
    for group, names in gold():
        matches = [e for e, labels in names_by_entity(seed_graph, group).items() if labels & names]
        found += bool(matches)
        if not matches:
            missed.append(sorted(names)[0])
        if group == "person" and len(matches) > 1:
            split.append(sorted(names)[0])
    assert found / len(gold()) > 0.9, missed
    assert not split, f"persons split into several nodes: {split}"


def test_few_spurious_entities(seed_graph):
    gold_names = set().union(*(names for _, names in gold()))
    spurious = []
    for group in GROUP:
        for entity, labels in names_by_entity(seed_graph, group).items():
            if not labels & gold_names:
                spurious.append(sorted(labels)[0])
    total = sum(len(names_by_entity(seed_graph, g)) for g in GROUP)
    assert len(spurious) / total < 0.10, spurious


def test_ticker_headlines_are_not_news(seed_graph):
    labels = {normalize_text(str(o)) for o in seed_graph.objects(None, RDFS.label)}
    assert not labels & {normalize_text(n) for n in ("بنكيران", "ليفربول", "برشلونة", "ليدي غاغا")}


def test_outputs_parse_in_a_second_implementation(seed_build):
    _, out = seed_build
    store = pyoxigraph.Store()
    store.load(path=str(out / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(Graph().parse(out / "graph.ttl"))
    quads = pyoxigraph.Store()
    quads.load(path=str(out / "graph.trig"), format=pyoxigraph.RdfFormat.TRIG)
    named = {str(q.graph_name) for q in quads}
    assert len([n for n in named if "/article/" in n]) == 5


def test_shacl_validation_passes(seed_graph):
    from pyshacl import validate

    ontology = Graph().parse(ONTOLOGY_DIR / "ankg.ttl")
    conforms, _, text = validate(seed_graph, shacl_graph=Graph().parse(ONTOLOGY_DIR / "shapes.ttl"),
                                 ont_graph=ontology, inference="rdfs")
    assert conforms, text[:3000]


def test_mentions_point_at_their_text(seed_build, seed_graph):
    from graph.ingest import read_sources
    from graph.vocab import ANKG

    texts = {a.id: a.text for a in read_sources([SEEDS])}
    for mention in seed_graph.subjects(RDF.type, ANKG.Mention):
        article = str(seed_graph.value(mention, ANKG.inArticle)).rsplit("/", 1)[-1]
        start, end = int(seed_graph.value(mention, ANKG.startOffset)), int(seed_graph.value(mention, ANKG.endOffset))
        assert texts[article][start:end] == str(seed_graph.value(mention, ANKG.surfaceForm))


def test_materialised_base_types_and_wikidata_links(seed_graph):
    q = """PREFIX schema: <https://schema.org/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
           SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle ; schema:identifier ?id }"""
    assert int(next(iter(seed_graph.query(q)))[0]) == 5
    assert len(set(seed_graph.objects(None, RDFS.label))) > 50
    assert any("wikidata.org/entity/Q" in str(o) for o in seed_graph.objects())


def test_centrality_csv_written(seed_build):
    report, out = seed_build
    rows = list(csv.DictReader((out / "centrality.csv").open(encoding="utf-8")))
    assert rows and report.top_actors and (out / "graph.html").exists()


def test_build_is_byte_identical_across_runs(tmp_path):
    for name in ("a", "b"):
        subprocess.run([sys.executable, "build.py", str(SEEDS), "--out", str(tmp_path / name), "--no-html"],
                       cwd=ROOT, check=True, capture_output=True)
    for filename in ("graph.ttl", "graph.trig", "centrality.csv"):
        assert (tmp_path / "a" / filename).read_bytes() == (tmp_path / "b" / filename).read_bytes(), filename


def test_two_processes_build_the_same_files_as_one(seed_build, tmp_path):
    """``--jobs 2`` extracts, renders the named graphs and scores the views on other processes."""
    _, single = seed_build
    subprocess.run([sys.executable, "build.py", str(SEEDS), "--out", str(tmp_path), "--jobs", "2"],
                   cwd=ROOT, check=True, capture_output=True)
    names = sorted(path.name for path in single.iterdir())
    assert names == sorted(path.name for path in tmp_path.iterdir()) and "graph.trig" in names
    assert [name for name in names if (single / name).read_bytes() != (tmp_path / name).read_bytes()] == []


def test_summary_names_what_was_built(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02" * 10)
    result = subprocess.run([sys.executable, "build.py", str(SEEDS / "002_08d5b8224b143400.txt"),
                             str(tmp_path / "bad.txt"), "--out", str(tmp_path / "out"), "--no-html"],
                            cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 3, result.stderr
    assert "Articles read: 1" in result.stdout and "skipped: 1" in result.stdout and "bad.txt" in result.stdout
    assert "Most central actors" in result.stdout and "Triples:" in result.stdout


def test_a_build_collects_garbage_rarely_and_restores_the_collector_after():
    import gc

    from graph.pipeline import fewer_collections

    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        assert gc.get_threshold()[0] > 100 * before[0]
        raise RuntimeError("a failed build")
    assert gc.get_threshold() == before


def test_articles_are_read_a_batch_at_a_time_as_they_are_extracted(monkeypatch):
    from graph import pipeline, scale
    from graph.ingest import read_sources
    from graph.records import Skipped

    read = []

    def corpus():
        yield Skipped("broken.txt", "not UTF-8")
        for _ in range(8):
            for item in read_sources([SEEDS]):
                read.append(item)
                yield item

    read_when_extracted = []

    def spy(*args, **options):
        for pair in scale.map_extractions(*args, **options):
            read_when_extracted.append(len(read))
            yield pair

    monkeypatch.setattr(pipeline, "map_extractions", spy)
    extractions, skipped = pipeline.extract_all(corpus(), ("gazetteer",))
    assert scale.BATCH == 16 and len(extractions) == 40
    assert read_when_extracted == [16] * 16 + [32] * 16 + [40] * 8
    assert skipped == [Skipped("broken.txt", "not UTF-8")]


def test_resolution_shared_out_to_two_processes_equals_one(tmp_path, monkeypatch):
    """``resolve_all(…, jobs=2)`` merges groups of events and names entities in a forked child too."""
    import os

    import graph.pipeline as pipeline
    from graph.ingest import read_sources
    from graph.records import Article

    articles = [a for a in read_sources([SEEDS]) if isinstance(a, Article)]
    extractions = [pipeline.extract_article(a, ("gazetteer", "pattern")) for a in articles]
    one = pipeline.resolve_all(extractions)
    pids = tmp_path / "pids"

    def traced(task):
        def run(*args):
            with pids.open("a") as out:
                out.write(f"{os.getpid()}\n")
            return task(*args)
        return run

    monkeypatch.setattr(pipeline, "merge_group", traced(pipeline.merge_group))
    monkeypatch.setattr(pipeline, "name_entities", traced(pipeline.name_entities))
    two = pipeline.resolve_all(extractions, jobs=2)
    assert len({line for line in pids.read_text().split()}) == 2 and os.getpid() in map(int, pids.read_text().split())
    assert two == one and {n.kind for n in one.events} >= {EventKind.MEETING, EventKind.STATEMENT}
