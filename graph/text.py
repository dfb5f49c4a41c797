"""Arabic text: normalisation for matching, tokens with offsets, sentences, clitics.

Normalisation is for matching only: tokens keep offsets into the original
text, so every mention can be traced back to the characters the article
printed. One function, :func:`normalize_text`, serves text, gazetteers and
lexicons alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache, partial
from itertools import compress, repeat
from operator import attrgetter

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

from graph.records import Article, Document, Sentence, Token

__all__ = [
    "normalize_text", "tokenize", "split_sentences", "analyze_text", "MAX_SENTENCE_TOKENS",
    "clitic_variants", "strip_proclitics", "stem_offset", "norms_of", "positions", "WordMemo", "ARABIC_LETTER",
]

ARABIC_LETTER = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3"
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
# Madda and hamza marks still combining after NFKC sit on no letter they compose with; left in, the
# final NFKC would join them to a letter that alef normalisation made ("ٱٓ" → "آ"), and a second pass
# would change that again.
_LOOSE_HAMZA_MADDA = re.compile("[\u0653-\u0655]")
_TOKEN = re.compile(rf"(?:[\w{_MARKS}]|(?<=\w)[{_MARKS}])+|[^\s\w]", re.UNICODE)
_SENTENCE_END = re.compile(r"(?:[.!?؟]+[\"»”’)\]]*|\n)\s*")
_SPACE = re.compile(r"\s+")
_COMMAS = frozenset("،,؛;")
MAX_SENTENCE_TOKENS = 300
_PROCLITIC = re.compile("^(?P<conj>[وف])?(?:(?P<lil>لل)|(?P<prep>[بكل])(?P<art>ال)?|(?P<al>ال))?")
_MIN_STEM = 2
_NORM = attrgetter("norm")


def normalize_text(text: str) -> str:
    """Normalise Arabic for matching: one canonical spelling of each word.

    Compatibility forms, diacritics, tatweel, bidi and zero-width marks go;
    alef forms become bare alef, alef maksura yeh, teh marbuta heh; Latin is
    case-folded and runs of white space become one space. Idempotent.
    Words are memoised: a corpus repeats them (Zipf), and every stage
    normalises the same tokens.

    >>> normalize_text("الأُمَمُ المتّحدة")
    'الامم المتحده'
    >>> normalize_text("مصطفى  إلى")
    'مصطفي الي'
    """
    if len(text) <= _MEMO_LENGTH:
        return _normalize_word(text)
    return _normalize(text)


_MEMO_LENGTH = 40


@lru_cache(maxsize=1 << 18)
def word_form(token: str) -> str:
    """The form lexicons, clusters, embeddings and label consistency look a token up by:
    normalised, or the token itself when normalising leaves nothing (marks only). Memoised by
    token: label consistency and the word lists ask for every token's form.

    >>> word_form("وبالأمم"), word_form("\u064b") == "\u064b"
    ('وبالامم', True)
    """
    return normalize_text(token) or token


@lru_cache(maxsize=1 << 18)
def _normalize_word(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _LOOSE_HAMZA_MADDA.sub("", _INVISIBLE.sub("", text))
    text = dediac_ar(text).replace("\u0640", "")
    text = normalize_alef_ar(text)
    text = normalize_alef_maksura_ar(text)
    text = normalize_teh_marbuta_ar(text)
    text = _SPACE.sub(" ", text.casefold()).strip()
    return unicodedata.normalize("NFKC", text)


def tokenize(text: str, start: int = 0, end: int | None = None):
    """Yield ``(start, end, surface)`` for each word or punctuation mark.

    >>> [t[2] for t in tokenize("بمومباي، ونيودلهي.")]
    ['بمومباي', '،', 'ونيودلهي', '.']
    """
    end = len(text) if end is None else end
    for match in _TOKEN.finditer(text, start, end):
        yield match.start(), match.end(), match.group()


def split_sentences(text: str) -> list[Sentence]:
    """Split on sentence punctuation and line breaks; offsets index ``text``.

    >>> [s.text for s in split_sentences("قال: نعم. ثم غادر\\nعنوان")]
    ['قال: نعم.', 'ثم غادر', 'عنوان']
    """
    sentences, begin = [], 0
    for match in _SENTENCE_END.finditer(text):
        _append_sentence(sentences, text, begin, match.end())
        begin = match.end()
    _append_sentence(sentences, text, begin, len(text))
    return sentences


@lru_cache(maxsize=1 << 18)
def clitic_variants(norm: str) -> tuple[str, ...]:
    """Forms of a normalised word with proclitics removed, least stripped first.

    The definite article is restored after a preposition ("للامم" also reads
    "الامم"), so gazetteer entries written with "ال" still match. Memoised
    by word: every recogniser and relation rule asks for every token's forms.

    >>> clitic_variants("للامم")
    ('للامم', 'الامم', 'امم')
    >>> clitic_variants("وفيسبوك")
    ('وفيسبوك', 'فيسبوك')
    """
    match = _PROCLITIC.match(norm)
    if not match or not match.group():
        return (norm,)
    conj, lil, prep, art, al = match.group("conj", "lil", "prep", "art", "al")
    rest = norm[match.end():]
    forms = [norm]
    if conj:
        forms.append(norm[1:])
    if lil or (prep and art):
        forms.append("ال" + rest)
    if prep or lil or art or al:
        forms.append(rest)
    return (norm, *dict.fromkeys(f for f in forms[1:] if len(f) >= _MIN_STEM and f != norm))


def strip_proclitics(norm: str) -> tuple[str, str]:
    """Split a normalised word into (proclitics, stem), stripping the most.

    >>> strip_proclitics("بمومباي")
    ('ب', 'مومباي')
    """
    variants = clitic_variants(norm)
    stem = variants[-1]
    return (norm[: len(norm) - len(stem)] if norm.endswith(stem) else norm[:1]), stem


def stem_offset(surface: str, variant: str) -> int:
    """How many characters of ``surface`` are proclitics before ``variant``.

    0 when the variant is not a plain suffix of the written word (a restored
    article, as in "للأمم" read as "الامم").

    >>> stem_offset("بمومباي", "مومباي")
    1
    >>> stem_offset("للأمم", "الامم")
    0
    """
    for offset in range(1, min(4, len(surface))):
        if normalize_text(surface[offset:]) == variant:
            return offset
    return 0


class WordMemo(dict):
    """``compute(word)`` memoised in a plain dict, read as ``memo[word]``.

    Stages ask the same questions of every token, and a text repeats its
    words (Zipf): a dict lookup, run in C by ``map(memo.__getitem__, words)``,
    costs a third of an ``lru_cache`` call. Emptied when it holds ``limit``
    words, so a long build's vocabulary does not pile up.

    >>> lengths = WordMemo(len)
    >>> lengths["وزير"], len(lengths)
    (4, 1)
    """

    def __init__(self, compute, limit: int = 1 << 18):
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, word: str):
        if len(self) >= self.limit:
            self.clear()
        value = self[word] = self.compute(word)
        return value


def norms_of(tokens) -> list[str]:
    """The normalised forms of ``tokens``, read without a Python loop."""
    return list(map(_NORM, tokens))


def positions(test, items) -> list[int]:
    """Indexes of the ``items`` that pass ``test``, tested without a Python loop.

    Stages rule most tokens out by a memoised test of their word; run by
    ``map`` and ``itertools.compress``, a pass over an article costs little.

    >>> positions(str.isdigit, ["a", "1", "b", "22"])
    [1, 3]
    """
    return list(compress(range(len(items)), map(test, items)))


def analyze_text(article: Article) -> Document:
    """Sentences and tokens of an article, offsets into ``article.text``.

    A sentence of more than :data:`MAX_SENTENCE_TOKENS` tokens is cut into
    parts (:func:`_parts`): news never writes one (the longest of 24,000
    sentences of the benchmark corpus and the seeds has 217 tokens), and
    relation rules compare each trigger with the names of its clause, so a
    page of 100 KB without a full stop ("اجتماع في عمان يوم الأربعاء" over
    and over) took a minute, and the 1 MB an article may hold would take an hour.
    """
    text = article.text
    sentences, tokens = [], []
    for sentence in split_sentences(text):
        matches = list(_TOKEN.finditer(text, sentence.start, sentence.end))
        for part in _parts(matches):
            index = len(sentences)
            if part is matches:
                sentences.append(sentence if sentence.index == index else replace(sentence, index=index))
            else:
                start, end = part[0].start(), part[-1].end()
                sentences.append(Sentence(index, start, end, text[start:end]))
            tokens += _tokens(part, index)
    return Document(article, tuple(sentences), tuple(tokens))


def _tokens(matches: list[re.Match], sentence: int) -> Iterator[Token]:
    """The tokens of one sentence's matches, made column by column in C (no Python call a token)."""
    if not matches:
        return iter(())
    surfaces = list(map(_GROUP, matches))
    norms, stems, proclitics = zip(*map(_TOKEN_FORMS.__getitem__, surfaces))
    columns = zip(map(_START, matches), map(_END, matches), surfaces, norms, stems, proclitics, repeat(sentence))
    return map(_MAKE_TOKEN, columns)


_GROUP, _START, _END = re.Match.group, re.Match.start, re.Match.end
_MAKE_TOKEN = partial(tuple.__new__, Token)


def _parts(matches: list[re.Match]) -> list[list[re.Match]]:
    """A sentence's tokens in runs of at most :data:`MAX_SENTENCE_TOKENS`, each cut after the
    last comma of its second half where there is one; a shorter sentence is one run (``matches`` itself)."""
    parts, begin, half = [], 0, MAX_SENTENCE_TOKENS // 2
    while len(matches) - begin > MAX_SENTENCE_TOKENS:
        window = matches[begin:begin + MAX_SENTENCE_TOKENS]
        cut = next((j + 1 for j in range(len(window) - 1, half, -1) if window[j].group() in _COMMAS),
                   MAX_SENTENCE_TOKENS)
        parts.append(matches[begin:begin + cut])
        begin += cut
    parts.append(matches if not begin else matches[begin:])
    return parts


def _token_forms(surface: str) -> tuple[str, str, str]:
    """``(norm, stem, proclitics)`` of a written word, memoised: a text repeats its words."""
    norm = normalize_text(surface) or surface
    proclitics, stem = strip_proclitics(norm)
    return norm, stem, proclitics


_TOKEN_FORMS = WordMemo(_token_forms)


def _append_sentence(sentences: list[Sentence], text: str, begin: int, end: int) -> None:
    chunk = text[begin:end]
    stripped = chunk.strip()
    if not stripped:
        return
    start = begin + (len(chunk) - len(chunk.lstrip()))
    sentences.append(Sentence(len(sentences), start, start + len(stripped), stripped))
