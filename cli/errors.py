"""How the command reports bad input and internal errors: one line on stderr, exit 2 or 1.

:class:`InputError` is a usage or input error (``Error: <message>``, exit 2); :class:`InputErrors`
is several (``check -f`` with every document rejected: one ``Error:`` line per document).
:func:`reported_errors` turns the library's own input errors (a bad scope, an unknown model or
property, a trace that does not replay, a parameter the encoder cannot leave symbolic) into
InputError, and an engine's failed self-check into ``Error: internal error: …``, exit 1. No
traceback reaches the user.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import IO, Any

import click

from kubecheck.checker.certify import EncoderBug
from kubecheck.checker.explicit.bfs import EngineError
from kubecheck.checker.symbolic.encoder import EncodingError
from kubecheck.model.kernel import scopes, traces
from kubecheck.properties import catalog


class InputError(click.ClickException):
    """Bad input from the user: one line ``Error: <message>`` on stderr, exit 2."""

    exit_code = 2


class InputErrors(InputError):
    """Several bad inputs (the rejected documents of ``check -f``): one ``Error: …`` line each, exit 2."""

    def __init__(self, lines: Sequence[str]):
        super().__init__(lines[-1])
        self.lines = tuple(lines)

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.lines:
            click.echo(f"Error: {line}", err=True, file=file)


@contextlib.contextmanager
def reported_errors() -> Iterator[None]:
    """Turn the library's input errors into exit 2 and engine errors into exit 1, one line each."""
    try:
        yield
    except (scopes.ScopeError, catalog.UnknownName, traces.TraceError, EncodingError) as err:
        lines = getattr(err, "errors", ())  # a ManifestError: every rejected document, one line each
        raise (InputErrors(lines) if len(lines) > 1 else InputError(str(err))) from None
    except (EngineError, EncoderBug) as err:
        raise click.ClickException(f"internal error: {err}") from None
