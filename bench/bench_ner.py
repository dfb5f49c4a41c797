"""Tagging speed of the CRF recogniser: feature extraction + crfsuite tagging.

Run from the repository root::

    python bench/bench_ner.py [--model graph/models/ner.crfsuite] [--rounds 3]

Tags the ANERcorp TEST split (last 10% of the CAMeL train file) from a cold
feature cache, then again warm, and prints tokens per second for each on one
core. Not a timed test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.recognize import crf, crf_features  # noqa: E402
from graph.train_ner import CORPORA_DIR, load_corpus, split_anercorp  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--corpora", type=Path, default=CORPORA_DIR)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sentences = [list(s.tokens) for s in split_anercorp(load_corpus("anercorp", args.corpora)).test]
    tokens = sum(len(s) for s in sentences)
    recognizer = crf.CrfRecognizer(args.model)
    crf_features.sentence_features(["تحميل"])  # load gazetteer, lexicon, triggers: not part of tagging
    crf_features._word.cache_clear()
    for label in ["cold cache", *[f"warm {i + 1}" for i in range(args.rounds)]]:
        began = time.perf_counter()
        for sentence in sentences:
            recognizer.tag_tokens(sentence)
        seconds = time.perf_counter() - began
        print(f"{label:<10} {len(sentences)} sentences, {tokens} tokens: "
              f"{tokens / seconds:,.0f} tokens/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
