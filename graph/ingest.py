"""Files → Article records: encodings, page chrome, metadata.

Only whole lines of page furniture are dropped (tickers, widgets, "latest
news", image-report boxes), so the article text keeps the characters the
page printed. A file that cannot be read becomes a :class:`Skipped` record
with the reason; it never stops the build.
"""

from __future__ import annotations

import codecs
import datetime as dt
import glob
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from graph.dates import parse_publication_date
from graph.errors import IngestError
from graph.gazetteer import load_gazetteer, phrase_key
from graph.lexicon import lexicon_words
from graph.htmltext import html_to_text, looks_like_html
from graph.records import Article, Kind, Skipped
from graph.text import ARABIC_LETTER, normalize_text

__all__ = ["read_sources", "read_file", "decode_bytes", "parse_article", "path_text"]

SUFFIXES = (".txt", ".jsonl")
_ARABIC = re.compile(f"[{ARABIC_LETTER}]")
_TICKER_GAP = re.compile(r"\s{3,}|\t+")
_OUTLET_LINE = re.compile(r"^\s*نشر(?:ت)?\s+(?:في|فى|ب)\s+(?P<outlet>.+?)\s+(?:يوم|بتاريخ|في|فى)\s+.*\d")
_BYLINE = re.compile(r"^\s*(?:بقلم|كتب|كتبت|إعداد|اعداد)\s*[:：]?\s*(?P<name>[^\d]{3,40})$|^\s*(?P<slash>[^\d/]{3,40}?)\s*//\s*$")
_DATELINE = re.compile(r"^\s*(?P<outlet>[^\s/:]{2,20}(?: [^\s/:]{2,20})?)\s*/\s*(?P<city>[^/:\n]{2,25}?)\s*:")
_EDGE_FORMAT = re.compile("^[\\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+|[\\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+$")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NO_LETTERS = re.compile(r"^[\W\d_]*$")
_SOLID_WORD = re.compile(f"(?<!\\S)\\S*?[{ARABIC_LETTER}A-Za-z0-9٠-٩۰-۹]")  # a word with a letter or digit
_MAX_WIDGET_WORDS = 14
_MAX_HEADER_WORDS = 25
_MAX_TEXT_BYTES = 64 * 1024 * 1024
_MAX_ARTICLE_BYTES = 1024 * 1024


def read_sources(sources: Iterable[str | Path]) -> Iterator[Article | Skipped]:
    """Stream articles from files, folders and globs; bad inputs become Skipped.

    So do a source that matches nothing, a folder that cannot be listed (no
    permission), and what is not a regular file (a broken link, a FIFO:
    :func:`read_file`).
    """
    found: set[Path] = set()
    reported: set[Skipped] = set()
    for source in sources:
        unlisted: list[OSError] = []
        files = _source_files(source, unlisted)
        for error in unlisted:
            skip = Skipped(path_text(error.filename or source), f"cannot list: {error.strerror or error}")
            if skip not in reported:
                reported.add(skip)
                yield skip
        if not files and not unlisted and not (Path(source).exists() or glob.glob(str(source), recursive=True)):
            yield Skipped(path_text(source), "no such file, folder or matching glob")
        found.update(files)
    first_source: dict[str, str] = {}
    for path in sorted(found):
        for item in read_file(path):
            if isinstance(item, Article) and item.id in first_source:
                item = Skipped(item.source or item.id, f"duplicate article id {item.id!r} (first read from "
                               f"{first_source[item.id]}); give every article a unique id")
            elif isinstance(item, Article):
                first_source[item.id] = item.source or item.id
            yield item


def _source_files(source: str | Path, unlisted: list[OSError]) -> list[Path]:
    """A folder's article files (links to folders not followed), a file itself, or what a glob
    matches (its folders walked too); folders that cannot be listed are added to ``unlisted``."""
    path = Path(source)
    try:
        if path.is_dir():
            return [Path(folder, name) for folder, _, names in os.walk(path, onerror=unlisted.append)
                    for name in names if Path(name).suffix.lower() in SUFFIXES]
        if path.exists() or path.is_symlink():
            return [path]
    except OSError as error:
        unlisted.append(error)
        return []
    return [file for match in glob.glob(str(source), recursive=True) for file in _source_files(match, unlisted)]


def read_file(path: Path) -> Iterator[Article | Skipped]:
    """One file → its article(s); JSON Lines files give one per line."""
    try:
        size = _regular_file_size(path)
        jsonl = path.suffix.lower() == ".jsonl"
        if jsonl and size > _MAX_TEXT_BYTES:
            yield from _read_jsonl(path, _utf8_lines(path))
            return
        if size > (_MAX_TEXT_BYTES if jsonl else _MAX_ARTICLE_BYTES):
            limit = _MAX_TEXT_BYTES if jsonl else _MAX_ARTICLE_BYTES
            raise IngestError(path_text(path), f"{size / 2**20:.1f} MB is more than the {limit >> 20} MB limit "
                              "for one article; split it into articles")
        text = decode_bytes(path.read_bytes(), path_text(path))
        if jsonl:
            yield from _read_jsonl(path, text.split("\n"))
        else:
            yield parse_article(text, article_id=_stem_id(path), source=path_text(path))
    except IngestError as error:
        yield Skipped(error.source, error.reason)
    except OSError as error:
        yield Skipped(path_text(path), f"cannot read: {error.strerror or error}")


def _regular_file_size(path: Path) -> int:
    """The size of ``path``, or an IngestError for what is not a regular file (never opened:
    reading a FIFO waits for a writer) or an OSError where it cannot be reached."""
    try:
        status = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise IngestError(path_text(path), "a broken symbolic link") from None
        raise
    if not stat.S_ISREG(status.st_mode):
        raise IngestError(path_text(path), "not a regular file (a FIFO, socket or device)")
    return status.st_size


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (with or without BOM) or Windows-1256.

    >>> decode_bytes("سلام".encode("cp1256"))
    'سلام'
    >>> decode_bytes(codecs.BOM_UTF8 + "سلام".encode())
    'سلام'
    """
    if not data.strip():
        raise IngestError(source, "empty file")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _decode(data, encoding, source)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _decode(data, utf16, source)
    if b"\x00" in data:
        raise IngestError(source, "binary file (NUL bytes); expected text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if _mostly_utf8(data):
            raise IngestError(source, f"invalid UTF-8 at byte {error.start} (the rest is UTF-8); "
                              "repair the file or re-save it as UTF-8") from None
    text = data.decode("cp1256", errors="replace")
    if not _ARABIC.search(text) or _control_ratio(text) > 0.05:
        raise IngestError(source, "not UTF-8, UTF-16 or Windows-1256 text (binary?); re-save it as UTF-8")
    return text


def parse_article(raw: str, article_id: str, source: str = "", **metadata) -> Article:
    """Clean page chrome from raw text and pull out title and metadata.

    ``metadata`` (title, url, published, outlet, byline) overrides what the
    text says, as JSON Lines fields do. A lone surrogate (JSON may write
    ``"\\udcff"``; no encoder accepts one) becomes U+FFFD, in the text, the
    id and every field.
    """
    raw, article_id = _scalar_values(raw), _scalar_values(article_id)
    metadata = {k: _scalar_values(v) if isinstance(v, str) else v for k, v in metadata.items()}
    if looks_like_html(raw):
        raw = html_to_text(raw)
    found: dict = {"published": None, "outlet": "", "byline": "", "dateline": ""}
    kept: list[str] = []
    in_header, has_title = True, False  # no long line kept yet; a line of 3+ words kept
    for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _take_metadata(line, found, in_header) or _is_chrome(line):
            continue
        if in_header and _take_header_line(line, has_title, found):
            continue
        kept.append(line.rstrip())
        words = len(line.split())
        in_header = in_header and words <= _MAX_HEADER_WORDS
        has_title = has_title or words >= 3
    text = "\n".join(kept).strip()
    if not text or not _ARABIC.search(text):
        raise IngestError(source or article_id, "no Arabic text after removing page chrome")
    title = next((_trim(l) for l in kept if len(l.split()) >= 3), "")
    fields = {k: v for k, v in metadata.items() if v not in (None, "")}
    found.update(fields)
    return Article(id=article_id, text=text, title=fields.get("title", title), url=fields.get("url", ""),
                   published=_as_date(found["published"]), outlet=found["outlet"], byline=found["byline"],
                   dateline=found["dateline"], source=source)


def _take_header_line(line: str, has_title: bool, found: dict) -> bool:
    """Short lines above the body: section labels, outlet and byline.

    A one-word line is a section label; after the title, a line naming a
    known media outlet is the outlet and another two- or three-word name is
    the byline.
    """
    words = line.split()
    if not words or len(words) > 3 or not all(_ARABIC.match(w) for w in words):
        return False
    if len(words) == 1 and not has_title:
        return True
    if not has_title:
        return False
    if _is_media_name(line) and not found["outlet"]:
        found["outlet"] = line.strip()
        return True
    if len(words) >= 2 and not found["byline"]:
        found["byline"] = line.strip()
        return True
    return False


def _is_media_name(line: str) -> bool:
    return any(e.kind is Kind.MEDIA for e in load_gazetteer().lookup(phrase_key(line)))


def _take_metadata(line: str, found: dict, in_header: bool) -> bool:
    """Record metadata the line carries; True when the line is only metadata."""
    stripped = line.strip()
    if not stripped:
        return False
    date = parse_publication_date(stripped) if len(stripped) < 120 else None
    if date and found["published"] is None:
        found["published"] = date
    outlet = _OUTLET_LINE.match(stripped)
    if outlet:
        found["outlet"] = found["outlet"] or outlet["outlet"].strip()
        return True
    byline = _BYLINE.match(stripped)
    if byline and in_header:
        found["byline"] = found["byline"] or (byline["name"] or byline["slash"]).strip()
        return True
    dateline = _DATELINE.match(stripped)
    if dateline and not found["dateline"] and len(stripped) > 60:
        found["dateline"] = dateline["city"].strip()
        found["outlet"] = found["outlet"] or dateline["outlet"].strip()
    return bool(date) and len(_ARABIC.findall(stripped)) < 12 and len(stripped.split()) <= 8


def _is_chrome(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    if _NO_LETTERS.match(stripped) or not _ARABIC.search(stripped) and len(stripped.split()) <= 3:
        return True
    if _is_ticker(stripped):
        return True
    if _longer_than_widgets(stripped):
        return False
    norm = normalize_text(stripped)
    return len(norm.split()) <= _MAX_WIDGET_WORDS and any(norm.startswith(p) for p in _chrome_phrases())


def _longer_than_widgets(line: str) -> bool:
    """More words than a widget line has, even once normalised, so the line need not be normalised
    (most lines are paragraphs): a word with a letter or a digit never loses it to normalisation,
    and white space is never removed, only collapsed."""
    return next(islice(_SOLID_WORD.finditer(line), _MAX_WIDGET_WORDS, None), None) is not None


def _is_ticker(line: str) -> bool:
    """One very long line made of many short headlines separated by wide gaps."""
    if len(line) < 300:
        return False
    parts = [p for p in _TICKER_GAP.split(line) if p.strip()]
    if len(parts) < 5:
        return False
    return sum(len(p) for p in parts) / len(parts) < 120


def _chrome_phrases() -> frozenset[str]:
    return lexicon_words("chrome", "phrase")


def _read_jsonl(path: Path, lines: Iterable[str | None]) -> Iterator[Article | Skipped]:
    """One article a line; lines split on "\\n" only (JSON strings may hold U+2028)."""
    for number, line in enumerate(lines, start=1):
        where = f"{path_text(path)}:{number}"
        if line is None:
            yield Skipped(where, "invalid UTF-8 (JSON Lines must be UTF-8)")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise IngestError(where, "JSON line is not an object")
            body = record.get("text")
            if not isinstance(body, str) or not body.strip():
                raise IngestError(where, "missing or non-string 'text' field")
            if len(body) > _MAX_ARTICLE_BYTES:
                raise IngestError(where, f"'text' of {len(body)} characters is more than one article "
                                  f"({_MAX_ARTICLE_BYTES} at most); split it into articles")
            raw_id = record.get("id")
            if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, (str, int))):
                raise IngestError(where, f"'id' must be a string or a number, not {type(raw_id).__name__}")
            article_id = f"{_stem_id(path)}-{number}" if raw_id in (None, "") else str(raw_id)
            meta = {k: record.get(k) for k in ("title", "url", "published") if isinstance(record.get(k), str)}
            if isinstance(record.get("source"), str):
                meta["outlet"] = record["source"]
            yield parse_article(body, article_id=article_id, source=where, **meta)
        except json.JSONDecodeError as error:
            yield Skipped(where, f"invalid JSON: {error.msg} at column {error.colno}")
        except RecursionError:
            yield Skipped(where, "JSON nested too deeply to read (thousands of levels)")
        except IngestError as error:
            yield Skipped(error.source, error.reason)


def _scalar_values(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD.

    >>> _scalar_values("a\\udcffb") == "a\\ufffdb"
    True
    """
    return _LONE_SURROGATE.sub("\ufffd", text)


def _trim(line: str) -> str:
    """Strip white space and invisible format characters (bidi marks, zero-width) at both ends."""
    return _EDGE_FORMAT.sub("", line)


def _utf8_lines(path: Path) -> Iterator[str | None]:
    """Lines of a large JSON Lines file, read one at a time (None for a line that is not UTF-8)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle):
            try:
                yield raw.decode("utf-8-sig" if number == 0 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes (not Windows-1256, whose Arabic is rarely valid UTF-8)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    return sum(1 for c in text if ord(c) > 0x7F) - bad > 4 * bad


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return parse_publication_date(str(value))


def _decode(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise IngestError(source, f"invalid {encoding} at byte {error.start}") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess BOM-less UTF-16: the bytes read as mostly Arabic or ASCII text."""
    sample = data[: min(len(data), 4096) // 2 * 2]
    return next((enc for enc in ("utf-16-le", "utf-16-be") if _looks_utf16(sample, enc)), None)


def _looks_utf16(sample: bytes, encoding: str) -> bool:
    """Most characters Arabic letters or printable ASCII, none broken.

    Each such character is one code unit whose high byte is 0 or 6, and a
    text has at least half as many characters as code units; so a sample
    where at most 30% of high bytes are 0 or 6 (every UTF-8 file) is
    rejected without decoding it.
    """
    high = sample[1::2] if encoding == "utf-16-le" else sample[0::2]
    if high.count(0) + high.count(6) <= 0.3 * len(high):
        return False
    text = sample.decode(encoding, errors="replace")
    letters = len(_ARABIC.findall(text)) + sum(c.isascii() and c.isprintable() for c in text)
    return len(text) > 0 and letters / len(text) > 0.6 and "\ufffd" not in text[:-1]


def _control_ratio(text: str) -> float:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t")
    return controls / max(len(text), 1)


def _stem_id(path: Path) -> str:
    return path_text(path.stem)


def path_text(path: str | Path) -> str:
    """A path as text that can be written anywhere: bytes of a file name that are not UTF-8
    (which Python keeps as lone surrogates, and no encoder accepts) as ``\\xNN``.

    >>> path_text(os.fsdecode(b"bad\\xffname.txt"))
    'bad\\\\xffname.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")
