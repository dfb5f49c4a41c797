"""Row-independent products: a lone row multiplied as one of two, and the probe of the BLAS kernels."""

import numpy as np

from graph.recognize.neural_inference import _one_thread
from graph.recognize.row_products import PERIOD, PROBE_ROWS, product, rows_independent, stripes_alike

SHAPES = ((2, 128, 512, "float32"), (0, 128, 9, "float32"), (2, 9, 9, "float64"))


def test_a_lone_row_is_multiplied_as_the_first_of_two():
    rng = np.random.default_rng(0)
    row, weights = rng.standard_normal((2, 1, 64)), rng.standard_normal((2, 64, 32))
    twice = np.matmul(np.concatenate([row, row], axis=1), weights)[:, :1]
    assert np.array_equal(product(row, weights, rows=True), twice)
    out = np.empty((2, 1, 32))
    assert product(row, weights, out=out, rows=True) is out and np.array_equal(out, twice)
    assert np.array_equal(product(row, weights), np.matmul(row, weights))
    assert product(np.zeros((0, 64)), weights[0], rows=True).shape == (0, 32)


def test_the_probe_verdict_holds_on_other_rows_and_sizes():
    """Whatever kernels this machine loads: where the probe finds rows independent, fresh rows
    placed anywhere in products of other sizes come out as they do alone; the verdict is stable."""
    with _one_thread():
        if not _stable_verdict(rows_independent, SHAPES):
            return
        rng = np.random.default_rng(11)
        for stack, inner, columns, dtype in SHAPES:
            lead, weights = _weights(rng, stack, inner, columns, dtype)
            for count in (6, 40, 333, max(PROBE_ROWS) + 29):
                batch = rng.standard_normal((*lead, count, inner)).astype(dtype)
                whole = product(batch, weights, rows=True)
                for at in (0, count // 2, count - 1):
                    alone = product(batch[..., at:at + 1, :], weights, rows=True)
                    assert np.array_equal(whole[..., at:at + 1, :], alone)


STRIPED = ((2, 128, 512, "float32", 6), (0, 128, 9, "float32", PERIOD), (2, 9, 9, "float64", PERIOD))


def test_a_row_in_its_stripe_comes_out_alike_where_the_probe_says_so():
    """Whatever kernels this machine loads: where the probe finds stripes alike, a fresh row placed in
    any stripe of its kind, in products of other multiples of the period, comes out as it does in
    the first stripe of its kind; the verdict is stable. OpenBLAS's Haswell kernels (also run on AMD
    Zen) round the two halves of each twelve rows differently, so halves of twelve are stripes."""
    with _one_thread():
        if not _stable_verdict(stripes_alike, STRIPED):
            return
        rng = np.random.default_rng(12)
        for stack, inner, columns, dtype, width in STRIPED:
            lead, weights = _weights(rng, stack, inner, columns, dtype)
            for count in (4 * PERIOD, 29 * PERIOD, 100 * PERIOD):
                batch = rng.standard_normal((*lead, count, inner)).astype(dtype)
                whole = np.matmul(batch, weights)
                for at in (0, width - 1, count // 2, count - 1):
                    kind = at % PERIOD // width
                    first = rng.standard_normal((*lead, PERIOD, inner)).astype(dtype)
                    first[..., kind * width, :] = batch[..., at, :]
                    assert np.array_equal(whole[..., at, :], np.matmul(first, weights)[..., kind * width, :])


def test_padded_products_are_the_products_of_the_rows_given():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 13, 9)), rng.standard_normal((2, 9, 9))
    out = np.empty((2, 13, 9))
    assert product(a, b, out=out, multiple=PERIOD) is out
    assert out.shape == (2, 13, 9) and np.allclose(out, a @ b, rtol=1e-12, atol=1e-12)
    assert product(a[:, :12], b, multiple=PERIOD).shape == (2, 12, 9)


def _stable_verdict(probe, shapes) -> bool:
    """The probe's verdict on ``shapes``, checked to be the same with other random rows."""
    verdict = probe(shapes)
    assert probe(shapes, seed=7) == verdict
    return verdict


def _weights(rng, stack: int, inner: int, columns: int, dtype: str) -> tuple[tuple[int, ...], np.ndarray]:
    """The leading (stack) shape and random weights of a probed product shape."""
    lead = (stack,) if stack else ()
    return lead, rng.standard_normal((*lead, inner, columns)).astype(dtype)
