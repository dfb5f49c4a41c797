"""Features of the CRF named-entity recogniser (see :mod:`graph.recognize.crf`).

Features come from the raw token string only (normalised here), so a token
read from a CoNLL file and the same token cut by :mod:`graph.text` get the
same features. Word-level features are cached per word string: news repeats
words, so most tokens cost one dictionary look-up plus the context window.
Sources: gazetteer phrases (longest match over clitic variants of the first
word), trigger words (``ontology/lexicons/ner_triggers.tsv`` plus the shared
title, given-name, org-head and nisba lists), a lexicon of names annotated
in WikiFANE/AQMAR, distributional word clusters, and word frequency (rare
words are often transliterated names).
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from graph.gazetteer import ONTOLOGY_DIR, load_gazetteer
from graph.text import WordMemo, clitic_variants, normalize_text, positions, strip_proclitics, word_form

__all__ = [
    "sentence_features", "token_features", "phrase_tags", "word_variants", "word_features", "load_triggers", "clear_caches",
    "inside_names", "zipf",
    "MODELS_DIR", "TRIGGERS_PATH", "LEXICON_PATH", "CLUSTERS_PATH",
]

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
TRIGGERS_PATH = ONTOLOGY_DIR / "lexicons" / "ner_triggers.tsv"
LEXICON_PATH = MODELS_DIR / "ner_lexicon.tsv"
CLUSTERS_PATH = MODELS_DIR / "ner_clusters.tsv"
_WINDOW = {-2: ("w", "t", "g", "l", "li", "c"),
           -1: ("w", "s", "t", "g", "l", "li", "h", "f", "x2", "pc", "c", "cf"),
           1: ("w", "s", "t", "g", "l", "li", "h", "f", "x2", "c", "cf"), 2: ("w", "t", "g", "l", "li", "c")}
_MIN_SHARE = 0.5
_SHARED_LEXICONS = (("titles.tsv", "title_ar", "title"), ("given_names.tsv", "name", "given_name"),
                    ("org_heads.tsv", "head", "org_head"), ("nisba.tsv", "nisba_ar", "nisba"))


def sentence_features(tokens: list[str]) -> list[list[str]]:
    """Feature strings per token: own features, a ±2 window, gazetteer phrases.

    >>> feats = sentence_features(["في", "بغداد"])
    >>> "w=بغداد" in feats[1] and "-1w=في" in feats[1]
    True
    """
    rows = token_features(tokens)
    n = len(tokens)
    out = []
    contexts = [_context(token) for token in tokens]
    for i, (own, _gaz, _lex) in enumerate(rows):
        feats = list(own)
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < n:
                feats.extend(contexts[j][offset])
            else:
                feats.append(f"{offset}BOS" if j < 0 else f"{offset}EOS")
        prev = rows[i - 1][0][1] if i else "BOS"
        feats.append(f"bi={prev}|{own[1]}")
        for offset in (-1, 0, 1):
            j = i + offset
            if 0 <= j < n:
                feats.extend(f"{offset}{tag}" for tag in rows[j][1:] if tag)
        out.append(feats)
    return out


def token_features(tokens: list[str]) -> list[tuple[tuple[str, ...], str, str]]:
    """Per token: own word features (no window) and its gazetteer and lexicon phrase tags.

    The neural tagger's discrete inputs: its BiLSTM sees the context, so the
    CRF's window copies are left out. Phrase tags are ``""`` outside a phrase.

    >>> own, gaz, lex = token_features(["في", "بغداد"])[1]
    >>> "w=بغداد" in own, gaz.startswith("GB-"), lex.startswith("LB-")
    (True, True, True)
    """
    words = [_word(token) for token in tokens]
    gazetteer, lexicon = _phrases(tuple(w[1] for w in words))
    return [(w[0], g, lex) for w, g, lex in zip(words, gazetteer, lexicon)]


def phrase_tags(variants: Sequence[tuple[str, ...]]) -> tuple[list[str], list[str]]:
    """The gazetteer and the lexicon phrase tags of :func:`token_features`, from the tokens'
    :func:`word_variants` (a caller that keeps them per token skips the word look-ups).

    >>> phrase_tags([word_variants("في"), word_variants("بغداد")])[0][1].startswith("GB-")
    True
    """
    return _phrases(tuple(variants))


def word_variants(token: str) -> tuple[str, ...]:
    """The token's normalised word (:func:`graph.text.word_form`) and its clitic variants (cached).

    >>> word_variants("والعراق")
    ('والعراق', 'العراق', 'عراق')
    """
    return _word(token)[1]


def word_features(token: str) -> tuple[str, ...]:
    """Features of one word on its own (cached): form, affixes, shape, lexicons.

    >>> "s=رئيس" in word_features("والرئيس")
    True
    """
    return _word(token)[0]


def clear_caches() -> None:
    """Forget the per-word feature caches (benchmarks start cold with it)."""
    _word.cache_clear()
    _context.cache_clear()
    zipf.cache_clear()


def load_triggers(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Trigger classes per normalised word: ``ner_triggers.tsv`` plus the shared lexicons.

    The project's ``titles.tsv`` (last word of each title), ``given_names.tsv``,
    ``org_heads.tsv`` and ``nisba.tsv`` add to the classes when present.
    """
    return _load_triggers(str(path or TRIGGERS_PATH))


@lru_cache(maxsize=4)
def _load_triggers(path: str) -> dict[str, tuple[str, ...]]:
    classes: dict[str, set[str]] = {}
    sources = [(Path(path), "word", None)] + [(TRIGGERS_PATH.with_name(name), column, kind)
                                              for name, column, kind in _SHARED_LEXICONS]
    for source, column, kind in sources:
        for row in _tsv_rows(source):
            if row.get("kind", "").strip() == "-" and kind == "org_head":
                continue
            words = normalize_text(row.get(column) or "").split(" ")
            label = kind or (row.get("class") or "").strip()
            if words[-1] and label:
                classes.setdefault(words[-1], set()).add(label)
    return {word: tuple(sorted(c)) for word, c in classes.items()}


def _tsv_rows(path: Path):
    if not path.is_file():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        rows = (line for line in handle if line.strip() and not line.startswith("#"))
        yield from csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)


@lru_cache(maxsize=262144)
def _word(token: str) -> tuple[tuple[str, ...], tuple[str, ...], dict]:
    """(own features, clitic variants, feature values by key)."""
    norm = word_form(token)
    variants = clitic_variants(norm) or (norm,)
    procl, stem = _split_proclitics(norm, variants)
    shape = _shape(norm)
    triggers = _triggers_of(norm)
    table = _clusters()
    clusters = next((table[v] for v in variants if v in table), ("-", "-"))
    gaz = _gazetteer_words().get(norm) or _first_hit(_gazetteer_words(), variants[1:])
    base = {
        "w": norm, "s": stem, "pc": procl or "-", "h": shape,
        "t": "|".join(triggers) or "-", "g": "|".join(gaz) or "-", "l": _lexicon_word(variants), "li": _lexicon_word(variants, 2),
        "f": _zipf_bucket(token, norm), "fs": _zipf_bucket(stem, stem),
        "c": clusters[0], "cf": clusters[-1], "x2": norm[-2:], "p1": norm[:1], "p2": norm[:2], "p3": norm[:3],
        "x1": norm[-1:], "x3": norm[-3:], "sp2": stem[:2], "sp3": stem[:3],
        "sx2": stem[-2:], "n": str(min(len(stem), 8)),
    }
    own = ("bias", *(f"{k}={v}" for k, v in base.items()))
    return own, variants, base


@lru_cache(maxsize=262144)
def _context(token: str) -> dict[int, tuple[str, ...]]:
    """The CRF's window features of a word, by offset (the neural tagger needs none)."""
    base = _word(token)[2]
    return {off: tuple(f"{off}{k}={base[k]}" for k in keys) for off, keys in _WINDOW.items()}


def _phrases(variants: tuple[tuple[str, ...], ...]) -> tuple[list[str], list[str]]:
    return (_phrase_tags(variants, _gazetteer_phrases(), _prefixes("gazetteer"), "G"),
            _phrase_tags(variants, _lexicon_phrases(), _prefixes("lexicon"), "L"))


def _split_proclitics(norm: str, variants: tuple[str, ...]) -> tuple[str, str]:
    """:func:`graph.text.strip_proclitics`, safe for clitic-only words like "وب"."""
    if len(variants) < 2:
        return "", norm
    return strip_proclitics(norm)


def _triggers_of(norm: str) -> tuple[str, ...]:
    table = load_triggers()
    found = set(table.get(norm, ()))
    for variant in (clitic_variants(norm) or (norm,))[1:]:
        found.update(table.get(variant, ()))
    return tuple(sorted(found))


def _first_hit(table: dict, keys) -> tuple[str, ...]:
    for key in keys:
        if key in table:
            return table[key]
    return ()


def _shape(norm: str) -> str:
    if any("\u0600" <= c <= "\u06ff" for c in norm):
        return "a"
    if norm.isdigit():
        return "d"
    if any(c.isdigit() for c in norm):
        return "ad"
    if any(c.isalpha() for c in norm):
        return "l"
    return "p"


def _zipf_bucket(token: str, norm: str) -> str:
    if not any(c.isalpha() for c in norm):
        return "na"
    return str(int(max(zipf(token), zipf(norm))))


@lru_cache(maxsize=262144)
def zipf(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "ar")``, with shortcuts for plain Arabic words.

    wordfreq tokenises every word it is asked about (about 20 µs); a word
    that is already one of its keys, without digits, needs only the look-up
    and wordfreq's own rounding, and a word of bare Arabic letters (a
    normalised one) that is not a key is one token wordfreq does not know:
    0 (the tests check both against wordfreq).
    """
    from wordfreq import zipf_frequency

    freq = _arabic_frequencies().get(word)
    if freq is None:
        return 0.0 if word and _BARE_LETTERS.issuperset(word) else zipf_frequency(word, "ar")
    if any(c.isdigit() for c in word):
        return zipf_frequency(word, "ar")
    return round(math.log10(round(freq, math.floor(-math.log10(freq)) + 3)) + 9, 2)


_BARE_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x063B)) | frozenset(chr(c) for c in range(0x0641, 0x064B))


@lru_cache(maxsize=1)
def _arabic_frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("ar")


@lru_cache(maxsize=1)
def _gazetteer_words() -> dict[str, tuple[str, ...]]:
    """Per normalised word: ``TYPE:B``/``TYPE:I`` for its positions in gazetteer names."""
    words: dict[str, set[str]] = {}
    for key, kinds in _gazetteer_phrases().items():
        for pos, word in enumerate(key.split(" ")):
            for kind in kinds:
                words.setdefault(word, set()).add(f"{kind}:{'B' if pos == 0 else 'I'}")
    return {w: tuple(sorted(v)) for w, v in words.items()}


@lru_cache(maxsize=1)
def _gazetteer_phrases() -> dict[str, tuple[str, ...]]:
    """Gazetteer phrase keys with the coarse types of their entries."""
    gazetteer = load_gazetteer()
    phrases = {}
    for key in gazetteer.keys():
        kinds = sorted({entry.kind.coarse for entry in gazetteer.lookup(key)})
        phrases[key] = tuple(kinds)
    return phrases


@lru_cache(maxsize=1)
def _clusters() -> dict[str, tuple[str, ...]]:
    """Word clusters (coarse, fine) from ``ner_clusters.tsv``; empty when absent."""
    if not CLUSTERS_PATH.is_file():
        return {}
    with CLUSTERS_PATH.open(encoding="utf-8") as handle:
        rows = (line.rstrip("\n").split("\t") for line in handle if not line.startswith("#"))
        next(rows, None)
        return {row[0]: tuple(row[1:]) for row in rows if len(row) > 2}


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Corpus lexicon: multi-word names with their main type; one-word entries' feature."""
    rows: dict[str, dict[str, tuple[int, int]]] = {}
    if LEXICON_PATH.is_file():
        with LEXICON_PATH.open(encoding="utf-8", newline="") as handle:
            lines = (line for line in handle if line.strip() and not line.startswith("#"))
            for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
                rows.setdefault(row["entry"], {})[row["type"]] = (int(row["count"]), int(row["total"]))
    phrases, words, inside = {}, {}, {}
    for entry, types in rows.items():
        parts = {k[2:]: v for k, v in types.items() if k.startswith("w:")}
        types = {k: v for k, v in types.items() if not k.startswith("w:")}
        if parts:
            kind, (count, total) = max(parts.items(), key=lambda item: (item[1][0], item[0]))
            inside[entry] = f"{kind}{min(int(count / total * 4), 3)}"
        if not types:
            continue
        kind, (count, total) = max(types.items(), key=lambda item: (item[1][0], item[0]))
        if count < _MIN_SHARE * sum(c for c, _ in types.values()):
            continue
        if " " in entry:
            phrases[entry] = (kind,)
        else:
            share = count / total
            words[entry] = f"{kind}{min(int(share * 4), 3)}"
            if share >= _MIN_SHARE:
                phrases[entry] = (kind,)
    return phrases, words, inside


def _lexicon_phrases() -> dict[str, tuple[str, ...]]:
    return _lexicon()[0]


def inside_names(word: str) -> str | None:
    """The type of name the corpus lexicon mostly finds ``word`` in, with its share in quarters
    (``"PERS2"``: inside persons, 50-75% of its occurrences), or None when no name holds it.

    >>> inside_names("بن"), inside_names("عندما")
    ('PERS3', None)
    """
    return _lexicon()[2].get(word)


def _lexicon_word(variants: tuple[str, ...], table: int = 1) -> str:
    words = _lexicon()[table]
    return next((words[v] for v in variants if v in words), "-")


@lru_cache(maxsize=2)
def _prefixes(source: str) -> frozenset[str]:
    table = _gazetteer_phrases() if source == "gazetteer" else _lexicon_phrases()
    prefixes = set()
    for key in table:
        words = key.split(" ")
        prefixes.update(" ".join(words[:k]) for k in range(1, len(words) + 1))
    return frozenset(prefixes)


def _phrase_tags(variants: tuple[tuple[str, ...], ...], phrases: dict, prefixes: frozenset,
                 mark: str) -> list[str]:
    """``GB-TYPE``/``GI-TYPE`` (``mark`` G or L) over the longest phrase at each position.

    Most words begin no phrase (no variant of theirs is a phrase prefix): a
    memoised test of each word's variants rules them out without a Python loop.
    """
    tags = [""] * len(variants)
    after = 0
    for i in positions(_starts_phrase(prefixes).__getitem__, variants):
        if i < after:
            continue
        best, kinds = longest_phrase(variants, i, phrases, prefixes)
        if best:
            kind = "|".join(kinds)
            tags[i:i + best] = [f"{mark}B-{kind}"] + [f"{mark}I-{kind}"] * (best - 1)
            after = i + best
    return tags


def longest_phrase(variants: Sequence[tuple[str, ...]], i: int, phrases: dict,
                   prefixes: frozenset) -> tuple[int, tuple[str, ...]]:
    """Words and kinds of the longest phrase starting at word ``i`` (by any of its variants), or ``(0, ())``."""
    best, kinds = 0, ()
    for first in variants[i]:
        key, j = first, i
        while key in prefixes:
            if key in phrases and j + 1 - i > best:
                best, kinds = j + 1 - i, phrases[key]
            j += 1
            if j >= len(variants):
                break
            key = f"{key} {variants[j][0]}"
    return best, kinds


@lru_cache(maxsize=2)
def _starts_phrase(prefixes: frozenset) -> WordMemo:
    """Per word's variants: does one of them begin a phrase (is a prefix of one)?"""
    return WordMemo(lambda variants: not prefixes.isdisjoint(variants))
