"""Shared fixtures: one seed build per test session, small articles from snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.records import Article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """Build the five seed articles once; yields (report, output folder)."""
    from graph.pipeline import build_corpus

    out = tmp_path_factory.mktemp("seed-build")
    report = build_corpus([SEEDS], out)
    return report, out


@pytest.fixture(scope="session")
def seed_graph(seed_build):
    from rdflib import Graph

    return Graph().parse(seed_build[1] / "graph.ttl")


def make_article(text: str, article_id: str = "t", **metadata) -> Article:
    return Article(id=article_id, text=text, **metadata)
