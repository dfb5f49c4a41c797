"""Discourse rules: what one sentence tells about an event found in another.

Speakers take part in the gatherings they speak at; attendees listed in the
next sentences, or in a "حيث" clause right after, join the gathering; "الدول
الثلاث" are the three states just named; "هذا الاجتماع" is the last meeting
(or conference: the two name each other); an undated gathering takes the date
of the sentence before or of the visit to its place. Each rule is a pass over
the event mentions of one article, after the triggers have been read.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from graph.gazetteer import load_gazetteer
from graph.records import DateValue, Event, EventKind, Kind, Mention, Participation, ParticipantRole
from graph.relate.arguments import Clause, clauses, cue_role, cued_attendees
from graph.relate.context import Sentence, is_person, phrase_index
from graph.text import clitic_variants, normalize_text

__all__ = ["GATHERINGS", "on_margin", "add_speakers", "add_participant_speakers", "attach_neighbours",
           "attach_where_clauses", "resolve_counted_states", "resolve_demonstratives", "inherit_dates",
           "date_from_visits"]

GATHERINGS = frozenset({EventKind.MEETING, EventKind.CONFERENCE, EventKind.FORUM, EventKind.VISIT})
_DEMONSTRATIVES = frozenset(normalize_text(w) for w in ("هذا", "هذه", "ذلك", "تلك"))
_NEIGHBOURS = 7
_WHERE = normalize_text("حيث")
_PARTICIPANTS = frozenset(normalize_text(w) for w in ("المشاركين", "المشاركون", "المشاركات"))
_COUNTED_NEAR = 4  # words between "الدول الثلاث" and the trigger it goes with


def add_speakers(found: list[tuple[Event, Clause]], views) -> list[Event]:
    """Speakers take part in gatherings they speak at: same clause ("قال آلن في
    افتتاح اجتماع") or a "حيث" clause after it; not in gatherings they report
    on ("قالت المجلة إن الاجتماع") nor in one their relative clause follows. A
    person who says "this" of a gathering ("وأشار إلى أن هذا المؤتمر أكد") speaks at it."""
    speakers: dict[tuple[int, int], list[Mention]] = {}
    for event, clause in found:
        if event.kind is EventKind.STATEMENT:
            where = clause.start if clause.kind != "relative" or clause.antecedent else -1
            speakers.setdefault((event.sentence, where), []).extend(p.mention for p in event.participants)
    out, venues = [], {}
    for event, clause in found:
        if event.kind in GATHERINGS:
            extra = list(speakers.get((event.sentence, clause.start), ()))
            if clause.kind != "complement":
                extra += speakers.get((event.sentence, -1), [])
            elif _pointed(views[event.sentence], event):
                extra += [m for (n, _), ms in speakers.items() if n == event.sentence for m in ms if is_person(m)]
            if on_margin(views[event.sentence], event):
                earlier = [m for n in (event.sentence - 1, event.sentence) for (k, _), ms in speakers.items()
                           if k == n for m in ms]
                extra += earlier[-1:]
            event = _with_participants(event, extra, ParticipantRole.SPEAKER)
            if event.places:
                venues.update({(event.sentence, m): event.places for m in extra})
        out.append(event)
    return [_spoken_at(e, venues) for e in out]


def add_participant_speakers(events: list[Event], views) -> list[Event]:
    """"وقد شكّل الموضوع حيزاً من مداخلات المشاركين … وأكد غوتيريش … ونبّه كروز": after the
    text turns to what the participants said, the persons quoted next spoke at the gathering
    last named, until a new gathering is named."""
    gatherings = sorted((e.sentence, e.start) for e in events if e.kind in GATHERINGS)
    turns = [v.index for v in views if not _PARTICIPANTS.isdisjoint(v.norms)]
    extra: dict[tuple[int, int], list[Mention]] = {}
    for turn in turns:
        host = max((g for g in gatherings if turn - _NEIGHBOURS <= g[0] <= turn), default=None)
        if host is None:
            continue
        stop = min((g[0] for g in gatherings if g[0] > turn and not _refers_back(views[g[0]], g[1])),
                   default=turn + _NEIGHBOURS)
        extra.setdefault(host, []).extend(
            p.mention for e in events if e.kind is EventKind.STATEMENT and turn <= e.sentence < stop
            for p in e.participants if is_person(p.mention))
    return [_with_participants(e, extra[(e.sentence, e.start)], ParticipantRole.SPEAKER)
            if (e.sentence, e.start) in extra and e.kind in GATHERINGS else e for e in events]


def _refers_back(view: Sentence, start: int) -> bool:
    """"هذا المؤتمر"، "المؤتمر": a gathering already told, not a new one."""
    i = view.index_at(start)
    return view.tokens[i].proclitics.endswith("ال") or i >= 1 and view.norm(i - 1) in _DEMONSTRATIVES


def _spoken_at(event: Event, venues) -> Event:
    """A statement made at a gathering is located where the gathering was."""
    if event.kind is not EventKind.STATEMENT or not event.participants:
        return event
    places = venues.get((event.sentence, event.participants[0].mention))
    return event if places is None else replace(event, places=places)


def attach_where_clauses(found: list[tuple[Event, Clause]], views, exclude) -> list[tuple[Event, Clause]]:
    """A "حيث" clause right after a gathering tells more about it: "شارك في اجتماع …،
    حيث لم يسبقه في التحدث أمام المنظمة الدولية" — the body spoken before attended."""
    triggers = {(e.sentence, c.start) for e, c in found if e.kind in GATHERINGS}
    out = []
    for event, clause in found:
        if event.kind in GATHERINGS:
            view = views[event.sentence]
            after = next((c for c in clauses(view) if c.start == clause.end + 1), None)
            if after is not None and view.norm(clause.end) == _WHERE and (event.sentence, after.start) not in triggers:
                event = _with_participants(event, cued_attendees(view, after, exclude), ParticipantRole.ATTENDEE)
        out.append((event, clause))
    return out


def attach_neighbours(events: list[Event], views, exclude) -> list[Event]:
    """A sentence without a gathering that lists attendees ("وكان آلن يتكلم أمام
    ممثلين عن البحرين والسعودية") adds them to the gathering just before it."""
    gatherings = sorted({e.sentence for e in events if e.kind in GATHERINGS})
    additions: dict[int, list[Mention]] = {}
    for view in views:
        if view.index in gatherings:
            continue
        host = max((n for n in gatherings if view.index - _NEIGHBOURS <= n < view.index), default=None)
        if host is None:
            continue
        for clause in clauses(view):
            if clause.kind == "complement":
                continue
            cued = cued_attendees(view, clause, exclude)
            additions.setdefault(host, []).extend(cued)
    out, done = [], set()
    for event in events:
        if event.kind in GATHERINGS and event.sentence in additions and event.sentence not in done:
            done.add(event.sentence)
            event = _with_participants(event, additions[event.sentence], ParticipantRole.ATTENDEE)
        out.append(event)
    return out


def resolve_counted_states(events: list[Event], views) -> list[Event]:
    """"ورعت الدول الثلاث اجتماعات" after "روسيا والولايات المتحدة والصين": the three
    states last named (in this or the two sentences before) take part, as organizers
    when a host verb governs them."""
    out = []
    for event in events:
        view = views[event.sentence]
        j, count = _counted_near(view, event) if event.kind in GATHERINGS else (0, 0)
        states = _last_states(views, event.sentence, view.tokens[j].start, count) if count else []
        if states:
            hosts = cue_role(view.norm(j - 1)) == "organizer"
            role = ParticipantRole.ORGANIZER if hosts else ParticipantRole.PARTICIPANT
            event = _with_participants(event, states, role)
        out.append(event)
    return out


def _counted_near(view: Sentence, event: Event) -> tuple[int, int]:
    """Token index and count of a counted reference by the trigger ("ورعت الدول الثلاث
    اجتماعات"، "التقى قادة البلدين"), or (0, 0)."""
    index = phrase_index("counted_states", "phrase")
    i = view.index_at(event.start)
    for j in [*range(max(0, i - _COUNTED_NEAR), i), *range(i + 1, min(len(view.tokens), i + _COUNTED_NEAR + 1))]:
        hit = index.match(view, j)
        if hit is not None:
            return j, int(hit[1]["count"])
    return 0, 0


def _last_states(views, sentence: int, before: int, count: int) -> list[Mention]:
    """The ``count`` distinct states named last before offset ``before``, or none if fewer."""
    found: dict[str, Mention] = {}
    for view in reversed(views[max(0, sentence - 2):sentence + 1]):
        for mention in reversed(list(view.mention_starts().values())):
            if mention.kind is Kind.COUNTRY and mention.start < before:
                found.setdefault(mention.key or normalize_text(mention.surface), mention)
            if len(found) == count:
                return list(found.values())
    return []


def resolve_demonstratives(events: list[Event], views) -> list[Event]:
    """"هذا الاجتماع" is the last gathering of its kind: it takes that one's place and
    date. A bare definite noun ("حضر الاجتماعات") takes only its place. Meetings and
    conferences name each other ("مؤتمرين: الأول … اجتماعاً"), so when no gathering of
    the same kind fits, the other kind is tried; a gathering hosted by a state
    ("اختيار المغرب لاستضافة المؤتمر") never refers back to one held in another state."""
    out: list[Event] = []
    for event in sorted(events, key=lambda e: e.start):
        view = views[event.sentence]
        i = view.index_at(event.start)
        demonstrative = _pointed(view, event)
        definite = view.tokens[i].proclitics.endswith("ال") and not event.places
        if event.kind in GATHERINGS and (demonstrative or definite):
            antecedent = _antecedent(event, out)
            if antecedent is not None:
                date = event.date if event.date and event.date.value or not demonstrative else antecedent.date
                event = replace(event, places=event.places or antecedent.places, date=date)
        out.append(event)
    return out


def _antecedent(event: Event, earlier: list[Event]) -> Event | None:
    hosts = {p.mention.key for p in event.participants
             if p.role is ParticipantRole.ORGANIZER and p.mention.kind is Kind.COUNTRY and p.mention.key}
    pair = (EventKind.MEETING, EventKind.CONFERENCE)
    kinds = [event.kind] + ([k for k in pair if k is not event.kind] if event.kind in pair else [])
    for kind in kinds:
        for candidate in reversed(earlier):
            if candidate.kind is not kind or candidate.sentence >= event.sentence:
                continue
            states = {_state_of(p) for p in candidate.places} - {""}
            if not (hosts and states and not hosts & states):
                return candidate
    return None


def _state_of(place: Mention) -> str:
    """The gazetteer state of a place mention: itself for a state, its country for a city."""
    if not place.key:
        return ""
    if place.kind is Kind.COUNTRY:
        return place.key
    return _countries().get(place.key, "")


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    return {e.id: e.country for e in load_gazetteer().entries.values() if e.country}


def _pointed(view: Sentence, event: Event) -> bool:
    """The gathering is named with a demonstrative: "هذا الاجتماع"، "وهذا المؤتمر"."""
    i = view.index_at(event.start)
    return i >= 1 and view.norm(i - 1) in _DEMONSTRATIVES | {"و" + d for d in _DEMONSTRATIVES}


def on_margin(view: Sentence, event: Event) -> bool:
    """"على هامش المؤتمر": the gathering hosted what was just said, or a gathering told after it."""
    i = view.index_at(event.start)
    return i >= 1 and normalize_text(view.tokens[i - 1].text).endswith("هامش")


def _with_participants(event: Event, extra: list[Mention], role: ParticipantRole) -> Event:
    """Add entities in ``role``; one already there as a mere participant is promoted."""
    roles = {p.mention: p.role for p in event.participants}
    changed = False
    for mention in dict.fromkeys(extra):
        current = roles.get(mention, ParticipantRole.PARTICIPANT)
        if mention not in event.places and current is ParticipantRole.PARTICIPANT:
            changed |= roles.get(mention) is not role
            roles[mention] = role
    if not changed:
        return event
    return replace(event, participants=tuple(sorted(Participation(m, r) for m, r in roles.items())))


def inherit_dates(events: list[Event], views, dates) -> list[Event]:
    """An undated gathering takes the date of a dated gathering in the sentence before.

    "شهد الأسبوع الماضي مؤتمرين: الأول بالرباط … أما الثاني بنيويورك …".
    """
    dated = {e.sentence: e.date for e in events if e.kind in GATHERINGS and e.date and e.date.value}
    out = []
    for event in events:
        previous = dated.get(event.sentence - 1)
        if event.kind in GATHERINGS and not (event.date and event.date.value) and previous is not None:
            event = _replace_date(event, previous)
        out.append(event)
    return out


def date_from_visits(events: list[Event]) -> list[Event]:
    """An undated gathering at the place of a dated visit took place during the visit:
    "وجاءت زيارة الكويت … خلال الفترة من 21 وحتى 31 أكتوبر" dates the Kuwait meeting."""
    visits = {}
    for event in events:
        if event.kind is EventKind.VISIT and event.date and event.date.value:
            for place in event.places:
                visits.setdefault(_place_key(place), event.date)
    out = []
    for event in events:
        date = next((visits[k] for k in map(_place_key, event.places) if k in visits), None)
        if event.kind in GATHERINGS and not (event.date and event.date.value) and date is not None:
            event = _replace_date(event, date)
        out.append(event)
    return out


def _place_key(mention: Mention) -> str:
    return mention.key or clitic_variants(normalize_text(mention.surface))[-1]


def _replace_date(event: Event, date: DateValue) -> Event:
    return replace(event, date=date)
