"""Run a streaming job per task on worker processes; get every result back in task order.

Parsing logs is CPU work in Python (flattening) and Rust (EVTX), so threads would queue on the GIL;
worker processes each take whole sources. Results must come back in input order (so that output,
errors and record numbers are the same on every run) and memory must stay bounded however large a
source is. Hence:

- each worker has its own task queue and its own bounded result queue (``buffered`` results);
- tasks are handed out in order, ``prefetch`` at a time per worker, the next one to the worker whose
  task the parent has just finished consuming;
- the parent reads task *i*'s results from the worker that has it; a worker running ahead blocks
  on its full queue until the parent gets there. At most ``workers * (buffered + 1)`` results exist
  at any time, whatever the input.

Workers start with the ``forkserver`` method where it exists (a clean, single-threaded process
forks them, so threads of the caller, such as a progress bar's, cannot deadlock a child, as they
can with plain ``fork``), else ``spawn``. A user error in a worker (``InputError``) is raised in the
parent at the point of the task it belongs to; a crash carries the worker's traceback.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from geobuk.errors import GeobukError, InputError

T = TypeVar("T")
R = TypeVar("R")

_MORE, _LAST, _EMPTY, _USER_ERROR, _CRASH = range(5)
_NOTHING = object()
_POLL_SECONDS = 0.5
_JOIN_SECONDS = 5.0
PRELOAD = ["geobuk.sources"]


def default_workers() -> int:
    """One worker per core the process may use, at most four (memory grows with each)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def ordered_map(tasks: Sequence[T], work: Callable[[T], Iterator[R]], *, workers: int,
                encode: Callable[[R], Any] = lambda r: r, decode: Callable[[Any], R] = lambda w: w,
                prefetch: int = 2, buffered: int = 4, method: str | None = None) -> Iterator[R]:
    """``work(task)``'s results for every task, concatenated in task order.

    With ``workers <= 1`` (or a single task) everything runs in this process and ``encode``/``decode``
    are not used; otherwise ``work`` (picklable: a module-level function or a ``functools.partial``
    of one) runs in worker processes, and each result crosses as ``encode(result)``.
    """
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield from work(task)
        return
    context = multiprocessing.get_context(method or start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    pool = [_Worker(context, work, encode, buffered) for _ in range(min(workers, len(tasks)))]
    owners: dict[int, _Worker] = {}
    pending = deque(range(len(tasks)))

    def hand_out(worker: _Worker) -> None:
        if pending:
            index = pending.popleft()
            owners[index] = worker
            worker.tasks.put((index, tasks[index]))

    finished = False
    try:
        for _ in range(prefetch):
            for worker in pool:
                hand_out(worker)
        for index in range(len(tasks)):
            worker = owners.pop(index)
            while True:
                kind, payload = worker.receive(index)
                if kind == _EMPTY:
                    break
                if kind == _USER_ERROR:
                    raise _user_error(payload)
                if kind == _CRASH:
                    raise RuntimeError(f"a worker process failed on {tasks[index]!r}:\n{payload}")
                yield decode(payload)
                if kind == _LAST:
                    break
            hand_out(worker)
        finished = True
    finally:
        for worker in pool:
            worker.stop(graceful=finished)


class _Worker:
    """One worker process with its own task queue and bounded result queue."""

    def __init__(self, context: Any, work: Callable, encode: Callable, buffered: int) -> None:
        self.tasks = context.Queue()
        self.results = context.Queue(maxsize=buffered)
        self.process = context.Process(target=_serve, args=(work, encode, self.tasks, self.results),
                                       daemon=True, name="geobuk-reader")
        self.process.start()

    def receive(self, index: int) -> tuple[int, Any]:
        """The next result of task ``index`` (the only task whose results can be at the queue's head)."""
        while True:
            try:
                got, kind, payload = self.results.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if not self.process.is_alive():
                    raise RuntimeError(f"a worker process died (exit code {self.process.exitcode}) "
                                       f"while reading task {index}") from None
                continue
            if got != index:  # cannot happen while tasks are handed out in order; never mix results
                raise RuntimeError(f"worker result for task {got} while waiting for task {index}")
            return kind, payload

    def stop(self, *, graceful: bool) -> None:
        """Let an idle worker exit; end one still busy (its results are no longer wanted)."""
        if graceful:
            self.tasks.put(None)
            self.process.join(_JOIN_SECONDS)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(_JOIN_SECONDS)
        for q in (self.tasks, self.results):
            q.cancel_join_thread()
            q.close()


def _serve(work: Callable, encode: Callable, tasks: Any, results: Any) -> None:
    """The worker's loop: run each task, send its results as they come, one result held back so the
    final one can be flagged (saving a separate end-of-task message per task)."""
    while True:
        item = tasks.get()
        if item is None:
            return
        index, task = item
        try:
            held: Any = _NOTHING
            for result in work(task):
                if held is not _NOTHING:
                    results.put((index, _MORE, held))
                held = encode(result)
            results.put((index, _EMPTY, None) if held is _NOTHING else (index, _LAST, held))
        except InputError as exc:
            results.put((index, _USER_ERROR, ("input", exc.path, exc.message, exc.index, _what(exc))))
        except GeobukError as exc:
            results.put((index, _USER_ERROR, ("other", str(exc))))
        except BaseException:  # any crash must reach the parent, not leave it waiting
            results.put((index, _CRASH, traceback.format_exc()))


def _what(exc: InputError) -> str:
    """The ``what`` an InputError was made with (it keeps only the formatted message)."""
    prefix = f"{exc.path}: "
    text = str(exc)
    if exc.index is not None and text.startswith(prefix):
        return text[len(prefix):].split(" ", 1)[0]
    return "object"


def _user_error(payload: tuple) -> GeobukError:
    if payload[0] == "input":
        _, path, message, index, what = payload
        return InputError(path, message, index=index, what=what)
    return GeobukError(payload[1])
