"""What tagging several articles at once would gain, and why the build does not: ``python bench/bench_batching.py``.

The BiLSTM-CRF runs one recurrence per article (its sentences packed by
length); each step is a handful of numpy calls whatever the number of
sentences, so tagging the sentences of several articles as one batch would
pay those calls once for all of them. This script measures that (CPU seconds
to tag the same articles one at a time and in groups; the tags of a group are
not the build's) and then checks what the build's byte-identical output rests
on: whether a row of a float32 matrix product comes out the same whatever rows
are multiplied with it, under the BLAS kernels this process loaded. Where it
does not, an article's tags would depend on which articles share its batch,
and one process, two processes and an incremental build would differ.

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
    args = parser.parse_args()
    corpus = synthetic_corpus(Path(args.work), args.articles)
    for result in tagging_by_group(corpus, args.articles, args.warm, args.groups, args.rounds):
        print(json.dumps(result), flush=True)
    print(json.dumps(row_invariance()), flush=True)
    return 0


def tagging_by_group(corpus: Path, count: int, warm: int, groups: list[int], rounds: int):
    """CPU seconds to tag the articles after the first ``warm``, ``group`` articles a call."""
    from graph.ingest import read_sources
    from graph.recognize.neural import NeuralRecognizer
    from graph.records import Article
    from graph.text import analyze_text

    articles = [a for a in itertools.islice(read_sources([corpus]), count) if isinstance(a, Article)]
    texts = []
    for article in articles:
        document = analyze_text(article)
        texts.append([[t.text for t in document.sentence_tokens(s.index)] for s in document.sentences])
    recognizer = NeuralRecognizer(consistent=False)
    for sentences in texts[:warm]:
        recognizer.tag_many(sentences)
    measured = texts[warm:]
    for _ in range(rounds):
        for group in groups:
            start = time.process_time()
            for i in range(0, len(measured), group):
                recognizer.tag_many([s for sentences in measured[i:i + group] for s in sentences])
            yield {"articles": len(measured), "articles_a_call": group,
                   "cpu_seconds": round(time.process_time() - start, 2), "blas": blas_kernels()}


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


if __name__ == "__main__":
    sys.exit(main())
