import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.recognize import combine_mentions, recognize_mentions
from graph.records import Kind, Mention
from graph.text import analyze_text
from tests.conftest import make_article

RULES = ("gazetteer", "pattern")


def mentions_of(text, chain=RULES):
    document = analyze_text(make_article(text))
    return {(m.surface, m.kind, m.key, m.method) for m in recognize_mentions(document, chain)}


def keys_of(text, chain=RULES):
    return {m[2] for m in mentions_of(text, chain)}


@pytest.mark.parametrize("text, surface, key", [
    ("عقد الاجتماع بمومباي أمس.", "مومباي", "city-mumbai"),
    ("التحق عدد من الشباب لداعش في سوريا.", "داعش", "group-isis"),
    ("تعاونت تويتر وفيسبوك مع الحكومات.", "فيسبوك", "company-facebook"),
    # "ل" before a name that starts with "ل": "للجنة" is "ل" + "لجنة", not only "ل" + "الجنة"
    ("والمديرة التنفيذية للجنة الأمم المتحدة لمكافحة الإرهاب، ميشيل كونينكس.",
     "لجنة الأمم المتحدة لمكافحة الإرهاب", "org-ctc"),
])
def test_proclitics_are_outside_the_mention(text, surface, key):
    found = mentions_of(text)
    assert any(s == surface and k == key for s, _, k, _ in found), found


def test_known_names_and_aliases_link_to_one_entry():
    assert "group-isis" in keys_of("أعلن تنظيم الدولة الإسلامية مسؤوليته.")
    assert "group-isis" in keys_of("أعلن داعش مسؤوليته.")


def test_generic_heads_refer_back_in_context():
    found = mentions_of("هاجم تنظيم داعش القرية. واعتبر أن التنظيم المتطرف لن يهزم.")
    anaphors = [m for m in found if m[0] == "التنظيم"]
    assert anaphors and anaphors[0][2] == "group-isis" and anaphors[0][3] == "pattern"


def test_oman_or_amman_is_settled_by_context():
    assert "country-om" in keys_of("حضر ممثلون عن البحرين وعمان وقطر.")
    assert "country-om" not in keys_of("وصل الوزير إلى عمان صباح اليوم.")


def test_persons_after_given_names_and_titles():
    found = mentions_of("وقال المنسق الأميركي الجنرال المتقاعد جون آلن في افتتاح الاجتماع إن الحرب طويلة.")
    assert ("جون آلن", Kind.PERSON) in {(s, k) for s, k, _, _ in found}
    found = mentions_of("بحضور وزير الشؤون الخارجية الهندي، سوبرمانيام جايشنكار، والوفود.")
    assert any(s == "سوبرمانيام جايشنكار" and k is Kind.PERSON for s, k, _, _ in found)


def test_the_rare_subject_of_a_reporting_verb_is_a_person():
    found = mentions_of("وقال كراون فى اجتماع استضافته الأمم المتحدة في ديسمبر.")
    assert ("كراون", Kind.PERSON, None, "pattern") in found
    # plurals of common nouns, a noun with a pronoun, the article, a word not ending the subject: no name
    for text in ("ويقول دبلوماسيون إن الاجتماع مهم.", "وقال متمردون في بيان إنهم انسحبوا.",
                 "أبرز أعماله كانت في الرباط.", "وقال المسؤول في الوزارة إن الوضع هادئ.",
                 "وقال مسؤول كبير إن الوضع هادئ."):
        assert not {m for m in mentions_of(text) if m[1] is Kind.PERSON}, text


def test_institution_heads_and_state_qualifier():
    found = {(s, k, q) for s, k, q in ((m.surface, m.kind, m.qualifier) for m in recognize_mentions(
        analyze_text(make_article("اجتمع مع وكيل وزارة الخارجية الكويتية في مقر صحيفة تشارلى إبدو.")), RULES))}
    assert ("وزارة الخارجية الكويتية", Kind.GOVERNMENT_BODY, "country-kw") in found


def test_surname_mentions_follow_the_full_name():
    found = mentions_of("قال سالم الزعابي إن التعاون مهم. وشدد الزعابي على دور الحكومات.")
    assert ("الزعابي", Kind.PERSON) in {(s, k) for s, k, _, _ in found}


def test_combination_prefers_known_names_then_longer_spans():
    known = Mention("t", 0, 9, "مجلس الأمن", Kind.INTERGOVERNMENTAL, 0, "gazetteer", 1.0, "org-unsc")
    longer = Mention("t", 0, 20, "مجلس الأمن التابع لها", Kind.INSTITUTION, 0, "pattern", 0.75)
    model = Mention("t", 5, 12, "xx", Kind.PLACE, 0, "crf", 0.9)
    other = Mention("t", 30, 35, "yy", Kind.PERSON, 0, "crf", 0.9)
    assert combine_mentions([longer, known, model, other]) == [known, other]


def test_every_mention_records_method_and_confidence():
    document = analyze_text(make_article("التقى أنطونيو غوتيريش بوزير خارجية المغرب في الرباط."))
    for mention in recognize_mentions(document):
        assert mention.method in {"gazetteer", "pattern", "neural"} and 0 < mention.confidence <= 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=25), st.integers(0, 30), st.integers(0, 6))
def test_the_overlap_search_agrees_with_a_scan(spans, start, length):
    """Chosen spans never overlap, so one binary search answers what a scan of all of them would."""
    from bisect import insort

    from graph.recognize import _overlaps_any

    def overlap(a, b):
        return a[0] < b[1] and b[0] < a[1]

    chosen: list[tuple[int, int]] = []
    for s, n in spans:
        if not any(overlap((s, s + n), c) for c in chosen):
            insort(chosen, (s, s + n))
    query = (start, start + length)
    assert _overlaps_any(chosen, *query) == any(overlap(query, c) for c in chosen)


@given(st.text(alphabet="والبكفسيمنه", max_size=8), st.lists(st.text(alphabet="البكفسيمنه", min_size=1, max_size=6),
                                                            max_size=5))
def test_a_word_that_reads_as_a_surname_ends_with_one_of_its_endings(word, surnames):
    from graph.recognize.surnames import _endings
    from graph.text import clitic_variants

    if any(v in surnames for v in clitic_variants(word)):
        assert word.endswith(_endings(surnames))
