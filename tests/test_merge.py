"""Merging event and role mentions into nodes across articles."""

from __future__ import annotations

import datetime as dt

from graph.records import DateValue, EventKind, Extraction, ParticipantRole
from graph.relate import relate
from graph.relate.merge import (
    dates_compatible, event_groups, finish_events, full_nodes, lean_nodes, merge_events, merge_group, merge_roles,
    publication_days,
)
from relate_support import CITY, CO, COUNTRY, IGO, P, snippet

NY_001 = ("أكد فلاديمير فورونكوف على أهمية التعاون. "
          "جاء هذا على هامش مؤتمر الأمم المتحدة رفيع المستوى لمكافحة الإرهاب في نيويورك.")
NY_003 = ("شهد الأسبوع الماضي مؤتمرا هاما بنيويورك حيث احتضن مقر الأمم المتحدة مؤتمراً رفيع المستوى لمكافحة الإرهاب. "
          "وفي الرباط احتضنت المملكة اجتماعاً جهوياً للتحالف الدولي.")
IDS = {"فلاديمير فورونكوف": "person-voronkov", "الأمم المتحدة": "org-un", "نيويورك": "city-nyc",
       "الرباط": "city-rabat", "للتحالف الدولي": "org-coalition", "آلن": "person-allen",
       "صباح الأحمد": "person-sabah", "الجار الله": "person-jarallah", "الكويت": "country-kw",
       "بيل جيتس": "person-gates", "مومباي": "city-mumbai", "نيودلهي": "city-new-delhi",
       "مجلس الأمن": "org-unsc", "مايكروسوفت": "company-microsoft", "مكتب الأمم المتحدة لمكافحة الإرهاب": "org-unoct"}


def extraction(text, spec, article_id, published=None):
    document, mentions = snippet(text, spec, article_id=article_id, published=published)
    roles, events, margins = relate(document, mentions)
    return Extraction(document, tuple(mentions), roles, events, margins=margins)


def denotes(*extractions):
    return {m: IDS[m.surface] for x in extractions for m in x.mentions}


def test_same_conference_in_two_articles_is_one_node():
    a = extraction(NY_001, [("فلاديمير فورونكوف", P), ("الأمم المتحدة", IGO), ("نيويورك", CITY)], "a001")
    b = extraction(NY_003, [("نيويورك", CITY), ("الأمم المتحدة", IGO), ("الرباط", CITY),
                            ("للتحالف الدولي", IGO)], "a003", dt.date(2018, 7, 4))
    nodes = merge_events([a, b], denotes(a, b))
    (conference,) = [n for n in nodes if n.kind is EventKind.CONFERENCE]
    assert conference.articles == ("a001", "a003")
    assert conference.place == "city-nyc"
    assert dict(conference.participants) == {"org-un": ParticipantRole.ORGANIZER,
                                             "person-voronkov": ParticipantRole.SPEAKER}
    assert (conference.date.value, conference.date.end) == ("2018-06-27", "2018-07-03")
    (meeting,) = [n for n in nodes if n.kind is EventKind.MEETING]
    assert meeting.place == "city-rabat" and meeting.articles == ("a003",)


def test_two_audiences_on_one_day_stay_two_meetings():
    text = ("واجتمع آلن مع صباح الأحمد في الكويت أمس، كما اجتمع آلن مع الجار الله في الكويت.")
    spec = [("آلن", P), ("صباح الأحمد", P), ("الكويت", COUNTRY), ("آلن", P, 1), ("الجار الله", P),
            ("الكويت", COUNTRY, 1)]
    x = extraction(text, spec, "a002", dt.date(2014, 10, 28))
    meetings = [n for n in merge_events([x], denotes(x)) if n.kind is EventKind.MEETING]
    assert sorted(sorted(dict(n.participants)) for n in meetings) == [
        ["person-allen", "person-jarallah"], ["person-allen", "person-sabah"]]


def test_statements_with_different_quotations_stay_apart_and_repeats_merge():
    text = ("وقال بيل جيتس: «نحن نتطلع للعمل معكم لتحرير الإنترنت». وأضاف: «هذه خطوة كبيرة إلى الأمام». "
            "وقال بيل جيتس إن العمل مستمر.")
    spec = [("بيل جيتس", P), ("بيل جيتس", P, 1)]
    x = extraction(text, spec, "a000")
    statements = merge_events([x], denotes(x))
    assert len(statements) == 2
    assert sorted(len(n.quotations) for n in statements) == [1, 1]


def test_different_places_never_merge():
    a = extraction("عقد اجتماع للتحالف الدولي في الرباط.", [("للتحالف الدولي", IGO), ("الرباط", CITY)], "x1")
    b = extraction("عقد اجتماع للتحالف الدولي في نيويورك.", [("للتحالف الدولي", IGO), ("نيويورك", CITY)], "x2")
    assert len(merge_events([a, b], denotes(a, b))) == 2


def test_event_ids_are_ascii_stable_and_order_free():
    a = extraction(NY_001, [("فلاديمير فورونكوف", P), ("الأمم المتحدة", IGO), ("نيويورك", CITY)], "a001")
    b = extraction(NY_003, [("نيويورك", CITY), ("الأمم المتحدة", IGO), ("الرباط", CITY),
                            ("للتحالف الدولي", IGO)], "a003", dt.date(2018, 7, 4))
    first = merge_events([a, b], denotes(a, b))
    second = merge_events([b, a], denotes(b, a))
    assert first == second
    assert all(n.id.startswith("event-") and n.id.isascii() and len(n.id) == 22 for n in first)
    assert len({n.id for n in first}) == len(first)


def test_roles_merge_across_articles_with_latest_attestation():
    text = "قال بيل جيتس، مؤسس مايكروسوفت، إن العمل مهم."
    spec = [("بيل جيتس", P), ("مايكروسوفت", IGO)]
    a = extraction(text, spec, "r1", dt.date(2016, 5, 13))
    b = extraction(text, spec, "r2", dt.date(2018, 7, 4))
    ids = {m: {"بيل جيتس": "person-gates", "مايكروسوفت": "company-microsoft"}[m.surface]
           for x in (a, b) for m in x.mentions}
    (node,) = merge_roles([a, b], ids)
    assert (node.person, node.title, node.organization) == ("person-gates", "مؤسس", "company-microsoft")
    assert node.articles == ("r1", "r2") and node.attested == "2018-07-04"
    assert node.id.startswith("membership-") and node.id.isascii()


def test_date_compatibility():
    assert dates_compatible(DateValue("2018-06-28", "day"), None)
    assert dates_compatible(DateValue("2014-10-27", "day"), DateValue("2014-10-21", "day", end="2014-10-31"))
    assert not dates_compatible(DateValue("2015-12", "month"), DateValue("--10-28", "month-day"))
    assert dates_compatible(DateValue("2022-10-28", "day"), DateValue("--10-28", "month-day", end="--10-29"))


def test_undated_statements_reported_years_apart_stay_apart():
    text = "وقال بيل جيتس إن العمل مستمر."
    a = extraction(text, [("بيل جيتس", P)], "s1", dt.date(2016, 5, 13))
    b = extraction(text, [("بيل جيتس", P)], "s2", dt.date(2018, 7, 4))
    c = extraction(text, [("بيل جيتس", P)], "s3", dt.date(2016, 5, 20))
    nodes = merge_events([a, b, c], denotes(a, b, c))
    assert sorted(n.articles for n in nodes) == [("s1", "s3"), ("s2",)]


def test_a_headline_conference_and_a_body_meeting_at_one_place_are_one_gathering():
    # seed 002: "مؤتمر الكويت" in the headline is the "اجتماع في الكويت" of the body; the node
    # takes the kind most mentions use; the bilateral meetings that day stay their own
    text = ("مؤتمر الكويت يدعو لتوسيع الحرب. وقال آلن في افتتاح اجتماع في الكويت إن الحرب طويلة. "
            "وحضر الاجتماعات قرقاش. واجتمع آلن مع صباح الأحمد في الكويت أمس.")
    spec = [("الكويت", COUNTRY), ("آلن", P), ("الكويت", COUNTRY, 1), ("آلن", P, 1), ("صباح الأحمد", P),
            ("الكويت", COUNTRY, 2)]
    x = extraction(text, spec, "a002", dt.date(2014, 10, 28))
    gatherings = [n for n in merge_events([x], denotes(x)) if n.kind in (EventKind.MEETING, EventKind.CONFERENCE)]
    assert sorted((n.kind.value, len(n.mentions)) for n in gatherings) == [("Meeting", 1), ("Meeting", 3)]
    (bilateral,) = [n for n in gatherings if len(n.mentions) == 1]
    assert dict(bilateral.participants) == {"person-allen": ParticipantRole.PARTICIPANT,
                                            "person-sabah": ParticipantRole.ATTENDEE}


def test_a_meeting_and_a_conference_without_a_shared_place_stay_apart():
    a = extraction("عقد اجتماع للتحالف الدولي في الرباط.", [("للتحالف الدولي", IGO), ("الرباط", CITY)], "x1")
    b = extraction("عقد مؤتمر للتحالف الدولي.", [("للتحالف الدولي", IGO)], "x2")
    assert sorted(n.kind.value for n in merge_events([a, b], denotes(a, b))) == ["Conference", "Meeting"]


def test_an_indefinite_series_of_meetings_stays_apart_from_the_one_meeting():
    # seed 000: "ورعت الدول الثلاث اجتماعات فى مجلس الأمن" are earlier meetings, not Wednesday's
    text = ("شارك مايكروسوفت فى اجتماع عقد الأربعاء امام مجلس الأمن. "
            "ورعت الدول الثلاث اجتماعات فى مجلس الأمن حول مكافحة التطرف.")
    spec = [("مايكروسوفت", CO), ("مجلس الأمن", IGO), ("مجلس الأمن", IGO, 1)]
    x = extraction(text, spec, "a000", dt.date(2016, 5, 13))
    nodes = [n for n in merge_events([x], denotes(x)) if n.kind is EventKind.MEETING]
    assert sorted(len(n.mentions) for n in nodes) == [1, 1]


def test_a_node_keeps_every_place_of_its_mentions():
    text = ("وأبرز مالكي في كلمة خلال الاجتماع الخاص المنعقد يومي 28 و29 أكتوبر، على التوالي بمومباي ونيودلهي. "
            "وتميز هذا الاجتماع بحضور ميشيل كونينكس.")
    spec = [("مومباي", CITY), ("نيودلهي", CITY)]
    x = extraction(text, spec, "a004")
    (meeting,) = [n for n in merge_events([x], denotes(x)) if n.kind is EventKind.MEETING]
    assert meeting.places == ("city-mumbai", "city-new-delhi") and meeting.place == "city-mumbai"
    assert len(meeting.mentions) == 2


def test_a_forum_on_the_margins_is_held_where_and_when_its_host_conference_was():
    # seed 001 never says where or when; seed 003 places and dates the conference it was held at
    a = extraction("جاء هذا على هامش مؤتمر الأمم المتحدة رفيع المستوى لمكافحة الإرهاب، حيث عقدت عدة بعثات "
                   "بالتعاون مع مكتب الأمم المتحدة لمكافحة الإرهاب منتدى حول التعاون الدولي.",
                   [("الأمم المتحدة", IGO), ("مكتب الأمم المتحدة لمكافحة الإرهاب", IGO)], "a001")
    b = extraction(NY_003, [("نيويورك", CITY), ("الأمم المتحدة", IGO), ("الرباط", CITY),
                            ("للتحالف الدولي", IGO)], "a003", dt.date(2018, 7, 4))
    nodes = merge_events([a, b], denotes(a, b))
    (forum,) = [n for n in nodes if n.kind is EventKind.FORUM]
    (conference,) = [n for n in nodes if n.kind is EventKind.CONFERENCE and "a001" in n.articles]
    assert forum.places == conference.places == ("city-nyc",)
    assert forum.date == conference.date and forum.date.value == "2018-06-27"
    assert dict(forum.participants) == {"org-unoct": ParticipantRole.ORGANIZER}
    assert [(g.trigger, h.trigger) for g, h in a.margins] == [("منتدى", "مؤتمر")]
    assert merge_events([a.compact(), b.compact()], denotes(a, b)) == nodes  # merging reads no article body


def test_a_visit_is_one_stop_of_a_tour_not_the_tour():
    text = "وجاءت زيارة الكويت في إطار جولة لآلن تشمل مومباي والكويت خلال أكتوبر."
    spec = [("الكويت", COUNTRY), ("آلن", P), ("مومباي", CITY), ("الكويت", COUNTRY, 1)]
    x = extraction(text, spec, "a", dt.date(2014, 10, 28))
    nodes = [n for n in merge_events([x], denotes(x)) if n.kind is EventKind.VISIT]
    assert sorted(n.places for n in nodes) == [("city-mumbai", "country-kw"), ("country-kw",)]
    # the same visit told twice is one node
    y = extraction("وجاءت زيارة الكويت في أكتوبر. وأكدت زيارة الكويت التعاون.", [("الكويت", COUNTRY), ("الكويت", COUNTRY, 1)],
                   "b", dt.date(2014, 10, 28))
    assert len([n for n in merge_events([y], denotes(y)) if n.kind is EventKind.VISIT]) == 1


def test_the_cluster_index_changes_no_merge(tmp_path, monkeypatch):
    """Filing clusters by entity, kind, year and month only skips clusters that would refuse:
    over a synthetic corpus the nodes equal those of comparing every earlier cluster."""
    from graph.ingest import read_sources
    from graph.pipeline import extract_all
    from graph.relate import merge
    from graph.resolve import resolve_entities
    from graph.synthetic import make_corpus

    make_corpus(120, tmp_path)
    extractions, _ = extract_all(read_sources([tmp_path]), ("gazetteer", "pattern"))
    denotes = resolve_entities(extractions).denotes
    indexed = merge_events(extractions, denotes)

    class EveryCluster(merge._ClusterIndex):
        def __init__(self):
            super().__init__()
            self.count = 0

        def add(self, number, cluster, facts):
            self.count = max(self.count, number + 1)

        def candidates(self, facts):
            return list(range(self.count))

    monkeypatch.setattr(merge, "_ClusterIndex", EveryCluster)
    assert merge_events(extractions, denotes) == indexed
    events = sum(len(x.events) for x in extractions)
    assert len(indexed) < events and any(len(n.articles) > 2 for n in indexed)
    dated = {n.date.value[:4] for n in indexed if n.date and n.date.value[:4].isdigit()}
    assert len(dated) > 1 and any(n.kind is EventKind.STATEMENT and len(n.articles) > 1 for n in indexed)


def test_groups_merged_apart_and_in_any_order_give_the_same_nodes():
    a = extraction(NY_001, [("فلاديمير فورونكوف", P), ("الأمم المتحدة", IGO), ("نيويورك", CITY)], "a001")
    b = extraction(NY_003, [("نيويورك", CITY), ("الأمم المتحدة", IGO), ("الرباط", CITY),
                            ("للتحالف الدولي", IGO)], "a003", dt.date(2018, 7, 4))
    known, published = denotes(a, b), publication_days([a, b])
    groups = event_groups([a, b])
    assert "Meeting+Conference" in groups and "Statement" in groups
    assert all(len({e.kind for e in events} - {EventKind.MEETING, EventKind.CONFERENCE}) == 0
               for name, events in groups.items() if name == "Meeting+Conference")
    apart = [node for name in sorted(groups, reverse=True)
             for node in full_nodes(lean_nodes(merge_group(groups[name], known, published), groups[name]), groups[name])]
    assert finish_events(apart, [a, b]) == merge_events([a, b], known)
    assert all(not node.mentions for node, _ in lean_nodes(merge_group(groups["Statement"], known, published),
                                                            groups["Statement"]))
