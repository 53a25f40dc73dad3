"""Ordered results from worker processes: order, bounded buffering, errors, crashes."""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import os
import time

import pytest

import geobuk.sources  # noqa: F401  (registers the readers)
from geobuk.errors import InputError
from geobuk.sources.batches import from_wire, read_source, to_wire, wire_size
from geobuk.sources.inputs import expand
from geobuk.sources.pool import _Claims, ordered_map
from pool_helpers import failing_at, slow_for_workers, slower_in_workers


def rows(batches) -> list[tuple[str, str]]:
    return [(b.source, r) for b in batches for r in b.table.column("_record").to_pylist()]


def sources_of_uneven_size(tmp_path):
    """A large source first, then small ones: the small ones finish first on the other worker."""
    (tmp_path / "a_big.jsonl").write_text("".join(f'{{"EventID": {i}}}\n' for i in range(3000)))
    for n in range(8):
        (tmp_path / f"b_small{n}.jsonl").write_text(f'{{"EventID": {n}}}\n')
    return expand([tmp_path])


@pytest.mark.parametrize("budget", [1, 1 << 30])
def test_results_come_back_in_task_order_whatever_finishes_first(tmp_path, budget):
    sources = sources_of_uneven_size(tmp_path)
    work = functools.partial(read_source, batch_size=100)
    serial = list(ordered_map(sources, work, workers=1))
    parallel = list(ordered_map(sources, work, workers=2, encode=to_wire, decode=from_wire, weigh=wire_size,
                                budget=budget))
    assert len(serial) == 30 + 8
    assert rows(parallel) == rows(serial)
    assert [b.last for b in parallel] == [b.last for b in serial]


def test_a_user_error_is_raised_where_its_task_is(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"EventID": 1}\n')
    (tmp_path / "b.txt").write_text("not a log\n")
    sources = expand([tmp_path / "a.jsonl", tmp_path / "b.txt", tmp_path / "a.jsonl"])
    got = []
    with pytest.raises(InputError) as caught:
        for batch in ordered_map(sources, read_source, workers=2, encode=to_wire, decode=from_wire):
            got.append(batch.source)
    assert got == [str(tmp_path / "a.jsonl")]
    assert str(caught.value).startswith(f"{tmp_path / 'b.txt'}: not a log format")


def test_a_crash_in_a_worker_carries_its_traceback():
    work = functools.partial(map, int)
    got = []
    with pytest.raises(RuntimeError) as caught:
        for value in ordered_map([["1", "2"], ["3", "x"], ["4"]], work, workers=2, caller_helps=False):
            got.append(value)
    assert got == [1, 2, 3]
    assert "ValueError" in str(caught.value)


def test_a_worker_that_dies_is_noticed():
    # The first task runs in this process (while the workers start): it must not exit.
    with pytest.raises(RuntimeError, match=r"died \(exit code 3\)"):
        list(ordered_map([[], [3], [3]], functools.partial(map, os._exit), workers=2, caller_helps=False))



def test_stopping_early_ends_the_workers(tmp_path):
    sources = sources_of_uneven_size(tmp_path)
    results = ordered_map(sources, functools.partial(read_source, batch_size=10), workers=2,
                          encode=to_wire, decode=from_wire, caller_helps=False)
    next(results)
    deadline = time.monotonic() + 30  # a thread starts the workers
    while len(multiprocessing.active_children()) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(multiprocessing.active_children()) == 2
    results.close()
    assert multiprocessing.active_children() == []


def test_one_worker_runs_in_this_process():
    assert list(ordered_map([[1, 2], [3]], iter, workers=1)) == [1, 2, 3]
    assert multiprocessing.active_children() == []


def test_tasks_and_results_larger_than_a_pipe_do_not_block_each_other():
    tasks = [str(n) * 300_000 for n in range(6)]  # each several times a pipe's buffer, as a group of sources
    got = list(ordered_map(tasks, functools.partial(itertools.repeat, times=2), workers=2))
    assert got == [task for task in tasks for _ in range(2)]


def test_tasks_are_taken_in_order_by_whoever_asks_first():
    claims = _Claims(4)
    assert claims.claim(0, caller=True)
    assert claims.claim_next(caller=False) == 1
    assert not claims.claim(1, caller=True)  # a worker has it
    assert not claims.claim(3, caller=True)  # not the next one
    assert claims.claim_next(caller=True) == 2
    assert [claims.owner(i) for i in range(4)] == ["caller", "worker", "caller", None]
    assert claims.claim_next(caller=False) == 3
    assert claims.claim_next(caller=False) is None


def test_the_caller_does_tasks_while_it_would_wait():
    tasks = [(n, os.getpid()) for n in range(40)]
    got = list(ordered_map(tasks, slow_for_workers, workers=2))
    assert [value for value, _ in got] == list(range(40))
    by_caller = [value for value, pid in got if pid == os.getpid()]
    assert 0 in by_caller  # while the worker starts
    assert 0 < len(got) - len(by_caller) < len(by_caller)  # the worker did some, this process more


def test_an_error_in_a_task_done_ahead_is_raised_at_its_turn():
    got = []
    with pytest.raises(InputError, match="two.log"):
        for value in ordered_map(list(range(5)), failing_at, workers=2):
            got.append(value)
    assert got == [0, 1, 2]


@pytest.mark.parametrize("helps", [True, False])
def test_results_are_the_same_whoever_does_the_tasks(tmp_path, helps):
    sources = sources_of_uneven_size(tmp_path)
    work = functools.partial(read_source, batch_size=100)
    serial = list(ordered_map(sources, work, workers=1))
    parallel = list(ordered_map(sources, work, workers=2, encode=to_wire, decode=from_wire,
                                caller_helps=helps))
    assert rows(parallel) == rows(serial)


def test_the_caller_works_on_its_results_when_it_has_nothing_left_to_read():
    calls = []

    def idle(urgent: bool) -> bool:
        calls.append(urgent)
        return False  # nothing done: the caller then reads, or waits for the worker

    tasks = [(n, os.getpid()) for n in range(40)]
    got = list(ordered_map(tasks, slower_in_workers, workers=2, idle=idle))
    assert got == list(range(40))
    assert False in calls  # offered to work before reading a later task
    assert True in calls  # at the end it waited for the worker's last task, and was offered any work
