"""Property tests: any text goes through ingest and extraction; any tiny corpus gives valid Turtle."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from graph.errors import IngestError, StageError
from graph.ingest import decode_bytes, parse_article
from graph.pipeline import extract_article, resolve_all
from graph.rdf import build_dataset
from graph.recognize import DEFAULT_CHAIN
from graph.records import Article
from graph.serialize import union_graph

CHAIN = ("gazetteer", "pattern", "crf")
CHAINS = pytest.mark.parametrize("chain", [CHAIN, DEFAULT_CHAIN], ids=["crf", "default"])
WORDS = ["قال", "وزير", "الخارجية", "الأمين", "العام", "للأمم", "المتحدة", "أنطونيو", "غوتيريش", "في", "عمان",
         "الرياض", "بغداد", "اجتماع", "مجلس", "الأمن", "الدولي", "داعش", "الرئيس", "عبد", "الفتاح", "السيسي",
         "التقى", "يوم", "الأربعاء", "2016", "مايو", "أيار", "إن", "و", ".", "،", ":", "«", "»", "\"", "(", ")",
         "\n", "\n\n", "وأكد", "بالقاهرة", "لمجلس", "شركة", "مايكروسوفت", "بيل", "جيتس", "المقبل", "الماضي"]
ODD = ["\u200c", "\u200d", "\u200f", "\u202b", "\u202c", "\u2067", "\u2069", "\ufeff", "\u064e", "\u0651",
       "\u0640", "ﻻ", "ﷲ", "٣", "x" * 50, "ب" * 300, "\t", "\r\n", "\u2028", "\x00", "\ud7ff", "😀", "<p>"]

arabicish = st.lists(st.sampled_from(WORDS + ODD), min_size=0, max_size=80).map(" ".join)
any_text = st.one_of(st.text(max_size=300), arabicish,
                     st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=200))
quick = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@CHAINS
@quick
@given(text=any_text)
def test_any_text_extracts_or_says_why(chain, text):
    """No exception but the typed 'no tokens'; every offset points at its own text."""
    article = Article(id="p", text=text)
    try:
        extraction = extract_article(article, chain)
    except StageError as error:
        assert error.stage == "text" and "no tokens" in str(error)
        return
    for mention in extraction.mentions:
        assert text[mention.start:mention.end] == mention.surface and mention.surface.strip()
    for event in extraction.events:
        assert 0 <= event.start <= event.end <= len(text)


@quick
@given(st.one_of(any_text, st.text(alphabet=st.characters(exclude_categories=()), max_size=300)))
def test_any_text_parses_to_an_article_or_an_ingest_error(text):
    """Lone surrogates too (JSON can write them): an article holds only text every encoder accepts."""
    try:
        article = parse_article(text, article_id="p\udcff", title=text[:40])
    except IngestError as error:
        assert error.reason
        return
    assert article.text and article.text == article.text.strip()
    assert all(field.encode("utf-8") for field in (article.text, article.title, article.id))


@quick
@given(st.binary(max_size=400))
def test_any_bytes_decode_or_raise_an_ingest_error(data):
    try:
        assert isinstance(decode_bytes(data), str)
    except IngestError as error:
        assert error.reason


@CHAINS
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(arabicish, min_size=1, max_size=3))
@example(texts=["وزير ـ ـ"])  # once a person "ـ ـ": a title, then tatweels only
def test_a_tiny_corpus_serialises_to_turtle_that_parses(chain, texts):
    articles = [Article(id=f"a{i}", text=t, title=t[:40]) for i, t in enumerate(texts)]
    extractions = []
    for article in articles:
        try:
            extractions.append(extract_article(article, chain))
        except StageError:
            continue
    if not extractions:
        return
    g = union_graph(build_dataset(extractions, resolve_all(extractions)))
    parsed = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    assert len(parsed) == len(g) > 0


@CHAINS
@pytest.mark.parametrize("text", ["", " ", "\u200f", "ـــ", "\ufeff\u202b", "ب" * 10_000, "وزير ـ ـ", "قال ـ ـ ـ"])
def test_edge_texts(text, chain):
    try:
        extraction = extract_article(Article(id="e", text=text), chain)
        assert all(m.surface.strip("ـ ") for m in extraction.mentions)
    except StageError as error:
        assert "no tokens" in str(error)
