"""Vacuity of a PDR proof as ``kubecheck check deployment PROP --engine pdr`` shows it.

Where the behaviour the property constrains happens (a step of a paused Deployment), the row is
a plain PROVED and the JSON result says which depth BMC reached it at; where it cannot happen
(a budget with maxUnavailable 0 answers every eviction 429, so no eviction is ever approved),
the row says vacuous and why, the note under the table repeats it, and ``--strict`` exits 14
(without it, 0: tests/cli/test_vacuity_cli.py).
"""

from __future__ import annotations

import json
import re

import pytest
from cli_helpers import kubecheck, normalized

from kubecheck.checker.result import EXIT_OK, EXIT_UNWITNESSED
from kubecheck.checker.symbolic import vacuity

PAUSED = "paused_creates_no_replicaset"
FLOOR = "budget_floor_holds_under_evictions"
NO_EVICTION = ("--set", "pdb-max-unavailable=0")
VACUOUS = "PROVED (vacuous: an approved eviction never happens: proved unreachable by PDR)"


@pytest.fixture(autouse=True)
def _time_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    """The vacuity query's cap raised, so that a loaded machine cannot turn a decided vacuity into an
    unchecked one (the cap itself: test_vacuity_symbolic sets it to zero)."""
    monkeypatch.setattr(vacuity, "SECONDS", 300.0)


def _row(stdout: str, name: str) -> str:
    return next(line for line in normalized(stdout).splitlines() if line.startswith(name + " "))


def test_a_proof_whose_trigger_bmc_reaches_is_a_plain_proved_row() -> None:
    result = kubecheck("check", "deployment", PAUSED, "--scope", "tiny", "--engine", "pdr")
    assert result.exit_code == EXIT_OK, result.output
    assert re.fullmatch(rf"{PAUSED} +PROVED +pdr +0 +0 +0  adjusted scope  <s>", _row(result.stdout, PAUSED))
    assert "vacuity" not in result.stdout and "vacuous" not in result.stdout


def test_the_json_result_says_where_bmc_reached_the_trigger() -> None:
    result = kubecheck("check", "deployment", PAUSED, "--scope", "tiny", "--engine", "pdr", "--format", "json")
    assert result.exit_code == EXIT_OK, result.output
    [r] = json.loads(result.stdout)["results"]
    assert (r["verdict"], r["vacuous"], r["vacuity"]["checked"]) == ("PROVED", False, True)
    assert re.fullmatch(
        r"a step of a paused Deployment occurs at depth \d+ \(BMC, trace replayed\)", r["vacuity"]["reason"]
    )


def test_a_proof_whose_trigger_pdr_proves_unreachable_is_a_vacuous_row_and_strict_counts_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """BMC looks only 4 steps deep here (the time goes to PDR's proof, which the row is about)."""
    monkeypatch.setattr(vacuity, "DEPTH", 4)
    result = kubecheck("check", "deployment", FLOOR, "--scope", "tiny", "--engine", "pdr", *NO_EVICTION, "--strict")
    assert result.exit_code == EXIT_UNWITNESSED, result.output
    row = _row(result.stdout, FLOOR)
    assert re.fullmatch(rf"{FLOOR} +{re.escape(VACUOUS)} +pdr +0 +0 +0  adjusted scope  <s>", row)
    assert (
        f"{FLOOR} holds vacuously: an approved eviction never happens: proved unreachable by PDR, so it constrained "
        "nothing"
    ) in result.stdout
    assert "summary: 1 PROVED (1 vacuous)" in result.stdout
