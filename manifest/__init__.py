"""Check real Kubernetes manifests: ``kubecheck check -f app.yaml``.

The pipeline, one module per step::

    loader.load          files, directories, stdin -> documents (size limits, safe YAML)
    validation.read_all  defaults.apply_defaults, then the API server's validation -> objects.*
    workloads.workloads  Deployment/StatefulSet/DaemonSet -> model + scope at the manifest's numbers
    sizing.select        the properties that speak about this configuration
    sizing.plan          per workload, the checker runs (explicit at the real size, PDR for every
                         replica count, or a smaller scope said out loud: "explored with
                         replicas=3 of 50"); runs nothing
    execute.execute_plan runs a plan's tasks with checker.run.check -> one row per property,
                         within the workload's time (WORKLOAD_SECONDS, and what --timeout leaves)
    report.ManifestReport  per workload its rows and what was left out; the exit code
                         (the CLI renders it: kubecheck.cli.manifest_text, manifest_json, junit)

Every input problem is a :class:`ManifestError` (a ScopeError: the CLI prints one line, exit 2).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from kubecheck.checker.task import Budget, Deadline, Watchdog
from kubecheck.manifest import execute, loader, objects, sizing, validation
from kubecheck.manifest.errors import ManifestError
from kubecheck.manifest.report import ManifestReport, WorkloadReport
from kubecheck.manifest.workloads import Workload, workloads

__all__ = [
    "ManifestError",
    "ManifestReport",
    "check_manifests",
    "exit_code",
    "load_workloads",
]

ENGINES = ("auto", "explicit", "bmc", "kind", "pdr")
MAX_NODES_OPTION = 64
#: Seconds per workload unless the caller gives another budget: every CI run is finite.
WORKLOAD_SECONDS = 60.0


def load_workloads(
    sources: Sequence[str | Path],
    stdin_text: str | bytes | None = None,
    nodes: int | None = None,
    assume_access_mode: str | None = None,
) -> tuple[list[Workload], list[str], list[str]]:
    """(workloads, ignored objects, unknown fields) of the manifests; ManifestError on bad input.

    ``assume_access_mode`` (``--assume-access-mode``) is the access mode of a claim the manifests do
    not define (None: every mode that can matter is checked, one workload variant each)."""
    if nodes is not None and not 1 <= nodes <= MAX_NODES_OPTION:
        raise ManifestError(
            f"--nodes: expected an integer from 1 to {MAX_NODES_OPTION}, got {nodes}",
            path="--nodes",
            expected=f"1..{MAX_NODES_OPTION}",
            got=str(nodes),
        )
    docs = loader.load(sources, stdin_text)
    records = validation.read_all(docs)
    ignored = [
        f"{r.meta.ref} ({r.api_version} {r.meta.kind}: kind not read)"
        for r in records
        if isinstance(r, objects.Ignored)
    ]
    unknown = [f"{d.where}: {f}" for d in docs for f in validation.unknown_fields(d)]
    found = workloads(records, nodes, assume_access_mode)
    if not found:
        raise ManifestError(
            "no Deployment, StatefulSet or DaemonSet (apps/v1) in the manifests: nothing to check"
            + (f"; ignored: {', '.join(ignored[:5])}" if ignored else "")
        )
    refs = [w.ref + "@" + w.obj.meta.namespace for w in found]
    dupes = sorted({r for r in refs if refs.count(r) > 1})
    if dupes:
        raise ManifestError(
            f"{dupes[0].split('@')[0]} is defined twice in namespace {dupes[0].split('@')[1]} "
            f"(the API server keeps one object per name)"
        )
    return found, ignored, unknown


def check_manifests(
    sources: Sequence[str | Path],
    stdin_text: str | bytes | None = None,
    nodes: int | None = None,
    engine: str = "auto",
    budget: Budget = Budget(),
    progress: sizing.ProgressCallback | None = None,
    verbose: bool = False,
    strict: bool = False,
    assume_access_mode: str | None = None,
    faults: frozenset[str] = frozenset(),
    workload_seconds: float | None = WORKLOAD_SECONDS,
    watchdog: Watchdog | None = None,
    status: Callable[[str], None] | None = None,
) -> ManifestReport:
    """Check every workload of the manifests; ManifestError (one line) on bad input.

    ``budget.timeout`` is for the whole run, ``workload_seconds`` for each workload (None: no
    limit); ``budget.max_states`` bounds each explicit search. A workload reached when the time
    is spent, or after Ctrl-C, gets INCONCLUSIVE rows ("timeout", "interrupted"); the rows
    decided before stay. ``watchdog`` stops a step that overruns its time even inside a z3 call
    (and interrupts z3 on Ctrl-C); ``status`` hears which workload and step runs.
    """
    if engine not in ENGINES:
        raise ManifestError(f"--engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    started = time.perf_counter()
    found, ignored, unknown = load_workloads(sources, stdin_text, nodes, assume_access_mode)
    total = Deadline(budget.timeout)
    reports = []
    stopped = ""  # "interrupted" or "timeout": the workloads left get INCONCLUSIVE rows
    for w in found:
        t0 = time.perf_counter()
        props, skipped = sizing.select(w, faults)
        seconds = execute._least(workload_seconds, total.left())
        plan = sizing.plan(w, props, engine, attrs.evolve(budget, timeout=seconds), progress)
        if not stopped and seconds is not None and seconds <= 0:
            stopped = "timeout"
        if stopped:
            rows = [execute.stopped_row(plan, p, stopped) for p in plan.properties]
        else:
            try:
                rows = execute.execute_plan(plan, seconds, watchdog, status)
            except execute.Interrupted as stop:
                stopped = "interrupted"
                rows = [stop.rows.get(p.name) or execute.stopped_row(plan, p, stopped) for p in plan.properties]
        reports.append(WorkloadReport(w, tuple(rows), tuple(skipped), time.perf_counter() - t0))
    return ManifestReport(
        tuple(str(s) for s in sources),
        tuple(reports),
        tuple(ignored),
        tuple(unknown),
        time.perf_counter() - started,
        verbose,
        strict,
        faults,
    )


def exit_code(report: ManifestReport) -> int:
    """The process exit code of a report (DESIGN.md; caveats count only when strict)."""
    return report.exit_code
