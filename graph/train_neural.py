"""Training the neural (BiLSTM-CRF) recogniser on the same splits as the CRF.

TRAIN, DEV and TEST come from :func:`graph.train_ner.split_anercorp`; extra
corpora (leak-filtered by :func:`graph.train_ner.load_extra`) carry a corpus
number that selects their own emission layer (feature augmentation). Every
epoch is scored on DEV and the best epoch is kept (model selection on DEV
only); the written file is then scored on DEV and TEST. Training is
deterministic: one thread, seeded shuffling, dropout and initialisation,
``torch.use_deterministic_algorithms``.
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from pathlib import Path

import numpy as np

from graph.conll import TaggedSentence, evaluate
from graph.recognize.crf_features import token_features
from graph.recognize.neural import Encoder, NeuralRecognizer, char_key, save_network, word_key
from graph.train_ner import CORPORA_DIR, TrainReport, load_extra, load_corpus, split_anercorp

__all__ = ["train_neural", "build_encoder", "TAGS", "SETTINGS"]

TAGS = ("O", "B-PERS", "I-PERS", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
_DIMS = ("word", "char", "filters", "feat", "hidden", "dropout")
CORPUS_IDS = {"anercorp": 0, "newsfane": 1, "aqmar": 2, "wikifane": 3}
SETTINGS = {"epochs": 25, "patience": 5, "batch": 16, "lr": 1e-3, "clip": 5.0, "word_dropout": 0.05,
            "min_word": 2, "min_char": 2, "min_feat": 3, "pre_dim": 64, "average": 0.999, "seed": 13,
            "refit": False}


def train_neural(out: Path, extra: list[str] = (), limit: int | None = None,
                 corpora_dir: Path = CORPORA_DIR, settings: dict | None = None,
                 score: bool = True, log=print) -> TrainReport:
    """Train, keep the best DEV epoch, write ``out``, score DEV and TEST from the file."""
    import torch

    opts = {**SETTINGS, **(settings or {})}
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(opts["seed"])
    split = split_anercorp(load_corpus("anercorp", corpora_dir))
    data = [(s, 0) for s in (split.train[:limit] if limit else split.train)]
    if opts["refit"]:
        data += [(s, 0) for s in split.dev]
    for name in extra:
        data += [(s, CORPUS_IDS[name]) for s in load_extra([name], split.dev + split.test, corpora_dir)]
    pre_words, vectors = _vectors(split, opts, corpora_dir, limit)
    encoder = build_encoder([s for s, _ in data], opts, pre_words)
    log(f"training on {len(data)} sentences, {sum(len(s.tokens) for s, _ in data)} tokens; "
        f"vocab {len(encoder.words)} words, {len(encoder.chars)} chars, {len(encoder.feats)} features")
    began = time.perf_counter()
    network = _fit(data, [] if opts["refit"] else split.dev, encoder, vectors, opts, log)
    seconds = time.perf_counter() - began
    out = Path(out)
    save_network(out, network, encoder)
    dev = test = None
    if score:
        from graph.recognize.neural import load_network

        load_network.cache_clear()
        recognizer = NeuralRecognizer(out)
        dev, test = (_score(recognizer, part) for part in (split.dev, split.test))
    tokens = sum(len(s.tokens) for s, _ in data)
    return TrainReport(out, len(data), tokens, seconds, dev, test)


def build_encoder(sentences: list[TaggedSentence], opts: dict = SETTINGS, pre_words=("<pad>",)) -> Encoder:
    """Vocabularies from the training sentences: frequent words, characters, features."""
    words, chars, feats = Counter(), Counter(), Counter()
    for sentence in sentences:
        for token, (own, gaz, lex) in zip(sentence.tokens, token_features(list(sentence.tokens))):
            words[word_key(token)] += 1
            chars.update(char_key(token))
            feats.update(f for f in (*own, gaz, lex) if f and f != "bias" and not f.startswith("w="))

    def keep(counts: Counter, least: int) -> list[str]:
        return sorted(k for k, c in counts.items() if c >= least)

    return Encoder(["<pad>", "<unk>", *keep(words, opts["min_word"])],
                   ["<pad>", "<unk>", *keep(chars, opts["min_char"])],
                   ["<pad>", *keep(feats, opts["min_feat"])], list(TAGS), list(pre_words))


def _fit(data: list[tuple[TaggedSentence, int]], dev: list[TaggedSentence], encoder: Encoder,
         vectors: np.ndarray, opts: dict, log):
    """Adam epochs; returns the best DEV network among the raw and the averaged weights
    (without DEV, a refit: the averaged weights after the last epoch).

    An exponential moving average of the weights (per batch) is scored on
    DEV beside the raw weights each epoch: it smooths the epoch-to-epoch
    noise of small-batch training.
    """
    import torch

    network = _new_network(encoder, vectors, opts)
    average = copy.deepcopy(network)
    optimizer = torch.optim.Adam(network.parameters(), lr=opts["lr"])
    encoded = [encoder.encode(list(s.tokens)) for s, _ in data]
    rng = np.random.default_rng(opts["seed"])
    best, best_f1, waited, steps = None, -1.0, 0, [0]
    for epoch in range(1, opts["epochs"] + 1):
        began = time.perf_counter()
        loss = _epoch(network, average, optimizer, encoder, encoded, data, rng, opts, steps)
        if not dev:
            log(f"epoch {epoch}: loss {loss:.3f}, {time.perf_counter() - began:.0f} s")
            best = average.state_dict()
            continue
        scores = {}
        for name, candidate in (("raw", network), ("averaged", average)):
            candidate.eval()
            scores[name] = _score(NeuralRecognizer.from_network(candidate, encoder), dev).prf()[2]
        name = max(scores, key=lambda k: (scores[k], k == "averaged"))
        log(f"epoch {epoch}: loss {loss:.3f}, DEV F1 {scores['raw']:.4f} (averaged weights "
            f"{scores['averaged']:.4f}), {time.perf_counter() - began:.0f} s")
        if scores[name] > best_f1:
            chosen = average if name == "averaged" else network
            best, best_f1, waited = copy.deepcopy(chosen.state_dict()), scores[name], 0
        else:
            waited += 1
            if waited >= opts["patience"]:
                break
    network.load_state_dict(best)
    network.eval()
    return network


def _new_network(encoder: Encoder, vectors: np.ndarray, opts: dict):
    import torch

    from graph.recognize.neural_model import BiLstmCrf

    network = BiLstmCrf({"words": len(encoder.words), "chars": len(encoder.chars), "feats": len(encoder.feats),
                         "tags": len(encoder.tags), "corpora": max(CORPUS_IDS.values()) + 1,
                         "pre": len(encoder.pre_words), "pre_dim": vectors.shape[1],
                         **{k: opts[k] for k in _DIMS if k in opts}})
    with torch.no_grad():
        network.pre.weight.copy_(torch.from_numpy(vectors).float())
    return network


def _epoch(network, average, optimizer, encoder, encoded, data, rng, opts, steps) -> float:
    """One pass over length-sorted batches; updates the moving average after each step."""
    import torch

    network.train()
    params, shadow = list(network.parameters()), list(average.parameters())
    total = 0.0
    for batch in _batches([len(e[0]) for e in encoded], opts["batch"], rng):
        words, chars, feats, lengths = encoder.batch([encoded[i] for i in batch])
        drop = torch.from_numpy(rng.random(words.shape[:2]) < opts["word_dropout"])
        words[..., 0] = words[..., 0].masked_fill(drop & (words[..., 0] > 0), 1)
        tags = torch.zeros(words.shape[:2], dtype=torch.long)
        for row, i in enumerate(batch):
            tags[row, :len(data[i][0].tags)] = torch.tensor([encoder.tag_index[t] for t in data[i][0].tags])
        loss = network.loss(words, chars, feats, lengths, tags, torch.tensor([data[i][1] for i in batch]))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(network.parameters(), opts["clip"])
        optimizer.step()
        steps[0] += 1
        with torch.no_grad():
            weight = 1.0 - min(opts["average"], (1 + steps[0]) / (10 + steps[0]))
            torch._foreach_lerp_(shadow, [p.detach() for p in params], weight)
        total += loss.item() * len(batch)
    return total / len(data)


def _vectors(split, opts: dict, corpora_dir: Path, limit: int | None) -> tuple[list[str], np.ndarray]:
    """Fixed word vectors (PPMI/SVD, :func:`graph.word_clusters.build_vectors`) of unlabelled text.

    The text is that of the word clusters: ANERcorp TRAIN and the extra
    corpora minus DEV/TEST-overlapping sentences (a ``limit``-ed smoke run
    uses its TRAIN slice only). Row 0 is the padding.
    """
    if not opts["pre_dim"]:
        return ["<pad>"], np.zeros((1, 0), dtype=np.float32)
    from graph.train_ner import CLUSTER_CORPORA
    from graph.word_clusters import build_vectors

    text = split.train[:limit] if limit else split.train + load_extra(
        list(CLUSTER_CORPORA), split.dev + split.test, corpora_dir)
    words, vectors = build_vectors([s.tokens for s in text], opts["seed"], opts["pre_dim"])
    scaled = vectors * np.sqrt(vectors.shape[1])
    return ["<pad>", *words], np.vstack([np.zeros((1, vectors.shape[1])), scaled]).astype(np.float32)


def _batches(lengths: list[int], size: int, rng) -> list[list[int]]:
    """Batches of similar length (little padding), in a seeded random order."""
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], rng.random()))
    batches = [order[i:i + size] for i in range(0, len(order), size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def _score(recognizer: NeuralRecognizer, sentences: list[TaggedSentence]):
    predicted = recognizer.tag_sentences([list(s.tokens) for s in sentences])
    return evaluate([list(s.tags) for s in sentences], predicted)
