from rdflib import OWL, RDF, RDFS, Graph

from graph.gazetteer import ONTOLOGY_DIR
from graph.records import EventKind, Kind, ParticipantRole
from graph.vocab import ANKG

EXTERNAL = ("https://schema.org/", "http://www.w3.org/ns/org#", "http://semanticweb.cs.vu.nl/2009/11/sem/",
            "http://www.w3.org/ns/prov#", "http://xmlns.com/foaf/0.1/")


def ontology():
    return Graph().parse(ONTOLOGY_DIR / "ankg.ttl")


def test_closed_namespace_matches_the_ontology_file():
    g = ontology()
    declared = {str(s) for s in g.subjects(RDF.type, None) if str(s).startswith(str(ANKG._NS))}
    assert declared == {str(ANKG[name]) for name in ANKG.__annotations__}


def test_every_term_is_aligned_to_an_external_vocabulary():
    g = ontology()

    def aligned(term, seen=()):
        for parent in list(g.objects(term, RDFS.subClassOf)) + list(g.objects(term, RDFS.subPropertyOf)):
            if str(parent).startswith(EXTERNAL) or (parent not in seen and aligned(parent, seen + (term,))):
                return True
        return False

    terms = [s for s in g.subjects(RDF.type, None) if str(s).startswith(str(ANKG._NS))]
    assert terms and all(aligned(t) for t in terms), [t for t in terms if not aligned(t)]
    assert all(g.value(t, RDFS.label) for t in terms)


def test_records_enums_name_ontology_terms():
    names = set(ANKG.__annotations__)
    assert {k.value for k in Kind} | {e.value for e in EventKind} | {r.value for r in ParticipantRole} <= names


def test_typo_raises():
    import pytest

    with pytest.raises(AttributeError):
        ANKG.Persn  # noqa: B018
    assert (ANKG.Person, RDF.type, OWL.Class) in ontology()
