"""Dates in Arabic news: publication dates, and event dates in running text.

Both month-name systems (يونيو / حزيران) and Eastern Arabic digits are read.
Relative expressions (الأربعاء، أمس، الأسبوع الماضي، أكتوبر المنصرم) are
resolved against the publication date; without one, a month and day keep no
year (``--10-28``, precision ``month-day``) and are marked ``unresolved``
rather than guessed. Precision maps to XSD: day → date, month → gYearMonth,
year → gYear, month-day → gMonthDay, month-only → gMonth.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from operator import attrgetter
from typing import NamedTuple

from graph.records import DateValue, Token
from graph.text import WordMemo, clitic_variants, normalize_text, norms_of, positions, tokenize

__all__ = ["parse_publication_date", "find_dates", "normalize_date", "MONTHS", "UNKNOWN_DATE"]

_EASTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_EASTERN_DIGIT = re.compile("[٠-٩۰-۹]")
_TEXT = attrgetter("text")
MONTHS = {
    normalize_text(name): number
    for number, names in enumerate(
        [
            ("يناير", "كانون الثاني", "جانفي"),
            ("فبراير", "شباط", "فيفري"),
            ("مارس", "آذار"),
            ("أبريل", "إبريل", "نيسان", "أفريل"),
            ("مايو", "أيار", "ماي"),
            ("يونيو", "حزيران", "يونيه", "جوان"),
            ("يوليو", "تموز", "يوليه", "جويلية"),
            ("أغسطس", "آب", "أوت"),
            ("سبتمبر", "أيلول"),
            ("أكتوبر", "تشرين الأول"),
            ("نوفمبر", "تشرين الثاني"),
            ("ديسمبر", "كانون الأول"),
        ],
        start=1,
    )
    for name in names
}
UNKNOWN_DATE = DateValue(value="", precision="", certainty="unknown")
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_ISO = re.compile(r"\b(\d{4})\s*-\s*(\d{1,2})\s*-\s*(\d{1,2})\b")
_DMY = re.compile(r"\b(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})\b")
_WORDS = re.compile(rf"\b(\d{{1,2}})\s+(?:من\s+)?({_MONTH_ALT})\s+(\d{{4}})\b")
_DAY = re.compile(r"^[وف]?(\d{1,2})$")
_YEAR = re.compile(r"^[وف]?(\d{4})م?$")
_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
_AMBIGUOUS_WEEKDAYS = {"الاثنين", "الاحد", "الجمعه"}  # also "the two", "the one", "Friday prayer"
_CURRENT = {"الحالي", "الجاري"}
_PAST = {"المنصرم", "الماضي", "الفائت", "السابق"}
_RANGE_LINK = {"و", "الي", "حتي", "وحتي", "-", "–"}
_YEAR_CUE = {"عام", "العام", "سنه", "السنه", "منذ", "خلال"}
_DAY_CUES = frozenset({"في", "بتاريخ", "يومي"})  # words that start a date only before a day number
_STARTERS = frozenset({"يوم", "اليوم", "شهر", "لشهر", "بشهر", "وشهر", "اول", "امس",
                       "الاسبوع", "الشهر", *_YEAR_CUE, *_WEEKDAYS, *(m.split()[0] for m in MONTHS)})
_NUMERIC_HINT = re.compile(r"\d\s*[-/.]\s*\d")


def parse_publication_date(text: str) -> dt.date | None:
    """The first full date written in ``text``, or None.

    Slash dates are read month-first (``10/28/2014``) when the first number
    cannot be a month... and day-first otherwise, as Arabic outlets print them.

    >>> parse_publication_date("تابعنا على: 00:12 2016-05-13")
    datetime.date(2016, 5, 13)
    >>> parse_publication_date("• 10/28/2014")
    datetime.date(2014, 10, 28)
    >>> parse_publication_date("نشر في هسبريس يوم 04 - 07 - 2018")
    datetime.date(2018, 7, 4)
    >>> parse_publication_date("الأربعاء 3 حزيران 2020")
    datetime.date(2020, 6, 3)
    """
    text = text.translate(_EASTERN)
    candidates = []
    for match in _ISO.finditer(text):
        candidates.append((match.start(), _date(match[1], match[2], match[3])))
    for match in _DMY.finditer(text):
        first, second, year = int(match[1]), int(match[3]), match[4]
        day, month = (second, first) if second > 12 >= first else (first, second)
        candidates.append((match.start(), _date(year, month, day)))
    norm = normalize_text(text)
    for match in _WORDS.finditer(norm):
        candidates.append((len(text), _date(match[3], MONTHS[match[2]], match[1])))
    dates = [c for c in sorted(candidates, key=lambda c: c[0]) if c[1]]
    return dates[0][1] if dates else None


def find_dates(text: str, published: dt.date | None,
               tokens: Sequence[Token] | None = None) -> list[tuple[int, int, DateValue]]:
    """Every date expression in ``text`` as ``(start, end, DateValue)``, in order.

    Offsets index ``text``; relative dates are resolved against ``published``.
    ``tokens`` are the text's tokens when they are made already (a
    :class:`~graph.records.Document`'s: the same spans as :func:`~graph.text.tokenize`).

    >>> [d.value for _, _, d in find_dates("عقد الأربعاء", dt.date(2016, 5, 13))]
    ['2016-05-11']
    >>> d = find_dates("يومي 28 و29 أكتوبر المنصرم", dt.date(2022, 11, 3))[0][2]
    >>> (d.value, d.end, d.certainty)
    ('2022-10-28', '2022-10-29', 'relative')
    """
    eastern = _EASTERN_DIGIT.search(text) is not None
    plain = text.translate(_EASTERN) if eastern else text
    found = [(s, e, _with_text(v, text[s:e])) for s, e, v in _numeric_dates(plain)]
    taken = [(s, e) for s, e, _ in found]
    spans = [_Span(*t) for t in tokenize(text)] if tokens is None else tokens
    words = _words(spans, tokens is not None and not eastern)
    after = 0
    for i in positions(_MAY_START_DATE.__getitem__, words):
        if i < after or words[i] in _DAY_CUES and not _DAY.match(_norm(words, i + 1)) \
                or any(s <= spans[i].start < e for s, e in taken):
            continue
        hit = _match_words(words, i, published)
        if hit is None:
            continue
        after, value = hit
        start, end = spans[i].start, spans[after - 1].end
        found.append((start, end, _with_text(value, text[start:end])))
    return sorted(found)


def normalize_date(text: str, published: dt.date | None = None) -> DateValue:
    """The first date in ``text`` as a DateValue; unknown when none is stated.

    >>> normalize_date("في مايو 2017").value
    '2017-05'
    >>> normalize_date("بلا تاريخ").certainty
    'unknown'
    """
    dates = find_dates(text, published)
    return dates[0][2] if dates else UNKNOWN_DATE


def _numeric_dates(plain: str) -> list[tuple[int, int, DateValue]]:
    """Dates written in digits only. Both patterns hold a digit, a separator and a digit; the
    hint, which starts on a digit, finds none in most texts faster than they fail."""
    found = []
    if _NUMERIC_HINT.search(plain) is None:
        return found
    for match in _ISO.finditer(plain):
        day = _date(match[1], match[2], match[3])
        if day:
            found.append((match.start(), match.end(), DateValue(day.isoformat(), "day", text=match[0])))
    for match in _DMY.finditer(plain):
        if any(s <= match.start() < e for s, e, _ in found):
            continue
        first, second = int(match[1]), int(match[3])
        d, m = (second, first) if second > 12 >= first else (first, second)
        day = _date(match[4], m, d)
        if day:
            found.append((match.start(), match.end(), DateValue(day.isoformat(), "day", text=match[0])))
    return found


class _Span(NamedTuple):
    start: int
    end: int
    text: str


def _words(spans, normalised: bool) -> list[str]:
    """The words of a text as the date patterns read them. ``normalised``: the spans are a
    document's tokens and the text has no Eastern digit, so their normalised forms serve (the
    one difference, a token normalised to nothing read as itself, starts and continues no date)."""
    if normalised:
        return norms_of(spans)
    return list(map(_DATE_WORDS.__getitem__, map(_TEXT, spans)))


def _date_word(surface: str) -> str:
    """A word as the date patterns read it: Eastern digits made ASCII, normalised (memoised:
    a text repeats its words). Tokens of a text and of its translation are the same spans:
    each digit is one word character either way."""
    return normalize_text(surface.translate(_EASTERN))


def _may_start_date(norm: str) -> bool:
    """False for a word no date pattern can start with (most words): it holds no digit, no
    proclitic form of it is a month, weekday or date cue word, and it is no day cue (في،
    بتاريخ، يومي: those start a date only before a day number, checked where they stand)."""
    return (norm in _DAY_CUES or any(ch.isdigit() for ch in norm)
            or any(v in _STARTERS for v in clitic_variants(norm)))


_DATE_WORDS = WordMemo(_date_word)
_MAY_START_DATE = WordMemo(_may_start_date)


def _match_words(words, i, published):
    """Try each pattern family at word ``i``: ``(end_index, DateValue)`` or None."""
    for pattern in (_day_month, _month_only, _year_only, _weekday, _relative_phrase):
        hit = pattern(words, i, published)
        if hit:
            return hit
    return None


def _day_month(words, i, published):
    j = i + 1 if _norm(words, i) in ("يوم", "يومي", "في", "بتاريخ") else i
    day = _DAY.match(_norm(words, j))
    if not day:
        return None
    j += 1
    day2 = None
    if _norm(words, j) in _RANGE_LINK and _DAY.match(_norm(words, j + 1)):
        day2, j = _DAY.match(_norm(words, j + 1)), j + 2
    elif _DAY.match(_norm(words, j)):
        day2, j = _DAY.match(_norm(words, j)), j + 1
    j += _norm(words, j) == "من"
    j += _norm(words, j) in ("شهر", "لشهر")
    month = _month_at(words, j)
    if not month:
        return None
    number, j = month
    end, value = _resolve_month(words, j, number, published, int(day[1]), int(day2[1]) if day2 else None)
    return (end, value) if value else None


def _month_only(words, i, published):
    j = i + (_norm(words, i) in ("شهر", "لشهر", "بشهر", "وشهر"))
    month = _month_at(words, j)
    if not month:
        return None
    number, j = month
    if len(_norm(words, j - 1)) < 4 and not _YEAR.match(_norm(words, j)):
        return None  # "آب", "ماي" alone are ordinary words too
    end, value = _resolve_month(words, j, number, published, None, None)
    return (end, value) if value else None


def _year_only(words, i, published):
    norm = _norm(words, i)
    year = _YEAR.match(norm)
    if year and norm.endswith("م") or (year and i > 0 and _stem(words, i - 1) in _YEAR_CUE | {"في"}):
        return i + 1, DateValue(year[1], "year")
    if _stem(words, i) in _YEAR_CUE:
        year = _YEAR.match(_norm(words, i + 1))
        if year:
            return i + 2, DateValue(year[1], "year")
        if published and _norm(words, i + 1) in _PAST and _norm(words, i) in ("العام", "السنه"):
            return i + 2, DateValue(str(published.year - 1), "year", "relative")
        if published and _norm(words, i + 1) in _CURRENT and _norm(words, i) in ("العام", "السنه"):
            return i + 2, DateValue(str(published.year), "year", "relative")
    return None


def _weekday(words, i, published):
    cue = _norm(words, i) in ("يوم", "اليوم")
    j = i + 1 if cue else i
    name = _stem_with_al(words, j)
    if name not in _WEEKDAYS or published is None:
        return None
    if name in _AMBIGUOUS_WEEKDAYS and not cue:
        return None
    back = (published.weekday() - _WEEKDAYS[name]) % 7
    day = published - dt.timedelta(days=back)
    return j + 1, DateValue(day.isoformat(), "day", "relative")


def _relative_phrase(words, i, published):
    if published is None:
        return None
    first, second = _stem_with_al(words, i), _norm(words, i + 1)
    if first == "امس" or (_norm(words, i) == "اول" and second == "امس"):
        days = 2 if first != "امس" else 1
        return i + 1 + (days == 2), DateValue((published - dt.timedelta(days=days)).isoformat(), "day", "relative")
    if first == "الاسبوع" and second in _PAST:
        start, end = published - dt.timedelta(days=7), published - dt.timedelta(days=1)
        return i + 2, DateValue(start.isoformat(), "day", "relative", end=end.isoformat())
    if first == "الشهر" and second in _PAST | _CURRENT:
        year, month = published.year, published.month
        if second in _PAST:
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return i + 2, DateValue(f"{year:04d}-{month:02d}", "month", "relative")
    return None


def _resolve_month(words, j, month, published, day, day2):
    """Year of a month name: written, or from a modifier and the publication date."""
    modifier = _norm(words, j)
    if modifier == "(" and _month_at(words, j + 1):  # "أكتوبر (تشرين الأول)"
        _, after = _month_at(words, j + 1)
        if _norm(words, after) == ")":
            j = after + 1
            modifier = _norm(words, j)
    year = _YEAR.match(modifier)
    if year:
        return j + 1, _value(int(year[1]), month, day, day2, "stated")
    if published is None:
        return j + (modifier in _CURRENT | _PAST), _yearless(month, day, day2)
    if modifier in _CURRENT:
        return j + 1, _value(published.year, month, day, day2, "relative")
    if modifier in _PAST:
        year = published.year if month < published.month else published.year - 1
        return j + 1, _value(year, month, day, day2, "relative")
    year = published.year if month <= published.month else published.year - 1
    return j, _value(year, month, day, day2, "relative")


def _value(year, month, day, day2, certainty) -> DateValue | None:
    if day is None:
        return DateValue(f"{year:04d}-{month:02d}", "month", certainty)
    first, last = _date(year, month, day), _date(year, month, day2) if day2 and day2 > day else None
    if first is None:
        return None
    return DateValue(first.isoformat(), "day", certainty, end=last.isoformat() if last else "")


def _yearless(month, day, day2) -> DateValue:
    if day is None:
        return DateValue(f"--{month:02d}", "month-only", "unresolved")
    end = f"--{month:02d}-{day2:02d}" if day2 else ""
    return DateValue(f"--{month:02d}-{day:02d}", "month-day", "unresolved", end=end)


def _month_at(words, j):
    """``(month number, index after the name)`` when a month name starts at ``j``."""
    if j >= len(words):
        return None
    for index, variant in enumerate(clitic_variants(words[j])):
        if index and len(variant) < 4:
            continue
        two = f"{variant} {_norm(words, j + 1)}"
        if two in MONTHS:
            return MONTHS[two], j + 2
        if variant in MONTHS:
            return MONTHS[variant], j + 1
    return None


def _norm(words, i) -> str:
    return words[i] if 0 <= i < len(words) else ""


def _stem(words, i) -> str:
    variants = clitic_variants(_norm(words, i)) if 0 <= i < len(words) else ("",)
    return next((v for v in variants if v in _YEAR_CUE), variants[-1])


def _stem_with_al(words, i) -> str:
    """The word with a conjunction or preposition removed but ``ال`` kept."""
    variants = clitic_variants(_norm(words, i)) if 0 <= i < len(words) else ("",)
    return next((v for v in variants if v.startswith("ال") or v in ("امس",)), variants[0])


def _with_text(value: DateValue, text: str) -> DateValue:
    return DateValue(value.value, value.precision, value.certainty, value.end, text)


def _date(year, month, day) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
