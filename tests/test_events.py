"""Events: triggers, types, participants with roles, place, date, quotations."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from graph.records import EventKind, Kind, ParticipantRole
from graph.relate import relate
from graph.relate.events import find_events, is_series, trigger_at
from graph.text import normalize_text
from relate_support import CITY, CO, COUNTRY, GOV, IGO, INST, MEDIA, ORG, P, snippet

R = ParticipantRole


def events_of(text, spec, published=None, kind=None):
    document, mentions = snippet(text, spec, published=published)
    _, events, _ = relate(document, mentions)
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
    # the armed group the meeting is about is its target, not a third party at the table
    assert people(first) == {("آلن", R.PARTICIPANT), ("صباح الأحمد", R.ATTENDEE), ("التنظيم", R.TARGET)}
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
    # "ضد داعش" is what the coalition meets against: a target, never an attendee
    assert people(meeting) == {("للتحالف الدولي", R.ORGANIZER), ("داعش", R.TARGET)}
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
    roles, events, margins = once
    assert isinstance(roles, tuple) and isinstance(events, tuple) and margins == ()
    assert list(events) == sorted(events) and list(roles) == sorted(roles)


def test_host_named_before_a_hosting_noun():
    text = "فاختيار المغرب لاستضافة المؤتمر الخاص بدراسة ظاهرة الإرهاب هو تأكيد للالتزام."
    (conference,) = events_of(text, [("المغرب", COUNTRY)], kind=EventKind.CONFERENCE)
    assert people(conference) == {("المغرب", R.ORGANIZER)}


def test_one_meeting_held_in_two_places():
    text = ("وأبرز مالكي في كلمة خلال الاجتماع الخاص بلجنة مكافحة الإرهاب المنعقد يومي 28 و29 أكتوبر "
            "المنصرم، على التوالي بمومباي ونيودلهي، دور المغرب.")
    spec = [("مالكي", P), ("لجنة مكافحة الإرهاب", IGO), ("مومباي", CITY), ("نيودلهي", CITY)]
    (meeting,) = events_of(text, spec, kind=EventKind.MEETING)
    assert [p.surface for p in meeting.places] == ["مومباي", "نيودلهي"]
    assert meeting.place.surface == "مومباي"  # the first place, for readers of one place
    assert not {p.mention.surface for p in meeting.participants} & {"مومباي", "نيودلهي"}


def test_places_between_two_cities_and_states_between_which_talks_are_held():
    cities = events_of("عقدت محادثات بين الرباط ونواكشوط أمس.", [("الرباط", CITY), ("نواكشوط", CITY)])
    assert [p.surface for p in cities[0].places] == ["الرباط", "نواكشوط"]
    states = events_of("عقدت محادثات بين المغرب وموريتانيا في الرباط.",
                       [("المغرب", COUNTRY), ("موريتانيا", COUNTRY), ("الرباط", CITY)])
    assert [p.surface for p in states[0].places] == ["الرباط"]
    assert people(states[0]) == {("المغرب", R.ATTENDEE), ("موريتانيا", R.ATTENDEE)}


def test_a_place_inside_the_topic_is_not_the_venue():
    topic = events_of("فاختيار المغرب لاستضافة المؤتمر الخاص بدراسة ظاهرة الإرهاب في أفريقيا هو تأكيد للالتزام.",
                      [("المغرب", COUNTRY), ("أفريقيا", Kind.REGION)], kind=EventKind.CONFERENCE)
    assert topic[0].places == ()
    venue = events_of("وعقد التحالف الدولي مؤتمرا لمكافحة الإرهاب في الرباط.",
                      [("التحالف الدولي", IGO), ("الرباط", CITY)], kind=EventKind.CONFERENCE)
    assert venue[0].place.surface == "الرباط"  # a city after the topic is still where it met


def test_the_hosted_conference_is_the_gathering_held_in_the_host_state():
    # seed 003: "two conferences: the first in Morocco (a meeting in Rabat), the second in New York …
    # Morocco was chosen to host the conference on terrorism in Africa": a careful reader reads the
    # Rabat meeting, not the New York one; Africa is the topic.
    text = ("شهد الأسبوع الماضي مؤتمرين: الأول بالمملكة المغربية، حيث احتضنت الرباط اجتماعاً جهوياً للتحالف الدولي. "
            "أما الثاني بنيويورك حيث احتضن مقر الأمم المتحدة مؤتمراً رفيع المستوى لمكافحة الإرهاب. "
            "فاختيار المغرب لاستضافة المؤتمر الخاص بدراسة ظاهرة الإرهاب في أفريقيا هو تأكيد للالتزام.")
    spec = [("المملكة المغربية", COUNTRY, 0, "country-ma"), ("الرباط", CITY, 0, "city-rabat"),
            ("للتحالف الدولي", IGO), ("نيويورك", CITY, 0, "city-new-york"), ("الأمم المتحدة", IGO),
            ("المغرب", COUNTRY, 1, "country-ma"), ("أفريقيا", Kind.REGION, 0, "region-africa")]
    hosted = [e for e in events_of(text, spec, dt.date(2018, 7, 4)) if e.sentence == 2]
    assert [e.place.surface for e in hosted] == ["الرباط"]
    assert ("المغرب", R.ORGANIZER) in people(hosted[0])


def test_an_armed_group_a_gathering_is_about_is_its_target_never_an_attendee():
    (meeting,) = events_of("وعقد التحالف الدولي اجتماعا في الرباط لمكافحة داعش.",
                           [("التحالف الدولي", IGO), ("الرباط", CITY), ("داعش", ORG)])
    assert people(meeting) == {("التحالف الدولي", R.ORGANIZER), ("داعش", R.TARGET)}
    (talks,) = events_of("واجتمع آلن مع قرقاش لبحث الحرب ضد «داعش» أمس.", [("آلن", P), ("قرقاش", P), ("داعش", ORG)])
    assert ("داعش", R.TARGET) in people(talks) and ("قرقاش", R.ATTENDEE) in people(talks)
    (near,) = events_of("وناقش آلن في اجتماع بالكويت ما قاله تنظيم داعش.",
                        [("آلن", P), ("الكويت", COUNTRY), ("تنظيم داعش", ORG)], kind=EventKind.MEETING)
    assert "تنظيم داعش" not in {p.mention.surface for p in near.participants}  # named nearby, not there


def test_a_where_clause_names_the_body_spoken_before():
    # seed 000: the Microsoft vice-president spoke before "the international organisation" (the
    # Security Council); Bill Gates, named after "سوى", spoke there earlier, not at this meeting
    text = ("ويقول دبلوماسيون إن نائب رئيس مايكروسوفت شارك فى اجتماع عقد الأربعاء حول مواجهة الإرهاب، "
            "حيث لم يسبقه في التحدث امام المنظمة الدولية، سوى مؤسس مايكروسوفت بيل جيتس الذى ألقى خطابا.")
    spec = [("مايكروسوفت", CO), ("المنظمة الدولية", IGO), ("مايكروسوفت", CO, 1), ("بيل جيتس", P)]
    (meeting,) = events_of(text, spec, dt.date(2016, 5, 13), EventKind.MEETING)
    assert people(meeting) == {("مايكروسوفت", R.PARTICIPANT), ("المنظمة الدولية", R.ATTENDEE)}
    assert meeting.date.value == "2016-05-11"


def test_an_indefinite_plural_names_a_series():
    assert is_series("اجتماعات") and is_series("واجتماعات") and is_series("مؤتمرات")
    assert not is_series("الاجتماعات") and not is_series("اجتماع") and not is_series("محادثات")


def test_a_person_who_says_this_gathering_speaks_at_it():
    # seed 003: al-Zaabi "pointed out that this conference stressed …": he was there
    text = ("أما مؤتمر نيويورك فجمع رؤساء الوكالات. كما أكد سالم الزعابي أن الإرهابيين يستخدمون الإنترنت. "
            "وأشار إلى أن هذا المؤتمر أكد دور الحكومات. وقالت فورين بوليسي إن هذا المؤتمر مهم.")
    spec = [("نيويورك", CITY), ("سالم الزعابي", P), ("فورين بوليسي", MEDIA)]
    first, this, reported = events_of(text, spec, kind=EventKind.CONFERENCE)
    assert first.place.surface == this.place.surface == "نيويورك"
    assert ("سالم الزعابي", R.SPEAKER) in people(this)
    assert "فورين بوليسي" not in {p.mention.surface for p in reported.participants}  # a reporter stays out


def test_the_three_states_named_before_organise_the_series():
    text = ("واختارت القاهرة موضوعا يحظى باهتمام القوى الكبرى بما فى ذلك روسيا والولايات المتحدة والصين. "
            "ورعت الدول الثلاث اجتماعات فى مجلس الأمن حول مكافحة التطرف.")
    spec = [("القاهرة", CITY), ("روسيا", COUNTRY), ("الولايات المتحدة", COUNTRY), ("الصين", COUNTRY),
            ("مجلس الأمن", IGO)]
    (series,) = events_of(text, spec, kind=EventKind.MEETING)
    assert {("روسيا", R.ORGANIZER), ("الولايات المتحدة", R.ORGANIZER), ("الصين", R.ORGANIZER)} <= people(series)
    two = events_of("وزار آلن الأردن وقطر. والتقى قادة البلدين في اجتماع مشترك.",
                    [("آلن", P), ("الأردن", COUNTRY), ("قطر", COUNTRY)], kind=EventKind.MEETING)
    assert {("الأردن", R.PARTICIPANT), ("قطر", R.PARTICIPANT)} <= people(two[0])


def test_persons_quoted_after_the_participants_interventions_spoke_at_the_gathering():
    # seed 003: after "مداخلات المشاركين" the text quotes Guterres, then al-Zaabi, then Kruse,
    # until it turns to another gathering (the Abu Dhabi conference, which they did not attend)
    text = ("أما مؤتمر نيويورك فجمع رؤساء الوكالات. وقد شكّل الموضوع حيزاً كبيراً من مداخلات المشاركين. "
            "وأكد أنطونيو غوتيريش أن الخطوط تغيرت. ونبّه مقصود كروز إلى أن الجماعات تبتكر. "
            "كما أوصى بذلك مؤتمر أبوظبي المنعقد في مايو 2017. وقال بيل جيتس إن العمل مهم.")
    spec = [("نيويورك", CITY), ("أنطونيو غوتيريش", P), ("مقصود كروز", P), ("أبوظبي", CITY), ("بيل جيتس", P)]
    new_york, abu_dhabi = events_of(text, spec, kind=EventKind.CONFERENCE)
    assert people(new_york) == {("أنطونيو غوتيريش", R.SPEAKER), ("مقصود كروز", R.SPEAKER)}
    assert abu_dhabi.participants == ()


def test_a_relative_clause_names_who_organised_the_gathering_it_follows():
    # "المنتدى، الذي شاركت الإمارات في تنظيمه": the definite noun is the forum told before
    text = ("عقدت البعثات بالتعاون مع مكتب الأمم المتحدة لمكافحة الإرهاب منتدى حول الإنترنت. "
            "وشدد الزعابي على أن المنتدى، الذي شاركت الإمارات في تنظيمه، أكد على دور الحكومات.")
    spec = [("مكتب الأمم المتحدة لمكافحة الإرهاب", IGO), ("الزعابي", P), ("الإمارات", COUNTRY)]
    (forum,) = events_of(text, spec, kind=EventKind.FORUM)
    assert forum.sentence == 0
    assert ("الإمارات", R.ORGANIZER) in people(forum)
    # a relative clause that says only where it met names no organiser
    (meeting,) = events_of("حضر الوزير الاجتماع، الذي عقد في الرباط، أمس.", [("الرباط", CITY)],
                           kind=EventKind.MEETING)
    assert not meeting.participants


def test_whoever_invited_a_participant_organised_the_gathering():
    text = ("قالت المجلة إن مصر باعتبارها رئيس مجلس الأمن لهذا الشهر، دعت شركة مايكروسوفت لتقديم استشارات. "
            "ويقول دبلوماسيون إن نائب رئيس مايكروسوفت شارك في اجتماع عقد الأربعاء.")
    spec = [("مصر", COUNTRY), ("مجلس الأمن", IGO), ("شركة مايكروسوفت", CO), ("مايكروسوفت", CO, 1)]
    (meeting,) = events_of(text, spec, kind=EventKind.MEETING)
    assert ("مصر", R.ORGANIZER) in people(meeting)
    # "دعت الولايات المتحدة حلفاءها": the called-upon are no entity, nobody is made organiser
    text = "دعت الولايات المتحدة حلفاءها إلى المواجهة. وشارك آلن في اجتماع في الكويت."
    spec = [("الولايات المتحدة", COUNTRY), ("آلن", P), ("الكويت", COUNTRY)]
    (meeting,) = events_of(text, spec, kind=EventKind.MEETING)
    assert "الولايات المتحدة" not in {s for s, _ in people(meeting)}


def test_a_tour_goes_to_the_states_listed_after_its_venue_cue():
    text = "وجاءت زيارة الكويت في إطار جولة لآلن تشمل فرنسا والسعودية والكويت وسلطنة عمان خلال أكتوبر."
    spec = [("الكويت", COUNTRY), ("آلن", P), ("فرنسا", COUNTRY), ("السعودية", COUNTRY), ("الكويت", COUNTRY, 1),
            ("سلطنة عمان", COUNTRY)]
    visit, tour = sorted(events_of(text, spec, dt.date(2014, 10, 28), EventKind.VISIT), key=lambda e: e.start)
    assert [p.surface for p in visit.places] == ["الكويت"]
    assert [p.surface for p in tour.places] == ["فرنسا", "السعودية", "الكويت", "سلطنة عمان"]
    assert people(tour) == {("آلن", R.PARTICIPANT)}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["قال", "وزير", "في", "،", ".", "\n", "الكويت", "آلن"]), min_size=1, max_size=60),
       st.lists(st.tuples(st.integers(0, 300), st.sampled_from([0, 1, 2, 3, 5, 12, 200])), max_size=90))
@example(["قال"] * 60, [(0, 200)] + [(4, 1)] * 70)  # the long mention falls out of the window
def test_views_lay_on_each_token_the_first_mention_overlapping_it(words, spans):
    """Mentions are laid on tokens from the mentions' side; the result is the scan it replaces:
    the first mention by start, longest first, overlapping the token, among the 64 that start
    last before the token ends."""
    from graph.records import Article, Mention
    from graph.relate.context import sentence_views
    from graph.text import analyze_text

    text = " ".join(words)
    document = analyze_text(Article(id="v", text=text))
    mentions = [Mention("v", s, min(s + n, len(text)), text[s:min(s + n, len(text))], Kind.PERSON, 0)
                for s, n in spans if s <= len(text)]
    ordered = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start)))
    for view in sentence_views(document, mentions):
        for token, covering in zip(view.tokens, view.covering):
            before = [m for m in ordered if m.start < token.end][-64:]
            assert covering is next((m for m in before if token.start < m.end), None)
