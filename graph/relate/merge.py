"""Merge event and role mentions into nodes once entities are resolved.

Two event mentions are one event when they have the same kind, compatible
dates (overlapping, or one unknown), and share a place or a non-place
participant. A meeting and a conference at the same place and time are one
gathering named two ways ("مؤتمر الكويت" in a headline, "اجتماع في الكويت"
in the body); the node takes the kind most of its mentions use. Statements
with different quotations stay apart, and a bilateral meeting ("اجتمع آلن
مع أمير الكويت") joins only a mention with exactly the same persons, so two
audiences on one day stay two meetings. An indefinite plural ("اجتماعات")
names a series and stays a node of its own. Undated statements from
articles published more than a month apart are kept apart: a remark is
reported soon after it is made. A gathering held "على هامش" another takes
its host's place and date when it has none. A visit joins only a visit to the
same places: "زيارة الكويت في إطار جولة تشمل … الكويت …" is one stop of the
tour, not the tour. Clustering is greedy in a fixed
order, so ids and output are the same on every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from graph.records import DateValue, Event, EventKind, EventNode, Extraction, Kind, Mention, ParticipantRole, RoleNode
from graph.relate.events import is_series, trigger_at
from graph.text import normalize_text

__all__ = ["merge_events", "merge_roles", "event_groups", "merge_group", "finish_events", "publication_days",
           "lean_nodes", "full_nodes", "date_interval", "dates_compatible"]

_ROLE_RANK = [ParticipantRole.ORGANIZER, ParticipantRole.SPEAKER, ParticipantRole.PERPETRATOR,
              ParticipantRole.TARGET, ParticipantRole.ATTENDEE, ParticipantRole.PARTICIPANT]
_STATEMENT_DAYS = 31
_CERTAINTY_RANK = {"stated": 0, "relative": 1, "unresolved": 2, "unknown": 3}
_NAMED_BOTH_WAYS = frozenset({EventKind.MEETING, EventKind.CONFERENCE})
_KIND_RANK = [EventKind.MEETING, EventKind.CONFERENCE]


def merge_events(extractions: Sequence[Extraction], denotes: Mapping[Mention, str]) -> tuple[EventNode, ...]:
    """One node per real event, merged within and across articles (sorted by id)."""
    published = publication_days(extractions)
    nodes = [n for events in event_groups(extractions).values() for n in merge_group(events, denotes, published)]
    return finish_events(nodes, extractions)


def event_groups(extractions: Sequence[Extraction]) -> dict[str, list[Event]]:
    """The event mentions, sorted, in the groups that merge apart: a meeting and a conference
    may be one gathering, every other kind merges only with its own. Groups are independent,
    so they may be merged side by side (:func:`merge_group`) with the same nodes.

    >>> event_groups([])
    {}
    """
    groups: dict[str, list[Event]] = defaultdict(list)
    for event in sorted(e for x in extractions for e in x.events):
        groups[_group_name(event.kind)].append(event)
    return dict(sorted(groups.items()))


def _group_name(kind: EventKind) -> str:
    return "+".join(k.value for k in _KIND_RANK) if kind in _NAMED_BOTH_WAYS else kind.value


def publication_days(extractions: Sequence[Extraction]) -> dict[str, dt.date | None]:
    """Each article's publication day by id: undated statements are kept apart by it."""
    return {x.article.id: x.article.published for x in extractions}


def merge_group(events: Sequence[Event], denotes: Mapping[Mention, str],
                published: Mapping[str, dt.date | None]) -> list[EventNode]:
    """The nodes of one of :func:`event_groups`, in the order their clusters were made (ids
    not yet final: see :func:`finish_events`)."""
    clusters: list[_Cluster] = []
    index = _ClusterIndex()
    for event in events:
        facts = _facts(event, denotes, published.get(event.article_id))
        home = next((i for i in index.candidates(facts) if clusters[i].accepts(facts)), None)
        if home is None:
            home = len(clusters)
            clusters.append(_Cluster(event.kind))
        clusters[home].add(facts)
        index.add(home, clusters[home], facts)
    return [c.node() for c in clusters]


def finish_events(nodes: Sequence[EventNode], extractions: Sequence[Extraction]) -> tuple[EventNode, ...]:
    """Every group's nodes as one: gatherings take their host's place and date, ids are made
    unique, and nodes are sorted by id (so the groups' order does not matter)."""
    nodes = _held_at_hosts(list(nodes), extractions)
    counts = Counter(n.id for n in nodes)
    nodes = [_disambiguate(n) if counts[n.id] > 1 else n for n in nodes]
    return tuple(sorted(nodes, key=lambda n: n.id))


def lean_nodes(nodes: Sequence[EventNode], events: Sequence[Event]) -> list[tuple[EventNode, tuple[int, ...]]]:
    """``nodes`` with each mention given as its position in ``events``: what a forked child sends
    back (pickling the mentions, with their participants' mentions, took as long as merging them)."""
    position = {id(event): i for i, event in enumerate(events)}
    return [(replace(node, mentions=()), tuple(position[id(m)] for m in node.mentions)) for node in nodes]


def full_nodes(lean: Sequence[tuple[EventNode, tuple[int, ...]]], events: Sequence[Event]) -> list[EventNode]:
    """The nodes of :func:`lean_nodes`, their mentions taken back from ``events``."""
    return [replace(node, mentions=tuple(events[i] for i in positions)) for node, positions in lean]


class _ClusterIndex:
    """Which clusters an event could join, so that the others are never compared.

    A cluster can accept an event only if it is of a kind the event joins
    and shares a place or participant with it; a series accepts nothing. A
    cluster with fully dated mentions accepts only events whose date overlaps
    all of them, so only within the calendar months of its window; a
    statement cluster accepts only events published within a month of all of
    its mentions, so only in the months of its window. Clusters are filed
    under each ``(entity, kind)`` and under those months. Windows only shrink
    as mentions join, so a filing is never missing, at worst stale (and
    ``accepts`` still decides). Without it every dated meeting at a
    capital was compared with every other: quadratic, and most of the merge
    at 10,000 articles. Filed by year, dated clusters still made the merge
    grow with the square of the articles a year (at 100,000 articles over
    ten years, most of resolution), so dates are filed by month.
    """

    def __init__(self):
        self._all: dict[tuple, list[int]] = defaultdict(list)
        self._by_date: dict[tuple, list[int]] = defaultdict(list)
        self._by_month: dict[tuple, list[int]] = defaultdict(list)

    def add(self, number: int, cluster: _Cluster, facts: _Facts) -> None:
        if cluster.series:
            return
        dated, months = cluster.date_months(), cluster.months()
        for entity in (*facts.places, *facts.participants):
            key = (entity, cluster.kind)
            _append(self._all[key], number)
            for month in dated or (None,):
                _append(self._by_date[(*key, month)], number)
            for month in months or (None,):
                _append(self._by_month[(*key, month)], number)

    def candidates(self, facts: _Facts) -> list[int]:
        """Clusters that could accept the event, in creation order."""
        if facts.series:
            return []
        kind = facts.event.kind
        kinds = _NAMED_BOTH_WAYS if kind in _NAMED_BOTH_WAYS else (kind,)  # order: sorted below
        keys = [(entity, k) for entity in (*facts.places, *facts.participants) for k in kinds]
        dated, month = _date_months(facts.event.date), _month(facts.published)
        if dated:
            lists = [self._by_date.get((*key, m), ()) for key in keys for m in (None, *dated)]
        elif kind is EventKind.STATEMENT and month is not None:
            lists = [self._by_month.get((*key, m), ()) for key in keys for m in (None, month)]
        else:
            lists = [self._all.get(key, ()) for key in keys]
        return sorted({i for numbers in lists for i in numbers})


def _append(numbers: list[int], number: int) -> None:
    if not numbers or numbers[-1] != number:
        numbers.append(number)


def _date_months(date: DateValue | None) -> range | None:
    """The calendar months (``year * 12 + month - 1``) a fully dated event covers (None when undated or year-less).

    >>> [divmod(m, 12) for m in _date_months(DateValue("2018-11-30", "day", end="2018-12-01"))]
    [(2018, 10), (2018, 11)]
    >>> len(_date_months(DateValue("2018", "year"))), _date_months(DateValue("--10-28", "month-day"))
    (12, None)
    """
    interval = date_interval(date)
    if interval is None or not interval[0][:4].isdigit() or not interval[1][:4].isdigit():
        return None
    (lo, first), (hi, last) = ((int(bound[:4]), int(bound[5:7])) for bound in interval)
    return range(lo * 12 + max(first, 1) - 1, hi * 12 + min(last, 12))


def _month(day: dt.date | None) -> int | None:
    return None if day is None else day.year * 12 + day.month - 1


def _disambiguate(node: EventNode) -> EventNode:
    """Two events with the same content digest: the first mention tells them apart."""
    first = node.mentions[0]
    ident = "event-" + _digest(node.id, first.article_id, str(first.start))
    return EventNode(ident, node.kind, node.label, node.mentions, node.participants, node.places, node.date,
                     node.quotations)


def _held_at_hosts(nodes: list[EventNode], extractions: Sequence[Extraction]) -> list[EventNode]:
    """A gathering held "على هامش" another (same sentence, after it) was held where and when its
    host was, as far as its own mentions do not say: known once the host's mentions across
    articles are merged ("على هامش مؤتمر الأمم المتحدة …، حيث عقدت … منتدى" → New York, June)."""
    hosts = {guest: host for x in extractions for guest, host in x.margins}
    guests, held = {_place_in_text(g) for g in hosts}, {_place_in_text(h) for h in hosts.values()}
    node_of = {m: n for n in nodes for m in n.mentions if _place_in_text(m) in held}
    out = []
    for node in nodes:
        host = next((node_of[hosts[m]] for m in node.mentions
                     if _place_in_text(m) in guests and hosts.get(m) in node_of), None)
        if host is not None and host is not node and not (node.places and node.date and node.date.value):
            places = node.places or host.places
            date = node.date if node.date and node.date.value else host.date
            ident = "event-" + _digest(node.kind.value, *(e for e, _ in node.participants), *(places or ("",)),
                                       date.value if date else "", date.end if date else "", *node.quotations)
            node = EventNode(ident, node.kind, node.label, node.mentions, node.participants, places, date,
                             node.quotations)
        out.append(node)
    return out


def _place_in_text(event: Event) -> tuple[str, int]:
    """Where an event mention starts: equal mentions start at the same place, and this hashes
    in a fraction of the time a whole mention (its participants' mentions and all) takes."""
    return event.article_id, event.start


def merge_roles(extractions: Sequence[Extraction], denotes: Mapping[Mention, str]) -> tuple[RoleNode, ...]:
    """One membership per (person, post, institution), with every article that states it."""
    groups: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
    for extraction in extractions:
        article = extraction.article
        published = article.published.isoformat() if article.published else ""
        for role in extraction.roles:
            person = denotes.get(role.person)
            if person is None:
                continue
            org = denotes.get(role.organization, "") if role.organization is not None else ""
            key = (person, _title_key(role.title), org)
            groups.setdefault(key, []).append((role.title, role.article_id, published))
    nodes = []
    for (person, title_key, org), seen in groups.items():
        title = Counter(t for t, _, _ in seen).most_common(1)[0][0] if seen else title_key
        attested = max((p for _, _, p in seen if p), default="")
        nodes.append(RoleNode(
            id="membership-" + _digest(person, title_key, org), person=person, title=title,
            organization=org or None, articles=tuple(sorted({a for _, a, _ in seen})), attested=attested,
        ))
    return tuple(sorted(nodes, key=lambda n: n.id))


@lru_cache(maxsize=1 << 14)
def date_interval(date: DateValue | None) -> tuple[str, str] | None:
    """The closed interval a date covers, as comparable ISO-like strings; None if unknown.

    >>> date_interval(DateValue("2018-06", "month"))
    ('2018-06-00', '2018-06-99')
    >>> date_interval(DateValue("--10-28", "month-day", end="--10-29"))
    ('--10-28', '--10-29')
    """
    if date is None or not date.value:
        return None
    lo, hi = _bounds(date.value)
    if date.end:
        hi = _bounds(date.end)[1]
    return lo, hi


def dates_compatible(a: DateValue | None, b: DateValue | None) -> bool:
    """True when either date is unknown or their intervals overlap (a year-less date
    is compared on month and day only).

    >>> dates_compatible(DateValue("2018-06-28", "day"), DateValue("2018-06", "month"))
    True
    >>> dates_compatible(DateValue("2018-06", "month"), DateValue("2017-05", "month"))
    False
    """
    x, y = date_interval(a), date_interval(b)
    if x is None or y is None:
        return True
    if x[0].startswith("--") or y[0].startswith("--"):
        x, y = (x[0][-5:], x[1][-5:]), (y[0][-5:], y[1][-5:])
    return x[0] <= y[1] and y[0] <= x[1]


@dataclass
class _Facts:
    event: Event
    participants: dict[str, ParticipantRole]
    persons: frozenset[str]
    place: str | None
    places: tuple[str, ...]
    bilateral: bool
    published: dt.date | None = None
    series: bool = False


@dataclass
class _Cluster:
    """Mentions merged so far, with the distinct values ``accepts`` compares against.

    An event told by K articles gathers K members; checking a candidate
    against every member made merging quadratic in K. The checks only need
    the distinct dates, publication days, quotations, person sets and place
    sets, which stay few, and the union of participants.
    """

    kind: EventKind
    members: list[_Facts] = field(default_factory=list)
    kinds: set[EventKind] = field(default_factory=set)
    series: bool = False
    dates: set = field(default_factory=set)
    published: set = field(default_factory=set)
    quotes: set[str] = field(default_factory=set)
    person_sets: set[frozenset] = field(default_factory=set)
    bilateral_person_sets: set[frozenset] = field(default_factory=set)
    place_sets: set[frozenset] = field(default_factory=set)
    participants: set[str] = field(default_factory=set)

    def accepts(self, facts: _Facts) -> bool:
        event = facts.event
        if event.kind is not self.kind and not self._same_gathering(facts):
            return False
        if facts.series or self.series:
            return False  # "اجتماعات" held over time are not the one meeting told elsewhere
        if not all(dates_compatible(date, event.date) for date in self.dates):
            return False
        if self.kind is EventKind.STATEMENT and any(_far_apart(day, facts.published) for day in self.published):
            return False  # undated remarks reported months apart are different remarks
        if event.quotation and self.quotes and event.quotation not in self.quotes:
            return False
        if (facts.bilateral and self.person_sets - {facts.persons}) or self.bilateral_person_sets - {facts.persons}:
            return False
        places = set(facts.places)
        if places and any(held and (not places & held or self.kind is EventKind.VISIT and places != held)
                          for held in self.place_sets):
            return False  # New York and Rabat are two events; a visit to Kuwait is one stop of a tour
        shared_place = any(places & held for held in self.place_sets)
        return shared_place or bool(self.participants.intersection(facts.participants))

    def date_months(self) -> range | None:
        """The months every fully dated mention's interval covers (None: no full date)."""
        spans = [m for m in map(_date_months, self.dates) if m is not None]
        if not spans:
            return None
        return range(max(y.start for y in spans), min(y.stop for y in spans))

    def months(self) -> range | None:
        """For a statement, the months of the days within a month of every publication day."""
        if self.kind is not EventKind.STATEMENT or not self.published:
            return None
        first = max(self.published) - dt.timedelta(days=_STATEMENT_DAYS)
        last = min(self.published) + dt.timedelta(days=_STATEMENT_DAYS)
        return range(_month(first), _month(last) + 1)

    def _same_gathering(self, facts: _Facts) -> bool:
        """A meeting joins a conference (and back) only at a shared place."""
        return (self.kinds | {facts.event.kind}) <= _NAMED_BOTH_WAYS and any(
            set(facts.places) & held for held in self.place_sets)

    def add(self, facts: _Facts) -> None:
        self.members.append(facts)
        self.kinds.add(facts.event.kind)
        self.series = self.series or facts.series
        self.dates.add(facts.event.date)
        if facts.published is not None:
            self.published.add(facts.published)
        if facts.event.quotation:
            self.quotes.add(facts.event.quotation)
        self.person_sets.add(facts.persons)
        if facts.bilateral:
            self.bilateral_person_sets.add(facts.persons)
        self.place_sets.add(frozenset(facts.places))
        self.participants.update(facts.participants)

    def _kind(self) -> EventKind:
        kinds = Counter(m.event.kind for m in self.members)
        return min(kinds, key=lambda k: (-kinds[k], _KIND_RANK.index(k) if k in _KIND_RANK else 9, k.value))

    def node(self) -> EventNode:
        roles: dict[str, ParticipantRole] = {}
        for member in self.members:
            for entity, role in member.participants.items():
                if entity not in roles or _ROLE_RANK.index(role) < _ROLE_RANK.index(roles[entity]):
                    roles[entity] = role
        mains = Counter(m.place for m in self.members if m.place)
        place = min(mains, key=lambda p: (-mains[p], p)) if mains else None
        places = tuple(dict.fromkeys(([place] if place else []) + [p for m in self.members for p in m.places]))
        date = _best_date([m.event.date for m in self.members])
        participants = tuple(sorted((e, r) for e, r in roles.items() if e not in places))
        events = tuple(sorted(m.event for m in self.members))
        kind = self._kind()
        label = _label([m.event for m in self.members if m.event.kind is kind])
        quotes = tuple(sorted({m.event.quotation for m in self.members if m.event.quotation}))
        ident = "event-" + _digest(kind.value, *sorted(roles), *(places or ("",)), date.value if date else "",
                                   date.end if date else "", *quotes)
        return EventNode(ident, kind, label, events, participants, places, date, quotes)


def _label(events: list[Event]) -> str:
    """The first descriptive label in reading order: the first mention that names the
    event with more than its trigger word, else the first mention."""
    ordered = sorted(events, key=lambda e: (e.article_id, e.start))
    labels = [e.label or e.trigger for e in ordered]
    return next((label for label in labels if len(label.split()) > 1 and len(label) <= 80), labels[0])


def _far_apart(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and abs((a - b).days) > _STATEMENT_DAYS


def _facts(event: Event, denotes: Mapping[Mention, str], published: dt.date | None = None) -> _Facts:
    participants: dict[str, ParticipantRole] = {}
    persons = set()
    for participation in event.participants:
        entity = denotes.get(participation.mention)
        if entity is None:
            continue
        role = participation.role
        if entity not in participants or _ROLE_RANK.index(role) < _ROLE_RANK.index(participants[entity]):
            participants[entity] = role
        if participation.mention.kind is Kind.PERSON:
            persons.add(entity)
    places = tuple(dict.fromkeys(denotes[p] for p in event.places if p in denotes))
    place = places[0] if places else None
    trigger = trigger_at(normalize_text(event.trigger))
    bilateral = event.kind is EventKind.MEETING and trigger is not None and trigger.verbal
    return _Facts(event, participants, frozenset(persons), place, places, bilateral, published,
                  is_series(event.trigger))


def _best_date(dates: list[DateValue | None]) -> DateValue | None:
    known = [d for d in dates if d is not None and d.value]
    if not known:
        return next((d for d in dates if d is not None), None)

    def width(d: DateValue) -> tuple[str, str]:
        return date_interval(d) or ("", "")

    return min(known, key=lambda d: (_CERTAINTY_RANK.get(d.certainty, 9), d.value.startswith("--"),
                                     _span(width(d)), d.value, d.end))


def _span(interval: tuple[str, str]) -> int:
    lo, hi = interval
    return sum(a != b for a, b in zip(lo, hi))


def _bounds(value: str) -> tuple[str, str]:
    if value.startswith("--"):
        return (value, value) if len(value) == 7 else (value + "-00", value + "-99")
    parts = value.split("-")
    if len(parts) == 3:
        return value, value
    if len(parts) == 2:
        return value + "-00", value + "-99"
    return value + "-00-00", value + "-99-99"


def _title_key(title: str) -> str:
    words = normalize_text(title).split()
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in words)


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
