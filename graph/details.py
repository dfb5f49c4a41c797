"""What the HTML details panel shows about one node, read from the RDF graph.

Types, aliases, roles, events and the source sentences (with article
headline and date) of an entity or event, as plain strings: the page
renders them with ``textContent``, so nothing here is ever HTML.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Mapping

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from graph.triple_index import CachedTerms
from graph.vocab import ANKG, ORG, PROV, SCHEMA

RDF, RDFS, SKOS, ANKG, ORG, PROV, SCHEMA = map(CachedTerms, (RDF, RDFS, SKOS, ANKG, ORG, PROV, SCHEMA))

__all__ = ["node_details", "Details", "class_labels", "MAX_SOURCES"]

MAX_SOURCES = 12
_ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "ankg.ttl"
_EVENT_LINKS = (ANKG.organizer, ANKG.attendee, ANKG.speaker, ANKG.perpetrator, ANKG.target,
                ANKG.participant, SCHEMA.location)


def node_details(g: Graph, iri: str, info: Mapping[str, dict]) -> dict:
    """Details of one entity or event as JSON-ready strings and lists.

    ``roles`` and ``events`` are lists of parts (Arabic name, kind and date,
    relation) that the page isolates from each other for bidi.

    >>> node_details(Graph(), "https://w3id.org/ankg/id/x", {})["sources"]
    []
    """
    return Details(g, info)(iri)


class Details:
    """:func:`node_details` of the nodes of one graph, each read once, with the look-ups they share.

    The most central nodes are on every page, and a node named in thousands
    of articles shares most of them with the other central nodes: an
    article's headline and date and a mention's sentence are read from the
    graph once, not once per node naming them (most of the HTML stage at
    10,000 articles, ``bench/bench_build.py``).
    """

    def __init__(self, g: Graph, info: Mapping[str, dict]):
        self.g, self.info = g, info
        self.described: dict[str, dict] = {}
        self._heads: dict = {}
        self._places: dict = {}

    def __call__(self, iri: str) -> dict:
        if iri not in self.described:
            self.described[iri] = self._describe(iri)
        return self.described[iri]

    def head(self, article) -> dict:
        """The article's headline, date and identifier (a source without its sentence)."""
        if article not in self._heads:
            g, known = self.g, article is not None
            headline = g.value(article, SCHEMA.headline) if known else None
            date = g.value(article, SCHEMA.datePublished) if known else None
            ident = g.value(article, SCHEMA.identifier) if known else None
            self._heads[article] = {"headline": str(headline or ""), "date": str(date or ""),
                                    "article": str(ident or article or ""), "text": "", "index": -1}
        return self._heads[article]

    def place(self, mention) -> tuple:
        """``(sentence, article)`` of a mention: the sentence's article (a build's analysis graph leaves
        out ``ankg:inArticle``, see :data:`graph.analyze.UNREAD_PREDICATES`), else the mention's."""
        if mention not in self._places:
            g = self.g
            sentence = g.value(mention, ANKG.inSentence)
            article = (g.value(sentence, SCHEMA.isPartOf) if sentence else None) or g.value(mention, ANKG.inArticle)
            self._places[mention] = sentence, article
        return self._places[mention]

    def _describe(self, iri: str) -> dict:
        g, node = self.g, URIRef(iri)
        is_event = self.info.get(iri, {}).get("group") == "event"
        return {
            "types": _types(g, node),
            "aliases": _aliases(g, node, self.info.get(iri, {})),
            "roles": [list(r) for r in _roles(g, node)],
            "events": [list(e) for e in (_event_facts(g, node) if is_event else _events_of(g, node))],
            "sources": _event_sources(self, node) if is_event else _mention_sources(self, node),
            "sources_total": _source_count(self, node, is_event),
        }


@lru_cache(maxsize=1)
def class_labels() -> dict[str, tuple[str, str]]:
    """ankg class local name → (Arabic label, English label), from ontology/ankg.ttl."""
    if not _ONTOLOGY.is_file():
        return {}
    onto = Graph().parse(_ONTOLOGY, format="turtle")
    labels: dict[str, tuple[str, str]] = {}
    for cls in sorted(set(onto.subjects(RDFS.label, None))):
        if str(cls).startswith(str(ANKG)):
            labels[str(cls)[len(str(ANKG)):]] = (_text(onto, cls, "ar"), _text(onto, cls, "en"))
    return labels


# ---------------------------------------------------------------- helpers

def _types(g: Graph, node: URIRef) -> list[str]:
    names = []
    for cls in g.objects(node, RDF.type):
        for prefix, ns in (("ankg:", ANKG), ("schema:", SCHEMA)):
            if str(cls).startswith(str(ns)):
                names.append(prefix + str(cls)[len(str(ns)):])
    return sorted(set(names))


def _aliases(g: Graph, node: URIRef, data: Mapping) -> list[str]:
    shown = {data.get("label_ar", ""), data.get("label_en", "")}
    names = {str(o) for o in g.objects(node, SKOS.altLabel) if isinstance(o, Literal)}
    names |= {str(o) for o in g.objects(node, RDFS.label) if isinstance(o, Literal)}
    return sorted(names - shown)


def _roles(g: Graph, node: URIRef) -> list[list[str]]:
    """[role, institution, date] for a person; [person, role, date] for an institution."""
    lines = []
    for membership in g.subjects(ORG.member, node):
        lines.append(_membership_line(g, membership, g.value(membership, ORG.organization), first_role=True))
    for membership in g.subjects(ORG.organization, node):
        lines.append(_membership_line(g, membership, g.value(membership, ORG.member), first_role=False))
    return sorted(set(lines))


def _membership_line(g: Graph, membership, other, first_role: bool) -> tuple[str, ...]:
    role = g.value(membership, ORG.role)
    role_label = _text(g, role, "ar") if role is not None else ""
    other_label = _text(g, other, "ar") or _text(g, other, "en") if other is not None else ""
    parts = [role_label, other_label] if first_role else [other_label, role_label]
    date = g.value(membership, ANKG.attestedOn)
    return tuple(p for p in parts + [str(date) if date is not None else ""] if p)


def _events_of(g: Graph, node: URIRef) -> list[tuple[str, ...]]:
    lines = set()
    for prop in _EVENT_LINKS:
        relation = "location" if prop == SCHEMA.location else str(prop).rsplit("#", 1)[-1]
        for event in g.subjects(prop, node):
            lines.add(_event_title(g, event) + (relation,))
    for event in g.subjects(SCHEMA.participant, node):
        if not any((event, p, node) in g for p in _EVENT_LINKS):
            lines.add(_event_title(g, event) + ("participant",))
    return sorted(lines)


def _event_facts(g: Graph, event: URIRef) -> list[tuple[str, ...]]:
    facts = [_event_title(g, event)]
    for prop in _EVENT_LINKS:
        relation = "location" if prop == SCHEMA.location else str(prop).rsplit("#", 1)[-1]
        facts += sorted((relation, _text(g, o, "ar") or _text(g, o, "en") or str(o)) for o in g.objects(event, prop))
    facts += sorted(("quotation", f"«{q}»") for q in g.objects(event, ANKG.quotation))
    certainty = g.value(event, ANKG.dateCertainty)
    return facts + ([("date certainty", str(certainty))] if certainty is not None else [])


def _event_title(g: Graph, event) -> tuple[str, ...]:
    """(label, "Kind · date")."""
    kinds = sorted(str(c)[len(str(ANKG)):] for c in g.objects(event, RDF.type)
                   if str(c).startswith(str(ANKG)) and c != ANKG.Event)
    start = g.value(event, SCHEMA.startDate)
    extra = " · ".join(filter(None, [kinds[0] if kinds else "", str(start) if start is not None else ""]))
    return tuple(filter(None, [_text(g, event, "ar") or _text(g, event, "en") or str(event), extra]))


def _mention_sources(details: Details, node: URIRef) -> list[dict]:
    """The first ``MAX_SOURCES`` sentences naming ``node``, earliest article first.

    Mentions are grouped by article and only the earliest articles' sentences
    are read: a node named in thousands of articles costs one lookup a mention.
    """
    g, by_article = details.g, {}
    for mention in g.subjects(ANKG.denotes, node):
        sentence, article = details.place(mention)
        by_article.setdefault(article, []).append((mention, sentence))
    heads = sorted(((details.head(article), article) for article in by_article),
                   key=lambda pair: (_order(pair[0]), str(pair[1])))
    seen, last = {}, ()
    for head, article in heads:
        if len(seen) >= MAX_SOURCES and _order(head)[:2] > last[:2]:
            break
        for mention, sentence in by_article[article]:
            key = str(sentence) if sentence is not None else f"{article}#{mention}"
            if key not in seen:
                index = g.value(sentence, ANKG.sentenceIndex) if sentence is not None else None
                text = str(g.value(sentence, SCHEMA.text) or "") if sentence is not None else ""
                seen[key] = dict(head, text=text, index=int(index) if index is not None else -1)
        last = max(_order(s) for s in seen.values()) if seen else ()
    return [s for _, s in sorted(seen.items(), key=lambda kv: (_order(kv[1]), kv[0]))][:MAX_SOURCES]


def _event_sources(details: Details, event: URIRef) -> list[dict]:
    sources = [details.head(a) for a in details.g.objects(event, PROV.wasDerivedFrom)]
    return sorted(sources, key=_order)[:MAX_SOURCES]


def _order(source: dict) -> tuple:
    return (source["date"], source["article"], source["index"], source["text"])


def _source_count(details: Details, node: URIRef, is_event: bool) -> int:
    g = details.g
    if is_event:
        return len(set(g.objects(node, PROV.wasDerivedFrom)))
    return len({details.place(m)[0] or m for m in g.subjects(ANKG.denotes, node)})


def _text(g: Graph, node, lang: str) -> str:
    if node is None:
        return ""
    labels = sorted(str(o) for o in g.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == lang)
    if not labels and lang == "ar":
        labels = sorted(str(o) for o in g.objects(node, RDFS.label) if isinstance(o, Literal) and not o.language)
    return labels[0] if labels else ""
