"""Pattern recogniser: persons after given names and titles, institutions after head nouns.

Persons: a known given name opening a run of words names are made of
(جون آلن، خالد سليمان الجار الله: given names, words the corpus lexicon finds
inside persons, rare words; not جولة in "محمد حسين جولة"), or a run of rare
words right after a title or an honorific (الجنرال المتقاعد جون آلن، وزير
الشؤون الخارجية الهندي، سوبرمانيام جايشنكار), or one rare word as the subject
of a reporting verb, ended by a function word or punctuation (وقال كراون في
اجتماع …). Institutions: a head noun (وزارة، مكتب، لجنة، شركة، صحيفة …) and
the noun phrase it opens, qualified by a state when an adjective or a
following state name says which (وزارة الخارجية الكويتية).
"""

from __future__ import annotations

from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from graph.gazetteer import load_gazetteer
from graph.lexicon import lexicon_map, lexicon_words, read_lexicon
from graph.recognize.crf_features import inside_names, zipf
from graph.records import Document, Kind, Mention, Token
from graph.text import WordMemo, clitic_variants, normalize_text, positions, stem_offset

__all__ = ["PatternRecognizer", "is_name_like", "written_zipf"]

_MAX_NAME = 6
_MAX_ORG = 7
_RARE = 3.0
_SPEAKER_RARE = 3.5
_PLURAL_OTHER_CASE = 2.5
_NAME_PART_RARE = 3.0
_COMMON_WORD = 4.8


class PatternRecognizer:
    """Persons and institutions found by lexical patterns (method ``pattern``)."""

    name = "pattern"

    def __call__(self, document: Document) -> list[Mention]:
        mentions = []
        for index in range(len(document.sentences)):
            tokens = document.sentence_tokens(index)
            words = list(map(_WORDS.__getitem__, document.sentence_norms(index)))
            mentions += [_mention(document, tokens, s, e, Kind.PERSON, 0.85) for s, e in _persons(tokens, words)]
            for start, end, kind, qualifier in _institutions(tokens, words):
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
    return _WORDS[token.norm].name_like


class _Word(NamedTuple):
    """What the patterns ask of a normalised word; proclitics allowed where noted."""

    arabic: bool
    stopword: bool  # proclitics allowed
    title: bool  # the first word of a title
    name_like: bool
    name_part: bool  # name-like, and a word names are made of: not a common word found in none
    given: bool  # a given name (proclitics allowed) that is no stopword
    speech: bool  # a reporting verb (proclitics allowed)
    org_head: str | None  # the kind an institution head noun gives
    lead: bool  # a reporting verb, a title or a comma: a name may follow


def _word(norm: str) -> _Word:
    """The patterns' view of a word, worked out once per word (:data:`_WORDS`): every sentence asks
    it of every token."""
    variants = clitic_variants(norm)
    arabic = _is_arabic(norm)
    stopword = any(v in _stopwords() for v in variants)
    title = norm in _title_words()
    name_like = (arabic and not stopword and not title and norm not in _org_heads() and norm not in _nisba()
                 and not any(e.kind.coarse != "PERS" for e in load_gazetteer().lookup(norm)))
    given = not stopword and _is_given(norm, variants)
    speech = any(v in _speech_verbs() for v in variants)
    lead = speech or title or norm in ("،", ",")
    name_part = name_like and not speech and _name_word(norm, variants)
    return _Word(arabic, stopword, title, name_like, name_part, given, speech, _org_head(variants), lead)


def _is_given(norm: str, variants: tuple[str, ...]) -> bool:
    """A given name, or one after a proclitic, unless the article is what was stripped (البول is
    not بول) or the whole word is a common one (لصالح is "in favour of" before it is ل + صالح).

    >>> _is_given("وصالح", ("وصالح", "صالح")), _is_given("لصالح", ("لصالح", "صالح"))
    (True, False)
    """
    if norm in _given_names():
        return True
    return any(v in _given_names() and not norm[:len(norm) - len(v)].endswith("ال") for v in variants[1:]) \
        and written_zipf(norm) < _COMMON_WORD


def _name_word(norm: str, variants: tuple[str, ...]) -> bool:
    """Whether a name may go on through this word: a given name, a word the corpus lexicon
    finds inside persons (بن، عبد، الأسد، الجميل), or a word rare in every reading (آلن،
    جايشنكار). A common word found in no person ends the name (جولة، الفريق، بسبب،
    للانذار), so does a common word with a pronoun (سلطاته) and a conjunction before a
    given name (وطارق: a second person).

    >>> _name_word("الاسد", ("الاسد",)), _name_word("جوله", ("جوله",)), _name_word("وطارق", ("وطارق", "طارق"))
    (True, False, False)
    """
    if norm[:1] in ("و", "ف") and any(v in _given_names() for v in variants[1:]):
        return False
    if norm in _given_names() or (inside_names(norm) or "").startswith("PERS"):
        return True
    if _inflected(norm, _PRONOUNS):
        return False
    return max(written_zipf(v) for v in variants if len(v) >= 3 or v == norm) < _NAME_PART_RARE


_PRONOUNS = ("ه", "ها", "هم", "هما", "هن")


def _inflected(norm: str, endings: tuple[str, ...]) -> bool:
    """A common word with an ending: سلطاته is سلطات + ه, دبلوماسيون is دبلوماسي + ون."""
    return any(norm.endswith(e) and max(map(written_zipf, _before_ending(norm[:-len(e)]))) >= _SPEAKER_RARE
               for e in endings)


def _before_ending(stem: str) -> tuple[str, ...]:
    """What a word before an ending may be: a ta marbuta is written ت there (خارجيتها is خارجية + ها,
    سلطاته is سلطات + ه)."""
    return (stem, stem[:-1] + "ه") if stem.endswith("ت") and len(stem) > 3 else (stem,)


_WORDS = WordMemo(_word)
_GIVEN, _LEAD, _ORG_HEAD = attrgetter("given"), attrgetter("lead"), attrgetter("org_head")


@lru_cache(maxsize=1 << 18)
def written_zipf(norm: str) -> float:
    """The frequency of the commonest spelling a normalised word may stand for: normalising
    writes ة as ه, ى as ي and أ إ as ا, which the word list keeps apart (هائله is rare, هائلة is not).

    >>> zipf("هائله") < 3 < written_zipf("هائله")
    True
    """
    spellings = {norm}
    if norm.endswith("ه"):
        spellings |= {s[:-1] + "ة" for s in spellings}
    if norm.endswith("ي"):
        spellings |= {s[:-1] + "ى" for s in spellings}
    at = 2 if norm.startswith("ال") else 0
    if norm[at:at + 1] == "ا":
        spellings |= {s[:at] + hamza + s[at + 1:] for s in spellings for hamza in "أإ"}
    return max(map(zipf, spellings))


def _persons(tokens: tuple[Token, ...], words: list[_Word]):
    """Yield (first, last) token indexes of person names."""
    after = 0
    for position in _openings(tokens, words):
        end = position >= after and (
            _given_name_run(words, position) or _after_title_run(tokens, words, position)
            or _after_speech_verb(tokens, words, position))
        if end:
            yield position, end
            after = end + 1


def _openings(tokens, words) -> list[int]:
    """The positions where :func:`_may_open` holds, in order: a given name, or a word after a
    lead word. Both are found in C, so most tokens cost no Python call."""
    followers = (p + 1 for p in positions(_LEAD, words[:-1]))
    return sorted({*positions(_GIVEN, words), *(p for p in followers if _may_open(tokens, words, p))})


def _may_open(tokens, words, position) -> bool:
    """What every person pattern needs at ``position``."""
    if words[position].given:
        return True
    if position == 0:
        return False
    previous = words[position - 1]
    return previous.speech or words[position].name_like and (previous.title or tokens[position - 1].text in "،,")


def _given_name_run(words, position) -> int | None:
    if not words[position].given:
        return None
    end = _extend(words, position)
    return end if end > position else None


def _after_title_run(tokens, words, position) -> int | None:
    """A run of rare words after a title, honorific or an appositive comma."""
    if position == 0 or not words[position].name_part or tokens[position].norm.startswith("ال"):
        return None
    previous = tokens[position - 1]
    after_title = words[position - 1].title
    appositive = previous.text in "،," and _title_before(tokens, position - 1)
    if not (after_title or appositive):
        return None
    end = _extend(words, position)
    run = tokens[position: end + 1]
    if end == position or not any(written_zipf(t.norm) < _RARE for t in run):
        return None
    if appositive and end + 1 < len(tokens) and tokens[end + 1].text not in "،,.":
        return None
    return end


def _after_speech_verb(tokens, words, position) -> int | None:
    """A rare word as the subject of a reporting verb: "وقال كراون في اجتماع".

    Only a word without the article that is no plural of a common
    noun or a noun with a pronoun (دبلوماسيون is دبلوماسي + ون, متمردون has
    the other case متمردين, أعماله is أعمال + ه), followed by a function word or by
    punctuation, so "ويقول دبلوماسيون إن" stays a description.
    """
    if position == 0 or not words[position - 1].speech:
        return None
    token = tokens[position]
    if token.norm.startswith(("ال", "لل")) or not _rare_name_word(token.norm):
        return None
    following = tokens[position + 1] if position + 1 < len(tokens) else None
    if following is not None and not (words[position + 1].stopword or not following.norm[:1].isalnum()):
        return None
    return position


def _rare_name_word(norm: str) -> bool:
    if not _WORDS[norm].name_like or written_zipf(norm) >= _SPEAKER_RARE:
        return False
    if _inflected(norm, ("ون", "ين", "ها", "هم", "ه")):
        return False
    if norm.endswith(("ون", "ين")):  # متمردون: its other case متمردين is a word too, كراين is not
        other = norm[:-2] + ("ين" if norm.endswith("ون") else "ون")
        return written_zipf(other) < _PLURAL_OTHER_CASE
    return True


def _title_before(tokens, comma: int) -> bool:
    window = tokens[max(0, comma - 6): comma]
    return any(t.norm in _title_words() or t.stem in _title_words() for t in window)


def _extend(words, position) -> int:
    end = position
    while end + 1 < len(words) and end - position + 1 < _MAX_NAME and words[end + 1].name_part:
        end += 1
    return end


def _institutions(tokens, words):
    """Yield (first, last, kind, qualifier) for head-noun phrases."""
    after = 0
    for position in positions(_ORG_HEAD, words):
        end = _org_phrase_end(tokens, words, position) if position >= after else position
        if end > position and not _only_generic(tokens[position + 1: end + 1]):
            qualifier = _qualifier(tokens, end)
            yield position, end, Kind(words[position].org_head), qualifier
            after = end + 1


def _org_head(variants: tuple[str, ...]) -> str | None:
    """The kind an institution head noun gives, unless the word is an anaphor (التنظيم)."""
    if any(v.startswith("ال") and v in _anaphors() for v in variants):
        return None
    return next((_org_heads()[v] for v in variants if v in _org_heads()), None)


def _org_phrase_end(tokens, words, position) -> int:
    end = position
    definite_head = tokens[position].stem != tokens[position].norm or tokens[position].norm.startswith("ال")
    while end + 1 < len(tokens) and end - position < _MAX_ORG:
        token, word = tokens[end + 1], words[end + 1]
        if not word.arabic or word.stopword or word.title:
            break
        if definite_head and end == position and not token.norm.startswith(("ال", "لل")):
            break
        if token.proclitics[:1] in ("و", "ف", "ب") and token.norm not in _org_heads():
            break
        definite = token.norm.startswith(("ال", "لل"))
        if not definite and not _continues(tokens, end + 1):
            if zipf(token.norm) >= _RARE:
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


ARABIC_LETTER_SET = (frozenset(chr(c) for c in range(0x0621, 0x064B)) - {"\u0640"}  # tatweel draws, it spells nothing
                     | frozenset(chr(c) for c in range(0x0671, 0x06D4)))


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
