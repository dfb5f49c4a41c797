"""Forked children: the value comes back, a failure is an error, nothing is kept alive for them."""

import gc
import os
import time
import weakref

import pytest

from graph.errors import GraphError
from graph.forked import Child, can_fork, resident_bytes, return_freed_memory, room_to_fork, share_out, side_by_side


class _Payload:
    def __init__(self, items):
        self.items = items


def _sum_in_child(payload: _Payload) -> tuple[int, bool]:
    return sum(payload.items), gc.isenabled()


def test_the_child_reads_this_process_memory_and_sends_back_its_value():
    child = Child("adding", _sum_in_child, _Payload(list(range(1000))))
    assert child.result() == (499500, True)


def test_this_process_keeps_no_reference_to_what_only_the_child_reads():
    payload = _Payload([1, 2, 3])
    alive = weakref.ref(payload)
    child = Child("adding", _sum_in_child, payload)
    del payload
    gc.collect()
    assert alive() is None  # freed here while the child still has its copy
    assert child.result() == (6, True)


def _fail():
    raise RuntimeError("disk full")


def test_a_failing_child_is_an_error_naming_the_work(capfd):
    with pytest.raises(GraphError, match="rendering in a child process failed .exit status 1."):
        Child("rendering", _fail).result()
    assert "RuntimeError: disk full" in capfd.readouterr().err


def _die():
    os._exit(3)


def test_a_child_that_dies_without_a_value_is_an_error():
    with pytest.raises(GraphError, match="exit status 3"):
        Child("sorting", _die).result()


def test_close_stops_a_child_still_running():
    child = Child("waiting", time.sleep, 60)
    start = time.monotonic()
    child.close()
    assert time.monotonic() - start < 10


def test_side_by_side_runs_the_first_item_here_and_the_others_in_children_in_order():
    results = side_by_side("numbering", lambda n: (n * n, os.getpid()), [2, 3, 4])
    assert [square for square, _ in results] == [4, 9, 16]
    pids = [pid for _, pid in results]
    assert pids[0] == os.getpid() and len(set(pids)) == 3


def test_side_by_side_fails_when_a_child_fails(capfd):
    def work(n):
        if n == 2:
            raise RuntimeError("no room")
        return n

    with pytest.raises(GraphError, match="numbering in a child process failed"):
        side_by_side("numbering", work, [1, 2, 3])
    assert "RuntimeError: no room" in capfd.readouterr().err


def test_forking_needs_room_and_a_process_that_may_have_children(monkeypatch):
    import multiprocessing
    from types import SimpleNamespace

    assert room_to_fork() and can_fork(1) and not can_fork(0)
    assert not room_to_fork(copies=1e9)  # no machine has a billion times this process free
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    assert not can_fork(1)


def test_freed_memory_goes_back_to_the_system():
    import platform

    ones = b"\x01" * 100_000
    blocks = [bytearray(ones) for _ in range(2_000)]  # 200 MB written, from malloc below its mmap threshold
    del blocks[::2]  # the last block stays: what is freed is holes inside the heap, as after the records
    before = resident_bytes()
    if platform.libc_ver()[0] != "glibc":
        assert return_freed_memory() is False or resident_bytes() <= before
        return
    assert return_freed_memory() is True
    assert resident_bytes() < before - 50_000_000  # about 100 MB of holes handed back


def test_work_is_shared_out_biggest_first_to_the_least_loaded():
    assert share_out({"a": 1.0, "b": 9.0, "c": 5.0, "d": 3.0}, 2) == [["b"], ["c", "d", "a"]]
    assert share_out({"a": 1.0, "b": 9.0}, 1) == [["b", "a"]]
    assert share_out({"a": 1.0}, 4) == [["a"]] and share_out({}, 2) == [[]]
