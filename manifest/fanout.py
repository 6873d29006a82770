"""Check the workloads of a manifest run in a pool of local processes (``check -f --jobs N``) or on Ray (``--ray``).

One task per workload: select its properties, plan, execute (:func:`check_one`, the same
function the serial loop runs), in a worker process of a
:class:`concurrent.futures.ProcessPoolExecutor`. The report is assembled in the manifests' order,
so it is the serial run's report except for the seconds it states (wall time of each workload
and of the run).

**Budgets as in a serial run.** At most ``jobs`` workloads are in flight; a workload gets
``min(workload seconds, what is left of --timeout)`` when it is *submitted*, as the serial loop
gives it when it *starts*, and a workload not started when the run's time is spent gets
INCONCLUSIVE "timeout" rows without running. Each worker guards its steps with its own
:class:`~kubecheck.checker.task.Watchdog` (a z3 call past its time is stopped there).

**Ctrl-C.** Workers ignore SIGINT; the parent's watchdog hears it, stops submitting, cancels the
pool (running workers are terminated) and keeps every report that came back; the workloads not
finished get INCONCLUSIVE "interrupted" rows, as in a serial run.

**Transport.** Results hold the model (its commands are functions), properties (predicates) and
proofs (z3 terms), which do not pickle. A worker pickles its report with *persistent ids*:
a :class:`~kubecheck.model.kernel.commands.Model`, a :class:`Command` and a :class:`Property`
travel as names and are resolved in the parent against the catalog and the properties the
parent selected for that workload (the same function, the same answer); the workload travels
as its index; a proof travels as its text (:class:`StoredEvidence`: what every renderer of
``check -f`` reads of it). A report that still cannot be pickled is a bug, raised as such.

**Two transports, one loop.** With a Ray session (``--ray``, :mod:`kubecheck.checker.ray_transport`)
the same :func:`check_one` runs as a Ray task (one CPU each) on the same arguments, returning
the same bytes: the workloads go to the cluster once (``ray.put``), each task names its index,
and an object reference's future stands where the pool's future stood. Ctrl-C cancels the
tasks (``ray.cancel(force=True)``) instead of terminating the pool's processes.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import io
import multiprocessing
import pickle
import signal
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from kubecheck.checker import ray_transport
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Budget, Deadline, Watchdog
from kubecheck.manifest import execute, sizing
from kubecheck.manifest import fixes as fixes_module
from kubecheck.manifest.report import WorkloadReport
from kubecheck.manifest.sizing import Row
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.property import Property
from kubecheck.properties import catalog

#: How often the parent looks for Ctrl-C while it waits for workers (seconds).
POLL = 0.2


@attrs.frozen
class StoredEvidence:
    """A proof as the renderers read it, after a trip between processes."""

    text: str
    scope_claim: str


def check_one(
    w: Workload,
    faults: frozenset[str],
    engine: str,
    budget: Budget,
    seconds: float | None,
    stopped: str = "",
    progress: sizing.ProgressCallback | None = None,
    watchdog: Watchdog | None = None,
    status: Callable[[str], None] | None = None,
    fixes: bool = False,
) -> tuple[WorkloadReport, str]:
    """One workload's report (select, plan, execute within ``seconds``), and "interrupted" after Ctrl-C.

    With ``fixes``, each VIOLATED row gets the nearest configuration under which its property holds
    (:func:`with_fixes`). ``stopped`` ("timeout" or "interrupted") gives every row INCONCLUSIVE for that reason without
    running anything (the plan is still made, uncalibrated: its rows name the size each property
    would have had).
    """
    t0 = time.perf_counter()
    props, skipped = sizing.select(w, faults)
    if not stopped and seconds is not None and seconds <= 0:
        stopped = "timeout"
    plan = sizing.plan(w, props, engine, attrs.evolve(budget, timeout=seconds), progress, calibrated=not stopped)
    if stopped:
        rows = [execute.stopped_row(plan, p, stopped) for p in plan.properties]
    else:
        try:
            rows = execute.execute_plan(plan, seconds, watchdog, status)
        except execute.Interrupted as stop:
            stopped = "interrupted"
            rows = [stop.rows.get(p.name) or execute.stopped_row(plan, p, stopped) for p in plan.properties]
    if fixes and not stopped:
        rows = with_fixes(w, rows)
    report = WorkloadReport(w, tuple(rows), tuple(skipped), time.perf_counter() - t0, plan.describe())
    return report, stopped if stopped == "interrupted" else ""


def with_fixes(w: Workload, rows: Sequence[Row]) -> list[Row]:
    """``rows`` with the nearest fix (:func:`kubecheck.manifest.fixes.search_fixes`) on each VIOLATED row,
    searched per instance within :data:`~kubecheck.manifest.fixes.FIX_SECONDS` for the workload, the
    guarantees' rows before the caveats'; what a fix breaks is told against the rows that held at the
    same instance and are guarantees."""
    deadline = Deadline(fixes_module.FIX_SECONDS)
    meta = w.obj.meta
    found: dict[str, fixes_module.Fix] = {}
    for size in dict.fromkeys(r.size for r in rows if r.result.verdict is Verdict.VIOLATED):
        here = [r for r in rows if r.size == size]
        # guarantees first: the caveats (not counted in the exit code) get what time is left
        violated = [r.result for r in sorted(here, key=lambda r: r.caveat) if r.result.verdict is Verdict.VIOLATED]
        others = [r.result for r in here if not r.caveat and r.result.verdict in fixes_module.GOOD]
        found.update(
            fixes_module.search_fixes(
                w.model, meta.kind, meta.name, meta.namespace, violated, size, others, deadline=deadline
            )
        )
    return [attrs.evolve(r, fix=found[r.result.property.name]) if r.result.property.name in found else r for r in rows]


# -- transport ---------------------------------------------------------------------------------


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, workload: Workload):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.workload = workload

    def persistent_id(self, obj: Any) -> Any:
        if obj is self.workload:
            return ("workload",)
        if isinstance(obj, Model):
            return ("model", obj.name)
        if isinstance(obj, Command):
            return ("command", obj.name)
        if isinstance(obj, Property):
            return ("property", obj.name)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, workload: Workload, props: Sequence[Property]):
        super().__init__(file)
        self.workload = workload
        self.model = catalog.model(workload.model)
        self.commands = {c.name: c for c in self.model.commands}
        self.props = {p.name: p for p in catalog.PROPERTIES.get(workload.model, ())}
        self.props.update({p.name: p for p in props})

    def persistent_load(self, pid: Any) -> Any:
        kind = pid[0]
        if kind == "workload":
            return self.workload
        if kind == "model" and pid[1] == self.model.name:
            return self.model
        if kind == "command" and pid[1] in self.commands:
            return self.commands[pid[1]]
        if kind == "property" and pid[1] in self.props:
            return self.props[pid[1]]
        raise pickle.UnpicklingError(f"a worker's report names {kind} {pid[1:]!r}, unknown to {self.workload.ref}")


def _portable(report: WorkloadReport) -> WorkloadReport:
    """The report with each proof replaced by its text (z3 terms stay in the worker)."""

    def result(r: Result) -> Result:
        if r.evidence is None:
            return r
        return attrs.evolve(r, evidence=StoredEvidence(r.evidence.text, r.evidence.scope_claim))

    rows = tuple(attrs.evolve(row, result=result(row.result)) for row in report.rows)
    return attrs.evolve(report, rows=rows)


def dumps(report: WorkloadReport) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, report.workload).dump(_portable(report))
    return buf.getvalue()


def loads(data: bytes, workload: Workload, faults: frozenset[str]) -> WorkloadReport:
    props, _ = sizing.select(workload, faults)
    report = _Unpickler(io.BytesIO(data), workload, props).load()
    assert isinstance(report, WorkloadReport)
    return report


# -- the pool ----------------------------------------------------------------------------------

_WORKLOADS: Sequence[Workload] = ()


def _init_worker(workloads: Sequence[Workload]) -> None:
    """A worker ignores Ctrl-C (the parent stops the pool) and holds the run's workloads."""
    global _WORKLOADS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKLOADS = workloads


def _work(index: int, faults: frozenset[str], engine: str, budget: Budget, seconds: float | None, fixes: bool) -> bytes:
    return _work_on(_WORKLOADS, index, faults, engine, budget, seconds, fixes)


def _work_on(
    found: Sequence[Workload],
    index: int,
    faults: frozenset[str],
    engine: str,
    budget: Budget,
    seconds: float | None,
    fixes: bool,
) -> bytes:
    """One workload's report, pickled for the trip back (:func:`dumps`): the task of both transports."""
    w = found[index]
    dog = Watchdog()
    try:
        report, _ = check_one(w, faults, engine, budget, seconds, watchdog=dog, fixes=fixes)
    finally:
        dog.close()
    return dumps(report)


def check_in_pool(
    found: Sequence[Workload],
    faults: frozenset[str],
    engine: str,
    budget: Budget,
    workload_seconds: float | None,
    jobs: int,
    watchdog: Watchdog | None = None,
    status: Callable[[str], None] | None = None,
    fixes: bool = False,
) -> list[WorkloadReport]:
    """One report per workload of ``found``, in its order, from ``jobs`` worker processes.

    ``budget.timeout`` is the whole run's time (None: no limit), ``workload_seconds`` each workload's.
    """
    total = Deadline(budget.timeout)
    reports: dict[int, WorkloadReport] = {}
    stopped = ""
    pool: _Transport = _RayTasks(found) if ray_transport.active() else _LocalPool(found, jobs)
    running: dict[cf.Future[bytes], int] = {}
    queue = list(range(len(found)))
    try:
        while queue or running:
            while queue and len(running) < jobs and not stopped:
                seconds = execute._least(workload_seconds, total.left())
                if seconds is not None and seconds <= 0:
                    stopped = "timeout"
                    break
                i = queue.pop(0)
                running[pool.submit(i, faults, engine, budget, seconds, fixes)] = i
            if stopped and not running:
                break
            done, _ = cf.wait(running, timeout=POLL, return_when=cf.FIRST_COMPLETED)
            for future in done:
                i = running.pop(future)
                reports[i] = loads(future.result(), found[i], faults)
            if status is not None:
                names = ", ".join(found[i].ref for i in sorted(running.values()))
                where = "on Ray" if isinstance(pool, _RayTasks) else "jobs"
                status(f"{len(reports)} of {len(found)} workloads checked ({jobs} {where}); running: {names}")
            if watchdog is not None and watchdog.interrupted:
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        stopped = "interrupted"
    finally:
        pool.close(running or stopped)
    out = []
    for i, w in enumerate(found):
        if i in reports:
            out.append(reports[i])
        else:  # not started (time spent) or not finished (Ctrl-C): rows say why, nothing runs
            out.append(check_one(w, faults, engine, budget, 0.0 if stopped == "timeout" else None, stopped)[0])
    return out


# -- the two transports ------------------------------------------------------------------------


class _Transport:
    """Where :func:`_work_on` runs: ``submit`` returns a future of its bytes; ``close`` ends the rest."""

    def submit(self, index: int, *args: Any) -> cf.Future[bytes]:
        raise NotImplementedError

    def close(self, stop_running: object) -> None:
        raise NotImplementedError


class _LocalPool(_Transport):
    """``jobs`` spawned processes holding the workloads (:func:`_init_worker`)."""

    def __init__(self, found: Sequence[Workload], jobs: int):
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no parent threads, z3 state or signal fds
        self.pool = cf.ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=(found,)
        )

    def submit(self, index: int, *args: Any) -> cf.Future[bytes]:
        return self.pool.submit(_work, index, *args)

    def close(self, stop_running: object) -> None:
        if stop_running:
            for process in list(getattr(self.pool, "_processes", {}).values()):  # running workers stop now
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)


class _RayTasks(_Transport):
    """Ray tasks of one CPU each on the session's cluster, the workloads put there once."""

    def __init__(self, found: Sequence[Workload]):
        self.ray = ray_transport.require()
        self.found = self.ray.put(found)
        self.task = self.ray.remote(num_cpus=1, max_retries=0)(_work_on)
        self.refs: list[Any] = []

    def submit(self, index: int, *args: Any) -> cf.Future[bytes]:
        ref = self.task.remote(self.found, index, *args)
        self.refs.append(ref)
        future: cf.Future[bytes] = ref.future()
        return future

    def close(self, stop_running: object) -> None:
        if stop_running:
            for ref in self.refs:
                with contextlib.suppress(Exception):  # finished tasks cannot be cancelled; nothing to do then
                    self.ray.cancel(ref, force=True)
