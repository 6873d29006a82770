"""``kubecheck check MODEL [PROPERTY]...``: a built-in model in a scope, one verdict per property.

The scope is a named preset with ``--set`` and ``--faults`` applied (validated as the API server
would); ``--for-all`` leaves parameters symbolic for the symbolic engines. One
:class:`~kubecheck.checker.task.Task` goes to :func:`kubecheck.checker.run.check`; the results
are rendered as text (:mod:`kubecheck.cli.report_text`), a ``kubecheck.report/1`` JSON document
or ITF traces (:mod:`kubecheck.cli.documents`), and ``--certificate`` writes the SMT-LIB
certificate of every invariant proof.

The fields the user set (``--set``, ``--faults``) are the task's ``user_set``: a property that
speaks about another value of one of them is never checked with that other value. Named on the
command line, it is refused (exit 2, one line naming its value and the user's); when no property
is named, it is left out of the run and the report says which and why (every property left out:
exit 2).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import click

from kubecheck.checker import run
from kubecheck.checker.result import Result, exit_code
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Budget, Task
from kubecheck.cli import documents, report_text
from kubecheck.cli.errors import InputError, reported_errors
from kubecheck.cli.options import MANIFEST_FORMATS, EngineRequest, ScopeRequest
from kubecheck.cli.output import Output, check_writable, write, write_traces
from kubecheck.cli.progress import StatusLine
from kubecheck.cli.stopping import check_within, watchdog
from kubecheck.model.kernel import scopes, traces
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope
from kubecheck.properties import catalog


def build_scope(model: Model, request: ScopeRequest) -> Scope:
    """The preset with ``--set`` and ``--faults`` applied and validated (ScopeError on bad input)."""
    preset = request.preset
    if preset not in model.presets:
        raise InputError(f"unknown scope preset {preset!r} of model {model.name}; presets: {', '.join(model.presets)}")
    settings = scopes.parse_settings(request.pairs)
    if request.faults is not None:
        if "faults" in settings:
            raise InputError("--faults and --set faults=… both given; use one of them")
        settings["faults"] = request.faults
    return scopes.with_settings(model.presets[preset], settings)


def user_set(model: Model, request: ScopeRequest) -> tuple[str, ...]:
    """The scope fields the user gave a value (``--set`` names, ``faults`` with ``--faults``)."""
    by_cli = {info.cli: field for field, info in scopes.params(model.scope_cls)}
    names = [by_cli[key] for key in scopes.parse_settings(request.pairs) if key in by_cli]
    if request.faults is not None and "faults" in by_cli:
        names.append(by_cli["faults"])
    return tuple(dict.fromkeys(names))


def left_out(props: Sequence[Property], scope: Scope, given: Sequence[str]) -> tuple[list[Property], list[str]]:
    """The properties that speak about the user's settings, and a line for each one left out."""
    kept, lines = [], []
    for prop in props:
        found = run.conflicts(prop, scope, given)
        if found:
            lines.append(f"{prop.short} {run.needs(prop, found)}")
        else:
            kept.append(prop)
    return kept, lines


def symbolic_params(model: Model, names: str | None) -> tuple[tuple[str, ...], dict[str, tuple[int, int]]]:
    """``--for-all replicas=1..20,max-surge`` -> (scope field names, {field: (lo, hi)}); an
    InputError names the valid parameters or the expected range form."""
    if not names:
        return (), {}
    by_cli = {info.cli: field for field, info in scopes.params(model.scope_cls)}
    out, bounds = [], {}
    for item in (n.strip() for n in names.split(",") if n.strip()):
        name, _, span = item.partition("=")
        if name not in by_cli:
            raise InputError(f"--for-all: unknown parameter {name!r}; parameters: {', '.join(by_cli)}")
        if span:
            lo, dots, hi = span.partition("..")
            if not (dots and lo.isdigit() and hi.isdigit() and int(lo) <= int(hi)):
                raise InputError(f"--for-all {name}: expected a range LO..HI of integers with LO <= HI, got {span!r}")
            bounds[by_cli[name]] = (int(lo), int(hi))
        out.append(by_cli[name])
    return tuple(out), bounds


@runtime_checkable
class Certified(Protocol):
    """Evidence that can be written as an SMT-LIB certificate (an invariant proof)."""

    def smtlib(self, encoder: Encoder, prop: Property) -> str: ...


@runtime_checkable
class SelfCertified(Protocol):
    """Evidence whose SMT-LIB certificate needs no encoding of one size (the ordinal reading's: every size)."""

    def certificate(self, prop: Property) -> str: ...


def write_certificates(task: Task, results: Sequence[Result], out: str, quiet: bool) -> None:
    """SMT-LIB certificates of the PROVED results that carry an invariant proof."""
    proved: list[tuple[Result, Certified | SelfCertified]] = []
    for r in results:
        if isinstance(r.evidence, (Certified, SelfCertified)):
            proved.append((r, r.evidence))
    if not proved:
        if not quiet:
            click.echo("no certificate written: no property was PROVED by pdr, kind or the ordinal reading", err=True)
        return
    for r, proof in proved:
        if isinstance(proof, SelfCertified):
            text_ = proof.certificate(r.property)
        else:
            encoder = Encoder(task.model, r.scope, task.for_all, task.bounds, arith="linear")
            text_ = proof.smtlib(encoder, r.property)
        write(text_, out if len(proved) == 1 else documents.numbered_path(out, r.property.short), quiet)


def check_model(
    model_name: str | None,
    property_names: Sequence[str],
    request: ScopeRequest,
    budget: Budget,
    engine: EngineRequest,
    output: Output,
    status: StatusLine,
    strict: bool = False,
) -> int:
    """Check the properties of a built-in model (every one when none is named), render; the exit code
    (``strict``: a vacuous HOLDS/PROVED counts, exit 14)."""
    if model_name is None:
        raise InputError(f"give a MODEL ({', '.join(catalog.MODELS)}) or manifests with -f FILE")
    if output.fmt in MANIFEST_FORMATS:
        raise InputError(f"--format {output.fmt} goes with -f manifests")
    with reported_errors():
        model = catalog.model(model_name)
        props = catalog.properties(model.name, property_names)
        scope = build_scope(model, request)
        given = user_set(model, request)
        omitted: list[str] = []
        if not property_names:  # every property of the model: those about other settings are left out
            props, omitted = left_out(props, scope, given)
            if not props:
                raise InputError(
                    f"every property of {model.name} needs a value other than one you set: " + "; ".join(omitted)
                )
        symbolic, bounds = symbolic_params(model, engine.for_all)
        if symbolic and engine.engine == "explicit":
            raise InputError("--for-all needs a symbolic engine: --engine pdr, bmc, kind or auto")
        check_writable(output.out)
        check_writable(engine.certificate)
        task = Task(
            model,
            scope,
            props,
            budget=budget,
            progress=status,
            engine=engine.engine,
            for_all=symbolic,
            depth=engine.depth,
            status=status.say,
            bounds=bounds,
            user_set=given,
            walks=engine.walks,
            seed=engine.seed,
        )
        started = time.perf_counter()
        try:
            with watchdog() as dog:  # --timeout is a hard stop, even inside a z3 call; Ctrl-C keeps the table
                results = check_within(task, dog)
        finally:
            status.clear()
        elapsed = time.perf_counter() - started
        if engine.certificate is not None:
            write_certificates(task, results, engine.certificate, output.quiet)
    code = exit_code(results, strict=strict)
    render(model, request.preset, task, results, elapsed, output, omitted, strict)
    return code


def render(
    model: Model,
    preset: str,
    task: Task,
    results: list[Result],
    elapsed: float,
    output: Output,
    omitted: Sequence[str] = (),
    strict: bool = False,
) -> None:
    """The report of one run in the asked format: text, a JSON document, or ITF traces.

    ``omitted``: a line per property left out because it needs a value other than the user's."""
    code = exit_code(results, strict=strict)
    if output.fmt == "text":
        text_ = report_text.render(model, preset, task.scope, results, task.budget, elapsed, code, omitted)
        write(text_, output.out, output.quiet)
    elif output.fmt == "json":
        doc = documents.report_document(model, preset, task.scope, task.budget, results, code)
        write(traces.dumps(doc), output.out, output.quiet)
    else:
        write_traces(documents.itf_documents(results, preset), output.out, output.quiet)
