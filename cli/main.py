"""The ``kubecheck`` command: ``list``, ``check`` and ``replay``.

Parsing and rendering only (STYLE rule 7): the engines decide, :mod:`kubecheck.cli.report_text`,
:mod:`kubecheck.cli.documents` and :mod:`kubecheck.cli.replay_text` render. Exit codes
(``kubecheck.checker.result``): 0 ok, 10 inconclusive, 12 safety violation, 13 liveness
violation, 14 unreachable witness; 2 for any usage or input error, which prints exactly one
line ``Error: …`` on stderr; 1 for an internal error (the engine's certification failed).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from kubecheck.checker import run
from kubecheck.checker.certify import EncoderBug
from kubecheck.checker.explicit.bfs import Budget, EngineError
from kubecheck.checker.result import exit_code
from kubecheck.checker.symbolic.encoder import EncodingError
from kubecheck.cli import documents, listing, replay_text, report_text, trace_text
from kubecheck.cli.progress import StatusLine
from kubecheck.model.controllers import cluster
from kubecheck.model.kernel import scopes, traces
from kubecheck.properties import catalog
from kubecheck.checker.task import Task

FORMATS = ("text", "json", "itf")
CHECK_FORMATS = FORMATS + ("junit",)


class InputError(click.ClickException):
    """Bad input from the user: one line ``Error: <message>`` on stderr, exit 2."""

    exit_code = 2


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the library's input errors into exit 2 and engine errors into exit 1, one line each."""
    try:
        yield
    except (scopes.ScopeError, catalog.UnknownName, traces.TraceError, EncodingError) as err:
        raise InputError(str(err)) from None
    except (EngineError, EncoderBug) as err:
        raise click.ClickException(f"internal error: {err}") from None


def _format_option(f: Any) -> Any:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help="text for people; json: a kubecheck.report/1 document; itf: Informal Trace Format traces",
    )(f)


def _out_option(f: Any) -> Any:
    return click.option("--out", metavar="FILE", help="write to FILE instead of standard output")(f)


def write(content: str, out: str | None, quiet: bool) -> None:
    """Print ``content``, or write it to ``out`` (and say so on stderr unless quiet)."""
    if out is None:
        click.echo(content, nl=False)
        return
    try:
        Path(out).write_text(content, encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write {out}: {err.strerror or err}") from None
    if not quiet:
        click.echo(f"wrote {out}", err=True)


def check_writable(out: str | None) -> None:
    """Fail before a long run, not after it, when ``--out`` cannot be written."""
    if out is None:
        return
    path = Path(out)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"cannot write {out}: it is a directory")
    if not parent.is_dir():
        raise InputError(f"cannot write {out}: no directory {parent}")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"cannot write {out}: permission denied")


def manifest_faults(raw: str | None) -> frozenset[str]:
    """``--faults`` with -f: the faults of any model (``all`` for every one; ``none``), InputError otherwise."""
    known = cluster.FAULTS  # every model's faults (the Deployment's crash and evict among them)
    if raw is None or raw.strip() == "none":
        return frozenset()
    names = [n.strip() for n in raw.split(",") if n.strip()]
    if names == ["all"]:
        return frozenset(known)
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise InputError(f"--faults: expected a comma list of {', '.join(known)} (or all, none), got {raw!r}")
    return frozenset(names)


def check_files(
    files: Sequence[str],
    model_name: str | None,
    property_names: Sequence[str],
    nodes: int | None,
    strict: bool,
    verbose: bool,
    engine: str,
    budget: Budget,
    status: Any,
    fmt: str,
    out: str | None,
    quiet: bool,
    faults: frozenset[str] = frozenset(),
) -> int:
    """``check -f``: read manifests, check each workload, render; returns the exit code."""
    from kubecheck import manifest

    if model_name or property_names:
        raise InputError("give a MODEL or -f manifests, not both")
    stdin_text = sys.stdin.buffer.read() if "-" in files else None
    with reported_errors():
        check_writable(out)
        try:
            report = manifest.check_manifests(
                list(files),
                stdin_text,
                nodes,
                engine if engine != "explicit" else "auto",
                budget,
                status,
                verbose,
                strict,
                faults,
            )
        finally:
            status.clear()
    if fmt == "itf":
        write_traces(manifest.itf_documents(report), out, quiet)
    elif fmt == "json":
        write(manifest.render_json(report), out, quiet)
    else:
        render = manifest.render_junit if fmt == "junit" else manifest.render_text
        write(render(report, trace_lines=manifest_trace_lines), out, quiet)
    return report.exit_code


def manifest_trace_lines(result: Any) -> list[str]:
    """A manifest report's trace in the model's Kubernetes words."""
    return trace_text.steps(result.trace) + trace_text.conclusion_lines(
        result.property, result.verdict.value, result.trace
    )


def symbolic_params(model: Any, names: str | None) -> tuple[tuple[str, ...], dict[str, tuple[int, int]]]:
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


def write_certificates(
    model: Any,
    results: Sequence[Any],
    symbolic: Sequence[str],
    out: str,
    quiet: bool,
    bounds: dict[str, tuple[int, int]] | None = None,
) -> None:
    """SMT-LIB certificates of the PROVED results that carry an invariant proof."""
    from kubecheck.checker.symbolic.encoder import Encoder

    proved = [r for r in results if r.evidence is not None and hasattr(r.evidence, "smtlib")]
    if not proved:
        if not quiet:
            click.echo("no certificate written: no property was PROVED by pdr or kind", err=True)
        return
    for r in proved:
        encoder = Encoder(model, r.scope, symbolic, bounds, arith="linear")
        text_ = r.evidence.smtlib(encoder, r.property)
        write(text_, out if len(proved) == 1 else documents.numbered_path(out, r.property.short), quiet)


def write_traces(docs: Sequence[tuple[str, dict]], out: str | None, quiet: bool) -> None:
    """Trace documents: one JSON document per line on stdout, or files (named after the property when several)."""
    if not docs:
        if not quiet:
            click.echo("no trace to write: no property was violated or witnessed", err=True)
        return
    if out is None:
        click.echo("".join(json.dumps(doc) + "\n" for _, doc in docs), nl=False)
        return
    for short, doc in docs:
        write(traces.dumps(doc), out if len(docs) == 1 else documents.numbered_path(out, short), quiet)


@click.group(name="kubecheck", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kubecheck", prog_name="kubecheck")
def cli() -> None:
    """Model-check Kubernetes workload controllers: verdicts, and traces a Kubernetes user can read."""


@cli.command("list")
@click.argument("model_name", metavar="[MODEL]", required=False)
def list_command(model_name: str | None) -> None:
    """Models, their scope presets, parameters and properties."""
    with reported_errors():
        models = [catalog.model(model_name)] if model_name else list(catalog.MODELS.values())
    click.echo(listing.render(models, {m.name: catalog.properties(m.name) for m in models}), nl=False)


def build_scope(model: Any, preset: str, pairs: Sequence[str], faults: str | None) -> Any:
    """The preset with ``--set`` and ``--faults`` applied and validated (ScopeError on bad input)."""
    if preset not in model.presets:
        raise InputError(f"unknown scope preset {preset!r} of model {model.name}; presets: {', '.join(model.presets)}")
    settings = scopes.parse_settings(pairs)
    if faults is not None:
        if "faults" in settings:
            raise InputError("--faults and --set faults=… both given; use one of them")
        settings["faults"] = faults
    return scopes.with_settings(model.presets[preset], settings)


@cli.command()
@click.argument("model_name", metavar="[MODEL]", required=False)
@click.argument("property_names", metavar="[PROPERTY]...", nargs=-1)
@click.option(
    "-f",
    "--filename",
    "files",
    multiple=True,
    metavar="FILE|DIR|-",
    help="check Kubernetes manifests instead of a built-in model (files, directories, - for stdin)",
)
@click.option(
    "--nodes", type=click.IntRange(1, 64), metavar="N", help="with -f: cluster nodes for StatefulSets/DaemonSets"
)
@click.option("--strict", is_flag=True, help="with -f: count violations of properties upstream does not guarantee")
@click.option("--verbose", "-v", is_flag=True, help="with -f: unknown fields, properties not checked, witness traces")
@click.option(
    "--scope",
    "preset",
    default="small",
    show_default=True,
    metavar="PRESET",
    help="named scope preset (kubecheck list shows them)",
)
@click.option("--set", "pairs", multiple=True, metavar="NAME=VALUE", help="set a scope parameter (repeatable)")
@click.option(
    "--faults",
    metavar="crash,evict|none",
    help="faults that may happen (same as --set faults=…); with -f, also check the properties that assume them",
)
@click.option(
    "--max-states", type=click.IntRange(min=1), metavar="N", help="stop after N distinct states (INCONCLUSIVE)"
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="stop the whole run after SECONDS (what is undecided is INCONCLUSIVE)",
)
@click.option(
    "--engine",
    type=click.Choice(run.ENGINES),
    default="explicit",
    show_default=True,
    help="explicit search, bmc, kind (k-induction), pdr (IC3/PDR), or auto (what fits; it says what it ran)",
)
@click.option(
    "--for-all",
    "for_all",
    metavar="NAME[=LO..HI],...",
    help="leave these parameters symbolic (e.g. replicas): a proof then holds for every value (in LO..HI "
    "if given; a model that cannot leave one open checks each value of the range)",
)
@click.option("--depth", type=click.IntRange(min=1), metavar="N", help="bound of bmc / kind (default 30 / 5)")
@click.option(
    "--certificate",
    metavar="FILE",
    help="write each proof's invariant and its three checks as SMT-LIB 2 (re-runnable with any SMT solver)",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CHECK_FORMATS),
    default="text",
    show_default=True,
    help="text, json, itf (one trace per violation) or junit (with -f)",
)
@_out_option
@click.option("--quiet", "-q", is_flag=True, help="no progress line and no messages on stderr")
@click.pass_context
def check(
    ctx: click.Context,
    model_name: str | None,
    property_names: tuple[str, ...],
    files: tuple[str, ...],
    nodes: int | None,
    strict: bool,
    verbose: bool,
    preset: str,
    pairs: tuple[str, ...],
    faults: str | None,
    max_states: int | None,
    timeout: float | None,
    engine: str,
    for_all: str | None,
    depth: int | None,
    certificate: str | None,
    fmt: str,
    out: str | None,
    quiet: bool,
) -> None:
    """Check properties of a model in a scope.

    With no PROPERTY, every property of MODEL is checked. Prints a verdict table, a trace for
    each violation and witness, and exits 0 (all hold), 10 (inconclusive), 12 (safety
    violation), 13 (liveness violation), 14 (unreachable witness) or 2 (bad input).
    """
    budget = Budget(max_states, timeout)
    status = StatusLine(sys.stderr, enabled=sys.stderr.isatty() and not quiet)
    if files:
        ctx.exit(
            check_files(
                files,
                model_name,
                property_names,
                nodes,
                strict,
                verbose,
                engine,
                budget,
                status,
                fmt,
                out,
                quiet,
                manifest_faults(faults),
            )
        )
    if model_name is None:
        raise InputError(f"give a MODEL ({', '.join(catalog.MODELS)}) or manifests with -f FILE")
    if fmt == "junit":
        raise InputError("--format junit goes with -f manifests")
    with reported_errors():
        model = catalog.model(model_name)
        props = catalog.properties(model.name, property_names)
        scope = build_scope(model, preset, pairs, faults)
        symbolic, bounds = symbolic_params(model, for_all)
        if symbolic and engine == "explicit":
            raise InputError("--for-all needs a symbolic engine: --engine pdr, bmc, kind or auto")
        check_writable(out)
        check_writable(certificate)
        started = time.perf_counter()
        try:
            results = run.check(
                Task(
                    model,
                    scope,
                    props,
                    budget=budget,
                    progress=status,
                    engine=engine,
                    for_all=symbolic,
                    depth=depth,
                    status=status.say,
                    bounds=bounds,
                )
            )
        finally:
            status.clear()
        elapsed = time.perf_counter() - started
        if certificate is not None:
            write_certificates(model, results, symbolic, certificate, quiet, bounds)
    code = exit_code(results)
    if fmt == "text":
        write(report_text.render(model, preset, scope, results, budget, elapsed, code), out, quiet)
    elif fmt == "json":
        write(traces.dumps(documents.report_document(model, preset, scope, budget, results, code)), out, quiet)
    else:
        write_traces(documents.itf_documents(results, preset), out, quiet)
    ctx.exit(code)


@cli.command()
@click.argument("file", metavar="FILE")
@_format_option
@_out_option
@click.pass_context
def replay(ctx: click.Context, file: str, fmt: str, out: str | None) -> None:
    """Replay a saved trace and re-check the verdict it claims.

    FILE is a kubecheck.trace/1 JSON trace, an ITF trace, or a kubecheck.report/1 report (each
    of its traces); - reads standard input. Every step must be enabled and give the recorded
    state (exit 2 if not); a trace that names a property must show its verdict again at the
    last state (exit 1 if not).
    """
    try:
        content = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read {file}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise InputError(f"{file}: not a text file (expected a JSON trace)") from None
    with reported_errors():
        replays = replay_text.load(file, content, catalog.MODELS)
        check_writable(out)
    code = 0 if all(r.reproduced for r in replays) else 1
    if fmt == "text":
        write(replay_text.render(replays, code), out, quiet=False)
    elif fmt == "json":
        write_traces([(r.short, traces.to_json(r.trace, r.extra)) for r in replays], out, quiet=False)
    else:
        write_traces([(r.short, traces.to_itf(r.trace, r.extra)) for r in replays], out, quiet=False)
    ctx.exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="kubecheck")
