"""JUnit XML of ``kubecheck check -f`` (``--format junit``), for CI systems that read test reports.

One ``testsuite`` per workload, one ``testcase`` per property. VIOLATED and UNREACHABLE are
failures (with the trace in the failure's text) when the row counts in the exit code (not a
caveat, or the run is strict); a witness this configuration cannot reach is ``skipped`` with
"not applicable: <reason>" unless the run is strict; INCONCLUSIVE (a witness left unreached at a
reduced size among them) is ``skipped`` with the reason; a vacuous HOLDS/PROVED (the behaviour the
property constrains never occurred) is a failure of type ``VACUOUS`` when the run is strict and the
row counts; every other verdict passes, its ``system-out`` saying the verdict (with its vacuity:
"HOLDS (vacuous: …)"), method and size (and that a caveat is not a failure).

A failing property that shares its run with others (:mod:`kubecheck.manifest.grouping`) shows
that run, the list of properties it breaks, and its own ``⇒`` line on it, so each test case
reads alone. What a workload's check assumes that the manifests do not say (a claim's access
mode checked one way of several) is the testsuite property ``assumption`` and, in parentheses,
part of the testsuite's name and the test cases' class name, so the variants of one workload
stay apart. Documents rejected while the good ones were checked (the run exits 2)
are a testsuite ``rejected documents``, one test case in ``error`` each, with the reason.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import attrs

from kubecheck.checker.result import Verdict
from kubecheck.cli.manifest_text import TraceLines, compact_trace_lines
from kubecheck.manifest.grouping import trace_groups
from kubecheck.manifest.report import ManifestReport

FAILING = (Verdict.VIOLATED, Verdict.UNREACHABLE)
#: The testsuite of the documents rejected while the good ones were checked.
REJECTED = "rejected documents"


def _rejected(root: ET.Element, rejected: tuple[str, ...], totals: dict[str, int]) -> None:
    """A testsuite ``rejected documents``: one test case in error per document that was not checked."""
    n = len(rejected)
    suite = ET.SubElement(
        root, "testsuite", name=REJECTED, time="0.000", tests=str(n), failures="0", errors=str(n), skipped="0"
    )
    for line in rejected:
        case = ET.SubElement(suite, "testcase", classname=REJECTED, name=line.split(": ", 1)[0], time="0.000")
        ET.SubElement(case, "error", message=line, type="rejected")
    totals["tests"] += n
    totals["errors"] = n


def render(report: ManifestReport, trace_lines: TraceLines = compact_trace_lines) -> str:
    """One testsuite per workload, one testcase per property: failure for VIOLATED/UNREACHABLE,
    skipped for INCONCLUSIVE."""
    root = ET.Element("testsuites", name="kubecheck", time=f"{report.seconds:.3f}")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    groups = {(g.workload, i): g for g in trace_groups(report.workloads) for i in g.rows}
    for w, wr in enumerate(report.workloads):
        said = wr.workload.assumption
        name = f"{wr.workload.ref} ({said})" if said else wr.workload.ref
        suite = ET.SubElement(root, "testsuite", name=name, time=f"{wr.seconds:.3f}")
        if said:
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="assumption", value=wr.workload.assumption)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for i, r in enumerate(wr.rows):
            res, st = r.result, report.standing(r)
            case = ET.SubElement(
                suite, "testcase", classname=name, name=res.property.name, time=f"{res.stats.seconds:.3f}"
            )
            counts["tests"] += 1
            shown = res.verdict_text() if st.verdict is res.verdict else st.verdict.value
            summary = f"{shown} by {r.method}, checked at {r.sizing_note or r.size}"
            if st.verdict in FAILING and st.counted:
                counts["failures"] += 1
                fail = ET.SubElement(
                    case, "failure", message=f"{res.verdict.value}: {res.property.doc}", type=res.verdict.value
                )
                group = groups.get((w, i))
                shared: list[str] = []
                if group is not None and len(group.rows) > 1:
                    names = ", ".join(wr.rows[k].result.property.name for k in group.rows)
                    shared = [f"one run breaks {len(group.rows)} properties (trace {group.number}): {names}"]
                    res = attrs.evolve(res, trace=group.trace)
                fail.text = "\n".join([summary, *shared, *trace_lines(res)])
            elif res.is_vacuous and st.verdict is res.verdict and st.counted and report.strict:
                counts["failures"] += 1
                ET.SubElement(
                    case, "failure", message=f"{shown}: {res.property.doc} (strict)", type="VACUOUS"
                ).text = summary
            elif not st.applicable:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=st.note)
            elif st.verdict is Verdict.INCONCLUSIVE:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=f"INCONCLUSIVE: {st.note or res.note or res.stats.stop_reason}")
            else:
                text = summary + (" (caveat: not guaranteed by Kubernetes; not a failure)" if r.caveat else "")
                ET.SubElement(case, "system-out").text = text
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    if report.rejected:
        _rejected(root, report.rejected, totals)
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
