"""A bounded per-token cache of float rows: the neural tagger's input projections.

News repeats words (Zipf), so most tokens of a text were seen before; each
row is 4 KB for the shipped model, so the cache is bounded and reuses its
least recently used rows.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable

import numpy as np

__all__ = ["ProjectionCache"]


class ProjectionCache:
    """Per token string, its projection row and a value kept with it (the tagger keeps the word's
    clitic variants); the least recently used rows are reused when full.

    A row is held in ``parts`` equal parts, ``table[part, slot]`` (the tagger's two
    directions), so that each part of many rows is gathered from one contiguous array.

    >>> cache = ProjectionCache(2, 4, parts=2)
    >>> slots, kept = cache.lookup(["a", "b", "a"], lambda new: (np.array([[ord(t)] * 4 for t in new], np.float32), new))
    >>> cache.table[1, slots, 0].tolist(), kept, cache.hits, cache.misses
    ([97.0, 98.0, 97.0], ('a', 'b', 'a'), 1, 2)
    """

    def __init__(self, capacity: int, width: int, parts: int = 1):
        self.capacity = capacity
        self.table = np.empty((parts, capacity, width // parts), dtype=np.float32)
        self._entry: OrderedDict[str, tuple[int, object]] = OrderedDict()
        self.hits = self.misses = 0

    def clear(self) -> None:
        self._entry.clear()
        self.hits = self.misses = 0

    def lookup(self, tokens: list[str], compute: Callable[[list[str]], tuple[np.ndarray, list]]) -> tuple[np.ndarray, tuple]:
        """Per token, its row of ``table`` and its kept value. ``compute`` gives the rows and
        values of the new distinct tokens; the table grows when one call has more distinct
        tokens than it holds."""
        distinct = dict.fromkeys(tokens)
        if len(distinct) > self.capacity:
            self._grow(len(distinct))
        new = []
        recent = self._entry.move_to_end
        for token in distinct:  # held rows become the most recent: none of them is reused below
            try:
                recent(token)
            except KeyError:
                new.append(token)
        if new:
            self._keep(new, *compute(new))
        self.hits, self.misses = self.hits + len(tokens) - len(new), self.misses + len(new)
        slots, kept = zip(*map(self._entry.__getitem__, tokens))
        return np.array(slots, dtype=np.int64), kept

    def _keep(self, tokens: list[str], rows: np.ndarray, values) -> None:
        entry = self._entry
        for token, row, value in zip(tokens, rows, values):
            s = len(entry) if len(entry) < self.capacity else entry.popitem(last=False)[1][0]
            entry[token] = (s, value)
            self.table[:, s] = row.reshape(len(self.table), -1)

    def _grow(self, capacity: int) -> None:
        table = np.empty((len(self.table), capacity, self.table.shape[2]), dtype=np.float32)
        table[:, :self.capacity] = self.table
        self.table, self.capacity = table, capacity
