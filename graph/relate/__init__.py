"""Relate stage: roles and events of one document, from its mentions.

``relate`` is the stage entry point; ``merge_events`` and ``merge_roles``
(``graph.relate.merge``) turn mentions into nodes after entity resolution.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.records import Document, Event, Kind, Mention, Role  # noqa: F401 (Kind: doctest)
from graph.relate.context import sentence_views
from graph.relate.events import find_events
from graph.relate.hosts import margin_pairs
from graph.relate.merge import merge_events, merge_roles
from graph.relate.roles import find_roles

__all__ = ["relate", "merge_events", "merge_roles"]


def relate(document: Document, mentions: Sequence[Mention]) -> tuple[tuple[Role, ...], tuple[Event, ...],
                                                                       tuple[tuple[Event, Event], ...]]:
    """Roles and events stated in ``document`` (sorted, deterministic), and the (guest, host)
    pairs of its gatherings held "على هامش" another, which merging reads across articles.

    >>> from graph.records import Article
    >>> from graph.text import analyze_text
    >>> text = "واجتمع آلن مع أمير الكويت الشيخ صباح الأحمد في الكويت أمس."
    >>> doc = analyze_text(Article(id="t", text=text))
    >>> def m(s, k, n=0):
    ...     i = text.index(s, n); return Mention("t", i, i + len(s), s, k, 0)
    >>> ms = [m("آلن", Kind.PERSON), m("الكويت", Kind.COUNTRY), m("صباح الأحمد", Kind.PERSON),
    ...       m("الكويت", Kind.COUNTRY, 30)]
    >>> roles, events, margins = relate(doc, ms)
    >>> [(r.person.surface, r.title, r.organization.surface) for r in roles]
    [('صباح الأحمد', 'أمير', 'الكويت')]
    >>> [(e.kind.value, e.place.start == text.rindex("الكويت"), e.date.certainty) for e in events]
    [('Meeting', True, 'unknown')]
    """
    views = sentence_views(document, mentions)
    roles = tuple(find_roles(document, mentions, views))
    offices = tuple(sorted({r.organization for r in roles if r.organization is not None}))
    events = tuple(find_events(document, mentions, exclude=offices, views=views))
    return roles, events, margin_pairs(events, views)

