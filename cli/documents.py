"""Machine-readable outputs: the ``kubecheck.report/1`` document and ITF traces.

ITF traces come from a ``check MODEL`` run (:func:`itf_documents`, one per property) and from a
``check -f`` report (:func:`manifest_itf_documents`, one per workload and property).

The report's schema is documented in ``docs/report-format.md``; the trace documents embedded
in it (``kubecheck.trace/1``) and the ITF traces are documented in ``docs/trace-format.md``.
Every trace carries the property it speaks about, its kind, the verdict and the preset of the
run (``extra`` metadata), so ``kubecheck replay`` can re-check the verdict and print a
reproduce line. Each result carries ``vacuous`` and ``vacuity`` (:func:`vacuity_document`: did
the behaviour its property constrains occur) and ``property_coverage``
(:func:`property_coverage_document`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Budget
from kubecheck.manifest.report import ManifestReport
from kubecheck.model.kernel import traces
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.scopes import Scope, describe
from kubecheck.model.kernel.traces import Json

REPORT_FORMAT = "kubecheck.report/1"
TRACED = (Verdict.VIOLATED, Verdict.WITNESSED)


def trace_meta(result: Result, preset: str) -> dict[str, Json]:
    """The metadata a saved trace carries about where it came from."""
    return {
        "property": result.property.name,
        "kind": result.property.kind,
        "verdict": result.verdict.value,
        "preset": preset,
    }


def _stats(result: Result) -> dict[str, Json]:
    s = result.stats
    rate = s.states_per_second
    return {
        "states": s.states,
        "transitions": s.transitions,
        "depth": s.depth,
        "seconds": round(s.seconds, 4),
        "states_per_second": round(rate) if math.isfinite(rate) else None,
        "complete": s.complete,
        "stop_reason": s.stop_reason,
    }


def _coverage(result: Result) -> dict[str, Json] | None:
    c = result.coverage
    if c is None:
        return None
    return {"fired": dict(c.fired), "never_fired": c.never_fired, "disabled": list(c.disabled), "complete": c.complete}


def vacuity_document(result: Result) -> dict[str, Json] | None:
    """Whether the behaviour the property constrains occurred (``checked``, ``vacuous``, ``reason``);
    None for a property without a trigger or a verdict other than HOLDS/PROVED."""
    if result.verdict not in (Verdict.HOLDS, Verdict.PROVED) or result.property.trigger is None:
        return None
    v = result.vacuity
    if v is None:
        return {"checked": False, "vacuous": False, "reason": f"not checked by {result.engine}"}
    return {"checked": v.checked, "vacuous": v.vacuous, "reason": v.reason or None}


def property_coverage_document(result: Result) -> dict[str, Json] | None:
    """The fields the property reads and the commands that fired and write one (explicit search), or None."""
    c = result.property_coverage
    if c is None:
        return None
    return {"atoms": list(c.atoms), "commands_writing_atoms": dict(c.commands)}


def result_document(result: Result, preset: str) -> dict[str, Json]:
    p = result.property
    traced = result.trace is not None and result.verdict in TRACED
    return {
        "property": p.name,
        "kind": p.kind,
        "verdict": result.verdict.value,
        "vacuous": result.is_vacuous,
        "vacuity": vacuity_document(result),
        "engine": result.engine,
        "assumes": p.assumes or None,
        "fairness": getattr(p, "fairness", "") or None,
        "scope": dict(describe(result.scope)),
        "note": result.note or None,
        "stats": _stats(result),
        "coverage": _coverage(result),
        "property_coverage": property_coverage_document(result),
        "trace": traces.to_json(result.trace, trace_meta(result, preset)) if traced else None,  # type: ignore[arg-type]
    }


def report_document(
    model: Model, preset: str, scope: Scope, budget: Budget, results: Sequence[Result], code: int
) -> dict[str, Json]:
    """The ``kubecheck.report/1`` document of one ``kubecheck check`` run."""
    return {
        "format": REPORT_FORMAT,
        "model": model.name,
        "kubernetes": model.kubernetes,
        "preset": preset,
        "scope": dict(describe(scope)),
        "budget": {"max_states": budget.max_states, "timeout": budget.timeout},
        "results": [result_document(r, preset) for r in results],
        "exit_code": code,
    }


def itf_documents(results: Sequence[Result], preset: str) -> list[tuple[str, dict[str, Json]]]:
    """(property short name, ITF document) for every violation and witness."""
    return [
        (r.property.short, traces.to_itf(r.trace, trace_meta(r, preset)))
        for r in results
        if r.trace is not None and r.verdict in TRACED
    ]


def manifest_itf_documents(report: ManifestReport) -> list[tuple[str, dict[str, Json]]]:
    """(file-name stem, ITF document) per violation and witness, named ``<kind>-<name>-<property>``;
    a workload checked once per assumed access mode adds the mode (``…-ReadWriteMany-<property>``), so
    the variants' traces do not overwrite each other, and the ``#meta`` names the assumption."""
    out = []
    for wr in report.workloads:
        variant = f"-{getattr(wr.workload.scope, 'access_mode', '')}" if wr.workload.assumption else ""
        for r in wr.rows:
            res = r.result
            if res.trace is not None and res.verdict in TRACED:
                meta = {"object": wr.workload.ref, "property": res.property.name, "verdict": res.verdict.value}
                if wr.workload.assumption:
                    meta["assumption"] = wr.workload.assumption
                stem = f"{wr.workload.ref.replace('/', '-')}{variant}-{res.property.short}"
                out.append((stem, traces.to_itf(res.trace, meta)))
    return out


def numbered_path(out: str, short: str) -> str:
    """``out.itf.json`` + ``live_pods_within_surge`` -> ``out.live_pods_within_surge.itf.json``."""
    path = Path(out)
    name = path.name
    for suffix in (".itf.json", ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return str(path.with_name(f"{name[: -len(suffix)]}.{short}{suffix}"))
    stem, dot, ext = name.rpartition(".")
    if dot and stem:
        return str(path.with_name(f"{stem}.{short}.{ext}"))
    return str(path.with_name(f"{name}.{short}"))


def trace_documents(doc: Json) -> list[tuple[str, Json]]:
    """The traces inside a document for replay: (where, trace document).

    A ``kubecheck.trace/1`` or ITF document is itself the trace; a ``kubecheck.report/1``
    document holds one per violated or witnessed result.
    """
    if isinstance(doc, dict) and doc.get("format") == REPORT_FORMAT:
        results = doc.get("results")
        if not isinstance(results, list):
            raise traces.TraceError("field results: expected a list")
        found = [
            (f"results[{i}].trace", r["trace"])
            for i, r in enumerate(results)
            if isinstance(r, dict) and r.get("trace") is not None
        ]
        if not found:
            raise traces.TraceError("the report holds no trace (no property was violated or witnessed)")
        return found
    return [("", doc)]
