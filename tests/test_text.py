from hypothesis import example, given
from hypothesis import strategies as st

from graph.text import (
    MAX_SENTENCE_TOKENS, WordMemo, analyze_text, clitic_variants, normalize_text, positions, split_sentences, strip_proclitics, tokenize,
)
from tests.conftest import make_article

arabic = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.sampled_from(" .،\n"))


@given(st.text() | arabic)
@example("\u0671\u0653")  # alef wasla + madda: became "آ", then "ا"
@example("\u064a\u0654\u0627\u0655")  # hamza on yeh composes first and stays; the loose one goes
def test_normalize_is_idempotent_and_total(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.text() | arabic)
def test_token_offsets_point_at_their_surface(text):
    for start, end, surface in tokenize(text):
        assert text[start:end] == surface and surface.strip() == surface


@given(st.text() | arabic)
def test_sentences_are_stripped_slices(text):
    for sentence in split_sentences(text):
        assert text[sentence.start:sentence.end] == sentence.text and sentence.text


def test_normalisation_folds_spelling_variants():
    assert normalize_text("الأمم المتّحدة") == normalize_text("الامم المتحدة")
    assert normalize_text("مصطفى") == normalize_text("مصطفي")
    assert normalize_text("مكافحـــة") == "مكافحه"
    assert normalize_text("\u200fداعش\u200e") == "داعش"


def test_proclitics_are_stripped_with_article_restored():
    assert "مومباي" in clitic_variants("بمومباي")
    assert "داعش" in clitic_variants("لداعش")
    assert "فيسبوك" in clitic_variants("وفيسبوك")
    assert "الامم" in clitic_variants(normalize_text("للأمم"))
    assert strip_proclitics("والامارات") == ("وال", "امارات")


def test_document_tokens_keep_offsets_into_the_article():
    article = make_article("قال جون آلن في الكويت: «هذه حرب».\nوأضاف ستينغل.")
    document = analyze_text(article)
    assert [s.text for s in document.sentences][-1] == "وأضاف ستينغل."
    for token in document.tokens:
        assert article.text[token.start:token.end] == token.text
    assert {t.norm for t in document.tokens} >= {"الكويت", "الن"}


@given(st.text() | arabic)
def test_document_tokens_are_the_tokens_of_the_whole_text(text):
    """Tokenising sentence by sentence gives the whole text's tokens (find_dates reads them)."""
    document = analyze_text(make_article(text))
    assert [(t.start, t.end, t.text) for t in document.tokens] == list(tokenize(text))


@given(st.text() | arabic)
def test_document_norms_are_its_tokens_norms_sentence_by_sentence(text):
    """Recognisers read the norms gathered once on the document, not their own copies."""
    document = analyze_text(make_article(text))
    assert document.norms == tuple(t.norm for t in document.tokens)
    for sentence in document.sentences:
        assert document.sentence_norms(sentence.index) == tuple(t.norm for t in document.sentence_tokens(sentence.index))


words = st.lists(st.sampled_from(["قال", "وزير", "في", "عمان", "،", ",", "اجتماع", "داعش", "."]), max_size=1500)


@given(words.map(" ".join) | arabic)
@example(" ".join(["اجتماع"] * 1000))
@example(" ".join((["في"] * 200 + ["،"]) * 5))
def test_sentences_hold_at_most_the_bounded_number_of_tokens(text):
    """Sentences are numbered in order, hold their own tokens only, and none holds more than
    MAX_SENTENCE_TOKENS (a page without a full stop is cut, after a comma where it can be)."""
    document = analyze_text(make_article(text))
    assert [s.index for s in document.sentences] == list(range(len(document.sentences)))
    held = {s.index: [] for s in document.sentences}
    for token in document.tokens:
        sentence = document.sentences[token.sentence]
        assert sentence.start <= token.start < token.end <= sentence.end
        held[token.sentence].append(token)
    for sentence in document.sentences:
        assert text[sentence.start:sentence.end] == sentence.text
        assert len(held[sentence.index]) <= MAX_SENTENCE_TOKENS


def test_a_long_sentence_is_cut_after_its_last_comma_in_reach():
    text = " ".join((["في"] * 200 + ["،"]) * 3)  # 603 tokens, commas at 201, 402 and 603
    document = analyze_text(make_article(text))
    assert [sum(t.sentence == s.index for t in document.tokens) for s in document.sentences] == [201, 201, 201]
    assert all(s.text.endswith("،") for s in document.sentences)
    sizes = [len(s.text.split()) for s in analyze_text(make_article(" ".join(["في"] * 700))).sentences]
    assert sizes == [MAX_SENTENCE_TOKENS, MAX_SENTENCE_TOKENS, 700 - 2 * MAX_SENTENCE_TOKENS]


def test_word_memo_answers_as_its_function_and_stays_bounded():
    memo = WordMemo(len, limit=3)
    assert [memo[w] for w in ("a", "bb", "a", "ccc", "dddd")] == [1, 2, 1, 3, 4]
    assert len(memo) <= 3
    assert positions(memo.__getitem__, ["", "x", "", "yy"]) == [1, 3]
