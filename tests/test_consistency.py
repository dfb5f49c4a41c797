"""Label consistency: repeated names nearby take the tag of their tagged occurrence."""

from hypothesis import given, strategies as st

from graph.recognize.consistency import propagate_labels

TAGS = ["O", "B-PERS", "I-PERS", "B-ORG", "I-ORG", "B-LOC"]


def _plain(sentences, tags):
    return [(t, [0.9] * len(t)) for t in tags]


def test_a_bare_repetition_takes_the_type_and_confidence_of_the_tagged_name():
    sentences = [["شركة", "فولكسفاغن", "قالت"], ["باعت", "فولكسفاغن", "أمس"]]
    tagged = [(["O", "B-ORG", "O"], [1.0, 0.8, 1.0]), (["O", "O", "O"], [1.0, 0.3, 1.0])]
    assert propagate_labels(sentences, tagged)[1] == (["O", "B-ORG", "O"], [1.0, 0.8, 1.0])


def test_existing_spans_are_kept_and_longest_names_win():
    sentences = [["بان", "كي", "مون", "قال"], ["التقى", "بان", "كي", "مون", "و", "مون"]]
    tagged = _plain(sentences, [["B-PERS", "I-PERS", "I-PERS", "O"], ["O", "O", "O", "O", "O", "B-LOC"]])
    tags = [t for t, _ in propagate_labels(sentences, tagged)]
    assert tags[1] == ["O", "B-PERS", "I-PERS", "I-PERS", "O", "B-LOC"]


def test_names_match_after_normalisation_but_not_beyond_the_window():
    sentences = [["مدينة", "أثينا"], *[["كلام"]] * 6, ["اثينا", "جميلة"], ["اثينا"]]
    tagged = _plain(sentences, [["O", "B-LOC"], *[["O"]] * 6, ["O", "O"], ["O"]])
    tags = [t for t, _ in propagate_labels(sentences, tagged, window=7)]
    assert tags[7] == ["B-LOC", "O"] and tags[8] == ["O"]


def test_the_most_frequent_type_wins_a_disagreement():
    sentences = [["ليل"], ["ليل"], ["ليل"], ["في", "ليل"]]
    tagged = _plain(sentences, [["B-ORG"], ["B-ORG"], ["B-LOC"], ["O", "O"]])
    assert propagate_labels(sentences, tagged)[3][0] == ["O", "B-ORG"]


def test_a_name_made_of_function_words_is_not_repeated():
    """Normalised, the name علي is the preposition على (twelve false persons in ANERcorp's DEV)."""
    sentences = [["التقى", "علي", "جمعة"], ["قال", "علي", "إن"], ["ردا", "على", "فتوى"]]
    tagged = _plain(sentences, [["O", "B-PERS", "I-PERS"], ["O", "B-PERS", "O"], ["O", "O", "O"]])
    assert [t for t, _ in propagate_labels(sentences, tagged)][2] == ["O", "O", "O"]


@given(st.lists(st.lists(st.tuples(st.sampled_from(["أ", "ب", "ج", "د"]), st.sampled_from(TAGS)),
                         max_size=8), max_size=8))
def test_only_untagged_tokens_change_and_lengths_hold(rows):
    sentences = [[w for w, _ in row] for row in rows]
    tagged = [([t for _, t in row], [0.5] * len(row)) for row in rows]
    for (before, probs), (after, new_probs) in zip(tagged, propagate_labels(sentences, tagged)):
        assert len(after) == len(before) == len(new_probs)
        assert all(a == b for a, b in zip(after, before) if b != "O")
