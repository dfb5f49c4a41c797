"""Discourse rules: what one sentence tells about an event found in another.

Speakers take part in the gatherings they speak at; attendees listed in the
next sentences join the gathering just before; "هذا الاجتماع" is the last
meeting; an undated gathering takes the date of the sentence before or of
the visit to its place. Each rule is a pass over the event mentions of one
article, after the triggers have been read.
"""

from __future__ import annotations

from graph.records import DateValue, Event, EventKind, Mention, Participation, ParticipantRole
from graph.relate.arguments import Clause, clauses, cued_attendees
from graph.relate.context import Sentence
from graph.text import clitic_variants, normalize_text

__all__ = ["GATHERINGS", "add_speakers", "attach_neighbours", "resolve_demonstratives", "inherit_dates",
           "date_from_visits"]

GATHERINGS = frozenset({EventKind.MEETING, EventKind.CONFERENCE, EventKind.FORUM, EventKind.VISIT})
_DEMONSTRATIVES = frozenset(normalize_text(w) for w in ("هذا", "هذه", "ذلك", "تلك"))
_NEIGHBOURS = 7


def add_speakers(found: list[tuple[Event, Clause]], views) -> list[Event]:
    """Speakers take part in gatherings they speak at: same clause ("قال آلن في
    افتتاح اجتماع") or a "حيث" clause after it; not in gatherings they report
    on ("قالت المجلة إن الاجتماع") nor in one their relative clause follows."""
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
            if _on_margin(views[event.sentence], event):
                earlier = [m for n in (event.sentence - 1, event.sentence) for (k, _), ms in speakers.items()
                           if k == n for m in ms]
                extra += earlier[-1:]
            event = _with_participants(event, extra, ParticipantRole.SPEAKER)
            if event.place is not None:
                venues.update({(event.sentence, m): event.place for m in extra})
        out.append(event)
    return [_spoken_at(e, venues) for e in out]


def _spoken_at(event: Event, venues) -> Event:
    """A statement made at a gathering is located where the gathering was."""
    if event.kind is not EventKind.STATEMENT or not event.participants:
        return event
    place = venues.get((event.sentence, event.participants[0].mention))
    if place is None:
        return event
    return Event(event.article_id, event.sentence, event.start, event.end, event.kind, event.trigger,
                 event.label, event.participants, place, event.date, event.quotation)


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


def resolve_demonstratives(events: list[Event], views) -> list[Event]:
    """"هذا الاجتماع" is the last gathering of its kind: it takes that one's place and
    date. A bare definite noun ("حضر الاجتماعات") takes only its place."""
    out: list[Event] = []
    for event in sorted(events, key=lambda e: e.start):
        view = views[event.sentence]
        i = next((k for k, t in enumerate(view.tokens) if t.start == event.start), 0)
        demonstrative = view.norm(i - 1) in _DEMONSTRATIVES | {"و" + d for d in _DEMONSTRATIVES}
        definite = view.tokens[i].proclitics.endswith("ال") and event.place is None
        if event.kind in GATHERINGS and (demonstrative or definite):
            antecedent = next((e for e in reversed(out) if e.kind is event.kind and e.sentence < event.sentence), None)
            if antecedent is not None:
                date = event.date if event.date and event.date.value or not demonstrative else antecedent.date
                event = Event(event.article_id, event.sentence, event.start, event.end, event.kind, event.trigger,
                              event.label, event.participants, event.place or antecedent.place, date, event.quotation)
        out.append(event)
    return out


def _on_margin(view: Sentence, event: Event) -> bool:
    """"على هامش المؤتمر": what was just said was said at this gathering."""
    i = next((k for k, t in enumerate(view.tokens) if t.start == event.start), 0)
    return i >= 1 and normalize_text(view.tokens[i - 1].text).endswith("هامش")


def _with_participants(event: Event, extra: list[Mention], role: ParticipantRole) -> Event:
    """Add entities in ``role``; one already there as a mere participant is promoted."""
    roles = {p.mention: p.role for p in event.participants}
    changed = False
    for mention in dict.fromkeys(extra):
        if mention != event.place and roles.get(mention, ParticipantRole.PARTICIPANT) is ParticipantRole.PARTICIPANT:
            changed |= roles.get(mention) is not role
            roles[mention] = role
    if not changed:
        return event
    return Event(event.article_id, event.sentence, event.start, event.end, event.kind, event.trigger,
                 event.label, tuple(sorted(Participation(m, r) for m, r in roles.items())), event.place,
                 event.date, event.quotation)


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
        if event.kind is EventKind.VISIT and event.place is not None and event.date and event.date.value:
            visits.setdefault(_place_key(event.place), event.date)
    out = []
    for event in events:
        date = visits.get(_place_key(event.place)) if event.place is not None else None
        if event.kind in GATHERINGS and not (event.date and event.date.value) and date is not None:
            event = _replace_date(event, date)
        out.append(event)
    return out


def _place_key(mention: Mention) -> str:
    return mention.key or clitic_variants(normalize_text(mention.surface))[-1]


def _replace_date(event: Event, date: DateValue) -> Event:
    return Event(event.article_id, event.sentence, event.start, event.end, event.kind, event.trigger,
                 event.label, event.participants, event.place, date, event.quotation)
