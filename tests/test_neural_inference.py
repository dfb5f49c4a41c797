"""The numpy BiLSTM-CRF the neural recogniser tags with: against the torch network, CRF algebra, caches."""

import pickle
import subprocess
import sys

import numpy as np
import pytest

from graph.recognize.neural import NEURAL_MODEL_PATH, NeuralRecognizer, load_network
from graph.recognize.neural_inference import Tagger, _one_thread
from graph.recognize.packing import Packing, Stripes, posteriors as packed_posteriors, viterbi as packed_viterbi
from graph.recognize.projection_cache import ProjectionCache
from graph.text import analyze_text
from graph.train_ner import CORPORA_DIR
from tests.conftest import ROOT, SEEDS

needs_corpora = pytest.mark.skipif(not (CORPORA_DIR / "anercorp").is_dir(),
                                   reason=f"annotated corpora not found under {CORPORA_DIR}")


@pytest.fixture(scope="module")
def both() -> tuple[NeuralRecognizer, NeuralRecognizer]:
    """The numpy recogniser and the torch network of the same file, sentence by sentence."""
    fast = NeuralRecognizer(consistent=False)
    return fast, NeuralRecognizer.from_network(*load_network(str(NEURAL_MODEL_PATH)), consistent=False)


def _seed_sentences() -> list[list[str]]:
    from graph.ingest import read_file

    sentences = []
    for path in sorted(SEEDS.glob("*.txt")):
        for article in read_file(path):
            document = analyze_text(article)
            sentences += [[t.text for t in document.sentence_tokens(s.index)] for s in document.sentences]
    return [s for s in sentences if s]


def _agree(both, sentences: list[list[str]]) -> None:
    fast, torch_path = both
    for start in range(0, len(sentences), 64):
        group = sentences[start:start + 64]
        for (tags, probs, _), (ref_tags, ref_probs, _) in zip(fast._tag_group(group, True),
                                                              torch_path._tag_group(group, True)):
            assert tags.tolist() == ref_tags.tolist()
            assert np.allclose(probs, ref_probs, atol=1e-5, rtol=0)


def test_numpy_tagger_agrees_with_the_torch_network_on_the_seed_articles(both):
    _agree(both, _seed_sentences())


@needs_corpora
def test_numpy_tagger_agrees_with_the_torch_network_on_anercorp_test(both):
    from graph.train_ner import load_corpus, split_anercorp

    _agree(both, [list(s.tokens) for s in split_anercorp(load_corpus("anercorp", CORPORA_DIR)).test])


def test_packed_viterbi_and_marginals_match_the_padded_reference():
    from graph.recognize.neural_model import posteriors, viterbi

    rng = np.random.default_rng(3)
    lengths = [5, 1, 9, 3, 9, 2, 7]
    scores = rng.normal(size=(len(lengths), max(lengths), 9)) * 4
    trans, start, end = rng.normal(size=(9, 9)) * 3, rng.normal(size=9), rng.normal(size=9)
    packing = Packing.of(lengths)
    packed = np.concatenate([scores[i, :n] for i, n in enumerate(lengths)])[packing.forward]
    reference = (viterbi(scores, np.array(lengths), trans, start, end),
                 posteriors(scores, np.array(lengths), trans, start, end))
    best, marginals = (np.concatenate([r[i, :n] for i, n in enumerate(lengths)])[packing.forward] for r in reference)
    assert packed_viterbi(packed, packing, trans, start, end).tolist() == best.tolist()
    assert np.allclose(packed_posteriors(packed, packing, trans, start, end), marginals, atol=1e-12)


def test_a_token_row_does_not_depend_on_the_tokens_computed_with_it(both):
    tagger = both[0].tagger
    words = ["بغداد", "والرئيس", "Hello", "؟", "فولكسفاغن", "x" * 40]
    together = tagger._project(words)[0]
    for i, word in enumerate(words):
        assert np.array_equal(tagger._project([word])[0][0], together[i])


def test_output_does_not_depend_on_what_was_tagged_before():
    sentences = _seed_sentences()[:20]
    warm = NeuralRecognizer(consistent=False)
    warm.tag_many(sentences[10:] + [["كلمة", "جديدة"]])
    fresh = NeuralRecognizer(consistent=False)
    fresh.tagger.cache.clear()
    assert warm.tag_many(sentences) == fresh.tag_many(sentences)


def test_projection_cache_reuses_the_least_recently_used_row():
    computed = []

    def compute(new):
        computed.extend(new)
        return np.array([[float(ord(t))] * 2 for t in new], dtype=np.float32), new

    cache = ProjectionCache(2, 2)
    cache.lookup(["a", "b"], compute)
    cache.lookup(["a", "c"], compute)  # b is the least recent: its row goes to c
    slots, _ = cache.lookup(["a", "c", "b"], compute)
    assert computed == ["a", "b", "c", "b"]
    assert cache.table[0, slots, 0].tolist() == [97.0, 99.0, 98.0]
    slots, _ = cache.lookup(["x", "y", "z"], compute)  # more distinct tokens than rows: the table grows
    assert cache.capacity == 3 and cache.table[0, slots, 0].tolist() == [120.0, 121.0, 122.0]


def test_packing_reads_sentences_forward_and_reversed():
    packing = Packing.of([3, 1, 2])
    assert packing.active.tolist() == [3, 2, 1] and packing.offsets.tolist() == [0, 3, 5]
    assert packing.forward.tolist() == [0, 4, 3, 1, 5, 2]
    assert packing.backward.tolist() == [2, 5, 3, 1, 4, 0]
    assert (packing.backward[packing.mirror] == packing.forward).all()


def test_stripes_keep_each_sentence_in_one_slot_of_its_kind():
    lengths = [7, 1, 30, 4, 4, 9, 2, 13, 8, 8, 21, 5, 6, 11, 3, 12]
    packing = Packing.of(lengths)
    stripes = Stripes.of(packing, period=12, width=6)
    assert (stripes.active % 12 == 0).all() and (stripes.offsets % 12 == 0).all()
    assert (np.diff(stripes.active) <= 0).all() and len(set(stripes.rows.tolist())) == len(stripes.rows)
    step = np.repeat(np.arange(len(packing.active)), packing.active)
    slot = stripes.rows - stripes.offsets[step]
    sentence = np.arange(len(step)) - packing.offsets[step]
    assert (slot < stripes.active[step]).all()
    for j in range(len(lengths)):  # one slot through its steps, in a stripe of its length's parity
        assert len(set(slot[sentence == j].tolist())) == 1
        assert slot[sentence == j][0] % 12 // 6 == packing.lengths[j] % 2
    assert (stripes.forward[stripes.rows] == packing.forward).all()
    assert (stripes.backward[stripes.rows] == packing.backward).all()
    forward, backward = stripes.token_rows()
    assert (stripes.forward[forward] == np.arange(sum(lengths))).all()
    assert (stripes.backward[backward] == np.arange(sum(lengths))).all()


def test_in_stripes_a_sentence_is_tagged_as_alone_and_as_articles_are_tagged(both):
    """Where the kernels round rows alike within stripes of a product, sentences tagged together
    come out bit for bit as each article's alone, with the tags of the article-by-article arithmetic
    (kernels that round every row alike round the rows of a stripe alike too)."""
    tagger = Tagger(both[0].tagger.network, both[0].tagger.encoder)
    if tagger.arithmetic == "articles":
        pytest.skip("this machine's BLAS kernels round rows unlike within stripes")
    sentences = _seed_sentences()
    tagger.arithmetic = "stripes"
    together = tagger.tag(sentences)
    alone = [row for i in range(0, len(sentences), 7) for row in tagger.tag(sentences[i:i + 7])]
    assert all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(together, alone))
    tagger.arithmetic = "articles"
    reference = tagger.tag(sentences)
    assert [t[0].tolist() for t in together] == [t[0].tolist() for t in reference]
    assert all(np.allclose(a[1], b[1], rtol=0, atol=1e-5) for a, b in zip(together, reference))


def test_tagging_runs_blas_on_one_thread():
    """numpy's BLAS, found when tagging first limits it (libraries loaded later, such as
    torch's, are not the tagger's)."""
    from graph.recognize.neural_inference import _blas_controller

    with _one_thread():
        blas = _blas_controller().info()
    assert blas and all(lib["num_threads"] == 1 for lib in blas)


def test_tagging_imports_no_torch():
    code = ("import sys; from graph.recognize.neural import NeuralRecognizer; "
            "print(NeuralRecognizer().tag_tokens(['في', 'بغداد']), 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split()[-1] == "False"


def test_model_file_reads_as_torch_reads_it():
    import torch

    from graph.recognize.torch_file import read_torch_file

    ours, theirs = read_torch_file(NEURAL_MODEL_PATH), torch.load(NEURAL_MODEL_PATH, weights_only=True)
    assert {k: v for k, v in ours.items() if k != "state"} == {k: v for k, v in theirs.items() if k != "state"}
    assert ours["state"].keys() == theirs["state"].keys()
    for key, tensor in theirs["state"].items():
        assert ours["state"][key].dtype == tensor.numpy().dtype and np.array_equal(ours["state"][key], tensor.numpy())


def test_model_file_with_other_globals_is_refused(tmp_path):
    import torch

    from graph.recognize.torch_file import read_torch_file

    torch.save({"weights": torch.ones(2), "hook": print}, tmp_path / "odd.pt")
    with pytest.raises(pickle.UnpicklingError, match="print is not part of a weights file"):
        read_torch_file(tmp_path / "odd.pt")


def test_tagger_over_a_tiny_network_matches_its_torch_twin():
    """Random weights (not the shipped ones): the arithmetic, not the training, is compared."""
    import torch

    from graph.recognize.neural import Encoder
    from graph.recognize.neural_inference import Network
    from graph.recognize.neural_model import BiLstmCrf

    torch.manual_seed(5)
    encoder = Encoder(["<pad>", "<unk>", "في", "بغداد"], ["<pad>", "<unk>", "ب", "غ", "د", "ا"],
                      ["<pad>", "GB-LOC", "h=a", "s=بغداد"], ["O", "B-LOC", "I-LOC"], ["<pad>", "بغداد"])
    network = BiLstmCrf({"words": 4, "chars": 6, "feats": 4, "tags": 3, "corpora": 2, "pre": 2, "pre_dim": 3,
                         "word": 5, "char": 4, "filters": 6, "feat": 7, "hidden": 8}).eval()
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.normal_()
        for table in (network.word, network.pre, network.char, network.feat):
            table.weight[0] = 0
    state = {k: v.detach().numpy() for k, v in network.state_dict().items()}
    fast = NeuralRecognizer.from_network(network, encoder)
    fast.tagger = Tagger(Network.from_state(state), encoder, capacity=4)
    slow = NeuralRecognizer.from_network(network, encoder)
    sentences = [["في", "بغداد"], ["بغداد"], ["في", "دمشق", "في", "بغداد", "?"]]
    for (tags, probs, _), (ref_tags, ref_probs, _) in zip(fast._tag_group(sentences, True),
                                                          slow._tag_group(sentences, True)):
        assert tags.tolist() == ref_tags.tolist() and np.allclose(probs, ref_probs, atol=1e-5)


def test_projection_cache_frees_rows_in_bulk_but_never_a_row_in_use():
    def compute(new):
        return np.array([[float(len(t))] * 2 for t in new], dtype=np.float32), new

    cache = ProjectionCache(128, 2)
    words = [f"w{i}" for i in range(300)]
    cache.lookup(words[:128], compute)
    slots, kept = cache.lookup(words[:100] + words[128:156], compute)  # full: the 28 rows not read here are freed
    assert kept == tuple(words[:100] + words[128:156]) and len(set(slots.tolist())) == 128
    assert cache.capacity == 128 and len(cache._free) == 0
    for start in range(0, 300, 50):
        part = words[start:start + 60]
        slots, kept = cache.lookup(part, compute)
        assert kept == tuple(part) and cache.table[0, slots, 0].tolist() == [float(len(w)) for w in part]
