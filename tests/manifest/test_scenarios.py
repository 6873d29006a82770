"""Recovery scenarios for ``check -f`` (manifest/scenarios.py): the table's parameters are the models'
own, a scenario's fields are the user's (a property that would change one is left out, naming it),
and the recovery properties of issue 14 get their verdicts on the example manifests.

The lead's ``--scenario`` option is not wired yet: these tests call the library as it will."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubecheck import manifest
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Budget
from kubecheck.manifest import execute, scenarios, sizing
from kubecheck.model.controllers import daemonset, deployment, statefulset
from kubecheck.model.kernel.scopes import ScopeError, describe, with_settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DATABASE = EXAMPLES / "database-statefulset.yaml"  # OrderedReady, replicas 3, a readinessProbe
COLLECTOR = EXAMPLES / "log-collector-daemonset.yaml"  # three nodes, one the selector leaves out
WEB = EXAMPLES / "web-deployment.yaml"
GRAFANA = EXAMPLES / "recreate-deployment.yaml"  # no readinessProbe
BUDGET = EXAMPLES / "budget-blocks-drain.yaml"  # minAvailable = replicas
PRESETS = {"statefulset": statefulset.PRESETS, "daemonset": daemonset.PRESETS, "deployment": deployment.PRESETS}


def _workload(path: Path):
    [w] = manifest.read_workloads([path]).workloads
    return w


@pytest.mark.parametrize(
    ("name", "model"), [(s.name, m) for s in scenarios.SCENARIOS for m in s.models], ids=lambda x: str(x)
)
def test_every_row_is_a_valid_setting_of_its_model(name: str, model: str) -> None:
    settings = scenarios.scenario_params(model, name)
    scope = with_settings(PRESETS[model]["tiny"], settings)  # the model's own parsers and validate()
    shown = dict(describe(scope))
    assert all(shown[k] == v for k, v in settings.items() if k != "faults")
    assert {f for f in settings.get("faults", "").split(",") if f} <= scope.faults


@pytest.mark.parametrize("name", ["drain", "node-upgrade"])
def test_drain_and_node_upgrade_are_the_deployments_scenario_parameter(name: str) -> None:
    assert scenarios.scenario_params("deployment", name)["scenario"] == name
    plain = _workload(BUDGET)
    w = scenarios.with_scenario(plain, name)
    # the scope stays as written (a drain under every property is millions of states); the scenario's own
    # properties are let into it, the others run as written, as with --faults
    assert (w.scope, w.scenario) == (plain.scope, name) and f"--scenario {name}: the properties" in w.notes[-1]
    chosen = {p.name: p for p in sizing.select(w)[0]}
    before = {p.name for p in sizing.select(plain)[0]}
    own = {"drain": "deployment.drain_eventually_completes", "node-upgrade": "deployment.upgrade_completes"}[name]
    assert own in chosen and own not in before
    assert chosen[own].adjust(w.scope).scenario == name
    assert chosen["deployment.replicas_within_surge"].adjust(w.scope).scenario == "none"
    skipped = dict((s.name, s.reason) for s in sizing.select(plain)[1])
    assert skipped[own].startswith("another configuration: ") and f"scenario={name}" in skipped[own]


NODE_AGENT = EXAMPLES / "node-agent-daemonset-budget.yaml"  # three nodes, a maxUnavailable budget


@pytest.mark.parametrize(
    ("name", "own"),
    [
        ("drain", ("daemonset.drain_eventually_completes", "daemonset.drained_node_keeps_its_pod")),
        ("node-upgrade", ("daemonset.upgrade_completes", "daemonset.upgrade_keeps_floor")),
    ],
)
def test_a_daemonsets_drain_and_upgrade_rows_wait_for_the_scenario_as_a_deployments_do(
    name: str, own: tuple[str, ...]
) -> None:
    plain = _workload(NODE_AGENT)
    before = {p.name for p in sizing.select(plain)[0]}
    skipped = dict((s.name, s.reason) for s in sizing.select(plain)[1])
    # the budget rows name their own eviction client (sizing.ROW_ENVIRONMENT) and run as written
    assert {"daemonset.budget_can_allow_an_eviction", "daemonset.budget_floor_holds_under_evictions"} <= before
    for row in own:
        assert row not in before and skipped[row] == f"another configuration: scenario={name}"
    chosen = {p.name for p in sizing.select(scenarios.with_scenario(plain, name))[0]}
    assert set(own) <= chosen


def test_the_daemonsets_upgrade_floor_is_a_caveat_the_drain_never_asks_the_budget() -> None:
    from kubecheck.properties import catalog

    rows = {p.name: p for p in catalog.properties("daemonset")}
    assert sizing.is_caveat(rows["daemonset.upgrade_keeps_floor"])
    assert not sizing.is_caveat(rows["daemonset.budget_can_allow_an_eviction"])


def test_an_unknown_scenario_names_the_valid_ones() -> None:
    with pytest.raises(
        scenarios.UnknownScenario, match=r"^--scenario: expected one of revert, revert-only, .*got 'x'$"
    ):
        scenarios.scenario_params("statefulset", "x")


def test_a_scenario_of_another_model_says_which_it_is_for_and_what_this_one_takes() -> None:
    with pytest.raises(
        scenarios.UnknownScenario,
        match=r"^--scenario revert: not modelled for a daemonset \(it is for statefulset, deployment\); a daemonset "
        r"takes node-return, out-of-service, drain, node-upgrade$",
    ):
        scenarios.scenario_params("daemonset", "revert")


def test_a_scenario_the_manifest_rules_out_is_one_line_naming_it() -> None:
    with pytest.raises(ScopeError, match=r"^--scenario node-return: faults: expected crash or evict only when"):
        scenarios.with_scenario(_workload(GRAFANA), "node-return")  # a shared claim: no node faults


def test_a_never_ready_release_needs_a_readiness_probe_and_the_note_says_so() -> None:
    w = _workload(GRAFANA)
    got = scenarios.with_scenario(w, "revert")
    assert got.scope == w.scope and got.assumption == w.assumption
    assert got.notes[-1].startswith("--scenario revert: not applied, the pod template has no readinessProbe")


def _skipped(w, name: str) -> dict[str, str]:
    return {s.name: s.reason for s in sizing.select(w, scenario=name)[1]}


def test_revert_keeps_the_manual_delete_and_leaves_out_the_property_without_it() -> None:
    w = scenarios.with_scenario(_workload(DATABASE), "revert")
    assert (w.scope.reverts, w.scope.failure, w.scope.forced_rollback) == (1, "never-ready", True)
    chosen = {p.name for p in sizing.select(w, scenario="revert")[0]}
    assert "statefulset.revert_converges_with_forced_rollback" in chosen
    skipped = _skipped(w, "revert")
    assert (
        skipped["statefulset.revert_converges_without_manual_delete"] == "another configuration: forced-rollback=False"
    )
    # the workload carries its scenario (with_scenario), so select keeps the scenario's fields the user's even
    # when not told: the property never replaces the scenario's field silently
    assert w.scenario == "revert"
    assert "statefulset.revert_converges_without_manual_delete" not in {p.name for p in sizing.select(w)[0]}


@pytest.mark.parametrize(
    ("name", "kept", "left_out"),
    [
        ("unhealthy-pod", "scale_down_resumes_after_repair", "scale_down_proceeds_while_a_pod_is_unhealthy"),
        (
            "unhealthy-pod-for-ever",
            "rolling_update_proceeds_while_a_pod_is_unhealthy",
            "rolling_update_resumes_after_repair",
        ),
    ],
)
def test_an_unhealthy_pod_scenario_keeps_its_repair(name: str, kept: str, left_out: str) -> None:
    w = scenarios.with_scenario(_workload(DATABASE), name)
    assert (w.scope.failing_revision, w.scope.failing_ordinal, w.scope.failure_onset) == ("current", 0, "later")
    assert f"statefulset.{kept}" in {p.name for p in sizing.select(w, scenario=name)[0]}
    repair = "never" if name == "unhealthy-pod" else "user"
    assert _skipped(w, name)[f"statefulset.{left_out}"] == f"another configuration: failure-repair={repair}"


@pytest.mark.parametrize(
    ("path", "name", "added"),
    [
        (DATABASE, "node-return", "statefulset.recovers_after_node_failure_without_intervention"),
        (DATABASE, "out-of-service", "statefulset.recovers_after_node_failure"),
        (COLLECTOR, "node-return", "daemonset.recovers_after_node_failure_without_intervention"),
        (COLLECTOR, "out-of-service", "daemonset.recovers_after_node_failure"),
    ],
)
def test_a_node_scenario_brings_in_its_recovery_property_and_its_faults(path: Path, name: str, added: str) -> None:
    plain = _workload(path)
    assert _skipped(plain, "")[added] == "needs faults: node-failure (--faults node-failure)"
    w = scenarios.with_scenario(plain, name)
    assert added in {p.name for p in sizing.select(w, scenario=name)[0]}
    other = {
        "statefulset.recovers_after_node_failure": "statefulset.recovers_after_node_failure_without_intervention",
        "daemonset.recovers_after_node_failure": "daemonset.recovers_after_node_failure_without_intervention",
    }
    twin = other.get(added) or next(k for k, v in other.items() if v == added)
    assert _skipped(w, name)[twin].startswith("another configuration: out-of-service=")


@pytest.mark.parametrize(
    ("path", "name", "prop", "verdict"),
    [
        # upstream's OrderedReady update waits for the stuck pod: the revert alone never heals the set
        (DATABASE, "revert-only", "statefulset.revert_converges_without_manual_delete", Verdict.VIOLATED),
        (DATABASE, "revert", "statefulset.revert_converges_with_forced_rollback", Verdict.HOLDS),
        (DATABASE, "out-of-service", "statefulset.recovers_after_node_failure", Verdict.HOLDS),
        (DATABASE, "node-return", "statefulset.recovers_after_node_failure_without_intervention", Verdict.VIOLATED),
        (COLLECTOR, "out-of-service", "daemonset.recovers_after_node_failure", Verdict.HOLDS),
        (COLLECTOR, "node-return", "daemonset.recovers_after_node_failure_without_intervention", Verdict.VIOLATED),
        # OrderedReady halts scale-down and the rolling update behind web-0 unready, and resumes once it is repaired
        (
            DATABASE,
            "unhealthy-pod-for-ever",
            "statefulset.scale_down_proceeds_while_a_pod_is_unhealthy",
            Verdict.VIOLATED,
        ),
        (
            DATABASE,
            "unhealthy-pod-for-ever",
            "statefulset.rolling_update_proceeds_while_a_pod_is_unhealthy",
            Verdict.VIOLATED,
        ),
        (DATABASE, "unhealthy-pod", "statefulset.scale_down_resumes_after_repair", Verdict.HOLDS),
        (DATABASE, "unhealthy-pod", "statefulset.rolling_update_resumes_after_repair", Verdict.HOLDS),
    ],
)
def test_recovery_verdicts_at_the_manifests_size(path: Path, name: str, prop: str, verdict: Verdict) -> None:
    w = scenarios.with_scenario(_workload(path), name)
    props = [p for p in sizing.select(w, scenario=name)[0] if p.name == prop]
    plan = sizing.plan(w, props, "auto", Budget(timeout=60))
    [row] = execute.execute_plan(plan, 60)
    assert row.result.verdict is verdict
    assert not row.reduced  # explored at the manifest's replicas and nodes


def test_with_three_nodes_out_of_service_shows_both_places_a_replacement_can_land() -> None:
    [plain] = manifest.read_workloads([DATABASE], nodes=3).workloads
    w = scenarios.with_scenario(plain, "out-of-service")
    names = ("statefulset.replacement_lands_on_another_node", "statefulset.replacement_lands_on_its_old_node")
    props = [p for p in sizing.select(w, scenario="out-of-service")[0] if p.name in names]
    assert [p.name for p in props] == list(names)
    rows = execute.execute_plan(sizing.plan(w, props, "auto", Budget(timeout=60)), 60)
    assert [(r.result.verdict, r.size) for r in rows] == [(Verdict.WITNESSED, "replicas=3, nodes=3")] * 2


def test_a_run_puts_each_workload_that_fits_in_the_scenario_and_notes_the_others() -> None:
    found = manifest.read_workloads([EXAMPLES]).workloads
    out = scenarios.apply(found, "node-return")
    assert [w.ref for w in out] == [w.ref for w in found]
    inside = {w.ref for w in out if scenarios.is_in(w, "node-return")}
    assert {"statefulset/postgres", "daemonset/fluent-bit", "deployment/web"} <= inside
    for before, after in zip(found, out):
        if after.ref in inside:
            assert after.assumption.endswith("(--scenario node-return)")
            continue
        assert after.scope == before.scope and after.notes[-1].endswith("; checked without it")
        # a workload left as written is selected as without the scenario: none of its fields is fixed
        assert sizing.select(after, scenario="node-return") == sizing.select(after)


def test_a_scenario_no_workload_of_the_run_has_is_refused() -> None:
    with pytest.raises(
        scenarios.UnknownScenario,
        match=r"^--scenario revert: not modelled for daemonset \(it is for statefulset, deployment\)$",
    ):
        scenarios.apply([_workload(COLLECTOR)], "revert")


NO_BUDGET = Path(__file__).resolve().parents[1] / "corpus" / "manifests" / "k8s-website-nginx-deployment.yaml"


@pytest.mark.parametrize("path", [NO_BUDGET, DATABASE, COLLECTOR], ids=lambda p: p.stem)
@pytest.mark.parametrize("name", ["drain", "node-upgrade"])
def test_a_budget_scenario_on_a_workload_without_a_budget_says_no_row_is_about_it(path: Path, name: str) -> None:
    # found on public manifests (kube-prometheus' node-exporter, the website's nginx Deployment): the note said
    # "the properties about it are checked in it (their rows say so)" while no row was
    plain = _workload(path)
    assert not plain.scope.has_budget
    w = scenarios.with_scenario(plain, name)
    assert w.notes[-1] == (
        f"--scenario {name}: no row is about it here (its rows are a PodDisruptionBudget's, and none in these "
        "manifests selects this workload's pods); checked as written"
    )
    assert [p.name for p in sizing.select(w)[0]] == [p.name for p in sizing.select(plain)[0]]
