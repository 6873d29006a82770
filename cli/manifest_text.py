"""The text report of ``kubecheck check -f``: a verdict table per workload, then the traces.

Per workload: its object, where it was read, the model and the seconds; the scope it was checked
in; what the check assumes that the manifests do not say (``assumes:``); one row per property
(verdict, method, the size it was checked at, states, seconds, and ``trace N`` when a shown trace
breaks it); what is not modelled and the notes; a line per witness this configuration cannot
reach (``N/A``: not applicable, not counted unless ``--strict``) or left unreached at a reduced
size (INCONCLUSIVE). Then the documents rejected while the good ones were checked, ignored
objects, unknown fields (verbose), and the traces: one per group of violations with one root
cause (:mod:`kubecheck.manifest.grouping`: the run, the properties it ``breaks``, and the
``⇒`` line of each), and one per witness under ``--verbose``; each model's legend (the
Deployment's pod phases) is printed once, before its first trace. A footer explains, once, the
terms this report uses (as ``kubecheck help verdicts`` does), and a one-line summary gives the
exit code. A trace is rendered by the :class:`TraceWords` given (the CLI passes
:data:`trace_lines`, the model's Kubernetes words; :data:`compact_trace_lines` needs no describer).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from kubecheck.checker.result import EXIT_USAGE, Result, Verdict
from kubecheck.cli import help_command, text, trace_text
from kubecheck.manifest.grouping import TraceGroup, group_numbers, trace_groups
from kubecheck.manifest.report import KUBERNETES, ManifestReport, Standing, WorkloadReport
from kubecheck.manifest.sizing import Row
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import describe
from kubecheck.model.kernel.traces import Trace

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


def verdict_column(row: Row, st: Standing) -> str:
    """The verdict column: N/A, the reported verdict, or the result's own with its vacuity ("HOLDS (vacuous: …)")."""
    if not st.applicable and not st.counted:
        shown = NOT_APPLICABLE
    elif st.verdict is row.result.verdict:
        shown = row.result.verdict_text()
    else:
        shown = st.verdict.value
    return shown + (" *" if row.caveat else "")


def _label(st: Standing) -> str:
    """How the summary counts a row: its reported verdict, or "not applicable" when it does not count."""
    return "not applicable" if not st.applicable and not st.counted else st.verdict.value


@attrs.frozen
class TraceWords:
    """How a trace becomes lines: in the model's Kubernetes words (the describers of
    :mod:`~kubecheck.cli.trace_text`), or compact (each step's actor, action and changed fields; no
    describer needed). Called with a result, it gives that result's whole trace (legend, steps, and
    the ``⇒`` line), as a JUnit failure shows it; the text report uses the parts."""

    kubernetes: bool

    def legend(self, trace: Trace) -> list[str]:
        """The vocabulary of the trace's model ([] when compact)."""
        return trace_text.legend(trace, "") if self.kubernetes else []

    def steps(self, trace: Trace) -> list[str]:
        """The initial state and the steps, without the legend."""
        if self.kubernetes:
            return trace_text.steps(trace, "", with_legend=False)
        lines = []
        for i, step in enumerate(trace.steps, start=1):
            changes = ", ".join(f"{f} {a}→{b}" for f, (a, b) in step.changes.items())
            lines.append(f"{i:>3}. [{step.action.actor}] {step.action.label}: {changes}")
        if trace.loop is not None:
            lines.append(f"     … and back to state {trace.loop} for ever")
        return lines

    def conclusion(self, prop: Property, verdict: str, trace: Trace, label: str = "") -> list[str]:
        """What the last state shows for ``prop`` (``⇒ label: …``; [] when compact)."""
        return trace_text.conclusion_lines(prop, verdict, trace, "", label) if self.kubernetes else []

    def __call__(self, result: Result) -> list[str]:
        trace = result.trace
        if trace is None:
            return []
        return self.legend(trace) + self.steps(trace) + self.conclusion(result.property, result.verdict.value, trace)


#: A row's trace in the model's Kubernetes words, and what the last state shows.
trace_lines = TraceWords(kubernetes=True)
#: A compact trace: each step's actor, action and changed fields.
compact_trace_lines = TraceWords(kubernetes=False)
#: How a row's trace becomes lines (the renderers take one of the two above).
TraceLines = TraceWords


def scope_line(w: Workload) -> str:
    """The workload's scope parameters that its manifest decides, as ``name=value`` words."""
    keep = set(SCOPE_SHOWN)
    if getattr(w.scope, "strategy", "") in ("Recreate", "OnDelete"):
        keep -= {"max-surge", "max-unavailable", "partition"}
    return " ".join(f"{k}={v}" for k, v in describe(w.scope) if k in keep)


def _table(report: ManifestReport, w: int, numbers: dict[tuple[int, int], int]) -> list[str]:
    """The verdict table of workload ``w``: one row per property, the last column naming its trace."""
    rows = [
        [
            "  " + r.result.property.name,
            verdict_column(r, report.standing(r)),
            r.method,
            r.sizing_note or r.size,
            _states(r),
            f"{r.result.stats.seconds:.2f}",
            f"trace {numbers[w, i]}" if (w, i) in numbers else "",
        ]
        for i, r in enumerate(report.workloads[w].rows)
    ]
    return text.table(["  property", "verdict", "method", "checked at", "states", "seconds", ""], rows, "<<<<>><")


def _workload(report: ManifestReport, w: int, numbers: dict[tuple[int, int], int]) -> list[str]:
    """One workload: its header, the scope, what it assumes, the table and the notes."""
    wr = report.workloads[w]
    wl = wr.workload
    out = ["", f"{wl.ref}  ({wl.obj.meta.where}; model {wl.model}; {wr.seconds:.1f} s)", f"  scope: {scope_line(wl)}"]
    out += _assumes(wr)
    out += _table(report, w, numbers)
    for r in wr.rows:
        st = report.standing(r)
        if st.note:
            out.append(f"  {r.result.property.name}: {st.note}")
    out += [f"  not modelled: {what}" for what in wl.not_modelled]
    out += [f"  note: {what}" for what in wl.notes]
    if report.verbose:
        out += [f"  not checked: {s.name} ({s.reason})" for s in wr.skipped]
        plan = wr.plan.splitlines()
        if plan:  # the first line repeats the workload: its route follows the colon
            route = plan[0].partition(": ")[2]
            out.append(f"  plan: {route}" if route else "  plan:")
            for line in plan[1:]:
                body = line.strip()
                lead = "    " + " " * (body.index(" ") + 1 if body[:1].isdigit() or body.startswith("why:") else 0)
                out += text.wrap_text(body, text.WIDTH, "    ", lead)
    return out


def _heading(row: Row, mark: bool = True) -> str:
    """A property as a trace's heading names it: name, (caveat) if ``mark``, doc, [the reduced size]."""
    res = row.result
    label = " (caveat)" if row.caveat and mark else ""
    return f"{res.property.name}{label} — {res.property.doc}" + (f" [{row.sizing_note}]" if row.reduced else "")


def _assumes(wr: WorkloadReport) -> list[str]:
    """What the workload's check assumes (``assumes: …``, wrapped), so a trace says which variant it is of."""
    said = wr.workload.assumption
    return text.wrap_text(said, text.WIDTH, "  assumes: ", "           ") if said else []


class _Traces:
    """The traces section: one block per group of violations (and per witness under verbose),
    each model's legend once, before its first trace."""

    def __init__(self, report: ManifestReport, words: TraceLines):
        self.report, self.words = report, words
        self.legends: list[list[str]] = []

    def _legend(self, trace: Trace) -> list[str]:
        legend = self.words.legend(trace)
        if not legend or legend in self.legends:
            return []
        self.legends.append(legend)
        return legend

    def group(self, group: TraceGroup) -> list[str]:
        wr = self.report.workloads[group.workload]
        rows = [wr.rows[i] for i in group.rows]
        trace, verdict = group.trace, Verdict.VIOLATED.value
        if len(rows) == 1:
            [row] = rows
            caveat = " (caveat)" if row.caveat else ""
            head = [f"trace {group.number}  {verdict}{caveat}  {wr.workload.ref}: {_heading(row, mark=False)}"]
            ends = self.words.conclusion(row.result.property, verdict, trace)
        else:
            head = [f"trace {group.number}  {verdict}  {wr.workload.ref}: one run breaks {len(rows)} properties"]
            head += [("  breaks: " if k == 0 else "          ") + _heading(r) for k, r in enumerate(rows)]
            ends = [
                line
                for r in rows
                for line in self.words.conclusion(r.result.property, verdict, trace, r.result.property.short)
            ]
        head += _assumes(wr)
        body = self._legend(trace) + self.words.steps(trace) + ends + fix_lines(rows)
        return ["", *head] + ["  " + line for line in body]

    def witness(self, wr: WorkloadReport, row: Row) -> list[str]:
        res = row.result
        assert res.trace is not None
        head = f"{res.verdict.value}  {wr.workload.ref}: {_heading(row)}"
        body = self.words.steps(res.trace) + self.words.conclusion(res.property, res.verdict.value, res.trace)
        return ["", head, *_assumes(wr)] + ["  " + line for line in self._legend(res.trace) + body]

    def render(self, groups: list[TraceGroup]) -> list[str]:
        out: list[str] = []
        for w, wr in enumerate(self.report.workloads):
            blocks: list[tuple[int, list[str]]] = [(g.rows[0], self.group(g)) for g in groups if g.workload == w]
            if self.report.verbose:
                blocks += [
                    (i, self.witness(wr, r))
                    for i, r in enumerate(wr.rows)
                    if r.result.trace is not None and r.result.verdict is Verdict.WITNESSED
                ]
            for _, lines in sorted(blocks, key=lambda b: b[0]):
                out += lines
        return out


def fix_lines(rows: Sequence[Row]) -> list[str]:
    """The nearest fix of each row (``--suggest-fixes``), one block per distinct fix: the changed
    fields as YAML, how it was re-checked, what it breaks, and the ``kubectl patch`` line."""
    blocks: dict[tuple, list[Row]] = {}
    for r in rows:
        if r.fix is not None:
            blocks.setdefault((r.fix.changes, r.fix.breaks, r.fix.searched if not r.fix.found else ""), []).append(r)
    out: list[str] = []
    for group in blocks.values():
        fix = group[0].fix
        assert fix is not None
        names = ", ".join(r.result.property.short for r in group)
        if not fix.found:
            out += [f"nearest fix ({names}): none found", f"  {fix.searched}"]
            continue
        out.append(f"nearest fix ({names}): {fix.checked} with")
        out += [f"  {line}" for line in fix.yaml_lines()]
        out += [f"  note: {c.note}" for c in fix.changes if c.note]
        if fix.breaks:
            out.append(f"  but it breaks {', '.join(fix.breaks)} (nothing in the searched range fixes it without)")
        out.append(f"  {fix.kubectl()}")
    return out


def footer(report: ManifestReport, groups: list[TraceGroup]) -> list[str]:
    """The terms this report uses, explained once (as ``kubecheck help verdicts`` does)."""
    standings = [(r, report.standing(r)) for w in report.workloads for r in w.rows]
    out: list[str] = []
    if any(r.caveat for r, _ in standings):
        counted = "and counted in the exit code (strict)" if report.strict else "not counted in the exit code"
        out.append(f"* caveat: not guaranteed by Kubernetes; shown so you see what can go wrong, {counted}")
    if any(not st.applicable for _, st in standings):
        counted = (
            "counted in the exit code as UNREACHABLE (strict)" if report.strict else "not counted in the exit code"
        )
        out.append(
            f"{NOT_APPLICABLE} not applicable: a witness (a `sometimes` property) that no run of this configuration "
            f"reaches; {counted}"
        )
    if any(r.result.is_vacuous and st.verdict is r.result.verdict for r, st in standings):
        out.append(
            "vacuous: the behaviour the property constrains never happened in any run checked, so it held trivially"
        )
    shown = {_label(st) for _, st in standings}
    terms: list[str] = [t for t in ("WITNESSED", "UNREACHABLE", "INCONCLUSIVE") if t in shown]
    if any(r.result.property.strong_fairness for r, _ in standings):
        terms.append("strong fairness")
    if any(len(g.rows) > 1 for g in groups):
        terms.append("trace N")
    out += help_command.term_lines(terms)
    return ["", *out, help_command.FOOTER_END] if out else []


def render(report: ManifestReport, trace_lines: TraceLines = compact_trace_lines) -> str:
    """The verdict table per workload, rejected documents, one trace per group of violations (and per
    witness under verbose), the terms used, and the summary."""
    groups = trace_groups(report.workloads)
    numbers = group_numbers(groups)
    n_props = sum(len(w.rows) for w in report.workloads)
    counts = f"{text.plural(len(report.workloads), 'workload')}, {text.plural(n_props, 'property', 'properties')}"
    out = [
        f"kubecheck check -f {' '.join(report.sources)}: {counts} "
        f"(Kubernetes {KUBERNETES} semantics; user: one template edit; "
        f"{'faults: ' + ','.join(sorted(report.faults)) if report.faults else 'faults off'})"
    ]
    for w in range(len(report.workloads)):
        out += _workload(report, w, numbers)
    if report.rejected:
        out += ["", f"rejected documents (not checked; the run exits {EXIT_USAGE}):"]
        out += [line for r in report.rejected for line in text.wrap_text(r, text.WIDTH, "  ", "    ")]
    if report.ignored:
        out += ["", "ignored: " + "; ".join(report.ignored)]
    if report.verbose and report.unknown_fields:
        out += ["", "unknown fields (ignored): " + "; ".join(report.unknown_fields)]
    out += _Traces(report, trace_lines).render(groups)
    out += footer(report, groups)
    labels = [_label(report.standing(r)) for w in report.workloads for r in w.rows]
    order = [k.value for k in Verdict] + ["not applicable"]
    vacuous = {
        k: sum(r.result.is_vacuous and _label(report.standing(r)) == k for w in report.workloads for r in w.rows)
        for k in (Verdict.HOLDS.value, Verdict.PROVED.value)
    }
    counts = ", ".join(
        f"{labels.count(k)} {k}" + (f" ({vacuous[k]} vacuous)" if vacuous.get(k) else "") for k in order if k in labels
    )
    out += ["", f"summary: {counts} in {report.seconds:.1f} s; exit {report.exit_code}"]
    return "\n".join(out) + "\n"
