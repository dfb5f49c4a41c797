"""The only module that mints IRIs and triples.

One named graph per article holds everything derived from it: the
article's metadata, its sentences and mentions, the entities it mentions
(types, names, links) and the events and roles it attests. The union of
the named graphs is the whole knowledge graph. IRIs are opaque ASCII and
derive from content (gazetteer ids, hashes of normalised names, offsets),
never from run order.

Statements are made as text: each term as N-Triples prints it (what
``str()`` of an Oxigraph term gives), each statement as its sort line
(:func:`graph.serialize.statement_text`). A build makes millions of them,
and the writers and the union's sort read nothing else: making an Oxigraph
term, then printing it, cost more than the rest of the statements.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import accumulate

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib import namespace as rdflib_namespaces

from graph import vocab
from graph.lexicon import read_lexicon
from graph.records import Article, DateValue, Entity, EventNode, Extraction, Kind, Mention, Resolution, RoleNode
from graph.serialize import LINE_END, LINE_MIDDLES, nquads_text

__all__ = ["build_dataset", "iter_quads", "ArticleStatements", "prefixes", "Quad", "article_iri", "entity_iri", "event_iri", "bind_prefixes"]

Quad = tuple  # (subject, predicate, object, graph name): Oxigraph terms


class _Terms:
    """A namespace's IRIs as N-Triples terms: ``ANKG.Person`` here is ``<`` + ``vocab.ANKG.Person`` + ``>``.

    Closed namespaces still raise on a typo, and an open-ended item (a
    Wikidata id) is checked as an IRI by Oxigraph. Attribute look-ups are kept.
    """

    def __init__(self, namespace):
        self._namespace = namespace
        self._items: dict[str, str] = {}

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        term = f"<{self._namespace[name]}>"
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> str:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = str(ox.NamedNode(str(self._namespace[name])))
        return term


_RDFLIB_PREFIXES = (("rdf", rdflib_namespaces.RDF), ("rdfs", rdflib_namespaces.RDFS), ("xsd", rdflib_namespaces.XSD),
                    ("ankg", vocab.ANKG._NS), ("id", vocab.ID), ("schema", vocab.SCHEMA), ("org", vocab.ORG),
                    ("prov", rdflib_namespaces.PROV), ("sem", vocab.SEM), ("skos", rdflib_namespaces.SKOS),
                    ("owl", rdflib_namespaces.OWL), ("wd", vocab.WD), ("cameo", vocab.CAMEO))
RDF, RDFS, XSD, OWL, SKOS, PROV = (_Terms(getattr(rdflib_namespaces, n)) for n in ("RDF", "RDFS", "XSD", "OWL", "SKOS", "PROV"))
ANKG, SCHEMA, ORG, WD, CAMEO = (_Terms(getattr(vocab, n)) for n in ("ANKG", "SCHEMA", "ORG", "WD", "CAMEO"))
_ID = str(vocab.ID)
_BASE_TYPE = {"person": SCHEMA.Person, "institution": SCHEMA.Organization, "place": SCHEMA.Place}
_GROUP = {kind: kind.group for kind in Kind}  # a property that builds a dict each call
_DESCRIBED = 1 << 15
_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_LONGEST_SLUG = 128
_PRECISION = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear,
              "month-day": XSD.gMonthDay, "month-only": XSD.gMonth}
_ESCAPES = {**{c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF)},
            0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_NEEDS_ESCAPE = re.compile("[" + "".join(re.escape(chr(c)) for c in _ESCAPES) + "]")


def build_dataset(extractions: Sequence[Extraction], resolution: Resolution) -> Dataset:
    """All extractions and their resolution as an rdflib Dataset (one graph per article)."""
    from graph.serialize import rdflib_terms

    dataset = Dataset()
    bind_prefixes(dataset)
    terms = rdflib_terms()
    for s, p, o, name in iter_quads(extractions, resolution):
        dataset.graph(terms(name)).add((terms(s), terms(p), terms(o)))
    return dataset


def iter_quads(extractions: Sequence[Extraction], resolution: Resolution) -> Iterator[Quad]:
    """The statements article by article, ``(s, p, o, graph)`` tuples of Oxigraph terms, as they are made.

    A consumer that writes them as they come (the Oxigraph writers) never
    holds them all.
    """
    return ArticleStatements(extractions, resolution).part(0, 1)


class ArticleStatements:
    """Every article's graph, made on demand, in parts that processes can make side by side.

    Part ``i`` of ``n`` is a run of consecutive articles (in id order) holding
    about an ``n``-th of the mentions and sentences, so the parts in order are
    :func:`iter_quads`. What every part reads (entities by id, events, triggers
    and roles by article) is gathered once, before any part is made: a
    forked process making one part then reads it without copying it.
    An article's graph comes as the lines of its own nodes (the article, its
    sentences and mentions: no other graph states them) and the lines other
    graphs may state too (entities, events, roles); an entity's description
    is the same in every graph, so its lines are made once (for the
    ``_DESCRIBED`` entities last made).
    """

    def __init__(self, extractions: Sequence[Extraction], resolution: Resolution):
        self._articles = sorted(extractions, key=lambda x: x.article.id)
        self._resolution = resolution
        self._entities = {e.id: e for e in resolution.entities}
        self._events = _by_article(resolution.events, lambda n: n.articles)
        self._triggers = _triggers_by_article(resolution.events)
        self._roles = _by_article(resolution.roles, lambda n: n.articles)
        self._ends = list(accumulate(len(x.mentions) + len(x.document.sentences) + 1 for x in self._articles))
        self._descriptions: dict[str, list[bytes]] = {}
        self._apart = len({x.article.id for x in self._articles}) == len(self._articles)  # else own nodes repeat

    def part(self, index: int, count: int) -> Iterator[Quad]:
        """The statements of part ``index`` (from 0) of ``count``, graph by graph, as Oxigraph terms."""
        for name, own, shared in self.graphs(index, count):
            for quad in ox.parse(input=nquads_text(own + shared, name), format=ox.RdfFormat.N_QUADS):
                yield quad.subject, quad.predicate, quad.object, quad.graph_name

    def graphs(self, index: int, count: int) -> Iterator[tuple[str, list[bytes], list[bytes]]]:
        """Part ``index`` (from 0) of ``count``: each article's graph name, the statement lines of its own
        nodes and the lines other graphs may state too (:class:`graph.serialize.GraphLines`)."""
        total = self._ends[-1] if self._ends else 0
        start, stop = (bisect_left(self._ends, total * i / count) for i in (index, index + 1))
        if index + 1 == count:
            stop = len(self._articles)
        for extraction in self._articles[start:stop]:
            own, shared = self._article_lines(extraction)
            yield _article_node(extraction.article.id), *((own, shared) if self._apart else ([], own + shared))

    def _article_lines(self, extraction: Extraction) -> tuple[list[bytes], list[bytes]]:
        article_id = extraction.article.id
        own, shared = _LineSink(), _LineSink()
        described = _add_article(own, extraction, self._resolution)
        for node in self._events.get(article_id, ()):
            _add_event(shared, node, self._entities, article_id, self._triggers[node.id, article_id])
        for node in self._roles.get(article_id, ()):
            _add_role(shared, node, self._entities, article_id)
        lines = [line.encode() for line in shared.lines]
        for entity_id in described:
            lines += self._description(entity_id)
        return [line.encode() for line in own.lines], lines

    def _description(self, entity_id: str) -> list[bytes]:
        lines = self._descriptions.get(entity_id)
        if lines is None:
            if len(self._descriptions) >= _DESCRIBED:
                self._descriptions.clear()
            g = _LineSink()
            _add_entity(g, self._entities[entity_id])
            lines = self._descriptions[entity_id] = [line.encode() for line in g.lines]
        return lines


def prefixes() -> dict[str, str]:
    """The prefixes the project's RDF files use, by name.

    >>> prefixes()["ankg"]
    'https://w3id.org/ankg/ont#'
    """
    return {prefix: str(namespace) for prefix, namespace in sorted(_RDFLIB_PREFIXES)}


class _LineSink:
    """Collects an article's statements: ``add(s, p, o)`` appends the statement's line (terms as N-Triples text)."""

    def __init__(self):
        self.lines: list[str] = []
        self._middle = LINE_MIDDLES

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s}{self._middle[p]}{o}{LINE_END}")


def bind_prefixes(g: Graph | Dataset) -> None:
    for prefix, namespace in _RDFLIB_PREFIXES:
        g.bind(prefix, namespace, override=True)


def article_iri(article_id: str) -> URIRef:
    """Article IRI from its id: short ids of letters, digits, ``.``, ``_`` and ``-`` are kept, others hashed.

    >>> str(article_iri("000_03a67d754ecf070b")), str(article_iri("x" * 10_000))
    ('https://w3id.org/ankg/id/article/000_03a67d754ecf070b', 'https://w3id.org/ankg/id/article/hf8c5cde791c5056c')
    """
    return URIRef(_article_node(article_id)[1:-1])


def entity_iri(entity_id: str) -> URIRef:
    return URIRef(_entity_node(entity_id)[1:-1])


def event_iri(event_id: str) -> URIRef:
    return URIRef(_event_node(event_id)[1:-1])


def _article_node(article_id: str) -> str:
    return f"<{_ID}article/{_slug(article_id)}>"


@lru_cache(maxsize=65536)
def _entity_node(entity_id: str) -> str:
    return f"<{_ID}{_slug(entity_id)}>"


def _event_node(event_id: str) -> str:
    return f"<{_ID}event/{_slug(event_id)}>"


def _text(text: str, language: str) -> str:
    """A language-tagged literal, as Oxigraph prints ``ox.Literal(text, language=language)``."""
    return f'"{_escaped(text)}"@{language}'


def _typed(text: str, datatype: str) -> str:
    """A typed literal (``datatype`` an N-Triples IRI), as Oxigraph prints it: xsd:string is left implicit."""
    return f'"{_escaped(text)}"' if datatype == XSD.string else f'"{_escaped(text)}"^^{datatype}'


def _escaped(text: str) -> str:
    """``text`` as N-Triples quotes it: quote, backslash and control characters escaped (nearly always none).

    Every character escaped but the quote and the backslash is unprintable, and
    ``isprintable`` scans faster than the pattern.
    """
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    return text.translate(_ESCAPES) if _NEEDS_ESCAPE.search(text) else text


@lru_cache(maxsize=8192)
def _integer(value: int) -> str:
    """Offsets and indexes repeat across articles: each printed once (so for the small literals below)."""
    return _typed(str(value), XSD.integer)


@lru_cache(maxsize=1024)
def _plain(text: str) -> str:
    return _typed(text, XSD.string)


@lru_cache(maxsize=4096)
def _decimal(value: float) -> str:
    """A rounded float as xsd:decimal (``0.95``, ``1.0``; never an exponent)."""
    return _typed(str(value), XSD.decimal)


def _add_article(g: _LineSink, extraction: Extraction, resolution: Resolution) -> list[str]:
    """The article, its sentences and mentions; returns the entities it mentions, to describe."""
    article = extraction.article
    a = _article_node(article.id)
    _add_metadata(g, a, article, resolution, extraction)
    for sentence in extraction.document.sentences:
        s = f"{a[:-1]}/s{sentence.index}>"
        g.add(s, RDF.type, ANKG.Sentence)
        g.add(s, SCHEMA.isPartOf, a)
        g.add(s, SCHEMA.text, _text(sentence.text, "ar"))
        g.add(s, ANKG.sentenceIndex, _integer(sentence.index))
    described = {}
    for mention in extraction.mentions:
        entity_id = resolution.denotes.get(mention)
        if entity_id is None:
            continue
        _add_mention(g, a, mention, entity_id, resolution.evidence.get(mention, ""))
        if entity_id not in described:  # once an article: a corpus gives an entity many aliases
            described[entity_id] = None
            g.add(a, SCHEMA.mentions, _entity_node(entity_id))
    return list(described)


def _add_metadata(g, a, article: Article, resolution: Resolution, extraction: Extraction) -> None:
    g.add(a, RDF.type, ANKG.Article)
    g.add(a, RDF.type, SCHEMA.NewsArticle)
    g.add(a, SCHEMA.identifier, _plain(article.id))
    if article.title:
        g.add(a, SCHEMA.headline, _text(article.title, "ar"))
    if article.url:
        g.add(a, SCHEMA.url, _typed(article.url, XSD.anyURI))
    if article.published:
        g.add(a, SCHEMA.datePublished, _typed(article.published.isoformat(), XSD.date))
    if article.outlet:
        g.add(a, ANKG.outlet, _text(article.outlet, "ar"))
    if article.byline:
        g.add(a, SCHEMA.author, _text(article.byline, "ar"))
    if article.dateline:
        place = _dateline_place(article, extraction, resolution)
        if place:
            g.add(a, ANKG.dateline, _entity_node(place))


def _dateline_place(article, extraction, resolution) -> str | None:
    """The place entity named by the dateline (its first mention in the text)."""
    for mention in extraction.mentions:
        if _GROUP[mention.kind] == "place" and mention.surface.strip() == article.dateline:
            return resolution.denotes.get(mention)
    return None


def _add_mention(g, a, mention: Mention, entity_id: str, evidence: str) -> None:
    m = f"{a[:-1]}/m{mention.start}-{mention.end}>"
    g.add(m, RDF.type, ANKG.Mention)
    g.add(m, ANKG.inArticle, a)
    g.add(m, ANKG.inSentence, f"{a[:-1]}/s{mention.sentence}>")
    g.add(m, ANKG.denotes, _entity_node(entity_id))
    g.add(m, ANKG.surfaceForm, _text(mention.surface, "ar"))
    g.add(m, ANKG.startOffset, _integer(mention.start))
    g.add(m, ANKG.endOffset, _integer(mention.end))
    g.add(m, ANKG.confidence, _decimal(round(mention.confidence, 3)))
    g.add(m, ANKG.method, _plain(mention.method))
    if evidence:
        g.add(m, ANKG.resolution, _plain(evidence))


def _add_entity(g: _LineSink, entity: Entity) -> None:
    e, group = _entity_node(entity.id), _GROUP[entity.kind]
    g.add(e, RDF.type, ANKG[entity.kind.value])
    g.add(e, RDF.type, _BASE_TYPE[group])
    if group == "institution" and entity.kind.value != "Institution":
        g.add(e, RDF.type, ANKG.Institution)
    g.add(e, RDFS.label, _text(entity.label_ar, "ar"))
    if entity.label_en:
        g.add(e, RDFS.label, _text(entity.label_en, "en"))
    for alias in entity.aliases:
        g.add(e, SKOS.altLabel, _text(alias, "ar"))
    if entity.qid:
        g.add(e, OWL.sameAs, WD[entity.qid])
    if entity.qualifier and group == "institution":
        g.add(e, ANKG.jurisdiction, _entity_node(entity.qualifier))


def _add_event(g: _LineSink, node: EventNode, entities: dict, article_id: str, triggers: list[str]) -> None:
    """The event as this article's graph states it: derived from this article, with the
    ``triggers`` this article uses, so an event reported by K articles costs K
    statements of provenance and triggers, not K²."""
    e = _event_node(node.id)
    for cls in (ANKG[node.kind.value], ANKG.Event, SCHEMA.Event):
        g.add(e, RDF.type, cls)
    g.add(e, RDFS.label, _text(node.label or node.mentions[0].trigger, "ar"))
    cameo = _cameo().get(node.kind.value)
    if cameo:
        g.add(ANKG[node.kind.value], SKOS.closeMatch, CAMEO[cameo])
    for trigger in triggers:
        g.add(e, ANKG.trigger, _text(trigger, "ar"))
    g.add(e, PROV.wasDerivedFrom, _article_node(article_id))
    _add_date(g, e, node.date)
    for place in node.places:
        if place in entities:
            g.add(e, SCHEMA.location, _entity_node(place))
    for entity_id, role in node.participants:
        if entity_id in entities:
            g.add(e, ANKG[role.value], _entity_node(entity_id))
            g.add(e, SCHEMA.participant, _entity_node(entity_id))
    for quotation in node.quotations:
        g.add(e, ANKG.quotation, _text(quotation, "ar"))


def _add_date(g: _LineSink, e: str, date: DateValue | None) -> None:
    if date is None or not date.value:
        g.add(e, ANKG.dateCertainty, _plain("unknown"))
        return
    datatype = _PRECISION.get(date.precision, XSD.string)
    g.add(e, SCHEMA.startDate, _typed(date.value, datatype))
    if date.end:
        g.add(e, SCHEMA.endDate, _typed(date.end, datatype))
    g.add(e, ANKG.dateCertainty, _plain(date.certainty))
    if date.text:
        g.add(e, ANKG.dateText, _text(date.text, "ar"))


def _add_role(g: _LineSink, node: RoleNode, entities: dict, article_id: str) -> None:
    if node.person not in entities:
        return
    m = f"<{_ID}membership/{_slug(node.id)}>"
    role = f"<{_ID}role/{hashlib.sha1(node.title.encode()).hexdigest()[:12]}>"
    g.add(m, RDF.type, ORG.Membership)
    g.add(m, ORG.member, _entity_node(node.person))
    g.add(m, ORG.role, role)
    g.add(role, RDF.type, ANKG.Role)
    g.add(role, RDF.type, ORG.Role)
    g.add(role, RDFS.label, _text(node.title, "ar"))
    if node.organization and node.organization in entities:
        g.add(m, ORG.organization, _entity_node(node.organization))
    if node.attested:
        g.add(m, ANKG.attestedOn, _typed(node.attested, XSD.date))
    g.add(m, PROV.wasDerivedFrom, _article_node(article_id))


def _triggers_by_article(events) -> dict[tuple[str, str], list[str]]:
    """``(event id, article id)`` → the trigger words of the event's mentions in that article.

    Gathered once: an event merged from K articles is written in K graphs,
    and picking each graph's triggers from all K mentions cost K² (a tenth
    of making the statements at 100,000 synthetic articles).
    """
    grouped = defaultdict(list)
    for node in events:
        for mention in node.mentions:
            grouped[node.id, mention.article_id].append(mention.trigger)
    return grouped


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
    """ASCII-safe IRI segment; other ids, and ids longer than ``_LONGEST_SLUG`` characters (an
    article id of a crawl may be anything; some stores cap the length of an IRI), are replaced by a hash."""
    if text and len(text) <= _LONGEST_SLUG and not _SAFE.search(text):
        return text
    return "h" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
