"""Resolution across articles on real records: small articles through ``extract_article`` and
``resolve_all`` (recognisers included), then the RDF names, so a variant that splits or a
generic name that merges shows in the graph a user queries."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Literal
from rdflib.namespace import RDFS, SKOS

from graph.pipeline import extract_article, resolve_all
from graph.rdf import build_dataset, entity_iri
from graph.records import Article

CHAIN = ("gazetteer", "pattern")  # the rule recognisers: no trained model needed, same mentions every run
from graph.serialize import union_graph

ARTICLES = (
    "أكد فلاديمير فورونكوف، وكيل الأمين العام لمكتب مكافحة الإرهاب، أن تنظيم الدولة الإسلامية يستغل الإنترنت. "
    "وقال الدكتور أسامة الراشدي إن الخطر قائم.",
    "وقال فلاديمير إيفانوفيتش فورونكوف إن داعش يتراجع. وأضاف الدكتور اسامه الراشدى أن التعاون ضروري.",
    "وأشار فلاديمي فورونكوف إلى أهمية تبادل المعلومات. وقال الدكتور أسامة عبد الله الراشدي إن الحوار مهم.",
)


def _resolve(texts):
    extractions = [extract_article(Article(id=f"x{i}", text=t, published=dt.date(2018, 7, 1 + i)), CHAIN)
                   for i, t in enumerate(texts)]
    return extractions, resolve_all(extractions)


@pytest.fixture(scope="module")
def across():
    extractions, resolution = _resolve(ARTICLES)
    return resolution, union_graph(build_dataset(extractions, resolution))


def _ids(resolution, *surfaces):
    return {e for m, e in resolution.denotes.items() if m.surface in surfaces}


def _why(resolution, surface):
    return {resolution.evidence[m] for m in resolution.denotes if m.surface == surface}


def test_spelling_variant_typo_and_middle_name_are_one_known_person(across):
    resolution, g = across
    forms = ("فلاديمير فورونكوف", "فلاديمير إيفانوفيتش فورونكوف", "فلاديمي فورونكوف")
    assert _ids(resolution, *forms) == {"person-vladimir-voronkov"}
    node = entity_iri("person-vladimir-voronkov")
    assert (node, RDFS.label, Literal("فلاديمير فورونكوف", lang="ar")) in g
    assert {str(o) for o in g.objects(node, SKOS.altLabel)} >= set(forms[1:])
    assert all(_why(resolution, f) for f in forms)


def test_gazetteer_aliases_are_one_armed_group(across):
    resolution, g = across
    assert _ids(resolution, "داعش", "تنظيم الدولة الإسلامية") == {"group-isis"}
    assert Literal("تنظيم الدولة الإسلامية", lang="ar") in set(g.objects(entity_iri("group-isis"), SKOS.altLabel))


def test_unknown_person_across_hamza_teh_marbuta_yeh_and_a_middle_name(across):
    resolution, g = across
    forms = ("أسامة الراشدي", "اسامه الراشدى", "أسامة عبد الله الراشدي")
    (person,) = _ids(resolution, *forms)
    assert person.startswith("person-")
    node = entity_iri(person)
    # the label keeps the careful spelling, not the one typed without hamza and teh marbuta
    assert {str(o) for o in g.objects(node, RDFS.label)} == {"أسامة عبد الله الراشدي"}
    assert {str(o) for o in g.objects(node, SKOS.altLabel)} == {"أسامة الراشدي", "اسامه الراشدى"}
    evidence = set().union(*(_why(resolution, f) for f in forms))
    assert "first full mention" in evidence and "middle name" in evidence


def test_a_fuzzy_spelling_joins_with_its_score_as_evidence():
    _, resolution = _resolve(("وقال الدكتور أسامة الراشدي إن الخطر قائم.",
                              "وقال الدكتور أسامة الراشيدي إن الخطر قائم."))
    assert len(_ids(resolution, "أسامة الراشدي", "أسامة الراشيدي")) == 1
    evidence = _why(resolution, "أسامة الراشدي") | _why(resolution, "أسامة الراشيدي")
    assert any(w.startswith("spelling variant (fuzzy") for w in evidence), evidence


def test_distinct_entities_sharing_a_generic_name_stay_apart():
    _, resolution = _resolve((
        "وقال مسؤول في وزارة الخارجية الكويتية إن الاجتماع مهم. ودعت الأمم المتحدة إلى التعاون.",
        "وصرح مسؤول في وزارة الخارجية المغربية بأن التعاون مستمر. وأكد مجلس الأمن على التنفيذ الكامل.",
        "وأشاد مكتب الأمم المتحدة لمكافحة الإرهاب بالتعاون. وقال الدكتور أسامة الرشيدي إن الخطر قائم.",
        "وقال الدكتور أسامة الراشدي إن الحوار مهم.",
    ))
    kuwait, morocco = _ids(resolution, "وزارة الخارجية الكويتية"), _ids(resolution, "وزارة الخارجية المغربية")
    assert len(kuwait) == len(morocco) == 1 and kuwait != morocco
    un_bodies = [_ids(resolution, s) for s in ("الأمم المتحدة", "مجلس الأمن", "مكتب الأمم المتحدة لمكافحة الإرهاب")]
    assert all(len(ids) == 1 for ids in un_bodies) and len(set.union(*un_bodies)) == 3
    # al-Rashidi and al-Rashdi are two family names, not a typo of one another
    assert _ids(resolution, "أسامة الرشيدي") != _ids(resolution, "أسامة الراشدي")


def test_a_lone_unexplained_name_is_not_merged_across_articles():
    # no recogniser rule yields a bare first name, so the mentions are placed by hand
    from graph.records import Extraction, Kind
    from relate_support import snippet

    texts = ("وقال الوزير محمد إن الشركة تتعاون.", "وقال الوزير محمد إن الحكومة تتعاون.")
    pairs = [snippet(text, [("محمد", Kind.PERSON)], article_id=f"m{i}") for i, text in enumerate(texts)]
    extractions = [Extraction(document, tuple(mentions)) for document, mentions in pairs]
    resolution = resolve_all(extractions)
    assert len(_ids(resolution, "محمد")) == 2  # two articles' bare "محمد" are not shown to be one person
    assert _why(resolution, "محمد") == {"single name, unresolved in its article"}
