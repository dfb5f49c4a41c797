"""The neural recogniser's BiLSTM-CRF at tag time: numpy, one thread, no torch.

The arithmetic of :class:`graph.recognize.neural_model.BiLstmCrf` in eval
mode (dropout is the identity), arranged so that little of it is repeated:

* The LSTM's input projection ``W_ih·x + b_ih + b_hh`` (70% of its
  multiply-adds) depends on the token string only, except for the two
  phrase-tag features (gazetteer and lexicon phrases), which depend on the
  neighbours. The feature bag is a sum, so a token's projection is its own
  part, cached per token string (:class:`ProjectionCache`, least recently
  used rows), plus one row of a small table per phrase tag.
* Both directions run in one recurrence over the sentences packed by length,
  longest first, as ``pack_padded_sequence`` packs them: at step ``t`` the
  sentences still running are a prefix of the batch, and the backward
  direction reads each sentence reversed within its length, so both
  directions share that prefix.
* The sigmoid gates are ``(1 + tanh(x / 2)) / 2``: their rows are halved
  once (exact in binary) and one ``tanh`` serves all four gates.
* Corpus 0's output layer is folded into the shared one.
* Viterbi and the forward-backward marginals run over the same packed
  layout; the marginals in scaled probabilities instead of logarithms.

Float sums are reassociated, so emissions differ from torch's in the last
bits of float32; the tests check tags and marginals against the torch module.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import repeat
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from graph.recognize.packing import Packing, Stripes, inverse, posteriors, viterbi
from graph.recognize.projection_cache import ProjectionCache
from graph.recognize.row_products import PERIOD, product, rows_independent, stripes_alike

__all__ = ["Network", "Tagger", "run_lstm", "emissions", "decode", "arithmetic"]

_GATES = 4
_VECTOR_ROWS = 2
_ROW_BLOCK = 4
_STRIPE = 6  # OpenBLAS's Haswell kernels: each half of their twelve-row blocks (graph.recognize.row_products)


@dataclass(frozen=True, eq=False)
class Network:
    """The network's weights as numpy arrays, laid out for :func:`run_lstm` (float32; CRF float64).

    Gates are reordered from torch's ``i f g o`` to ``i f o g`` and the
    sigmoid rows halved. ``w_in`` maps a token vector (word, fixed vector,
    characters, features) to both directions' gate inputs side by side.
    """

    word: np.ndarray        # [words, word_dim]
    pre: np.ndarray         # [pre_words, pre_dim]
    char: np.ndarray        # [chars, char_dim]
    conv: np.ndarray        # [3 * char_dim, filters]: the width-3 kernel as one matrix
    conv_bias: np.ndarray   # [filters]
    feat: np.ndarray        # [feats, feat_dim]
    w_in: np.ndarray        # [word_dim + pre_dim + filters + feat_dim, 2 * 4 * hidden]
    b_in: np.ndarray        # [2 * 4 * hidden]
    w_hh: np.ndarray        # [2, hidden, 4 * hidden]
    w_out: np.ndarray       # [2, hidden, tags]
    b_out: np.ndarray       # [tags]
    trans: np.ndarray       # [tags, tags], from → to
    start: np.ndarray       # [tags]
    end: np.ndarray         # [tags]

    @classmethod
    def from_state(cls, state: Mapping[str, np.ndarray]) -> "Network":
        """Arrays from a ``BiLstmCrf`` state dict (torch tensors or numpy arrays, any float type).

        >>> net = Network.from_state(_tiny_state())
        >>> net.w_in.shape, net.w_hh.shape, net.w_out.shape
        ((14, 16), (2, 2, 8), (2, 2, 3))
        """
        s = {k: np.asarray(v, dtype=np.float32) for k, v in state.items()}
        hidden = s["lstm.weight_hh_l0"].shape[1]
        order, scale = _gate_order(hidden)
        suffixes = ("", "_reverse")
        w_ih = [s[f"lstm.weight_ih_l0{x}"][order] * scale[:, None] for x in suffixes]
        bias = [(s[f"lstm.bias_ih_l0{x}"] + s[f"lstm.bias_hh_l0{x}"])[order] * scale for x in suffixes]
        w_hh = [(s[f"lstm.weight_hh_l0{x}"][order] * scale[:, None]).T for x in suffixes]
        tags = s["out.weight"].shape[0]
        out = s["out.weight"] + s["corpus_out.weight"][:tags]  # corpus 0's rows come first
        conv = s["conv.weight"]  # [filters, char_dim, 3]
        crf = {k: s[f"crf.{k}"].astype(np.float64) for k in ("trans", "start", "end")}
        return cls(
            word=s["word.weight"], pre=s["pre.weight"], char=s["char.weight"],
            conv=np.ascontiguousarray(conv.transpose(2, 1, 0).reshape(-1, conv.shape[0])),
            conv_bias=s["conv.bias"], feat=s["feat.weight"],
            w_in=np.ascontiguousarray(np.concatenate(w_ih).T), b_in=np.concatenate(bias),
            w_hh=np.ascontiguousarray(np.stack(w_hh)),
            w_out=np.ascontiguousarray(np.stack([out[:, :hidden].T, out[:, hidden:].T])),
            b_out=s["out.bias"], **crf)

    def token_vectors(self, words: list[int], pres: list[int], chars: list[tuple[int, ...]],
                      feats: list[tuple[int, ...]]) -> np.ndarray:
        """LSTM inputs ``[tokens, width]`` without the phrase tags: word, fixed vector, characters, features.

        Each row is a function of its own token only (gathers and element-wise
        sums: the convolution is a sum of per-character rows of ``char_conv``).
        """
        size = max(map(len, chars))
        ids = np.zeros((len(chars), size + 2), dtype=np.int64)  # id 0 pads: its rows are zero
        for row, c in enumerate(chars):
            ids[row, 1:len(c) + 1] = c
        table = self.char_conv
        conv = table[0][ids[:, :-2]] + table[1][ids[:, 1:-1]] + table[2][ids[:, 2:]] + self.conv_bias
        conv[np.arange(size)[None, :] >= np.array([len(c) for c in chars])[:, None]] = -np.inf
        bags = [(0, *f) for f in feats]  # a leading pad (zero row) keeps every bag non-empty
        starts = np.cumsum([0] + [len(b) for b in bags[:-1]])
        bag = np.add.reduceat(self.feat[[i for b in bags for i in b]], starts, axis=0)
        return np.concatenate([self.word[words], self.pre[pres], conv.max(axis=1), bag], axis=1)

    def project(self, vectors: np.ndarray, bias: bool = True) -> np.ndarray:
        """Both directions' gate inputs of token vectors, one matrix-vector product a token:
        a row does not depend on which other tokens are projected with it."""
        out = np.empty((len(vectors), self.w_in.shape[1]), dtype=np.float32)
        for row, vector in enumerate(vectors):
            np.matmul(vector, self.w_in, out=out[row])
        if bias:
            out += self.b_in
        return out

    @property
    def char_conv(self) -> np.ndarray:
        """``[3, chars, filters]``: each character's contribution to the convolution at each offset."""
        return _char_conv(self)

    def feature_rows(self, ids: list[int]) -> np.ndarray:
        """Gate inputs contributed by single features (the phrase tags), without bias; row 0 zero."""
        vectors = np.zeros((len(ids) + 1, self.w_in.shape[0]), dtype=np.float32)
        vectors[1:, -self.feat.shape[1]:] = self.feat[ids]
        return self.project(vectors, bias=False)


def run_lstm(network: Network, inputs: np.ndarray, packing: Packing | Stripes, rows: bool = False) -> np.ndarray:
    """Hidden states ``[2, rows, hidden]`` (forward, backward) of the packed gate inputs ``[2, rows, 4 * hidden]``
    (``rows``: every product a matrix product, see :mod:`graph.recognize.row_products`)."""
    hidden = network.w_hh.shape[1]
    batch = int(packing.active[0])
    count = inputs.shape[1]
    states = np.zeros((2, count + _ROW_BLOCK, hidden), dtype=np.float32)  # products may read a few rows past the end
    cell = np.zeros((2, batch, hidden), dtype=np.float32)
    gates = np.empty((2, batch + _ROW_BLOCK, _GATES * hidden), dtype=np.float32)
    scratch = np.empty((2, batch, hidden), dtype=np.float32)
    previous = 0
    for t, (a, k) in enumerate(zip(packing.offsets.tolist(), packing.active.tolist())):
        g = gates[:, :k]
        if t:
            _recurrent(states[:, previous:], network.w_hh, gates, k, rows)
            g += inputs[:, a:a + k]
        else:
            g[...] = inputs[:, a:a + k]
        _cell_step(g, cell[:, :k], scratch[:, :k], states[:, a:a + k], hidden)
        previous = a
    return states[:, :count]


def _recurrent(h: np.ndarray, w_hh: np.ndarray, out: np.ndarray, k: int, rows: bool = False) -> None:
    """``out[:, :k] = h[:, :k] @ w_hh`` per direction.

    OpenBLAS copies ``w_hh`` into its packed layout on each product, and its
    kernels take rows four at a time: one or two rows go as matrix-vector
    products (unless ``rows``), more are rounded up to a multiple of four (the
    extra rows are scratch: a product's row depends on its own row of ``h`` only).
    """
    if k <= _VECTOR_ROWS and not rows:
        for d in range(2):
            for j in range(k):
                np.matmul(h[d, j], w_hh[d], out=out[d, j])
        return
    block = -(-k // _ROW_BLOCK) * _ROW_BLOCK
    np.matmul(h[:, :block], w_hh, out=out[:, :block])


def _cell_step(g: np.ndarray, c: np.ndarray, scratch: np.ndarray, h: np.ndarray, hidden: int) -> None:
    """One LSTM step in place: ``g`` holds the gate pre-activations (sigmoid ones halved)."""
    np.tanh(g, out=g)
    sig = g[..., :3 * hidden]
    sig *= 0.5
    sig += 0.5
    c *= g[..., hidden:2 * hidden]
    np.multiply(g[..., :hidden], g[..., 3 * hidden:], out=scratch)
    c += scratch
    np.tanh(c, out=scratch)
    np.multiply(g[..., 2 * hidden:3 * hidden], scratch, out=h)


def emissions(network: Network, states: np.ndarray, packing: Packing, rows: bool = False,
              placed: np.ndarray | None = None) -> np.ndarray:
    """Tag scores ``[rows, tags]`` (float64) in the forward packed order; ``placed``: each packed
    row's row in ``states`` (laid out in :class:`graph.recognize.packing.Stripes`)."""
    forward = product(states[0], network.w_out[0], rows=rows)
    back = product(states[1], network.w_out[1], rows=rows)
    if placed is None:
        back = back[packing.mirror]
    else:
        forward, back = forward[placed], back[placed[packing.mirror]]
    return (forward + back + network.b_out).astype(np.float64)


def decode(network: Network, scores: np.ndarray, packing: Packing, marginals: bool = True, rows: bool = False,
           multiple: int = 1) -> tuple[np.ndarray, np.ndarray | None]:
    """Best tag per packed row, and its marginal probability (or None); ``rows`` and ``multiple``
    as :func:`graph.recognize.packing.posteriors` takes them."""
    best = viterbi(scores, packing, network.trans, network.start, network.end)
    if not marginals:
        return best, None
    probs = posteriors(scores, packing, network.trans, network.start, network.end, rows=rows, multiple=multiple)
    return best, probs[np.arange(len(best)), best]


@lru_cache(maxsize=4)
def _char_conv(network: Network) -> np.ndarray:
    width = network.char.shape[1]
    kernel = network.conv.reshape(3, width, -1)
    return np.stack([network.char @ kernel[k] for k in range(3)])


def _gate_order(hidden: int) -> tuple[np.ndarray, np.ndarray]:
    """Row order ``i f o g`` from torch's ``i f g o``, and the halving of the sigmoid rows."""
    i, f, g, o = (np.arange(hidden) + n * hidden for n in range(_GATES))
    scale = np.concatenate([np.full(3 * hidden, 0.5), np.ones(hidden)]).astype(np.float32)
    return np.concatenate([i, f, o, g]), scale


def _tiny_state() -> dict[str, np.ndarray]:
    """A random state dict of a tiny network (doctests and tests)."""
    rng = np.random.default_rng(0)
    shapes = {"word.weight": (5, 4), "pre.weight": (3, 2), "char.weight": (4, 3), "conv.weight": (5, 3, 3),
              "conv.bias": (5,), "feat.weight": (6, 3), "out.weight": (3, 4), "out.bias": (3,),
              "corpus_out.weight": (6, 4), "crf.trans": (3, 3), "crf.start": (3,), "crf.end": (3,)}
    for x in ("", "_reverse"):
        shapes.update({f"lstm.weight_ih_l0{x}": (8, 14), f"lstm.weight_hh_l0{x}": (8, 2),
                       f"lstm.bias_ih_l0{x}": (8,), f"lstm.bias_hh_l0{x}": (8,)})
    state = {k: rng.normal(size=v).astype(np.float32) for k, v in shapes.items()}
    for k in ("word.weight", "pre.weight", "char.weight", "feat.weight"):
        state[k][0] = 0
    return state


class Tagger:
    """Best tag ids and their marginals for sentences of raw tokens, through :class:`Network`.

    ``encoder`` is the model's :class:`graph.recognize.neural.Encoder`
    (vocabularies); ``capacity`` bounds the cached token projections
    (``2 * 4 * hidden`` floats a token: 4 KB for the shipped model).
    ``arithmetic`` says how a sentence's tags and marginals come out bit for bit
    the same whatever sentences it is tagged with (checked once per process on
    the loaded BLAS kernels, :func:`arithmetic`): ``"rows"``, every product a
    matrix product; ``"stripes"``, the recurrence laid out in stripes
    (:class:`graph.recognize.packing.Stripes`) and every product of a multiple
    of :data:`graph.recognize.row_products.PERIOD` rows; ``"articles"``, not at
    all, so that each article is tagged alone (``batchable`` false).
    """

    def __init__(self, network: Network, encoder, capacity: int = 32768):
        self.network, self.encoder = network, encoder
        self.arithmetic = arithmetic(network)
        self.cache = ProjectionCache(capacity, network.w_in.shape[1], parts=2)
        phrase_ids = [i for i, f in enumerate(encoder.feats) if i and "=" not in f]
        self._phrase = {encoder.feats[i]: row for row, i in enumerate(phrase_ids, start=1)}
        self._phrase_rows = network.feature_rows(phrase_ids)

    def tag(self, sentences: list[list[str]], marginals: bool = True) -> list[tuple]:
        """Per (non-empty) sentence: tag ids, the marginal of each (None when not asked) and
        the word forms (:func:`graph.text.word_form`) of its tokens."""
        from graph.recognize.crf_features import phrase_tags

        tokens = [token for sentence in sentences for token in sentence]
        bounds = np.cumsum([0] + [len(s) for s in sentences]).tolist()
        packing = Packing.of([len(s) for s in sentences])
        with _one_thread():
            slots, variants = self.cache.lookup(tokens, self._project)
            columns: tuple[list[str], list[str]] = ([], [])
            for a, b in zip(bounds, bounds[1:]):
                for column, tags in zip(columns, phrase_tags(variants[a:b])):
                    column += tags
            striped = self.arithmetic == "stripes"
            rows = self.arithmetic == "rows"
            layout = Stripes.of(packing, PERIOD, _STRIPE) if striped else packing
            inputs = self._inputs(self.cache.table, slots, columns, layout)
            states = run_lstm(self.network, inputs, layout, rows or striped)
            scores = emissions(self.network, states, packing, rows, placed=layout.rows if striped else None)
            best, probs = decode(self.network, scores, packing, marginals, rows, PERIOD if striped else 1)
        order = inverse(packing.forward)
        best, probs = best[order], (probs[order] if marginals else None)
        forms = [v[0] for v in variants]
        return [(best[a:b], probs[a:b] if marginals else None, tuple(forms[a:b])) for a, b in zip(bounds, bounds[1:])]

    @property
    def batchable(self) -> bool:
        """Whether several articles' sentences may be tagged as one batch."""
        return self.arithmetic != "articles"

    def _project(self, tokens: list[str]) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """Projection rows of new tokens, and their clitic variants (kept with the rows)."""
        from graph.recognize.crf_features import word_features, word_variants

        enc = self.encoder
        vectors = self.network.token_vectors([enc.word_id(t) for t in tokens], [enc.pre_id(t) for t in tokens],
                                             [enc.char_ids(t) for t in tokens],
                                             [enc.feature_ids(word_features(t)) for t in tokens])
        return self.network.project(vectors), [word_variants(t) for t in tokens]

    def _inputs(self, table: np.ndarray, slots: np.ndarray, columns: tuple[list[str], list[str]],
                layout: Packing | Stripes) -> np.ndarray:
        """Packed gate inputs ``[2, rows, width / 2]``: token rows plus phrase-tag rows
        (``columns``: each token's gazetteer, then lexicon tag, the feature bag's order)."""
        half = table.shape[2]
        inputs = np.empty((2, len(layout.forward), half), dtype=np.float32)
        np.take(table[0], slots[layout.forward], axis=0, out=inputs[0], mode="clip")  # unbuffered (slots are valid)
        np.take(table[1], slots[layout.backward], axis=0, out=inputs[1], mode="clip")
        rows_of = layout.token_rows()
        for column in columns:
            tagged = np.fromiter(map(self._phrase.get, column, repeat(0)), np.int64, len(column))
            at = np.flatnonzero(tagged)
            if not len(at):
                continue
            added = self._phrase_rows[tagged[at]]
            for direction, rows in enumerate(rows_of):
                inputs[direction, rows[at]] += added[:, direction * half:(direction + 1) * half]
        return inputs


def arithmetic(network: Network) -> str:
    """How :meth:`Tagger.tag` gives a row bit for bit the same result whatever rows share its
    products (checked once per process and product shape): ``"rows"`` where every row of a
    matrix product does, ``"stripes"`` where every row of a stripe of a product of a multiple
    of :data:`graph.recognize.row_products.PERIOD` rows does, else ``"articles"``."""
    hidden, tags = network.w_hh.shape[1], network.trans.shape[0]
    recurrence = (2, hidden, _GATES * hidden, "float32")
    others = ((0, hidden, tags, "float32"), (2, tags, tags, "float64"), (0, tags, tags, "float64"))
    with _one_thread():
        if rows_independent((recurrence, *others)):
            return "rows"
        if stripes_alike(((*recurrence, _STRIPE), *((*shape, PERIOD) for shape in others))):
            return "stripes"
    return "articles"


@lru_cache(maxsize=1)
def _blas_controller():
    """numpy's BLAS (and any other loaded by the first tagging): looking them up takes milliseconds."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(user_api="blas")


def _one_thread():
    """BLAS on one thread while tagging (OpenBLAS would spread a matrix product over every core)."""
    return _blas_controller().limit(limits=1, user_api="blas")
