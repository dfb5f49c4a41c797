"""Event arguments: clauses, participants by cue and position, place.

Kept apart from trigger finding so each rule is small and testable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from graph.lexicon import read_lexicon
from graph.records import Kind, Mention, ParticipantRole, Participation
from graph.relate.context import PUNCT, Sentence, is_institution, is_person, is_place
from graph.text import WordMemo, clitic_variants, normalize_text, positions

__all__ = ["Clause", "clauses", "cued_attendees", "participants", "place_of", "places_of", "subject_after",
           "cue_role", "cue_roles"]

_SUBJECT_GLUE = frozenset(normalize_text(w) for w in (
    "مجلة", "صحيفة", "وكالة", "شركة", "موقع", "قناة", "أيضا", "كذلك", "بدوره", "بدورها", "بدورهم"))
_TITLE_GLUE = frozenset(normalize_text(w) for w in ("في", "لدى", "دولة", "بدولة", "ضد", "عن"))
QUOTES = frozenset('"«»“”')
_PREPOSITIONS = frozenset(normalize_text(w) for w in ("إلى", "على", "عن", "من", "حول"))
_WEAK_CUES = frozenset({"مع"})  # "مع" names a partner of a meeting verb, not an audience
_RELATIVES = frozenset(normalize_text(w) for w in ("الذي", "التي", "الذين"))
_LIST_GLUE = frozenset(normalize_text(w) for w in ("و", "،", ",", "عن", "من", "كل", "على", "الخصوص"))
_LOCATIVE = frozenset(normalize_text(w) for w in ("في", "داخل", "بمدينة", "مدينة", "بالعاصمة", "العاصمة"))
_PLACE_BEFORE, _PLACE_AFTER = 8, 12
_HELD = frozenset(normalize_text(w) for w in ("المنعقد", "المنعقدة", "المقام", "المقامة", "انعقد", "انعقدت"))
_BETWEEN = normalize_text("بين")
_COORDINATION = frozenset({"و", "،", ","})
_EXCEPT = frozenset(normalize_text(w) for w in ("سوى", "باستثناء", "عدا", "ماعدا"))  # "… سوى بيل جيتس"
_TOPIC_WINDOW = 3  # words between a topic word and the armed group it governs ("لمكافحة تنظيم «داعش»")
_MAX_FILLERS = 2  # words other than titles between a cue and a name
_NEAR = 12  # tokens between a trigger and an entity named without a cue
_ROLES = {"organizer": ParticipantRole.ORGANIZER, "attendee": ParticipantRole.ATTENDEE,
          "target": ParticipantRole.TARGET}


@dataclass(frozen=True)
class Clause:
    """Token range of a clause; ``kind`` is main, complement or relative."""

    start: int
    end: int
    kind: str = "main"
    antecedent: Mention | None = None


def clauses(view: Sentence) -> tuple[Clause, ...]:
    """Split a sentence at complementisers, relatives, "حيث" and colons (once per view).

    The antecedent of a relative clause is the entity named just before it.
    """
    found = view.derived.get("clauses")
    if found is None:
        found = view.derived["clauses"] = tuple(_split(view))
    return found


def _split(view: Sentence) -> list[Clause]:
    out, start, kind, antecedent = [], 0, "main", None
    for k in positions("boundary".__eq__, cue_roles(view)):
        if view.covering[k] is not None:
            continue
        if k > start:
            out.append(Clause(start, k, kind, antecedent))
        norm = view.tokens[k].norm
        relative = norm in _RELATIVES
        before = view.covering[k - 1] if k else None
        antecedent = before if relative and (is_person(before) or is_institution(before)) else None
        kind = "relative" if relative or norm == "حيث" else "main" if norm in (":", "كما") else "complement"
        start = k + 1
    if start < len(view.tokens):
        out.append(Clause(start, len(view.tokens), kind, antecedent))
    return out


def cue_roles(view: Sentence) -> list[str]:
    """:func:`cue_role` of every token of a view (worked out once per view)."""
    roles = view.derived.get("cue_roles")
    if roles is None:
        roles = view.derived["cue_roles"] = list(map(_CUE_ROLES.__getitem__, view.norms))
    return roles


def cue_role(norm: str) -> str:
    """The cue class of a normalised word, or ``""`` (memoised: every clause split asks for every word).

    Clause words match as written or after a conjunction ("وأن"); other cues
    also after a preposition ("بحضور"), never on a two-letter remnant
    ("وكان" is not "أن").
    """
    return _CUE_ROLES[norm]


def _cue_role(norm: str) -> str:
    table = _cues()
    variants = clitic_variants(norm)
    exact = [v for v in (norm, norm[1:] if norm[:1] in "وف" else "") if v]
    for variant in exact:
        if variant in table:
            return table[variant]
    return next((table[v] for v in variants[1:] if len(v) > 2 and v in table and table[v] != "boundary"), "")


_CUE_ROLES = WordMemo(_cue_role)


def participants(view: Sentence, clause: Clause, i: int, subject_role: ParticipantRole,
                 verbal: bool, exclude=frozenset(), attack: bool = False) -> tuple[Participation, ...]:
    """Entities taking part in the event triggered at token ``i``, with their role.

    Entities after a cue may be anywhere in the clause; others must be near
    the trigger. "ضد X" makes X a target of an attack and nothing of a meeting,
    except an armed group: "اجتماع لمكافحة داعش"، "ضد داعش" name what the
    gathering is against (target), and a group merely named near a gathering
    did not attend it.
    """
    found: dict[Mention, ParticipantRole] = {}
    subject = subject_after(view, clause, i) if verbal else _genitive(view, clause, i)
    if subject is None and verbal:
        subject = _subject_before(view, clause, i)
    if subject is not None and subject not in exclude:
        found[subject] = subject_role
    if clause.antecedent is not None:
        found.setdefault(clause.antecedent, _cue_before(view, clause, i) or subject_role)
    host = _host_before(view, i)
    if host is not None and host not in exclude:
        found[host] = ParticipantRole.ORGANIZER
    for k, mention in sorted(view.mention_starts().items()):
        if not clause.start <= k < clause.end or mention in found or mention in exclude:
            continue
        role = _cue_before(view, clause, k)
        if not attack and mention.kind is Kind.ARMED_GROUP:
            role = _armed_group_role(view, clause, i, k, role)
            if role is not None:
                found[mention] = role
            continue
        if role == ParticipantRole.TARGET and not attack:
            continue
        if is_place(mention):
            if role == ParticipantRole.ATTENDEE and mention.kind is Kind.COUNTRY and not _locative(view, k):
                found[mention] = role
        elif (is_person(mention) or is_institution(mention)) and (role or abs(k - i) <= _NEAR):
            found[mention] = role or ParticipantRole.PARTICIPANT
    return tuple(sorted(Participation(m, r) for m, r in found.items()))


def _armed_group_role(view: Sentence, clause: Clause, i: int, k: int, role: ParticipantRole | None):
    """An armed group by a gathering or a statement is what it is about when a topic word governs
    it ("لبحث محاربة التنظيم" after the trigger, "اجتماع لمكافحة داعش") or "ضد" names it near the
    trigger: its target. Cued to attend or organise, it keeps that role; merely named nearby, none."""
    near = abs(k - i) <= _NEAR
    if _in_topic(view, max(clause.start, k - _TOPIC_WINDOW), k):
        return ParticipantRole.TARGET if k > i or near else None
    if role is None or role == ParticipantRole.TARGET:
        return role if near else None
    return role


def cued_attendees(view: Sentence, clause: Clause, exclude=frozenset()) -> list[Mention]:
    """Entities a clause lists after an attendance cue (أمام، بحضور، ممثلين عن، الوفد)."""
    out = []
    for k, mention in sorted(view.mention_starts().items()):
        cue = _cue_before(view, clause, k, strong=True) if clause.start <= k < clause.end else None
        if cue == ParticipantRole.ATTENDEE and mention not in exclude:
            if is_person(mention) or is_institution(mention) or mention.kind is Kind.COUNTRY:
                out.append(mention)
    return out


def subject_after(view: Sentence, clause: Clause, i: int) -> Mention | None:
    """The person or institution named right after a verb (VSO).

    Only a title ("قال المنسق الأميركي للتحالف الدولي الجنرال جون آلن"), a
    head noun ("قالت مجلة") or an adverb may come between; an institution
    inside the title gives way to the person it introduces. Any other word
    means the verb's subject is unnamed and what follows is its object
    ("دعت عملاق التكنولوجيا شركة مايكروسوفت").
    """
    found, titled, k = None, False, i + 1
    while k < min(clause.end, i + 18):
        mention = view.covering[k]
        if is_person(mention):
            return mention
        if mention is not None:
            if is_institution(mention):
                found = found or mention
            elif not titled:
                return found
            k = view.mention_end(k)
            continue
        norm = view.norm(k)
        if found is not None and norm in ("،", ",") and is_person(view.covering[k + 1] if k + 1 < len(view.tokens) else None):
            return view.covering[k + 1]  # "أشار المبعوث الخاص … للتحالف الدولي، بريت ماكغورك"
        title = any(v in _title_words() for v in clitic_variants(norm))
        titled |= title
        if not (title or norm in _SUBJECT_GLUE or norm in QUOTES or titled and norm in _TITLE_GLUE):
            return found
        k += 1
    return found


def places_of(view: Sentence, clause: Clause, i: int, exclude=frozenset()) -> tuple[Mention, ...]:
    """Where the event at token ``i`` happened: :func:`place_of` and the places
    coordinated with it ("بمومباي ونيودلهي"، "بين الرباط ونواكشوط"), in text order."""
    first = place_of(view, clause, i, exclude=exclude)
    if first is None:
        return ()
    found, k = [first], view.mention_end(next(k for k, m in view.mention_starts().items() if m is first))
    while k < len(view.tokens):
        glue = view.norm(k) in _COORDINATION
        nxt = view.covering[k + 1] if glue and k + 1 < len(view.tokens) else view.covering[k]
        joined = glue or view.tokens[k].proclitics.startswith("و")
        if not (joined and is_place(nxt) and nxt not in exclude and nxt.kind is first.kind):
            break
        found.append(nxt)
        k = view.mention_end(k + glue)
    return tuple(found)


def place_of(view: Sentence, clause: Clause, i: int, locative_only: bool = False,
             exclude=frozenset()) -> Mention | None:
    """Where the event at token ``i`` happened: a place named after the noun, marked
    as a location (في، ب…), or hosting it ("احتضنت الرباط اجتماعا"); nearest wins.
    "المنعقد … بمومباي" reaches past a long noun phrase. A place inside the topic
    ("المؤتمر الخاص بدراسة ظاهرة الإرهاب في أفريقيا") is not where it met."""
    held = next((k for k in range(i + 1, len(view.tokens)) if view.norm(k) in _HELD), None)
    candidates = []
    for k, mention in view.mention_starts().items():
        near = i - _PLACE_BEFORE <= k <= i + _PLACE_AFTER or (held is not None and held < k <= held + _PLACE_AFTER)
        if not is_place(mention) or mention in exclude or not near:
            continue
        if _cue_before(view, clause, k) == ParticipantRole.ATTENDEE and not _locative(view, k):
            continue
        topic_from = held + 1 if held is not None and held < k else i + 1
        if mention.kind is not Kind.CITY and k > i + 1 and _in_topic(view, topic_from, k):
            continue
        genitive = k == i + 1 and not locative_only
        host = cue_role(view.norm(k - 1)) == "organizer" and not locative_only
        if genitive or host or _locative(view, k):
            distance = abs(k - i) if held is None or k < held else k - held
            candidates.append((0 if genitive else 1, distance, k < i, mention.kind is not Kind.CITY, k, mention))
    return min(candidates)[-1] if candidates else None


def _locative(view: Sentence, k: int) -> bool:
    """"في X"، "بـX"، "بمدينة X"؛ "بين X و Y" for cities (states between which talks are
    held take part in them)."""
    token = view.tokens[k]
    before = view.norm(k - 1)
    between = before == _BETWEEN and view.covering[k] is not None and view.covering[k].kind is not Kind.COUNTRY
    return (token.proclitics.replace("و", "").startswith("ب") or before in _LOCATIVE or between
            or before[:1] in "وف" and before[1:] in _LOCATIVE)


def _in_topic(view: Sentence, start: int, k: int) -> bool:
    """A topic word ("الخاص"، "حول"، "بشأن"، "ضد"، "لمكافحة") between the event and a place."""
    topics = _topic_words()
    return any(v in topics for j in range(start, k) if view.covering[j] is None for v in clitic_variants(view.norm(j)))


def _host_before(view: Sentence, i: int) -> Mention | None:
    """"اختيار المغرب لاستضافة المؤتمر": the state or body just before a hosting noun."""
    if i < 2 or cue_role(view.norm(i - 1)) != "organizer" or view.covering[i - 1] is not None:
        return None
    mention = view.covering[i - 2]
    if is_person(mention) or is_institution(mention) or (mention is not None and mention.kind is Kind.COUNTRY):
        return mention
    return None


def _subject_before(view: Sentence, clause: Clause, i: int) -> Mention | None:
    """SVO order: "عناصر تنظيم داعش وهم يعدمون" — the nearest actor just before the verb."""
    for k in range(i - 1, max(clause.start, i - 5) - 1, -1):
        mention = view.covering[k]
        if is_person(mention) or is_institution(mention):
            return mention
        if view.norm(k) in PUNCT:
            return None
    return None


def _genitive(view: Sentence, clause: Clause, i: int) -> Mention | None:
    """The entity a trigger noun is construed with: "مؤتمر الأمم المتحدة"."""
    for k in range(i + 1, min(clause.end, i + 6)):
        mention = view.covering[k]
        if mention is not None:
            return mention if is_person(mention) or is_institution(mention) else None
        norm = view.norm(k)
        if norm in PUNCT or cue_role(norm) or not any(ch.isalpha() for ch in norm) or norm in _LOCATIVE:
            return None
    return None


def _cue_before(view: Sentence, clause: Clause, k: int, strong: bool = False) -> ParticipantRole | None:
    """The role a cue word gives to a list of entities it heads ("ممثلين عن البحرين والسعودية")."""
    fillers = 0
    j = k - 1
    while j >= clause.start and k - j <= 40:
        if view.covering[j] is not None:
            j = _mention_start(view, j) - 1
            fillers = 0
            continue
        norm = view.norm(j)
        role = cue_role(norm)
        if role in _ROLES and not (strong and norm in _WEAK_CUES):
            if role == "attendee" and norm == "مع" and _cooperation(view, j):
                return ParticipantRole.ORGANIZER
            return _ROLES[role]
        if role == "boundary" or norm in PUNCT - {"،", ","} or norm in _EXCEPT:
            return None
        if norm not in _LIST_GLUE and not any(v in _title_words() for v in clitic_variants(norm)):
            fillers += 1
            if fillers > _MAX_FILLERS:
                return None
        j -= 1
    return None


def _cooperation(view: Sentence, j: int) -> bool:
    return any(v in ("تعاون", "التعاون") for v in clitic_variants(view.norm(j - 1)))


def _mention_start(view: Sentence, j: int) -> int:
    mention = view.covering[j]
    while j > 0 and view.covering[j - 1] is mention:
        j -= 1
    return j


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    """Words of post titles and state adjectives: "وزير الشؤون الخارجية الهندي"."""
    words = {w for row in read_lexicon("titles") for w in normalize_text(row["title_ar"]).split()}
    words |= {normalize_text(row["nisba_ar"]) for row in read_lexicon("nisba")}
    return frozenset(words | {v for w in words for v in ("ال" + w, "لل" + w)})


@lru_cache(maxsize=1)
def _topic_words() -> frozenset[str]:
    return frozenset(normalize_text(row["word"]) for row in read_lexicon("event_topics"))


@lru_cache(maxsize=1)
def _cues() -> dict[str, str]:
    return {normalize_text(row["cue"]): row["role"] for row in read_lexicon("event_cues")}
