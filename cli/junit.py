"""JUnit XML of ``kubecheck check -f`` (``--format junit``), for CI systems that read test reports.

One ``testsuite`` per workload, one ``testcase`` per property. VIOLATED and UNREACHABLE are
failures (with the trace in the failure's text) when the row counts in the exit code (not a
caveat, or the run is strict); a witness this configuration cannot reach is ``skipped`` with
"not applicable: <reason>" unless the run is strict; INCONCLUSIVE (a witness left unreached at a
reduced size among them) is ``skipped`` with the reason; every other verdict passes, its
``system-out`` saying the verdict, method and size (and that a caveat is not a failure).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kubecheck.checker.result import Verdict
from kubecheck.cli.manifest_text import TraceLines, compact_trace_lines
from kubecheck.manifest.report import ManifestReport

FAILING = (Verdict.VIOLATED, Verdict.UNREACHABLE)


def render(report: ManifestReport, trace_lines: TraceLines = compact_trace_lines) -> str:
    """One testsuite per workload, one testcase per property: failure for VIOLATED/UNREACHABLE,
    skipped for INCONCLUSIVE."""
    root = ET.Element("testsuites", name="kubecheck", time=f"{report.seconds:.3f}")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for wr in report.workloads:
        suite = ET.SubElement(root, "testsuite", name=wr.workload.ref, time=f"{wr.seconds:.3f}")
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for r in wr.rows:
            res, st = r.result, report.standing(r)
            case = ET.SubElement(
                suite, "testcase", classname=wr.workload.ref, name=res.property.name, time=f"{res.stats.seconds:.3f}"
            )
            counts["tests"] += 1
            summary = f"{st.verdict.value} by {r.method}, checked at {r.sizing_note or r.size}"
            if st.verdict in FAILING and st.counted:
                counts["failures"] += 1
                fail = ET.SubElement(
                    case, "failure", message=f"{res.verdict.value}: {res.property.doc}", type=res.verdict.value
                )
                fail.text = "\n".join([summary, *trace_lines(res)])
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
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
