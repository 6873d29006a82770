"""The ``kubecheck.manifest-report/1`` JSON document of ``kubecheck check -f``.

Schema (also in ``docs/report-format.md``)::

    {"format", "kubernetes", "sources": [..], "exit_code", "seconds", "ignored": [..], "unknown_fields": [..],
     "faults": [..], "rejected": [..],
     "workloads": [{"object": "deployment/web", "where": "file (document n)", "model", "scope": {cli: value},
                    "assumption": str | null,
                    "not_modelled": [..], "notes": [..], "skipped": [{"property", "reason"}], "plan": [..],
                    "properties": [{"property", "kind", "verdict", "vacuous", "vacuity", "role", "applicable",
                                    "counted", "method",
                                    "checked_at", "reduced", "caveat", "states", "transitions", "depth", "seconds",
                                    "note", "trace": kubecheck.trace/1 | null, "trace_group": int | null,
                                    "fix": {"found", "changes", "checked", "breaks", "searched",
                                            "merge_patch", "kubectl"} | null,
                                    "property_coverage": {"atoms", "commands_writing_atoms"} | null}],
                    "trace_groups": [{"number", "shown": property, "breaks": [property, ..]}]}]}

Added keys, none changed (a reader of the earlier document reads this one): ``rejected`` (the
documents rejected while the good ones were checked; the run exits 2), ``assumption`` (what the
check of the workload assumes that the manifests do not say), ``plan`` (how the workload was sized
and checked, decided before any engine ran: the ``why`` line and one line per step), ``trace_group`` and
``trace_groups``; per row ``vacuous``, ``vacuity`` (``{"checked", "vacuous", "reason"}`` for a
HOLDS/PROVED whose property has a trigger, else null: did the behaviour it constrains occur) and
``property_coverage`` (explicit search: the fields the property reads, the commands that fired and
write one, with their counts). Violations with one root cause (:mod:`kubecheck.manifest.grouping`) form a
group, numbered across the report as the text report's ``trace N``: ``shown`` is the property
whose trace the text report shows, ``breaks`` every property that trace breaks (table order).
Each property row still carries its own ``trace``, the one its check found.
"""

from __future__ import annotations

import json

from kubecheck.cli.documents import TRACED, property_coverage_document, vacuity_document
from kubecheck.manifest.fixes import Fix
from kubecheck.manifest.grouping import TraceGroup, group_numbers, trace_groups
from kubecheck.manifest.report import KUBERNETES, ManifestReport, Standing, standing
from kubecheck.manifest.sizing import Row
from kubecheck.model.kernel import traces
from kubecheck.model.kernel.scopes import describe
from kubecheck.model.kernel.traces import Json

FORMAT = "kubecheck.manifest-report/1"


def row_document(row: Row, st: Standing | None = None, group: int | None = None) -> dict[str, Json]:
    """One property's row: verdict, role, method, size, statistics and its trace (a violation or witness).

    ``st`` is how the report reads the row (``ManifestReport.standing``; not strict when omitted);
    ``group`` the number of the group of violations whose shown trace breaks it (None: none).
    """
    r = row.result
    st = st or standing(row)
    traced = r.trace is not None and r.verdict in TRACED
    meta = {"property": r.property.name, "kind": r.property.kind, "verdict": r.verdict.value}
    return {
        "property": r.property.name,
        "kind": r.property.kind,
        "verdict": st.verdict.value,
        "vacuous": r.is_vacuous and st.verdict is r.verdict,
        "vacuity": vacuity_document(r) if st.verdict is r.verdict else None,
        "role": st.role,
        "applicable": st.applicable,
        "counted": st.counted,
        "method": row.method,
        "checked_at": row.size,
        "reduced": row.reduced,
        "caveat": row.caveat,
        "states": r.stats.states,
        "transitions": r.stats.transitions,
        "depth": r.stats.depth,
        "seconds": round(r.stats.seconds, 4),
        "note": st.note or r.note or None,
        "trace": traces.to_json(r.trace, meta) if r.trace is not None and traced else None,
        "trace_group": group,
        "fix": fix_document(row.fix) if row.fix is not None else None,
        "property_coverage": property_coverage_document(r),
    }


def fix_document(fix: Fix) -> dict[str, Json]:
    """The nearest fix of a violation (``--suggest-fixes``): the changes, how it was re-checked, what it
    breaks, the patch, and what was searched (``found`` false: nothing in the searched range helps)."""
    return {
        "found": fix.found,
        "object": {"kind": fix.kind, "name": fix.name, "namespace": fix.namespace},  # what the patch targets
        "changes": [{"path": c.where, "old": c.old, "new": c.new, "note": c.note or None} for c in fix.changes],
        "checked": fix.checked or None,
        "breaks": list(fix.breaks),
        "searched": fix.searched,
        "merge_patch": fix.merge_patch() if fix.found else None,
        "kubectl": fix.kubectl() if fix.found else None,
    }


def group_document(report: ManifestReport, group: TraceGroup) -> dict[str, Json]:
    """One group of violations: its number, the property whose trace is shown, every property it breaks."""
    rows = report.workloads[group.workload].rows
    return {
        "number": group.number,
        "shown": rows[group.shown].result.property.name,
        "breaks": [rows[i].result.property.name for i in group.rows],
    }


def report_document(report: ManifestReport) -> dict[str, Json]:
    """The whole report as a ``kubecheck.manifest-report/1`` document."""
    groups = trace_groups(report.workloads)
    numbers = group_numbers(groups)
    return {
        "format": FORMAT,
        "kubernetes": KUBERNETES,
        "sources": list(report.sources),
        "exit_code": report.exit_code,
        "seconds": round(report.seconds, 3),
        "ignored": list(report.ignored),
        "unknown_fields": list(report.unknown_fields),
        "faults": sorted(report.faults),
        "rejected": list(report.rejected),
        "workloads": [
            {
                "object": wr.workload.ref,
                "where": wr.workload.obj.meta.where,
                "model": wr.workload.model,
                "scope": dict(describe(wr.workload.scope)),
                "assumption": wr.workload.assumption or None,
                "not_modelled": list(wr.workload.not_modelled),
                "notes": list(wr.workload.notes),
                "skipped": [{"property": s.name, "reason": s.reason} for s in wr.skipped],
                "plan": [line.strip() for line in wr.plan.splitlines()[1:]],
                "properties": [row_document(r, report.standing(r), numbers.get((w, i))) for i, r in enumerate(wr.rows)],
                "trace_groups": [group_document(report, g) for g in groups if g.workload == w],
            }
            for w, wr in enumerate(report.workloads)
        ],
    }


def render(report: ManifestReport) -> str:
    """The document, indented, non-ASCII kept."""
    return json.dumps(report_document(report), indent=2, ensure_ascii=False) + "\n"
