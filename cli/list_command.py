"""``kubecheck list [MODEL]``: the models, their scope presets, parameters and properties."""

from __future__ import annotations

import click

from kubecheck.cli import listing
from kubecheck.cli.errors import reported_errors
from kubecheck.cli.output import emit
from kubecheck.properties import catalog


@click.command("list")
@click.argument("model_name", metavar="[MODEL]", required=False)
def list_command(model_name: str | None) -> None:
    """Models, their scope presets, parameters and properties."""
    with reported_errors():
        models = [catalog.model(model_name)] if model_name else list(catalog.MODELS.values())
    emit(listing.render(models, {m.name: catalog.properties(m.name) for m in models}))
