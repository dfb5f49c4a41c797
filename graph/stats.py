"""Counts of what a built graph holds, by SPARQL over the RDF contract."""

from __future__ import annotations

from rdflib import Graph

__all__ = ["graph_stats"]

_COUNTS = {
    "articles": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a schema:NewsArticle }",
    "persons": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a schema:Person }",
    "institutions": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a schema:Organization }",
    "places": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a schema:Place }",
    "events": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a schema:Event }",
    "roles": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a org:Membership }",
    "mentions": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ankg:Mention }",
    "wikidata links": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x owl:sameAs ?q }",
}
_PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX ankg: <https://w3id.org/ankg/ont#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""


def graph_stats(g: Graph) -> dict[str, int]:
    """Number of articles, persons, institutions, places, events, roles, mentions, links, triples."""
    counts = {name: int(next(iter(g.query(_PREFIXES + query)))[0]) for name, query in _COUNTS.items()}
    counts["triples"] = len(g)
    return counts
