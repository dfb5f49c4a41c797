"""Pattern recogniser: persons after given names and titles, institutions after head nouns.

Persons: a known given name opening a run of name-like words (جون آلن،
خالد سليمان الجار الله), or a run of rare words right after a title or an
honorific (الجنرال المتقاعد جون آلن، وزير الشؤون الخارجية الهندي، سوبرمانيام
جايشنكار), or one rare word as the subject of a reporting verb, ended by a
function word or punctuation (وقال كراون في اجتماع …). Institutions: a head noun (وزارة، مكتب، لجنة، شركة، صحيفة …) and
the noun phrase it opens, qualified by a state when an adjective or a
following state name says which (وزارة الخارجية الكويتية).
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

from graph.gazetteer import load_gazetteer
from graph.lexicon import lexicon_map, lexicon_words, read_lexicon
from graph.records import Document, Kind, Mention, Token
from graph.text import clitic_variants, normalize_text, stem_offset

__all__ = ["PatternRecognizer", "is_name_like"]

_MAX_NAME = 5
_MAX_ORG = 7
_RARE = 3.0
_SPEAKER_RARE = 3.5
_PLURAL_OTHER_CASE = 2.5


class PatternRecognizer:
    """Persons and institutions found by lexical patterns (method ``pattern``)."""

    name = "pattern"

    def __call__(self, document: Document) -> list[Mention]:
        mentions = []
        for index in range(len(document.sentences)):
            tokens = document.sentence_tokens(index)
            mentions += [_mention(document, tokens, s, e, Kind.PERSON, 0.85) for s, e in _persons(tokens)]
            for start, end, kind, qualifier in _institutions(tokens):
                mentions.append(_mention(document, tokens, start, end, kind, 0.75, qualifier))
        return mentions


def is_name_like(token: Token) -> bool:
    """A word that can be part of a person's name: Arabic, not a function or title word.

    >>> from graph.records import Token
    >>> is_name_like(Token(0, 3, "آلن", "الن", "الن", "", 0))
    True
    >>> is_name_like(Token(0, 2, "في", "في", "في", "", 0))
    False
    """
    norm = token.norm
    if not _is_arabic(norm) or _is_stopword(token) or norm in _title_words():
        return False
    if norm in _org_heads() or norm in _nisba():
        return False
    return not any(e.kind.coarse != "PERS" for e in load_gazetteer().lookup(norm))


def _persons(tokens: tuple[Token, ...]):
    """Yield (first, last) token indexes of person names."""
    position = 0
    while position < len(tokens):
        end = (_given_name_run(tokens, position) or _after_title_run(tokens, position)
               or _after_speech_verb(tokens, position))
        if end:
            yield position, end
            position = end + 1
        else:
            position += 1


def _given_name_run(tokens, position) -> int | None:
    token = tokens[position]
    if _is_stopword(token) or not any(v in _given_names() for v in clitic_variants(token.norm)):
        return None
    end = _extend(tokens, position)
    return end if end > position else None


def _after_title_run(tokens, position) -> int | None:
    """A run of rare words after a title, honorific or an appositive comma."""
    if position == 0 or not is_name_like(tokens[position]) or tokens[position].norm.startswith("ال"):
        return None
    previous = tokens[position - 1]
    after_title = previous.norm in _title_words()
    appositive = previous.text in "،," and _title_before(tokens, position - 1)
    if not (after_title or appositive):
        return None
    end = _extend(tokens, position)
    run = tokens[position: end + 1]
    if end == position or not any(zipf_frequency(t.norm, "ar") < _RARE for t in run):
        return None
    if appositive and end + 1 < len(tokens) and tokens[end + 1].text not in "،,.":
        return None
    return end


def _after_speech_verb(tokens, position) -> int | None:
    """A rare word as the subject of a reporting verb: "وقال كراون في اجتماع".

    Only a word without the article that is no plural of a common
    noun or a noun with a pronoun (دبلوماسيون is دبلوماسي + ون, متمردون has
    the other case متمردين, أعماله is أعمال + ه), followed by a function word or by
    punctuation, so "ويقول دبلوماسيون إن" stays a description.
    """
    if position == 0 or not any(v in _speech_verbs() for v in clitic_variants(tokens[position - 1].norm)):
        return None
    token = tokens[position]
    if token.norm.startswith(("ال", "لل")) or not _rare_name_word(token):
        return None
    following = tokens[position + 1] if position + 1 < len(tokens) else None
    if following is not None and not (_is_stopword(following) or not following.norm[:1].isalnum()):
        return None
    return position


def _rare_name_word(token: Token) -> bool:
    if not is_name_like(token) or zipf_frequency(token.norm, "ar") >= _SPEAKER_RARE:
        return False
    norm = token.norm
    for suffix in ("ون", "ين", "ها", "هم", "ه"):
        if norm.endswith(suffix) and zipf_frequency(norm[:-len(suffix)], "ar") >= _SPEAKER_RARE:
            return False
    if norm.endswith(("ون", "ين")):  # متمردون: its other case متمردين is a word too, كراين is not
        other = norm[:-2] + ("ين" if norm.endswith("ون") else "ون")
        return zipf_frequency(other, "ar") < _PLURAL_OTHER_CASE
    return True


def _title_before(tokens, comma: int) -> bool:
    window = tokens[max(0, comma - 6): comma]
    return any(t.norm in _title_words() or t.stem in _title_words() for t in window)


def _extend(tokens, position) -> int:
    end = position
    while end + 1 < len(tokens) and end - position + 1 < _MAX_NAME and is_name_like(tokens[end + 1]):
        end += 1
    return end


def _institutions(tokens):
    """Yield (first, last, kind, qualifier) for head-noun phrases."""
    position = 0
    while position < len(tokens):
        head = _org_head(tokens[position])
        end = _org_phrase_end(tokens, position) if head else position
        if end > position and not _only_generic(tokens[position + 1: end + 1]):
            qualifier = _qualifier(tokens, end)
            yield position, end, Kind(head), qualifier
            position = end + 1
        else:
            position += 1


def _org_head(token: Token) -> str | None:
    """The kind an institution head noun gives, unless the word is an anaphor (التنظيم)."""
    variants = clitic_variants(token.norm)
    if any(v.startswith("ال") and v in _anaphors() for v in variants):
        return None
    return next((_org_heads()[v] for v in variants if v in _org_heads()), None)


def _org_phrase_end(tokens, position) -> int:
    end = position
    definite_head = tokens[position].stem != tokens[position].norm or tokens[position].norm.startswith("ال")
    while end + 1 < len(tokens) and end - position < _MAX_ORG:
        token = tokens[end + 1]
        if not _is_arabic(token.norm) or _is_stopword(token) or token.norm in _title_words():
            break
        if definite_head and end == position and not token.norm.startswith(("ال", "لل")):
            break
        if token.proclitics[:1] in ("و", "ف", "ب") and token.norm not in _org_heads():
            break
        definite = token.norm.startswith(("ال", "لل"))
        if not definite and not _continues(tokens, end + 1):
            if zipf_frequency(token.norm, "ar") >= _RARE:
                break
        end += 1
        if token.norm in _nisba():
            break
    return end


def _only_generic(words) -> bool:
    """A head noun with only generic adjectives is a description, not a name."""
    generic = lexicon_words("generic_adjectives")
    return all(t.norm in generic or t.norm in _nisba() for t in words)


def _continues(tokens, index) -> bool:
    """An indefinite noun stays in the phrase when a definite word follows (idafa)."""
    if index + 1 >= len(tokens):
        return False
    following = tokens[index + 1].norm
    return following.startswith(("ال", "لل")) and following not in _stopwords()


def _qualifier(tokens, end) -> str | None:
    """The state a generic institution belongs to: nisba adjective or a following state."""
    if tokens[end].norm in _nisba():
        return _nisba()[tokens[end].norm]
    gazetteer = load_gazetteer()
    for token in tokens[end + 1: end + 3]:
        for variant in clitic_variants(token.norm):
            states = [e for e in gazetteer.lookup(variant) if e.kind is Kind.COUNTRY]
            if states:
                return states[0].id
    return None


def _mention(document, tokens, first, last, kind, confidence, qualifier=None) -> Mention:
    start, end = tokens[first].start + _proclitic_length(tokens[first]), tokens[last].end
    return Mention(document.article.id, start, end, document.article.text[start:end], kind,
                   tokens[first].sentence, "pattern", confidence, None, qualifier)


def _proclitic_length(token: Token) -> int:
    """Skip و ف ب ل before a name or a head noun (بوزارة → وزارة), keeping restored articles."""
    for variant in clitic_variants(token.norm)[1:]:
        if variant in _given_names() or variant in _org_heads():
            offset = stem_offset(token.text, variant)
            return 0 if normalize_text(token.text[:offset]).endswith("ال") else offset
    return 0


def _is_arabic(norm: str) -> bool:
    return bool(norm) and all(ARABIC_LETTER_SET.__contains__(c) for c in norm)


ARABIC_LETTER_SET = frozenset(chr(c) for c in range(0x0621, 0x064B)) | frozenset(chr(c) for c in range(0x0671, 0x06D4))


def _is_stopword(token: Token) -> bool:
    return any(v in _stopwords() for v in clitic_variants(token.norm))


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    return lexicon_words("given_names") - _stopwords()


@lru_cache(maxsize=1)
def _speech_verbs() -> frozenset[str]:
    """Reporting verbs: the verbal Statement triggers of ``event_triggers.tsv``."""
    return frozenset(normalize_text(row["trigger"]) for row in read_lexicon("event_triggers")
                     if row["kind"] == "Statement" and row["form"] == "verbal")


@lru_cache(maxsize=1)
def _anaphors() -> frozenset[str]:
    return lexicon_words("anaphora", "head")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return lexicon_words("stopwords")


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    """First word of every title: a name or a phrase stops where a title begins."""
    return frozenset(normalize_text(row["title_ar"]).split()[0] for row in read_lexicon("titles"))


@lru_cache(maxsize=1)
def _org_heads() -> dict[str, str]:
    return lexicon_map("org_heads", "head", "kind")


@lru_cache(maxsize=1)
def _nisba() -> dict[str, str]:
    return lexicon_map("nisba", "adjective", "country")
