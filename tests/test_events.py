"""Events: triggers, types, participants with roles, place, date, quotations."""

from __future__ import annotations

import datetime as dt

from graph.records import EventKind, ParticipantRole
from graph.relate import relate
from graph.relate.events import find_events, trigger_at
from graph.text import normalize_text
from relate_support import CITY, CO, COUNTRY, GOV, IGO, INST, MEDIA, ORG, P, snippet

R = ParticipantRole


def events_of(text, spec, published=None, kind=None):
    document, mentions = snippet(text, spec, published=published)
    _, events = relate(document, mentions)
    return [e for e in events if kind is None or e.kind is kind]


def people(event):
    return {(p.mention.surface, p.role) for p in event.participants}


def test_trigger_lexicon_reads_clitics_and_tanween():
    assert trigger_at(normalize_text("واجتمع")).kind is EventKind.MEETING
    assert trigger_at(normalize_text("مؤتمراً")).kind is EventKind.CONFERENCE
    assert trigger_at(normalize_text("والمنتدى")).kind is EventKind.FORUM
    assert trigger_at(normalize_text("يعدمون")).kind is EventKind.ATTACK
    assert trigger_at(normalize_text("مؤتمرين")) is None  # two conferences are not one event


def test_bilateral_meetings_with_relative_date_and_place():
    text = ("واجتمع آلن مع أمير الكويت الشيخ صباح الأحمد في الكويت أمس لبحث محاربة التنظيم، "
            "كما اجتمع أيضا مع وكيل وزارة الخارجية خالد الجار الله.")
    spec = [("آلن", P), ("الكويت", COUNTRY), ("صباح الأحمد", P), ("الكويت", COUNTRY, 1),
            ("التنظيم", ORG), ("وزارة الخارجية", GOV), ("خالد الجار الله", P)]
    first, second = events_of(text, spec, dt.date(2014, 10, 28), EventKind.MEETING)
    assert people(first) == {("آلن", R.PARTICIPANT), ("صباح الأحمد", R.ATTENDEE)}
    assert first.place.surface == "الكويت" and first.place.start == text.index("في الكويت") + 3
    assert (first.date.value, first.date.certainty) == ("2014-10-27", "relative")
    assert ("آلن", R.PARTICIPANT) in people(second)  # dropped subject carried over
    assert ("خالد الجار الله", R.ATTENDEE) in people(second)


def test_speaker_at_a_meeting_and_attendees_in_the_next_sentence():
    text = ("وقال المنسق جون آلن في افتتاح اجتماع في الكويت: «هذه حرب رهيبة تهدف إلى تجنيد الشباب». "
            "وكان آلن يتكلم أمام ممثلين عن البحرين والسعودية.")
    spec = [("جون آلن", P), ("الكويت", COUNTRY), ("آلن", P, 1), ("البحرين", COUNTRY), ("السعودية", COUNTRY)]
    events = events_of(text, spec)
    (meeting,) = [e for e in events if e.kind is EventKind.MEETING]
    (statement,) = [e for e in events if e.kind is EventKind.STATEMENT]
    assert meeting.place.surface == "الكويت"
    assert people(meeting) == {("جون آلن", R.SPEAKER), ("البحرين", R.ATTENDEE), ("السعودية", R.ATTENDEE)}
    assert statement.quotation == "هذه حرب رهيبة تهدف إلى تجنيد الشباب"
    assert people(statement) == {("جون آلن", R.SPEAKER)}
    assert meeting.date.certainty == "unknown" and meeting.date.value == ""


def test_host_city_and_organizer():
    text = "شهد الأسبوع الماضي حدثا هاما حيث احتضنت الرباط اجتماعاً جهوياً للتحالف الدولي ضد داعش."
    spec = [("الرباط", CITY), ("للتحالف الدولي", INST), ("داعش", ORG)]
    (meeting,) = events_of(text, spec, dt.date(2018, 7, 4), EventKind.MEETING)
    assert meeting.place.surface == "الرباط"
    assert people(meeting) == {("للتحالف الدولي", R.ORGANIZER)}  # "ضد داعش" is no participant
    assert (meeting.date.value, meeting.date.end) == ("2018-06-27", "2018-07-03")


def test_named_conference_with_place_and_month():
    text = "كما أوصى بذلك مؤتمر أبوظبي الدولي لتجريم الإرهاب الدولي المنعقد في مايو 2017."
    (conference,) = events_of(text, [("أبوظبي", CITY)], kind=EventKind.CONFERENCE)
    assert conference.label == "مؤتمر أبوظبي الدولي لتجريم الإرهاب الدولي"
    assert conference.place.surface == "أبوظبي"
    assert (conference.date.value, conference.date.precision) == ("2017-05", "month")


def test_reporter_is_not_a_participant():
    text = "وقالت فورين بوليسي إن الاجتماع عقد الأربعاء بمشاركة مايكروسوفت."
    spec = [("فورين بوليسي", MEDIA), ("مايكروسوفت", CO)]
    (meeting,) = events_of(text, spec, dt.date(2016, 5, 13), EventKind.MEETING)
    assert people(meeting) == {("مايكروسوفت", R.ATTENDEE)}
    assert meeting.date.value == "2016-05-11"


def test_quotations_and_dropped_subjects():
    text = "وقال آلن: «نحن هنا لنبحث في سبل الهزيمة». وأضاف: «الإرهاب خطر يتهددنا جميعا في كل مكان»."
    first, second = events_of(text, [("آلن", P)], kind=EventKind.STATEMENT)
    assert people(first) == people(second) == {("آلن", R.SPEAKER)}
    assert first.quotation == "نحن هنا لنبحث في سبل الهزيمة"
    assert second.quotation == "الإرهاب خطر يتهددنا جميعا في كل مكان"


def test_unnamed_speaker_gives_no_statement():
    text = "وذكر مصدر كويتي أن «المسؤولين بحثوا كيفية محاربة التنظيم على الإنترنت»."
    assert events_of(text, [("التنظيم", ORG)], kind=EventKind.STATEMENT) == []


def test_triggers_inside_quoted_speech_are_ignored():
    text = "وقال الجار الله: «وها نحن اليوم نجتمع للتنسيق حول مواجهة المخاطر في الكويت»."
    events = events_of(text, [("الجار الله", P), ("الكويت", COUNTRY)])
    assert [e.kind for e in events] == [EventKind.STATEMENT]


def test_attack_perpetrator_place_and_target():
    text = ("أظهر الفيديو عناصر تنظيم داعش وهم يعدمون 20 مصريا في ليبيا في فبراير 2015. "
            "وقدمت معلومات بعد هجمات استهدفت صحيفة شارلي إيبدو.")
    spec = [("تنظيم داعش", ORG), ("ليبيا", COUNTRY), ("صحيفة شارلي إيبدو", MEDIA)]
    execution, attack = events_of(text, spec, kind=EventKind.ATTACK)
    assert people(execution) == {("تنظيم داعش", R.PERPETRATOR)}
    assert execution.place.surface == "ليبيا" and execution.date.value == "2015-02"
    assert people(attack) == {("صحيفة شارلي إيبدو", R.TARGET)}


def test_demonstrative_takes_place_and_date_of_its_antecedent():
    text = ("وأبرز مالكي في كلمة خلال الاجتماع الخاص بلجنة مكافحة الإرهاب المنعقد يومي 28 و29 أكتوبر المنصرم "
            "بمومباي. وتميز هذا الاجتماع بحضور ميشيل كونينكس.")
    spec = [("مالكي", P), ("لجنة مكافحة الإرهاب", IGO), ("مومباي", CITY), ("ميشيل كونينكس", P)]
    first, second = events_of(text, spec, dt.date(2022, 11, 3), EventKind.MEETING)
    assert first.place.surface == second.place.surface == "مومباي"
    assert second.date.value == "2022-10-28" and second.date.end == "2022-10-29"
    assert ("ميشيل كونينكس", R.ATTENDEE) in people(second)
    assert {("مالكي", R.SPEAKER), ("لجنة مكافحة الإرهاب", R.ORGANIZER)} <= people(first)


def test_meeting_dated_by_the_visit_to_its_place():
    text = ("وقال آلن في افتتاح اجتماع في الكويت إن الحرب طويلة. "
            "وجاءت زيارة الكويت في إطار جولة لآلن خلال الفترة من 21 وحتى 31 من شهر أكتوبر الجاري.")
    spec = [("آلن", P), ("الكويت", COUNTRY, 0, "country-kw"), ("الكويت", COUNTRY, 1, "country-kw"), ("لآلن", P)]
    meeting = events_of(text, spec, dt.date(2014, 10, 28), EventKind.MEETING)[0]
    assert (meeting.date.value, meeting.date.end) == ("2014-10-21", "2014-10-31")


def test_statement_on_the_margin_of_a_conference():
    text = "أكد فورونكوف على أهمية التعاون. جاء هذا على هامش مؤتمر الأمم المتحدة رفيع المستوى لمكافحة الإرهاب."
    spec = [("فورونكوف", P), ("الأمم المتحدة", IGO)]
    (conference,) = events_of(text, spec, kind=EventKind.CONFERENCE)
    assert people(conference) == {("فورونكوف", R.SPEAKER), ("الأمم المتحدة", R.ORGANIZER)}
    assert conference.label == "مؤتمر الأمم المتحدة رفيع المستوى لمكافحة الإرهاب"


def test_topics_without_arguments_are_not_events():
    text = "يستخدمون الإنترنت للتخطيط لشن الهجمات ووضع استراتيجية دولية."
    assert find_events(*snippet(text, [])) == []


def test_relate_is_sorted_and_deterministic():
    text = "قال بيل جيتس، مؤسس مايكروسوفت، إن الاجتماع في نيويورك كان مهما. وأضاف: «هذه خطوة كبيرة إلى الأمام»."
    spec = [("بيل جيتس", P), ("مايكروسوفت", CO), ("نيويورك", CITY)]
    document, mentions = snippet(text, spec)
    once, again = relate(document, mentions), relate(document, list(reversed(mentions)))
    assert once == again
    roles, events = once
    assert isinstance(roles, tuple) and isinstance(events, tuple)
    assert list(events) == sorted(events) and list(roles) == sorted(roles)


def test_host_named_before_a_hosting_noun():
    text = "فاختيار المغرب لاستضافة المؤتمر الخاص بدراسة ظاهرة الإرهاب هو تأكيد للالتزام."
    (conference,) = events_of(text, [("المغرب", COUNTRY)], kind=EventKind.CONFERENCE)
    assert people(conference) == {("المغرب", R.ORGANIZER)}
