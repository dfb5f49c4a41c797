"""The relate stage on the five seed articles: the gatherings and roles a careful reader finds."""

from __future__ import annotations

import pytest

from graph.records import EventKind

pytestmark = pytest.mark.slow

SEED = {"000": "000_03a67d754ecf070b", "001": "001_a9563e54c2c4a4f9", "002": "002_08d5b8224b143400",
        "003": "003_25f47cd89e2efa8c", "004": "004_ce15ff5a45571801"}

# (seed, fragment of the person's name, fragment of the post, fragment of the institution or None)
ROLES = [
    ("000", "كاي", "مقرر", "الأمم المتحدة"),
    ("000", "جيتس", "مؤسس", "مايكروسوفت"),
    ("001", "فورونكوف", "وكيل الأمين العام", "مكافحة الإرهاب"),
    ("001", "الزعابي", "مدير", "التعاون الأمني"),
    ("001", "الزعابي", "رئيس", "اللجنة الوطنية"),
    ("002", "آلن", "المنسق", "التحالف"),
    ("002", "ستينغل", "مساعد وزير الخارجية", None),
    ("002", "الجار الله", "وكيل", "وزارة الخارجية"),
    ("002", "قرقاش", "وزير الدولة للشؤون الخارجية", "الإمارات"),
    ("002", "صباح", "أمير", "الكويت"),
    ("003", "ماكغورك", "المبعوث الخاص", "التحالف"),
    ("003", "غوتيريش", "الأمين العام", "الأمم المتحدة"),
    ("003", "كروز", "المدير التنفيذي", "هداية"),
    ("003", "بلمختار", "أمير", "القاعدة"),
    ("004", "مالكي", "سفير", "المغرب"),
    ("004", "جايشنكار", "وزير الشؤون الخارجية", "الهند"),
    ("004", "فورونكوف", "نائب الأمين العام", "مكافحة الإرهاب"),
    ("004", "كونينكس", "المديرة التنفيذية", "لجنة مكافحة الإرهاب"),
]


@pytest.fixture(scope="module")
def resolved():
    from pathlib import Path

    from graph.ingest import read_file
    from graph.pipeline import extract_article, resolve_all

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    extractions = [extract_article(next(read_file(path))) for path in sorted(seeds.glob("*.txt"))]
    resolution = resolve_all(extractions)
    entities = {e.id: e for e in resolution.entities}
    return extractions, resolution, entities


def _names(entities, entity_id):
    entity = entities.get(entity_id)
    return {entity.label_ar, *entity.aliases} if entity else {entity_id or ""}


def _has(entities, entity_id, fragment):
    return any(fragment in name for name in _names(entities, entity_id))


def _events(resolved, kind, seed):
    _, resolution, _ = resolved
    return [n for n in resolution.events if n.kind is kind and SEED[seed] in n.articles]


def _one(resolved, kind, seed, place=None, who=()):
    _, _, entities = resolved
    found = [n for n in _events(resolved, kind, seed)
             if (place is None or any(_has(entities, p, place) for p in n.places))
             and all(any(_has(entities, e, w) for e, _ in n.participants) for w in who)]
    assert len(found) == 1, [(n.label, n.place, n.participants) for n in _events(resolved, kind, seed)]
    return found[0]


def test_un_conference_in_new_york_is_one_event_from_two_articles(resolved):
    node = _one(resolved, EventKind.CONFERENCE, "001", place="نيويورك")
    assert set(node.articles) == {SEED["001"], SEED["003"]}
    assert node.date.value.startswith("2018-06")
    _, _, entities = resolved
    speakers = {entities[e].label_ar for e, r in node.participants if r.value == "speaker"}
    # Voronkov; al-Zaabi says "this conference"; Guterres and Kruse are quoted among the participants
    assert speakers == {"فلاديمير فورونكوف", "سالم الزعابي", "أنطونيو غوتيريش", "مقصود كروز"}


def test_kuwait_coalition_meeting(resolved):
    node = _one(resolved, EventKind.MEETING, "002", place="الكويت", who=("آلن", "البحرين", "السعودية"))
    assert node.date.value.startswith("2014-10")
    # the headline's "مؤتمر الكويت" is this meeting, not a second gathering
    assert "مؤتمر" in {m.trigger for m in node.mentions}
    assert _events(resolved, EventKind.CONFERENCE, "002") == []


def test_meetings_with_the_emir_and_the_undersecretary(resolved):
    emir = _one(resolved, EventKind.MEETING, "002", who=("آلن", "صباح"))
    deputy = _one(resolved, EventKind.MEETING, "002", who=("آلن", "الجار الله"))
    assert emir.id != deputy.id
    assert emir.date.value == deputy.date.value == "2014-10-27"


def test_rabat_coalition_meeting(resolved):
    node = _one(resolved, EventKind.MEETING, "003", place="الرباط", who=("التحالف",))
    assert (node.date.value, node.date.end) == ("2018-06-27", "2018-07-03")


def test_the_conference_morocco_hosted_is_the_rabat_meeting(resolved):
    # "مؤتمرين: الأول بالمملكة المغربية … احتضنت الرباط اجتماعاً … فاختيار المغرب لاستضافة المؤتمر
    # الخاص بدراسة ظاهرة الإرهاب في أفريقيا": the first of the two gatherings, named a conference
    # once and a meeting twice; Africa is its topic, not a second venue.
    _, _, entities = resolved
    node = _one(resolved, EventKind.MEETING, "003", place="الرباط")
    assert any("الخاص" in m.label for m in node.mentions)
    assert any(_has(entities, e, "المغرب") and r.value == "organizer" for e, r in node.participants)
    venues = {p for n in _events(resolved, EventKind.MEETING, "003") + _events(resolved, EventKind.CONFERENCE, "003")
              for p in n.places}
    assert not any(_has(entities, p, "أفريقيا") for p in venues)


def test_counter_terrorism_committee_meeting_in_mumbai_and_new_delhi(resolved):
    node = _one(resolved, EventKind.MEETING, "004", place="مومباي", who=("مالكي", "جايشنكار", "كونينكس"))
    _, _, entities = resolved
    assert [entities[p].label_ar for p in node.places] == ["مومباي", "نيودلهي"]
    # seed 004 prints no publication date: the month and days are kept without a year
    assert (node.date.value, node.date.end, node.date.certainty) == ("--10-28", "--10-29", "unresolved")


def test_abu_dhabi_conference(resolved):
    node = _one(resolved, EventKind.CONFERENCE, "003", place="أبوظبي")
    assert node.date.value == "2017-05"


def test_security_council_meeting_on_wednesday(resolved):
    # "شارك فى اجتماع عقد الأربعاء …، حيث لم يسبقه في التحدث امام المنظمة الدولية": the body the
    # vice-president spoke before is the Security Council Egypt presided that month
    node = _one(resolved, EventKind.MEETING, "000", who=("مايكروسوفت", "مجلس الأمن"))
    assert node.date.value == "2016-05-11"
    _, _, entities = resolved
    # "مصر باعتبارها رئيس مجلس الأمن … دعت … شركة مايكروسوفت لتقديم استشارات": Egypt convened it
    assert {entities[e].label_ar for e, r in node.participants if r.value == "organizer"} == {"مصر"}
    assert not any(_has(entities, e, "جيتس") for e, _ in node.participants)  # he spoke there in 2008


def test_the_unnamed_vice_president_is_no_node_and_his_company_takes_part(resolved):
    _, resolution, entities = resolved
    assert not any(_has(entities, n.person, "نائب") for n in resolution.roles)
    assert not any(e.kind.value == "Person" and "نائب" in e.label_ar for e in entities.values())


def test_an_armed_group_is_never_at_the_table(resolved):
    _, resolution, entities = resolved
    gatherings = (EventKind.MEETING, EventKind.CONFERENCE, EventKind.FORUM, EventKind.VISIT)
    seated = [(n.label, entities[e].label_ar) for n in resolution.events if n.kind in gatherings
              for e, r in n.participants if entities[e].kind.value == "ArmedGroup" and r.value != "target"]
    assert seated == []


def test_every_place_of_an_event_is_a_schema_location(resolved):
    from rdflib.namespace import RDFS

    from graph.rdf import build_dataset, entity_iri, event_iri
    from graph.serialize import union_graph
    from graph.vocab import SCHEMA

    extractions, resolution, _ = resolved
    g = union_graph(build_dataset(extractions, resolution))
    (node,) = [n for n in resolution.events if len(n.places) > 1 and n.kind is EventKind.MEETING]
    assert set(g.objects(event_iri(node.id), SCHEMA.location)) == {entity_iri(p) for p in node.places}
    assert {str(o) for p in node.places for o in g.objects(entity_iri(p), RDFS.label) if o.language == "ar"} == {
        "مومباي", "نيودلهي"}


def test_forum_on_the_margins(resolved):
    node = _one(resolved, EventKind.FORUM, "001")
    _, _, entities = resolved
    # held "بالتعاون مع" the two UN offices; "المنتدى، الذي شاركت الإمارات في تنظيمه"
    assert {entities[e].label_ar for e, r in node.participants if r.value == "organizer"} == {
        "مكتب الأمم المتحدة لمكافحة الإرهاب", "مكتب الأمم المتحدة المعني بالمخدرات والجريمة", "الإمارات"}
    # held on the margins of the New York conference: where and when seed 003 says it was
    _, _, entities = resolved
    assert [entities[p].label_ar for p in node.places] == ["نيويورك"] and node.date.value.startswith("2018-06")


def test_the_december_meeting_the_un_hosted_has_its_speaker(resolved):
    # "وقال كراون فى اجتماع اشتضافته الأمم المتحدة … فى ديسمبر لممثلى الولايات المتحدة والصين وروسيا"
    node = _one(resolved, EventKind.MEETING, "000", who=("كراون", "الأمم المتحدة"))
    _, _, entities = resolved
    roles = {entities[e].label_ar: r.value for e, r in node.participants}
    assert roles == {"كراون": "speaker", "الأمم المتحدة": "organizer", "الولايات المتحدة": "attendee",
                     "الصين": "attendee", "روسيا": "attendee"}
    assert node.date.value == "2015-12"


def test_allens_tour_goes_to_eight_states_and_the_kuwait_visit_is_one_stop(resolved):
    _, _, entities = resolved
    visits = {n.label: n for n in _events(resolved, EventKind.VISIT, "002")}
    assert set(visits) == {"زيارة الكويت", "جولة لآلن"}
    assert [entities[p].label_ar for p in visits["زيارة الكويت"].places] == ["الكويت"]
    tour = visits["جولة لآلن"]
    assert {entities[p].id for p in tour.places} == {
        "country-gb", "country-fr", "country-sa", "country-kw", "country-bh", "country-qa", "country-ae",
        "country-om"}
    assert [entities[e].label_ar for e, _ in tour.participants] == ["جون آلن"]
    assert (tour.date.value, tour.date.end) == ("2014-10-21", "2014-10-31")


@pytest.mark.parametrize("seed, surface, key", [("000", "كراون", None),
                                                 ("004", "لجنة الأمم المتحدة لمكافحة الإرهاب", "org-ctc")])
def test_the_rule_recognisers_alone_find_what_these_events_need(seed, surface, key):
    from pathlib import Path

    from graph.ingest import read_file
    from graph.pipeline import extract_article

    path = Path(__file__).resolve().parent.parent / "seeds" / f"{SEED[seed]}.txt"
    extraction = extract_article(next(read_file(path)), ("gazetteer", "pattern"))
    assert any(m.surface == surface and m.key == key for m in extraction.mentions)


def test_the_series_of_security_council_meetings_has_its_three_sponsors(resolved):
    # "ورعت الدول الثلاث اجتماعات فى مجلس الأمن": the three powers named in the sentence before
    _, _, entities = resolved
    (node,) = [n for n in _events(resolved, EventKind.MEETING, "000") if n.mentions[0].trigger == "اجتماعات"]
    assert len(node.mentions) == 1  # a series, not Wednesday's meeting
    sponsors = {entities[e].label_ar for e, r in node.participants if r.value == "organizer"}
    assert sponsors == {"روسيا", "الصين", "الولايات المتحدة"}


def test_quotations_become_statements(resolved):
    _, _, entities = resolved
    statements = _events(resolved, EventKind.STATEMENT, "002")
    allen = [n for n in statements if any(_has(entities, e, "آلن") for e, _ in n.participants)]
    assert len([n for n in allen if n.quotations]) >= 3


def test_role_recall(resolved):
    extractions, resolution, entities = resolved
    found = []
    for seed, person, title, org in ROLES:
        hit = any(SEED[seed] in node.articles and _has(entities, node.person, person) and title in node.title
                  and (org is None or _has(entities, node.organization, org))
                  for node in resolution.roles)
        found.append(hit)
    missing = [r for r, hit in zip(ROLES, found) if not hit]
    assert sum(found) / len(found) >= 0.8, missing
