"""Distributional word clusters for the CRF: words that share contexts share a cluster.

A name the tagger never saw in training often sits in a cluster with names
it did see. Vectors are the positive PMI of a word with its left and right
neighbour words, reduced by truncated SVD; k-means (seeded) cuts them into a
coarse and a fine clustering. Only unlabelled text is used, and never the
ANERcorp DEV/TEST sentences.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from graph.serialize import write_atomic
from graph.text import word_form

__all__ = ["cluster_key", "build_clusters", "build_vectors", "write_clusters", "SIZES"]

SIZES = (64, 512)
_MIN_COUNT = 3
_CONTEXTS = 4000
_DIMENSIONS = 100
_HEADER = """\
# Word clusters for the CRF named-entity recogniser (graph/recognize/crf.py).
# Built by `python -m graph train-ner --build-lexicon` from unlabelled text of
# {corpora} (CC BY-SA; this file is a derived work, CC BY-SA 4.0).
# word: normalised word; c64, c512: cluster numbers.
word\tc64\tc512
"""


def cluster_key(token: str) -> str:
    """The form clusters are keyed on: the normalised word (clitics kept).

    Stripping proclitics blindly would cut names ("بغداد" is not "ب" +
    "غداد"); the tagger looks up the word first, then its clitic variants.

    >>> cluster_key("وبالأمم")
    'وبالامم'
    """
    return word_form(token)


def build_clusters(sentences: list[tuple[str, ...]], seed: int = 13,
                   sizes: tuple[int, ...] = SIZES) -> dict[str, tuple[int, ...]]:
    """Cluster numbers per word (one per size in ``sizes``), for words seen 3+ times."""
    vocab, vectors = build_vectors(sentences, seed)
    labels = [_kmeans(vectors, k, seed) for k in sizes]
    return {w: tuple(int(lab[i]) for lab in labels) for i, w in enumerate(vocab)}


def build_vectors(sentences: list[tuple[str, ...]], seed: int = 13, dimensions: int = _DIMENSIONS,
                  min_count: int = _MIN_COUNT) -> tuple[list[str], np.ndarray]:
    """Sorted words seen ``min_count``+ times and their unit PPMI/SVD vectors (rounded, seeded).

    >>> words, vectors = build_vectors([("a", "b", "a", "b", "a", "c")] * 3, dimensions=2)
    >>> words, vectors.shape
    (['a', 'b', 'c'], (3, 2))
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import svds

    stems = [[cluster_key(t) for t in s] for s in sentences]
    counts = Counter(w for s in stems for w in s)
    vocab = sorted(w for w, c in counts.items() if c >= min_count)
    index = {w: i for i, w in enumerate(vocab)}
    contexts = [w for w, _ in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:_CONTEXTS]]
    cindex = {w: i for i, w in enumerate(contexts)}
    pairs: Counter = Counter()
    for s in stems:
        padded = ["<s>", *s, "</s>"]
        for i in range(1, len(padded) - 1):
            row = index.get(padded[i])
            if row is None:
                continue
            for side, neighbour in ((0, padded[i - 1]), (1, padded[i + 1])):
                col = cindex.get(neighbour)
                if col is not None:
                    pairs[row, side * _CONTEXTS + col] += 1
    rows, cols = zip(*pairs) if pairs else ((), ())
    matrix = coo_matrix((np.fromiter(pairs.values(), float), (rows, cols)),
                        shape=(len(vocab), 2 * _CONTEXTS)).tocsr()
    return vocab, _svd(_ppmi(matrix), svds, min(dimensions, min(matrix.shape) - 1), seed)


def write_clusters(path: Path, sentences: list[tuple[str, ...]], corpora: str) -> int:
    """Build clusters and write them as TSV; returns the number of words."""
    clusters = build_clusters(sentences)
    body = "".join(f"{w}\t" + "\t".join(map(str, c)) + "\n" for w, c in sorted(clusters.items()))
    write_atomic(Path(path), _HEADER.format(corpora=corpora) + body)
    return len(clusters)


def _ppmi(matrix):
    total = matrix.sum()
    row = np.asarray(matrix.sum(axis=1)).ravel()
    col = np.asarray(matrix.sum(axis=0)).ravel() ** 0.75
    col = col / col.sum()
    coo = matrix.tocoo()
    pmi = np.log(coo.data * 1.0 / total / (row[coo.row] / total) / np.maximum(col[coo.col], 1e-12))
    keep = pmi > 0
    from scipy.sparse import coo_matrix

    return coo_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape).tocsr()


def _svd(matrix, svds, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    u, s, _ = svds(matrix, k=k, v0=rng.standard_normal(min(matrix.shape)))
    order = np.argsort(-s)  # fixed component order and sign: ARPACK fixes neither
    u, s = u[:, order], s[order]
    u = u * np.sign(u[np.argmax(np.abs(u), axis=0), np.arange(u.shape[1])])
    vectors = u * np.sqrt(s)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.round(vectors / np.maximum(norms, 1e-12), 5)  # float noise must not flip a cluster


def _kmeans(x: np.ndarray, k: int, seed: int, rounds: int = 25) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = x[rng.choice(len(x), size=min(k, len(x)), replace=False)]
    labels = np.zeros(len(x), dtype=int)
    for _ in range(rounds):
        labels = np.argmax(x @ centres.T, axis=1)
        for c in range(len(centres)):
            members = x[labels == c]
            if len(members):
                centre = members.mean(axis=0)
                centres[c] = centre / max(np.linalg.norm(centre), 1e-12)
    return labels
