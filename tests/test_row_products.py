"""Row-independent products: a lone row multiplied as one of two, and the probe of the BLAS kernels."""

import numpy as np

from graph.recognize.neural_inference import _one_thread
from graph.recognize.row_products import PROBE_ROWS, product, rows_independent

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
        verdict = rows_independent(SHAPES)
        assert rows_independent(SHAPES, seed=7) == verdict
        if not verdict:
            return
        rng = np.random.default_rng(11)
        for stack, inner, columns, dtype in SHAPES:
            lead = (stack,) if stack else ()
            weights = rng.standard_normal((*lead, inner, columns)).astype(dtype)
            for count in (6, 40, 333, max(PROBE_ROWS) + 29):
                batch = rng.standard_normal((*lead, count, inner)).astype(dtype)
                whole = product(batch, weights, rows=True)
                for at in (0, count // 2, count - 1):
                    alone = product(batch[..., at:at + 1, :], weights, rows=True)
                    assert np.array_equal(whole[..., at:at + 1, :], alone)
