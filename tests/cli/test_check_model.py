"""``kubecheck check MODEL``: verdicts, exit codes, one-line input errors, the symbolic engines."""

from __future__ import annotations

import re

import pytest
from cli_helpers import API_MESSAGE, assert_expected, kubecheck, normalized, one_error_line

from kubecheck.checker import run
from kubecheck.checker.explicit.bfs import EngineError
from kubecheck.checker.task import Task
from kubecheck.cli.check_model import build_scope
from kubecheck.cli.options import ScopeRequest
from kubecheck.properties import catalog

# -- check: verdicts and exit codes ----------------------------------------------------------


def test_check_tiny_live_pods_is_pinned():
    result = kubecheck("check", "deployment", "deployment.live_pods_within_surge", "--scope", "tiny")
    assert result.exit_code == 12
    assert result.stderr == ""  # no progress line when stderr is not a terminal
    assert_expected("check_tiny_live_pods_within_surge.txt", normalized(result.stdout))


def test_replicas_within_surge_holds_with_distinct_states_and_transitions():
    args = ["--set", "replicas=3", "--set", "max-surge=1", "--set", "max-unavailable=0"]
    result = kubecheck("check", "deployment", "deployment.replicas_within_surge", *args)
    assert result.exit_code == 0
    model = catalog.model("deployment")
    scope = build_scope(model, ScopeRequest("small", tuple(args[1::2])))
    [expected] = run.check(Task(model, scope, catalog.properties("deployment", ["replicas_within_surge"])))
    s = expected.stats
    row = re.compile(
        rf"(?m)^replicas_within_surge +HOLDS +explicit +{s.states:,} +{s.transitions:,} +{s.depth} +scope +\d+\.\d\d$"
    )
    assert row.search(result.stdout), result.stdout
    assert "scope     small, with max-unavailable=0\n" in result.stdout
    assert result.stdout.rstrip().endswith("exit 0 (ok)")


def test_live_pods_within_surge_is_violated_with_a_trace():
    result = kubecheck("check", "deployment", "deployment.live_pods_within_surge")
    assert result.exit_code == 12
    assert re.search(r"(?m)^live_pods_within_surge +VIOLATED ", result.stdout)
    assert "VIOLATED  deployment.live_pods_within_surge (" in result.stdout
    assert "  ⇒ violated at step " in result.stdout
    assert "  reproduce: kubecheck check deployment deployment.live_pods_within_surge --scope small\n" in result.stdout


def test_api_server_validation_message():
    result = kubecheck("check", "deployment", "--set", "max-surge=0", "--set", "max-unavailable=0")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {API_MESSAGE}\n"
    assert result.stdout == ""


def test_unknown_property_lists_the_valid_names():
    result = kubecheck("check", "deployment", "deployment.no_such_thing", "--scope", "tiny")
    assert result.exit_code == 2
    message = one_error_line(result)
    assert message.startswith("unknown property 'deployment.no_such_thing' of model deployment; properties: ")
    for prop in catalog.properties("deployment"):
        assert prop.name in message


def test_unknown_parameter_lists_the_valid_parameters():
    result = kubecheck("check", "deployment", "--set", "surge=1")
    assert result.exit_code == 2
    message = one_error_line(result)
    assert message.startswith("unknown parameter 'surge'; valid parameters: ")
    assert "max-surge" in message and "replicas" in message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "replicas=abc"], "parameter replicas: expected an integer from 0 to 100000, got 'abc'"),
        (["--set", "replicas"], "--set expects NAME=VALUE, got 'replicas'"),
        (
            ["--faults", "meteor"],
            "parameter faults: unknown fault 'meteor'; valid faults: crash, evict, force-delete, partition, "
            "node-failure, node-delete (or none)",
        ),
        (["--faults", "crash", "--set", "faults=none"], "--faults and --set faults=… both given; use one of them"),
        (["--scope", "huge"], "unknown scope preset 'huge' of model deployment; presets: tiny, small, medium"),
        (
            ["--out", "/nonexistent-dir/report.txt"],
            "cannot write /nonexistent-dir/report.txt: no directory /nonexistent-dir",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = kubecheck("check", "deployment", *args)
    assert result.exit_code == 2
    assert one_error_line(result) == message


def test_unknown_model_is_exit_2():
    result = kubecheck("check", "daemonsett")
    assert result.exit_code == 2
    assert one_error_line(result) == f"unknown model 'daemonsett'; models: {', '.join(catalog.MODELS)}"


def test_faults_option_is_the_faults_parameter():
    result = kubecheck("check", "deployment", "availability_floor_with_crashes", "--scope", "tiny", "--faults", "crash")
    assert result.exit_code == 12
    assert "scope     tiny, with faults=crash\n" in result.stdout


def test_max_states_budget_is_inconclusive():
    result = kubecheck("check", "deployment", "replicas_within_surge", "--max-states", "100")
    assert result.exit_code == 10
    assert re.search(r"(?m)^replicas_within_surge +INCONCLUSIVE +explicit +\d", result.stdout)
    assert "search stopped early (max-states)" in result.stdout
    assert "budget    --max-states 100\n" in result.stdout
    assert "warning: possible vacuity" not in result.stdout  # coverage of a partial search says nothing


def test_engine_error_is_exit_1(monkeypatch):
    def broken(*args, **kwargs):
        raise EngineError("compiled and reference semantics differ at step 3")

    monkeypatch.setattr(run, "check", broken)
    result = kubecheck("check", "deployment", "--scope", "tiny")
    assert result.exit_code == 1
    assert one_error_line(result) == "internal error: compiled and reference semantics differ at step 3"


def test_unreachable_witness_is_exit_14(monkeypatch):
    from kubecheck.checker.result import Coverage, Result, Stats, Verdict

    def unreachable(task):
        stats = Stats(12, 20, 4, 0.01, True, "exhausted")
        return [
            Result(p, Verdict.UNREACHABLE, task.scope, "explicit", stats, None, Coverage((), (), True))
            for p in task.properties
        ]

    monkeypatch.setattr(run, "check", unreachable)
    result = kubecheck("check", "deployment", "rollout_can_complete", "--scope", "tiny")
    assert result.exit_code == 14
    assert re.search(r"(?m)^rollout_can_complete +UNREACHABLE +explicit +12 +20 +4 ", result.stdout)
    assert (
        "rollout_can_complete is UNREACHABLE: no reachable state shows that "
        "a rollout to an edited template can complete (witness)\n"
    ) in result.stdout
    assert result.stdout.rstrip().endswith("exit 14 (a witness is unreachable)")


def test_coverage_warning_names_commands_that_never_fired():
    result = kubecheck("check", "deployment", "revisions_unique", "--scope", "tiny")
    assert result.exit_code == 0
    warning = result.stdout.split("warning: possible vacuity", 1)[1]
    assert "deployment-controller.scale_deployment" in warning
    assert "fault.crash_pod" not in warning  # switched off by the scope: not a vacuity warning


# -- symbolic engines through the CLI -------------------------------------------------------


def test_pdr_for_all_replicas_proves_surge_and_writes_a_certificate_that_z3_rechecks(tmp_path):
    from kubecheck.checker.certify import run_smtlib

    cert = tmp_path / "surge.smt2"
    result = kubecheck(
        "check",
        "deployment",
        "replicas_within_surge",
        "--scope",
        "tiny",
        "--engine",
        "pdr",
        "--for-all",
        "replicas",
        "--certificate",
        str(cert),
    )
    assert result.exit_code == 0, result.output
    assert "PROVED" in result.stdout and "all values of replicas" in result.stdout
    answers = run_smtlib(cert.read_text())
    assert answers and all(a == "unsat" for a in answers), answers


def test_the_issue_4_acceptance_command_output_is_pinned():
    """The default scope (small), every strategy parameter symbolic: the proof by the stated lemmas."""
    result = kubecheck(
        "check",
        "deployment",
        "deployment.replicas_within_surge",
        "--engine",
        "pdr",
        "--for-all",
        "replicas,max-surge,max-unavailable",
    )
    assert result.exit_code == 0, result.output
    assert_expected("check_pdr_for_all_surge.txt", re.sub(r"\d+\.\d\d s\b", "<s> s", normalized(result.stdout)))


def test_a_for_all_parameter_one_property_scope_cannot_leave_open_is_inconclusive_with_the_reason():
    # under total demand the autoscaler's sync splits its proposal over the scope's pod bound, which
    # grows with replicas: not encodable with replicas open, so not decided for all values, and said so
    result = kubecheck(
        "check",
        "deployment",
        "hpa.no_inflation_under_total_demand",
        "--scope",
        "tiny",
        "--engine",
        "pdr",
        "--for-all",
        "replicas",
        "--set",
        "hpa-max-replicas=4",
    )
    assert result.exit_code == 10, result.output
    assert re.search(r"(?m)^hpa.no_inflation_under_total_demand +INCONCLUSIVE ", result.stdout)
    assert (
        "hpa.no_inflation_under_total_demand (pdr): not decided: hpa.reconcile evaluates replicas with concrete "
        "arithmetic"
    ) in result.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("replicas=3..1", "--for-all replicas: expected a range LO..HI of integers with LO <= HI, got '3..1'"),
        ("replicas=x", "--for-all replicas: expected a range LO..HI of integers with LO <= HI, got 'x'"),
        ("replicas=1..", "--for-all replicas: expected a range LO..HI of integers with LO <= HI, got '1..'"),
        ("replica=1..2", "--for-all: unknown parameter 'replica'; parameters: name, replicas, ordinals-start, "),
    ],
)
def test_bad_for_all_ranges_are_one_line_errors(value, message):
    result = kubecheck("check", "statefulset", "pods_created_in_ordinal_order", "--engine", "kind", "--for-all", value)
    assert result.exit_code == 2
    assert one_error_line(result).startswith(message)


def test_a_range_of_a_per_ordinal_parameter_is_checked_instance_by_instance():
    result = kubecheck(
        "check",
        "statefulset",
        "pods_created_in_ordinal_order",
        "at_most_one_running_instance_with_force_delete",
        "--engine",
        "kind",
        "--for-all",
        "replicas=1..4",
    )
    assert result.exit_code == 12, result.output
    assert (
        "pods_created_in_ordinal_order (kind): PROVED for each of replicas 1..4 (4 instances, each by kind at its "
        "own size"
    ) in result.stdout
    assert "nothing is claimed outside that range" in result.stdout
    assert "at_most_one_running_instance_with_force_delete (kind): violated with replicas=1" in result.stdout
    assert (
        "reproduce: kubecheck check statefulset statefulset.at_most_one_running_instance_with_force_delete "
        "--scope small --set replicas=1"
    ) in result.stdout
    # a value of the range the scope rejects is named, with the sweep
    bad = kubecheck(
        "check", "daemonset", "availability_floor", "--scope", "tiny", "--engine", "kind", "--for-all", "nodes=0..2"
    )
    assert bad.exit_code == 2
    assert (
        one_error_line(bad)
        == "--for-all nodes 0..2: at nodes=0, joins: at most nodes - 1 = -1 nodes may join later, got 0"
    )


def test_for_all_with_the_explicit_engine_is_a_usage_error():
    result = kubecheck("check", "deployment", "replicas_within_surge", "--scope", "tiny", "--for-all", "replicas")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --for-all needs a symbolic engine: --engine pdr, bmc, kind or auto"


def test_auto_engine_names_the_engine_it_ran():
    result = kubecheck("check", "deployment", "revisions_unique", "--scope", "tiny", "--engine", "auto")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("revisions_unique"))
    assert row.split()[1:3] == ["HOLDS", "explicit"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--verbose"], "--verbose"),
        (["-v"], "--verbose"),
        (["--nodes", "3"], "--nodes"),
        (["--strict", "--nodes", "3"], "--nodes"),  # the first in --help order is named
    ],
)
def test_an_option_of_check_f_is_a_usage_error_without_f(args, option):
    result = kubecheck("check", "deployment", "--scope", "tiny", *args)
    assert result.exit_code == 2
    assert one_error_line(result) == f"{option} goes with -f manifests, not with check MODEL (which would ignore it)"
