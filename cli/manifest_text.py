"""The text report of ``kubecheck check -f``: a verdict table per workload, then the traces.

Per workload: its object, where it was read, the model and the seconds; the scope it was checked
in; one row per property (verdict, method, the size it was checked at, states, seconds); what is
not modelled and the notes; a line per witness this configuration cannot reach (``N/A``: not
applicable, not counted unless ``--strict``) or left unreached at a reduced size (INCONCLUSIVE).
Then the legend (caveats, not applicable, once each), ignored objects, unknown fields (verbose), one trace
per violation (and per witness under ``--verbose``), and a one-line summary with the exit code.
A trace is rendered by the ``trace_lines`` given (the CLI passes :func:`trace_lines`, the model's
Kubernetes words; :func:`compact_trace_lines` needs no describer).
"""

from __future__ import annotations

from collections.abc import Callable

from kubecheck.checker.result import Result, Verdict
from kubecheck.cli import text, trace_text
from kubecheck.cli.documents import TRACED
from kubecheck.manifest.report import KUBERNETES, ManifestReport, Standing
from kubecheck.manifest.sizing import Row
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel.scopes import describe

#: How a row's trace becomes lines.
TraceLines = Callable[[Result], list[str]]

#: The scope parameters shown under a workload (the rest are the model's defaults).
SCOPE_SHOWN = frozenset(
    {
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
)


def _states(row: Row) -> str:
    s = row.result.stats
    return f"{s.states:,}" if s.states else "-"


#: The verdict column of a witness this configuration cannot reach (when it does not count).
NOT_APPLICABLE = "N/A"


def _verdict(row: Row, st: Standing) -> str:
    shown = NOT_APPLICABLE if not st.applicable and not st.counted else st.verdict.value
    return shown + (" *" if row.caveat else "")


def _label(st: Standing) -> str:
    """How the summary counts a row: its reported verdict, or "not applicable" when it does not count."""
    return "not applicable" if not st.applicable and not st.counted else st.verdict.value


def compact_trace_lines(result: Result) -> list[str]:
    """A compact trace: each step's actor, action and changed fields."""
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


def trace_lines(result: Result) -> list[str]:
    """A row's trace in the model's Kubernetes words, and what the last state shows."""
    assert result.trace is not None
    return trace_text.steps(result.trace) + trace_text.conclusion_lines(
        result.property, result.verdict.value, result.trace
    )


def scope_line(w: Workload) -> str:
    """The workload's scope parameters that its manifest decides, as ``name=value`` words."""
    keep = set(SCOPE_SHOWN)
    if getattr(w.scope, "strategy", "") in ("Recreate", "OnDelete"):
        keep -= {"max-surge", "max-unavailable", "partition"}
    return " ".join(f"{k}={v}" for k, v in describe(w.scope) if k in keep)


def render(report: ManifestReport, trace_lines: TraceLines = compact_trace_lines) -> str:
    """The verdict table per workload, then traces of violations (and of witnesses under verbose)."""
    out: list[str] = []
    n_props = sum(len(w.rows) for w in report.workloads)
    out.append(
        f"kubecheck check -f {' '.join(report.sources)}: {len(report.workloads)} workloads, {n_props} properties "
        f"(Kubernetes {KUBERNETES} semantics; user: one template edit; "
        f"{'faults: ' + ','.join(sorted(report.faults)) if report.faults else 'faults off'})"
    )
    any_caveat = any_na = False
    for wr in report.workloads:
        w = wr.workload
        out += ["", f"{w.ref}  ({w.obj.meta.where}; model {w.model}; {wr.seconds:.1f} s)", f"  scope: {scope_line(w)}"]
        rows = [
            [
                "  " + r.result.property.name,
                _verdict(r, report.standing(r)),
                r.method,
                r.sizing_note or r.size,
                _states(r),
                f"{r.result.stats.seconds:.2f}",
            ]
            for r in wr.rows
        ]
        out += text.table(["  property", "verdict", "method", "checked at", "states", "seconds"], rows, "<<<<>>")
        any_caveat = any_caveat or any(r.caveat for r in wr.rows)
        for r in wr.rows:
            st = report.standing(r)
            if st.note:
                out.append(f"  {r.result.property.name}: {st.note}")
            any_na = any_na or not st.applicable
        out += [f"  not modelled: {what}" for what in w.not_modelled]
        out += [f"  note: {what}" for what in w.notes]
        if report.verbose:
            for s in wr.skipped:
                out.append(f"  not checked: {s.name} ({s.reason})")
    if any_caveat:
        out += [
            "",
            "* caveat: not guaranteed by Kubernetes; shown so you see what can go wrong, "
            + ("and counted in the exit code (strict)" if report.strict else "not counted in the exit code"),
        ]
    if any_na:
        counted = (
            "counted in the exit code as UNREACHABLE (strict)" if report.strict else "not counted in the exit code"
        )
        out += ([] if any_caveat else [""]) + [
            f"{NOT_APPLICABLE} not applicable: a witness (a `sometimes` property) that no run of this configuration "
            f"reaches; {counted}"
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
    labels = [_label(report.standing(r)) for w in report.workloads for r in w.rows]
    order = [k.value for k in Verdict] + ["not applicable"]
    counts = ", ".join(f"{labels.count(k)} {k}" for k in order if k in labels)
    out += ["", f"summary: {counts} in {report.seconds:.1f} s; exit {report.exit_code}"]
    return "\n".join(out) + "\n"
