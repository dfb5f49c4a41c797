"""Work in forked children that read this process's memory instead of being sent it.

After extraction a build holds the records, the resolution and the
statements' sources in memory; a forked child sees all of it at no cost
(pages are shared until written) and sends back only a small result. Two
things keep the sharing real: the cyclic garbage collector is kept off the
inherited objects (``gc.freeze``: a collection in the child would write to
every object's header and copy every page), and a child starts only when
memory has room for the pages it may still copy (:func:`room_to_fork`).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence, TypeVar

from graph.errors import GraphError

__all__ = ["Child", "can_fork", "resident_bytes", "return_freed_memory", "room_to_fork", "share_out", "side_by_side"]


def can_fork(children: int = 1, share: float = 1.0) -> bool:
    """Whether ``children`` forked children fit, each copying at most ``share`` of this process.

    Not where processes cannot fork, nor in a daemonic process (a pool
    worker may not have children), nor without room in memory.
    """
    if children < 1 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    if multiprocessing.current_process().daemon:
        return False
    return room_to_fork(children * share)


def room_to_fork(copies: float = 1.0) -> bool:
    """Whether available memory exceeds ``copies`` times this process's resident size.

    A child comes to hold its own copy of the pages it touches (reading an
    object writes its reference count). At 100,000 articles a child that
    read everything beside a parent that went on growing did not fit in
    24 GB. Where memory cannot be read (not Linux), assume room.
    """
    try:
        meminfo = Path("/proc/meminfo").read_text()
        available = int(meminfo.split("MemAvailable:")[1].split()[0]) * 1024
        resident = resident_bytes()
    except (OSError, ValueError, IndexError):
        return True
    return available > copies * resident


def resident_bytes() -> int:
    """This process's resident size (Linux ``/proc/self/statm``); OSError elsewhere."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def return_freed_memory() -> bool:
    """Give the C allocator's free pages back to the system (glibc's ``malloc_trim``); False where there is none.

    Once the statements are made the build lets go of its extraction
    records, but the memory they held stays resident: at 10,000 articles
    the build process held 1,109 MB with 109,000 live objects left, 880 MB
    once trimmed, and its peak fell from 2,444 to 2,264 MB. Forked children
    and the analysis graph come after, so every page given back counts.
    """
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library already loaded; no ldconfig run to find it
    except (OSError, AttributeError):
        return False
    trim(0)
    return True


class Child:
    """``target(*args)`` run in a forked child; :meth:`result` waits for what it returned.

    The value comes back pickled through a pipe, so keep it small (file
    offsets, counts): large results belong in files the parent opened
    before the fork. A child that fails is an error naming ``what``; its
    traceback is on stderr. The parent keeps no reference to ``args``, so
    what only the child needs can be freed here while it runs.
    """

    def __init__(self, what: str, target: Callable[..., Any], *args):
        self.what = what
        for stream in (sys.stdout, sys.stderr):  # or the child prints what this process has buffered
            stream.flush()
        receive, send = os.pipe()
        gc.freeze()
        try:
            self._pid = os.fork()
        finally:
            gc.unfreeze()
        if self._pid == 0:
            os.close(receive)
            _run_child(send, target, args)
        os.close(send)
        self._receive = os.fdopen(receive, "rb")

    def result(self) -> Any:
        """Wait for the child and return its value; GraphError if it failed."""
        data = self._receive.read()
        self._receive.close()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        code = os.waitstatus_to_exitcode(status)
        if code != 0 or not data:
            raise GraphError(f"{self.what} in a child process failed (exit status {code}); "
                             "see the error above, or build with --jobs 1")
        return pickle.loads(data)

    def close(self) -> None:
        """Stop the child if it still runs (a build that failed elsewhere)."""
        if self._pid is not None:
            os.kill(self._pid, signal.SIGTERM)
            os.waitpid(self._pid, 0)
            self._pid = None
        self._receive.close()


_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def side_by_side(what: str, work: Callable[[_Item], _Result], items: Sequence[_Item]) -> list[_Result]:
    """``work(item)`` of every item at once: the first here, each other in a forked :class:`Child`
    (call :func:`can_fork` first); the results in the items' order.

    >>> side_by_side("squaring", lambda n: n * n, [2, 3])
    [4, 9]
    """
    children = [Child(what, work, item) for item in items[1:]]
    try:
        first = work(items[0])
        return [first, *(child.result() for child in children)]
    finally:
        for child in children:
            child.close()


def share_out(work: Mapping[str, float], parts: int) -> list[list[str]]:
    """The names of ``work`` in ``parts`` groups (at most one a name) of about equal work, for as
    many processes to run side by side: each name, most work first, to the group with the least so far.

    >>> share_out({"a": 1.0, "b": 9.0, "c": 5.0, "d": 3.0}, 2)
    [['b'], ['c', 'd', 'a']]
    """
    groups: list[list[str]] = [[] for _ in range(max(min(parts, len(work)), 1))]
    load = [0.0] * len(groups)
    for name in sorted(work, key=lambda name: (-work[name], name)):
        least = load.index(min(load))
        groups[least].append(name)
        load[least] += work[name]
    return groups


def _run_child(send: int, target: Callable[..., Any], args: tuple) -> None:
    """The child's whole life: run, send the pickled value, leave without running the parent's exit handlers."""
    code = 1
    try:
        with os.fdopen(send, "wb") as out:
            out.write(pickle.dumps(target(*args), protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    except BaseException:  # noqa: BLE001 - anything, reported, is this child's failure
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)
