"""Events: triggers in the text, typed, with participants, place and date.

A trigger is a verb or noun from ``ontology/lexicons/event_triggers.tsv``
outside names and outside quoted speech. Arguments come from its clause
(complementisers and relatives start a new clause, so the reporter of
"قالت المجلة إن الاجتماع …" is not a participant of the meeting): entities
after cue words (``event_cues.tsv``: بحضور، ممثلين عن، احتضن …) take the
cue's role, the entity right after a noun trigger or after a verb trigger
takes the trigger's subject role, speakers of the clause are speakers.
Relative clauses, invitations and tour itineraries are read in ``hosts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from graph.dates import find_dates
from graph.lexicon import read_lexicon
from graph.records import DateValue, Document, Event, EventKind, Mention, ParticipantRole, Participation
from graph.relate.arguments import Clause, clauses, cue_role, participants, places_of, subject_after
from graph.relate.context import Sentence, is_institution, is_person, is_place, sentence_views, strip_to
from graph.relate.discourse import (
    GATHERINGS, add_participant_speakers, add_speakers, attach_neighbours, attach_where_clauses, date_from_visits,
    inherit_dates, resolve_counted_states, resolve_demonstratives,
)
from graph.relate.hosts import attach_relative_clauses, organizers_by_invitation, tour_stops
from graph.relate.quotes import find_quotes, quotation_after
from graph.text import WordMemo, clitic_variants, normalize_text, positions

__all__ = ["find_events", "Trigger", "trigger_at", "is_series"]

_SPEECH_MIN_WORDS = 4
_LABEL_STOP = frozenset(normalize_text(w) for w in (
    "في", "الذي", "التي", "خلال", "المنعقد", "المنعقدة", "عقد", "مع", "على", "إلى", "عن", "من",
    "شارك", "حيث", "ضد", "بشأن", "أمام", "تشمل"))
_DELIVERY = frozenset(normalize_text(w) for w in ("ألقى", "ألقت", "القى", "أصدر", "أصدرت", "في", "وفي", "خلال"))
_HELD_AFTER = frozenset(normalize_text(w) for w in ("عقد", "المنعقد", "المنعقدة"))
_OTHER = frozenset(normalize_text(w) for w in ("الأخرى", "أخرى", "عدة"))


@dataclass(frozen=True)
class Trigger:
    kind: EventKind
    role: ParticipantRole
    verbal: bool
    series: bool = False


def trigger_at(norm: str) -> Trigger | None:
    """The trigger a normalised token is, proclitics stripped, or None.

    >>> trigger_at(normalize_text("واجتمع")).kind
    <EventKind.MEETING: 'Meeting'>
    >>> trigger_at(normalize_text("مؤتمراً")).kind
    <EventKind.CONFERENCE: 'Conference'>

    Memoised by word: every token of an article is asked.
    """
    return _TRIGGER_AT[norm]


def _trigger_at(norm: str) -> Trigger | None:
    table = _triggers()
    for variant in clitic_variants(norm):
        if variant in table:
            return table[variant]
    return None


_TRIGGER_AT = WordMemo(_trigger_at)


def is_series(word: str) -> bool:
    """An indefinite plural naming several events ("ورعت الدول الثلاث اجتماعات"), not one;
    the definite "الاجتماعات" refers back to meetings already told.

    >>> is_series("اجتماعات"), is_series("الاجتماعات"), is_series("اجتماع")
    (True, False, False)
    """
    norm = normalize_text(word)
    table = _triggers()
    variant = next((v for v in clitic_variants(norm) if v in table), None)
    if variant is None or not table[variant].series:
        return False
    return not (norm.endswith("ال" + variant) or norm.endswith("لل" + variant))


def find_events(document: Document, mentions: Sequence[Mention], exclude: Sequence[Mention] = (),
                views: Sequence[Sentence] | None = None) -> list[Event]:
    """Event mentions of a document, each with its arguments (sorted).

    ``exclude`` are mentions that name an office rather than take part
    ("أمير الكويت": الكويت is neither place nor participant of the meeting).
    """
    text = document.article.text
    speech = [(s, e) for s, e in find_quotes(text) if len(text[s:e].split()) >= _SPEECH_MIN_WORDS]
    dates = find_dates(text, document.article.published, document.tokens or None)
    views = sentence_views(document, mentions) if views is None else views
    found: list[tuple[Event, Clause]] = []
    subjects: list[tuple[int, Mention | None]] = []  # last named subject, for dropped ones
    for view in views:
        candidates = positions(_TRIGGER_AT.__getitem__, view.norms)
        for clause in clauses(view) if candidates else ():
            for i in candidates:
                trigger = _trigger(view, i, speech) if clause.start <= i < clause.end else None
                if trigger is None:
                    continue
                event = _event(document, views, view, clause, i, trigger, speech, dates, subjects, frozenset(exclude))
                if event is not None:
                    found.append((event, clause))
    found = attach_relative_clauses(attach_where_clauses(found, views, frozenset(exclude)), views, frozenset(exclude))
    events = add_participant_speakers(add_speakers(found, views), views)
    events = attach_neighbours(events, views, frozenset(exclude))
    events = tour_stops(organizers_by_invitation(events, views), views)
    events = resolve_counted_states(events, views)
    events = resolve_demonstratives(inherit_dates(events, views, dates), views)
    events = date_from_visits(events)
    return sorted(e for e in events if _grounded(e))


def _grounded(event: Event) -> bool:
    """Keep an event only with something to hang it on; a bare "الهجمات" is a topic, not an event."""
    if event.kind in (EventKind.ATTACK, EventKind.AGREEMENT):
        return bool(event.participants)
    return bool(event.participants or event.places or event.quotation or (event.date and event.date.value))


def _triggers_exact(norm: str) -> bool:
    return norm in _triggers()


def _trigger(view: Sentence, i: int, speech) -> Trigger | None:
    token = view.tokens[i]
    if view.covering[i] is not None or any(s <= token.start < e for s, e in speech):
        return None
    if view.norm(i + 1) in _OTHER:
        return None  # "المنتديات الأخرى": a class of events, not one
    if token.proclitics in ("ل", "لل") and not _triggers_exact(token.norm):
        return None  # "للاجتماع مع مسؤولين": a purpose, not a meeting that happened
    return trigger_at(token.norm)


def _event(document, views, view, clause, i, trigger, speech, dates, subjects, exclude) -> Event | None:
    token = view.tokens[i]
    if trigger.kind is EventKind.STATEMENT:
        return _statement(document, views, view, clause, i, trigger, speech, dates, subjects)
    parts = participants(view, clause, i, trigger.role, trigger.verbal, exclude, trigger.kind is EventKind.ATTACK)
    if trigger.verbal and trigger.kind in GATHERINGS:
        parts = _carry_subject(view, i, parts, subjects)
    places = places_of(view, clause, i, exclude=exclude)
    parts = tuple(p for p in parts if p.mention not in places)
    label = _verbal_label(document, view, clause, i) if trigger.verbal else _label(document, view, i)
    return Event(
        document.article.id, view.index, token.start, token.end, trigger.kind, token.text,
        label=label, participants=parts, places=places,
        date=_date_near(view, i, dates),
    )


def _statement(document, views, view, clause, i, trigger, speech, dates, subjects) -> Event | None:
    token = view.tokens[i]
    speaker = subject_after(view, clause, i) if trigger.verbal else None
    if speaker is None and trigger.verbal and _pro_drop(view, clause, i):
        speaker = clause.antecedent or _recent(subjects, view.index)
        if speaker is not None and is_person(speaker) and _feminine(token) and speaker is not clause.antecedent:
            speaker = None  # "وكانت الاستراتيجية … قد أكدت": the subject is a feminine noun
    if speaker is None and not trigger.verbal:
        speaker = clause.antecedent if _delivered(view, i, 1) else None
        speaker = speaker or (_clause_speaker(view, clause, i) if _delivered(view, i, 2) else None)
    if trigger.verbal:
        subjects.append((view.index, speaker))
    if speaker is None:
        return None
    text = document.article.text
    quotation = quotation_after(text, speech, token.end, _quote_limit(views, view))
    parts = (Participation(speaker, ParticipantRole.SPEAKER),)
    return Event(
        document.article.id, view.index, token.start, token.end, EventKind.STATEMENT, token.text,
        label=f"{_stem_text(token)} {speaker.surface}".strip(), participants=parts,
        date=_date_near(view, i, dates), quotation=quotation,
    )


def _carry_subject(view: Sentence, i: int, parts, memory) -> tuple[Participation, ...]:
    """"كما اجتمع أيضا مع X": a meeting verb without a named subject keeps the last one."""
    subject = next((k for k in range(i + 1, min(len(view.tokens), i + 4))
                    if is_person(view.covering[k]) or is_institution(view.covering[k])), None)
    if subject is None:
        carried = next((m for n, m in reversed(memory) if m is not None and view.index - n <= 1 and is_person(m)), None)
        if carried is not None and carried not in {p.mention for p in parts}:
            parts = tuple(sorted(parts + (Participation(carried, ParticipantRole.PARTICIPANT),)))
    else:
        memory.append((view.index, view.covering[subject]))
    return parts


def _pro_drop(view: Sentence, clause: Clause, i: int) -> bool:
    """The verb has no named subject: it is followed by a colon, a complementiser or a quote."""
    after = view.norm(i + 1)
    return after in (":", "ان", "بان", "انه", "الي", "علي", "«", "”", "“", '"', "") or after.startswith(("ان", "بان"))


def _delivered(view: Sentence, i: int, window: int) -> bool:
    """A speech noun given by someone: "في كلمة"، "ألقى خطابا"، "أصدر بيانا"."""
    return any(view.norm(k) in _DELIVERY for k in range(max(0, i - window), i))


def _feminine(token) -> bool:
    """A past-tense speech verb with the feminine ending (قالت، أكدت، أضافت)."""
    table, variants = _triggers(), clitic_variants(token.norm)
    return any(v in table and v.endswith("ت") and v[:-1] in table for v in variants)


def _recent(subjects, index: int) -> Mention | None:
    if subjects and index - subjects[-1][0] <= 2:
        return subjects[-1][1]  # None when the previous speech verb had an unnamed subject
    return None


def _clause_speaker(view: Sentence, clause: Clause, i: int) -> Mention | None:
    """For a speech noun (كلمة، خطاب): the subject of the clause's verb, before the noun."""
    for k in range(i - 1, clause.start - 1, -1):
        mention = view.covering[k]
        if is_person(mention) or is_institution(mention):
            return mention
    return None


def _quote_limit(views, view: Sentence) -> int:
    end = view.tokens[-1].end if view.tokens else 0
    if view.tokens and view.tokens[-1].text in (":",) and view.index + 1 < len(views):
        following = views[view.index + 1]
        return following.tokens[-1].end if following.tokens else end
    return end + 2


def _label(document, view: Sentence, i: int) -> str:
    """The trigger noun with its genitives and adjectives: "مؤتمر أبوظبي الدولي لتجريم الإرهاب",
    and the place when it follows at once: "اجتماع في الكويت"."""
    end = i + 1
    while end < len(view.tokens) and end - i < 10:
        norm = view.norm(end)
        if norm == "في" and end + 1 < len(view.tokens) and is_place(view.covering[end + 1]):
            end = view.mention_end(end + 1)
            break
        held = end == i + 1 and norm in _HELD_AFTER  # "اجتماع عقد الأربعاء": held, not a new verb
        if (norm in _LABEL_STOP and not held or not any(ch.isalpha() for ch in norm) or trigger_at(norm) is not None
                or cue_role(norm) == "attendee" or view.tokens[end].proclitics.startswith("ف")
                or norm.startswith("ي")):
            break
        end += 1
    first = view.tokens[i]
    return (_stem_text(first) + document.article.text[first.end:view.tokens[end - 1].end]).strip()


def _verbal_label(document, view: Sentence, clause: Clause, i: int) -> str:
    """A verb with its subject and partner: "اجتمع آلن مع أمير الكويت الشيخ صباح الأحمد"."""
    end, k = i + 1, i + 1
    while k < min(clause.end, i + 16):
        norm = view.norm(k)
        if norm in _LABEL_STOP - {"مع"} or not any(ch.isalpha() for ch in norm):
            break
        if is_person(view.covering[k]) or is_institution(view.covering[k]):
            k = end = view.mention_end(k)
            continue
        k += 1
    first = view.tokens[i]
    return (_stem_text(first) + document.article.text[first.end:view.tokens[end - 1].end]).strip()


def _stem_text(token) -> str:
    """The trigger as printed, without conjunction or preposition: "وأبرز" → "أبرز"."""
    table, variants = _triggers(), clitic_variants(token.norm)
    variant = next((v for v in variants if v in table), token.norm)
    return strip_to(token, "ال" + variant if "ال" + variant in variants else variant)


def _date_near(view: Sentence, i: int, dates) -> DateValue:
    if not view.tokens:
        return DateValue("", "", "unknown")
    lo, hi, at = view.tokens[0].start, view.tokens[-1].end, view.tokens[i].start
    inside = [(abs(s - at), s, d) for s, e, d in dates if lo <= s < hi]
    return min(inside)[2] if inside else DateValue("", "", "unknown")


@lru_cache(maxsize=1)
def _triggers() -> dict[str, Trigger]:
    return {
        normalize_text(row["trigger"]): Trigger(
            EventKind(row["kind"]), ParticipantRole(row["subject_role"]), row["form"] == "verbal",
            row.get("number") == "series")
        for row in read_lexicon("event_triggers")
    }
