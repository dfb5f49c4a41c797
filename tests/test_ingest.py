import codecs
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.ingest import decode_bytes, parse_article, read_sources
from graph.records import Article, Skipped
from tests.conftest import SEEDS

BODY = "قال وزير الخارجية المصري في القاهرة إن التعاون الدولي ضروري لمكافحة الإرهاب في المنطقة كلها."


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),
    lambda t: t.encode("utf-16-le"),
    lambda t: t.encode("cp1256"),
])
def test_encodings_decode_to_the_same_text(encode):
    assert decode_bytes(encode(BODY)) == BODY


def test_bad_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "good.txt").write_text(BODY, encoding="utf-8")
    results = list(read_sources([tmp_path, tmp_path / "missing.txt"]))
    skipped = {s.source.split("/")[-1]: s.reason for s in results if isinstance(s, Skipped)}
    assert "empty" in skipped["empty.txt"]
    assert "binary" in skipped["binary.txt"] or "not UTF-8" in skipped["binary.txt"]
    assert "no such file" in skipped["missing.txt"]
    assert [a.id for a in results if isinstance(a, Article)] == ["good"]


def test_json_lines_keep_fields_and_report_bad_lines(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps({"id": "a1", "text": BODY, "title": "عنوان", "url": "https://x.test/1",
                         "published": "2018-07-04", "source": "هسبريس"}, ensure_ascii=False),
             "{not json", json.dumps({"id": "a3"}), json.dumps([1, 2])]
    path.write_text("\n".join(lines), encoding="utf-8")
    results = list(read_sources([path]))
    article = next(r for r in results if isinstance(r, Article))
    assert (article.id, article.title, article.outlet, str(article.published)) == ("a1", "عنوان", "هسبريس", "2018-07-04")
    reasons = [r.reason for r in results if isinstance(r, Skipped)]
    assert len(reasons) == 3 and any("invalid JSON" in r for r in reasons) and any("'text'" in r for r in reasons)


def test_a_json_lines_id_is_kept_whatever_its_value_and_only_a_missing_one_is_made(tmp_path):
    path = tmp_path / "feed.jsonl"
    ids = [0, -5, "", None, "a b"]
    path.write_text("\n".join(json.dumps({"id": i, "text": BODY}) for i in ids), encoding="utf-8")
    (tmp_path / "more.jsonl").write_text(json.dumps({"text": BODY}), encoding="utf-8")
    found = [r.id for r in read_sources([tmp_path]) if isinstance(r, Article)]
    assert found == ["0", "-5", "feed-3", "feed-4", "a b", "more-1"]


def test_page_chrome_is_removed_generically():
    ticker = "    ".join(f"عنوان خبر قصير رقم {i} عن موضوع آخر" for i in range(12))
    raw = "\n".join([ticker, "شارك هذا الخبر", "عنوان المقال الرئيسي هنا", BODY, "آخر الأخبار", "العودة إلى الأعلى"])
    article = parse_article(raw, "x")
    assert article.text == "عنوان المقال الرئيسي هنا\n" + BODY
    assert article.title == "عنوان المقال الرئيسي هنا"


def test_seed_metadata():
    articles = {a.id[:3]: a for a in read_sources([SEEDS])}
    assert len(articles) == 5
    assert (str(articles["000"].published), articles["000"].dateline, articles["000"].outlet) == ("2016-05-13", "واشنطن", "أمد")
    assert str(articles["002"].published) == "2014-10-28"
    assert (str(articles["003"].published), articles["003"].outlet) == ("2018-07-04", "هسبريس")
    assert articles["004"].byline == "مصطفى قسيوي"
    assert articles["001"].byline == "احمد الجزار"
    assert "بنكيران" not in articles["003"].text and "شكرا على الإبلاغ" not in articles["003"].text
    assert articles["003"].title == "إعلان الحرب على الإرهاب الإلكتروني"
    assert "زر الذهاب" not in articles["004"].text and "اترك تعليق" not in articles["004"].text


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b"\x00", b"\x06", b"\x27", b"\xd8", b"\xd9", b"\x20", b"a", b"\xff", b"\xdc"]),
                max_size=64).map(b"".join) | st.binary(max_size=64),
       st.sampled_from(["utf-16-le", "utf-16-be"]))
def test_the_utf16_guess_rejects_early_only_what_it_would_reject(data, encoding):
    """The high-byte shortcut never changes the answer of the full check."""
    import re

    from graph.ingest import _looks_utf16
    from graph.text import ARABIC_LETTER

    sample = data[: len(data) // 2 * 2]
    text = sample.decode(encoding, errors="replace")
    letters = len(re.findall(f"[{ARABIC_LETTER}]", text)) + sum(c.isascii() and c.isprintable() for c in text)
    full = len(text) > 0 and letters / len(text) > 0.6 and "\ufffd" not in text[:-1]
    assert _looks_utf16(sample, encoding) == full


def test_a_line_too_long_for_a_widget_stays_too_long_once_normalised():
    """The shortcut that spares normalising paragraphs: every letter or digit it counts survives
    normalisation, and no white space between words is removed."""
    import re
    import sys

    from graph.ingest import _SOLID_WORD, _longer_than_widgets
    from graph.text import normalize_text

    counted = [chr(c) for c in range(sys.maxunicode + 1) if _SOLID_WORD.fullmatch(chr(c))]
    assert len(counted) > 200
    assert all(re.fullmatch(r"\S+", normalize_text(c)) for c in counted)
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert all(normalize_text(f"ا{s}ب") == "ا ب" for s in spaces)
    assert _longer_than_widgets(" ".join(["ـ"] * 30 + ["كلمة"] * 15))
    assert not _longer_than_widgets(" ".join(["ـ"] * 30 + ["كلمة"] * 14))


def test_globs_read_the_files_and_folders_they_match_and_report_when_they_match_nothing(tmp_path):
    for name in ("2016-05/a.txt", "2016-06/b.txt", "2017-01/c.txt", "2017-01/notes.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(BODY, encoding="utf-8")
    items = list(read_sources([str(tmp_path / "2016-*"), str(tmp_path / "2015-*"), str(tmp_path / "2017-*/*.txt")]))
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "b", "c"]
    assert items[0] == Skipped(str(tmp_path / "2015-*"), "no such file, folder or matching glob")
