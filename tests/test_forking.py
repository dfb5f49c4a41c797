"""Forked children: who may fork, and a failed child is an error, not silence."""

import multiprocessing
from types import SimpleNamespace

import pytest

from graph.errors import GraphError
from graph.forking import can_fork, join_child, start_child, stop_child


def test_one_job_or_a_pool_worker_does_not_fork(monkeypatch):
    assert not can_fork(1) and can_fork(2)
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    assert not can_fork(2)


def test_a_child_reads_this_process_memory_and_reports_through_files(tmp_path):
    unpicklable = {"reader": (line for line in ["written by the child\n"])}
    child = start_child(lambda path: path.write_text(next(unpicklable["reader"])), tmp_path / "out.txt")
    join_child(child, "writing")
    assert (tmp_path / "out.txt").read_text() == "written by the child\n"
    join_child(None, "nothing")


def test_a_failed_child_is_an_error_naming_its_work():
    child = start_child(lambda: 1 / 0)
    with pytest.raises(GraphError, match=r"scoring in a child process failed \(exit status 1\)"):
        join_child(child, "scoring")


def test_an_unwanted_child_is_stopped():
    import time

    child = start_child(time.sleep, 60)
    stop_child(child)
    assert not child.is_alive() and child.exitcode != 0
    stop_child(None)
