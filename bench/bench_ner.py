"""Tagging speed of the NER models: feature extraction + tagging, one thread.

Run from the repository root::

    python bench/bench_ner.py [--backend all|neural|crf] [--model FILE] [--rounds 3]

(wordfreq keeps its own cache: time one backend per process, ``--backend``,
for a fair cold figure.) ``--torch`` times the neural model's numpy tagger
(what tagging runs) against its torch network (what training runs) in the
same process, interleaved: numpy cold, torch cold, then warm rounds in turn;
their ratio is the figure to quote on a shared machine.

Tags the ANERcorp TEST split (last 10% of the CAMeL train file) from a cold
feature cache, then again warm, and prints tokens per second for each.
``--text all`` tags the whole ANERcorp file instead (125,102 tokens, cold
then warm): closer to a build, where each new word's features are computed
once and then reused. The
neural model (numpy on one thread) is timed twice: batched
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
    parser.add_argument("--torch", action="store_true",
                        help="neural only: the numpy tagger against the torch network, interleaved")
    args = parser.parse_args()
    corpus = load_corpus("anercorp", args.corpora)
    sentences = [list(s.tokens) for s in (split_anercorp(corpus).test if args.text == "test" else corpus)]
    if args.torch:
        return _numpy_against_torch(args.model, sentences, args.rounds)
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


def _numpy_against_torch(model: Path | None, sentences: list[list[str]], rounds: int) -> int:
    """Batched tagging (label consistency on) by the numpy tagger and the torch network, in turn."""
    from graph.recognize.neural import NEURAL_MODEL_PATH, NeuralRecognizer, load_network

    numpy_path = NeuralRecognizer(model)
    torch_path = NeuralRecognizer.from_network(*load_network(str(model or NEURAL_MODEL_PATH)), consistent=True)
    tokens = sum(len(s) for s in sentences)
    cpu = {"numpy": [], "torch": []}
    for label in ["cold cache", *[f"warm {i + 1}" for i in range(rounds)]]:
        for name, recognizer in (("numpy", numpy_path), ("torch", torch_path)):
            if label == "cold cache":
                _load_and_clear(recognizer)
            seconds = _run(f"neural {name}, batched", label, recognizer.tag_sentences, sentences)
            cpu[name].append(seconds)
    cold, warm = (cpu["torch"][0] / cpu["numpy"][0], min(cpu["torch"][1:]) / min(cpu["numpy"][1:]))
    print(f"numpy against torch, CPU time ratio ({tokens} tokens): cold cache {cold:.2f}x, best warm {warm:.2f}x")
    return 0


def _time(name: str, recognizer, tag, sentences: list[list[str]], rounds: int) -> None:
    tag([["تحميل", "زقزقلوب"]])  # load gazetteer, lexicon, triggers, word lists, weights: not tagging
    _load_and_clear(recognizer)
    for label in ["cold cache", *[f"warm {i + 1}" for i in range(rounds)]]:
        _run(name, label, tag, sentences)


def _load_and_clear(recognizer) -> None:
    """Load the word lists and weights (not tagging), then forget every per-word cache."""
    recognizer.tag_sentences([["تحميل", "زقزقلوب"]])
    crf_features.clear_caches()
    if hasattr(recognizer, "encoder"):
        recognizer.encoder.clear_cache()
    if getattr(recognizer, "tagger", None) is not None:
        recognizer.tagger.cache.clear()


def _run(name: str, label: str, tag, sentences: list[list[str]]) -> float:
    """Tag once; print tokens per second (wall and CPU); return the CPU seconds."""
    tokens = sum(len(s) for s in sentences)
    began, cpu = time.perf_counter(), time.process_time()
    tag(sentences)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    print(f"{name:<24} {label:<10} {len(sentences)} sentences, {tokens} tokens: "
          f"{tokens / seconds:,.0f} tokens/s ({tokens / cpu:,.0f} per CPU second)", flush=True)
    return cpu


if __name__ == "__main__":
    sys.exit(main())
