"""Hard stops for a run: a :class:`~kubecheck.checker.task.Watchdog` that stops a step at its time even
inside a z3 call, and hears Ctrl-C; used by ``check -f`` (per workload step) and ``check MODEL`` (per
property of a symbolic engine, so that ``--timeout`` bounds the run)."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections.abc import Iterator

import attrs

from kubecheck.checker import run
from kubecheck.checker.result import NOTHING, Claim, Result, Stats, Verdict
from kubecheck.checker.task import Deadline, OutOfTime, Task, Watchdog

#: Seconds a step may overrun its time before the watchdog stops it (engines stop themselves first).
GRACE = 1.0


@contextlib.contextmanager
def watchdog() -> Iterator[Watchdog]:
    """A watchdog for the run; in the main thread it also hears Ctrl-C (``signal.set_wakeup_fd``),
    so that a z3 call in progress is interrupted and the KeyboardInterrupt is raised at once."""
    if threading.current_thread() is not threading.main_thread():
        dog = Watchdog()
        try:
            yield dog
        finally:
            dog.close()
        return
    read, write_end = socket.socketpair()
    read.setblocking(False)
    write_end.setblocking(False)
    old = signal.set_wakeup_fd(write_end.fileno(), warn_on_full_buffer=False)
    dog = Watchdog(read)
    # Ctrl-C reaches the watchdog through the wakeup socket, which stops the step in progress; the
    # Python handler does nothing more (a KeyboardInterrupt could land where an engine swallows it).
    handler = signal.getsignal(signal.SIGINT)
    quiet = handler is signal.default_int_handler
    if quiet:
        signal.signal(signal.SIGINT, lambda signum, frame: None)
    try:
        yield dog
    finally:
        if quiet:
            signal.signal(signal.SIGINT, handler)
        signal.set_wakeup_fd(old)
        dog.close()
        with contextlib.suppress(OSError):  # wake the watcher from its select() now, not in 0.5 s
            write_end.send(b"\0")
        dog.watcher.join(1.0)
        read.close()
        write_end.close()


def check_within(task: Task, dog: Watchdog) -> list[Result]:
    """``run.check(task)`` stopped at ``task.budget.timeout`` (plus :data:`GRACE`) even inside a z3 call.

    Explicit search keeps its own time; a symbolic engine runs one property at a time with the time
    left, so the properties decided before the stop keep their verdicts and the rest are
    INCONCLUSIVE "timeout" (or "interrupted" after Ctrl-C: the run stops there).
    """
    deadline = Deadline(task.budget.timeout)
    parts = [task] if task.engine == "explicit" else [task.with_properties([p]) for p in task.properties]
    out: list[Result] = []
    stopped = ""
    for part in parts:
        left = deadline.left()
        if stopped or (left is not None and left <= 0):
            out += _stopped(part, stopped or "timeout", 0.0)
            continue
        part = attrs.evolve(part, budget=attrs.evolve(part.budget, timeout=left))
        started = time.perf_counter()
        try:
            with dog.limit(None if left is None else left + GRACE):
                out += run.check(part)
        except OutOfTime:
            stopped = "interrupted" if dog.interrupted else ""
            out += _stopped(part, stopped or "timeout", time.perf_counter() - started)
        except Exception:
            if not dog.last_fired:
                raise
            # a z3 call the watchdog interrupted answered "canceled" before OutOfTime was raised
            stopped = "interrupted" if dog.interrupted else ""
            out += _stopped(part, stopped or "timeout", time.perf_counter() - started)
        if dog.interrupted:
            stopped = "interrupted"
    return out


def _stopped(task: Task, why: str, seconds: float) -> list[Result]:
    words = {"timeout": "stopped by the time budget (--timeout)", "interrupted": "interrupted (Ctrl-C)"}
    return [
        Result(
            p,
            Verdict.INCONCLUSIVE,
            task.scope,
            task.engine,
            Stats(0, 0, 0, seconds, False, why),
            note=f"not decided: {words[why]}",
            claim=Claim(NOTHING),
        )
        for p in task.properties
    ]
