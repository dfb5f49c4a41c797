"""What tagging several articles at once gains, and what it rests on: ``python bench/bench_batching.py``.

The BiLSTM-CRF runs one recurrence per batch of sentences (packed by
length); each step is a handful of numpy calls whatever the number of
sentences, so tagging the sentences of several articles as one batch pays
those calls once for all of them. The build does so (``graph.scale.BATCH``
articles at a time) only where the loaded BLAS kernels give a row of a
product the same bits whatever rows are multiplied with it
(``graph.recognize.row_products``): elsewhere an article's tags would depend
on which articles share its batch, and one process, two processes and an
incremental build would differ. This script measures the gain (CPU seconds
to tag the same articles one at a time and in groups, in each of the tagger's
arithmetics: ``articles``, the plain products; ``stripes``, laid out for
kernels that round a row by its stripe of twelve; ``rows``, every row alike,
exact only where the machine's kernels say so) and checks that
property for the recurrence's shape (``row_invariance``). It also times
tagging's parts that run once a step (``tagging_parts``), maps which
positions of a product share a rounding (``row_classes``) and times the
products of exactly eight rows that would round every row alike
(``blocked_products``).

Not a test: the timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_build import blas_kernels, synthetic_corpus  # noqa: E402 - bench/ is on the path when a script of it runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="synthetic articles (the first are the cache's warm-up)")
    parser.add_argument("--warm", type=int, default=200, help="articles tagged first to fill the token cache")
    parser.add_argument("--work", default="/tmp/ankg-bench", help="folder of the synthetic corpus (written if missing)")
    parser.add_argument("--groups", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--arithmetic", nargs="+", default=["articles", "stripes", "rows"],
                        choices=["articles", "stripes", "rows"], help="the tagger's arithmetics to time")
    args = parser.parse_args()
    corpus = synthetic_corpus(Path(args.work), args.articles)
    for result in tagging_by_group(corpus, args.articles, args.warm, args.groups, args.rounds, args.arithmetic):
        print(json.dumps(result), flush=True)
    print(json.dumps(tagging_parts(corpus, args.articles, args.warm)), flush=True)
    print(json.dumps(row_invariance()), flush=True)
    print(json.dumps(row_classes()), flush=True)
    print(json.dumps(blocked_products()), flush=True)
    return 0


def tagging_by_group(corpus: Path, count: int, warm: int, groups: list[int], rounds: int,
                     arithmetics=("articles", "stripes", "rows")):
    """CPU seconds to tag the articles after the first ``warm``, ``group`` articles a call, in each
    arithmetic (``machine``: the one the tagger picked here, the only one the build uses)."""
    from graph.recognize.neural import NeuralRecognizer

    texts = _sentences(corpus, count)
    recognizer = NeuralRecognizer(consistent=False)
    machine = recognizer.tagger.arithmetic
    for sentences in texts[:warm]:
        recognizer.tag_many(sentences)
    measured = texts[warm:]
    for _ in range(rounds):
        for arithmetic in arithmetics:
            recognizer.tagger.arithmetic = arithmetic
            for group in groups:
                start = time.process_time()
                for i in range(0, len(measured), group):
                    recognizer.tag_many([s for sentences in measured[i:i + group] for s in sentences])
                yield {"articles": len(measured), "articles_a_call": group, "arithmetic": arithmetic,
                       "machine": machine, "cpu_seconds": round(time.process_time() - start, 2),
                       "blas": blas_kernels()}
    recognizer.tagger.arithmetic = machine


def tagging_parts(corpus: Path, count: int, warm: int) -> dict:
    """Seconds of tagging one article a call, and of its parts that run once a step of the recurrence:
    the recurrent products, the cell steps, and the CRF's Viterbi and marginals; and the products'
    multiply-adds (both directions, 128 × 512 a token each)."""
    import graph.recognize.neural_inference as inference
    from graph.recognize.neural import NeuralRecognizer

    texts = _sentences(corpus, count)
    recognizer = NeuralRecognizer(consistent=False)
    for sentences in texts[:warm]:
        recognizer.tag_many(sentences)
    parts = {"_recurrent": 0.0, "_cell_step": 0.0, "decode": 0.0}
    originals = {name: getattr(inference, name) for name in parts}

    def timed(name):
        def run(*args):
            start = time.perf_counter()
            try:
                return originals[name](*args)
            finally:
                parts[name] += time.perf_counter() - start
        return run

    for name in parts:
        setattr(inference, name, timed(name))
    try:
        start = time.perf_counter()
        for sentences in texts[warm:]:
            recognizer.tag_many(sentences)
        total = time.perf_counter() - start
    finally:
        for name, original in originals.items():
            setattr(inference, name, original)
    tokens = sum(len(s) for sentences in texts[warm:] for s in sentences)
    return {"articles": len(texts) - warm, "tokens": tokens, "tagging_s": round(total, 2),
            "recurrent_products_s": round(parts["_recurrent"], 2), "cell_steps_s": round(parts["_cell_step"], 2),
            "viterbi_and_marginals_s": round(parts["decode"], 2), "multiply_adds": tokens * 2 * 128 * 512,
            "blas": blas_kernels()}


def _sentences(corpus: Path, count: int) -> list[list[list[str]]]:
    """Each article's sentences as token texts, as the tagger gets them."""
    from graph.ingest import read_sources
    from graph.records import Article
    from graph.text import analyze_text

    texts = []
    for article in itertools.islice(read_sources([corpus]), count):
        if isinstance(article, Article):
            document = analyze_text(article)
            texts.append([[t.text for t in document.sentence_tokens(s.index)] for s in document.sentences])
    return texts


def row_invariance(rows: int = 50, seed: int = 1) -> dict:
    """How many times a row's product with the recurrent weights' shape (128 × 512) differs, bit for bit,
    from the same row's at the top of a 64-row product, by the number of rows multiplied (up to 8 positions each)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed)
    weights = (rng.normal(size=(128, 512)) * 0.1).astype(np.float32)
    samples = np.tanh(rng.normal(size=(rows, 128))).astype(np.float32)

    def product_row(m: int, position: int, row: int) -> np.ndarray:
        h = np.tanh(rng.normal(size=(m, 128))).astype(np.float32)
        h[position] = samples[row]
        return (h @ weights)[position]

    differing = {}
    with threadpool_limits(1, user_api="blas"):
        reference = [product_row(64, 0, r) for r in range(rows)]
        for m in (1, 2, 4, 8, 16, 32, 64, 256):
            positions = rng.choice(m, size=min(m, 8), replace=False)
            differing[m] = sum(not np.array_equal(product_row(m, int(p), r), reference[r])
                               for r in range(rows) for p in positions)
        vector = sum(not np.array_equal(samples[r] @ weights, reference[r]) for r in range(rows))
    return {"blas": blas_kernels(), "rows": rows, "differing_by_rows_multiplied": differing,
            "matrix_vector_differing": vector}


def row_classes(sizes=(1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64), samples: int = 8, seed: int = 2) -> dict:
    """Which rows of an ``m``-row product with the recurrent weights' shape come out alike, bit for bit:
    one letter a position, the same letter for the same results over ``samples`` rows put there
    (the other rows random). Letters are shared across sizes, so "dddddddd" at 8 rows and a "d" at
    some position of 64 rows are the same rounding; a row's result depends on its position only when
    no neighbour changes it (``row_invariance``)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed)
    weights = (rng.normal(size=(128, 512)) * 0.1).astype(np.float32)
    rows = np.tanh(rng.normal(size=(samples, 128))).astype(np.float32)
    seen: list[tuple] = []
    classes = {}
    with threadpool_limits(1, user_api="blas"):
        for m in sizes:
            letters = []
            for position in range(m):
                results = []
                for row in rows:
                    h = np.tanh(rng.normal(size=(m, 128))).astype(np.float32)
                    h[position] = row
                    results.append((h @ weights)[position].tobytes())
                key = tuple(results)
                if key not in seen:
                    seen.append(key)
                letters.append(chr(ord("a") + seen.index(key) % 26))
            classes[m] = "".join(letters)
    return {"blas": blas_kernels(), "row_classes": classes}


def blocked_products(rows=(9, 50, 146, 300), repeats: int = 2000, seed: int = 3) -> dict:
    """Microseconds a row of the recurrence's product (both directions): as the tagger multiplies
    (rows rounded up to four, one product a step) and in products of exactly eight rows (one
    rounding for every row whatever the batch: what batching across articles would need with kernels
    that round a row by its position, where the build tags article by article instead)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed)
    weights = (rng.normal(size=(2, 128, 512)) * 0.1).astype(np.float32)

    def per_row(k: int, block: int) -> float:
        padded = -(-k // block) * block
        h = rng.normal(size=(2, padded, 128)).astype(np.float32)
        out = np.empty((2, padded, 512), dtype=np.float32)
        if block == 8:
            h, out, w = h.reshape(2, -1, 8, 128), out.reshape(2, -1, 8, 512), weights[:, None]
        else:
            w = weights
        start = time.perf_counter()
        for _ in range(repeats):
            np.matmul(h, w, out=out)
        return round((time.perf_counter() - start) / repeats / k * 1e6, 2)

    with threadpool_limits(1, user_api="blas"):
        timings = {k: {"as_tagged": per_row(k, 4), "eight_row_products": per_row(k, 8)} for k in rows}
    return {"blas": blas_kernels(), "microseconds_a_row": timings}


if __name__ == "__main__":
    sys.exit(main())
