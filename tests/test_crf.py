"""CRF recogniser: features, a model trained on a small ANERcorp slice, mentions."""

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from graph.conll import TaggedSentence, spans
from graph.records import Article, Kind
from graph.recognize import crf_features
from graph.recognize.crf import CrfRecognizer, ModelError, load_triggers, sentence_features, word_features
from graph.text import analyze_text
from graph.train_ner import CORPORA_DIR, build_lexicon, load_corpus, split_anercorp, train_ner

needs_corpora = pytest.mark.skipif(not (CORPORA_DIR / "anercorp").is_dir(),
                                   reason=f"annotated corpora not found under {CORPORA_DIR}")


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> Path:
    """A model trained on the first 300 ANERcorp TRAIN sentences (a few seconds)."""
    if not (CORPORA_DIR / "anercorp").is_dir():
        pytest.skip(f"annotated corpora not found under {CORPORA_DIR}")
    out = tmp_path_factory.mktemp("ner") / "small.crfsuite"
    report = train_ner(out, limit=300, score=False, log=lambda line: None)
    assert report.sentences == 300 and out.stat().st_size > 10_000
    return out


def test_word_features_strip_clitics_and_normalise():
    feats = word_features("وبالأمم")
    assert "w=وبالامم" in feats and "s=امم" in feats and "pc=وبال" in feats
    # only the frequency signal looks at the written form (wordfreq keeps hamza)
    differ = set(word_features("الأُمَم")) ^ set(word_features("الامم"))
    assert all(f.startswith("f=") for f in differ)


def test_triggers_come_from_the_lexicon_file():
    triggers = load_triggers()
    assert "title" in triggers["الرئيس"] and "org_head" in triggers["وزاره"]
    assert "t=title" in word_features("والرئيس") and "t=loc_prep" in word_features("إلى")


def test_context_window_and_edges():
    feats = sentence_features(["قال", "الرئيس", "جورج", "بوش"])
    assert "-1t=title" in feats[2] and "1w=بوش" in feats[2] and "-2w=قال" in feats[2]
    assert "-1BOS" in feats[0] and "2EOS" in feats[3]
    assert sentence_features([]) == []


def test_same_features_from_conll_and_from_text_tokens():
    text = "وقال الرئيس جورج بوش (الابن) في واشنطن، إن «الأمم المتحدة» ستجتمع."
    document = analyze_text(Article("a1", text))
    tokens = [t.text for t in document.tokens]
    assert tokens[:6] == ["وقال", "الرئيس", "جورج", "بوش", "(", "الابن"]
    conll_tokens = "\n".join(tokens).split("\n")  # what a CoNLL file would hold
    assert sentence_features(tokens) == sentence_features(conll_tokens)


def test_lexicon_rows_come_from_annotated_spans():
    sentences = [TaggedSentence(("ب", "باريس", "و", "الامم", "المتحدة"), ("O", "B-LOC", "O", "B-ORG", "I-ORG")),
                 TaggedSentence(("باريس", "جميلة"), ("O", "O"))]
    assert build_lexicon(sentences) == [
        ("الامم", "w:ORG", 1, 1), ("الامم المتحده", "ORG", 1, 1), ("المتحده", "w:ORG", 1, 1),
        ("باريس", "LOC", 1, 2), ("باريس", "w:LOC", 1, 2)]


def test_missing_model_says_how_to_train(tmp_path: Path):
    with pytest.raises(ModelError, match="train-ner"):
        CrfRecognizer(tmp_path / "none.crfsuite")
    broken = tmp_path / "broken.crfsuite"
    broken.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot open"):
        CrfRecognizer(broken)


def test_small_model_tags_held_out_sentence(small_model: Path):
    rec = CrfRecognizer(small_model)
    tokens = "وقال الرئيس الأمريكي جورج بوش في واشنطن إن الحكومة ستجتمع في بغداد .".split()
    tags = rec.tag_tokens(tokens)
    assert len(tags) == len(tokens) and set(tags) <= {"O", *(f"{b}-{t}" for b in "BI"
                                                             for t in ("PERS", "ORG", "LOC", "MISC"))}
    found = {(kind, " ".join(tokens[b:e])) for kind, b, e in spans(tags)}
    assert ("LOC", "بغداد") in found and ("LOC", "واشنطن") in found
    assert rec.tag_tokens([]) == []


def test_small_model_scores_dev_far_above_chance(small_model: Path):
    from graph.train_ner import evaluate_model

    dev = split_anercorp(load_corpus("anercorp")).dev
    precision, recall, f1 = evaluate_model(small_model, dev).prf()
    assert precision > 0.5 and recall > 0.25 and f1 > 0.35


def test_long_latin_and_punctuation_sentences(small_model: Path):
    rec = CrfRecognizer(small_model)
    long = ["في", "باريس", "،", "قال"] * 150
    assert len(rec.tag_tokens(long)) == 600
    assert len(rec.tag_tokens(["!!!", "...", "Reuters", "2024"])) == 4


def test_mentions_from_document(small_model: Path):
    text = "قال جورج بوش في واشنطن.\nوصل الوفد إلى بغداد أمس."
    document = analyze_text(Article("doc-1", text))
    mentions = CrfRecognizer(small_model)(document)
    assert mentions == sorted(mentions)
    places = [m for m in mentions if m.kind is Kind.PLACE]
    assert {m.surface for m in places} >= {"واشنطن", "بغداد"}
    for m in mentions:
        assert m.surface == text[m.start:m.end] and m.method == "crf"
        assert 0.0 < m.confidence <= 1.0
        assert m.kind in (Kind.PERSON, Kind.INSTITUTION, Kind.PLACE)
    assert {m.sentence for m in places} == {0, 1}


def test_marginals_are_probabilities(small_model: Path):
    tags, probs = CrfRecognizer(small_model).tag_with_marginals(["في", "بغداد"])
    assert len(tags) == len(probs) == 2 and all(0.0 <= p <= 1.0 for p in probs)


@needs_corpora
def test_features_are_cached_per_word():
    sentence_features(["قال"])  # loads the phrase tables, which read their own words
    crf_features._word.cache_clear()
    sentence_features(["بغداد", "بغداد", "بغداد"])
    info = crf_features._word.cache_info()
    assert info.misses == 1 and info.hits == 2


def test_word_frequency_shortcut_agrees_with_wordfreq():
    from wordfreq import zipf_frequency

    keys = sorted(crf_features._arabic_frequencies())
    words = [*keys[::300], "بغداد2006", "١٢٣", "مُحَمَّد", "فولكسفاغن", "كلمةلاتوجد", "abc", "ـــ"]
    assert [crf_features.zipf(w) for w in words] == [zipf_frequency(w, "ar") for w in words]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=sorted(crf_features._BARE_LETTERS), min_size=1, max_size=12))
def test_a_bare_arabic_word_wordfreq_does_not_list_is_zipf_zero(word):
    from wordfreq import zipf_frequency

    assert crf_features.zipf(word) == zipf_frequency(word, "ar")


def _phrase_tags_by_scan(variants, phrases, prefixes, mark):
    """The phrase tagger as first written: every position tried in turn."""
    tags, i = [""] * len(variants), 0
    while i < len(variants):
        best, kinds = crf_features.longest_phrase(variants, i, phrases, prefixes)
        if best:
            tags[i:i + best] = [f"{mark}B-{'|'.join(kinds)}"] + [f"{mark}I-{'|'.join(kinds)}"] * (best - 1)
        i += best or 1
    return tags


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["الأمم", "المتحدة", "للأمم", "مجلس", "الأمن", "الدولي", "وزير", "الخارجية",
                                 "في", "بغداد", "وبغداد", "قال", "تنظيم", "الدولة", "الإسلامية", "داعش", "."]),
                max_size=25))
def test_phrase_tags_skip_only_words_that_begin_no_phrase(words):
    """Ruling words out by their variants tags what trying every position tags."""
    variants = [crf_features.word_variants(w) for w in words]
    for source, mark in (("gazetteer", "G"), ("lexicon", "L")):
        phrases = crf_features._gazetteer_phrases() if source == "gazetteer" else crf_features._lexicon_phrases()
        prefixes = crf_features._prefixes(source)
        assert crf_features._phrase_tags(tuple(variants), phrases, prefixes, mark) == \
            _phrase_tags_by_scan(variants, phrases, prefixes, mark)
