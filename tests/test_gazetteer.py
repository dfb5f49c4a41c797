"""The curated gazetteer data in ontology/gazetteer/*.tsv: coverage, integrity, key look-ups."""

import re
from collections import Counter

import pycountry
import pytest

from graph.gazetteer import ONTOLOGY_DIR, load_gazetteer, phrase_key
from graph.records import Kind

# ISO 3166-1 alpha-2 codes of the 193 UN member states.
UN_MEMBERS = """
af al dz ad ao ag ar am au at az bs bh bd bb by be bz bj bt bo ba bw br bn bg bf bi cv kh cm ca
cf td cl cn co km cg cd cr ci hr cu cy cz kp dk dj dm do ec eg sv gq er ee sz et fj fi fr ga gm
ge de gh gr gd gt gn gw gy ht hn hu is in id ir iq ie il it jm jp jo kz ke ki kw kg la lv lb ls
lr ly li lt lu mg mw my mv ml mt mh mr mu mx fm md mc mn me ma mz mm na nr np nl nz ni ne ng mk
no om pk pw pa pg py pe ph pl pt qa kr ro ru rw kn lc vc ws sm st sa sn rs sc sl sg sk si sb so
za ss es lk sd sr se ch sy tj tz th tl tg to tt tn tr tm tv ug ua ae gb us uy uz vu ve vn ye zm zw
""".split()
OBSERVERS_AND_TERRITORIES = ["country-va", "country-ps", "country-xk", "country-tw", "region-western-sahara"]

# Words that name a kind of thing, not a thing: never an entity name on their own.
GENERIC = """التنظيم المملكة الحكومة الوزارة الدولة الجماعة المنظمة الحركة الجمهورية المجلس الرئيس
الأمير الملك الشيخ المدينة العاصمة البلاد الجيش الشرطة الوكالة الصحيفة المجلة الشركة اللجنة
المكتب المركز التحالف الاتحاد الأمم المنتدى البرلمان الإمارة الولاية القوات العربية الحياة الحرة
النهار الحدث العيون مالية الساحل المتوسط الريف القبائل كيف قم مشهد أعماق هداية اعتدال النصرة
الجمعية الدولي الأمن الداخلية الخارجية""".split()

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PREFIX = {"country": {Kind.COUNTRY}, "city": {Kind.CITY}, "region": {Kind.REGION, Kind.PLACE},
          "person": {Kind.PERSON}, "company": {Kind.COMPANY, Kind.INSTITUTION},
          "media": {Kind.MEDIA}, "group": {Kind.ARMED_GROUP, Kind.INSTITUTION},
          "org": set(Kind) - {Kind.PERSON, Kind.CITY, Kind.COUNTRY, Kind.REGION},
          "gov": {Kind.GOVERNMENT_BODY, Kind.INSTITUTION}}


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def ids(gaz, name):
    return {entry.id for entry in gaz.lookup(phrase_key(name))}


def test_size_and_every_family_file(gaz):
    assert len(gaz) >= 400
    files = {p.stem for p in (ONTOLOGY_DIR / "gazetteer").glob("*.tsv")}
    assert {"states", "capitals", "regions", "un", "regional", "groups", "government",
            "companies", "media", "people"} <= files
    for path in (ONTOLOGY_DIR / "gazetteer").glob("*.tsv"):
        assert path.read_text(encoding="utf-8").startswith("# "), f"{path.name}: provenance comment"


def test_every_un_member_and_observer_has_an_entry(gaz):
    assert len(set(UN_MEMBERS)) == 193
    for code in UN_MEMBERS:
        assert pycountry.countries.get(alpha_2=code.upper()), code
        assert gaz[f"country-{code}"].kind is Kind.COUNTRY, code
    for entry_id in OBSERVERS_AND_TERRITORIES:
        assert entry_id in gaz


def test_every_country_has_a_city(gaz):
    with_city = {e.country for e in gaz.entries.values() if e.kind is Kind.CITY}
    countries = {e.id for e in gaz.entries.values() if e.kind is Kind.COUNTRY}
    assert countries - with_city == set()


def test_ids_kinds_and_country_references(gaz):
    for entry in gaz.entries.values():
        assert ID.match(entry.id), entry.id
        assert isinstance(entry.kind, Kind)
        assert entry.kind in PREFIX[entry.id.split("-")[0]], entry.id
        if entry.country:
            assert gaz[entry.country].kind is Kind.COUNTRY, entry.id


def test_qids_well_formed_and_unique(gaz):
    qids = Counter(e.qid for e in gaz.entries.values() if e.qid)
    assert all(re.fullmatch(r"Q[1-9]\d*", q) for q in qids)
    assert [q for q, n in qids.items() if n > 1] == []
    assert gaz["country-eg"].qid == "Q79" and gaz["org-unsc"].qid == "Q37470"


def test_every_name_has_a_key_and_no_redundant_alias(gaz):
    for entry in gaz.entries.values():
        keys = [phrase_key(name) for name in entry.names]
        assert all(keys), entry.id
        assert len(keys) == len(set(keys)), f"{entry.id}: aliases differing only in normalisation"
        assert all(k == phrase_key(k) for k in keys)


def test_no_generic_word_alone(gaz):
    generic = {phrase_key(word) for word in GENERIC}
    assert generic & set(gaz.keys()) == set()


def test_person_names_carry_no_title(gaz):
    titles = {phrase_key(t) for t in "الرئيس الملك الأمير الشيخ الجنرال الدكتور السلطان المشير".split()}
    for entry in gaz.entries.values():
        if entry.kind is Kind.PERSON:
            assert all(phrase_key(n).split()[0] not in titles for n in entry.names), entry.id


def test_bare_amman_is_only_the_city(gaz):
    assert ids(gaz, "عمان") == {"city-amman"}
    assert ids(gaz, "عمّان") == {"city-amman"}
    assert ids(gaz, "سلطنة عمان") == {"country-om"}


@pytest.mark.parametrize("name, entry_id", [
    ("داعش", "group-isis"), ("«داعش»", "group-isis"), ("تنظيم الدولة الإسلامية", "group-isis"),
    ("الدولة الإسلامية في العراق والشام", "group-isis"), ("تنظيم الدولة", "group-isis"),
    ("القاعدة في بلاد المغرب الإسلامي", "group-aqim"), ("أنصار الله", "group-houthis"),
    ("جبهة البوليساريو", "group-polisario"), ("التحالف الدولي", "org-global-coalition-daesh"), ("المرابطين", "group-al-murabitun"),
    ("مجلس الأمن", "org-unsc"), ("مجلس الأمن الدولي", "org-unsc"), ("الأمم المتحدة", "org-un"),
    ("الجمعية العامة للأمم المتحدة", "org-unga"), ("مكتب الأمم المتحدة لمكافحة الإرهاب", "org-unoct"),
    ("مكتب الأمم المتحدة المعني بالجريمة والمخدرات", "org-unodc"), ("لجنة مكافحة الإرهاب", "org-ctc"),
    ("المنتدى العالمي لمكافحة الإرهاب", "org-gctf"), ("مركز هداية", "org-hedayah"),
    ("المركز الدولي للتميز لمكافحة التطرف العنيف", "org-hedayah"),
    ("الولايات المتحدة", "country-us"), ("أميركا", "country-us"), ("الولايات المتّحدة", "country-us"),
    ("دولة الإمارات المتحدة", "country-ae"), ("الإمارات", "country-ae"), ("بريطانيا", "country-gb"),
    ("المملكة المتحدة", "country-gb"), ("السعودية", "country-sa"), ("المملكة المغربية", "country-ma"),
    ("مصر", "country-eg"), ("الهند", "country-in"), ("واشنطن", "city-washington"),
    ("مومباي", "city-mumbai"), ("نيودلهي", "city-new-delhi"), ("طنجة", "city-tangier"),
    ("أبوظبي", "city-abu-dhabi"), ("الكويت", "country-kw"), ("وزارة الخارجية الكويتية", "gov-kw-mofa"),
    ("وزارة الخارجية والتعاون الدولي", "gov-ae-mofa"), ("اللجنة الوطنية لمكافحة الإرهاب", "gov-ae-ncct"),
    ("وزارة الشؤون الخارجية والتعاون الإفريقي", "gov-ma-mofa"), ("الأزهر", "gov-eg-al-azhar"),
    ("مايكروسوفت", "company-microsoft"), ("فيس بوك", "company-facebook"), ("جوجل", "company-google"),
    ("تلغرام", "company-telegram"), ("تويتر", "company-twitter"),
    ("فورين بوليسي", "media-foreign-policy"), ("فورين بوليسى", "media-foreign-policy"),
    ("تشارلى إبدو", "media-charlie-hebdo"), ("أخبار الأمم المتحدة", "media-un-news"),
    ("أصداء الخليج", "media-asdaa-al-khaleej"), ("هسبريس", "media-hespress"),
    ("فلاديمير فورونكوف", "person-vladimir-voronkov"), ("فلاديمي فورونكوف", "person-vladimir-voronkov"),
    ("فلاديمير إيفانوفيتش فورونكوف", "person-vladimir-voronkov"), ("غوتيريش", "person-antonio-guterres"),
    ("ميشيل كونينكس", "person-michele-coninsx"), ("جون آلن", "person-john-allen"),
    ("ريك ستينغل", "person-richard-stengel"), ("أنور قرقاش", "person-anwar-gargash"),
    ("صباح الأحمد الجابر الصباح", "person-sabah-al-ahmad"), ("خالد الجارالله", "person-khaled-al-jarallah"),
    ("سوبرمانيام جايشنكار", "person-subrahmanyam-jaishankar"), ("بيل جيتس", "person-bill-gates"),
    ("ديفيد كاى", "person-david-kaye"), ("مختار بلمختار", "person-mokhtar-belmokhtar"),
    ("أيمن الظواهري", "person-ayman-al-zawahiri"), ("بريت ماكغورك", "person-brett-mcgurk"),
    ("مقصود كروز", "person-maqsoud-kruse"), ("سالم الزعابي", "person-salem-al-zaabi"),
])
def test_key_names_look_up(gaz, name, entry_id):
    assert entry_id in ids(gaz, name)
