"""``kubecheck check``: the click command of both modes, a built-in MODEL or ``-f`` manifests.

The options arrive grouped (:mod:`kubecheck.cli.options`); with ``-f`` the run goes to
:func:`kubecheck.cli.check_manifests.check_manifests`, otherwise to
:func:`kubecheck.cli.check_model.check_model`. Both return the exit code.

``--ray [ADDRESS]`` wraps either run in a Ray session (:func:`ray_session`,
:mod:`kubecheck.checker.ray_transport`); without ADDRESS the command first re-executes itself
in a private network namespace, where the local head it starts is reachable only from inside.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator

import attrs
import click

from kubecheck.checker import ray_transport
from kubecheck.checker.task import Budget
from kubecheck.cli.check_manifests import check_manifests
from kubecheck.cli.check_model import check_model
from kubecheck.cli.errors import InputError
from kubecheck.cli.options import (
    CHECK_FORMATS,
    RAY_LOCAL,
    EngineRequest,
    ManifestRequest,
    ScopeRequest,
    budget_options,
    engine_options,
    manifest_options,
    output_options,
    ray_option,
    scope_options,
)
from kubecheck.cli.output import Output
from kubecheck.cli.progress import status_line
from kubecheck.manifest import MAX_JOBS, WORKLOAD_SECONDS
from kubecheck.properties import catalog

#: What ``--ray ADDRESS`` accepts: host:port, or a Ray client address ray://host:port.
RAY_ADDRESS = re.compile(r"^(ray://)?[A-Za-z0-9_.\-\[\]:]+:[0-9]{1,5}$")

#: (click parameter name, option as typed) of the options only ``check MODEL`` reads, and of those
#: only ``check -f`` reads, in the order ``--help`` shows them.
MODEL_ONLY = (
    ("preset", "--scope"),
    ("pairs", "--set"),
    ("for_all", "--for-all"),
    ("depth", "--depth"),
    ("certificate", "--certificate"),
    ("walks", "--walks"),
    ("seed", "--seed"),
)
MANIFEST_ONLY = (
    ("nodes", "--nodes"),
    ("verbose", "--verbose"),
    ("workload_timeout", "--workload-timeout"),
    ("jobs", "--jobs"),
    ("fixes", "--suggest-fixes"),
    ("scenario", "--scenario"),
)


def refuse_options_of_the_other_mode(ctx: click.Context, with_manifests: bool) -> None:
    """An option the mode would ignore is a usage error (exit 2) naming the option and the mode."""
    given = [
        (name, option)
        for name, option in (MODEL_ONLY if with_manifests else MANIFEST_ONLY)
        if ctx.get_parameter_source(name) not in (None, click.core.ParameterSource.DEFAULT)
    ]
    if not given:
        return
    option = given[0][1]
    if with_manifests:
        raise InputError(f"{option} goes with check MODEL, not with -f manifests (which it would ignore)")
    raise InputError(f"{option} goes with -f manifests, not with check MODEL (which would ignore it)")


@click.command()
@click.argument("model_name", metavar="[MODEL]", required=False)
@click.argument("property_names", metavar="[PROPERTY]...", nargs=-1)
@manifest_options
@scope_options
@budget_options
@engine_options
@click.option(
    "--workload-timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    default=None,
    help=f"with -f: seconds for each workload (default {WORKLOAD_SECONDS:g}); --timeout bounds the whole run",
)
@ray_option
@output_options(
    CHECK_FORMATS,
    help="text, json, itf, or with -f also junit, sarif (SARIF 2.1.0: findings at the manifest's lines, traces "
    "as code flows), github (GitHub Actions annotations) or html (one self-contained page: verdict tables and a "
    "timeline picture of each trace, docs/html-report.md); itf writes one trace per violation and witness: JSON "
    "lines on standard output, or with --out one file, FILE itself for one trace and FILE.<property>.itf.json "
    "each for several (none when there is no trace)",
)
@click.pass_context
def check(
    ctx: click.Context,
    model_name: str | None,
    property_names: tuple[str, ...],
    manifests: ManifestRequest,
    scope: ScopeRequest,
    budget: Budget,
    engine: EngineRequest,
    workload_timeout: float | None,
    ray_address: str | None,
    output: Output,
) -> None:
    """Check properties of a model in a scope.

    With no PROPERTY, every property of MODEL is checked. Prints a verdict table, a trace for
    each violation and witness, and exits 0 (all hold), 10 (inconclusive), 12 (safety
    violation), 13 (liveness violation), 14 (unreachable witness; with --strict also a vacuous
    HOLDS/PROVED), 2 (bad input) or 1 (an
    internal error, or the output could not be written). kubecheck help verdicts explains them.
    """
    refuse_options_of_the_other_mode(ctx, bool(manifests.files))
    if ray_address is not None and not manifests.files:
        refuse_ray_without_partitions(model_name, property_names, budget, output.quiet)
    with ray_session(ray_address):
        status = status_line(sys.stderr, output.quiet)
        if manifests.files:
            if ray_address is not None and ctx.get_parameter_source("jobs") is click.core.ParameterSource.DEFAULT:
                manifests = attrs.evolve(manifests, jobs=min(MAX_JOBS, max(2, ray_transport.cluster_cpus())))
            named = ([model_name] if model_name else []) + list(property_names)
            ctx.exit(
                check_manifests(manifests, named, scope.faults, engine.engine, budget, output, status, workload_timeout)
            )
        ctx.exit(check_model(model_name, property_names, scope, budget, engine, output, status, manifests.strict))


def refuse_ray_without_partitions(
    model_name: str | None, property_names: tuple[str, ...], budget: Budget, quiet: bool
) -> None:
    """``check MODEL --ray`` distributes the partitioned search: it needs ``--workers`` of 2 or more (else exit 2).

    When liveness properties are among those checked, says on stderr that they stay in this process.
    """
    if budget.workers < 2:
        raise InputError(
            "--ray with check MODEL: expected --workers N of at least 2 (the search's partitions or the swarm's "
            "shares of walks, on Ray), got 1"
        )
    if quiet or model_name is None:
        return
    with contextlib.suppress(catalog.UnknownName):  # an unknown name is check_model's error to report
        if any(p.is_liveness for p in catalog.properties(model_name, property_names)):
            click.echo(
                "Note: --ray: liveness properties are checked in this process (the partitioned search is safety only)",
                err=True,
            )


@contextlib.contextmanager
def ray_session(address: str | None) -> Iterator[None]:
    """The Ray session of ``--ray [ADDRESS]`` around the run (nothing without ``--ray``); exit 2 when Ray cannot run.

    Without ADDRESS and outside a private network namespace, the process re-executes its command
    line inside one (:func:`kubecheck.checker.ray_transport.enter_private_network`): it does not return.
    """
    if address is None:
        yield
        return
    with contextlib.ExitStack() as stack:
        try:
            ray_transport.require()
            if address == RAY_LOCAL:
                if not ray_transport.is_private_network():
                    ray_transport.enter_private_network(_own_command_line())
                stack.enter_context(ray_transport.session(None))
            elif RAY_ADDRESS.match(address):
                stack.enter_context(ray_transport.session(address))
            else:
                raise InputError(
                    f"--ray: expected ADDRESS host:port or ray://host:port, got {address!r} "
                    "(give --ray last or as --ray=ADDRESS when no ADDRESS follows)"
                )
        except ray_transport.RayUnavailable as err:
            raise InputError(str(err)) from None
        yield


def _own_command_line() -> list[str]:
    """This process's ``kubecheck check ... --ray`` as a command line to re-execute (python -m kubecheck.cli)."""
    args = sys.argv[1:]
    if "check" not in args or not any(a == "--ray" or a.startswith("--ray=") for a in args):
        raise ray_transport.RayUnavailable(
            "--ray without ADDRESS re-executes the kubecheck command line, and this process was not started by one; "
            + ray_transport.START_HEAD
        )
    return [sys.executable, "-m", "kubecheck.cli", *args]
