"""Golden tests: small hand-written articles give exactly the expected graph (by isomorphism).

Set UPDATE_GOLDEN=1 to rewrite the expected files after a reviewed change.
"""

import os

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from graph.pipeline import extract_all, resolve_all
from graph.ingest import read_sources
from graph.rdf import build_dataset
from graph.serialize import union_graph
from tests.conftest import DATA

CASES = sorted(p.stem for p in (DATA / "golden").glob("*.txt"))
CHAIN = ("gazetteer", "pattern")


@pytest.mark.parametrize("name", CASES)
def test_snippet_graph_is_the_golden_graph(name):
    source = DATA / "golden" / f"{name}.txt"
    extractions, skipped = extract_all(read_sources([source]), CHAIN)
    assert not skipped
    got = union_graph(build_dataset(extractions, resolve_all(extractions)))
    expected_path = DATA / "golden" / f"{name}.ttl"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_bytes(got.serialize(format="turtle", encoding="utf-8"))
    expected = Graph().parse(expected_path)
    if not isomorphic(got, expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail(f"unexpected:\n{only_got.serialize(format='nt')}\nmissing:\n{only_expected.serialize(format='nt')}")
