"""Closed namespaces: a typo in an ontology term raises instead of minting an IRI.

``tests/test_vocab.py`` checks ``ANKG`` against ``ontology/ankg.ttl``.
"""

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace, URIRef

__all__ = ["ANKG", "ONTOLOGY_IRI", "ID", "WD", "SCHEMA", "ORG", "PROV", "SEM", "CAMEO"]

ONTOLOGY_IRI = "https://w3id.org/ankg/ont"
ID = Namespace("https://w3id.org/ankg/id/")
WD = Namespace("http://www.wikidata.org/entity/")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
CAMEO = Namespace("https://w3id.org/ankg/cameo/")


class ANKG(DefinedNamespace):
    """The project ontology (ontology/ankg.ttl)."""

    _NS = Namespace(ONTOLOGY_IRI + "#")
    _fail = True

    Person: URIRef
    Institution: URIRef
    GovernmentBody: URIRef
    IntergovernmentalOrganization: URIRef
    ArmedGroup: URIRef
    Company: URIRef
    MediaOutlet: URIRef
    Place: URIRef
    Country: URIRef
    City: URIRef
    Region: URIRef
    Event: URIRef
    Meeting: URIRef
    Conference: URIRef
    Forum: URIRef
    Statement: URIRef
    Visit: URIRef
    Attack: URIRef
    Agreement: URIRef
    Article: URIRef
    Sentence: URIRef
    Mention: URIRef
    Role: URIRef

    participant: URIRef
    organizer: URIRef
    attendee: URIRef
    speaker: URIRef
    perpetrator: URIRef
    target: URIRef
    quotation: URIRef
    trigger: URIRef
    dateCertainty: URIRef
    dateText: URIRef
    jurisdiction: URIRef
    attestedOn: URIRef
    inArticle: URIRef
    inSentence: URIRef
    denotes: URIRef
    surfaceForm: URIRef
    startOffset: URIRef
    endOffset: URIRef
    confidence: URIRef
    method: URIRef
    resolution: URIRef
    sentenceIndex: URIRef
    outlet: URIRef
    dateline: URIRef
