"""Work handed to a forked child on the second core.

A forked child reads this process's memory as it is (millions of
statements, an rdflib graph, the analysis) without anything being pickled
to it, and reports only through the files it writes: the rendered named
graphs, the pages. Where processes cannot fork, or this process is a pool
worker (which may not start children), the caller does the work itself.
"""

from __future__ import annotations

import multiprocessing
import sys
from typing import Callable

from graph.errors import GraphError

__all__ = ["can_fork", "start_child", "join_child", "stop_child"]


def can_fork(jobs: int) -> bool:
    """Whether ``jobs`` allows a second process and this one may fork it."""
    return (jobs > 1 and "fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)


def start_child(target: Callable, *args) -> multiprocessing.Process:
    """``target(*args)`` in a forked child, started (check :func:`can_fork` first)."""
    for stream in (sys.stdout, sys.stderr):  # or the child prints what this process has buffered
        stream.flush()
    child = multiprocessing.get_context("fork").Process(target=target, args=args, daemon=True)
    child.start()
    return child


def join_child(child: multiprocessing.Process | None, what: str) -> None:
    """Wait for ``child`` (None: nothing to wait for); a failed child is an error naming ``what`` it did."""
    if child is None:
        return
    child.join()
    if child.exitcode != 0:
        raise GraphError(f"{what} in a child process failed (exit status {child.exitcode}); "
                         "see the error above, or build with --jobs 1")


def stop_child(child: multiprocessing.Process | None) -> None:
    """End ``child`` if it is still running: its work is no longer wanted."""
    if child is not None:
        child.terminate()
        child.join()
