"""Date normaliser: a table of Arabic date expressions and what they mean."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.dates import find_dates, normalize_date, parse_publication_date
from graph.records import Article
from graph.text import analyze_text

PUB = dt.date(2016, 5, 13)  # a Friday

CASES = [
    # text, publication date, value, precision, certainty, end
    ("في 12 مايو 2016", None, "2016-05-12", "day", "stated", ""),
    ("في ١٢ مايو ٢٠١٦", None, "2016-05-12", "day", "stated", ""),
    ("الأربعاء 3 حزيران 2020", None, "2020-06-03", "day", "stated", ""),
    ("يوم 5 من شهر أيلول 2019", None, "2019-09-05", "day", "stated", ""),
    ("بتاريخ 2014-10-28", None, "2014-10-28", "day", "stated", ""),
    ("في فبراير 2015", None, "2015-02", "month", "stated", ""),
    ("المنعقد في مايو 2017", None, "2017-05", "month", "stated", ""),
    ("في كانون الثاني 2019", None, "2019-01", "month", "stated", ""),
    ("في عام 2008", None, "2008", "year", "stated", ""),
    ("سنة 2006", None, "2006", "year", "stated", ""),
    ("اجتماع عقد الأربعاء", PUB, "2016-05-11", "day", "relative", ""),
    ("يوم الجمعة", PUB, "2016-05-13", "day", "relative", ""),
    ("يوم الاثنين", PUB, "2016-05-09", "day", "relative", ""),
    ("في الكويت أمس", PUB, "2016-05-12", "day", "relative", ""),
    ("أول أمس", PUB, "2016-05-11", "day", "relative", ""),
    ("في ديسمبر", PUB, "2015-12", "month", "relative", ""),
    ("في مارس", PUB, "2016-03", "month", "relative", ""),
    ("يونيو الحالي", dt.date(2018, 6, 20), "2018-06", "month", "relative", ""),
    ("أكتوبر المنصرم", dt.date(2022, 11, 3), "2022-10", "month", "relative", ""),
    ("مايو الماضي", PUB, "2015-05", "month", "relative", ""),
    ("الشهر الماضي", PUB, "2016-04", "month", "relative", ""),
    ("العام الماضي", PUB, "2015", "year", "relative", ""),
    ("الأسبوع الماضي", dt.date(2018, 7, 4), "2018-06-27", "day", "relative", "2018-07-03"),
    ("يومي 28 و29 أكتوبر المنصرم", dt.date(2022, 11, 3), "2022-10-28", "day", "relative", "2022-10-29"),
    ("يومي 28 و29 أكتوبر 2022", None, "2022-10-28", "day", "stated", "2022-10-29"),
    ("من 21 وحتى 31 من شهر أكتوبر (تشرين الأول) الجاري", dt.date(2014, 10, 28),
     "2014-10-21", "day", "relative", "2014-10-31"),
    ("يومي 28 و29 أكتوبر المنصرم", None, "--10-28", "month-day", "unresolved", "--10-29"),
    ("يونيو الحالي", None, "--06", "month-only", "unresolved", ""),
]


@pytest.mark.parametrize("text,published,value,precision,certainty,end", CASES)
def test_date_table(text, published, value, precision, certainty, end):
    found = find_dates(text, published)
    assert found, text
    start, stop, date = found[0]
    assert (date.value, date.precision, date.certainty, date.end) == (value, precision, certainty, end)
    assert date.text == text[start:stop]


@pytest.mark.parametrize("text", [
    "استخدام الإنترنت لنشر رسائل التطرف",
    "شارك فيه 1000 شخص",
    "باب التعاون مع تنظيم داعش",          # "باب" is not August (آب)
    "الأحد عشر كوكبا",                    # "الأحد" without "يوم" is not Sunday
    "قبيل صلاة الجمعة",
    "في الكويت أمس",                      # relative, but no publication date to resolve it
])
def test_no_date(text):
    assert find_dates(text, None) == []


def test_unknown_when_nothing_stated():
    date = normalize_date("اجتماع في الكويت", PUB)
    assert (date.value, date.precision, date.certainty) == ("", "", "unknown")


def test_offsets_point_into_the_text():
    text = "قال دبلوماسيون إن الاجتماع عقد الأربعاء في نيويورك، بعد زيارة في فبراير 2015."
    spans = [text[s:e] for s, e, _ in find_dates(text, PUB)]
    assert spans == ["الأربعاء", "فبراير 2015"]


def test_publication_date_kept():
    assert parse_publication_date("نشر في هسبريس يوم 04 - 07 - 2018") == dt.date(2018, 7, 4)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="يومي 0123456789٠١٢٣٤٥و أكتوبر حزيران الأربعاء أمس الماضي المنصرم الحالي عام شهر-/.", max_size=60),
       st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))))
def test_find_dates_never_raises_and_offsets_hold(text, published):
    for start, end, date in find_dates(text, published):
        assert 0 <= start < end <= len(text)
        assert date.text == text[start:end]
        assert date.precision in ("day", "month", "year", "month-day", "month-only")
        assert not date.end or date.end >= date.value


def test_backwards_range_keeps_only_its_start():
    (_, _, date), = find_dates("من 31 وحتى 2 أكتوبر 2014", None)
    assert (date.value, date.end) == ("2014-10-31", "")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="يومي 0123456789٠١٢٣٤٥و أكتوبر حزيران الأربعاء أمس الماضي المنصرم الحالي عام شهر-/.\n", max_size=60),
       st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))))
def test_find_dates_reads_a_documents_tokens_as_its_own(text, published):
    tokens = analyze_text(Article(id="d", text=text)).tokens
    assert find_dates(text, published, tokens) == find_dates(text, published)


_DATE_VOCABULARY = ("في", "وفي", "يوم", "يومي", "اليوم", "بتاريخ", "من", "شهر", "أكتوبر", "تشرين", "الأول", "آب",
                    "الأربعاء", "الجمعة", "أمس", "أول", "الماضي", "الجاري", "عام", "العام", "خلال", "منذ", "الأسبوع",
                    "الشهر", "و", "(", ")", "-", "/", ".", "،", "\n", "3", "28", "٢٩", "2014", "١٠", "2016م", "05")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DATE_VOCABULARY), max_size=14).map(" ".join),
       st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))))
def test_words_ruled_out_start_no_date(text, published):
    """The shortcuts (a word no pattern starts with, a day cue without a day number, a text with
    no digit-separator-digit) find what trying every pattern at every word finds."""
    import re
    from unittest import mock

    import graph.dates as dates

    tokens = analyze_text(Article(id="d", text=text)).tokens
    expected = find_dates(text, published), find_dates(text, published, tokens)
    every_word = dates.WordMemo(lambda word: True)
    with mock.patch.multiple(dates, _MAY_START_DATE=every_word, _DAY_CUES=frozenset(), _NUMERIC_HINT=re.compile("")):
        assert (find_dates(text, published), find_dates(text, published, tokens)) == expected
