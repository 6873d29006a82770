"""Check real Kubernetes manifests: ``kubecheck check -f app.yaml``.

The pipeline, one module per step::

    loader.read_sources  files, directories, stdin -> documents (size limits, safe YAML), and
                         one error per bad document or file
    validation.read_records  defaults.apply_defaults, then the API server's validation -> objects.*
                         (and one error per refused document)
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
A bad *document* does not stop the run: it is rejected in one line (file, document, field,
expected, got), the others are checked, and the report (``ManifestReport.rejected``) exits 2.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from kubecheck.checker.task import Budget, Deadline, Watchdog
from kubecheck.manifest import execute, fanout, loader, objects, scenarios, sizing, validation
from kubecheck.manifest import fixes as fixes_module
from kubecheck.manifest import workloads as workloads_module
from kubecheck.manifest.errors import ManifestError
from kubecheck.manifest.report import ManifestReport, WorkloadReport, anchored
from kubecheck.manifest.workloads import Workload, workloads
from kubecheck.model.controllers.failures import MODES as _ALL_MODES

__all__ = [
    "ManifestError",
    "ManifestReport",
    "check_manifests",
    "exit_code",
    "load_workloads",
    "read_workloads",
]

ENGINES = ("auto", "explicit", "bmc", "kind", "pdr")
MAX_NODES_OPTION = 64
#: ``--faults`` values that are pod failure modes of the edited release (model.controllers.failures).
FAILURE_MODES = tuple(m for m in _ALL_MODES if m != "none")
#: The most worker processes ``--jobs`` may ask for.
MAX_JOBS = 64
#: Seconds per workload unless the caller gives another budget: every CI run is finite.
WORKLOAD_SECONDS = 60.0


@attrs.frozen
class Manifests:
    """What the manifests hold: the workloads to check, the objects ignored, the unknown fields, and
    one line per document that was rejected (the good ones are still checked)."""

    workloads: tuple[Workload, ...]
    ignored: tuple[str, ...]
    unknown: tuple[str, ...]
    rejected: tuple[str, ...]
    documents: tuple[loader.Document, ...] = ()  # the good documents, with their field lines


_WORKLOAD_TYPES = (objects.Deployment, objects.StatefulSet, objects.DaemonSet)
_WHERE = re.compile(r"^(?P<source>.*?)(?: \(document (?P<index>\d+)\))?(?::|$)")


def _position(err: ManifestError, order: dict[str, int]) -> tuple[int, int]:
    """(source, document) of a rejection, to list them in the order of the manifests."""
    found = _WHERE.match(err.where or str(err))
    if found is None or found["source"] not in order:
        return len(order), 0
    return order[found["source"]], int(found["index"] or 0)


def _duplicates(records: Sequence[objects.Record]) -> tuple[list[objects.Record], list[ManifestError]]:
    """The records without a workload defined again under the same name and namespace (the later one is rejected)."""
    first: dict[tuple[str, str], objects.Meta] = {}
    kept, rejected = [], []
    for r in records:
        key = (r.meta.ref, r.meta.namespace)
        if isinstance(r, _WORKLOAD_TYPES) and key in first:
            rejected.append(
                ManifestError(
                    f"{r.meta.where}: {r.meta.ref} is defined twice in namespace {r.meta.namespace} "
                    f"(first in {first[key].where}; the API server keeps one object per name)",
                    where=r.meta.where,
                    path="metadata.name",
                    expected="a name not used by another " + r.meta.kind,
                    got=r.meta.name,
                )
            )
            continue
        if isinstance(r, _WORKLOAD_TYPES):
            first[key] = r.meta
        kept.append(r)
    return kept, rejected


def read_workloads(
    sources: Sequence[str | Path],
    stdin_text: str | bytes | None = None,
    nodes: int | None = None,
    assume_access_mode: str | None = None,
    validate: str = "strict",
) -> Manifests:
    """The workloads of the good documents, and one line per rejected document (in manifest order).

    A document the loader or the API server's validation refuses is dropped and told in one line
    (file, document, field, expected, got); the others are read. Raises ManifestError for an error
    of the run (``--nodes`` out of range, a missing file, a limit of the whole input) and when no
    workload is left to check: its ``errors`` are then the rejected lines (or the one reason).

    ``assume_access_mode`` (``--assume-access-mode``) is the access mode of a claim the manifests do
    not define (None: every mode that can matter is checked, one workload variant each).

    ``validate`` (``--validate``, as kubectl's): ``strict`` refuses a document with a field the
    API server does not know at the levels kubecheck reads (the top, metadata, the workload's
    spec), as ``kubectl apply`` does by default; ``warn`` and ``ignore`` drop such fields (the CLI
    warns on stderr for ``warn``) and keep them in ``unknown``."""
    if nodes is not None and not 1 <= nodes <= MAX_NODES_OPTION:
        raise ManifestError(
            f"--nodes: expected an integer from 1 to {MAX_NODES_OPTION}, got {nodes}",
            path="--nodes",
            expected=f"1..{MAX_NODES_OPTION}",
            got=str(nodes),
        )
    if validate not in validation.VALIDATE_MODES:
        raise ManifestError(
            f"--validate: expected one of {', '.join(validation.VALIDATE_MODES)}, got {validate!r}",
            path="--validate",
            expected="|".join(validation.VALIDATE_MODES),
            got=str(validate),
        )
    loaded = loader.read_sources(sources, stdin_text)
    read, refused = validation.read_records(loaded.documents)
    if validate == "strict":  # the API server's strict field validation: the whole object is refused
        strict_ok = []
        for d, r in read:
            extra = validation.unknown_fields(d)
            if not extra:
                strict_ok.append((d, r))
                continue
            err = validation.unknown_field_error(d, extra[0], r.meta.ref)
            if len(extra) > 1:
                n = len(extra) - 1
                err = ManifestError(
                    f"{err} (and {n} more unknown field{'s' if n > 1 else ''})",
                    where=err.where,
                    path=err.path,
                    expected=err.expected,
                    got=err.got,
                )
            refused.append(err)
        read = strict_ok
    records, twice = _duplicates([r for _, r in read])
    kept = {id(r) for r in records}
    order = {name: n for n, name in enumerate(loaded.sources)}
    errors = sorted([*loaded.rejected, *refused, *twice], key=lambda e: _position(e, order))
    rejected = tuple(str(e) for e in errors)
    ignored = [
        f"{r.meta.ref} ({r.api_version} {r.meta.kind}: kind not read)"
        for r in records
        if isinstance(r, objects.Ignored)
    ]
    unknown = [f"{d.where}: {f}" for d, r in read if id(r) in kept for f in validation.unknown_fields(d)]
    found = workloads(records, nodes, assume_access_mode)
    ignored += workloads_module.idle_budgets(records, found)
    if not found:
        if rejected:
            more = len(rejected) - 1
            raise ManifestError(
                rejected[0] + (f" (and {more} more rejected document{'s' if more > 1 else ''})" if more else ""),
                errors=rejected,
            )
        raise ManifestError(
            "no Deployment, StatefulSet or DaemonSet (apps/v1) in the manifests: nothing to check"
            + (f"; ignored: {', '.join(ignored[:5])}" if ignored else "")
        )
    return Manifests(tuple(found), tuple(ignored), tuple(unknown), rejected, loaded.documents)


def load_workloads(
    sources: Sequence[str | Path],
    stdin_text: str | bytes | None = None,
    nodes: int | None = None,
    assume_access_mode: str | None = None,
    validate: str = "strict",
) -> tuple[list[Workload], list[str], list[str]]:
    """(workloads, ignored objects, unknown fields) of the manifests; ManifestError on any bad document
    (the strict form of :func:`read_workloads`: the first rejected line, and how many more)."""
    m = read_workloads(sources, stdin_text, nodes, assume_access_mode, validate)
    if m.rejected:
        more = len(m.rejected) - 1
        raise ManifestError(
            m.rejected[0] + (f" (and {more} more rejected document{'s' if more > 1 else ''})" if more else ""),
            errors=m.rejected,
        )
    return list(m.workloads), list(m.ignored), list(m.unknown)


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
    validate: str = "strict",
    faults: frozenset[str] = frozenset(),
    workload_seconds: float | None = WORKLOAD_SECONDS,
    watchdog: Watchdog | None = None,
    status: Callable[[str], None] | None = None,
    jobs: int = 1,
    fixes: bool = False,
    scenario: str = "",
) -> ManifestReport:
    """Check every workload of the manifests; ManifestError on bad input that leaves nothing to check.

    Rejected documents are dropped and named in ``report.rejected`` (one line each; the report's
    exit code is then 2) while the good ones are checked (:func:`read_workloads`).

    ``budget.timeout`` is for the whole run, ``workload_seconds`` for each workload (None: no
    limit); ``budget.max_states`` bounds each explicit search. A workload reached when the time
    is spent, or after Ctrl-C, gets INCONCLUSIVE rows ("timeout", "interrupted"); the rows
    decided before stay. ``watchdog`` stops a step that overruns its time even inside a z3 call
    (and interrupts z3 on Ctrl-C); ``status`` hears which workload and step runs. ``jobs`` > 1
    checks that many workloads at once in worker processes (:mod:`kubecheck.manifest.fanout`):
    the same rows, in the same order; ``progress`` is then not called (the workers' searches are
    not watched) and ``status`` hears how many workloads are done. ``fixes`` searches, for each
    violation, the nearest configuration under which it holds (:mod:`kubecheck.manifest.fixes`).
    ``scenario`` puts every workload whose model has it in that scenario (:func:`scenarios.apply`;
    ManifestError for an unknown name or one no workload's model has).
    """
    if engine not in ENGINES:
        raise ManifestError(f"--engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    if not 1 <= jobs <= MAX_JOBS:
        raise ManifestError(
            f"--jobs: expected an integer from 1 to {MAX_JOBS}, got {jobs}",
            path="--jobs",
            expected=f"1..{MAX_JOBS}",
            got=str(jobs),
        )
    started = time.perf_counter()
    m = read_workloads(sources, stdin_text, nodes, assume_access_mode, validate)
    found, ignored, unknown = m.workloads, m.ignored, m.unknown
    asked = faults
    modes = sorted(faults & set(FAILURE_MODES))
    if len(modes) > 1:
        raise ManifestError(
            f"--faults: expected one pod failure mode at a time, got {','.join(modes)}",
            path="--faults",
            expected="one of " + ", ".join(FAILURE_MODES),
            got=",".join(modes),
        )
    if modes:
        found = tuple(workloads_module.with_failure(w, modes[0]) for w in found)
        faults = faults - set(modes)
    if scenario:
        try:
            found = scenarios.apply(found, scenario)
        except scenarios.UnknownScenario as err:
            names = ", ".join(scenarios.NAMES)
            raise ManifestError(str(err), path="--scenario", expected=names, got=scenario) from None
    if jobs > 1 and len(found) > 1:
        reports = fanout.check_in_pool(found, faults, engine, budget, workload_seconds, jobs, watchdog, status, fixes)
    else:
        reports = _check_serially(found, faults, engine, budget, workload_seconds, progress, watchdog, status, fixes)
    report = ManifestReport(
        tuple(str(s) for s in sources),
        tuple(reports),
        tuple(ignored),
        tuple(unknown),
        time.perf_counter() - started,
        verbose,
        strict,
        asked,
        m.rejected,
    )
    report = anchored(report, m.documents)  # each workload with its file and field lines
    return fixes_module.aim_at_budgets(report, m.documents) if fixes else report  # a budget's fix names it


def _check_serially(
    found: Sequence[Workload],
    faults: frozenset[str],
    engine: str,
    budget: Budget,
    workload_seconds: float | None,
    progress: sizing.ProgressCallback | None,
    watchdog: Watchdog | None,
    status: Callable[[str], None] | None,
    fixes: bool = False,
) -> list[WorkloadReport]:
    """One report per workload, one after the other; after Ctrl-C or once the time is spent the
    workloads left get INCONCLUSIVE rows without running."""
    total = Deadline(budget.timeout)
    reports = []
    stopped = ""  # "interrupted" or "timeout": the workloads left get INCONCLUSIVE rows
    for w in found:
        seconds = execute._least(workload_seconds, total.left())
        if not stopped and seconds is not None and seconds <= 0:
            stopped = "timeout"
        report, interrupted = fanout.check_one(
            w, faults, engine, budget, seconds, stopped, progress, watchdog, status, fixes
        )
        stopped = stopped or interrupted
        reports.append(report)
    return reports


def exit_code(report: ManifestReport) -> int:
    """The process exit code of a report (DESIGN.md; caveats count only when strict)."""
    return report.exit_code
