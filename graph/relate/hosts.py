"""Who organised a gathering, told outside the gathering's own clause; where a tour went;
which gathering was held on the margin of which.

"المنتدى، الذي شاركت الإمارات في تنظيمه": a relative clause right after a
gathering noun names who organised it (تنظيمه، نظمته، استضافته) or attended it
(شارك، حضر); a definite noun ("المنتدى") is the last gathering of its kind
already told, which takes them. "مصر … دعت … شركة مايكروسوفت لتقديم
استشارات" and then "نائب رئيس مايكروسوفت شارك فى اجتماع": whoever invited a
participant of the next gathering organised it. "جولة لآلن تشمل المملكة
المتحدة وفرنسا …": the places listed after a venue cue are the tour's stops.
"على هامش مؤتمر الأمم المتحدة …، حيث عقدت … منتدى": the forum was held beside the
conference (merging gives it the conference's place and date once known).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from graph.records import Event, EventKind, Kind, Mention, ParticipantRole, Participation
from graph.relate.arguments import Clause, clauses, cue_role, cue_roles, subject_after
from graph.relate.context import Sentence, is_institution, is_person, is_place
from graph.relate.discourse import on_margin
from graph.text import clitic_variants, normalize_text, positions

__all__ = ["attach_relative_clauses", "margin_pairs", "organizers_by_invitation", "tour_stops"]

_GATHERINGS = frozenset({EventKind.MEETING, EventKind.CONFERENCE, EventKind.FORUM})
_RELATIVES = frozenset(normalize_text(w) for w in ("الذي", "التي"))
_COMMAS = frozenset({"،", ","})
_GLUE = frozenset({"و", "،", ","})
_LOCATIVE = frozenset(normalize_text(w) for w in ("في", "فى"))
_INVITED_WITHIN = 4  # words between an invitation verb and the invited entity
_INVITED_AHEAD = 3  # sentences after the invitation where the gathering may be told
_VENUE_WITHIN = 4  # words between a tour noun and its venue cue


def attach_relative_clauses(found: list[tuple[Event, Clause]], views, exclude) -> list[tuple[Event, Clause]]:
    """Organisers and attendees a relative clause names for the gathering noun before it.

    >>> from graph.records import Article
    >>> from graph.relate.context import sentence_views
    >>> from graph.text import analyze_text
    >>> text = "وأكد أن المنتدى، الذي شاركت الإمارات في تنظيمه، كان مفيدا."
    >>> doc = analyze_text(Article(id="t", text=text))
    >>> uae = Mention("t", text.index("الإمارات"), text.index("الإمارات") + 8, "الإمارات", Kind.COUNTRY, 0)
    >>> views = sentence_views(doc, [uae])
    >>> start = text.index("المنتدى")
    >>> forum = Event("t", 0, start, start + 7, EventKind.FORUM, "المنتدى")
    >>> [(p.mention.surface, p.role.value) for p in attach_relative_clauses([(forum, Clause(2, 4))], views, ())[0][0].participants]
    [('الإمارات', 'organizer')]
    """
    additions: dict[int, list[tuple[Mention, ParticipantRole]]] = {}
    for n, (event, _) in enumerate(found):
        if event.kind not in _GATHERINGS:
            continue
        view = views[event.sentence]
        i = view.index_at(event.start)
        relative = _relative_after(view, i)
        named = _relative_participants(view, relative, exclude) if relative is not None else []
        if named:
            target = _antecedent(found, n, views) if _definite(view, event) else n
            additions.setdefault(n if target is None else target, []).extend(named)
    out = []
    for n, (event, clause) in enumerate(found):
        for mention, role in additions.get(n, ()):
            event = _with(event, mention, role)
        out.append((event, clause))
    return out


def organizers_by_invitation(events: list[Event], views) -> list[Event]:
    """The state or body that invited a participant of the next gathering organised it."""
    out = list(events)
    for view in views:
        verbs = positions("invite".__eq__, cue_roles(view))
        for clause in clauses(view) if verbs else ():
            for j in verbs:
                if not clause.start <= j < clause.end or view.covering[j] is not None:
                    continue
                inviter, invited = _invitation(view, clause, j)
                if inviter is None or invited is None:
                    continue
                n = next((n for n, e in enumerate(out) if e.kind in _GATHERINGS
                          and view.index <= e.sentence <= view.index + _INVITED_AHEAD
                          and any(_same(p.mention, invited) for p in e.participants)), None)
                if n is not None and not any(_same(p.mention, inviter) for p in out[n].participants):
                    out[n] = _with(out[n], inviter, ParticipantRole.ORGANIZER)
    return out


def tour_stops(events: list[Event], views) -> list[Event]:
    """A tour without a place goes where the venue cue after it lists: "جولة تشمل الكويت وقطر"."""
    out = []
    for event in events:
        if event.kind is EventKind.VISIT and not event.places:
            view = views[event.sentence]
            i = view.index_at(event.start)
            cue = next((k for k in range(i + 1, min(len(view.tokens), i + _VENUE_WITHIN + 1))
                        if view.covering[k] is None and cue_role(view.norm(k)) == "venue"), None)
            stops = _listed_places(view, cue + 1) if cue is not None else ()
            if stops:
                kept = tuple(p for p in event.participants if p.mention not in stops)
                event = replace(event, places=stops, participants=kept)
        out.append(event)
    return out


def margin_pairs(events: Sequence[Event], views) -> tuple[tuple[Event, Event], ...]:
    """(guest, host) gatherings: the host is told "على هامش" (:func:`on_margin`), the guest after it in its sentence."""
    gatherings = [e for e in events if e.kind in _GATHERINGS]
    return tuple((guest, host) for host in gatherings if on_margin(views[host.sentence], host)
                 for guest in gatherings if guest.sentence == host.sentence and guest.start > host.end)


def _relative_after(view: Sentence, i: int) -> Clause | None:
    """The relative clause opening right after token ``i`` ("المنتدى، الذي …")."""
    k = i + 1 + (view.norm(i + 1) in _COMMAS)
    if view.norm(k) not in _RELATIVES:
        return None
    return next((c for c in clauses(view) if c.start == k + 1 and c.kind == "relative"), None)


def _relative_participants(view: Sentence, clause: Clause, exclude) -> list[tuple[Mention, ParticipantRole]]:
    cues = {cue_role(view.norm(k)) for k in range(clause.start, clause.end) if view.covering[k] is None}
    role = (ParticipantRole.ORGANIZER if "organizer" in cues else
            ParticipantRole.ATTENDEE if "attendee" in cues else None)
    if role is None:
        return []
    return [(m, role) for k, m in sorted(view.mention_starts().items())
            if clause.start <= k < clause.end and m not in exclude and _actor(m) and not _located(view, k)]


def _antecedent(found: list[tuple[Event, Clause]], n: int, views) -> int | None:
    """The gathering of the same kind last introduced in an earlier sentence: skips the
    definite nouns that refer back to it too ("وركز المنتدى … وهدف المنتدى")."""
    event = found[n][0]
    earlier = [k for k, (e, _) in enumerate(found) if e.kind is event.kind and e.sentence < event.sentence]
    introduced = [k for k in earlier if not _definite(views[found[k][0].sentence], found[k][0])]
    return (introduced or earlier or [None])[-1]


def _definite(view: Sentence, event: Event) -> bool:
    return view.tokens[view.index_at(event.start)].proclitics.endswith("ال")


def _invitation(view: Sentence, clause: Clause, j: int) -> tuple[Mention | None, Mention | None]:
    """(inviter, invited) of the verb at ``j``: SVO "مصر … دعت X" or VSO "دعت مصر X"."""
    opening = view.covering[clause.start]
    if clause.start < j and _actor(opening):
        inviter, after = opening, j + 1
    else:
        inviter = subject_after(view, clause, j)
        if not _actor(inviter):
            return None, None
        after = view.mention_end(next(k for k, m in view.mention_starts().items() if m is inviter))
    invited = next((view.covering[k] for k in range(after, min(clause.end, after + _INVITED_WITHIN + 1))
                    if view.covering[k] is not None), None)
    return inviter, invited if is_person(invited) or is_institution(invited) else None


def _listed_places(view: Sentence, k: int) -> tuple[Mention, ...]:
    found: list[Mention] = []
    while k < len(view.tokens) and is_place(view.covering[k]) and view.covering[k] not in found:
        found.append(view.covering[k])
        k = view.mention_end(k)
        if view.norm(k) in _GLUE:
            k += 1
    return tuple(found)


def _actor(mention: Mention | None) -> bool:
    return is_person(mention) or is_institution(mention) or (mention is not None and mention.kind is Kind.COUNTRY)


def _located(view: Sentence, k: int) -> bool:
    """"الذي عقد في الرباط": a place after "في" or "ب…" is where, not who."""
    return view.tokens[k].proclitics.replace("و", "").startswith("ب") or view.norm(k - 1) in _LOCATIVE


def _same(a: Mention, b: Mention) -> bool:
    """One entity named twice: same key, same name, or the name after a head noun ("شركة X", "X")."""
    if a is b or (a.key is not None and a.key == b.key):
        return True
    x, y = sorted((_bare(a), _bare(b)), key=len)
    return x == y or y.endswith(" " + x)


def _bare(mention: Mention) -> str:
    return clitic_variants(normalize_text(mention.surface))[-1]


def _with(event: Event, mention: Mention, role: ParticipantRole) -> Event:
    """Add ``mention`` in ``role``; an entity already there keeps a stronger role."""
    roles = {p.mention: p.role for p in event.participants}
    if mention in event.places or roles.get(mention, ParticipantRole.PARTICIPANT) not in (
            ParticipantRole.PARTICIPANT, ParticipantRole.ATTENDEE):
        return event
    roles[mention] = role
    return replace(event, participants=tuple(sorted(Participation(m, r) for m, r in roles.items())))
