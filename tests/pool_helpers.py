"""Tasks for the worker-pool tests: in a module of their own, which worker processes can import
(a test module's name is not importable there)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

from geobuk.errors import InputError


def slow_for_workers(task: tuple[int, int]) -> list[tuple[int, int]]:
    """The task's value and the process that did it; six times slower in a worker process."""
    value, parent = task
    time.sleep(0.05 if os.getpid() == parent else 0.3)
    return [(value, os.getpid())]


def failing_at(task: int) -> Iterator[int]:
    yield task
    if task == 2:
        raise InputError("two.log", "not a log")


def slower_in_workers(task: tuple[int, int]) -> list[int]:
    value, parent = task
    time.sleep(0.05 if os.getpid() == parent else 0.3)
    return [value]
