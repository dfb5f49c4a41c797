"""RDF → NetworkX projections → centrality scores.

The graph is the single source of truth (an rdflib ``Graph``, or the
build's :class:`graph.triple_index.TripleIndex`, which answers the same
reads in a ninth of the memory); each *view* projects it onto a NetworkX
graph whose nodes are entity or event IRIs (strings) and whose attributes
are plain strings, so every view exports to GEXF and GraphML unchanged.
Literals are never nodes. Every measure is computed on nodes inserted in
sorted order, seeded and rounded to 6 decimals, so two runs over the same
graph give byte-identical reports.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS

from graph.errors import GraphError
from graph.forked import can_fork, share_out, side_by_side
from graph.measures import MEASURES, compute_measures, score_nodes
from graph.serialize import rdflib_triples
from graph.triple_index import CachedTerms, TripleIndex
from graph.vocab import ANKG, ORG, SCHEMA, WD

RDF, RDFS, OWL, SKOS, ANKG, ORG, SCHEMA = map(CachedTerms, (RDF, RDFS, OWL, SKOS, ANKG, ORG, SCHEMA))

__all__ = [
    "VIEWS", "MEASURES", "ACTOR_GROUPS", "UNREAD_PREDICATES", "UNREAD_TYPES", "NodeScore", "Analysis", "analyze_graph", "write_analysis",
    "VIEW_WORK", "score_views", "assemble_analysis",
    "project_view", "entity_event_view", "coparticipation_view", "membership_view",
    "comention_view", "compute_measures", "top_actors", "load_rdf", "load_index", "node_info",
]

ACTOR_GROUPS = ("person", "institution")

_GROUP = {
    ANKG.Person: "person", ANKG.Institution: "institution", ANKG.GovernmentBody: "institution",
    ANKG.IntergovernmentalOrganization: "institution", ANKG.ArmedGroup: "institution",
    ANKG.Company: "institution", ANKG.MediaOutlet: "institution", ANKG.Place: "place",
    ANKG.Country: "place", ANKG.City: "place", ANKG.Region: "place", ANKG.Event: "event",
    ANKG.Meeting: "event", ANKG.Conference: "event", ANKG.Forum: "event", ANKG.Statement: "event",
    ANKG.Visit: "event", ANKG.Attack: "event", ANKG.Agreement: "event",
}
UNREAD_PREDICATES = frozenset(str(p) for p in (ANKG.surfaceForm, ANKG.startOffset, ANKG.endOffset,
                                                  ANKG.confidence, ANKG.method, ANKG.resolution, SCHEMA.mentions,
                                                  ANKG.inArticle))
"""Mention details that no view, score or page reads: a build analyses its graph without them.
(Pages find a mention's article through its sentence; ``ankg:inArticle`` only for a mention without one.)"""
UNREAD_TYPES = frozenset(str(c) for c in (ANKG.Mention, ANKG.Sentence))
"""Classes of mentions and sentences, which no view, score or page reads (their links are read)."""
VIEW_WORK: Mapping[str, float] = MappingProxyType({
    "entity_event": 8.0, "coparticipation": 5.0, "membership": 1.0, "comention": 14.0})
"""Seconds to project, score and draw each view at 10,000 articles (one run), for :func:`graph.forked.share_out`."""
_BASE = {ANKG.Person, ANKG.Institution, ANKG.Place, ANKG.Event}
_ROLES = (ANKG.organizer, ANKG.attendee, ANKG.speaker, ANKG.perpetrator, ANKG.target, ANKG.participant)


@dataclass(frozen=True, order=True)
class NodeScore:
    """Every measure of one node in one view (one row of centrality.csv)."""

    view: str
    iri: str
    label_ar: str
    label_en: str
    kind: str
    group: str
    qid: str
    degree: int
    weighted_degree: float
    betweenness: float
    closeness: float
    pagerank: float
    eigenvector: float
    community: int


@dataclass(frozen=True)
class Analysis:
    """The views of one rdflib graph, the scores of their nodes and the graph's
    :func:`node_info` (pages show it again)."""

    views: Mapping[str, nx.Graph]
    scores: Mapping[str, tuple[NodeScore, ...]]
    notes: tuple[str, ...] = ()
    info: Mapping[str, dict] = field(default_factory=lambda: MappingProxyType({}))

    def top_actors(self, n: int = 5) -> list[tuple[str, str, str, float]]:
        """The ``n`` most central persons and institutions (see :func:`top_actors`)."""
        return top_actors(self, n)

    def rows(self) -> list[NodeScore]:
        """Every score, views in :data:`VIEWS` order, nodes sorted by IRI."""
        return [row for name in self.scores for row in self.scores[name]]


def analyze_graph(g: Graph, jobs: int = 1, each: Callable[[Analysis], None] | None = None) -> Analysis:
    """Project ``g`` onto every view and score every node, the views shared out to ``jobs``
    processes (:func:`graph.forked.share_out` by :data:`VIEW_WORK`; forked, so they read ``g``
    without a copy): each projects and scores its views, and a child sends them back with their scores.

    ``each``, when given, is called in each process with the analysis of the
    views that process scored: work that needs one view's scores only (a
    build draws each view's page) runs where they are, side by side.

    >>> a = analyze_graph(Graph())
    >>> sorted(a.views) == sorted(VIEWS) and a.rows()
    []
    """
    info = node_info(g)

    def analyze_share(names: list[str]) -> tuple[dict[str, nx.Graph], dict[str, tuple[dict, str]]]:
        views = {name: VIEWS[name](g, info) for name in names}
        scored = score_views(views)
        if each is not None:
            each(assemble_analysis(views, scored, info))
        return views, scored

    parts = jobs if can_fork(jobs - 1, share=0.25) else 1
    shares = side_by_side("analysing views", analyze_share, share_out(VIEW_WORK, parts))
    views = {name: view for share, _ in shares for name, view in share.items()}
    scored = {name: score for _, share in shares for name, score in share.items()}
    return assemble_analysis({name: views[name] for name in VIEWS}, scored, info)


def score_views(views: Mapping[str, nx.Graph]) -> dict[str, tuple[dict, str]]:
    """:func:`graph.measures.score_nodes` of each view."""
    return {name: score_nodes(G) for name, G in views.items()}


def assemble_analysis(views: Mapping[str, nx.Graph], scored: Mapping[str, tuple[dict, str]],
                      info: Mapping[str, dict]) -> Analysis:
    """The :class:`Analysis` of ``views`` (in their order) from their :func:`score_views`."""
    scores, notes = {}, []
    for name, G in views.items():
        measures, note = scored[name]
        if note:
            notes.append(f"{name}: {note}")
        scores[name] = tuple(_score_row(name, G, iri, measures[iri]) for iri in sorted(G))
    return Analysis(MappingProxyType(dict(views)), MappingProxyType(scores), tuple(notes), MappingProxyType(info))


def write_analysis(analysis: Analysis, out_dir: Path) -> list[Path]:
    """Write ``centrality.csv`` and ``report.md`` (see :mod:`graph.report`)."""
    from graph.report import write_analysis as write  # report imports this module

    return write(analysis, out_dir)


def project_view(g: Graph, name: str) -> nx.Graph:
    """The view called ``name`` (a key of :data:`VIEWS`) of ``g``."""
    try:
        return VIEWS[name](g, node_info(g))
    except KeyError:
        raise GraphError(f"unknown view {name!r}; choose from {', '.join(VIEWS)}") from None


def entity_event_view(g: Graph, info: Mapping[str, dict] | None = None) -> nx.Graph:
    """Entities linked to the events they take part in or are located at,
    plus person–institution membership edges; all entities and events are nodes.

    ``relation`` names the link (``attendee``, ``location``, ``member`` …).
    """
    info = node_info(g) if info is None else info
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity, event, relation in _participations(g, info, with_location=True):
        links[entity, event].add(relation)
    for person, institution, _ in _memberships(g, info):
        links[person, institution].add("member")
    G = _graph(info, sorted(info))
    for (a, b), relations in sorted(links.items()):
        weight = len(_memberships_between(g, a, b)) if relations == {"member"} else 1
        G.add_edge(a, b, weight=max(weight, 1), relation="|".join(sorted(relations)))
    return G


def coparticipation_view(g: Graph, info: Mapping[str, dict] | None = None) -> nx.Graph:
    """Actors (persons, institutions) that take part in at least one event,
    linked when they take part in the same event; weight = shared events."""
    info = node_info(g) if info is None else info
    by_event: dict[str, set[str]] = defaultdict(set)
    for actor, event, _ in _participations(g, info, with_location=False):
        if info[actor]["group"] in ACTOR_GROUPS:
            by_event[event].add(actor)
    weights: Counter = Counter()
    for actors in by_event.values():
        weights.update(combinations(sorted(actors), 2))
    G = _graph(info, sorted(set().union(*by_event.values())))
    for (a, b), weight in sorted(weights.items()):
        G.add_edge(a, b, weight=weight, relation="co-participant")
    return G


def membership_view(g: Graph, info: Mapping[str, dict] | None = None) -> nx.Graph:
    """Persons linked to institutions by org:Membership (org:member /
    org:organization); weight = memberships, ``relation`` = role labels."""
    info = node_info(g) if info is None else info
    roles: dict[tuple[str, str], list[str]] = defaultdict(list)
    for person, institution, role in _memberships(g, info):
        roles[person, institution].append(role)
    G = _graph(info, sorted({iri for pair in roles for iri in pair}))
    for (a, b), labels in sorted(roles.items()):
        G.add_edge(a, b, weight=len(labels), relation="; ".join(sorted(set(filter(None, labels)))))
    return G


def comention_view(g: Graph, info: Mapping[str, dict] | None = None) -> nx.Graph:
    """Entities mentioned in the same sentence (mentions sharing
    ``ankg:inSentence``); weight = number of such sentences."""
    info = node_info(g) if info is None else info
    entities = _entities(info)
    by_sentence: dict[str, set[str]] = defaultdict(set)
    for mention, entity in g.subject_objects(ANKG.denotes):
        entity = str(entity)
        if entity in entities:
            sentence = g.value(mention, ANKG.inSentence)
            if sentence is not None:
                by_sentence[str(sentence)].add(entity)
    weights: Counter = Counter()
    for entities in by_sentence.values():
        weights.update(combinations(sorted(entities), 2))
    G = _graph(info, sorted(set().union(*by_sentence.values())))
    for (a, b), weight in sorted(weights.items()):
        G.add_edge(a, b, weight=weight, relation="co-mention")
    return G


VIEWS: Mapping[str, Callable[[Graph, Mapping[str, dict]], nx.Graph]] = MappingProxyType({
    "entity_event": entity_event_view,
    "coparticipation": coparticipation_view,
    "membership": membership_view,
    "comention": comention_view,
})


def top_actors(source, n: int = 5) -> list[tuple[str, str, str, float]]:
    """The ``n`` most central persons and institutions as
    ``(iri, label_ar, label_en, score)``, by PageRank, ties by degree then IRI.

    ``source`` is an :class:`Analysis` (the entity–event view, or the
    co-mention view when no actor has an event), a NetworkX view, or a
    mapping ``{iri: score}``.

    >>> top_actors({"x": 0.2, "y": 0.5}, n=1)
    [('y', '', '', 0.5)]
    """
    if isinstance(source, Analysis):
        rows = _actor_rows(source)
        ranked = sorted(rows, key=lambda r: (-r.pagerank, -r.degree, r.iri))
        return [(r.iri, r.label_ar, r.label_en, r.pagerank) for r in ranked[:n]]
    if isinstance(source, nx.Graph):
        measures = compute_measures(source)
        ranked = sorted(
            (iri for iri, data in source.nodes(data=True) if data.get("group") in ACTOR_GROUPS),
            key=lambda iri: (-measures[iri]["pagerank"], -measures[iri]["degree"], iri))
        return [(iri, source.nodes[iri].get("label_ar", ""), source.nodes[iri].get("label_en", ""),
                 measures[iri]["pagerank"]) for iri in ranked[:n]]
    ranked = sorted(source.items(), key=lambda item: (-item[1], item[0]))
    return [(str(iri), "", "", round(float(score), 6)) for iri, score in ranked[:n]]


def load_rdf(path: Path) -> Graph:
    """Read a Turtle/N-Triples graph, or the union of a TriG/N-Quads dataset."""
    path = _graph_file(path)
    fmt = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads"}.get(path.suffix, "turtle")
    try:
        if fmt in ("trig", "nquads"):
            dataset = Dataset()
            dataset.parse(path, format=fmt)
            g = Graph()
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                g.add((s, p, o))
            return g
        return Graph().parse(path, format=fmt)
    except Exception as error:  # rdflib raises many parser-specific types
        raise GraphError(f"{path}: cannot parse as {fmt}: {error}") from error


def load_index(path: Path) -> TripleIndex:
    """The statements of a Turtle/N-Triples file, or the union of a TriG/N-Quads dataset, that
    analysis and pages read (less :data:`UNREAD_PREDICATES` and :data:`UNREAD_TYPES`), as a
    :class:`graph.triple_index.TripleIndex`.

    What ``analyze``, ``render`` and ``export`` read: Oxigraph parses the file as it streams, and
    the index holds a 100,000-article graph where an rdflib graph of it does not fit in 24 GB.
    """
    path = _graph_file(path)
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    index = TripleIndex()
    try:
        for triple in rdflib_triples(ox.parse(path=path, format=fmt), UNREAD_PREDICATES, UNREAD_TYPES):
            if triple not in index:  # a dataset's graphs repeat shared statements
                index.add(triple)
    except (SyntaxError, OSError, ValueError) as error:
        raise GraphError(f"{path}: cannot parse as {fmt.name}: {error}") from error
    return index


def node_info(g: Graph) -> dict[str, dict]:
    """IRI → ``label_ar``, ``label_en``, ``kind``, ``group``, ``qid`` for
    every entity and event (a subject typed with an ankg actor, place or
    event class). ``kind`` is the most specific ankg class local name."""
    classes: dict[str, set[URIRef]] = defaultdict(set)
    for subject, cls in g.subject_objects(RDF.type):
        if cls in _GROUP and isinstance(subject, URIRef):
            classes[str(subject)].add(cls)
    info = {}
    for iri, types in sorted(classes.items()):
        specific = sorted(types - _BASE) or sorted(types)
        node = URIRef(iri)
        info[iri] = {
            "label_ar": _label(g, node, "ar"), "label_en": _label(g, node, "en"),
            "kind": str(specific[0]).rsplit("#", 1)[-1], "group": _GROUP[specific[0]],
            "qid": _qid(g, node),
        }
    return info


# ---------------------------------------------------------------- helpers

def _graph_file(path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise GraphError(f"{path}: no such file; run `python build.py` first or pass --graph PATH")
    return path


def _graph(info: Mapping[str, dict], nodes) -> nx.Graph:
    G = nx.Graph()
    for iri in sorted(nodes):
        G.add_node(iri, **info[iri])
    return G


def _participations(g: Graph, info: Mapping[str, dict], with_location: bool):
    """Yield (entity, event, relation), the ankg role preferred over schema:participant."""
    seen, entities = set(), _entities(info)
    links = [(prop, str(prop).rsplit("#", 1)[-1]) for prop in _ROLES]
    links += [(SCHEMA.location, "location")] if with_location else []
    for event, data in info.items():
        if data["group"] != "event":
            continue
        node = URIRef(event)
        for prop, relation in links:
            for entity in map(str, g.objects(node, prop)):
                if entity in entities:
                    seen.add((entity, event))
                    yield entity, event, relation
        for entity in map(str, g.objects(node, SCHEMA.participant)):
            if entity in entities and (entity, event) not in seen:
                yield entity, event, "participant"


def _entities(info: Mapping[str, dict]) -> set[str]:
    """The nodes of ``info`` that are not events."""
    return {iri for iri, data in info.items() if data["group"] != "event"}


def _memberships(g: Graph, info: Mapping[str, dict]):
    """Yield (person, institution, role label) for each org:Membership."""
    for membership in sorted(g.subjects(RDF.type, ORG.Membership)):
        person = g.value(membership, ORG.member)
        institution = g.value(membership, ORG.organization)
        if str(person) in info and str(institution) in info:
            role = g.value(membership, ORG.role)
            yield str(person), str(institution), _label(g, role, "ar") if role is not None else ""


def _memberships_between(g: Graph, person: str, institution: str) -> list:
    return [m for m in g.subjects(ORG.member, URIRef(person))
            if (m, ORG.organization, URIRef(institution)) in g]


def _label(g: Graph, node, lang: str) -> str:
    labels = [o for o in g.objects(node, RDFS.label) if isinstance(o, Literal)]
    tagged = sorted(str(o) for o in labels if o.language == lang)
    if not tagged and lang == "ar":
        tagged = sorted(str(o) for o in labels if not o.language)
    if not tagged and lang == "ar":
        tagged = sorted(str(o) for o in g.objects(node, SKOS.prefLabel))
    return tagged[0] if tagged else ""


def _qid(g: Graph, node: URIRef) -> str:
    ids = sorted(str(o)[len(str(WD)):] for o in g.objects(node, OWL.sameAs) if str(o).startswith(str(WD)))
    return ids[0] if ids else ""


def _score_row(view: str, G: nx.Graph, iri: str, m: Mapping) -> NodeScore:
    d = G.nodes[iri]
    return NodeScore(view, iri, d["label_ar"], d["label_en"], d["kind"], d["group"], d["qid"],
                     m["degree"], m["weighted_degree"], m["betweenness"], m["closeness"],
                     m["pagerank"], m["eigenvector"], m["community"])


def _actor_rows(analysis: Analysis) -> list[NodeScore]:
    for view in ("entity_event", "comention"):
        rows = [r for r in analysis.scores.get(view, ()) if r.group in ACTOR_GROUPS]
        if any(r.degree for r in rows):
            return rows
    return [r for r in analysis.scores.get("entity_event", ()) if r.group in ACTOR_GROUPS]
