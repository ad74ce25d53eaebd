"""The renderer processes: PDFs (receipts, documents) made away from the web server.

A render holds Python's lock for most of its time, so in the server's process it would slow
every request; and one document may be far slower than the others. So renders run in a
small pool of processes, each fed by a thread of the server, one render at a time:

- a slow render holds one process, and the others go on with the queue;
- a render past its time limit is killed with its process, which is replaced;
- each process has a ceiling on its memory: a render that would pass it fails (or the
  process dies), and that process is replaced too.

A render refused that way raises `RenderRefused` in its future; the caller decides what to
issue instead (receipts fall back to a plain one, documents are retried by the outbox).
"""

from __future__ import annotations

import atexit
import dataclasses
import itertools
import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger("parvis")

# A process is replaced after this many renders, so its memory never creeps up.
RENDERS_PER_PROCESS = 500
# Starting a process (Python, WeasyPrint, the runtime's modules) is not counted in a
# render's time limit, but a process that cannot even start within this is given up.
START_LIMIT = 120.0
# Before a download, a render someone waits for goes ahead of those made in advance.
URGENT, AHEAD = 0, 1


class RenderRefused(RuntimeError):
    """A render went over its time or memory limit, or its process died: it was stopped."""


class PoolClosed(RuntimeError):
    """The server is stopping: the render was dropped, to be made on demand another time."""


@dataclass(order=True)
class _Task:
    priority: int
    sequence: int
    function: Callable[[Any], Any] = field(compare=False)
    argument: Any = field(compare=False)
    time_limit: float = field(compare=False)
    future: Future[Any] = field(compare=False)


# -- in a renderer process -------------------------------------------------------------


def _serve(connection: Connection, memory_limit: int) -> None:
    """A renderer process's life: ready, then one render per message until told to stop."""
    import resource

    # Citizens' requests come first: a PDF can wait a few milliseconds more.
    os.nice(10)
    if memory_limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    parent = os.getppid()
    # A process whose server is gone (killed, crashed) must not go on rendering for nobody.
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="parent-watch").start()
    # Loaded before the first render, so that it does not count in its time limit.
    import weasyprint  # noqa: F401

    import runtime.actions.documents  # noqa: F401
    import runtime.pdfs.receipts  # noqa: F401

    connection.send(("ready", os.getpid()))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        function, argument = message
        try:
            result = ("ok", function(argument))
        except MemoryError:
            # What was half-built may still hold memory: this process ends, a new one follows.
            connection.send(("refused", "the render went over its memory limit"))
            os._exit(1)
        except Exception as error:  # noqa: BLE001 (handed back to the caller, whatever it is)
            result = ("error", _picklable(error))
        connection.send(result)


def _picklable(error: Exception) -> Exception:
    import pickle

    try:
        pickle.dumps(error)
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


# -- in the server process -------------------------------------------------------------


class _Process:
    """One renderer process and the server's end of its pipe."""

    def __init__(self, memory_limit: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, memory_limit), daemon=True, name="parvis-renderer"
        )
        self.process.start()
        child.close()
        self.renders = 0
        self.ready = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def wait_ready(self) -> None:
        if not self.ready:
            if not self.connection.poll(START_LIMIT):
                raise RenderRefused("the renderer process did not start")
            self.connection.recv()
            self.ready = True

    def run(self, function: Callable[[Any], Any], argument: Any, time_limit: float) -> Any:
        self.wait_ready()
        self.renders += 1
        self.connection.send((function, argument))
        if not self.connection.poll(time_limit):
            raise RenderRefused(f"the render took more than {time_limit:g} s")
        kind, value = self.connection.recv()
        if kind == "refused":
            raise RenderRefused(value)
        if kind == "error":
            raise value
        return value

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class RenderPool:
    """`processes` renderer processes, each with at most `memory_mb` MiB of address space."""

    def __init__(self, processes: int, memory_mb: int) -> None:
        self.processes, self.memory_mb = max(processes, 1), memory_mb
        self._queue: queue.PriorityQueue[_Task] = queue.PriorityQueue()
        self._sequence = itertools.count()
        self._closed = False
        # Renders not yet taken, by their future (see `promote`).
        self._waiting: dict[Future[Any], _Task] = {}
        self._waiting_lock = threading.Lock()
        self._current: dict[int, _Process | None] = {}
        self._threads = [
            threading.Thread(target=self._feed, args=(slot,), daemon=True, name=f"renderer-{slot}")
            for slot in range(self.processes)
        ]
        for thread in self._threads:
            thread.start()
        # Before multiprocessing's own exit handler kills the processes (handlers run last
        # registered first), so that renders cut short by the exit are not taken for failures.
        atexit.register(self.shutdown)

    def submit(
        self, function: Callable[[Any], Any], argument: Any, time_limit: float, priority: int = URGENT
    ) -> Future[Any]:
        """Render `function(argument)` in a renderer process; it may take `time_limit` seconds.

        `function` must be importable by name (a module's top-level function).
        """
        if self._closed:
            raise PoolClosed("the renderer pool is shut down")
        future: Future[Any] = Future()
        task = _Task(priority, next(self._sequence), function, argument, time_limit, future)
        with self._waiting_lock:
            self._waiting[future] = task
        self._queue.put(task)
        return future

    def promote(self, future: Future[Any]) -> None:
        """Move a render still waiting to the front: someone now waits for it."""
        with self._waiting_lock:
            task = self._waiting.get(future)
            if task is None or task.priority == URGENT:
                return
            # The queue cannot move an entry: a copy goes in ahead, the first one taken runs.
            task = self._waiting[future] = dataclasses.replace(
                task, priority=URGENT, sequence=next(self._sequence)
            )
        self._queue.put(task)

    def pids(self) -> list[int]:
        """The processes alive now (for tests and the curious)."""
        return [
            p.pid
            for p in self._current.values()
            if p is not None and p.pid is not None and p.process.is_alive()
        ]

    def _feed(self, slot: int) -> None:
        process: _Process | None = None
        while True:
            task = self._queue.get()
            if self._closed or task.function is None:
                task.future.cancel()
                break
            with self._waiting_lock:
                if self._waiting.pop(task.future, None) is None:
                    continue  # a copy of a promoted render, already taken
            if not task.future.set_running_or_notify_cancel():
                continue
            if process is not None and (
                process.renders >= RENDERS_PER_PROCESS or not process.process.is_alive()
            ):
                process.stop(kill=not process.process.is_alive())
                process = None
            if process is None:
                process = self._current[slot] = _Process(self.memory_mb * 1024 * 1024)
            try:
                result = process.run(task.function, task.argument, task.time_limit)
            except (RenderRefused, EOFError, OSError) as error:
                process.stop(kill=True)
                process = self._current[slot] = None
                if self._closed:  # killed by the shutdown, not by its own fault
                    task.future.set_exception(PoolClosed("the renderer pool is shut down"))
                    break
                logger.warning("render stopped and its process replaced: %s", error or type(error).__name__)
                task.future.set_exception(
                    error if isinstance(error, RenderRefused) else RenderRefused("the renderer process died")
                )
            except BaseException as error:  # noqa: BLE001 (the function's own error, raised in its future)
                task.future.set_exception(error)
            else:
                task.future.set_result(result)
        if process is not None:
            process.stop(kill=True)

    def shutdown(self) -> None:
        """Stop every process now; renders not yet started are cancelled (they render on demand)."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.shutdown)
        while True:
            try:
                task = self._queue.get_nowait()
            except queue.Empty:
                break
            task.future.cancel()
        for _ in self._threads:
            # A sentinel that sorts after every real task and wakes each thread once.
            self._queue.put(_Task(AHEAD + 1, next(self._sequence), None, None, 0, Future()))  # type: ignore[arg-type]  # the sentinel carries no work
        for process in list(self._current.values()):
            if process is not None:
                process.process.kill()


_pool: RenderPool | None = None
_lock = threading.Lock()


def pool(processes: int, memory_mb: int) -> RenderPool:
    """The process's renderer pool, made on first use (or again when its settings change)."""
    global _pool
    with _lock:
        if _pool is None or (_pool.processes, _pool.memory_mb) != (max(processes, 1), memory_mb):
            if _pool is not None:
                _pool.shutdown()
            _pool = RenderPool(processes, memory_mb)
        return _pool


def shutdown() -> None:
    global _pool
    with _lock:
        current, _pool = _pool, None
    if current is not None:
        current.shutdown()
