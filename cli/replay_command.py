"""``kubecheck replay FILE``: replay saved traces and re-check the verdicts they claim.

Reading and re-checking is :mod:`kubecheck.cli.replay_text`; this module reads the file (or
standard input), renders the replays as text, or converts the traces to ``kubecheck.trace/1``
JSON or ITF. Exit 0 when every trace reproduces, 3 (:data:`NOT_REPRODUCED`) when one does not
(a step not enabled, a recorded state, change, scope or claim that differs from the re-run, or a
named verdict not shown at the last state), 2 when the file cannot be read as a trace.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kubecheck.cli import replay_text
from kubecheck.cli.errors import InputError, reported_errors
from kubecheck.cli.options import FORMATS, output_options
from kubecheck.cli.output import Output, check_writable, write, write_traces
from kubecheck.model.kernel import traces
from kubecheck.properties import catalog

NOT_REPRODUCED = 3
"""The exit code of a trace that does not reproduce (not in DESIGN.md's list for ``check``)."""


class NotReproduced(click.ClickException):
    """A well-formed trace the re-run differs from: one line ``Error: <what differs>``, exit 3."""

    exit_code = NOT_REPRODUCED


def read(file: str) -> str:
    """The text of FILE (``-``: standard input); InputError when it cannot be read as text."""
    try:
        return sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read {file}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise InputError(f"{file}: not a text file (expected a JSON trace)") from None


@click.command()
@click.argument("file", metavar="FILE")
@output_options(
    FORMATS,
    help="text for people; json: a kubecheck.report/1 document; itf: Informal Trace Format traces",
    quiet=False,
)
@click.pass_context
def replay(ctx: click.Context, file: str, output: Output) -> None:
    """Replay a saved trace and re-check the verdict it claims.

    FILE is a kubecheck.trace/1 JSON trace, an ITF trace, or a kubecheck.report/1 report (each
    of its traces); - reads standard input. Every step must be enabled, and every recorded
    field (the scope, the initial state, each step's changes, ITF states) must equal the
    re-run; a trace that names a property must show its verdict again at the last state.

    \b
    Exit codes:
      0  every trace reproduces
      3  a trace does not reproduce (the error line or the replay
         says what differs)
      2  the file is not a readable trace (bad JSON; a wrong type,
         shape or number; a missing key; no step)
      1  internal error
    """
    content = read(file)
    with reported_errors():
        try:
            replays = replay_text.load(file, content, catalog.MODELS)
        except traces.TraceMismatch as err:
            raise NotReproduced(str(err)) from None
        check_writable(output.out)
    code = 0 if all(r.reproduced for r in replays) else NOT_REPRODUCED
    if output.fmt == "text":
        write(replay_text.render(replays, code), output.out, quiet=False)
    elif output.fmt == "json":
        write_traces([(r.short, traces.to_json(r.trace, r.extra)) for r in replays], output.out, quiet=False)
    else:
        write_traces([(r.short, traces.to_itf(r.trace, r.extra)) for r in replays], output.out, quiet=False)
    ctx.exit(code)
