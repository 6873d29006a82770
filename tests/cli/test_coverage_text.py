"""``kubecheck check MODEL``: what a verdict row covers, and the requests that cannot be honoured.

Every row names what its verdict covers (the ``covers`` column): the scope in the header, the
property's adjusted scope, every value of the ``--for-all`` parameters, each value of a swept
range, or nothing. A request an engine cannot honour is INCONCLUSIVE with the reason (exit 10),
never another engine's answer for a fixed instance; a property that needs another value than the
user set is refused (exit 2) when named, left out (and listed) when every property is checked.
"""

from __future__ import annotations

import re

from cli_helpers import kubecheck, normalized, one_error_line

from kubecheck.checker.result import Claim, Result, Stats, Verdict
from kubecheck.checker.task import Budget
from kubecheck.cli import check_model, report_text
from kubecheck.cli.options import ScopeRequest
from kubecheck.properties import catalog

TERMINAL_FOR_ALL = (
    "no_stuck_rollout (pdr): not decided for every value of replicas, max-surge, max-unavailable: terminal "
    "properties are decided by explicit search of one instance only"
)


def _table(stdout: str) -> list[str]:
    lines = normalized(stdout).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("property "))
    end = lines.index("", start)
    return lines[start:end]


def test_a_terminal_property_under_for_all_is_inconclusive_not_an_explicit_holds():
    """The issue's reproducer: it printed HOLDS after an explicit search of the fixed small instance."""
    result = kubecheck(
        "check", "deployment", "no_stuck_rollout", "--engine", "pdr", "--for-all", "replicas,max-surge,max-unavailable"
    )
    assert result.exit_code == 10, result.output
    assert _table(result.stdout) == [
        "property          verdict       engine  states  transitions  depth  covers   seconds",
        "no_stuck_rollout  INCONCLUSIVE  pdr          0            0      0  nothing  <s>",
    ]
    assert TERMINAL_FOR_ALL in result.stdout.splitlines()
    assert "HOLDS" not in result.stdout
    assert result.stdout.rstrip().endswith("exit 10 (inconclusive)")


def test_a_property_that_fixes_a_for_all_parameter_is_inconclusive_with_the_reason():
    result = kubecheck(
        "check",
        "deployment",
        "rwo_volume_attached_to_one_node",
        "--scope",
        "tiny",
        "--engine",
        "pdr",
        "--for-all",
        "min-ready-seconds",
    )
    assert result.exit_code == 10, result.output
    assert _table(result.stdout)[1] == (
        "rwo_volume_attached_to_one_node  INCONCLUSIVE  pdr          0            0      0  nothing  <s>"
    )
    assert (
        "rwo_volume_attached_to_one_node (pdr): not decided for every value of min-ready-seconds: "
        "rwo_volume_attached_to_one_node needs min-ready-seconds=0 where min-ready-seconds=1 (it assumes every pod "
        "mounts one shared ReadWriteOnce claim; two nodes; minReadySeconds 0); it is never checked with a value it "
        "would replace"
    ) in result.stdout.splitlines()


def test_a_swept_range_the_property_would_change_is_inconclusive():
    result = kubecheck(
        "check", "daemonset", "new_node_gets_pod", "--scope", "tiny", "--engine", "kind", "--for-all", "nodes=1..3"
    )
    assert result.exit_code == 10, result.output
    assert (
        "new_node_gets_pod (kind): not decided for every value of nodes: new_node_gets_pod needs nodes=2 where "
        "nodes=1 (it assumes one node may join (at least two nodes)); it is never checked with a value it would replace"
    ) in result.stdout.splitlines()


def test_a_named_property_that_needs_another_value_than_the_users_is_refused_with_exit_2():
    result = kubecheck(
        "check", "deployment", "rollout_completes_with_shared_claim", "--set", "access-mode=ReadWriteOncePod"
    )
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "deployment.rollout_completes_with_shared_claim needs access-mode=ReadWriteOnce (it assumes every pod "
        "mounts one shared ReadWriteOnce claim; two nodes; minReadySeconds 0), but you set "
        "access-mode=ReadWriteOncePod; it is never checked with another value than yours (leave access-mode unset)"
    )


def test_faults_the_user_set_are_never_replaced_either():
    result = kubecheck("check", "deployment", "availability_floor", "--scope", "tiny", "--faults", "crash")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "deployment.availability_floor needs faults=none (it assumes no faults; replicas not changed by the "
        "user), but you set faults=crash; it is never checked with another value than yours (leave faults unset)"
    )


def test_the_same_value_as_the_property_needs_is_no_conflict():
    result = kubecheck(
        "check", "deployment", "rwop_claim_used_by_one_pod", "--scope", "tiny", "--set", "access-mode=ReadWriteOncePod"
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"rwop_claim_used_by_one_pod +HOLDS +explicit +[\d,]+ +[\d,]+ +\d+  adjusted scope  <s>",
        _table(result.stdout)[1],
    )


def test_rows_say_scope_adjusted_scope_and_each_value():
    plain = kubecheck("check", "deployment", "replicas_within_surge", "failed_pod_replaced", "--scope", "tiny")
    assert plain.exit_code == 0, plain.output
    rows = _table(plain.stdout)
    assert re.fullmatch(r"property +verdict +engine +states +transitions +depth  covers +seconds", rows[0])
    assert re.fullmatch(r"replicas_within_surge +HOLDS +explicit +[\d,]+ +[\d,]+ +\d+  scope  <s>", rows[1])
    assert re.fullmatch(r"failed_pod_replaced +WITNESSED +explicit +[\d,]+ +[\d,]+ +\d+  adjusted scope  <s>", rows[2])
    swept = kubecheck(
        "check", "statefulset", "pods_created_in_ordinal_order", "--scope", "tiny", "--engine", "kind",
        "--for-all", "replicas=1..2",
    )  # fmt: skip
    assert swept.exit_code == 0, swept.output
    assert _table(swept.stdout)[1] == (  # BMC reached a pod creation at replicas=1: not vacuous (test_vacuity_symbolic)
        "pods_created_in_ordinal_order  PROVED   kind         0            0      0  each replicas 1..2  <s>"
    )
    assert "vacuity" not in swept.stdout


def test_every_property_checked_leaves_out_those_about_other_values_and_says_which():
    model = catalog.model("deployment")
    request = ScopeRequest("tiny", ("access-mode=ReadWriteOncePod",))
    scope = check_model.build_scope(model, request)
    given = check_model.user_set(model, request)
    assert given == ("access_mode",)
    kept, lines = check_model.left_out(catalog.properties("deployment"), scope, given)
    left = {line.split(" ", 1)[0] for line in lines}
    assert left == {
        "rwo_volume_attached_to_one_node",
        "no_writer_on_read_only_many",
        "pod_waits_for_multi_attach",
        "rollout_completes_with_shared_claim",
    }
    assert "rwop_claim_used_by_one_pod" in {p.short for p in kept}
    assert (
        "pod_waits_for_multi_attach needs access-mode=ReadWriteOnce (it assumes every pod mounts one shared "
        "ReadWriteOnce claim; two nodes; minReadySeconds 0), but you set access-mode=ReadWriteOncePod"
    ) in lines
    assert report_text.omitted_lines(lines[:1]) == [
        "not checked (1 property about other values than yours):",
        "  " + lines[0],
    ]
    assert check_model.user_set(model, ScopeRequest("tiny", ("replicas=2",), faults="crash")) == ("replicas", "faults")


def test_the_report_lists_the_properties_left_out_under_the_table():
    model = catalog.model("deployment")
    scope = check_model.build_scope(model, ScopeRequest("tiny", ("access-mode=ReadWriteOncePod",)))
    [prop] = catalog.properties("deployment", ["replicas_within_surge"])
    result = Result(prop, Verdict.HOLDS, scope, "explicit", Stats(75, 147, 21, 0.5, True, "exhausted"), claim=Claim())
    omitted = ["pod_waits_for_multi_attach needs access-mode=ReadWriteOnce, but you set access-mode=ReadWriteOncePod"]
    lines = report_text.render(model, "tiny", scope, [result], Budget(), 0.5, 0, omitted).splitlines()
    table = lines.index("property               verdict  engine    states  transitions  depth  covers  seconds")
    assert lines[table + 1 : table + 6] == [
        "replicas_within_surge  HOLDS    explicit      75          147     21  scope      0.50",
        "",
        "not checked (1 property about other values than yours):",
        "  " + omitted[0],
        "",
    ]


def test_a_terminal_property_under_pdr_without_for_all_is_decided_explicitly_and_says_so():
    result = kubecheck("check", "deployment", "no_stuck_rollout", "--scope", "tiny", "--engine", "pdr")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"no_stuck_rollout +HOLDS +explicit +[\d,]+ +[\d,]+ +\d+  scope  <s>", _table(result.stdout)[1])
    assert (
        "no_stuck_rollout (explicit): pdr does not decide terminal properties: explicit search of this instance "
        "decided it"
    ) in result.stdout.splitlines()
