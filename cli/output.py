"""Where a command's output goes: standard output or ``--out FILE``, and one trace per file.

An :class:`Output` is what ``--format``, ``--out`` and ``--quiet`` asked for. :func:`write`
prints a rendered report or writes it to the file (saying ``wrote FILE`` on stderr unless quiet);
:func:`check_writable` refuses an unwritable ``--out`` before a long run rather than after it;
:func:`write_traces` writes trace documents, one JSON document per line on stdout, or one file
per trace named after its property when there are several. Standard output that is closed or
fails (a reader that went away, a full disk) is an error: :func:`emit` says so in one line on
stderr and the command exits 1, rather than exiting 0 with the report lost.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs
import click

from kubecheck.cli.documents import numbered_path
from kubecheck.cli.errors import InputError
from kubecheck.model.kernel import traces
from kubecheck.model.kernel.traces import Json

#: A trace document to write: (the short name a file is numbered with, the JSON document).
TraceDocument = tuple[str, Mapping[str, Json]]


@attrs.frozen
class Output:
    """``--format``, ``--out`` (None: standard output) and ``--quiet`` (no messages on stderr)."""

    fmt: str = "text"
    out: str | None = None
    quiet: bool = False


class OutputError(click.ClickException):
    """Standard output could not be written: one line ``Error: <message>`` on stderr, exit 1."""

    exit_code = 1


def _discard_stdout() -> None:
    """Point file descriptor 1 at /dev/null so that what is still buffered cannot fail again at exit."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):  # no real descriptor (an in-process test runner)
        pass


def emit(content: str) -> None:
    """Print ``content`` on standard output and flush it; an OutputError (exit 1) when that fails."""
    try:
        click.echo(content, nl=False)
        sys.stdout.flush()
    except OSError as err:
        _discard_stdout()
        raise OutputError(f"cannot write the output to standard output: {err.strerror or err}") from None


def write(content: str, out: str | None, quiet: bool) -> None:
    """Print ``content``, or write it to ``out`` (and say so on stderr unless quiet)."""
    if out is None:
        emit(content)
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


def write_traces(docs: Sequence[TraceDocument], out: str | None, quiet: bool) -> None:
    """Trace documents: one JSON document per line on stdout, or files (named after the property when several)."""
    if not docs:
        if not quiet:
            click.echo("no trace to write: no property was violated or witnessed", err=True)
        return
    if out is None:
        emit("".join(json.dumps(doc) + "\n" for _, doc in docs))
        return
    for short, doc in docs:
        write(traces.dumps(doc), out if len(docs) == 1 else numbered_path(out, short), quiet)
