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
from kubecheck.cli.progress import StatusLine


@click.command()
@click.argument("model_name", metavar="[MODEL]", required=False)
@click.argument("property_names", metavar="[PROPERTY]...", nargs=-1)
@manifest_options
@scope_options
@budget_options
@engine_options
@output_options(CHECK_FORMATS, help="text, json, itf (one trace per violation) or junit (with -f)")
@click.pass_context
def check(
    ctx: click.Context,
    model_name: str | None,
    property_names: tuple[str, ...],
    manifests: ManifestRequest,
    scope: ScopeRequest,
    budget: Budget,
    engine: EngineRequest,
    output: Output,
) -> None:
    """Check properties of a model in a scope.

    With no PROPERTY, every property of MODEL is checked. Prints a verdict table, a trace for
    each violation and witness, and exits 0 (all hold), 10 (inconclusive), 12 (safety
    violation), 13 (liveness violation), 14 (unreachable witness) or 2 (bad input).
    """
    status = StatusLine(sys.stderr, enabled=sys.stderr.isatty() and not output.quiet)
    if manifests.files:
        named = ([model_name] if model_name else []) + list(property_names)
        ctx.exit(check_manifests(manifests, named, scope.faults, engine.engine, budget, output, status))
    ctx.exit(check_model(model_name, property_names, scope, budget, engine, output, status))
