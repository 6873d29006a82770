"""A StatefulSet's PodDisruptionBudget in -f input is modelled (issue 16 items 1, 2, 7): its bounds reach the
StatefulSet scope as written, ``--scenario drain`` lets the drain rows into the check, and without a budget
or a drain the disruption rows are left out rather than run with invented values."""

from __future__ import annotations

from pathlib import Path

from kubecheck import manifest
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Budget
from kubecheck.manifest import budgets, execute, loader, scenarios, sizing, validation
from kubecheck.manifest import objects as o
from kubecheck.model.kernel.intstr import IntOrPercent

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
QUORUM = EXAMPLES / "quorum-statefulset-budget.yaml"
ROWS = ("drain_eventually_completes", "budget_floor_holds_under_evictions", "budget_can_allow_an_eviction")

DB = """apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
"""


def _pdb(bound: str) -> str:
    return (
        "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: db}\n"
        f"spec:\n  {bound}\n  selector: {{matchLabels: {{app: db}}}}\n"
    )


def test_the_quorum_budget_reaches_the_scope_as_written() -> None:
    [w] = manifest.read_workloads([QUORUM]).workloads
    assert w.model == "statefulset"
    assert (w.scope.pdb_max_unavailable, w.scope.pdb_min_available) == (IntOrPercent(1), None)
    assert not [line for line in w.not_modelled if "PodDisruptionBudget" in line or "poddisruptionbudget/" in line]


def test_statefulset_scope_values_pass_the_bounds_and_policy() -> None:
    records = validation.read_all(loader.parse_stream(QUORUM.read_text(), QUORUM.name))
    [s] = [r for r in records if isinstance(r, o.StatefulSet)]
    assert budgets.statefulset_scope_values(s, records).as_dict() == {
        "pdb-min-available": "none",
        "pdb-max-unavailable": "1",
        "pdb-unhealthy-policy": "IfHealthyBudget",
        "pdb-second-budget": "false",
    }


def test_with_its_budget_the_quorum_checks_whether_the_budget_can_allow_and_leaves_the_drain_to_the_scenario() -> None:
    [w] = manifest.read_workloads([QUORUM]).workloads
    chosen, skipped = sizing.select(w)
    names = {p.name for p in chosen}
    assert "statefulset.budget_can_allow_an_eviction" in names
    left = {s.name: s.reason for s in skipped}
    assert left["statefulset.drain_eventually_completes"] == "another configuration: scenario=drain"


def test_the_drain_scenario_lets_the_drain_rows_in() -> None:
    [plain] = manifest.read_workloads([QUORUM]).workloads
    w = scenarios.with_scenario(plain, "drain")
    assert (w.scope, w.scenario) == (plain.scope, "drain")
    chosen = {p.name: p for p in sizing.select(w)[0]}
    for row in ROWS:
        assert f"statefulset.{row}" in chosen
    assert chosen["statefulset.drain_eventually_completes"].adjust(w.scope).scenario == "drain"
    assert chosen["statefulset.at_most_one_pod_object_per_identity"].adjust(w.scope).scenario == "none"


def test_without_a_budget_no_disruption_row_runs_with_an_invented_one() -> None:
    [w] = manifest.read_workloads(["-"], DB).workloads
    assert w.scope.pdb_min_available is None and w.scope.pdb_max_unavailable is None
    drained = scenarios.with_scenario(w, "drain")
    skipped = {s.name: s.reason for s in sizing.select(drained)[1]}
    for row in ROWS:
        assert skipped[f"statefulset.{row}"] == "another configuration: pdb-min-available=1"


def test_a_budget_at_the_replicas_is_passed_and_two_budgets_as_the_first_and_a_second() -> None:
    [w] = manifest.read_workloads(["-"], DB + _pdb("minAvailable: 2")).workloads
    assert w.scope.pdb_min_available == IntOrPercent(2) and not w.scope.pdb_second_budget
    two = DB + _pdb("minAvailable: 2") + _pdb("maxUnavailable: 1").replace("name: db}", "name: other}")
    [w] = manifest.read_workloads(["-"], two).workloads
    assert w.scope.pdb_min_available == IntOrPercent(2) and w.scope.pdb_max_unavailable is None
    assert w.scope.pdb_second_budget
    assert any("pods under 2 PodDisruptionBudgets" in line for line in w.not_modelled)
    assert not any(line.startswith("pods match 2 PodDisruptionBudgets") for line in w.not_modelled)


def test_a_budget_at_the_replicas_blocks_the_manifests_drain_with_a_lasso_of_429s() -> None:
    """minAvailable = spec.replicas: disruptionsAllowed stays 0, so kubectl drain node-a retries one 429 for ever."""
    [plain] = manifest.read_workloads(["-"], DB + _pdb("minAvailable: 2")).workloads
    w = scenarios.with_scenario(plain, "drain")
    props = [p for p in sizing.select(w)[0] if p.name == "statefulset.drain_eventually_completes"]
    [row] = execute.execute_plan(sizing.plan(w, props, "auto", Budget(timeout=60)), 60)
    r = row.result
    assert r.verdict is Verdict.VIOLATED and r.trace is not None and r.trace.loop is not None
    last = r.trace.steps[-1]
    assert last.action.name == "kubectl.evict_pod" and "429" in last.action.kwargs["answer"]
    assert r.trace.states[r.trace.loop].pdb_allowed == 0
    assert not row.reduced  # explored at the manifest's replicas and nodes


# -- --scenario node-upgrade: the zookeeper of the Kubernetes website (a PodDisruptionBudget maxUnavailable 1) --

ZOOKEEPER = Path(__file__).resolve().parents[1] / "corpus" / "manifests" / "k8s-website-zookeeper.yaml"
UPGRADE_ROWS = ("statefulset.upgrade_completes", "statefulset.upgrade_keeps_floor")


def test_the_node_upgrade_scenario_is_the_statefulsets_scenario_parameter_and_lets_the_upgrade_rows_in() -> None:
    assert scenarios.scenario_params("statefulset", "node-upgrade") == {"scenario": "node-upgrade"}
    [plain] = manifest.read_workloads([ZOOKEEPER]).workloads
    assert plain.model == "statefulset" and plain.scope.pdb_max_unavailable == IntOrPercent(1)
    w = scenarios.with_scenario(plain, "node-upgrade")
    assert (w.scope, w.scenario) == (plain.scope, "node-upgrade")
    chosen = {p.name: p for p in sizing.select(w)[0]}
    skipped = {s.name: s.reason for s in sizing.select(plain)[1]}
    for row in UPGRADE_ROWS:
        assert row in chosen and chosen[row].adjust(w.scope).scenario == "node-upgrade"
        assert skipped[row] == "another configuration: scenario=node-upgrade"
    assert "statefulset.drain_eventually_completes" not in chosen  # the drain rows belong to --scenario drain


def test_the_zookeeper_upgrade_completes_and_keeps_its_floor_at_the_manifests_size() -> None:
    """replicas 3 on two nodes, maxUnavailable 1, ReadWriteOnce claims: each node drained one pod at a time, its
    volumes detached, replaced and uncordoned; the claims follow their pods."""
    [plain] = manifest.read_workloads([ZOOKEEPER]).workloads
    w = scenarios.with_scenario(plain, "node-upgrade")
    props = [p for p in sizing.select(w)[0] if p.name in UPGRADE_ROWS]
    rows = execute.execute_plan(sizing.plan(w, props, "auto", Budget(timeout=120)), 120)
    got = {row.result.property.name: (row.result.verdict, row.result.stats.states) for row in rows}
    assert got == {name: (Verdict.HOLDS, 7731) for name in UPGRADE_ROWS}
    assert all(not row.reduced and row.result.scope.nodes == 2 and row.result.scope.replicas == 3 for row in rows)
