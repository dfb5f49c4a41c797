"""Roles from titles and appositions: each pattern family on a hand-written sentence."""

from __future__ import annotations

import pytest

from graph.relate.roles import find_roles, title_kind
from relate_support import CO, COUNTRY, GOV, IGO, INST, ORG, P, snippet


def roles_of(text, spec):
    document, mentions = snippet(text, spec)
    return {(r.person.surface, r.title, r.organization.surface if r.organization else None)
            for r in find_roles(document, mentions)}


CASES = [
    # name first, apposition without comma, institution after the title
    ("أكد فلاديمير فورونكوف وكيل الأمين العام لمكتب مكافحة الإرهاب على أهمية التعاون.",
     [("فلاديمير فورونكوف", P), ("مكتب مكافحة الإرهاب", IGO)],
     {("فلاديمير فورونكوف", "وكيل الأمين العام", "مكتب مكافحة الإرهاب")}),
    # name first with comma; lam complement after the institution stays in the post
    ("وقال ديفيد كاي، مقرر الأمم المتحدة لحرية الرأي والتعبير، إن هناك مشكلة.",
     [("ديفيد كاي", P), ("الأمم المتحدة", IGO)],
     {("ديفيد كاي", "مقرر لحرية الرأي والتعبير", "الأمم المتحدة")}),
    # nested post, two coordinated posts of one person
    ("قال سالم الزعابي مدير إدارة التعاون الأمني الدولي بوزارة الخارجية بدولة الإمارات، "
     "ورئيس اللجنة الوطنية لمكافحة الإرهاب إنه متفائل.",
     [("سالم الزعابي", P), ("إدارة التعاون الأمني الدولي", GOV), ("وزارة الخارجية", GOV),
      ("الإمارات", COUNTRY), ("اللجنة الوطنية لمكافحة الإرهاب", GOV)],
     {("سالم الزعابي", "مدير", "إدارة التعاون الأمني الدولي"),
      ("سالم الزعابي", "رئيس", "اللجنة الوطنية لمكافحة الإرهاب")}),
    # title first, honorifics between title and name are skipped
    ("وقال المنسق الأميركي للتحالف الدولي الجنرال المتقاعد جون آلن في افتتاح الاجتماع.",
     [("للتحالف الدولي", INST), ("جون آلن", P)],
     {("جون آلن", "المنسق الأميركي", "للتحالف الدولي")}),
    # title naming a state; the organisation is the country mention
    ("أكد سفير المغرب لدى الهند، محمد مالكي، أن المغرب متشبث بالقرارات.",
     [("المغرب", COUNTRY), ("الهند", COUNTRY), ("محمد مالكي", P), ("المغرب", COUNTRY, 1)],
     {("محمد مالكي", "سفير لدى الهند", "المغرب")}),
    ("واجتمع آلن مع أمير الكويت الشيخ صباح الأحمد الجابر الصباح في الكويت.",
     [("آلن", P), ("الكويت", COUNTRY), ("صباح الأحمد الجابر الصباح", P), ("الكويت", COUNTRY, 1)],
     {("صباح الأحمد الجابر الصباح", "أمير", "الكويت")}),
    # title with a ministry: the ministry is the organisation
    ("كما اجتمع مع وكيل وزارة الخارجية الكويتية خالد سليمان الجار الله الذي قال كلمة.",
     [("وزارة الخارجية الكويتية", GOV), ("خالد سليمان الجار الله", P)],
     {("خالد سليمان الجار الله", "وكيل", "وزارة الخارجية الكويتية")}),
    # relational adjective names the state when no institution is named
    ("وقاد الوفد مساعد وزير الخارجية الأميركي للدبلوماسية والشؤون العامة ريك ستينغل. "
     "ودعت الولايات المتحدة حلفاءها.",
     [("ريك ستينغل", P), ("الولايات المتحدة", COUNTRY)],
     {("ريك ستينغل", "مساعد وزير الخارجية للدبلوماسية والشؤون العامة", "الولايات المتحدة")}),
    # a list of title–name pairs: each title belongs to the name after it
    ("بحضور وزير الشؤون الخارجية الهندي، سوبرمانيام جايشنكار، ونائب الأمين العام لمكتب الأمم المتحدة "
     "لمكافحة الإرهاب، فلاديمير فورونكوف، والمديرة التنفيذية للجنة مكافحة الإرهاب، ميشيل كونينكس. "
     "وزار الهند.",
     [("سوبرمانيام جايشنكار", P), ("مكتب الأمم المتحدة لمكافحة الإرهاب", IGO), ("فلاديمير فورونكوف", P),
      ("لجنة مكافحة الإرهاب", IGO), ("ميشيل كونينكس", P), ("الهند", COUNTRY)],
     {("سوبرمانيام جايشنكار", "وزير الشؤون الخارجية", "الهند"),
      ("فلاديمير فورونكوف", "نائب الأمين العام", "مكتب الأمم المتحدة لمكافحة الإرهاب"),
      ("ميشيل كونينكس", "المديرة التنفيذية", "لجنة مكافحة الإرهاب")}),
    # a lam-genitive chain of titles; the name after a comma and a quoted group
    ('إذ أشار المبعوث الخاص للرئيس الأميركي للتحالف الدولي ضد "داعش"، بريت ماكغورك، إلى أن الاجتماع ناقش.',
     [("للتحالف الدولي", INST), ("داعش", ORG), ("بريت ماكغورك", P)],
     {("بريت ماكغورك", "المبعوث الخاص للرئيس الأميركي", "للتحالف الدولي")}),
    ("وأكد الأمين العام للأمم المتحدة أنطونيو غوتيريش أن الخطوط الأمامية تغيرت.",
     [("للأمم المتحدة", IGO), ("أنطونيو غوتيريش", P)],
     {("أنطونيو غوتيريش", "الأمين العام", "للأمم المتحدة")}),
    ("سوى مؤسس مايكروسوفت بيل جيتس الذي ألقى خطابا.",
     [("مايكروسوفت", CO), ("بيل جيتس", P)],
     {("بيل جيتس", "مؤسس", "مايكروسوفت")}),
]


@pytest.mark.parametrize("text,spec,expected", CASES)
def test_role_patterns(text, spec, expected):
    assert roles_of(text, spec) == expected


def test_honorific_alone_is_not_a_role():
    text = "واستقبل الشيخ صباح الأحمد الضيوف."
    assert roles_of(text, [("صباح الأحمد", P)]) == set()


def test_title_before_a_verb_is_not_a_role_of_the_next_name():
    text = "قال رئيس مجلس الأمن إن خالد الجار الله وصل."
    assert roles_of(text, [("مجلس الأمن", IGO), ("خالد الجار الله", P)]) == set()


def test_role_records_sentence_and_article():
    document, mentions = snippet("جملة أولى. قال بيل جيتس، مؤسس مايكروسوفت، إن العمل مهم.",
                                 [("بيل جيتس", P), ("مايكروسوفت", CO)], article_id="a1")
    (role,) = find_roles(document, mentions)
    assert (role.article_id, role.sentence) == ("a1", 1)


def test_title_kinds_from_lexicon():
    assert title_kind("الجنرال") == "honorific"
    assert title_kind("وكيل الأمين العام") == "post"
    assert title_kind("أمير") == "post"


def test_an_unnamed_post_holder_is_no_node_and_a_named_one_gets_the_post():
    # Decision: the graph holds named persons only. "نائب رئيس مايكروسوفت" with no name gives no
    # person and so no role (the company takes part in the meeting instead, see test_events);
    # a name in apposition on either side carries the post.
    unnamed = "ويقول دبلوماسيون إن نائب رئيس مايكروسوفت شارك فى اجتماع عقد الأربعاء."
    assert roles_of(unnamed, [("مايكروسوفت", CO)]) == set()
    before = "ويقول دبلوماسيون إن نائب رئيس مايكروسوفت براد سميث شارك فى اجتماع عقد الأربعاء."
    assert roles_of(before, [("مايكروسوفت", CO), ("براد سميث", P)]) == {("براد سميث", "نائب رئيس", "مايكروسوفت")}
    after = "ويقول دبلوماسيون إن براد سميث، نائب رئيس شركة مايكروسوفت، شارك فى اجتماع."
    assert roles_of(after, [("شركة مايكروسوفت", CO), ("براد سميث", P)]) == {
        ("براد سميث", "نائب رئيس", "شركة مايكروسوفت")}
