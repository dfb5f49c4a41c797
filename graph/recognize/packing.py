"""Sentences packed by length, and a linear-chain CRF decoded over them (numpy).

As ``pack_padded_sequence`` packs them: sentences sorted longest first, so
that at step ``t`` the sentences still running are a prefix of the batch and
no work is spent on padding. The backward direction reads each sentence
reversed within its length and shares that prefix, so a recurrence runs both
directions as one stacked array (the neural tagger's LSTM, the CRF's
forward-backward). Viterbi and the marginals here give the same results as
:func:`graph.recognize.neural_model.viterbi` and ``posteriors`` on padded
batches (the tests compare them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graph.recognize.row_products import product

__all__ = ["Packing", "Stripes", "viterbi", "posteriors", "inverse"]


@dataclass(frozen=True, eq=False)
class Packing:
    """Sentences packed by length, longest first: step ``t`` holds rows ``offsets[t]:offsets[t] + active[t]``.

    ``forward[p]`` is the token (index into the concatenated sentences) that
    packed row ``p`` reads in the forward direction, ``backward[p]`` in the
    backward one (each sentence reversed within its length).

    >>> p = Packing.of([2, 3])
    >>> p.active.tolist(), p.forward.tolist(), p.backward.tolist()
    ([2, 2, 1], [2, 0, 3, 1, 4], [4, 1, 3, 0, 2])
    """

    lengths: np.ndarray   # per packed sentence, descending
    active: np.ndarray    # per step, sentences still running
    offsets: np.ndarray   # per step, first packed row
    forward: np.ndarray   # per packed row, token read going forward
    backward: np.ndarray  # per packed row, token read going backward
    mirror: np.ndarray    # per packed row, the row whose backward step reads its forward token

    @classmethod
    def of(cls, lengths: list[int]) -> "Packing":
        sizes = np.asarray(lengths, dtype=np.int64)
        order = np.argsort(-sizes, kind="stable")
        first = (np.cumsum(sizes) - sizes)[order]
        sizes = sizes[order]
        active = (sizes[None, :] > np.arange(sizes[0])[:, None]).sum(axis=1)
        offsets = np.concatenate([[0], np.cumsum(active)[:-1]])
        step = np.repeat(np.arange(len(active)), active)
        row = np.arange(len(step)) - offsets[step]
        forward, backward = first[row] + step, first[row] + sizes[row] - 1 - step
        return cls(sizes, active, offsets, forward, backward, inverse(backward)[forward])

    def token_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Each token's row going forward and going backward."""
        return inverse(self.forward), inverse(self.backward)


@dataclass(frozen=True, eq=False)
class Stripes:
    """A packing's rows laid out for kernels that round a row by its stripe of a product
    (:func:`graph.recognize.row_products.stripes_alike`).

    A sentence keeps one slot through its steps, in the stripes of one kind
    (its length's parity with two kinds), and every step is a multiple of
    ``period`` rows: the slots of sentences that ended, or that no sentence
    of the batch took, are idle rows (reading token 0), computed and never
    read. A sentence's rows so come out the same whatever sentences share
    its batch. Step ``t`` holds rows ``offsets[t]:offsets[t] + active[t]``,
    as in :class:`Packing`.

    >>> s = Stripes.of(Packing.of([2, 3]), period=4, width=2)
    >>> s.active.tolist(), s.rows.tolist(), s.forward.tolist()
    ([4, 4, 4], [2, 0, 6, 4, 10], [0, 0, 2, 0, 1, 0, 3, 0, 0, 0, 4, 0])
    """

    offsets: np.ndarray   # per step, first row
    active: np.ndarray    # per step, rows (a multiple of the period)
    rows: np.ndarray      # per packed row, its row here
    forward: np.ndarray   # per row, token read going forward (idle rows: 0)
    backward: np.ndarray  # per row, token read going backward
    tokens: tuple[np.ndarray, np.ndarray]  # per token, its row going forward and going backward

    @classmethod
    def of(cls, packing: Packing, period: int, width: int) -> "Stripes":
        kinds = period // width
        kind = packing.lengths % kinds
        rank = np.empty(len(kind), dtype=np.int64)
        for k in range(kinds):
            at = np.flatnonzero(kind == k)
            rank[at] = np.arange(len(at))
        slot = rank // width * period + kind * width + rank % width
        active = (np.maximum.accumulate(slot)[packing.active - 1] // period + 1) * period
        offsets = np.concatenate([[0], np.cumsum(active)[:-1]])
        step = np.repeat(np.arange(len(active)), packing.active)
        rows = offsets[step] + slot[np.arange(len(step)) - packing.offsets[step]]
        forward, backward = np.zeros((2, int(active.sum())), dtype=np.int64)
        forward[rows], backward[rows] = packing.forward, packing.backward
        tokens = tuple(rows[order] for order in packing.token_rows())
        return cls(offsets, active, rows, forward, backward, tokens)

    def token_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Each token's row going forward and going backward."""
        return self.tokens


def viterbi(scores, packing: Packing, trans, start, end) -> np.ndarray:
    """:func:`graph.recognize.neural_model.viterbi` over the packed rows (same sums, same ties)."""
    offsets, active = packing.offsets.tolist(), packing.active.tolist()
    batch, tags = active[0], scores.shape[1]
    best = start + scores[:batch]
    pointers = np.zeros((len(scores), tags), dtype=np.int64)
    buffer = np.empty((batch, tags, tags))
    for a, k in zip(offsets[1:], active[1:]):
        total = np.add(best[:k, :, None], trans, out=buffer[:k])
        total.argmax(axis=1, out=pointers[a:a + k])
        np.maximum.reduce(total, axis=1, out=best[:k])
        best[:k] += scores[a:a + k]
    last = (best + end).argmax(axis=1)
    path = np.empty(len(scores), dtype=np.int64)
    current = np.empty(batch, dtype=np.int64)
    rows = np.arange(batch)
    ending = active[1:] + [0]
    for a, k, k_next in reversed(list(zip(offsets, active, ending))):
        if k_next < k:
            current[k_next:k] = last[k_next:k]
        path[a:a + k] = current[:k]
        if a:
            current[:k] = pointers[a + rows[:k], current[:k]]
    return path


def posteriors(scores, packing: Packing, trans, start, end, rows: bool = False, multiple: int = 1) -> np.ndarray:
    """Marginal probability of each tag at each packed row (forward-backward, rescaled each step).

    The backward pass runs on each sentence reversed, as the backward LSTM
    does, so both passes share the packing's steps and run as one stacked
    recursion ``x_t = (x_{t-1} @ M) * w_t`` (``M`` the transitions,
    transposed going backward). Backward, ``x`` includes the token's own
    emission; ``beta`` is the product before it. ``rows``: every product a matrix
    product; ``multiple``: of so many rows (:func:`graph.recognize.row_products.product`).
    """
    offsets, active = packing.offsets.tolist(), packing.active.tolist()
    batch = active[0]
    weight = np.exp(scores - np.maximum.reduce(scores, axis=1, keepdims=True))
    forward_t = np.exp(trans - trans.max())
    matrices = np.stack([forward_t, forward_t.T])
    weights = np.stack([weight, weight[inverse(packing.mirror)]])
    first = np.stack([np.exp(start - start.max()), np.exp(end - end.max())])
    x = np.empty((2, *scores.shape))
    x[:, :batch] = first[:, None] * weights[:, :batch]
    x[:, :batch] /= np.add.reduce(x[:, :batch], axis=2, keepdims=True)
    for p, a, k in zip(offsets, offsets[1:], active[1:]):
        step = x[:, a:a + k]
        product(x[:, p:p + k], matrices, out=step, rows=rows, multiple=multiple)
        step *= weights[:, a:a + k]
        step /= np.add.reduce(step, axis=2, keepdims=True)
    beta = np.empty_like(scores)
    beta[:batch] = first[1]
    previous = np.arange(batch, len(scores)) - np.repeat(packing.active[:-1], packing.active[1:])
    beta[batch:] = product(x[1, previous], matrices[1], rows=rows, multiple=multiple)
    probs = x[0] * beta[packing.mirror]
    return probs / np.add.reduce(probs, axis=1, keepdims=True)


def inverse(permutation: np.ndarray) -> np.ndarray:
    """The permutation that undoes ``permutation``."""
    inverse = np.empty_like(permutation)
    inverse[permutation] = np.arange(len(permutation))
    return inverse
