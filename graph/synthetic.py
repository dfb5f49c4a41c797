"""Synthetic corpora for benchmarks: real Arabic sentences, recombined into N articles.

Paragraphs come from two real sources: the body paragraphs of the seed
articles (``seeds/``) and ANERCorp sentences (CoNLL tokens, one a line),
detokenised into running text and grouped into paragraphs of consecutive
sentences. Article ``i`` is drawn from a generator seeded with
``(seed, i)`` alone, so it is the same in every corpus size: the first 1,000
articles of a 10,000-article corpus are the 1,000-article corpus.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from functools import lru_cache
from pathlib import Path

from graph.errors import GraphError
from graph.train_ner import CORPORA_DIR

__all__ = ["make_corpus", "make_article", "detokenize", "ANERCORP", "SEEDS"]

_ROOT = Path(__file__).resolve().parent.parent
SEEDS = _ROOT / "seeds"
ANERCORP = CORPORA_DIR / "anercorp" / "ANERCorp_CamelLab_train.txt"
_NO_SPACE_BEFORE = {".", ",", "،", ":", ";", "!", "?", "؟", ")", "»", "%", "؛"}
_NO_SPACE_AFTER = {"(", "«"}
_MIN_SEED_WORDS = 20
_SHARD = 1000


def make_corpus(n: int, out_dir: str | Path, *, seed: int = 0, jsonl: bool = False,
                anercorp: str | Path = ANERCORP, seeds: str | Path = SEEDS) -> list[Path]:
    """Write ``n`` articles to ``out_dir`` (``synth-NNNNNN.txt``, or JSON Lines shards of 1,000).

    >>> import tempfile
    >>> paths = make_corpus(3, tempfile.mkdtemp())
    >>> [p.name for p in paths]
    ['synth-000000.txt', 'synth-000001.txt', 'synth-000002.txt']
    """
    if n < 0:
        raise GraphError(f"the number of articles must be positive, not {n}")
    pool = _paragraph_pool(str(anercorp), str(seeds))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not jsonl:
        paths = [out / f"synth-{i:06d}.txt" for i in range(n)]
        for i, path in enumerate(paths):
            record = make_article(i, pool, seed)
            path.write_text(f"{record['title']}\n\n{record['published']}\n\n{record['text']}\n", encoding="utf-8")
        return paths
    paths = []
    for start in range(0, n, _SHARD):
        path = out / f"synth-{start // _SHARD:05d}.jsonl"
        lines = (json.dumps(make_article(i, pool, seed), ensure_ascii=False) for i in range(start, min(n, start + _SHARD)))
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        paths.append(path)
    return paths


def make_article(i: int, pool: tuple[tuple[str, ...], tuple[str, ...]], seed: int = 0) -> dict:
    """Article ``i`` as a JSON Lines record: id, title, published, text."""
    rng = random.Random(f"{seed}:{i}")
    seed_paragraphs, sentences = pool
    paragraphs = []
    for _ in range(rng.randint(3, 7)):
        if seed_paragraphs and rng.random() < 0.35:
            paragraphs.append(rng.choice(seed_paragraphs))
        else:
            start = rng.randrange(len(sentences))
            paragraphs.append(" ".join(sentences[start:start + rng.randint(2, 5)]))
    title = " ".join(rng.choice(sentences).split()[:rng.randint(6, 12)]).rstrip(".،,")
    published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
    return {"id": f"synth-{i:06d}", "title": title, "published": published.isoformat(),
            "text": "\n\n".join(paragraphs)}


def detokenize(tokens: list[str]) -> str:
    """CoNLL tokens back into running text (punctuation attached, quotes paired).

    >>> detokenize(["قال", "(", "أ", ")", ":", "\\"", "نعم", "\\"", "."])
    'قال (أ): "نعم".'
    """
    out: list[str] = []
    open_quote = False
    glue = True
    for token in tokens:
        if token == '"':
            open_quote = not open_quote
            out.append(token if glue or not open_quote else " " + token)
            glue = open_quote
            continue
        out.append(token if glue or token in _NO_SPACE_BEFORE else " " + token)
        glue = token in _NO_SPACE_AFTER
    return "".join(out).strip()


@lru_cache(maxsize=2)
def _paragraph_pool(anercorp: str, seeds: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(seed body paragraphs, ANERCorp sentences), read once."""
    path = Path(anercorp)
    if not path.is_file():
        raise GraphError(f"{path}: ANERCorp not found; pass --anercorp PATH")
    sentences, tokens = [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            tokens.append(line.split()[0])
        elif tokens:
            sentences.append(detokenize(tokens))
            tokens = []
    paragraphs = []
    for seed_file in sorted(Path(seeds).glob("*.txt")):
        for paragraph in re.split(r"\n\s*\n", seed_file.read_text(encoding="utf-8")):
            if len(paragraph.split()) >= _MIN_SEED_WORDS:
                paragraphs.append(" ".join(paragraph.split()))
    return tuple(paragraphs), tuple(s for s in sentences if len(s.split()) >= 3)
