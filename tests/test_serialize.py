"""Writers: every format parses back to the same graph, here and in other stores."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from graph.serialize import WRITERS, atomic_path, get_writer, load_context, sorted_lines, write_atomic
from sparql_support import fixture_dataset, fixture_graph, seed_output, write_build

RDFLIB_FORMATS = {"turtle": "turtle", "trig": "trig", "ntriples": "nt", "nquads": "nquads", "jsonld": "json-ld"}
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "ntriples": ox.RdfFormat.N_TRIPLES,
              "nquads": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
RAPPER_FORMATS = {"turtle": "turtle", "trig": "trig", "ntriples": "ntriples", "nquads": "nquads"}


@pytest.fixture(scope="module")
def fixture_out(tmp_path_factory):
    return write_build(fixture_dataset(), tmp_path_factory.mktemp("formats"), store=False)


def _parse(path, name) -> Graph:
    """The union graph of one written file, read by rdflib."""
    if name in ("trig", "nquads"):
        ds = Dataset()
        ds.parse(path, format=RDFLIB_FORMATS[name])
        g = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return Graph().parse(path, format=RDFLIB_FORMATS[name])


def _oxigraph_count(path, name) -> int:
    """Distinct triples pyoxigraph reads from the file, over all graphs."""
    return len({(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=OX_FORMATS[name])})


def test_registry_has_every_format():
    assert sorted(WRITERS) == ["jsonld", "nquads", "ntriples", "trig", "turtle"]
    assert get_writer("jsonld").filename == "graph.jsonld"
    with pytest.raises(ValueError, match="unknown format"):
        get_writer("rdfxml")


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_writer_round_trips_through_rdflib(fixture_out, name):
    expected = fixture_graph()
    assert isomorphic(_parse(fixture_out / WRITERS[name].filename, name), expected)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_pyoxigraph_reads_the_same_triples(fixture_out, name):
    assert _oxigraph_count(fixture_out / WRITERS[name].filename, name) == len(fixture_graph())


@pytest.mark.parametrize("name", sorted(RAPPER_FORMATS))
def test_rapper_counts_the_same_triples(fixture_out, name):
    if shutil.which("rapper") is None:
        pytest.skip("rapper not on PATH (apt-get install raptor2-utils)")
    path = fixture_out / WRITERS[name].filename
    assert _rapper_count(path, RAPPER_FORMATS[name]) == _statements(path, name) == len(fixture_graph())


def _statements(path, name) -> int:
    """What rapper counts: triples, or quads (a triple once per graph) for TriG/N-Quads."""
    if name not in ("trig", "nquads"):
        return len(_parse(path, name))
    ds = Dataset()
    ds.parse(path, format=RDFLIB_FORMATS[name])
    return len(list(ds.quads((None, None, None, None))))


def _rapper_count(path, fmt) -> int:
    run = subprocess.run(["rapper", "-i", fmt, "-c", str(path)], capture_output=True, text=True, check=True)
    last = [line for line in run.stderr.splitlines() if "Parsing returned" in line][-1]
    return int(last.split("returned")[1].split()[0])


def test_line_formats_are_sorted_and_stable(tmp_path):
    """Same graph, different insertion order: byte-identical N-Triples/N-Quads."""
    ds1 = fixture_dataset()
    quads = list(ds1.quads((None, None, None, None)))
    random.Random(7).shuffle(quads)
    ds2 = Dataset()
    for s, p, o, c in quads:
        cid = getattr(c, "identifier", c)
        (ds2.default_graph if cid == DATASET_DEFAULT_GRAPH_ID else ds2.graph(cid)).add((s, p, o))
    for name in ("ntriples", "nquads", "jsonld"):
        w = WRITERS[name]
        w.write(ds1, tmp_path / f"a-{w.filename}")
        w.write(ds2, tmp_path / f"b-{w.filename}")
        a, b = (tmp_path / f"a-{w.filename}").read_bytes(), (tmp_path / f"b-{w.filename}").read_bytes()
        assert a == b, name
    lines = (tmp_path / "a-graph.nt").read_bytes().splitlines()
    assert lines == sorted(set(lines)) and len(lines) == len(fixture_graph())


def test_jsonld_is_compacted_with_the_context(fixture_out):
    doc = json.loads((fixture_out / "graph.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == load_context()
    voronkov = next(n for n in doc["@graph"] if n["@id"].endswith("person-voronkov"))
    assert "Person" in voronkov["@type"]
    labels = voronkov["label"] if isinstance(voronkov["label"], list) else [voronkov["label"]]
    assert {"@language": "ar", "@value": "فلاديمير فورونكوف"} in labels
    assert "https://w3id.org/ankg/ont#Person" not in json.dumps(doc["@graph"])


def test_sorted_lines_drops_duplicates_and_blank_lines():
    assert sorted_lines(b"<b> <p> <o> .\n\n<a> <p> <o> .\n<a> <p> <o> .\n") == b"<a> <p> <o> .\n<b> <p> <o> .\n"


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "graph.ttl"
    write_atomic(target, "old\n")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_seed_output_loads_into_pyoxigraph_and_rapper(tmp_path):
    """The pipeline's own files, written by every writer, read by other stores."""
    out = seed_output()
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    write_build(ds, tmp_path, store=False)
    expected = _parse(tmp_path / "graph.ttl", "turtle")
    assert len(expected) > 100
    for name in sorted(WRITERS):
        path = tmp_path / WRITERS[name].filename
        assert _oxigraph_count(path, name) == len(expected), name
        if name == "jsonld":
            assert isomorphic(_parse(path, name), expected)
        if shutil.which("rapper") and name in RAPPER_FORMATS:
            assert _rapper_count(path, RAPPER_FORMATS[name]) == _statements(path, name), name


def test_terms_rdf_calls_equal_are_written_once(tmp_path):
    """"x" and "x"^^xsd:string are one RDF term: one statement, in N-Quads and in the union."""
    from rdflib import Dataset, Literal, URIRef
    from rdflib.namespace import XSD

    from graph.serialize import RdfExport

    s, p, g = URIRef("http://example.org/s"), URIRef("http://example.org/p"), URIRef("http://example.org/g")
    dataset = Dataset()
    for literal in (Literal("x"), Literal("x", datatype=XSD.string), Literal("y")):
        dataset.graph(g).add((s, p, literal))
    assert len(dataset.graph(g)) == 3
    export = RdfExport.from_dataset(dataset)
    with open(tmp_path / "out.nq", "wb") as out:
        export.copy_quads(ox.RdfFormat.N_QUADS, out)
    assert len((tmp_path / "out.nq").read_bytes().splitlines()) == 2
    assert export.statement_count == len(list(export.triples)) == len(export.union) == 2


def test_an_export_renders_only_the_graph_formats_asked_for(tmp_path):
    """A build without N-Quads output does not render them; the TriG is the same either way."""
    from graph.serialize import RdfExport

    def trig(export):
        with open(tmp_path / "out.trig", "wb") as out:
            export.copy_quads(ox.RdfFormat.TRIG, out)
        return (tmp_path / "out.trig").read_bytes()

    both = RdfExport.from_dataset(fixture_dataset())
    only = RdfExport.from_dataset(fixture_dataset(), graphs_formats=[ox.RdfFormat.TRIG])
    assert trig(only) == trig(both) and list(only.triples) == list(both.triples)
    with open(tmp_path / "out.nq", "wb") as out, pytest.raises(ValueError, match="did not render its named graphs"):
        only.copy_quads(ox.RdfFormat.N_QUADS, out)
    assert get_writer("trig").graphs_format == ox.RdfFormat.TRIG and get_writer("turtle").graphs_format is None


def _random_statements(seed: int, n: int) -> set[tuple]:
    rng = random.Random(seed)
    names = [ox.NamedNode(f"http://example.org/{rng.choice(['a', 'ab', 'a/', 'a#', 'b'])}{i}") for i in range(40)]
    objects = names + [ox.Literal(str(i)) for i in range(10)] + [ox.Literal("س", language="ar"), ox.BlankNode("b1"),
                                                                 ox.Literal("a\tb\nc"), ox.Literal("a"), ox.BlankNode("b12")]
    predicates = [RDF_TYPE, *names[:5], *(ox.NamedNode(f"http://example.org/p{end}") for end in ("", "-1", "/1", "1", ".x"))]
    return {(rng.choice(names[:15] + [ox.BlankNode("b0"), ox.BlankNode("b01")]), rng.choice(predicates),
             rng.choice(objects)) for _ in range(n)}


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_statement_lines_sort_as_turtle_wants_its_statements():
    """Byte order of the lines is (subject text, rdf:type first, predicate IRI, object text), as tuples sort."""
    from graph.serialize import statement_line

    statements = _random_statements(7, 800)
    by_tuple = sorted(statements, key=lambda t: (str(t[0]), t[1] != RDF_TYPE, t[1].value, str(t[2])))
    assert sorted(statements, key=lambda t: statement_line(*t)) == by_tuple


def test_the_union_sorted_on_disk_is_the_distinct_statements_in_turtle_order(tmp_path, monkeypatch):
    """Spilled in runs of 7 lines and merged: each statement once, as N-Triples Oxigraph writes them."""
    import graph.external_sort
    from graph.serialize import RdfExport

    statements = _random_statements(3, 600)
    quads = [(*t, ox.NamedNode(f"http://example.org/g{i % 5}")) for i, t in enumerate(sorted(statements, key=str) * 2)]
    quads.sort(key=lambda q: q[3].value)
    monkeypatch.setattr(graph.external_sort, "RUN_LINES", 7)
    export = RdfExport(quads, {})
    expected = sorted(statements, key=lambda t: (str(t[0]), t[1] != RDF_TYPE, t[1].value, str(t[2])))
    assert [q.triple for q in export.triples] == [ox.Triple(*t) for t in expected]
    assert export.statement_count == len(statements)
    with open(tmp_path / "union.nt", "wb") as out:
        export.copy_union(out)
    assert (tmp_path / "union.nt").read_bytes() == ox.serialize([ox.Triple(*t) for t in expected],
                                                                format=ox.RdfFormat.N_TRIPLES)
    export.release()


def _graph_files(export, tmp_path) -> dict:
    files = {}
    for fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        with open(tmp_path / "out", "wb") as out:
            export.copy_quads(fmt, out)
        files[fmt] = (tmp_path / "out").read_bytes()
    return files


def _union_files(export, tmp_path) -> bytes:
    with open(tmp_path / "union.nt", "wb") as out:
        export.copy_union(out)
    return (tmp_path / "union.nt").read_bytes()


@pytest.mark.parametrize("jobs", [2, 3])
def test_parts_made_by_forked_children_give_the_same_bytes(tmp_path, jobs):
    """With jobs > 1, children make, sort and render parts 2 to jobs while this process makes the first."""
    from graph.serialize import RdfExport

    here = RdfExport.from_dataset(fixture_dataset())
    forked = RdfExport.from_dataset(fixture_dataset(), jobs=jobs)
    assert list(forked.triples) == list(here.triples) and forked.statement_count == here.statement_count
    assert len(forked._graphs) == jobs and len(here._graphs) == 1  # made in parts, on jobs processes
    assert _union_files(forked, tmp_path) == _union_files(here, tmp_path)
    assert _graph_files(forked, tmp_path) == _graph_files(here, tmp_path)
    forked.release()


def test_a_child_that_fails_is_an_error_not_a_short_file(monkeypatch):
    import os

    from graph.errors import GraphError
    from graph.serialize import RdfExport, _NamedGraphs

    parent, render = os.getpid(), _NamedGraphs.add

    def broken(self, *graph):
        if os.getpid() != parent:
            raise RuntimeError("disk full")
        render(self, *graph)

    monkeypatch.setattr(_NamedGraphs, "add", broken)
    export = RdfExport.from_dataset(fixture_dataset(), jobs=2)
    with pytest.raises(GraphError, match="making the statements in a child process failed .exit status 1."):
        export.statement_count


def test_two_processes_merge_a_half_of_the_union_each_into_the_same_bytes(tmp_path, monkeypatch):
    """With jobs > 1 a child merges the lines above a pivot while this process merges those below."""
    import graph.external_sort
    import graph.forked
    from graph.serialize import RdfExport

    here = _union_files(RdfExport.from_dataset(fixture_dataset()), tmp_path)
    children, child = [], graph.forked.Child
    monkeypatch.setattr(graph.external_sort, "_SAMPLE", 64)  # pivots even in a small union
    monkeypatch.setattr(graph.forked, "Child", lambda what, *args: children.append(what) or child(what, *args))
    export = RdfExport.from_dataset(fixture_dataset(), jobs=2)
    assert _union_files(export, tmp_path) == here
    assert export.statement_count == here.count(b"\n") and "merging the statements" in children


def test_a_merging_child_that_fails_is_an_error(monkeypatch):
    import os

    import graph.external_sort
    import graph.serialize
    from graph.errors import GraphError
    from graph.serialize import RdfExport

    parent, write = os.getpid(), graph.serialize._write_statements

    def broken(blocks, out):
        if os.getpid() != parent:
            raise OSError("disk full")
        return write(blocks, out)

    monkeypatch.setattr(graph.external_sort, "_SAMPLE", 64)
    monkeypatch.setattr(graph.serialize, "_write_statements", broken)
    with pytest.raises(GraphError, match="merging the statements in a child process failed"):
        RdfExport.from_dataset(fixture_dataset(), jobs=2).statement_count


def test_a_daemonic_process_makes_every_part_itself(tmp_path, monkeypatch):
    """A pool worker (daemonic) may not start children: one part, in process, same bytes."""
    import multiprocessing
    from types import SimpleNamespace

    from graph.serialize import RdfExport

    here = _graph_files(RdfExport.from_dataset(fixture_dataset()), tmp_path)
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    export = RdfExport.from_dataset(fixture_dataset(), jobs=2)
    assert export.statement_count
    assert len(export._graphs) == 1 and _graph_files(export, tmp_path) == here


def test_without_room_for_a_child_every_part_is_made_here(tmp_path, monkeypatch):
    """Children that would not fit in memory beside this process are not started: same bytes, one process."""
    import graph.forked
    from graph.serialize import RdfExport

    assert graph.forked.room_to_fork()  # a test process is small
    here = _graph_files(RdfExport.from_dataset(fixture_dataset()), tmp_path)
    monkeypatch.setattr(graph.forked, "room_to_fork", lambda copies=1.0: False)
    export = RdfExport.from_dataset(fixture_dataset(), jobs=2)
    assert export.statement_count
    assert len(export._graphs) == 1 and _graph_files(export, tmp_path) == here


def test_a_stream_of_quads_is_made_in_one_part_whatever_the_jobs(tmp_path):
    from graph.serialize import RdfExport

    quads = [(*t, ox.NamedNode("http://example.org/g")) for t in sorted(_random_statements(5, 50), key=str)]
    export = RdfExport(iter(quads), {}, jobs=2)
    assert export.statement_count == len({q[:3] for q in quads}) and len(export._graphs) == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_written_aside_are_the_same_bytes(tmp_path, jobs):
    """With jobs > 1 a child writes Turtle and N-Triples from the union's file, TriG and N-Quads from the
    rendered graphs, while this process reads the union too."""
    from graph.serialize import RdfExport, write_aside

    writers = [get_writer("turtle"), get_writer("ntriples"), get_writer("trig"), get_writer("nquads")]
    expected = tmp_path / "expected"
    for writer in writers:
        writer.write(RdfExport.from_dataset(fixture_dataset()), expected / writer.filename)
    export = RdfExport.from_dataset(fixture_dataset())
    aside = write_aside(writers, export, tmp_path / "aside", jobs)
    assert (aside is not None) == (jobs > 1)
    g = export.union  # this process reads the union while the child writes
    if aside is not None:
        aside.result()
    assert len(g) == export.statement_count
    for writer in writers:
        assert (tmp_path / "aside" / writer.filename).read_bytes() == (expected / writer.filename).read_bytes()


def test_the_union_read_from_its_lines_is_what_oxigraph_parses_from_them():
    """Analysis reads the union's own N-Triples line by line: the same rdflib terms, the same ones left out."""
    from graph.serialize import RdfExport, rdflib_triples

    date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    odd = [ox.Literal('q"\\\u0001\u007f\ufffe\U0001F600 x'), ox.Literal("2018-07-04", datatype=date),
           ox.Literal("س\r\t", language="ar"), ox.Literal("7", datatype=ox.NamedNode("http://example.org/t"))]
    statements = sorted(_random_statements(11, 300), key=str)
    statements += [(ox.NamedNode("http://example.org/s"), RDF_TYPE, o) for o in odd]
    export = RdfExport([(*t, ox.NamedNode("http://example.org/g")) for t in statements], {})
    for skipped, types in (((), ()), (["http://example.org/a1"], ["http://example.org/b3", "http://example.org/a0"])):
        assert list(export._rdflib_union(skipped, types)) == list(rdflib_triples(export.triples, skipped, types))
    export.release()


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_a_file_appended_to_another_keeps_both_whole(kernel_copy, monkeypatch):
    """The upper half of a two-process merge is appended to the lower (by copy_file_range where Linux has it)."""
    import os
    import tempfile

    from graph.serialize import _append

    if not kernel_copy:
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    head, tail = os.urandom(3000), os.urandom(3 << 20)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as source:
        out.write(head)
        source.write(tail)
        _append(source, out)
        out.seek(0)
        assert out.read() == head + tail
