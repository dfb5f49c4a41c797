"""Neural (BiLSTM-CRF) recogniser: CRF algebra, the shipped model, odd input, a smoke training."""

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from graph.recognize.crf import ModelError
from graph.recognize.neural import NEURAL_MODEL_PATH, Encoder, NeuralRecognizer
from graph.recognize.neural_model import posteriors, viterbi
from graph.records import Kind
from graph.text import analyze_text
from graph.train_ner import CORPORA_DIR
from tests.conftest import ROOT, make_article

TAGS = {"O", *(f"{b}-{t}" for b in "BI" for t in ("PERS", "ORG", "LOC", "MISC"))}
needs_corpora = pytest.mark.skipif(not (CORPORA_DIR / "anercorp").is_dir(),
                                   reason=f"annotated corpora not found under {CORPORA_DIR}")


@pytest.fixture(scope="module")
def shipped() -> NeuralRecognizer:
    assert NEURAL_MODEL_PATH.is_file(), "the shipped model graph/models/ner_neural.pt is missing"
    return NeuralRecognizer()


def _brute_force(scores, n, trans, start, end):
    """Every tag sequence of one sentence scored by hand: best path and marginals."""
    tags = scores.shape[1]
    total = {}
    for seq in itertools.product(range(tags), repeat=n):
        total[seq] = start[seq[0]] + scores[0, seq[0]] + end[seq[-1]] + sum(
            trans[seq[i - 1], seq[i]] + scores[i, seq[i]] for i in range(1, n))
    log_z = math.log(sum(math.exp(v) for v in total.values()))
    marginals = [[sum(math.exp(v - log_z) for k, v in total.items() if k[i] == j) for j in range(tags)]
                 for i in range(n)]
    return max(total, key=total.get), np.array(marginals)


def test_viterbi_and_posteriors_match_brute_force_with_padding():
    rng = np.random.default_rng(7)
    scores, trans = rng.normal(size=(3, 4, 3)), rng.normal(size=(3, 3))
    start, end, lengths = rng.normal(size=3), rng.normal(size=3), np.array([4, 2, 1])
    best, probs = viterbi(scores, lengths, trans, start, end), posteriors(scores, lengths, trans, start, end)
    for b, n in enumerate(lengths):
        path, marginals = _brute_force(scores[b], n, trans, start, end)
        assert tuple(best[b, :n]) == path and not best[b, n:].any()
        assert np.allclose(probs[b, :n], marginals, atol=1e-9)


def test_encoder_maps_unknown_words_to_unk_and_finds_vectors_under_clitics():
    enc = Encoder(["<pad>", "<unk>", "بغداد"], ["<pad>", "<unk>", "ب"], ["<pad>"], ["O"], ["<pad>", "بغداد"])
    assert enc.word_id("بغداد") == 2 and enc.word_id("xyz") == 1
    assert enc.pre_id("وبغداد") == 1 and enc.pre_id("دمشق") == 0
    assert enc.char_ids("...") == (1, 1, 1) and len(enc.char_ids("ا" * 50)) == 20


def test_shipped_model_finds_people_places_and_organisations(shipped):
    tags = shipped.tag_tokens("وقال الرئيس الأمريكي جورج بوش في واشنطن إن الأمم المتحدة ستجتمع .".split())
    assert tags[3:5] == ["B-PERS", "I-PERS"] and tags[6] == "B-LOC"
    assert tags[8:10] == ["B-ORG", "I-ORG"]


@pytest.mark.parametrize("seed, person, other", [
    ("000_03a67d754ecf070b.txt", "ديفيد كاى", ("ORG", "الأمم المتحدة")),
    ("001_a9563e54c2c4a4f9.txt", "فلاديمير فورونكوف", ("ORG", "الأمم المتحدة")),
])
def test_shipped_model_on_seed_sentences(shipped, seed, person, other):
    from graph.conll import spans
    from graph.ingest import read_file

    document = analyze_text(next(read_file(ROOT / "seeds" / seed)))
    sentence = next(s for s in document.sentences if person in s.text)
    tokens = [t.text for t in document.sentence_tokens(sentence.index)]
    found = {(kind, " ".join(tokens[b:e])) for kind, b, e in spans(shipped.tag_tokens(tokens))}
    assert ("PERS", person) in found and other in found


def test_odd_input_gives_one_valid_tag_per_token(shipped):
    long_sentence = ["قال", "الرئيس", "جورج", "بوش", "في", "واشنطن", "،"] * 90  # 630 tokens
    sentences = [[], ["..."], ["Hello", "world", "!"], ["«", "»", "؟"], ["x" * 300], long_sentence, ["بغداد"]]
    tagged = shipped.tag_sentences(sentences)
    assert [len(t) for t in tagged] == [len(s) for s in sentences]
    assert all(tag in TAGS for tags in tagged for tag in tags)
    assert tagged[0] == [] and tagged[5][5] == "B-LOC" and tagged[5][-2] == "B-LOC"
    assert shipped.tag_tokens([]) == [] and shipped.tag_with_marginals([]) == ([], [])


def test_batched_and_one_at_a_time_agree_sentence_by_sentence():
    plain = NeuralRecognizer(consistent=False)
    texts = ("وصل الوزير إلى بغداد أمس", "قال محمود عباس", "؟", "التقى بوتين وأردوغان في موسكو")
    sentences = [t.split() for t in texts]
    assert plain.tag_sentences(sentences) == [plain.tag_tokens(s) for s in sentences]


def test_a_name_tagged_once_is_tagged_again_nearby(shipped):
    sentences = [["وقال", "رئيس", "نادي", "سلتيك", "إن", "الفريق", "جاهز"], ["واستعاد", "سلتيك", "توازنه"]]
    assert shipped.tag_tokens(sentences[1]) == ["O", "O", "O"]
    (first, _), (second, confidence) = shipped.tag_many(sentences)
    assert first[3] == "B-ORG" and second == ["O", "B-ORG", "O"] and 0 < confidence[1] <= 1
    assert NeuralRecognizer(consistent=False).tag_sentences(sentences)[1] == ["O", "O", "O"]


def test_mentions_from_a_document(shipped):
    text = "وقال الرئيس الفلسطيني محمود عباس في رام الله إن الأمم المتحدة مدعوة للتحرك."
    document = analyze_text(make_article(text))
    mentions = shipped(document)
    assert mentions == sorted(mentions)
    assert all(m.method == "neural" and 0 < m.confidence <= 1 and text[m.start:m.end] == m.surface for m in mentions)
    assert ("محمود عباس", Kind.PERSON) in {(m.surface, m.kind) for m in mentions}


def test_missing_or_broken_model_is_a_model_error(tmp_path: Path):
    with pytest.raises(ModelError, match="train-ner --neural"):
        NeuralRecognizer(tmp_path / "none.pt")
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot open"):
        NeuralRecognizer(broken)


@needs_corpora
def test_smoke_training_is_deterministic_and_learns(tmp_path: Path):
    from graph.train_neural import train_neural

    settings = {"epochs": 3, "pre_dim": 16, "hidden": 32, "word": 32, "lr": 0.005}
    reports = [train_neural(tmp_path / f"m{i}.pt", limit=300, settings=settings, log=lambda line: None)
               for i in range(2)]
    first, second = (r.model.read_bytes() for r in reports)
    assert first == second and reports[0].sentences == 300
    assert reports[0].dev.prf()[2] > 0.2  # 300 sentences, 3 epochs: far from good, but it learns
    tags = NeuralRecognizer(reports[0].model).tag_tokens(["في", "بغداد"])
    assert len(tags) == 2 and set(tags) <= TAGS
