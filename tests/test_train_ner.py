"""Training helpers: held-out splits, leak filter, domain marking, lexicon rows."""

import pytest

from graph.conll import TaggedSentence
from graph.errors import GraphError
from graph.train_ner import CORPORA_DIR, _ngrams, _other_domain, load_corpus, load_extra, split_anercorp

needs_corpora = pytest.mark.skipif(not (CORPORA_DIR / "anercorp").is_dir(),
                                   reason=f"annotated corpora not found under {CORPORA_DIR}")


def _sentences(n):
    return [TaggedSentence((f"w{i}",), ("O",)) for i in range(n)]


def test_split_is_contiguous_by_document_order():
    split = split_anercorp(_sentences(100))
    assert [len(split.train), len(split.dev), len(split.test)] == [80, 10, 10]
    assert split.test[-1].tokens == ("w99",) and split.dev[0].tokens == ("w80",)
    tiny = split_anercorp(_sentences(3))
    assert len(tiny.dev) == len(tiny.test) == 1 and len(tiny.train) == 1


def test_other_domain_marks_a_copy_of_every_feature():
    assert _other_domain([["w=a", "bias"]]) == [["w=a", "bias", "Xw=a", "Xbias"]]


def test_ngrams_ignore_punctuation_and_normalise():
    a = _ngrams(("قال", "الرئيس", "،", "إن", "الحكومة", "ستجتمع", "غداً"))
    b = _ngrams(("قال", "الرئيس", "ان", "الحكومة", "ستجتمع", "غدا", "."))
    assert a == b and len(a) == 1


def test_unknown_corpus_is_an_error():
    with pytest.raises(GraphError, match="unknown corpus"):
        load_corpus("conll2003")


@needs_corpora
def test_real_split_sizes_and_leak_filter():
    split = split_anercorp(load_corpus("anercorp"))
    assert (len(split.train), len(split.dev), len(split.test)) == (3179, 397, 397)
    assert sum(len(s.tokens) for s in split.test) == 12334
    held_out = split.dev + split.test
    kept = load_extra(["newsfane"], held_out)
    banned = {g for s in held_out for g in _ngrams(s.tokens)}
    assert all(not banned & _ngrams(s.tokens) for s in kept)
    assert 3000 < len(kept) < 4040 - 500  # NewsFANE re-annotates ANERcorp text
