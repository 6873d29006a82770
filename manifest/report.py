"""What ``kubecheck check -f`` returns: a :class:`ManifestReport` and its exit code.

A :class:`ManifestReport` holds, per workload, one :class:`~.sizing.Row` per property (the
checker's :class:`~kubecheck.checker.result.Result`, the method, the size it was checked at)
plus what was left out and why. The CLI renders it (``kubecheck.cli.manifest_text``,
``manifest_json``, ``junit``, and ``documents.manifest_itf_documents`` for ITF).

Exit code (DESIGN.md): 0 every guarantee holds or is proved and every witness found; 10
inconclusive; 12 safety violation; 13 liveness violation; 14 unreachable witness. Rows of
*caveats* — properties upstream does not guarantee, shown so the user sees what can go wrong
(``live_pods_within_surge``: terminating pods exceed maxSurge) — never fail the run unless
``strict`` is set.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from kubecheck.checker.result import EXIT_OK, Result, Verdict, exit_code
from kubecheck.manifest.sizing import Row, Skipped
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel import traces
from kubecheck.model.kernel.scopes import describe

#: The Kubernetes version whose semantics the models follow (shown in every report).
KUBERNETES = "v1.35"


@attrs.frozen
class WorkloadReport:
    """One workload's rows (one per property checked), the properties skipped and why, its seconds."""

    workload: Workload
    rows: tuple[Row, ...]
    skipped: tuple[Skipped, ...]
    seconds: float


@attrs.frozen
class ManifestReport:
    """Everything ``check -f`` found: per-workload rows, what was ignored, timings, the exit code."""

    sources: tuple[str, ...]
    workloads: tuple[WorkloadReport, ...]
    ignored: tuple[str, ...]
    unknown_fields: tuple[str, ...]
    seconds: float
    verbose: bool = False
    strict: bool = False
    faults: frozenset[str] = frozenset()

    def counted(self) -> list[Result]:
        """The results that decide the exit code (guarantees; caveats too when strict)."""
        return [r.result for w in self.workloads for r in w.rows if self.strict or not r.caveat]

    @property
    def exit_code(self) -> int:
        """The process exit code of the report (caveats count only when strict)."""
        return exit_code(self.counted()) if self.workloads else EXIT_OK


# -- transitional ------------------------------------------------------------------------------
# The renderers live in kubecheck.cli (manifest_text, manifest_json, junit, documents). These
# copies remain only while kubecheck.manifest re-exports them (manifest/__init__.py) and
# tests/manifest/test_examples.py and test_sizing.py import render_text from there; delete
# everything below this line once they import from kubecheck.cli instead.

FORMAT = "kubecheck.manifest-report/1"
TRACED = (Verdict.VIOLATED, Verdict.WITNESSED)
FAILING = (Verdict.VIOLATED, Verdict.UNREACHABLE)


# -- text -------------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]

    def line(cells: Sequence[str]) -> str:
        out = [str(c).ljust(w) if a == "<" else str(c).rjust(w) for c, w, a in zip(cells, widths, align)]
        return "  ".join(out).rstrip()

    return [line(header)] + [line(r) for r in rows]


def _states(row: Row) -> str:
    s = row.result.stats
    return f"{s.states:,}" if s.states else "-"


def _verdict(row: Row) -> str:
    return row.result.verdict.value + (" *" if row.caveat else "")


def default_trace_lines(result: Result) -> list[str]:
    """A compact trace: each step's actor, action and changed fields (the CLI may pass a richer renderer)."""
    trace = result.trace
    if trace is None:
        return []
    lines = []
    for i, step in enumerate(trace.steps, start=1):
        changes = ", ".join(f"{f} {a}→{b}" for f, (a, b) in step.changes.items())
        lines.append(f"{i:>3}. [{step.action.actor}] {step.action.label}: {changes}")
    if trace.loop is not None:
        lines.append(f"     … and back to state {trace.loop} for ever")
    return lines


def _scope_line(w: Workload) -> str:
    keep = {
        "replicas",
        "max-surge",
        "max-unavailable",
        "strategy",
        "pod-management-policy",
        "partition",
        "nodes",
        "access-mode",
        "when-scaled",
        "when-deleted",
        "min-ready-seconds",
        "node-classes",
        "volume-claim-templates",
    }
    if getattr(w.scope, "strategy", "") in ("Recreate", "OnDelete"):
        keep -= {"max-surge", "max-unavailable", "partition"}
    return " ".join(f"{k}={v}" for k, v in describe(w.scope) if k in keep)


def render_text(report: ManifestReport, trace_lines: Callable[[Result], list[str]] | None = None) -> str:
    """The verdict table per workload, then traces of violations (and of witnesses under verbose)."""
    trace_lines = trace_lines or default_trace_lines
    out: list[str] = []
    n_props = sum(len(w.rows) for w in report.workloads)
    out.append(
        f"kubecheck check -f {' '.join(report.sources)}: {len(report.workloads)} workloads, {n_props} properties "
        f"(Kubernetes {KUBERNETES} semantics; user: one template edit; "
        f"{'faults: ' + ','.join(sorted(report.faults)) if report.faults else 'faults off'})"
    )
    any_caveat = False
    for wr in report.workloads:
        w = wr.workload
        out += ["", f"{w.ref}  ({w.obj.meta.where}; model {w.model}; {wr.seconds:.1f} s)", f"  scope: {_scope_line(w)}"]
        rows = [
            [
                "  " + r.result.property.name,
                _verdict(r),
                r.method,
                r.sizing_note or r.size,
                _states(r),
                f"{r.result.stats.seconds:.2f}",
            ]
            for r in wr.rows
        ]
        out += _table(["  property", "verdict", "method", "checked at", "states", "seconds"], rows, "<<<<>>")
        any_caveat = any_caveat or any(r.caveat for r in wr.rows)
        for text in w.not_modelled:
            out.append(f"  not modelled: {text}")
        for text in w.notes:
            out.append(f"  note: {text}")
        if report.verbose:
            for s in wr.skipped:
                out.append(f"  not checked: {s.name} ({s.reason})")
    if any_caveat:
        out += [
            "",
            "* caveat: not guaranteed by Kubernetes; shown so you see what can go wrong, "
            + ("and counted in the exit code (strict)" if report.strict else "not counted in the exit code"),
        ]
    if report.ignored:
        out += ["", "ignored: " + "; ".join(report.ignored)]
    if report.verbose and report.unknown_fields:
        out += ["", "unknown fields (ignored): " + "; ".join(report.unknown_fields)]
    for wr in report.workloads:
        for r in wr.rows:
            res = r.result
            if (
                res.trace is None
                or res.verdict not in TRACED
                or (res.verdict is Verdict.WITNESSED and not report.verbose)
            ):
                continue
            label = " (caveat)" if r.caveat else ""
            out += [
                "",
                f"{res.verdict.value}{label}  {wr.workload.ref}: {res.property.name} — {res.property.doc}"
                + (f" [{r.sizing_note}]" if r.reduced else ""),
            ]
            out += ["  " + line for line in trace_lines(res)]
    verdicts = [r.result.verdict for w in report.workloads for r in w.rows]
    counts = ", ".join(f"{sum(v is k for v in verdicts)} {k.value}" for k in Verdict if any(v is k for v in verdicts))
    out += ["", f"summary: {counts} in {report.seconds:.1f} s; exit {report.exit_code}"]
    return "\n".join(out) + "\n"


# -- JSON ---------------------------------------------------------------------------------------


def _row_document(row: Row) -> dict[str, Any]:
    r = row.result
    traced = r.trace is not None and r.verdict in TRACED
    meta = {"property": r.property.name, "kind": r.property.kind, "verdict": r.verdict.value}
    return {
        "property": r.property.name,
        "kind": r.property.kind,
        "verdict": r.verdict.value,
        "method": row.method,
        "checked_at": row.size,
        "reduced": row.reduced,
        "caveat": row.caveat,
        "states": r.stats.states,
        "transitions": r.stats.transitions,
        "depth": r.stats.depth,
        "seconds": round(r.stats.seconds, 4),
        "note": r.note or None,
        "trace": traces.to_json(r.trace, meta) if r.trace is not None and traced else None,
    }


def report_document(report: ManifestReport) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "kubernetes": KUBERNETES,
        "sources": list(report.sources),
        "exit_code": report.exit_code,
        "seconds": round(report.seconds, 3),
        "ignored": list(report.ignored),
        "unknown_fields": list(report.unknown_fields),
        "faults": sorted(report.faults),
        "workloads": [
            {
                "object": wr.workload.ref,
                "where": wr.workload.obj.meta.where,
                "model": wr.workload.model,
                "scope": dict(describe(wr.workload.scope)),
                "not_modelled": list(wr.workload.not_modelled),
                "notes": list(wr.workload.notes),
                "skipped": [{"property": s.name, "reason": s.reason} for s in wr.skipped],
                "properties": [_row_document(r) for r in wr.rows],
            }
            for wr in report.workloads
        ],
    }


def render_json(report: ManifestReport) -> str:
    return json.dumps(report_document(report), indent=2, ensure_ascii=False) + "\n"


# -- ITF ----------------------------------------------------------------------------------------


def itf_documents(report: ManifestReport) -> list[tuple[str, dict[str, Any]]]:
    """(file-name stem, ITF document) per violation and witness, named ``<kind>-<name>-<property>``."""
    out = []
    for wr in report.workloads:
        for r in wr.rows:
            res = r.result
            if res.trace is not None and res.verdict in TRACED:
                meta = {"object": wr.workload.ref, "property": res.property.name, "verdict": res.verdict.value}
                stem = f"{wr.workload.ref.replace('/', '-')}-{res.property.short}"
                out.append((stem, traces.to_itf(res.trace, meta)))
    return out


# -- JUnit XML ------------------------------------------------------------------------------------


def render_junit(report: ManifestReport, trace_lines: Callable[[Result], list[str]] | None = None) -> str:
    """One testsuite per workload, one testcase per property: failure for VIOLATED/UNREACHABLE,
    skipped for INCONCLUSIVE."""
    trace_lines = trace_lines or default_trace_lines
    root = ET.Element("testsuites", name="kubecheck", time=f"{report.seconds:.3f}")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for wr in report.workloads:
        suite = ET.SubElement(root, "testsuite", name=wr.workload.ref, time=f"{wr.seconds:.3f}")
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for r in wr.rows:
            res = r.result
            case = ET.SubElement(
                suite, "testcase", classname=wr.workload.ref, name=res.property.name, time=f"{res.stats.seconds:.3f}"
            )
            counts["tests"] += 1
            summary = f"{res.verdict.value} by {r.method}, checked at {r.sizing_note or r.size}"
            if res.verdict in FAILING and (report.strict or not r.caveat):
                counts["failures"] += 1
                fail = ET.SubElement(
                    case, "failure", message=f"{res.verdict.value}: {res.property.doc}", type=res.verdict.value
                )
                fail.text = "\n".join([summary] + trace_lines(res))
            elif res.verdict is Verdict.INCONCLUSIVE:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=f"INCONCLUSIVE: {res.note or res.stats.stop_reason}")
            else:
                text = summary + (" (caveat: not guaranteed by Kubernetes; not a failure)" if r.caveat else "")
                ET.SubElement(case, "system-out").text = text
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
