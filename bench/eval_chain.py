"""Exact-span scores of a whole recogniser chain on ANERcorp's held-out TEST split.

Run from the repository root::

    python bench/eval_chain.py [--chain gazetteer pattern neural] [--per-document 25] [--show PERS]

What a build finds (:mod:`graph.recognize.evaluation`): sentences joined into
pseudo-articles of ``--per-document`` sentences; MISC is not scored, since the
graph has no such type. Each recogniser is also scored alone. ``--show PERS``
prints the false alarms (+) and misses (-) of one type; ``--split dev`` is the
split to tune on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.conll import evaluate, spans  # noqa: E402
from graph.recognize import DEFAULT_CHAIN  # noqa: E402
from graph.recognize.evaluation import SCORED_TYPES, chain_tags, scored_tags  # noqa: E402
from graph.train_ner import load_corpus, split_anercorp  # noqa: E402


def _report(name: str, gold, predicted) -> None:
    scores = evaluate(gold, predicted)
    cells = [f"{t or 'micro'} P {p:.3f} R {r:.3f} F1 {f:.3f}"
             for t in (None, *SCORED_TYPES) for p, r, f in [scores.prf(t)]]
    print(f"{name:28s} " + " | ".join(cells))


def _show(gold_sentences, predicted, kind: str) -> None:
    for sentence, tags in zip(gold_sentences, predicted):
        gold = {s for s in spans(scored_tags(sentence.tags)) if s[0] == kind}
        found = {s for s in spans(tags) if s[0] == kind}
        for label, wrong in (("+", found - gold), ("-", gold - found)):
            for _, a, b in sorted(wrong, key=lambda s: s[1]):
                print(label, " ".join(sentence.tokens[a:b]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chain", nargs="+", default=list(DEFAULT_CHAIN))
    parser.add_argument("--per-document", type=int, default=25)
    parser.add_argument("--show", choices=SCORED_TYPES)
    parser.add_argument("--split", choices=("dev", "test"), default="test",
                        help="ANERcorp's DEV tenth (to tune on) or TEST tenth (to report)")
    args = parser.parse_args()
    sentences = getattr(split_anercorp(load_corpus("anercorp")), args.split)
    gold = [scored_tags(s.tags) for s in sentences]
    chain = tuple(args.chain)
    runs = [(" + ".join(chain), chain)] + ([(name, (name,)) for name in chain] if len(chain) > 1 else [])
    for name, links in runs:
        predicted = chain_tags(sentences, links, args.per_document)
        _report(name, gold, predicted)
        if args.show and links == chain:
            _show(sentences, predicted, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
