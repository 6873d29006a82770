"""The command line's floor plan: one module per command, and no function with too many parameters."""

from __future__ import annotations

import ast
from pathlib import Path

from kubecheck.cli.main import cli

CLI = Path(__file__).resolve().parents[2] / "cli"
#: At most this many parameters per function in cli/ (click's style: options come in groups).
MAX_PARAMETERS = 10


def _parameter_count(f: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    a = f.args
    return len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs) + (a.vararg is not None) + (a.kwarg is not None)


def test_no_function_in_cli_takes_more_than_ten_parameters() -> None:
    too_many = [
        f"{path.name}:{node.lineno} {node.name} takes {_parameter_count(node)}"
        for path in sorted(CLI.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _parameter_count(node) > MAX_PARAMETERS
    ]
    assert not too_many, "\n".join(too_many)


def test_each_command_has_its_own_module() -> None:
    modules = {name: command.callback.__module__ for name, command in cli.commands.items()}  # type: ignore[union-attr]
    assert modules == {
        "list": "kubecheck.cli.list_command",
        "check": "kubecheck.cli.check_command",
        "replay": "kubecheck.cli.replay_command",
        "help": "kubecheck.cli.help_command",
        "export-test": "kubecheck.cli.export_test_command",
    }
