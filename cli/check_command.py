"""``kubecheck check``: the click command of both modes, a built-in MODEL or ``-f`` manifests.

The options arrive grouped (:mod:`kubecheck.cli.options`); with ``-f`` the run goes to
:func:`kubecheck.cli.check_manifests.check_manifests`, otherwise to
:func:`kubecheck.cli.check_model.check_model`. Both return the exit code.
"""

from __future__ import annotations

import sys

import click

from kubecheck.checker.task import Budget
from kubecheck.cli.check_manifests import check_manifests
from kubecheck.cli.check_model import check_model
from kubecheck.cli.errors import InputError
from kubecheck.cli.options import (
    CHECK_FORMATS,
    EngineRequest,
    ManifestRequest,
    ScopeRequest,
    budget_options,
    engine_options,
    manifest_options,
    output_options,
    scope_options,
)
from kubecheck.cli.output import Output
from kubecheck.cli.progress import status_line
from kubecheck.manifest import WORKLOAD_SECONDS

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
    status = status_line(sys.stderr, output.quiet)
    if manifests.files:
        named = ([model_name] if model_name else []) + list(property_names)
        ctx.exit(
            check_manifests(manifests, named, scope.faults, engine.engine, budget, output, status, workload_timeout)
        )
    ctx.exit(check_model(model_name, property_names, scope, budget, engine, output, status, manifests.strict))
