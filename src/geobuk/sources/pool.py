"""Run a streaming job per task on worker processes; get every result back in task order.

Parsing logs is CPU work in Python (flattening) and Rust (EVTX), so threads would queue on the GIL;
worker processes each take whole sources. Results must come back in input order (so that output,
errors and record numbers are the same on every run) and memory must stay bounded however large a
source is, while no worker should sit idle because the task the caller is waiting for is a big one.
Hence:

- each worker has a pipe for tasks and a pipe for results; a worker blocks on a full pipe, so it
  is never more than one result ahead of what the parent has taken;
- the parent takes results from every worker as they come and keeps those of later tasks in a
  reorder buffer of at most ``budget`` (as weighed by ``weigh``, e.g. bytes); past the budget it only
  reads from the worker with the task it is waiting for, and the others wait on their pipes;
- a worker gets its next task as soon as it reports one finished (``prefetch`` tasks queued each),
  so small and large sources balance out over the workers;
- results are taken from the pipes by a thread of the parent, into a queue of one result per
  worker, so the workers go on while the caller works on a result, not only while it waits;
- the parent does the first tasks itself until the workers have started (a thread starts them);
- every worker is given the whole task list when it starts, and handing a task out is sending its
  number: the parent never blocks on a task pipe. (Sending a task itself, e.g. a group of a thousand
  sources, could fill the pipe while the worker is blocked sending a result the parent is not yet
  reading: both would wait forever.)

Workers start with the ``forkserver`` method where it exists (a clean single-threaded process forks
them, so threads of the caller, such as a progress bar's, cannot deadlock a child as they can with
plain ``fork``), else ``spawn``. Either way, a script that uses this must guard its entry point
with ``if __name__ == "__main__":``. A user error in a worker (``InputError``) is raised in the
parent at the point of the task it belongs to; a crash carries the worker's traceback.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from geobuk.errors import GeobukError, InputError

T = TypeVar("T")
R = TypeVar("R")

_MORE, _LAST, _EMPTY, _USER_ERROR, _CRASH = range(5)
_DONE = (_LAST, _EMPTY, _USER_ERROR, _CRASH)
_NOTHING = object()
_JOIN_SECONDS = 5.0
_POLL_SECONDS = 0.1  # how soon the collector thread notices it is no longer wanted
_HINT = ("if it died at once: workers import the program's main module, which must be a file whose "
         "entry point is guarded by `if __name__ == \"__main__\":` (else use workers=1)")
# The forkserver imports the caller's main module once (as ``__mp_main__``, so its guarded entry
# point does not run) and every worker inherits it: without "__main__" here each worker imported
# it again on start, a CLI's or a benchmark's whole import tree, while the parent waited.
PRELOAD = ["__main__", "geobuk.sources"]
DEFAULT_BUDGET = 64 << 20


@dataclass(frozen=True)
class Wire:
    """An encoded result whose bulk (``blob``, bytes-like) crosses the pipe as raw bytes next to its
    pickled ``header``: pickling a buffer of tens of megabytes copies it twice more on each side.
    The parent receives ``blob`` as ``bytes``."""

    header: Any
    blob: Any


def _identity(value: Any) -> Any:
    return value


def _one(value: Any) -> int:
    return 1


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
                encode: Callable[[R], Any] = _identity, decode: Callable[[Any], R] = _identity,
                weigh: Callable[[Any], int] = _one, budget: int = DEFAULT_BUDGET,
                prefetch: int = 2, method: str | None = None, caller_helps: bool = True) -> Iterator[R]:
    """``work(task)``'s results for every task, concatenated in task order.

    With ``workers <= 1`` (or a single task) everything runs in this process and ``encode``/``decode``
    are not used; otherwise ``work`` (picklable: a module-level function or a ``functools.partial``
    of one) runs the first tasks in this process while up to ``workers`` worker processes start, and
    they take the others, and each of their results crosses as ``encode(result)`` (pickled, except the
    blob of a ``Wire``, which crosses as raw bytes). ``weigh`` tells how much of ``budget`` an
    encoded result takes while it waits in the reorder buffer. With ``caller_helps=False`` this
    process does only the first task (tests use it to know which tasks run in a worker).
    """
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield from work(task)
        return
    context = multiprocessing.get_context(method or start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    pool: list[_Worker] = []
    finished = False
    stop = threading.Event()
    # Started by the collector thread, not here: starting a worker blocks until it has read its
    # arguments (the task list can be far larger than a pipe holds), time the caller spends on the
    # first task instead.
    ready: queue.Queue = queue.Queue(maxsize=min(workers, len(tasks) - 1))
    claims = _Claims(len(tasks), len(tasks) if caller_helps else 1)
    start = _Start(context, work, encode, tasks, min(workers, len(tasks) - 1), weigh, budget, prefetch,
                   claims)
    collector = threading.Thread(target=_collect_in_order, args=(start, pool, ready, stop), daemon=True,
                                 name="geobuk-results")
    try:
        collector.start()
        # Workers take a fraction of a second to start (more with a heavy main module to import) and
        # the caller would only wait for them: it does tasks itself until they are ready.
        while (index := claims.for_caller()) is not None:
            yield from work(tasks[index])
        while (item := ready.get()) is not _NOTHING:
            if isinstance(item, _Raised):
                raise item.error
            yield decode(item)
        finished = True
    finally:
        stop.set()
        if collector.ident is not None:  # it was started
            collector.join()
        for worker in pool:
            worker.stop(graceful=finished)


@dataclass(frozen=True)
class _Start:
    """What the collector thread needs to start the workers and hand out their tasks."""

    context: Any
    work: Callable
    encode: Callable
    tasks: Sequence[Any]
    workers: int
    weigh: Callable[[Any], int]
    budget: int
    prefetch: int
    claims: _Claims


class _Claims:
    """Which tasks the caller does itself: the first ones, until the workers are ready; then the
    workers take the rest. (A lock, as the collector thread starts the workers.)"""

    def __init__(self, count: int, caller_limit: int | None = None) -> None:
        self.count = count
        self.caller_limit = count if caller_limit is None else caller_limit  # the most it may take
        self.lock = threading.Lock()
        self.caller_next = 0
        self.handed_over = False

    def for_caller(self) -> int | None:
        """The next task for the caller, or None once the workers have the rest."""
        with self.lock:
            if self.handed_over or self.caller_next >= self.caller_limit:
                return None
            self.caller_next += 1
            return self.caller_next - 1

    def caller_has_all(self) -> bool:
        with self.lock:
            return self.caller_next >= self.count

    def hand_over(self) -> int:
        """The workers are ready: the first task that is theirs."""
        with self.lock:
            self.handed_over = True
            return self.caller_next


@dataclass(frozen=True)
class _Raised:
    error: BaseException


class _Stopped(Exception):
    """The caller no longer wants results."""


def _collect_in_order(start: _Start, pool: list[_Worker], ready: queue.Queue, stop: threading.Event) -> None:
    """The collector thread: starts the workers (into ``pool``, which the caller stops), then puts
    their results into ``ready`` (bounded) in task order, then ``_NOTHING``; an error goes through as
    ``_Raised``. Ends soon after ``stop`` is set."""
    def put(item: Any) -> None:
        while not stop.is_set():
            try:
                ready.put(item, timeout=_POLL_SECONDS)
                return
            except queue.Full:
                continue
        raise _Stopped

    try:
        for _ in range(start.workers):
            if stop.is_set():
                return
            if start.claims.caller_has_all():
                break
            pool.append(_Worker(start.context, start.work, start.encode, start.tasks))
        first = start.claims.hand_over()
        reorder = _Reorder(start.tasks, pool, start.weigh, start.budget, start.prefetch, first=first,
                           stop=stop)
        for payload in reorder:
            put(payload)
        put(_NOTHING)
    except _Stopped:
        return
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the caller
        with contextlib.suppress(_Stopped):
            put(_Raised(exc))


class _Reorder:
    """Hands out tasks, collects results from all workers, and releases them in task order."""

    def __init__(self, tasks: Sequence[Any], pool: list[_Worker], weigh: Callable[[Any], int],
                 budget: int, prefetch: int, first: int = 0, stop: threading.Event | None = None) -> None:
        self.tasks = tasks
        self.stop = stop or threading.Event()
        self.pool = pool
        self.weigh = weigh
        self.budget = budget
        self.waiting: dict[int, deque[Any]] = {}  # results of tasks not yet being released
        self.done: set[int] = set()
        self.failures: dict[int, tuple[int, Any]] = {}
        self.owner: dict[int, _Worker] = {}
        self.held = 0
        self.first = first  # tasks before it are not the workers'
        self.next_task = first
        for _ in range(prefetch):
            for worker in pool:
                self._hand_out(worker)

    def __iter__(self) -> Iterator[Any]:
        for current in range(self.first, len(self.tasks)):
            while True:
                queue = self.waiting.get(current)
                while queue:
                    payload = queue.popleft()
                    self.held -= self.weigh(payload)
                    yield payload
                if current in self.failures:
                    kind, payload = self.failures.pop(current)
                    raise _error(kind, payload, self.tasks[current])
                if current in self.done:
                    self.waiting.pop(current, None)
                    break
                self._collect(current)

    def _collect(self, current: int) -> None:
        """Wait for results; past the budget, only from the worker ``current`` depends on."""
        owner = self.owner[current]
        sources = [owner] if self.held > self.budget else self.pool
        ready = wait([w.results for w in sources] + [w.process.sentinel for w in sources], _POLL_SECONDS)
        if self.stop.is_set():
            raise _Stopped
        for worker in sources:
            try:
                if worker.results in ready:
                    self._take(worker)
                elif worker.process.sentinel in ready and not worker.results.poll():
                    raise EOFError
            except EOFError:
                worker.process.join(_JOIN_SECONDS)
                raise RuntimeError(f"a worker process died (exit code {worker.process.exitcode}) "
                                   f"while reading {self.tasks[current]!r}; {_HINT}") from None

    def _take(self, worker: _Worker) -> None:
        index, kind, payload, blob = worker.results.recv()
        if blob:
            payload = Wire(payload, worker.results.recv_bytes())
        if kind in (_MORE, _LAST):
            self.waiting.setdefault(index, deque()).append(payload)
            self.held += self.weigh(payload)
        elif kind in (_USER_ERROR, _CRASH):
            self.failures[index] = (kind, payload)
        if kind in _DONE:
            self.done.add(index)
            self._hand_out(worker)

    def _hand_out(self, worker: _Worker) -> None:
        if self.next_task < len(self.tasks):
            index = self.next_task
            self.next_task += 1
            self.owner[index] = worker
            try:
                worker.tasks.send(index)
            except OSError:  # the worker is gone: most often it could not even start
                worker.process.join(_JOIN_SECONDS)
                raise RuntimeError(f"a worker process exited (exit code {worker.process.exitcode}) "
                                   f"before reading {self.tasks[index]!r}; {_HINT}") from None


class _Worker:
    """One worker process with a task pipe in and a result pipe out."""

    def __init__(self, context: Any, work: Callable, encode: Callable, tasks: Sequence[Any]) -> None:
        task_out, self.tasks = context.Pipe(duplex=False)
        self.results, result_in = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(work, encode, tasks, task_out, result_in),
                                       daemon=True, name="geobuk-reader")
        self.process.start()
        task_out.close()
        result_in.close()

    def stop(self, *, graceful: bool) -> None:
        """Let an idle worker exit; end one still busy (its results are no longer wanted)."""
        if graceful:
            with contextlib.suppress(OSError):  # a worker that already exited closed its end
                self.tasks.send(None)
            self.process.join(_JOIN_SECONDS)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(_JOIN_SECONDS)
        self.tasks.close()
        self.results.close()


def _serve(work: Callable, encode: Callable, tasks: Sequence[Any], numbers: Connection,
           results: Connection) -> None:
    """The worker's loop: run each task whose number comes and send its results as they come. One
    result is held back so the final one can be flagged, saving an end-of-task message per task."""
    # Ctrl-C reaches the whole process group: the parent handles it and ends the workers, which
    # must not each print a traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            index = numbers.recv()
        except EOFError:  # the parent is gone
            return
        if index is None:
            return
        held: Any = _NOTHING
        try:
            for result in work(tasks[index]):
                if held is not _NOTHING:
                    _send(results, index, _MORE, held)
                    held = _NOTHING
                held = encode(result)
            if held is _NOTHING:
                _send(results, index, _EMPTY, None)
            else:
                _send(results, index, _LAST, held)
            continue
        except BaseException as exc:  # any failure must reach the parent, not leave it waiting
            if held is not _NOTHING:  # results made before the failure still reach the parent
                _send(results, index, _MORE, held)
            _send(results, index, *_failure(exc))


def _send(results: Connection, index: int, kind: int, payload: Any) -> None:
    if isinstance(payload, Wire):
        results.send((index, kind, payload.header, True))
        results.send_bytes(payload.blob)
    else:
        results.send((index, kind, payload, False))


def _failure(exc: BaseException) -> tuple[int, Any]:
    """A failure as plain values: exceptions with custom constructors do not survive pickling."""
    if isinstance(exc, InputError):
        return _USER_ERROR, ("input", exc.path, exc.message, exc.index, _what(exc))
    if isinstance(exc, GeobukError):
        return _USER_ERROR, ("other", str(exc))
    return _CRASH, "".join(traceback.format_exception(exc))


def _what(exc: InputError) -> str:
    """The ``what`` an InputError was made with (it keeps only the formatted message)."""
    prefix = f"{exc.path}: "
    text = str(exc)
    if exc.index is not None and text.startswith(prefix):
        return text[len(prefix):].split(" ", 1)[0]
    return "object"


def _error(kind: int, payload: Any, task: Any) -> Exception:
    if kind == _CRASH:
        return RuntimeError(f"a worker process failed on {task!r}:\n{payload}")
    if payload[0] == "input":
        _, path, message, index, what = payload
        return InputError(path, message, index=index, what=what)
    return GeobukError(payload[1])
