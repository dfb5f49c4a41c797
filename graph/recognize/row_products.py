"""Matrix products whose every row depends on its own input row only, where the BLAS allows it.

A float product's last bits depend on the order of its sums, and OpenBLAS
chooses that order per kernel: its AVX-512 ``SkylakeX`` kernels sum every row
of a product of two or more rows alike, wherever the row sits and whatever
rows are multiplied with it, but send a lone row through ``gemv``, which sums
differently; its ``Haswell`` kernels round a row by its position in the
product. The neural tagger may tag the sentences of several articles as one
batch only if each article's tags come out as they do when it is tagged
alone: then one process, two processes, a cluster and an incremental build
still give the same bytes. :func:`rows_independent` checks the loaded kernels
once per process; :func:`product` multiplies at least two rows at a time.

The ``Haswell`` kernels (which OpenBLAS also runs on AMD's Zen) take rows
twelve at a time and round the first six of each twelve one way and the last
six another, in a product of any multiple of twelve rows; rows past the last
twelve go through other kernels. So a row placed in a stripe of its own kind
(:func:`stripes_alike`: ``position % PERIOD // width``) of such a product
comes out the same wherever it is and whatever rows share the product.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["product", "rows_independent", "stripes_alike", "PROBE_ROWS", "PERIOD"]

PROBE_ROWS = (2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 24, 31, 32, 33, 48, 64, 100, 128, 200, 257, 511, 1000)
_POSITIONS = 3
PERIOD = 12
_PROBE_PERIODS = (1, 2, 3, 5, 8, 13, 21, 42, 85)


def product(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None, *, rows: bool = False,
            multiple: int = 1) -> np.ndarray:
    """``a @ b`` (``a`` of rows × inner, or stacked); with ``rows``, a lone row is multiplied as
    one of two, so that it is summed as the rows of any larger product are; with ``multiple``,
    ``a`` is padded to a multiple of that many rows with copies of its first (:func:`stripes_alike`).

    >>> a, b = np.arange(6.0).reshape(1, 2, 3), np.ones((3, 2))
    >>> product(a[0], b, rows=True).tolist(), product(a, b, rows=True).shape
    ([[3.0, 3.0], [12.0, 12.0]], (1, 2, 2))
    >>> product(a, b, multiple=12).tolist()
    [[[3.0, 3.0], [12.0, 12.0]]]
    """
    count = a.shape[-2]
    extra = -count % multiple or int(rows and count == 1)
    if not extra:
        return np.matmul(a, b, out=out)
    result = np.matmul(np.concatenate([a, np.repeat(a[..., :1, :], extra, axis=-2)], axis=-2), b)[..., :count, :]
    if out is None:
        return result
    out[...] = result
    return out


@lru_cache(maxsize=16)
def rows_independent(shapes: tuple[tuple[int, int, int, str], ...], seed: int = 0) -> bool:
    """Whether, under the kernels and threads in force, a row of each product shape
    ``(stack, inner, columns, dtype)`` (``stack`` 0: a plain matrix) comes out bit for bit
    the same in :func:`product` whatever the number of rows (:data:`PROBE_ROWS`), its position
    and its neighbours. Call it under the thread limit the products run with."""
    rng = np.random.default_rng(seed)
    for stack, inner, columns, dtype in shapes:
        lead = (stack,) if stack else ()
        weights = (rng.standard_normal((*lead, inner, columns)) * 0.1).astype(dtype)
        probe = np.tanh(rng.standard_normal((*lead, 1, inner))).astype(dtype)
        alone = product(probe, weights, rows=True)[..., 0, :]
        for count in PROBE_ROWS:
            batch = np.tanh(rng.standard_normal((*lead, count, inner))).astype(dtype)
            for at in rng.choice(count, size=min(count, _POSITIONS), replace=False).tolist():
                batch[..., at, :] = probe[..., 0, :]
                if not np.array_equal(product(batch, weights, rows=True)[..., at, :], alone):
                    return False
    return True


@lru_cache(maxsize=16)
def stripes_alike(shapes: tuple[tuple[int, int, int, str, int], ...], seed: int = 0) -> bool:
    """Whether, under the kernels and threads in force, a row of each product shape
    ``(stack, inner, columns, dtype, width)`` comes out bit for bit the same in any product of a
    multiple of :data:`PERIOD` rows wherever it sits in a stripe of its kind (``position % PERIOD
    // width``: ``width`` :data:`PERIOD` means every position alike), whatever its neighbours."""
    rng = np.random.default_rng(seed)
    for stack, inner, columns, dtype, width in shapes:
        lead = (stack,) if stack else ()
        weights = (rng.standard_normal((*lead, inner, columns)) * 0.1).astype(dtype)
        for kind in range(PERIOD // width):
            probe = np.tanh(rng.standard_normal((*lead, inner))).astype(dtype)
            first = np.tanh(rng.standard_normal((*lead, PERIOD, inner))).astype(dtype)
            first[..., kind * width, :] = probe
            alone = np.matmul(first, weights)[..., kind * width, :]
            for periods in _PROBE_PERIODS:
                count = periods * PERIOD
                batch = np.tanh(rng.standard_normal((*lead, count, inner))).astype(dtype)
                stripes = rng.choice(periods, size=min(periods, _POSITIONS), replace=False)
                for at in (stripes * PERIOD + kind * width + rng.integers(width, size=len(stripes))).tolist():
                    batch[..., at, :] = probe
                    if not np.array_equal(np.matmul(batch, weights)[..., at, :], alone):
                        return False
    return True
