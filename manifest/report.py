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

import attrs

from kubecheck.checker.result import EXIT_OK, Result, exit_code
from kubecheck.manifest.sizing import Row, Skipped
from kubecheck.manifest.workloads import Workload

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
