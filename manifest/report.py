"""What ``kubecheck check -f`` returns: a :class:`ManifestReport` and its exit code.

A :class:`ManifestReport` holds, per workload, one :class:`~.sizing.Row` per property (the
checker's :class:`~kubecheck.checker.result.Result`, the method, the size it was checked at)
plus what was left out and why. The CLI renders it (``kubecheck.cli.manifest_text``,
``manifest_json``, ``junit``, and ``documents.manifest_itf_documents`` for ITF).

Exit code (DESIGN.md): 0 every guarantee holds or is proved and every applicable witness found;
10 inconclusive; 12 safety violation; 13 liveness violation; 14 unreachable witness (only under
``strict``, see below). Rows of *caveats* — properties upstream does not guarantee, shown so the
user sees what can go wrong (``live_pods_within_surge``: terminating pods exceed maxSurge) —
never fail the run unless ``strict`` is set.

A *witness* (a ``sometimes`` property) that the manifest's own configuration cannot reach is
*not applicable*, not a failure of the manifest (no run of a Deployment with ``replicas: 1``
reaches ``paused_deployment_scales_proportionally``). :func:`standing` decides it from the row
alone: the verdict UNREACHABLE on a ``sometimes`` property checked at the manifest's real size
(explicit search is exhaustive there; a symbolic engine's UNREACHABLE is a proof). Such a row
does not count in the exit code unless ``strict`` is set (then it is exit 14, as before). An
UNREACHABLE found at a *reduced* size says nothing about the manifest (the real replica count
may reach it): it reads INCONCLUSIVE, "not reached at the reduced size" — never not applicable —
and, being a witness and not a guarantee, counts in the exit code only under ``strict`` (else
every Deployment too large to explore at its own size would exit 10 for a behaviour nobody
promised).

Where a finding is anchored: a :class:`WorkloadReport` carries the file its workload was read from
(``source``) and the lines of that document's fields (``lines``, from the loader:
:attr:`kubecheck.manifest.loader.Document.lines`), so that a renderer can point at the line of the
field a property concerns (:meth:`WorkloadReport.locate`: SARIF, GitHub annotations).
:func:`anchored` fills them from the loaded documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from kubecheck.checker.result import EXIT_OK, EXIT_USAGE, Result, Verdict, exit_code
from kubecheck.manifest.loader import Document
from kubecheck.manifest.sizing import Row, Skipped
from kubecheck.manifest.workloads import Workload

#: The Kubernetes version whose semantics the models follow (shown in every report).
KUBERNETES = "v1.35"


#: The roles of a row (``role`` in the JSON report).
GUARANTEE, WITNESS, CAVEAT = "guarantee", "witness", "caveat"


@attrs.frozen
class Standing:
    """How a row reads in the report and whether it counts in the exit code.

    ``verdict`` is the checker's, except a witness left UNREACHABLE at a reduced size, which is
    INCONCLUSIVE; ``role`` is ``guarantee``, ``witness`` (a ``sometimes`` property) or ``caveat``;
    ``applicable`` is False for a witness this configuration cannot reach; ``counted`` says
    whether the row decides the exit code; ``note`` says why (``not applicable: …``,
    ``not reached at the reduced size …``), else ''.
    """

    verdict: Verdict
    role: str
    applicable: bool
    counted: bool
    note: str = ""


def _role(row: Row) -> str:
    if row.caveat:
        return CAVEAT
    return WITNESS if row.result.property.kind == "sometimes" else GUARANTEE


def not_applicable_reason(row: Row) -> str:
    """Why the witness of ``row`` is not applicable to this configuration ('' when it is, or when it is not a witness).

    "not reached in any run of this configuration (exhaustive search at replicas=1); the property
    assumes …" — the search that settled it, at the manifest's real size, and what the property
    needs (its ``assumes``).
    """
    res = row.result
    if res.property.kind != "sometimes" or res.verdict is not Verdict.UNREACHABLE or row.reduced:
        return ""
    how = f"exhaustive search at {row.size}" if res.engine == "explicit" else f"{row.method} at {row.size}"
    needs = res.property.assumes
    return f"not reached in any run of this configuration ({how})" + (
        f"; the property assumes {needs}" if needs else ""
    )


def standing(row: Row, strict: bool = False) -> Standing:
    """The row's reported verdict, role, applicability and whether it counts (module docstring)."""
    res, role = row.result, _role(row)
    if res.verdict is Verdict.UNREACHABLE and res.property.kind == "sometimes" and row.reduced:
        note = f"not reached at the reduced size ({row.size}); the manifest's own size may reach it" + (
            "" if strict else " (a witness, not a guarantee: counted only under --strict)"
        )
        return Standing(Verdict.INCONCLUSIVE, role, True, strict, note)
    reason = not_applicable_reason(row)
    if reason:
        return Standing(res.verdict, role, False, strict, f"not applicable: {reason}")
    return Standing(res.verdict, role, True, strict or not row.caveat)


@attrs.frozen
class Location:
    """A line of a manifest: the file, the 1-based line, and the field path written there
    (``spec.replicas``; ``metadata.name``, ``kind`` or "" — the document — when it fell back)."""

    file: str
    line: int
    field: str = ""


#: Where a finding falls back to when none of the fields it concerns is written: the object's name, its kind,
#: the document.
FALLBACK_FIELDS = ("metadata.name", "kind", "")


@attrs.frozen
class WorkloadReport:
    """One workload's rows (one per property checked), the properties skipped and why, its seconds."""

    workload: Workload
    rows: tuple[Row, ...]
    skipped: tuple[Skipped, ...]
    seconds: float
    #: how the rows were decided, decided before any engine ran (``WorkloadPlan.describe()``: the route,
    #: the predicted cost at the manifest's size against the budget, one line per step)
    plan: str = ""
    #: the file the workload's document was read from ("<stdin>" for standard input; "" when not known)
    source: str = ""
    #: the document's field paths -> 1-based lines of ``source`` (loader ``Document.lines``; empty when not known)
    lines: Mapping[str, int] = attrs.field(factory=dict, eq=False, repr=False)

    def locate(self, fields: Sequence[str]) -> Location | None:
        """The first of ``fields`` the document writes, else :data:`FALLBACK_FIELDS`; None when the lines
        are not known."""
        if not self.source or not self.lines:
            return None
        for field in (*fields, *FALLBACK_FIELDS):
            line = self.lines.get(field)
            if line:
                return Location(self.source, line, field)
        return None


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
    #: the documents that were rejected (one line each: file, document, field, expected, got); the
    #: good ones were still checked, and the run exits 2 (bad input) whatever they gave
    rejected: tuple[str, ...] = ()

    def standing(self, row: Row) -> Standing:
        """How ``row`` reads in this report (:func:`standing` with this run's ``strict``)."""
        return standing(row, self.strict)

    def counted(self) -> list[Result]:
        """The results that decide the exit code, with their reported verdicts (guarantees and applicable
        witnesses; caveats and witnesses this configuration cannot reach too when strict)."""
        out = []
        for w in self.workloads:
            for r in w.rows:
                st = self.standing(r)
                if st.counted:
                    out.append(
                        r.result if st.verdict is r.result.verdict else attrs.evolve(r.result, verdict=st.verdict)
                    )
        return out

    @property
    def exit_code(self) -> int:
        """The process exit code of the report (caveats and unreachable witnesses count only when strict;
        2 when a document was rejected)."""
        if self.rejected:
            return EXIT_USAGE
        return exit_code(self.counted(), strict=self.strict) if self.workloads else EXIT_OK


def _identity(obj: Mapping[str, object]) -> tuple[str, str]:
    """(name or generateName, namespace or "default") of a document, as ``validation`` reads its metadata."""
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    return str(meta.get("name") or meta.get("generateName") or "?"), str(meta.get("namespace") or "default")


def anchored(report: ManifestReport, documents: Sequence[Document]) -> ManifestReport:
    """``report`` with each workload's ``source`` and ``lines`` taken from the document it was read from.

    A workload's object names its document (``meta.where``: "file (document n)"), its kind, name and
    namespace; a List's items share the document and differ by those. A workload whose document is
    not among ``documents`` is left as it is (no lines: renderers then anchor at the file alone).
    """
    found: dict[tuple[str, str, str, str], Document] = {}
    for d in documents:
        found.setdefault((d.where, str(d.obj.get("kind")), *_identity(d.obj)), d)
    out = []
    for wr in report.workloads:
        meta = wr.workload.obj.meta
        doc = found.get((meta.where, meta.kind, meta.name, meta.namespace))
        out.append(wr if doc is None else attrs.evolve(wr, source=doc.source, lines=doc.lines))
    return attrs.evolve(report, workloads=tuple(out))
