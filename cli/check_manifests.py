"""``kubecheck check -f FILE|DIR|-``: check every workload of Kubernetes manifests.

:func:`kubecheck.manifest.check_manifests` reads the manifests, sizes each workload and checks it,
and returns a :class:`~kubecheck.manifest.report.ManifestReport`; this module renders it as text
(:mod:`kubecheck.cli.manifest_text`), JSON (:mod:`kubecheck.cli.manifest_json`), JUnit XML
(:mod:`kubecheck.cli.junit`), SARIF 2.1.0 (:mod:`kubecheck.cli.sarif`), GitHub Actions annotations
(:mod:`kubecheck.cli.github`) or ITF traces (:func:`kubecheck.cli.documents.manifest_itf_documents`).
The exit code is the report's, whatever the format: the user's manifests, not the tool's own scope.

SARIF and GitHub annotations point at the line of a field: for them the report's workloads get
the lines of their documents (:func:`kubecheck.manifest.report.anchored`), read again by the
loader from the same input (standard input as it was read once).

A rejected document (``report.rejected``) is one ``Error: …`` line on stderr (unless
``--quiet``), as ``kubectl apply -f DIR`` tells each object it could not apply; the good
documents are still checked and rendered, and the exit code is 2. When no document is good there
is no report: one ``Error:`` line per rejected document, exit 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import attrs
import click

from kubecheck import manifest
from kubecheck.checker.task import Budget
from kubecheck.cli import documents, github, html_report, junit, manifest_json, manifest_text, sarif
from kubecheck.cli.errors import InputError, reported_errors
from kubecheck.cli.options import ManifestRequest
from kubecheck.cli.output import Output, check_writable, write, write_traces
from kubecheck.cli.progress import StatusLine
from kubecheck.cli.stopping import watchdog
from kubecheck.manifest import loader
from kubecheck.manifest.report import ManifestReport, anchored
from kubecheck.model.controllers import cluster


def manifest_faults(raw: str | None) -> frozenset[str]:
    """``--faults`` with -f: the faults of any model and the pod failure modes of the edited release
    (``all`` for every fault; ``none``), InputError otherwise."""
    known = (*cluster.FAULTS, *manifest.FAILURE_MODES)  # every model's faults, then never-ready, evicted, …
    if raw is None or raw.strip() == "none":
        return frozenset()
    names = [n.strip() for n in raw.split(",") if n.strip()]
    if names == ["all"]:
        return frozenset(cluster.FAULTS)
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise InputError(
            f"--faults: expected a comma list of {', '.join(known)} (or all, none; one failure mode), got {raw!r}"
        )
    return frozenset(names)


def with_lines(report: ManifestReport, request: ManifestRequest, stdin_text: bytes | None) -> ManifestReport:
    """The report with each workload's file and field lines, from the loader reading the input again."""
    if any(wr.lines for wr in report.workloads):  # the front end gave them already
        return report
    try:
        loaded = loader.read_sources(list(request.files), stdin_text)
    except manifest.ManifestError:  # a file changed under the run: anchored at the files alone
        return report
    return anchored(report, loaded.documents)


def more_manifests(request: ManifestRequest, named: Sequence[str]) -> ManifestRequest:
    """With -f, the arguments after it that are files or directories are more manifests (``kubecheck
    check -f a.yaml b.yaml``, as pre-commit passes the staged files); any other is an error."""
    paths = [n for n in named if Path(n).exists()]
    others = [n for n in named if n not in paths]
    if others:
        raise InputError(
            f"with -f, the arguments are more manifests: {others[0]!r} is not a file or directory "
            "(give a MODEL or -f manifests, not both)"
        )
    return attrs.evolve(request, files=(*request.files, *paths)) if paths else request


def check_manifests(
    request: ManifestRequest,
    named: Sequence[str],
    faults: str | None,
    engine: str,
    budget: Budget,
    output: Output,
    status: StatusLine,
    workload_seconds: float | None = None,
) -> int:
    """Read the manifests, check each workload, render; the exit code.

    ``named`` is the MODEL and PROPERTY arguments: with -f, more manifest files (:func:`more_manifests`); ``faults`` is
    ``--faults`` as typed. The explicit engine (the default of ``check MODEL``) means ``auto``
    here: each workload is checked the way its size allows. ``workload_seconds`` is
    ``--workload-timeout`` (None: :data:`kubecheck.manifest.WORKLOAD_SECONDS`).
    """
    chosen = manifest_faults(faults)
    request = more_manifests(request, named)
    stdin_text = sys.stdin.buffer.read() if "-" in request.files else None
    with reported_errors():
        check_writable(output.out)
        try:
            with watchdog() as dog:
                report = manifest.check_manifests(
                    list(request.files),
                    stdin_text=stdin_text,
                    nodes=request.nodes,
                    engine=engine if engine != "explicit" else "auto",
                    budget=budget,
                    progress=status,
                    verbose=request.verbose,
                    strict=request.strict,
                    assume_access_mode=request.assume_access_mode,
                    validate=request.validate,
                    faults=chosen,
                    watchdog=dog,
                    workload_seconds=workload_seconds or manifest.WORKLOAD_SECONDS,
                    status=status.say,
                    jobs=request.jobs,
                    fixes=request.fixes,
                    scenario=request.scenario,
                )
        finally:
            status.clear()
    if not output.quiet:
        if request.validate == "warn":
            for line in report.unknown_fields:  # as the API server's fieldValidation=Warn: told, then dropped
                click.echo(f"Warning: {line}: unknown field, dropped (--validate=warn)", err=True)
        for line in report.rejected:  # the good documents were checked; these were not (exit 2)
            click.echo(f"Error: {line}", err=True)
    if output.fmt == "itf":
        write_traces(documents.manifest_itf_documents(report), output.out, output.quiet)
    elif output.fmt == "json":
        write(manifest_json.render(report), output.out, output.quiet)
    elif output.fmt == "junit":
        write(junit.render(report, manifest_text.trace_lines), output.out, output.quiet)
    elif output.fmt == "html":
        write(html_report.render(report), output.out, output.quiet)
    elif output.fmt == "sarif":
        write(sarif.render(with_lines(report, request, stdin_text)), output.out, output.quiet)
    elif output.fmt == "github":
        write(github.render(with_lines(report, request, stdin_text)), output.out, output.quiet)
    else:
        write(manifest_text.render(report, manifest_text.trace_lines), output.out, output.quiet)
    return report.exit_code
