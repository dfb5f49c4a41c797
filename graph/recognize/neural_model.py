"""The BiLSTM-CRF network of the neural recogniser (torch modules only).

Per token it concatenates a word embedding, a character CNN over the
normalised word (transliterated names, affixes, clitics) and the sum of the
embeddings of the CRF's discrete features (gazetteer and lexicon phrase tags,
trigger classes, frequency buckets, clusters, shape); a BiLSTM reads the
sentence and a linear-chain CRF scores tag sequences. Emissions are a shared
layer plus a per-corpus one (feature augmentation, Daumé III 2007): extra
corpora train their own copy, and tagging uses ANERcorp's (corpus 0).
Encoding and file handling live in :mod:`graph.recognize.neural`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["Config", "BiLstmCrf", "Crf", "viterbi", "posteriors"]

Config = dict  # sizes: words, pre, chars, feats, tags, corpora; dims: word, pre_dim, char, filters, feat, hidden


class BiLstmCrf(nn.Module):
    """Token inputs → BiLSTM → per-corpus emissions → CRF.

    >>> net = BiLstmCrf({"words": 5, "chars": 4, "feats": 6, "tags": 3, "corpora": 2})
    >>> w = torch.tensor([[[2, 0], [3, 0]]]); c = (torch.ones(1, 3, dtype=torch.long), torch.zeros(1, 2, dtype=torch.long))
    >>> f = torch.ones(1, 2, 2, dtype=torch.long); n = torch.tensor([2])
    >>> net.decode(w, c, f, n)[0].shape
    (1, 2)
    """

    def __init__(self, config: Config):
        super().__init__()
        dims = {"word": 100, "char": 32, "filters": 64, "feat": 48, "hidden": 128, "dropout": 0.5, **config}
        self.config = dims
        self.word = nn.Embedding(dims["words"], dims["word"], padding_idx=0)
        self.pre = nn.Embedding(max(dims.get("pre", 0), 1), dims.get("pre_dim", 0), padding_idx=0)
        self.pre.weight.requires_grad_(False)  # PPMI/SVD vectors of unlabelled text, fixed
        self.char = nn.Embedding(dims["chars"], dims["char"], padding_idx=0)
        self.conv = nn.Conv1d(dims["char"], dims["filters"], kernel_size=3, padding=1)
        self.feat = nn.EmbeddingBag(dims["feats"], dims["feat"], mode="sum", padding_idx=0)
        width = dims["word"] + dims.get("pre_dim", 0) + dims["filters"] + dims["feat"]
        self.lstm = nn.LSTM(width, dims["hidden"], batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(dims["dropout"])
        self.out = nn.Linear(2 * dims["hidden"], dims["tags"])
        self.corpus_out = nn.Linear(2 * dims["hidden"], dims["tags"] * dims["corpora"], bias=False)
        self.crf = Crf(dims["tags"])

    def emissions(self, words, chars, feats, lengths, corpus=None):
        """Tag scores ``[batch, time, tags]``; ``corpus`` (``[batch]``) picks the augmented layer.

        ``words[..., 0]`` indexes the trained embedding, ``words[..., 1]`` the fixed vectors;
        ``chars`` is ``(forms, index)``: distinct character-id rows (0 pads) and, per token, its row.
        """
        batch, time = words.shape[:2]
        forms, index = chars
        c = self.conv(self.char(forms).transpose(1, 2))
        c = c.masked_fill(forms.unsqueeze(1) == 0, -1e4).amax(dim=2)
        c = torch.where(c < -1e3, torch.zeros_like(c), c)[index]
        f = self.feat(feats.view(batch * time, -1)).view(batch, time, -1)
        x = torch.cat([self.word(words[..., 0]), self.pre(words[..., 1]), c, f], dim=2)
        if batch == 1:  # nothing to pack: saves two copies per sentence
            h = self.lstm(self.drop(x))[0]
        else:
            packed = pack_padded_sequence(self.drop(x), lengths.cpu(), batch_first=True, enforce_sorted=False)
            h, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True, total_length=time)
        h = self.drop(h)
        scores = self.out(h)
        per_corpus = self.corpus_out(h).view(batch, time, self.config["corpora"], -1)
        pick = torch.zeros(batch, dtype=torch.long) if corpus is None else corpus
        return scores + per_corpus[torch.arange(batch), :, pick]

    def loss(self, words, chars, feats, lengths, tags, corpus):
        """Mean negative log-likelihood of the gold tags."""
        mask = _mask(lengths, words.shape[1])
        return self.crf.nll(self.emissions(words, chars, feats, lengths, corpus), tags, mask).mean()

    def decode(self, words, chars, feats, lengths, marginals: bool = True):
        """Best tag ids ``[batch, time]`` (numpy) and the marginal probability of each (or None)."""
        scores = self.emissions(words, chars, feats, lengths).detach().double().numpy()
        crf = [p.detach().double().numpy() for p in (self.crf.trans, self.crf.start, self.crf.end)]
        n = lengths.numpy()
        best = viterbi(scores, n, *crf)
        if not marginals:
            return best, None
        probs = posteriors(scores, n, *crf)
        return best, np.take_along_axis(probs, best[:, :, None], axis=2)[:, :, 0]


class Crf(nn.Module):
    """Linear-chain CRF parameters (transitions, start, end) and the training loss."""

    def __init__(self, tags: int):
        super().__init__()
        self.trans = nn.Parameter(torch.zeros(tags, tags))  # [from, to]
        self.start = nn.Parameter(torch.zeros(tags))
        self.end = nn.Parameter(torch.zeros(tags))

    def nll(self, scores, tags, mask):
        """Per-sentence ``log Z - score(gold)``."""
        batch, time, _ = scores.shape
        rows = torch.arange(batch)
        gold = self.start[tags[:, 0]] + scores[rows, 0, tags[:, 0]]
        for t in range(1, time):
            step = self.trans[tags[:, t - 1], tags[:, t]] + scores[rows, t, tags[:, t]]
            gold = gold + step * mask[:, t]
        last = tags[rows, mask.sum(1).long() - 1]
        gold = gold + self.end[last]
        return self._forward(scores, mask)[0] - gold

    def _forward(self, scores, mask):
        """log Z and the forward log-scores ``alpha[batch, time, tags]``."""
        alpha = self.start + scores[:, 0]
        alphas = [alpha]
        for t in range(1, scores.shape[1]):
            step = torch.logsumexp(alpha.unsqueeze(2) + self.trans, dim=1) + scores[:, t]
            alpha = torch.where(mask[:, t:t + 1] > 0, step, alpha)
            alphas.append(alpha)
        return torch.logsumexp(alpha + self.end, dim=1), torch.stack(alphas, dim=1)

def viterbi(scores: np.ndarray, lengths: np.ndarray, trans, start, end) -> np.ndarray:
    """Best tag sequences ``[batch, time]`` under CRF scores (numpy: cheap per step; pads get 0).

    >>> viterbi(np.array([[[0.0, 1.0], [2.0, 0.0]]]), np.array([2]), np.zeros((2, 2)), np.zeros(2), np.zeros(2))
    array([[1, 0]])
    """
    batch, time, tags = scores.shape
    best = start + scores[:, 0]
    pointers = np.zeros((batch, time, tags), dtype=np.int64)
    identity = np.arange(tags)
    for t in range(1, time):
        total = best[:, :, None] + trans
        index = total.argmax(axis=1)
        inside = (lengths > t)[:, None]
        best = np.where(inside, total.max(axis=1) + scores[:, t], best)
        pointers[:, t] = np.where(inside, index, identity)
    path = np.zeros((batch, time), dtype=np.int64)
    path[:, -1] = (best + end).argmax(axis=1)
    for t in range(time - 1, 0, -1):
        path[:, t - 1] = np.take_along_axis(pointers[:, t], path[:, t:t + 1], axis=1)[:, 0]
    return path * (np.arange(time)[None, :] < lengths[:, None])


def posteriors(scores: np.ndarray, lengths: np.ndarray, trans, start, end) -> np.ndarray:
    """Probability of each tag at each position (forward-backward, numpy).

    Each step's log-sum over the previous tag is a product with ``exp(trans)``
    after shifting by the previous scores' maximum: four small array
    operations a step instead of eight on a tags × tags cube.

    >>> p = posteriors(np.zeros((1, 3, 2)), np.array([2]), np.zeros((2, 2)), np.zeros(2), np.zeros(2))
    >>> p[0, :2].tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    batch, time, tags = scores.shape
    shift = float(np.max(trans))
    forward, backward = np.exp(trans - shift), np.exp(trans - shift).T
    alpha = np.zeros_like(scores)
    alpha[:, 0] = start + scores[:, 0]
    for t in range(1, time):
        step = _log_product(alpha[:, t - 1], forward, shift) + scores[:, t]
        alpha[:, t] = np.where((lengths > t)[:, None], step, alpha[:, t - 1])
    log_z = _logsumexp(alpha[np.arange(batch), np.maximum(lengths - 1, 0)] + end, axis=1)
    beta = np.zeros_like(scores)
    beta[:, -1] = end
    for t in range(time - 2, -1, -1):
        step = _log_product(scores[:, t + 1] + beta[:, t + 1], backward, shift)
        beta[:, t] = np.where((lengths > t + 1)[:, None], step, end)
    return np.exp(alpha + beta - log_z[:, None, None])


def _log_product(log_x: np.ndarray, weights: np.ndarray, shift: float) -> np.ndarray:
    """``log(exp(log_x) @ (weights * exp(shift)))`` row by row, without overflow."""
    top = log_x.max(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):  # a tag no previous tag can reach: log 0 = -inf, probability 0
        return np.log(np.exp(log_x - top) @ weights) + (top + shift)


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = x.max(axis=axis, keepdims=True)
    return np.log(np.exp(x - top).sum(axis=axis)) + np.squeeze(top, axis=axis)


def _mask(lengths, time: int):
    return (torch.arange(time).unsqueeze(0) < lengths.unsqueeze(1)).float()
