"""What every engine is asked: a :class:`Task` (model, scope, properties, engine options, budgets).

One contract for every engine (stateright's ``Checker``): each engine module exposes
``check(task: Task) -> list[Result]`` and returns one :class:`~kubecheck.checker.result.Result`
per property of the task, in the task's order. :func:`kubecheck.checker.run.check` takes the same
task, picks the engines (``auto`` is one policy, there) and returns the same list.

A task is a value: equal tasks ask the same question. The callbacks (``progress`` for the
explicit search's snapshots, ``status`` for a one-line "what the symbolic engine is doing") do
not take part in equality; engines never print, they call these. Nor does ``encoders``, the
cache of z3 encodings the symbolic engines share (:meth:`Task.encoder`): a task made from
another with ``attrs.evolve`` shares its cache, and the runner starts each run with a fresh one.
"""

from __future__ import annotations

import ctypes
import select
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import attrs
import z3

from kubecheck.checker.result import Result
from kubecheck.checker.symbolic.encoder import Encoder, Encoders
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope

#: The engine names a task may ask for (``auto``: what fits, and the result says which ran).
ENGINES = ("explicit", "bmc", "kind", "pdr", "auto", "swarm")

#: A parameter's bounds under ``--for-all NAME=LO..HI`` (None: unbounded on that side).
Bounds = Mapping[str, tuple[int | None, int | None]]


@attrs.frozen
class Budget:
    """Limits of one run: distinct states explored, and seconds (one deadline for the whole run)."""

    max_states: int | None = None
    timeout: float | None = None
    #: Processes the explicit safety search is split over (``--workers N``; 1: the calling process alone).
    workers: int = 1


class Deadline:
    """One deadline for a whole run or task: ``timeout`` seconds from now (None or 0: none)."""

    def __init__(self, timeout: float | None):
        self.at = time.monotonic() + timeout if timeout else None

    def left(self, cap: float | None = None) -> float | None:
        """Seconds left (may be negative); ``cap`` when there is no deadline."""
        return cap if self.at is None else self.at - time.monotonic()

    def passed(self) -> bool:
        left = self.left()
        return left is not None and left <= 0


#: Seconds between two attempts to stop the guarded thread (an exception raised inside a ``__del__`` is lost).
RESEND = 0.2


class OutOfTime(BaseException):
    """Raised by a :class:`Watchdog` in the thread it guards when the deadline has passed.

    A BaseException, like KeyboardInterrupt: engine code that catches Exception does not swallow it.
    """


class Watchdog:
    """A hard stop for the budgets: the thread that enters :meth:`limit` is stopped at its deadline,
    even inside a z3 call.

    z3 calls do not return to Python until they are done, so neither a deadline checked by the
    engine nor a KeyboardInterrupt can stop them. A watchdog thread does: at the deadline it raises
    :class:`OutOfTime` in the guarded thread (asynchronously, at its next Python instruction) and
    interrupts z3 (``z3.main_ctx().interrupt()``: the running call returns unknown). With ``wakeup``
    (the read end of a socket given to ``signal.set_wakeup_fd``) a signal such as Ctrl-C does the
    same at once and sets :attr:`interrupted` (which stays set: the caller stops its run).
    """

    def __init__(self, wakeup: socket.socket | None = None):
        self.wakeup = wakeup
        self.cond = threading.Condition()
        self.at: float | None = None
        self.thread_id: int | None = None
        self.fired = False
        self.interrupted = False
        self.last_fired = False
        self.sent_at = 0.0
        self.closed = False
        self.hook = sys.unraisablehook
        sys.unraisablehook = self._unraisable
        self.watcher = threading.Thread(target=self._watch, name="kubecheck-watchdog", daemon=True)
        self.watcher.start()

    def _unraisable(self, unraisable: Any) -> None:
        """An OutOfTime raised inside a ``__del__`` is lost quietly (it is sent again)."""
        if not isinstance(unraisable.exc_value, OutOfTime):
            self.hook(unraisable)

    @contextmanager
    def limit(self, seconds: float | None) -> Iterator[None]:
        """Guard the calling thread for ``seconds`` (None: only signals); OutOfTime when they pass."""
        with self.cond:
            self.at = None if seconds is None else time.monotonic() + max(0.0, seconds)
            self.thread_id = threading.get_ident()
            self.fired = False
            self.cond.notify_all()
        try:
            yield
        finally:
            fired = False
            while True:  # a pending OutOfTime may be raised here too: leave anyway
                try:
                    fired = self._release() or fired
                    if fired:  # an OutOfTime not yet raised is dropped: the guarded work is over
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(threading.get_ident()), None)
                    break
                except OutOfTime:
                    fired = True
            self.last_fired = fired  # whether the last guarded work was stopped
            if fired:
                z3.Solver().check()  # z3's interrupt stays set (simplify would do nothing) until a solver runs

    def _release(self) -> bool:
        """Stop guarding; whether the work was stopped."""
        with self.cond:
            fired, self.fired = self.fired, False
            self.at = None
            self.thread_id = None
            self.cond.notify_all()
        return fired

    def close(self) -> None:
        if sys.unraisablehook == self._unraisable:
            sys.unraisablehook = self.hook
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def _watch(self) -> None:
        while True:
            with self.cond:
                if self.closed:
                    return
                now = time.monotonic()
                if self.thread_id is not None and self.at is not None and not self.fired and now >= self.at:
                    self._stop()
                    continue
                if self.thread_id is not None and self.fired and now >= self.sent_at + RESEND:
                    self._stop()  # the exception was lost (raised inside a __del__, which ignores it)
                    continue
                wait = RESEND if self.fired else (None if self.at is None else self.at - now)
            if self.wakeup is None:
                with self.cond:
                    self.cond.wait(0.5 if wait is None else min(wait, 0.5))
                continue
            ready, _, _ = select.select([self.wakeup], [], [], 0.5 if wait is None else min(wait, 0.5))
            if ready:
                try:
                    self.wakeup.recv(64)
                except OSError:
                    return
                with self.cond:
                    self.interrupted = True
                    if self.thread_id is not None and not self.fired:
                        self._stop()

    def _stop(self) -> None:
        """OutOfTime in the guarded thread, then z3 interrupted (the exception is pending when it returns)."""
        assert self.thread_id is not None
        self.fired = True
        self.sent_at = time.monotonic()
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id), ctypes.py_object(OutOfTime))
        z3.main_ctx().interrupt()


@attrs.frozen
class Progress:
    """A snapshot of an explicit search, handed to ``Task.progress`` about once a second."""

    states: int
    transitions: int
    depth: int
    queued: int
    seconds: float

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else 0.0


def _properties(value: Iterable[Property]) -> tuple[Property, ...]:
    return tuple(value)


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _bounds(value: Bounds | None) -> dict[str, tuple[int | None, int | None]]:
    return dict(value or {})


@attrs.frozen
class Task:
    """Decide ``properties`` of ``model`` in ``scope`` with ``engine``, within ``budget``.

    ``for_all`` names scope parameters left symbolic (a proof then holds for every value, within
    ``bounds`` where given); ``depth`` bounds BMC, k-induction and lasso search (None: each
    engine's default; with ``swarm`` the steps of each walk). ``walks`` and ``seed`` are the swarm
    engine's (None: its default number of walks). ``user_set`` names the scope fields whose values the user gave
    (``--set``, ``--faults``; a manifest's own fields): a property whose ``adjust`` would change
    one is refused (:func:`kubecheck.checker.run.check` raises ScopeError naming both values),
    never checked with another value.
    """

    model: Model
    scope: Scope
    properties: tuple[Property, ...] = attrs.field(converter=_properties)
    engine: str = "explicit"
    for_all: tuple[str, ...] = attrs.field(default=(), converter=_names)
    bounds: dict[str, tuple[int | None, int | None]] = attrs.field(factory=dict, converter=_bounds, hash=False)
    depth: int | None = None
    budget: Budget = Budget()
    progress: Callable[[Progress], None] | None = attrs.field(default=None, eq=False)
    status: Callable[[str], None] | None = attrs.field(default=None, eq=False)
    encoders: Encoders = attrs.field(factory=Encoders, eq=False, repr=False)
    user_set: tuple[str, ...] = attrs.field(default=(), converter=_names)
    walks: int | None = None
    seed: int = 0

    def __attrs_post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; engines: {', '.join(ENGINES)}")

    def encoder(self, arith: str = "int") -> Encoder:
        """The z3 encoding of this task's model and scope (``for_all``, ``bounds``), built once per cache."""
        return self.encoders.get(self.model, self.scope, self.for_all, self.bounds, arith)

    def say(self, what: str) -> None:
        """Tell ``status`` what the engine is doing (nothing without one)."""
        if self.status is not None:
            self.status(what)

    def with_properties(self, properties: tuple[Property, ...] | list[Property]) -> Task:
        """The same question about other properties."""
        return attrs.evolve(self, properties=tuple(properties))


class Engine(Protocol):
    """An engine module: :mod:`~kubecheck.checker.explicit.bfs`, :mod:`~kubecheck.checker.symbolic.pdr`…"""

    #: The engine name its results carry ("explicit", "bmc-lasso", "ranking"…).
    ENGINE: str
    #: What a status line calls it ("bmc lasso", "ranking proof"…).
    LABEL: str

    def check(self, task: Task) -> list[Result]:
        """One result per property of ``task``, in order."""
        ...
