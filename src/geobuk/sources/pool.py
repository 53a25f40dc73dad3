"""Run a streaming job per task in worker processes and in this one; get every result in task order.

Parsing logs is CPU work in Python (flattening) and Rust (EVTX), so threads would queue on the GIL;
processes each take whole tasks (groups of sources). Results must come back in input order (so that
output, errors and record numbers are the same on every run) and memory must stay bounded however
large a source is, while no process should sit idle. Hence:

- this process (the caller) is one of the readers: it takes the next task nobody has taken whenever
  it would otherwise wait, while the workers start and whenever the result it needs next is not
  ready (it keeps up to ``_MAX_AHEAD`` such tasks' results until their turn). A caller that also
  works on the results (a hunt matches them) and one worker process keep two cores busy, where
  the caller and two workers made three processes share two cores and the caller idle at times;
- each worker has a pipe for tasks and a pipe for results; a worker blocks on a full pipe, so it
  is never far ahead of what this process has taken;
- this process takes results from every worker as they come and keeps those of later tasks in a
  reorder buffer of at most ``budget`` (as weighed by ``weigh``, e.g. bytes); past the budget it only
  reads from the worker with the task it is waiting for, and the others wait on their pipes;
- a worker gets its next task as soon as it reports one finished (``prefetch`` tasks held each);
- a thread of this process starts the workers and takes their results from the pipes, into a
  bounded queue, so the workers go on while the caller works on a result, not only while it waits;
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

try:
    import fcntl
except ImportError:  # not on Unix
    fcntl = None  # type: ignore[assignment]

from geobuk.errors import GeobukError, InputError

T = TypeVar("T")
R = TypeVar("R")

_MORE, _LAST, _EMPTY, _USER_ERROR, _CRASH = range(5)
_DONE = (_LAST, _EMPTY, _USER_ERROR, _CRASH)
_NOTHING = object()
_JOIN_SECONDS = 5.0
_POLL_SECONDS = 0.1  # how soon the collector thread notices it is no longer wanted
_CLAIM_POLL_SECONDS = 0.002  # how soon it notices the caller took the task it waits for
_PIPE_BYTES = 1 << 20  # Linux's default limit for a pipe's size
_MAX_AHEAD = 2  # later tasks the caller may hold the results of while it waits for a worker's
_READY_PER_WORKER = 8  # results (and end-of-task marks) queued for the caller, per worker
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
    """Processes to read with, this one included: one per core the process may use, at most four
    (memory grows with each)."""
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
                prefetch: int = 1, method: str | None = None, caller_helps: bool = True,
                idle: Callable[[bool], bool] | None = None) -> Iterator[R]:
    """``work(task)``'s results for every task, concatenated in task order.

    ``workers`` processes do the tasks: this one and ``workers - 1`` worker processes (with
    ``caller_helps=False``, ``workers`` worker processes and not this one). With a single process
    (or task) everything runs here and ``encode``/``decode`` are not used. Otherwise ``work``
    (picklable: a module-level function or a ``functools.partial`` of one) runs in the workers, and
    each of their results crosses as ``encode(result)`` (pickled, except the blob of a ``Wire``, which
    crosses as raw bytes); ``weigh`` tells how much of ``budget`` an encoded result takes while it
    waits in the reorder buffer. Each worker holds ``prefetch`` tasks at a time.

    This process does a task itself whenever it would otherwise wait: while the workers start, and
    whenever the next result it needs is not there yet (the caller is often busy with results, e.g.
    matching them, and a worker then gets ahead). It takes the next task nobody has taken, and keeps
    its results until their turn; so two processes keep two cores busy, with no third one to share
    them with. Before it takes a later task, and again before it waits, it calls ``idle`` (if given):
    the caller's chance to work on the results it has, e.g. to match them (True if it did some).
    ``idle(False)`` asks for work worth doing now (enough results gathered), ``idle(True)`` for any,
    as the caller would otherwise wait. Whether reading or working on results is slower then
    decides who reads what: a caller with results to work on leaves the reading to the workers.
    """
    helpers = workers - 1 if caller_helps else workers
    if helpers < 1 or len(tasks) <= 1:
        for task in tasks:
            yield from work(task)
        return
    context = multiprocessing.get_context(method or start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    pool: list[_Worker] = []
    finished = False
    stop = threading.Event()
    claims = _Claims(len(tasks))
    # Room for a few results per worker: the caller is often busy for a while (matching a large
    # batch), and a worker that could not hand its results over would only wait meanwhile.
    ready: queue.Queue = queue.Queue(maxsize=_READY_PER_WORKER * (helpers + 1))
    # Workers are started by the collector thread, not here: starting one blocks until it has read
    # its arguments (the task list can be far larger than a pipe holds), time better spent on a task.
    start = _Start(context, work, encode, tasks, min(helpers, len(tasks)), weigh, budget, prefetch, claims)
    collector = threading.Thread(target=_collect_in_order, args=(start, pool, ready, stop), daemon=True,
                                 name="geobuk-results")
    try:
        collector.start()
        yield from _in_order(tasks, work, decode, claims, ready, helps=caller_helps, idle=idle)
        finished = True
    finally:
        stop.set()
        collector.join()
        for worker in pool:
            worker.stop(graceful=finished)


@dataclass
class _Ahead:
    """A later task this process did while waiting, kept until its turn (with the error it met)."""

    index: int
    results: list[Any]
    error: BaseException | None


def _in_order(tasks: Sequence[Any], work: Callable, decode: Callable, claims: _Claims, ready: queue.Queue,
              *, helps: bool, idle: Callable[[bool], bool] | None = None) -> Iterator[Any]:
    """The caller's side: every task's results in order, from the workers (through ``ready``: a
    task's results, then ``_END``) or from its own work."""
    ahead: deque[_Ahead] = deque()
    for index in range(len(tasks)):
        if ahead and ahead[0].index == index:
            done = ahead.popleft()
            yield from done.results
            if done.error is not None:
                raise done.error
            continue
        if helps and claims.claim(index, caller=True):
            yield from work(tasks[index])
            continue
        while True:  # a worker's task
            try:
                item = ready.get_nowait()
            except queue.Empty:
                if idle is not None and idle(False):  # work on its results, if worth it now
                    continue
                if (helps and len(ahead) < _MAX_AHEAD
                        and (later := claims.claim_next(caller=True)) is not None):
                    ahead.append(_run(later, tasks, work))
                    continue
                if idle is not None and idle(True):  # any work on its results rather than wait
                    continue
                item = ready.get()
            if isinstance(item, _Raised):
                raise item.error
            if item is _END:
                break
            yield decode(item)


def _run(index: int, tasks: Sequence[Any], work: Callable) -> _Ahead:
    results: list[Any] = []
    try:
        for result in work(tasks[index]):
            results.append(result)
    except Exception as exc:  # noqa: BLE001 - raised when the task's turn comes, as a worker's would be
        return _Ahead(index, results, exc)
    return _Ahead(index, results, None)


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
    """Who does which task: tasks are taken in order, by a worker (handed out by the collector
    thread) or by the caller, whichever asks first. (A lock: both threads take them.)"""

    def __init__(self, count: int) -> None:
        self.count = count
        self.lock = threading.Lock()
        self.next = 0
        self.callers: set[int] = set()

    def claim(self, index: int, *, caller: bool) -> bool:
        """Take task ``index`` if it is the next one nobody has taken."""
        with self.lock:
            if index != self.next or index >= self.count:
                return False
            return self._take(caller) is not None

    def claim_next(self, *, caller: bool) -> int | None:
        """Take the next task nobody has taken (None: none is left)."""
        with self.lock:
            return self._take(caller)

    def _take(self, caller: bool) -> int | None:
        if self.next >= self.count:
            return None
        index = self.next
        self.next += 1
        if caller:
            self.callers.add(index)
        return index

    def owner(self, index: int) -> str | None:
        """``"caller"``, ``"worker"``, or None while nobody has taken the task."""
        with self.lock:
            if index >= self.next:
                return None
            return "caller" if index in self.callers else "worker"


@dataclass(frozen=True)
class _Raised:
    error: BaseException


class _Stopped(Exception):
    """The caller no longer wants results."""


_END = object()  # put after the last result of each worker task


def _collect_in_order(start: _Start, pool: list[_Worker], ready: queue.Queue, stop: threading.Event) -> None:
    """The collector thread: starts the workers (into ``pool``, which the caller stops), then puts
    the results of their tasks into ``ready`` (bounded) in task order, each task's followed by
    ``_END``; an error goes through as ``_Raised``. Ends soon after ``stop`` is set."""
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
            if start.claims.owner(len(start.tasks) - 1) is not None:
                break  # every task is taken (by the caller, while the workers started)
            pool.append(_Worker(start.context, start.work, start.encode, start.tasks))
        reorder = _Reorder(start.tasks, pool, start.weigh, start.budget, start.prefetch, start.claims,
                           stop=stop)
        for payload in reorder:
            put(payload)
    except _Stopped:
        return
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the caller
        with contextlib.suppress(_Stopped):
            put(_Raised(exc))


class _Reorder:
    """Hands out tasks, collects results from all workers, and releases them in task order, each
    task's followed by ``_END``; tasks the caller took are skipped."""

    def __init__(self, tasks: Sequence[Any], pool: list[_Worker], weigh: Callable[[Any], int],
                 budget: int, prefetch: int, claims: _Claims, stop: threading.Event | None = None) -> None:
        self.tasks = tasks
        self.stop = stop or threading.Event()
        self.pool = pool
        self.weigh = weigh
        self.budget = budget
        self.claims = claims
        self.waiting: dict[int, deque[Any]] = {}  # results of tasks not yet being released
        self.done: set[int] = set()
        self.failures: dict[int, tuple[int, Any]] = {}
        self.owner: dict[int, _Worker] = {}
        self.held = 0
        for _ in range(prefetch):
            for worker in pool:
                self._hand_out(worker)

    def __iter__(self) -> Iterator[Any]:
        for current in range(len(self.tasks)):
            while (who := self.claims.owner(current)) is None:  # the caller or a worker will take it
                self._collect(None)
            if who == "caller":
                continue
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
                    yield _END
                    break
                self._collect(current)

    def _collect(self, current: int | None) -> None:
        """Wait for results; past the budget, only from the worker ``current`` depends on. While
        ``current`` is None (the task nobody has taken yet) wait briefly: the caller may take it."""
        owner = self.owner.get(current) if current is not None else None
        sources = [owner] if owner is not None and self.held > self.budget else self.pool
        timeout = _POLL_SECONDS if current is not None else _CLAIM_POLL_SECONDS
        ready = wait([w.results for w in sources] + [w.process.sentinel for w in sources], timeout)
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
                what = self.tasks[current] if current is not None else "its task"
                raise RuntimeError(f"a worker process died (exit code {worker.process.exitcode}) "
                                   f"while reading {what!r}; {_HINT}") from None

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
        index = self.claims.claim_next(caller=False)
        if index is None:
            return
        self.owner[index] = worker
        try:
            worker.tasks.send(index)
        except OSError:  # the worker is gone: most often it could not even start
            worker.process.join(_JOIN_SECONDS)
            raise RuntimeError(f"a worker process exited (exit code {worker.process.exitcode}) "
                               f"before reading {self.tasks[index]!r}; {_HINT}") from None


def _widen(connection: Connection) -> None:
    """A result pipe of ``_PIPE_BYTES`` instead of 64 KB (Linux). The collector thread reads a result
    a pipeful at a time and needs the GIL back after each read, which the caller's busy thread gives
    up to 5 ms later: a 32 MB batch took 500 reads, a second in which its worker waited."""
    if fcntl is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):  # over the system's limit: the default size only costs time
            fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


class _Worker:
    """One worker process with a task pipe in and a result pipe out."""

    def __init__(self, context: Any, work: Callable, encode: Callable, tasks: Sequence[Any]) -> None:
        task_out, self.tasks = context.Pipe(duplex=False)
        self.results, result_in = context.Pipe(duplex=False)
        _widen(self.results)
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
