"""The only module that mints IRIs and triples.

One named graph per article holds everything derived from it: the
article's metadata, its sentences and mentions, the entities it mentions
(types, names, links) and the events and roles it attests. The union of
the named graphs is the whole knowledge graph. IRIs are opaque ASCII and
derive from content (gazetteer ids, hashes of normalised names, offsets),
never from run order.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal
from functools import lru_cache

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from graph.lexicon import read_lexicon
from graph.records import Article, DateValue, Entity, EventNode, Extraction, Mention, Resolution, RoleNode
from graph.vocab import ANKG, CAMEO, ID, ORG, SCHEMA, SEM, WD

__all__ = ["build_dataset", "iter_quads", "prefixes", "Quad", "article_iri", "entity_iri", "event_iri", "bind_prefixes"]

Quad = tuple[Node, Node, Node, URIRef]
_PREFIXES = (("rdf", RDF), ("rdfs", RDFS), ("xsd", XSD), ("ankg", ANKG._NS), ("id", ID), ("schema", SCHEMA),
             ("org", ORG), ("prov", PROV), ("sem", SEM), ("skos", SKOS), ("owl", OWL), ("wd", WD), ("cameo", CAMEO))
_BASE_TYPE = {"person": SCHEMA.Person, "institution": SCHEMA.Organization, "place": SCHEMA.Place}
_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_PRECISION = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear,
              "month-day": XSD.gMonthDay, "month-only": XSD.gMonth}


def build_dataset(extractions: Sequence[Extraction], resolution: Resolution) -> Dataset:
    """All extractions and their resolution as an rdflib Dataset (one graph per article)."""
    dataset = Dataset()
    bind_prefixes(dataset)
    for s, p, o, name in iter_quads(extractions, resolution):
        dataset.graph(name).add((s, p, o))
    return dataset


def iter_quads(extractions: Sequence[Extraction], resolution: Resolution) -> Iterator[Quad]:
    """The statements article by article, as they are made.

    Tuples cost a fraction of an rdflib store's indexes, and a consumer that
    converts them as they come (the Oxigraph writers) never holds them all.
    """
    entities = {e.id: e for e in resolution.entities}
    events = _by_article(resolution.events, lambda n: n.articles)
    roles = _by_article(resolution.roles, lambda n: n.articles)
    for extraction in sorted(extractions, key=lambda x: x.article.id):
        article = extraction.article
        quads: list[Quad] = []
        g = _QuadSink(article_iri(article.id), quads)
        _add_article(g, extraction, resolution, entities)
        for node in events.get(article.id, ()):
            _add_event(g, node, entities, article.id)
        for node in roles.get(article.id, ()):
            _add_role(g, node, entities, article.id)
        yield from quads


def prefixes() -> dict[str, str]:
    """The prefixes the project's RDF files use, by name.

    >>> prefixes()["ankg"]
    'https://w3id.org/ankg/ont#'
    """
    return {prefix: str(namespace) for prefix, namespace in sorted(_PREFIXES)}


class _QuadSink:
    """Stands in for an rdflib graph: ``add`` appends a quad in graph ``name``."""

    def __init__(self, name: URIRef, quads: list[Quad]):
        self.name, self.quads = name, quads

    def add(self, triple: tuple) -> None:
        self.quads.append((*triple, self.name))


def bind_prefixes(g: Graph | Dataset) -> None:
    for prefix, namespace in _PREFIXES:
        g.bind(prefix, namespace, override=True)


def article_iri(article_id: str) -> URIRef:
    """Article IRI from its id: ASCII ids are kept, others hashed.

    >>> str(article_iri("000_03a67d754ecf070b"))
    'https://w3id.org/ankg/id/article/000_03a67d754ecf070b'
    """
    return ID[f"article/{_slug(article_id)}"]


def entity_iri(entity_id: str) -> URIRef:
    return ID[_slug(entity_id)]


def event_iri(event_id: str) -> URIRef:
    return ID[f"event/{_slug(event_id)}"]


def _add_article(g: Graph, extraction: Extraction, resolution: Resolution, entities: dict) -> None:
    article = extraction.article
    a = article_iri(article.id)
    _add_metadata(g, a, article, resolution, extraction)
    for sentence in extraction.document.sentences:
        s = URIRef(f"{a}/s{sentence.index}")
        g.add((s, RDF.type, ANKG.Sentence))
        g.add((s, SCHEMA.isPartOf, a))
        g.add((s, SCHEMA.text, Literal(sentence.text, lang="ar")))
        g.add((s, ANKG.sentenceIndex, Literal(sentence.index)))
    described = set()
    for mention in extraction.mentions:
        entity_id = resolution.denotes.get(mention)
        if entity_id is None:
            continue
        _add_mention(g, a, mention, entity_id, resolution.evidence.get(mention, ""))
        if entity_id not in described:  # once an article: a corpus gives an entity many aliases
            described.add(entity_id)
            g.add((a, SCHEMA.mentions, entity_iri(entity_id)))
            _add_entity(g, entities[entity_id])


def _add_metadata(g, a, article: Article, resolution: Resolution, extraction: Extraction) -> None:
    g.add((a, RDF.type, ANKG.Article))
    g.add((a, RDF.type, SCHEMA.NewsArticle))
    g.add((a, SCHEMA.identifier, Literal(article.id)))
    if article.title:
        g.add((a, SCHEMA.headline, Literal(article.title, lang="ar")))
    if article.url:
        g.add((a, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)))
    if article.published:
        g.add((a, SCHEMA.datePublished, Literal(article.published.isoformat(), datatype=XSD.date)))
    if article.outlet:
        g.add((a, ANKG.outlet, Literal(article.outlet, lang="ar")))
    if article.byline:
        g.add((a, SCHEMA.author, Literal(article.byline, lang="ar")))
    if article.dateline:
        place = _dateline_place(article, extraction, resolution)
        if place:
            g.add((a, ANKG.dateline, entity_iri(place)))


def _dateline_place(article, extraction, resolution) -> str | None:
    """The place entity named by the dateline (its first mention in the text)."""
    for mention in extraction.mentions:
        if mention.kind.group == "place" and mention.surface.strip() == article.dateline:
            return resolution.denotes.get(mention)
    return None


def _add_mention(g, a, mention: Mention, entity_id: str, evidence: str) -> None:
    m = URIRef(f"{a}/m{mention.start}-{mention.end}")
    g.add((m, RDF.type, ANKG.Mention))
    g.add((m, ANKG.inArticle, a))
    g.add((m, ANKG.inSentence, URIRef(f"{a}/s{mention.sentence}")))
    g.add((m, ANKG.denotes, entity_iri(entity_id)))
    g.add((m, ANKG.surfaceForm, Literal(mention.surface, lang="ar")))
    g.add((m, ANKG.startOffset, Literal(mention.start)))
    g.add((m, ANKG.endOffset, Literal(mention.end)))
    g.add((m, ANKG.confidence, Literal(Decimal(str(round(mention.confidence, 3))))))
    g.add((m, ANKG.method, Literal(mention.method)))
    if evidence:
        g.add((m, ANKG.resolution, Literal(evidence)))


def _add_entity(g: Graph, entity: Entity) -> None:
    e = entity_iri(entity.id)
    g.add((e, RDF.type, ANKG[entity.kind.value]))
    g.add((e, RDF.type, _BASE_TYPE[entity.kind.group]))
    if entity.kind.group == "institution" and entity.kind.value != "Institution":
        g.add((e, RDF.type, ANKG.Institution))
    g.add((e, RDFS.label, Literal(entity.label_ar, lang="ar")))
    if entity.label_en:
        g.add((e, RDFS.label, Literal(entity.label_en, lang="en")))
    for alias in entity.aliases:
        g.add((e, SKOS.altLabel, Literal(alias, lang="ar")))
    if entity.qid:
        g.add((e, OWL.sameAs, WD[entity.qid]))
    if entity.qualifier and entity.kind.group == "institution":
        g.add((e, ANKG.jurisdiction, entity_iri(entity.qualifier)))


def _add_event(g: Graph, node: EventNode, entities: dict, article_id: str) -> None:
    """The event as this article's graph states it: derived from this article only, so
    an event reported by K articles costs K statements of provenance, not K²."""
    e = event_iri(node.id)
    for cls in (ANKG[node.kind.value], ANKG.Event, SCHEMA.Event):
        g.add((e, RDF.type, cls))
    g.add((e, RDFS.label, Literal(node.label or node.mentions[0].trigger, lang="ar")))
    cameo = _cameo().get(node.kind.value)
    if cameo:
        g.add((ANKG[node.kind.value], SKOS.closeMatch, CAMEO[cameo]))
    for mention in node.mentions:
        g.add((e, ANKG.trigger, Literal(mention.trigger, lang="ar")))
    g.add((e, PROV.wasDerivedFrom, article_iri(article_id)))
    _add_date(g, e, node.date)
    for place in node.places:
        if place in entities:
            g.add((e, SCHEMA.location, entity_iri(place)))
    for entity_id, role in node.participants:
        if entity_id in entities:
            g.add((e, ANKG[role.value], entity_iri(entity_id)))
            g.add((e, SCHEMA.participant, entity_iri(entity_id)))
    for quotation in node.quotations:
        g.add((e, ANKG.quotation, Literal(quotation, lang="ar")))


def _add_date(g: Graph, e: URIRef, date: DateValue | None) -> None:
    if date is None or not date.value:
        g.add((e, ANKG.dateCertainty, Literal("unknown")))
        return
    datatype = _PRECISION.get(date.precision, XSD.string)
    g.add((e, SCHEMA.startDate, Literal(date.value, datatype=datatype)))
    if date.end:
        g.add((e, SCHEMA.endDate, Literal(date.end, datatype=datatype)))
    g.add((e, ANKG.dateCertainty, Literal(date.certainty)))
    if date.text:
        g.add((e, ANKG.dateText, Literal(date.text, lang="ar")))


def _add_role(g: Graph, node: RoleNode, entities: dict, article_id: str) -> None:
    if node.person not in entities:
        return
    m = ID[f"membership/{_slug(node.id)}"]
    role = ID[f"role/{hashlib.sha1(node.title.encode()).hexdigest()[:12]}"]
    g.add((m, RDF.type, ORG.Membership))
    g.add((m, ORG.member, entity_iri(node.person)))
    g.add((m, ORG.role, role))
    g.add((role, RDF.type, ANKG.Role))
    g.add((role, RDF.type, ORG.Role))
    g.add((role, RDFS.label, Literal(node.title, lang="ar")))
    if node.organization and node.organization in entities:
        g.add((m, ORG.organization, entity_iri(node.organization)))
    if node.attested:
        g.add((m, ANKG.attestedOn, Literal(node.attested, datatype=XSD.date)))
    g.add((m, PROV.wasDerivedFrom, article_iri(article_id)))


def _by_article(nodes, articles_of) -> dict[str, list]:
    grouped = defaultdict(list)
    for node in nodes:
        for article_id in articles_of(node):
            grouped[article_id].append(node)
    return grouped


@lru_cache(maxsize=1)
def _cameo() -> dict[str, str]:
    rows = read_lexicon("cameo")
    return {row["event_kind"]: row["cameo_code"] for row in rows}


def _slug(text: str) -> str:
    """ASCII-safe IRI segment; non-ASCII ids are replaced by a hash."""
    if text and not _SAFE.search(text):
        return text
    return "h" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
