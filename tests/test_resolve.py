from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from graph.pipeline import extract_article
from graph.resolve import FUZZY_PERSON, close_names, resolve_entities, same_person
from tests.conftest import make_article

CHAIN = ("gazetteer", "pattern")


def resolve(*texts):
    extractions = [extract_article(make_article(t, f"a{i}"), CHAIN) for i, t in enumerate(texts)]
    return resolve_entities(extractions)


def entity_of(resolution, surface):
    return {resolution.denotes[m] for m in resolution.denotes if m.surface == surface}


def test_surname_joins_the_full_name_within_an_article():
    r = resolve("قال ريك ستينغل إن عدد المقاتلين يتراجع. وأضاف ستينغل أن التنظيم يفقد جاذبيته.")
    assert entity_of(r, "ريك ستينغل") == entity_of(r, "ستينغل") and len(entity_of(r, "ستينغل")) == 1


def test_spelling_variants_and_middle_names_join_across_articles():
    r = resolve("أكد مقصود كروز أن الجماعات تتطور.", "نبه مقصود أحمد كروز إلى الخطر.", "وقال مقصود كرووز إن التعاون مهم.")
    ids = entity_of(r, "مقصود كروز") | entity_of(r, "مقصود أحمد كروز") | entity_of(r, "مقصود كرووز")
    assert len(ids) == 1


def test_different_people_stay_apart():
    assert same_person("محمد مالكي", "محمد بن سلمان") is None
    assert same_person("جون آلن", "جون كيري") is None


def test_generic_institutions_are_qualified_by_their_state():
    r = resolve("اجتمع مع وكيل وزارة الخارجية الكويتية.", "صرح مسؤول في وزارة الخارجية المغربية.")
    kuwait = entity_of(r, "وزارة الخارجية الكويتية")
    morocco = entity_of(r, "وزارة الخارجية المغربية")
    assert kuwait and morocco and kuwait != morocco


def test_un_bodies_are_three_entities():
    r = resolve("دعت الأمم المتحدة ومجلس الأمن ومكتب الأمم المتحدة لمكافحة الإرهاب إلى التعاون.")
    ids = [entity_of(r, s) for s in ("الأمم المتحدة", "مجلس الأمن", "مكتب الأمم المتحدة لمكافحة الإرهاب")]
    assert all(len(i) == 1 for i in ids) and len(set.union(*ids)) == 3


def test_every_merge_has_evidence():
    r = resolve("قال جون آلن إن الحرب طويلة. وأضاف آلن أن التحالف قوي.")
    assert all(r.evidence.get(m) for m in r.denotes)
    assert any("surname" in r.evidence[m] for m in r.denotes if m.surface == "آلن")


def test_altlabels_are_names_not_generic_heads_or_glued_prepositions():
    r = resolve("دعت الأمم المتحدة إلى التعاون. وقال الأمين العام للأمم المتحدة إن تنظيم داعش يتراجع. "
                "وأضاف أن التنظيم يفقد جاذبيته.")
    entities = {e.id: e for e in r.entities}
    assert "التنظيم" in {m.surface for m in r.denotes}  # still a mention of the group …
    assert "التنظيم" not in entities["group-isis"].aliases  # … but not one of its names
    assert entities["org-un"].aliases == ()  # "للأمم المتحدة" is the UN's name with a preposition


def test_a_surname_the_rules_missed_joins_the_known_person_named_before():
    from graph.records import Extraction, Kind
    from relate_support import snippet

    text = "وقال جون آلن إن الحرب طويلة. وقال آلن بأن التهديد كبير."
    document, mentions = snippet(text, [("جون آلن", Kind.PERSON, 0, "person-john-allen"), ("آلن", Kind.PERSON, 1)])
    r = resolve_entities([Extraction(document, tuple(mentions))])
    assert entity_of(r, "آلن") == {"person-john-allen"}
    assert r.evidence[mentions[1]] == "surname of جون آلن"


_NAMES = st.lists(st.text(alphabet="ابتلمنوي ", min_size=1, max_size=12), max_size=30, unique=True)


@settings(max_examples=60, deadline=None)
@given(_NAMES, _NAMES, st.sampled_from([1, 7, 1 << 24]))
def test_close_names_are_what_rapidfuzz_finds_name_by_name(queries, choices, cells):
    """Blocks of ``cdist`` find the pairs ``process.extract`` finds one name at a time, whatever the block size:
    against a list of choices, and against the names up to each one."""
    import graph.resolve as resolve_module

    def one_by_one(key, among):
        return [c for c, _, _ in process.extract(key, among, scorer=fuzz.ratio, score_cutoff=FUZZY_PERSON, limit=None)]

    original = resolve_module._CDIST_CELLS
    resolve_module._CDIST_CELLS = cells
    try:
        against = close_names(queries, choices)
        earlier = close_names(queries)
        assert close_names(queries, choices, threads=2) == against
    finally:
        resolve_module._CDIST_CELLS = original
    assert {q: sorted(v) for q, v in against.items()} == {
        q: sorted(found) for q in queries if (found := one_by_one(q, choices))}
    assert {q: sorted(v) for q, v in earlier.items()} == {
        q: sorted(found) for i, q in enumerate(queries) if (found := one_by_one(q, queries[:i + 1]))}


def test_a_mention_keeps_its_hash_but_never_pickles_it():
    """Hashes of strings differ between processes: a mention sent back by a worker or read from the
    extraction cache hashes again where it lands, the same as the dataclass's own hash."""
    import dataclasses
    import pickle

    from graph.records import Kind, Mention

    mention = Mention("a", 0, 4, "مصر", Kind.COUNTRY, 0, key="country-eg")
    fields = tuple(getattr(mention, f.name) for f in dataclasses.fields(mention))
    assert hash(mention) == hash(fields)
    copy = pickle.loads(pickle.dumps(mention))
    assert "_hash" not in copy.__dict__ and copy == mention and hash(copy) == hash(mention)


def test_entities_named_in_parts_are_the_entities_named_at_once():
    from graph.gazetteer import load_gazetteer
    from graph.resolve import mentions_by_entity, name_entities

    r = resolve("أكد فلاديمير فورونكوف أن داعش يتراجع في العراق.", "وقال فلاديمير إيفانوفيتش فورونكوف إن الأمم المتحدة تتابع.")
    by_id = mentions_by_entity(r.denotes)
    ids = sorted(by_id)
    parts = [name_entities(by_id, load_gazetteer(), ids[i::3]) for i in range(3)]
    assert len(ids) >= 3 and tuple(sorted(e for part in parts for e in part)) == r.entities
    assert name_entities(by_id, load_gazetteer(), []) == ()
