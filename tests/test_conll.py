"""CoNLL reading for the four corpus formats, span extraction, exact-span scores."""

from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from graph.conll import (
    ConllError, TaggedSentence, evaluate, map_fane_tag, read_corpus, read_token_lines,
    reattach_clitics, repair_aqmar_tag, spans, write_tagged,
)


def test_spans_follow_conll_semantics():
    tags = ["I-PERS", "I-PERS", "O", "B-LOC", "I-ORG", "B-ORG", "I-ORG", "B-MISC"]
    assert spans(tags) == [("PERS", 0, 2), ("LOC", 3, 4), ("ORG", 4, 5), ("ORG", 5, 7), ("MISC", 7, 8)]
    assert spans([]) == [] and spans(["O", "O"]) == []


def _spans_by_scan(tags):
    """Spans as first written: every tag read, one past the end closing the last."""
    found, kind, begin = [], None, 0
    for i, tag in enumerate([*tags, "O"]):
        bio, _, label = tag.partition("-")
        if kind and not (bio == "I" and label == kind):
            found.append((kind, begin, i))
            kind = None
        if bio in ("B", "I") and kind is None:
            kind, begin = label, i
    return found


@given(st.lists(st.sampled_from(["O", "B-PERS", "I-PERS", "B-ORG", "I-ORG", "I-LOC", "X", "B-", "I"]), max_size=20))
def test_spans_read_only_the_tags_that_are_not_o(tags):
    assert spans(tags) == _spans_by_scan(tags)


def test_evaluate_hand_computed():
    gold = [
        ["B-PERS", "I-PERS", "O", "B-LOC"],          # PERS 0-2, LOC 3-4
        ["I-ORG", "I-ORG", "O", "B-PERS"],           # ORG 0-2 (I- opens), PERS 3-4
    ]
    pred = [
        ["B-PERS", "I-PERS", "O", "B-ORG"],          # PERS ok, ORG 3-4 wrong type
        ["B-ORG", "O", "O", "B-PERS"],               # ORG 0-1 wrong boundary, PERS ok
    ]
    scores = evaluate(gold, pred)
    assert scores.counts == {"LOC": (0, 0, 1), "ORG": (0, 2, 1), "PERS": (2, 2, 2)}
    p, r, f = scores.prf()
    assert (p, r) == (0.5, 0.5) and f == pytest.approx(0.5)
    assert scores.prf("PERS") == (1.0, 1.0, 1.0)
    assert scores.prf("LOC") == (0.0, 0.0, 0.0)
    table = scores.table()
    assert "micro  0.5000 0.5000 0.5000      4      4" in table


def test_evaluate_i_without_b_matches_b():
    assert evaluate([["I-LOC", "O"]], [["B-LOC", "O"]]).prf() == (1.0, 1.0, 1.0)


def test_evaluate_rejects_mismatched_lengths():
    with pytest.raises(ConllError):
        evaluate([["O"]], [])


def test_read_anercorp(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("فرانكفورت B-LOC\n(د O\nجوتشولك I-PERS\n\n\nقال O\n", encoding="utf-8")
    sentences = read_corpus(path, "anercorp")
    assert sentences == [
        TaggedSentence(("فرانكفورت", "(د", "جوتشولك"), ("B-LOC", "O", "I-PERS")),
        TaggedSentence(("قال",), ("O",)),
    ]


def test_read_fane_strips_marks_maps_classes_and_reattaches(tmp_path: Path):
    lrm = "\u200e"
    rows = [f"{lrm}و\tO", f"{lrm}قال\tO", f"{lrm}رئيس\tO", f"{lrm}برند\tB-Politician",
            f"{lrm}جوتشولك\tI-Politician", f"{lrm}في\tO", f"{lrm}المانيا\tB-Nation",
            f"{lrm}الفلسطينيون\tB-Group", f"{lrm}ان\tO", f"{lrm}ه\tO", "\t",
            f"{lrm}ب\tO", f"{lrm}بغداد\tB-Population-Center", "\t", ""]
    path = tmp_path / "f.txt"
    path.write_bytes("\r\n".join(rows).encode("utf-8"))
    first, second = read_corpus(path, "fane")
    assert first.tokens == ("وقال", "رئيس", "برند", "جوتشولك", "في", "المانيا", "الفلسطينيون", "انه")
    assert first.tags == ("O", "O", "B-PERS", "I-PERS", "O", "B-LOC", "O", "O")
    assert second == TaggedSentence(("ببغداد",), ("B-LOC",))
    split = read_corpus(path, "fane", reattach=False)
    assert split[1].tokens == ("ب", "بغداد")


def test_read_aqmar_repairs_junk(tmp_path: Path):
    path = tmp_path / "q.txt"
    path.write_text("ريال B-ORG\nمدريد I--ORG\nكأس B-MIS1`\nالعالم I-MIS1\nهو OO\n\u200e O\nعند IO\n",
                    encoding="utf-8")
    (sentence,) = read_corpus(path, "aqmar")
    assert sentence.tokens == ("ريال", "مدريد", "كأس", "العالم", "هو", "عند")
    assert sentence.tags == ("B-ORG", "I-ORG", "B-MISC", "I-MISC", "O", "O")


def test_tag_maps():
    assert map_fane_tag("B-Non-Governmental") == "B-ORG"
    assert map_fane_tag("I-Water-Body") == "I-LOC"
    assert map_fane_tag("B-Book") == "O" and map_fane_tag("O") == "O"
    assert repair_aqmar_tag("B-PER") == "B-PERS"
    assert repair_aqmar_tag("B-MIS-2") == "B-MISC" and repair_aqmar_tag("B-MISS1") == "B-MISC"
    assert repair_aqmar_tag("B-ENGLISH") == "O"


def test_reattach_keeps_entity_inside_clitic():
    tokens = ["وزارة", "الخارجية", "و", "التجارة", "ك", "ذلك"]
    tags = ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "O"]
    assert reattach_clitics(tokens, tags) == (
        ["وزارة", "الخارجية", "والتجارة", "كذلك"], ["B-ORG", "I-ORG", "I-ORG", "O"])


def test_read_corpus_errors(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_text("كلمة\n", encoding="utf-8")
    with pytest.raises(ConllError, match=r"bad.txt:1: expected 'TOKEN TAG'"):
        read_corpus(bad)
    with pytest.raises(ConllError, match="unknown format"):
        read_corpus(bad, "xml")
    with pytest.raises(ConllError, match="cannot read"):
        read_corpus(tmp_path / "missing.txt")


def test_token_lines_and_writing_round_trip():
    text = "\ufeffعمان B-LOC x\r\n\r\n\r\nقال\r\n  \nword"
    lines = read_token_lines(text)
    assert lines == ["عمان", None, None, "قال", None, "word"]
    out = write_tagged(lines, ["B-LOC", None, None, "O", None, "O"])
    assert out == "عمان B-LOC\n\n\nقال O\n\nword O\n"
    assert read_token_lines("") == []
