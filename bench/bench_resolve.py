"""Person resolution as distinct names grow: the fuzzy candidate search, old and new, in one run.

Run from the repository root::

    python bench/bench_resolve.py [--sizes 2000 8000 16000] [--json FILE]

The synthetic build corpus repeats a few hundred person names, so it never
shows what a real monitoring corpus does: tens of thousands of distinct
full names, each compared with every other for a close spelling. This
script makes N distinct full names (seeded: two given names and a family
name drawn from the person names of ``graph/models/ner_lexicon.tsv``; every
tenth is an earlier one with a letter changed), one mention each, ten to an
article, and times

* ``per name``: ``process.extract`` of each name over the names before it,
  as person resolution asked for candidates until this change;
* ``close_names``: :func:`graph.resolve.close_names`, every pair scored by
  rapidfuzz's ``cdist`` in blocks, as resolution does now (on one thread, as
  a ``--jobs 1`` build, then on two);
* ``resolve``: the whole of :func:`graph.resolve.resolve_entities` over the
  same mentions.

The candidate searches must find the same pairs (checked). Not a timed
test: compare the ratio measured in one run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process  # noqa: E402

from graph.records import Article, Document, Extraction, Kind, Mention  # noqa: E402
from graph.resolve import FUZZY_PERSON, close_names, name_key, resolve_entities  # noqa: E402

LEXICON = Path(__file__).resolve().parent.parent / "graph" / "models" / "ner_lexicon.tsv"
NAMES_PER_ARTICLE = 10
VARIANT_EVERY = 10  # every tenth name is a misspelling of an earlier one


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000, 16000])
    parser.add_argument("--json", type=Path, help="append one JSON line per size here")
    args = parser.parse_args()
    for size in args.sizes:
        result = measure(size)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        if args.json:
            with open(args.json, "a", encoding="utf-8") as out:
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


def measure(size: int) -> dict:
    names = person_names(size)
    keys = [name_key(name) for name in names]
    start = time.perf_counter()
    old = per_name_candidates(keys)
    old_seconds = time.perf_counter() - start
    start = time.perf_counter()
    new = close_names(keys)
    new_seconds = time.perf_counter() - start
    start = time.perf_counter()
    same = close_names(keys, threads=2) == new
    two_threads = time.perf_counter() - start
    earlier = {key: i for i, key in enumerate(keys)}
    same = same and all(old[key] == {c for c in new.get(key, ()) if earlier[c] < earlier[key]} for key in keys)
    extractions = as_extractions(names)
    start = time.perf_counter()
    resolution = resolve_entities(extractions)
    resolve_seconds = time.perf_counter() - start
    return {"names": size, "per_name_s": round(old_seconds, 2), "close_names_s": round(new_seconds, 2),
            "ratio": round(old_seconds / new_seconds, 1),
            "close_names_2_threads_s": round(two_threads, 2), "same_pairs": same,
            "close_pairs": sum(len(v) for v in new.values()) - len(keys), "resolve_s": round(resolve_seconds, 2),
            "persons": sum(1 for e in resolution.entities if e.kind is Kind.PERSON)}


def per_name_candidates(keys: list[str]) -> dict[str, set[str]]:
    """What ``_PersonIndex.find`` asked rapidfuzz before: each name against every name added before it."""
    found = {}
    for i, key in enumerate(keys):
        close = process.extract(key, keys[:i], scorer=fuzz.ratio, score_cutoff=FUZZY_PERSON, limit=None)
        found[key] = {choice for choice, _, _ in close}
    return found


def person_names(size: int, seed: int = 7) -> list[str]:
    """``size`` distinct three-word names from the lexicon's person names, in a seeded order."""
    given, family = set(), set()
    for line in LEXICON.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 2 or fields[1] != "PERS" or " " not in fields[0]:
            continue
        words = fields[0].split()
        given.add(words[0])
        family.add(words[-1])
    given, family = sorted(given), sorted(family)
    rng, names = random.Random(seed), {}
    while len(names) < size:
        if len(names) % VARIANT_EVERY == VARIANT_EVERY - 1:
            name = misspelt(rng.choice(list(names.values())), rng)
        else:
            name = f"{rng.choice(given)} {rng.choice(given)} {rng.choice(family)}"
        names.setdefault(name_key(name), name)
    return list(names.values())


def misspelt(name: str, rng: random.Random) -> str:
    """``name`` with one letter of a word after the first replaced: a close spelling."""
    words = name.split()
    i = rng.randrange(1, len(words))
    j = rng.randrange(len(words[i]))
    words[i] = words[i][:j] + rng.choice("ابتدرسعلمنهوي") + words[i][j + 1:]
    return " ".join(words)


def as_extractions(names: list[str]) -> list[Extraction]:
    """Ten names to an article, one mention each, offsets into the article's text."""
    extractions = []
    for first in range(0, len(names), NAMES_PER_ARTICLE):
        article_id = f"bench-{first // NAMES_PER_ARTICLE:06d}"
        group = names[first:first + NAMES_PER_ARTICLE]
        text = " . ".join(group)
        mentions, offset = [], 0
        for name in group:
            mentions.append(Mention(article_id, offset, offset + len(name), name, Kind.PERSON, 0, "neural", 0.9))
            offset += len(name) + 3
        extractions.append(Extraction(Document(Article(article_id, text), (), ()), tuple(mentions)))
    return extractions


if __name__ == "__main__":
    sys.exit(main())
