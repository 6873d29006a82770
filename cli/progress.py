"""A status line on stderr, updated in place while a long search runs.

Explicit search reports states, depth and states/s; the symbolic engines report their step
(BMC depth, k of k-induction, lasso length, PDR's phase) with the seconds it has taken. Shown
only on a terminal, only without ``--quiet`` and only once the run has lasted
``delay`` seconds (a quick check prints nothing); cleared before the report is printed. On a
terminal ``rich`` draws it (:class:`RichStatusLine`: a spinner, redrawn in place, erased);
:func:`status_line` picks the one for the stream.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import IO

from rich.console import Console
from rich.status import Status

from kubecheck.checker.task import Progress
from kubecheck.cli import text


class StatusLine:
    """The engine's progress callback: one line rewritten with carriage returns."""

    def __init__(self, stream: IO[str], enabled: bool, delay: float = 2.0, width: int | None = None):
        self.stream = stream
        self.width = width or shutil.get_terminal_size((120, 24)).columns
        self.enabled = enabled
        self.delay = delay
        self.started = time.monotonic()
        self.shown = 0

    def __call__(self, p: Progress) -> None:
        """Explicit search's progress (states, transitions, depth, queue, states/s)."""
        self.say(
            f"exploring: {text.count(p.states)} states, {text.count(p.transitions)} transitions, "
            f"depth {p.depth}, {text.count(p.queued)} queued, {text.count(round(p.states_per_second))} states/s, "
            f"{p.seconds:.0f} s"
        )

    def say(self, what: str) -> None:
        """Any one-line status, e.g. a symbolic engine's step (``bmc availability_floor: depth 12 of 30, 41 s``)."""
        if not self.enabled or time.monotonic() - self.started < self.delay:
            return
        line = what[: self.width - 1]  # a wrapped line could not be redrawn in place
        self.stream.write("\r" + line.ljust(self.shown))
        self.stream.flush()
        self.shown = len(line)

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0


class RichStatusLine(StatusLine):
    """The same status on a real terminal, drawn by ``rich`` (a spinner and the line, redrawn in place
    and erased when the report is printed); piped or with ``--quiet`` the plain :class:`StatusLine`
    (which prints nothing then) is used, so piped output stays byte for byte what the tests pin."""

    def __init__(self, console: Console, delay: float = 2.0):
        super().__init__(console.file, enabled=True, delay=delay, width=console.width)
        self.console = console
        self.live: Status | None = None

    def say(self, what: str) -> None:
        if time.monotonic() - self.started < self.delay:
            return
        line = what[: self.width - 3]
        if self.live is None:
            self.live = self.console.status(line, spinner="dots")
            self.live.start()
        else:
            self.live.update(line)
        self.shown = len(line)

    def clear(self) -> None:
        if self.live is not None:
            self.live.stop()  # transient: the line is erased
            self.live = None
        self.shown = 0


def status_line(stream: IO[str], quiet: bool) -> StatusLine:
    """The status line for ``stream``: drawn by rich on a terminal, silent when piped or quiet."""
    if quiet or not stream.isatty():
        return StatusLine(stream, enabled=False)
    return RichStatusLine(Console(file=stream, stderr=stream is sys.stderr))
