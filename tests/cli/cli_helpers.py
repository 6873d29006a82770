"""What the command-line tests share: running ``kubecheck`` in-process and comparing pinned output.

Pinned outputs live in ``tests/cli/expected/``; seconds are replaced by ``<s>`` first. A
deliberate format change regenerates them with ``KUBECHECK_UPDATE_EXPECTED=1 pytest tests/cli``
(then read the diff). Most runs use ``--scope tiny``: the small preset takes seconds per
exploration.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from click.testing import CliRunner, Result

from kubecheck.cli.main import cli

EXPECTED = Path(__file__).parent / "expected"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
API_MESSAGE = "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"


def kubecheck(*args: str) -> Result:
    """``kubecheck ARGS`` run in-process (stdout and stderr kept apart)."""
    return CliRunner().invoke(cli, list(args))


def normalized(output: str) -> str:
    """Output with wall-clock seconds replaced (table column and summary)."""
    output = re.sub(r"(?m) +\d+\.\d\d$", "  <s>", output)
    return re.sub(r"in \d+\.\d\d s ·", "in <s> s ·", output)


def assert_expected(name: str, output: str) -> None:
    path = EXPECTED / name
    if os.environ.get("KUBECHECK_UPDATE_EXPECTED"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8")


def one_error_line(result: Result) -> str:
    """The single ``Error: …`` line of a failed run (and nothing on stdout)."""
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0][len("Error: ") :]
