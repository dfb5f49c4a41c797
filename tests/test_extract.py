"""Extraction of several articles at once gives each article what it gets alone, bit for bit."""

import json
import os
import subprocess
import sys

import pytest

import graph.extract
from graph.extract import extract_articles, extract_or_reason
from graph.ingest import read_sources
from graph.records import Article
from graph.recognize import DEFAULT_CHAIN
from tests.conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def mixed() -> list[Article]:
    seeds = [a for a in read_sources([SEEDS]) if isinstance(a, Article)]
    return [*seeds[:2], Article(id="blank", text=" \n "), Article(id="latin", text="Only Latin words here."), *seeds[2:]]


def test_a_batch_gives_each_article_its_own_extraction(mixed):
    alone = [extract_or_reason(article, DEFAULT_CHAIN) for article in mixed]
    assert extract_articles(mixed, DEFAULT_CHAIN) == alone
    assert alone[2] == "StageError: text: article blank: no tokens"
    assert extract_articles(mixed, DEFAULT_CHAIN, compact=True) == [
        r if isinstance(r, str) else r.compact() for r in alone]


def test_a_failing_batch_falls_back_to_one_article_at_a_time(mixed, monkeypatch):
    alone = [extract_or_reason(article, DEFAULT_CHAIN) for article in mixed]

    def broken(documents, chain):
        raise MemoryError("the batch is too large")

    monkeypatch.setattr(graph.extract, "batched_mentions", broken)
    assert extract_articles(mixed, DEFAULT_CHAIN) == alone


_BATCHED = """
import json, sys
import numpy as np
from graph.extract import extract_articles, extract_or_reason
from graph.ingest import read_sources
from graph.recognize import DEFAULT_CHAIN, get_recognizer
from graph.records import Article
from graph.text import analyze_text

articles = [a for a in read_sources(sys.argv[1:]) if isinstance(a, Article)]
tagger = get_recognizer("neural").tagger
texts = []
for article in articles:
    document = analyze_text(article)
    texts.append([[t.text for t in document.sentence_tokens(s.index)] for s in document.sentences])
together = tagger.tag([s for sentences in texts for s in sentences if s])
alone = [row for sentences in texts for row in tagger.tag([s for s in sentences if s])]
bits = all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(together, alone))
single = [extract_or_reason(a, DEFAULT_CHAIN) for a in articles]
batched = [r for i in range(0, len(articles), 7) for r in extract_articles(articles[i:i + 7], DEFAULT_CHAIN)]
print(json.dumps({"batchable": tagger.batchable, "bits": bits and len(together) == len(alone),
                  "same": batched == single, "articles": len(articles)}))
"""


def test_where_the_kernels_allow_a_batch_is_tagged_at_once_with_the_same_bits(tmp_path):
    """OpenBLAS's AVX-512 kernels round every row of a product alike; its Haswell kernels (pinned
    by ``OPENBLAS_CORETYPE`` on some machines, picked on AMD Zen) round a row by its stripe, and
    the tagger lays the batch out in stripes; this runs with the kernels OpenBLAS picks itself."""
    from graph.synthetic import make_corpus

    make_corpus(20, tmp_path / "corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}
    done = subprocess.run([sys.executable, "-c", _BATCHED, str(SEEDS), str(tmp_path / "corpus")], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["articles"] == 25 and result["same"]
    if not result["batchable"]:
        pytest.skip("this machine's BLAS kernels round a row by its place in a product, stripes or not: "
                    "tagged article by article")
    assert result["bits"]
