"""The ``kubecheck.manifest-report/1`` JSON document of ``kubecheck check -f``.

Schema (also in ``docs/report-format.md``)::

    {"format", "kubernetes", "sources": [..], "exit_code", "seconds", "ignored": [..], "unknown_fields": [..],
     "faults": [..],
     "workloads": [{"object": "deployment/web", "where": "file (document n)", "model", "scope": {cli: value},
                    "not_modelled": [..], "notes": [..], "skipped": [{"property", "reason"}],
                    "properties": [{"property", "kind", "verdict", "role", "applicable", "counted", "method",
                                    "checked_at", "reduced", "caveat", "states", "transitions", "depth", "seconds",
                                    "note", "trace": kubecheck.trace/1 | null}]}]}
"""

from __future__ import annotations

import json

from kubecheck.cli.documents import TRACED
from kubecheck.manifest.report import KUBERNETES, ManifestReport, Standing, standing
from kubecheck.manifest.sizing import Row
from kubecheck.model.kernel import traces
from kubecheck.model.kernel.scopes import describe
from kubecheck.model.kernel.traces import Json

FORMAT = "kubecheck.manifest-report/1"


def row_document(row: Row, st: Standing | None = None) -> dict[str, Json]:
    """One property's row: verdict, role, method, size, statistics and its trace (a violation or witness).

    ``st`` is how the report reads the row (``ManifestReport.standing``; not strict when omitted).
    """
    r = row.result
    st = st or standing(row)
    traced = r.trace is not None and r.verdict in TRACED
    meta = {"property": r.property.name, "kind": r.property.kind, "verdict": r.verdict.value}
    return {
        "property": r.property.name,
        "kind": r.property.kind,
        "verdict": st.verdict.value,
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
    }


def report_document(report: ManifestReport) -> dict[str, Json]:
    """The whole report as a ``kubecheck.manifest-report/1`` document."""
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
                "properties": [row_document(r, report.standing(r)) for r in wr.rows],
            }
            for wr in report.workloads
        ],
    }


def render(report: ManifestReport) -> str:
    """The document, indented, non-ASCII kept."""
    return json.dumps(report_document(report), indent=2, ensure_ascii=False) + "\n"
