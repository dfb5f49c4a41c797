"""Sorted runs on disk, merged: the same lines as sorting them all in memory."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.external_sort import ExternalSort

_TEXT = st.text(st.characters(min_codepoint=0x0B, exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=200, deadline=None)
@given(batches=st.lists(st.lists(_TEXT, max_size=30), max_size=8), run_lines=st.integers(1, 40))
def test_merged_runs_are_the_distinct_lines_in_byte_order(batches, run_lines, tmp_path_factory):
    lines = ExternalSort(run_lines, directory=tmp_path_factory.getbasetemp())
    for batch in batches:
        lines.extend(f"{text}\n".encode() for text in batch)
    everything = {f"{text}\n".encode() for batch in batches for text in batch}
    assert list(lines.merged()) == sorted(everything)


def test_lines_past_a_run_go_to_disk_and_memory_keeps_one_run(tmp_path):
    lines = ExternalSort(run_lines=10, directory=tmp_path)
    for start in range(0, 100, 5):
        lines.extend(b"%03d\n" % i for i in range(start, start + 5))
    assert lines.runs == 10 and len(list(tmp_path.iterdir())) == 0  # unnamed temporary files
    assert list(lines.merged()) == [b"%03d\n" % i for i in range(100)]
    assert lines.runs == 0


def test_a_prefix_sorts_before_the_lines_it_starts():
    """Fields end in a tab or the newline, both below any byte a term prints, as in tuple order."""
    lines = ExternalSort(run_lines=2)
    lines.extend([b"ab\t1\n", b"a\t2\n", b"a b\t0\n", b"a\t1\n"])
    assert list(lines.merged()) == [b"a\t1\n", b"a\t2\n", b"a b\t0\n", b"ab\t1\n"]


@settings(max_examples=100, deadline=None)
@given(shares=st.lists(st.lists(_TEXT, max_size=30), min_size=1, max_size=4), run_lines=st.integers(1, 20))
def test_runs_spilled_by_other_sorters_and_adopted_merge_as_one(shares, run_lines, tmp_path_factory):
    """What forked children do: each sorts its share into its own spill file; one sorter merges every run."""
    import tempfile

    first, *others = [ExternalSort(run_lines, spill_file=tempfile.TemporaryFile()) for _ in shares]
    for sorter, share in zip([first, *others], shares):
        sorter.extend(f"{text}\n".encode() for text in share)
    for sorter in others:
        first.adopt(sorter._file, sorter.spill())
    everything = {f"{text}\n".encode() for share in shares for text in share}
    assert list(first.merged()) == sorted(everything)


def test_a_run_longer_than_a_read_block_comes_back_whole(monkeypatch):
    import graph.external_sort

    monkeypatch.setattr(graph.external_sort, "_READ", 7)
    lines = ExternalSort(run_lines=3)
    lines.extend([b"a-long-line-%d\n" % i for i in range(9)] + [b"b\n", b"\n"])
    assert lines.runs == 1
    assert list(lines.merged()) == sorted({b"a-long-line-%d\n" % i for i in range(9)} | {b"b\n", b"\n"})


def test_runs_over_ranges_of_their_own_merge_with_the_lines_they_share():
    """A build's runs hold the statements of consecutive articles (ranges no other run has) and shared
    lines (entities) that several runs repeat: each block from one run alone is kept as it is."""
    lines = ExternalSort(run_lines=6)
    for run in range(4):
        lines.extend([b"article-%d-%d\n" % (run, i) for i in range(5)] + [b"entity-%d\n" % (run % 2)])
    expected = [b"article-%d-%d\n" % (run, i) for run in range(4) for i in range(5)] + [b"entity-0\n", b"entity-1\n"]
    assert lines.runs == 4 and list(lines.merged()) == expected


def _sorter(batches, run_lines, directory=None):
    lines = ExternalSort(run_lines, directory=directory)
    for batch in batches:
        lines.extend(f"{text}\n".encode() for text in batch)
    return lines


@settings(max_examples=150, deadline=None)
@given(batches=st.lists(st.lists(_TEXT, max_size=30), max_size=8), run_lines=st.integers(1, 40),
       parts=st.integers(2, 5), sample=st.sampled_from([8, 64, 1 << 20]))
def test_ranges_cut_at_the_pivots_merge_to_the_whole(batches, run_lines, parts, sample):
    """What a two-process merge does: each range merged by a sorter of its own, the ranges in order
    are the merge; a run is bisected on disk (small scans force the bisection to read lines)."""
    import graph.external_sort

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(graph.external_sort, "_SAMPLE", sample)
        patch.setattr(graph.external_sort, "_SCAN", 16)
        everything = sorted({f"{text}\n".encode() for batch in batches for text in batch})
        pivots = _sorter(batches, run_lines).pivots(parts)
        assert len(pivots) <= parts - 1 and pivots == sorted(set(pivots))
        assert set(pivots) <= set(everything)
        bounds = [None, *pivots, None]
        merged = [list(io.BytesIO(b"".join(_sorter(batches, run_lines).merged_blocks(low, high))))
                  for low, high in zip(bounds, bounds[1:])]
    assert [line for part in merged for line in part] == everything
    assert all(low is None or not part or part[0] >= low for part, low in zip(merged, bounds))


def test_pivots_cut_a_large_sort_about_evenly(monkeypatch):
    import graph.external_sort

    monkeypatch.setattr(graph.external_sort, "_SAMPLE", 256)
    lines = ExternalSort(run_lines=500)
    lines.extend(b"%05d\n" % (i * 7919 % 4000) for i in range(4000))
    (pivot,) = lines.pivots(2)
    assert 1500 <= int(pivot) <= 2500
    assert ExternalSort(run_lines=5).pivots(2) == []  # nothing to cut


def test_a_line_longer_than_the_scan_and_the_read_is_found_by_bisection(monkeypatch):
    import graph.external_sort

    monkeypatch.setattr(graph.external_sort, "_SCAN", 8)
    monkeypatch.setattr(graph.external_sort, "_READ", 16)
    long = [b"m" + b"x" * 100 + b"%d\n" % i for i in range(3)]
    run = sorted([b"a\n", b"b\n", *long, b"y\n", b"z" * 50 + b"\n"])
    lines = ExternalSort(run_lines=len(run))
    lines.extend(run)
    assert lines.runs == 1
    low, high = long[1], b"y\n"
    assert list(io.BytesIO(b"".join(lines.merged_blocks(low, high)))) == [long[1], long[2]]
