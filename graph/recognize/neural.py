"""Neural named-entity recogniser: a BiLSTM-CRF over words, characters and CRF features.

The model (``graph/models/ner_neural.pt``, CC BY-SA 4.0, see MODEL_CARD.md)
holds the network weights and its vocabularies; its discrete inputs are the
CRF's word features (:func:`graph.recognize.crf_features.token_features`),
so it reads the same lexicon, cluster and gazetteer files. It tags
raw tokens like :class:`graph.recognize.crf.CrfRecognizer` and is the
default statistical recogniser. Tagging runs the network in numpy on one
thread (:mod:`graph.recognize.neural_inference`, weights read without
torch); training and :meth:`NeuralRecognizer.from_network` run the torch
module (:mod:`graph.recognize.neural_model`).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import numpy as np

from graph.records import Document, Mention
from graph.recognize.consistency import propagate_labels
from graph.recognize.crf_features import MODELS_DIR, token_features
from graph.text import clitic_variants, word_form

__all__ = ["NeuralRecognizer", "Encoder", "NEURAL_MODEL_PATH", "load_network", "save_network", "tagger_arithmetic"]

NEURAL_MODEL_PATH = MODELS_DIR / "ner_neural.pt"
_MAX_CHARS = 20
_TORCH_GROUP = (4000, 64)  # tokens, sentences of a batch
_FAST_GROUP = (16000, 512)  # numpy: a step costs about the same for 1 or 512 sentences; a 16-article batch is one group
_CACHE_SIZE = 262144
_PAD, _UNK = "<pad>", "<unk>"


class Encoder:
    """Token strings → word, character and feature ids (cached per token string).

    ``pre_words`` index the fixed PPMI/SVD vectors (looked up on the word,
    then on its clitic-stripped variants).

    >>> enc = Encoder([_PAD, _UNK, "بغداد"], [_PAD, _UNK, "ب"], [_PAD, "GB-LOC"], ["O", "B-LOC"], [_PAD, "بغداد"])
    >>> enc.word_id("بغداد"), enc.word_id("دمشق"), enc.char_ids("بب"), enc.pre_id("وبغداد")
    (2, 1, (2, 2), 1)
    """

    def __init__(self, words: list[str], chars: list[str], feats: list[str], tags: list[str],
                 pre_words: list[str] = (_PAD,)):
        self.words, self.chars, self.feats, self.tags = list(words), list(chars), list(feats), list(tags)
        self.pre_words = list(pre_words)
        self._pre = {w: i for i, w in enumerate(self.pre_words) if i}
        self._word = {w: i for i, w in enumerate(self.words)}
        self._char = {c: i for i, c in enumerate(self.chars)}
        self._feat = {f: i for i, f in enumerate(self.feats)}
        self._own_ids = {f: i for f, i in self._feat.items() if not f.startswith("w=")}
        self.tag_index = {t: i for i, t in enumerate(self.tags)}
        self._cache: dict[str, tuple] = {}

    def clear_cache(self) -> None:
        """Forget the per-token ids (benchmarks start cold with it)."""
        self._cache.clear()

    def word_id(self, token: str) -> int:
        return self._word.get(word_key(token), 1)

    def pre_id(self, token: str) -> int:
        if not self._pre:
            return 0
        norm = word_key(token)
        return next((self._pre[v] for v in (norm, *clitic_variants(norm)[1:]) if v in self._pre), 0)

    def char_ids(self, token: str) -> tuple[int, ...]:
        return tuple(self._char.get(c, 1) for c in char_key(token)) or (1,)

    def feature_ids(self, own: tuple[str, ...]) -> tuple[int, ...]:
        """Ids of a token's own features in the vocabulary (the word itself has its embedding)."""
        own_ids = self._own_ids
        return tuple(i for i in map(own_ids.get, own) if i is not None)

    def encode(self, tokens: list[str]) -> tuple[list[int], list[tuple[int, ...]], list[tuple[int, ...]]]:
        """Word ids, char ids and feature ids of one sentence."""
        words, chars, feats = [], [], []
        for token, (own, gaz, lex) in zip(tokens, token_features(tokens)):
            cached = self._cache.get(token)
            if cached is None:
                if len(self._cache) >= _CACHE_SIZE:  # a long-running build sees ever new words
                    self._cache.clear()
                ids = self.feature_ids(own)
                cached = self._cache[token] = ((self.word_id(token), self.pre_id(token)), self.char_ids(token), ids)
            words.append(cached[0])
            chars.append(cached[1])
            feats.append(cached[2] + tuple(self._feat.get(f, 0) for f in (gaz, lex) if f))
        return words, chars, feats

    def batch(self, encoded: list[tuple]) -> tuple:
        """Padded tensors ``words, chars, feats, lengths`` for encoded sentences.

        ``chars`` is ``(forms, index)``: each distinct character sequence once,
        in sorted order (a zero row for padding when there is any), and per
        token the row of its form. The character CNN then reads each form once
        and nothing has to find the distinct rows of a token-by-character tensor.
        """
        import torch

        n, time = len(encoded), max(len(e[0]) for e in encoded)
        slots = max(1, max(len(f) for e in encoded for f in e[2]))
        words = np.zeros((n, time, 2), dtype=np.int64)
        feats = np.zeros((n, time, slots), dtype=np.int64)
        index = np.zeros((n, time), dtype=np.int64)
        rows: dict[tuple, int] = {(): 0} if any(len(e[0]) < time for e in encoded) else {}
        for b, (w, c, f) in enumerate(encoded):
            words[b, :len(w)] = w
            index[b, :len(c)] = [rows.setdefault(ci, len(rows)) for ci in c]
            for t, fi in enumerate(f):
                feats[b, t, :len(fi)] = fi
        ordered = sorted(rows)
        rank = {form: r for r, form in enumerate(ordered)}
        index = np.array([rank[form] for form in rows], dtype=np.int64)[index]
        forms = np.zeros((len(ordered), max(map(len, ordered))), dtype=np.int64)
        for r, form in enumerate(ordered):
            forms[r, :len(form)] = form
        lengths = torch.tensor([len(e[0]) for e in encoded])
        chars = (torch.from_numpy(forms), torch.from_numpy(index))
        return torch.from_numpy(words), chars, torch.from_numpy(feats), lengths


def word_key(token: str) -> str:
    """The normalised word the embedding is keyed on (clitics kept)."""
    return word_form(token)


def char_key(token: str) -> str:
    """Characters the char CNN reads: the normalised word, long words cut in the middle."""
    key = word_key(token)
    return key if len(key) <= _MAX_CHARS else key[:_MAX_CHARS // 2] + key[-_MAX_CHARS // 2:]


class NeuralRecognizer:
    """Tag raw tokens with ``B-/I-`` PERS, ORG, LOC, MISC; turn spans into mentions.

    >>> rec = NeuralRecognizer()                                       # doctest: +SKIP
    >>> rec.tag_tokens(["قال", "الرئيس", "جورج", "بوش"])                # doctest: +SKIP
    ['O', 'O', 'B-PERS', 'I-PERS']
    """

    method = "neural"

    def __init__(self, model_path: str | Path | None = None, consistent: bool = True):
        from graph.recognize.neural_inference import Tagger

        self.model_path = Path(model_path or NEURAL_MODEL_PATH).resolve()
        weights, self.encoder = load_weights(str(self.model_path))
        self.network, self.tagger, self.consistent = None, Tagger(weights, self.encoder), consistent

    @classmethod
    def from_network(cls, network, encoder: Encoder, consistent: bool = False) -> "NeuralRecognizer":
        """A recogniser over an in-memory torch network (training scores DEV with it, sentence by sentence)."""
        import torch

        torch.set_num_threads(1)
        self = cls.__new__(cls)
        self.model_path, self.network, self.encoder, self.consistent = None, network, encoder, consistent
        self.tagger = None
        return self

    def tag_tokens(self, tokens: list[str]) -> list[str]:
        """Tags for one sentence of raw tokens (any length, any script)."""
        return self.tag_with_marginals(tokens)[0]

    def tag_sentences(self, sentences: list[list[str]]) -> list[list[str]]:
        """Tags for each sentence; sentences are batched by length for speed."""
        return [tags for tags, _ in self.tag_many(sentences, marginals=False)]

    def tag_with_marginals(self, tokens: list[str]) -> tuple[list[str], list[float]]:
        """Tags and the CRF marginal probability of each chosen tag."""
        return self.tag_many([tokens])[0]

    def tag_many(self, sentences: list[list[str]], marginals: bool = True) -> list[tuple[list[str], list[float]]]:
        """Tags and marginals (empty lists when not asked) for many sentences, in input order.

        The sentences are read as one text: with ``consistent``, a name
        tagged in one is tagged at its other occurrences nearby
        (:mod:`graph.recognize.consistency`).
        """
        out, forms = self._tag_sentences(sentences, marginals)
        if self.consistent:
            out = propagate_labels(sentences, out, forms=forms)
        return out if marginals else [(tags, []) for tags, _ in out]

    def _tag_sentences(self, sentences: list[list[str]], marginals: bool) -> tuple[list[tuple], list]:
        """Per sentence, tags and marginals (all 1.0 when not asked), and word forms (None: not known)."""
        out: list[tuple[list[str], list[float]]] = [([], [])] * len(sentences)
        order = sorted((i for i, s in enumerate(sentences) if s), key=lambda i: len(sentences[i]))
        names = self.encoder.tags
        forms: list[tuple[str, ...] | None] = [()] * len(sentences)
        for group in _groups(order, sentences, *(_FAST_GROUP if self.tagger else _TORCH_GROUP)):
            tagged = self._tag_group([list(sentences[i]) for i in group], marginals)
            for i, (best, probs, form) in zip(group, tagged):
                out[i] = (list(map(names.__getitem__, best.tolist())),
                          probs.round(4).tolist() if marginals else [1.0] * len(best))
                forms[i] = form
        return out, forms

    def _tag_group(self, sentences: list[list[str]], marginals: bool) -> list[tuple]:
        """Per sentence, tag ids, marginals (numpy) and word forms (None: not known): the numpy
        tagger, or the torch network."""
        if self.tagger is not None:
            return self.tagger.tag(sentences, marginals)
        import torch

        with torch.inference_mode():
            encoded = [self.encoder.encode(s) for s in sentences]
            best, probs = self.network.decode(*self.encoder.batch(encoded), marginals=marginals)
        return [(best[row, :len(s)], probs[row, :len(s)] if marginals else None, None)
                for row, s in enumerate(sentences)]

    def __call__(self, document: Document) -> list[Mention]:
        """Person, institution and place mentions (MISC spans are dropped)."""
        return self.recognize_many([document])[0]

    def recognize_many(self, documents: list[Document]) -> list[list[Mention]]:
        """:meth:`__call__` of each document; their sentences are tagged as one batch when the
        tagger's arithmetic gives each sentence the same tags in any batch (``Tagger.batchable``),
        which pays each step of the recurrence once for all of them."""
        from graph.recognize.crf import mentions_from_tags

        if len(documents) > 1 and not (self.tagger and self.tagger.batchable):
            return [self.recognize_many([document])[0] for document in documents]
        tokens = [[document.sentence_tokens(s.index) for s in document.sentences] for document in documents]
        texts = [[t.text for t in sentence] for sentences in tokens for sentence in sentences]
        out, forms = self._tag_sentences(texts, marginals=True)
        found, start = [], 0
        for document, sentences in zip(documents, tokens):
            end = start + len(sentences)
            tagged = out[start:end]
            if self.consistent:
                tagged = propagate_labels(texts[start:end], tagged, forms=forms[start:end])
            found.append(mentions_from_tags(document, sentences, tagged, self.method))
            start = end
        return found


def _groups(order: list[int], sentences, tokens: int, count: int) -> list[list[int]]:
    """Consecutive runs of ``order`` of at most ``tokens`` tokens and ``count`` sentences (one sentence may exceed)."""
    groups, current, size = [], [], 0
    for i in order:
        if current and (size + len(sentences[i]) > tokens or len(current) >= count):
            groups.append(current)
            current, size = [], 0
        current.append(i)
        size += len(sentences[i])
    return groups + ([current] if current else [])


def save_network(path: Path, network, encoder: Encoder) -> None:
    """Write weights (float16) and vocabularies; the file appears only when complete."""
    import torch

    from graph.serialize import write_atomic

    state = {k: (v.half() if v.is_floating_point() else v) for k, v in network.state_dict().items()}
    payload = {"format": 1, "config": {k: v for k, v in network.config.items()},
               "words": encoder.words, "chars": encoder.chars, "feats": encoder.feats,
               "tags": encoder.tags, "pre_words": encoder.pre_words, "state": state}
    buffer = io.BytesIO()  # a file name would end up inside the archive: same bytes need a buffer
    torch.save(payload, buffer)
    write_atomic(Path(path), buffer.getvalue())


@lru_cache(maxsize=4)
def load_weights(path: str):
    """``(weights, encoder)`` from a model file, read without torch (cached per path).

    The weights are a :class:`graph.recognize.neural_inference.Network`, what tagging runs.
    """
    from graph.recognize.crf import ModelError
    from graph.recognize.neural_inference import Network
    from graph.recognize.torch_file import read_torch_file

    _check_exists(path)
    try:
        payload = read_torch_file(path)
        weights = Network.from_state(payload["state"])
    except Exception as error:  # zip, pickle, key and shape errors alike
        raise ModelError(f"{path}: cannot open neural NER model ({error}); retrain it with train-ner") from None
    return weights, _encoder(payload)


def tagger_arithmetic(model_path: str | Path | None = None) -> str:
    """How the model's tagger multiplies on this machine: ``"batches"`` (several articles' sentences
    at once, every row alike: :attr:`graph.recognize.neural_inference.Tagger.arithmetic`),
    ``"stripes"`` (several at once, laid out in stripes) or ``"articles"``; ``"no model"`` when the
    model cannot be read. Extractions made one way may differ in a marginal's last digit from
    another's, so caches and cluster workers tell them apart."""
    from graph.recognize.crf import ModelError
    from graph.recognize.neural_inference import arithmetic

    try:
        weights, _ = load_weights(str(Path(model_path or NEURAL_MODEL_PATH).resolve()))
    except ModelError:
        return "no model"
    kind = arithmetic(weights)
    return "batches" if kind == "rows" else kind


def _encoder(payload: dict) -> Encoder:
    return Encoder(payload["words"], payload["chars"], payload["feats"], payload["tags"],
                   payload.get("pre_words", [_PAD]))


def _check_exists(path: str) -> None:
    from graph.recognize.crf import ModelError

    if not Path(path).is_file():
        raise ModelError(
            f"{path}: neural NER model not found; train it with `python -m graph train-ner --neural "
            "--out graph/models/ner_neural.pt` (see graph/models/MODEL_CARD.md)")


@lru_cache(maxsize=4)
def load_network(path: str):
    """``(network, encoder)`` from a model file, in eval mode (cached per path)."""
    import torch

    from graph.recognize.crf import ModelError
    from graph.recognize.neural_model import BiLstmCrf

    _check_exists(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        network = BiLstmCrf(payload["config"])
        network.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in payload["state"].items()})
    except Exception as error:  # torch raises pickle, zip, key and shape errors alike
        raise ModelError(f"{path}: cannot open neural NER model ({error}); retrain it with train-ner") from None
    network.eval()
    return network, _encoder(payload)
