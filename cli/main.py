"""The ``kubecheck`` command group: ``list``, ``check``, ``replay`` and ``help``, one module each.

Parsing and rendering only (STYLE rule 7): the engines decide, the command modules render.
Exit codes (``kubecheck.checker.result``): 0 ok, 10 inconclusive, 12 safety violation, 13
liveness violation, 14 unreachable witness; 2 for any usage or input error, which prints exactly
one line ``Error: …`` on stderr; 1 for an internal error (the engine's certification failed) or
an output that cannot be written; ``replay`` adds 3. ``kubecheck help verdicts`` explains them.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubecheck.cli.check_command import check
from kubecheck.cli.export_test_command import export_test
from kubecheck.cli.help_command import help_command
from kubecheck.cli.list_command import list_command
from kubecheck.cli.replay_command import replay


@click.group(name="kubecheck", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kubecheck", prog_name="kubecheck")
def cli() -> None:
    """Model-check Kubernetes workload controllers: verdicts, and traces a Kubernetes user can read."""


cli.add_command(list_command)
cli.add_command(check)
cli.add_command(replay)
cli.add_command(export_test)
cli.add_command(help_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="kubecheck")
