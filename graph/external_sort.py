"""Sorting more lines than memory holds: sorted runs spilled to disk, merged as they are read.

A build's union graph has millions of distinct statements per 10,000
articles. Held as Python objects (tuples of shared terms, kept in a set, then
sorted) they cost about 250 bytes each, 2 GB at 10,000 articles and more
than the machine at 100,000. As byte lines, sorted a run at a time into
temporary files and merged once, they cost one run of memory whatever the
corpus, and bytes compare in C.
"""

from __future__ import annotations

import heapq
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["ExternalSort", "RUN_LINES"]

RUN_LINES = 1_000_000
"""Distinct lines held in memory before a run is spilled (about 200 MB of N-Triples-like lines)."""


class ExternalSort:
    """Distinct byte lines in byte order, however many are added.

    Lines must end in ``\\n`` and hold no byte below ``\\x0b`` before it, so
    that a line that is a prefix of another sorts first. :meth:`merged`
    reads the lines once; the runs are deleted after it.

    >>> lines = ExternalSort(run_lines=2)
    >>> lines.extend([b"c\\n", b"a\\n", b"c\\n"])
    >>> lines.extend([b"b\\n", b"a\\n", b"ab\\n"])
    >>> list(lines.merged())
    [b'a\\n', b'ab\\n', b'b\\n', b'c\\n']
    """

    def __init__(self, run_lines: int | None = None, directory: str | Path | None = None):
        self.run_lines = run_lines or RUN_LINES
        self._directory = directory
        self._run: set[bytes] = set()
        self._spilled: list = []

    @property
    def runs(self) -> int:
        """Runs spilled to disk so far."""
        return len(self._spilled)

    def extend(self, lines: Iterable[bytes]) -> None:
        """Add ``lines`` (a run spills when it reaches ``run_lines`` distinct lines)."""
        run = self._run
        run.update(lines)
        if len(run) >= self.run_lines:
            spill = tempfile.TemporaryFile(dir=self._directory)
            spill.writelines(sorted(run))
            spill.seek(0)
            self._spilled.append(spill)
            run.clear()

    def merged(self) -> Iterator[bytes]:
        """Every distinct line once, in byte order."""
        last = sorted(self._run)
        self._run = set()
        try:
            previous = None
            for line in heapq.merge(*self._spilled, last) if self._spilled else last:
                if line != previous:
                    yield line
                    previous = line
        finally:
            self.close()

    def close(self) -> None:
        """Delete the runs."""
        for spill in self._spilled:
            spill.close()
        self._spilled = []
        self._run = set()
