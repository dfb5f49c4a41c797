"""A bounded per-token cache of float rows: the neural tagger's input projections.

News repeats words (Zipf), so most tokens of a text were seen before; each
row is 4 KB for the shipped model, so the cache is bounded and reuses its
least recently used rows.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["ProjectionCache"]


class ProjectionCache:
    """Per token string, its projection row and a value kept with it (the tagger keeps the word's
    clitic variants); the least recently used rows are reused when full.

    A row is held in ``parts`` equal parts, ``table[part, slot]`` (the tagger's two
    directions), so that each part of many rows is gathered from one contiguous array.
    Recency is a stamp per slot (the number of the lookup that last read it), set for
    all of a lookup's slots at once; when the table is full, the oldest rows are freed
    by the ``capacity // 64`` (at least as many as are needed), so that finding them is
    rare.

    >>> cache = ProjectionCache(2, 4, parts=2)
    >>> slots, kept = cache.lookup(["a", "b", "a"], lambda new: (np.array([[ord(t)] * 4 for t in new], np.float32), new))
    >>> cache.table[1, slots, 0].tolist(), kept, cache.hits, cache.misses
    ([97.0, 98.0, 97.0], ('a', 'b', 'a'), 1, 2)
    """

    def __init__(self, capacity: int, width: int, parts: int = 1):
        self.capacity = capacity
        self.table = np.empty((parts, capacity, width // parts), dtype=np.float32)
        self.clear()

    def clear(self) -> None:
        self._slot: dict[str, int] = {}
        self._token: list[str | None] = [None] * self.capacity
        self._value: list = [None] * self.capacity
        self._stamp = np.zeros(self.capacity, dtype=np.int64)
        self._free = list(range(self.capacity - 1, -1, -1))  # popped from the end: lowest slot first
        self._lookups = self.hits = self.misses = 0

    def lookup(self, tokens: list[str], compute: Callable[[list[str]], tuple[np.ndarray, list]]) -> tuple[np.ndarray, tuple]:
        """Per token, its row of ``table`` and its kept value. ``compute`` gives the rows and
        values of the new distinct tokens; the table grows when one call has more distinct
        tokens than it holds."""
        self._lookups += 1
        found = list(map(self._slot.get, tokens))
        new = list(dict.fromkeys(t for t, s in zip(tokens, found) if s is None)) if None in found else []
        if new:
            held = [s for s in found if s is not None]
            if len(held) + len(new) > self.capacity:
                self._grow(len(held) + len(new))
            self._stamp[held] = self._lookups  # held rows are the most recent: none of them is freed
            self._keep(new, *compute(new))
            found = list(map(self._slot.__getitem__, tokens))
        slots = np.array(found, dtype=np.int64)
        self._stamp[slots] = self._lookups
        self.hits, self.misses = self.hits + len(tokens) - len(new), self.misses + len(new)
        return slots, tuple(map(self._value.__getitem__, found))

    def _keep(self, tokens: list[str], rows: np.ndarray, values) -> None:
        if len(self._free) < len(tokens):
            self._free_oldest(max(len(tokens) - len(self._free), self.capacity // 64))
        for token, row, value in zip(tokens, rows, values):
            s = self._free.pop()
            self._slot[token], self._token[s], self._value[s] = s, token, value
            self.table[:, s] = row.reshape(len(self.table), -1)

    def _free_oldest(self, count: int) -> None:
        """Free up to ``count`` least recently read rows (ties: the lowest slot first), none
        that the current lookup reads."""
        held = np.array([s for s, t in enumerate(self._token) if t is not None], dtype=np.int64)
        held = held[self._stamp[held] < self._lookups]
        oldest = held[np.lexsort((held, self._stamp[held]))[:count]]
        for s in oldest.tolist()[::-1]:
            del self._slot[self._token[s]]
            self._token[s] = self._value[s] = None
            self._free.append(s)

    def _grow(self, capacity: int) -> None:
        table = np.empty((len(self.table), capacity, self.table.shape[2]), dtype=np.float32)
        table[:, :self.capacity] = self.table
        grown = range(self.capacity, capacity)
        self._token += [None] * len(grown)
        self._value += [None] * len(grown)
        self._stamp = np.concatenate([self._stamp, np.zeros(len(grown), dtype=np.int64)])
        self._free = list(reversed(grown)) + self._free
        self.table, self.capacity = table, capacity
