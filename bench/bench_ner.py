"""Tagging speed of the NER models: feature extraction + tagging, one thread.

Run from the repository root::

    python bench/bench_ner.py [--backend all|neural|crf] [--model FILE] [--rounds 3]

(wordfreq keeps its own cache: time one backend per process, ``--backend``,
for a fair cold figure.)

Tags the ANERcorp TEST split (last 10% of the CAMeL train file) from a cold
feature cache, then again warm, and prints tokens per second for each.
``--text all`` tags the whole ANERcorp file instead (125,102 tokens, cold
then warm): closer to a build, where each new word's features are computed
once and then reused. The
neural model (torch on one thread) is timed twice: batched
(``tag_sentences``, as ``ner`` and ``ner-eval`` use it) and one sentence at a
time (``tag_tokens``). Tokens per CPU second are printed too: on a shared
machine they move less than wall-clock figures. Not a timed test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.commands.ner import open_recognizer  # noqa: E402
from graph.recognize import crf_features  # noqa: E402
from graph.train_ner import CORPORA_DIR, load_corpus, split_anercorp  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("all", "neural", "crf"), default="all")
    parser.add_argument("--model", type=Path, default=None, help="model file (with one --backend)")
    parser.add_argument("--corpora", type=Path, default=CORPORA_DIR)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--text", choices=("test", "all"), default="test",
                        help="ANERcorp TEST split (12,334 tokens) or the whole file")
    args = parser.parse_args()
    corpus = load_corpus("anercorp", args.corpora)
    sentences = [list(s.tokens) for s in (split_anercorp(corpus).test if args.text == "test" else corpus)]
    backends = ("neural", "crf") if args.backend == "all" else (args.backend,)
    for backend in backends:
        recognizer = open_recognizer(args.model if args.backend != "all" else None, backend)
        modes = {"batched": recognizer.tag_sentences,
                 "per sentence": lambda s, r=recognizer: [r.tag_tokens(x) for x in s]}
        for mode, tag in modes.items():
            if backend == "crf" and mode == "batched":
                continue  # crfsuite tags one sentence at a time either way
            _time(f"{backend}, {mode}", recognizer, tag, sentences, args.rounds)
    return 0


def _time(name: str, recognizer, tag, sentences: list[list[str]], rounds: int) -> None:
    tokens = sum(len(s) for s in sentences)
    tag([["تحميل", "زقزقلوب"]])  # load gazetteer, lexicon, triggers, word lists, weights: not tagging
    crf_features.clear_caches()
    if hasattr(recognizer, "encoder"):
        recognizer.encoder.clear_cache()
    for label in ["cold cache", *[f"warm {i + 1}" for i in range(rounds)]]:
        began, cpu = time.perf_counter(), time.process_time()
        tag(sentences)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        print(f"{name:<20} {label:<10} {len(sentences)} sentences, {tokens} tokens: "
              f"{tokens / seconds:,.0f} tokens/s ({tokens / cpu:,.0f} per CPU second)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
