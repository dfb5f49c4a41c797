"""Optional camel-bert recogniser: a clear error without its data, real tags with it."""

import pytest

from graph.errors import GraphError
from graph.recognize.camel_bert import CamelBertRecognizer, CamelDataMissing, ner_data_path


def _data_missing_reason() -> str | None:
    try:
        ner_data_path()
    except CamelDataMissing as error:
        return str(error)
    return None


MISSING = _data_missing_reason()


def test_missing_data_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    with pytest.raises(CamelDataMissing) as caught:
        CamelBertRecognizer()
    assert isinstance(caught.value, GraphError)
    assert "camel_data -i ner-arabert" in str(caught.value) and str(tmp_path) in str(caught.value)


@pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
def test_camel_bert_tags_a_sentence():
    from graph.records import Article, Kind
    from graph.text import analyze_text

    recognizer = CamelBertRecognizer()
    tags = recognizer.tag_tokens(["وصل", "الرئيس", "إلى", "بغداد"])
    assert len(tags) == 4 and tags[3] == "B-LOC"
    text = "وصل الوفد إلى بغداد."
    mentions = recognizer(analyze_text(Article("a", text)))
    assert any(m.kind is Kind.PLACE and m.surface == "بغداد" for m in mentions)
