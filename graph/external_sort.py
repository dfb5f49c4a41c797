"""Sorting more lines than memory holds: sorted runs spilled to disk, merged as they are read.

A build's union graph has millions of distinct statements per 10,000
articles. Held as Python objects (tuples of shared terms, kept in a set, then
sorted) they cost about 250 bytes each, 2 GB at 10,000 articles and more
than the machine at 100,000. As byte lines, sorted a run at a time into
temporary files and merged once, they cost one run of memory whatever the
corpus, and bytes compare in C.

The runs of one sorter are consecutive segments of one spill file, so a
forked process can sort its share of the lines into a file its parent
opened and hand back only where each run starts and ends
(:meth:`ExternalSort.spill` and :meth:`ExternalSort.adopt`).

Runs are merged a block at a time, not a line at a time: every line up to
the smallest last line of the blocks in hand is sorted and deduplicated in
C, so a line costs no Python step (a line-by-line ``heapq.merge`` was
about a microsecond a line, seconds for a 10,000-article union).

The merge can also be cut into ranges of lines (:meth:`ExternalSort.pivots`,
then ``merged_blocks(low, high)``), found in each sorted run by bisection,
so that processes merge one range each: the ranges in order are the merge.
"""

from __future__ import annotations

import io
import os
import tempfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["ExternalSort", "RUN_LINES", "Segment"]

RUN_LINES = 1_000_000
"""Distinct lines held in memory before a run is spilled (about 200 MB of N-Triples-like lines)."""
_READ = 1 << 20
_BLOCK_LINES = 8192
_SCAN = 1 << 16  # bytes of a run below which bisection reads them and bisects in memory
_SAMPLE = 1 << 20  # a run is sampled for pivots once every this many bytes

Segment = tuple[int, int]
"""Where a run lies in its spill file: ``(start, end)`` byte offsets."""


class ExternalSort:
    """Distinct byte lines in byte order, however many are added.

    Lines must end in ``\\n`` and hold no byte below ``\\x0b`` before it, so
    that a line that is a prefix of another sorts first. :meth:`merged` (or
    :meth:`merged_blocks`) reads the lines once; the runs are deleted after it.

    >>> lines = ExternalSort(run_lines=2)
    >>> lines.extend([b"c\\n", b"a\\n", b"c\\n"])
    >>> lines.extend([b"b\\n", b"a\\n", b"ab\\n"])
    >>> list(lines.merged())
    [b'a\\n', b'ab\\n', b'b\\n', b'c\\n']
    """

    def __init__(self, run_lines: int | None = None, directory: str | Path | None = None,
                 spill_file: BinaryIO | None = None):
        self.run_lines = run_lines or RUN_LINES
        self._directory = directory
        self._run: list[bytes] = []  # distinct, in sorted stretches
        self._seen: set[bytes] = set()
        self._file = spill_file
        self._runs: list[tuple[BinaryIO, Segment]] = []
        self._adopted: list[BinaryIO] = []

    @property
    def runs(self) -> int:
        """Runs spilled to disk so far (adopted ones included)."""
        return len(self._runs)

    def extend(self, lines: Iterable[bytes]) -> None:
        """Add ``lines`` (a run spills when it reaches ``run_lines`` distinct lines)."""
        self.extend_sorted(sorted(set(lines)))

    def extend_sorted(self, lines: list[bytes], new: bool = False) -> None:
        """Add distinct ``lines`` already in byte order (a named graph's, in a build); ``new`` when
        no line was added before nor will be again (a graph's own nodes), so none is looked up.

        The run keeps them in that order, less those it holds: sorting runs
        added in order takes a few comparisons a line (Timsort merges them),
        where sorting a set's lines took about 20 and a fifth of making the
        statements at 1,000 articles. Looking every line up in the set of the
        run's was most of the rest at 10,000 articles (py-spy).
        """
        if not new:
            fresh = set(lines) - self._seen
            if len(fresh) < len(lines):
                lines = [line for line in lines if line in fresh]
            self._seen |= fresh
        self._run += lines
        if len(self._run) >= self.run_lines:
            self._spill_run()

    def spill(self) -> list[Segment]:
        """Spill what memory holds and return every run's segment of the spill file (for :meth:`adopt`)."""
        if self._run:
            self._spill_run()
        return [segment for _, segment in self._runs]

    def adopt(self, spill_file: BinaryIO, segments: Iterable[Segment]) -> None:
        """Merge the sorted runs another sorter :meth:`spill`-ed into ``spill_file`` with these;
        the file is closed with this sorter's runs."""
        self._adopted.append(spill_file)
        self._runs.extend((spill_file, segment) for segment in segments)

    def merged(self) -> Iterator[bytes]:
        """Every distinct line once, in byte order."""
        for block in self.merged_blocks():
            yield from io.BytesIO(block)  # splits at b"\\n" only, in C

    def merged_blocks(self, low: bytes | None = None, high: bytes | None = None) -> Iterator[bytes]:
        """Every distinct line once, in byte order, in blocks of whole lines; only lines from ``low``
        (included) to ``high`` (excluded) when given, for one of the ranges :meth:`pivots` cuts."""
        self._run.sort()
        run = self._run[0 if low is None else bisect_left(self._run, low):
                        len(self._run) if high is None else bisect_left(self._run, high)]
        last = _blocks(run)
        self._run, self._seen = [], set()
        try:
            if self._runs:
                yield from _merge_blocks([*(_segment_blocks(file.fileno(), *_within(file.fileno(), *segment, low, high))
                                            for file, segment in self._runs), last])
            else:
                yield from last
        finally:
            self.close()

    def pivots(self, parts: int) -> list[bytes]:
        """``parts - 1`` lines that cut the lines into ``parts`` ranges of about equal size
        (fewer when there are too few lines), for ``merged_blocks(low, high)``: sampled,
        every ``_SAMPLE`` bytes of each spilled run and as often in memory."""
        self._run.sort()
        samples = [line for file, segment in self._runs for line in _samples(file.fileno(), *segment)]
        in_memory = sum(map(len, self._run))
        step = max(1, len(self._run) * _SAMPLE // max(in_memory, 1))
        samples = sorted({*samples, *self._run[::step]})
        return [samples[len(samples) * i // parts] for i in range(1, parts)] if len(samples) >= parts else []

    def close(self) -> None:
        """Delete the runs."""
        for file in {id(f): f for f in [*self._adopted, *([self._file] if self._file else [])]}.values():
            file.close()
        self._runs, self._adopted, self._file = [], [], None
        self._run, self._seen = [], set()

    def _spill_file(self) -> BinaryIO:
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self._directory)
        return self._file

    def _spill_run(self) -> None:
        file = self._spill_file()
        start = file.seek(0, os.SEEK_END)
        self._run.sort()
        file.writelines(_blocks(self._run))
        file.flush()  # runs are read with os.pread, past the buffer
        self._runs.append((file, (start, file.tell())))
        self._run, self._seen = [], set()


def _blocks(lines: list[bytes]) -> Iterator[bytes]:
    """Lines joined into blocks."""
    for start in range(0, len(lines), _BLOCK_LINES):
        yield b"".join(lines[start:start + _BLOCK_LINES])


def _segment_blocks(fd: int, start: int, end: int) -> Iterator[bytes]:
    """Bytes ``start`` to ``end`` of file ``fd`` in blocks of whole lines, read without moving its offset."""
    rest = b""
    while start < end:
        block = os.pread(fd, min(_READ, end - start), start)
        if not block:
            break
        start += len(block)
        cut = block.rfind(b"\n") + 1
        if cut:
            yield rest + block[:cut]
            rest = block[cut:]
        else:
            rest += block
    if rest:
        yield rest


def _samples(fd: int, start: int, end: int) -> Iterator[bytes]:
    """A line of the sorted run ``start``-``end`` of file ``fd`` every ``_SAMPLE`` bytes."""
    for at in range(start, end, _SAMPLE):
        line = _line_from(fd, _line_start(fd, at, end) if at > start else start, end)
        if line:
            yield line


def _within(fd: int, start: int, end: int, low: bytes | None, high: bytes | None) -> Segment:
    """The part of a sorted run ``start``-``end`` of file ``fd`` whose lines lie from ``low`` to ``high``."""
    return (start if low is None else _first_from(fd, start, end, low),
            end if high is None else _first_from(fd, start, end, high))


def _first_from(fd: int, start: int, end: int, key: bytes) -> int:
    """Where the first line not below ``key`` starts in the sorted run ``start``-``end`` (``end`` if none).

    Bisects byte offsets, reading one line at each, down to ``_SCAN`` bytes,
    read whole and bisected as lines.
    """
    while end - start > _SCAN:
        middle = _line_start(fd, (start + end) // 2, end)
        if middle >= end:
            break
        line = _line_from(fd, middle, end)
        if line < key:
            start = middle + len(line)
        else:
            end = middle
    lines = io.BytesIO(os.pread(fd, end - start, start)).readlines()
    return start + sum(map(len, lines[:bisect_left(lines, key)]))


def _line_start(fd: int, at: int, end: int) -> int:
    """The first line start at or after ``at`` (a line starts after each newline), ``end`` if none before it."""
    while at < end:
        block = os.pread(fd, min(_READ, end - at + 1), at - 1)
        cut = block.find(b"\n")
        if cut >= 0:
            return at + cut
        at += len(block)
    return end


def _line_from(fd: int, at: int, end: int) -> bytes:
    """The line starting at ``at`` (b"" at ``end``)."""
    pieces, size = [], 4096
    while at < end:
        block = os.pread(fd, min(size, end - at), at)
        cut = block.find(b"\n")
        pieces.append(block if cut < 0 else block[:cut + 1])
        if cut >= 0 or not block:
            break
        at, size = at + len(block), min(2 * size, _READ)
    return b"".join(pieces)


def _merge_blocks(streams: list[Iterator[bytes]]) -> Iterator[bytes]:
    """Blocks of the distinct lines of streams of blocks of sorted, distinct lines (runs), in order.

    Each round takes, from every stream's block in hand, the lines up to the
    smallest last line among them: no line still unread can sort before it,
    so they are the next lines of the merge. The stream that set the bound
    is emptied, and its next block read.
    """
    hands = [hand for hand in (_next_lines(stream) for stream in streams) if hand]
    while hands:
        bound = min(lines[-1] for lines, _, _ in hands)
        pieces = []
        for i, (lines, start, stream) in enumerate(hands):
            cut = bisect_right(lines, bound, start)
            if cut > start:
                pieces.append(lines[start:cut])
            hands[i] = (lines, cut, stream) if cut < len(lines) else _next_lines(stream)
        hands = [hand for hand in hands if hand]
        yield b"".join(pieces[0] if len(pieces) == 1 else _distinct(pieces))


def _distinct(pieces: list[list[bytes]]) -> Iterable[bytes]:
    """The distinct lines of sorted pieces, in order: only pieces of different runs can share a line.

    A round whose lines all come from one run (the statements of the
    articles in it: most of a build's lines) is joined as it is, neither
    sorted nor hashed.
    """
    taken = []
    for piece in pieces:
        taken += piece
    taken.sort()
    return dict.fromkeys(taken)


def _next_lines(stream: Iterator[bytes]) -> tuple[list[bytes], int, Iterator[bytes]] | None:
    """The lines of the stream's next block, from the first, and the stream; None once it is read."""
    block = next(stream, b"")
    return (io.BytesIO(block).readlines(), 0, stream) if block else None
