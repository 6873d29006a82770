"""Size honestly: the manifest's numbers, or a smaller scope said out loud; property selection."""

from __future__ import annotations

import os

import attrs
import pytest
from manifest_texts import deployment, statefulset

from kubecheck.checker import run
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.task import Budget, Task
from kubecheck.cli import manifest_text
from kubecheck.manifest import check_manifests, costs, execute, load_workloads, sizing
from kubecheck.manifest.plan import HANDOFF_SHARE, Handoff, WorkloadPlan
from kubecheck.properties import catalog


def _one(text: str):
    return load_workloads(["-"], text)[0][0]


def _reduced_size(w, props=None, seconds: float = sizing.SIZING_SECONDS * (1 - HANDOFF_SHARE)) -> str:
    """How a row explored at the size the (calibrated) cost model picks for ``w`` and ``props`` names it
    (after a symbolic step); ``props`` defaults to the selection of ``check -f``."""
    props = sizing.select(w)[0] if props is None else props
    small, _ = sizing.largest_fitting(w.scope, seconds, None, sizing.calibrate(w, props))
    [plan_step] = [s for s in sizing.plan(w, props).steps if s.reduced]
    assert plan_step.task.scope == small
    return plan_step.sizes[0]


def test_selection_leaves_out_other_configurations_and_faults() -> None:
    props, skipped = sizing.select(_one(statefulset()))
    names = [p.short for p in props]
    assert "pods_created_in_ordinal_order" in names and "pods_created_in_ordinal_order_under_parallel" not in names
    reasons = {s.name.split(".", 1)[1]: s.reason for s in skipped}
    assert reasons["pods_created_in_ordinal_order_under_parallel"] == "another configuration: pod-management=Parallel"
    assert (
        reasons["at_most_one_running_instance_with_force_delete"]
        == "needs faults: force-delete,partition (--faults force-delete,partition)"
    )
    with_faults, _ = sizing.select(_one(statefulset()), faults=frozenset({"partition", "force-delete", "evict"}))
    assert "at_most_one_running_instance_with_force_delete" in [p.short for p in with_faults]
    partial, skipped = sizing.select(_one(statefulset()), faults=frozenset({"partition"}))
    assert "at_most_one_running_instance_with_force_delete" not in [p.short for p in partial]
    assert {s.name: s.reason for s in skipped}[
        "statefulset.at_most_one_running_instance_with_force_delete"
    ] == "needs faults: force-delete,partition (--faults force-delete,partition)"


def test_small_instances_are_explored_at_their_real_size() -> None:
    w = _one(statefulset(replicas=2))
    props = catalog.properties("statefulset", ["at_most_one_pod_object_per_identity"])
    [row] = execute.check_workload(w, props)
    assert (row.result.verdict, row.method, row.size, row.reduced) == (
        Verdict.HOLDS,
        "explicit",
        "replicas=2, nodes=2",
        False,
    )


HELM_50 = """\
---
# Source: db/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432, name: pg}]}
---
# Source: db/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: db-config}
data: {POSTGRES_DB: app}
---
# Source: db/templates/statefulset.yaml
""" + statefulset(replicas=50)
SLOW = pytest.mark.skipif(not os.environ.get("KUBECHECK_SLOW"), reason="minutes; set KUBECHECK_SLOW=1")


def test_statefulset_with_50_replicas_is_proved_at_50_where_k_induction_answers() -> None:
    """helm-template style stream; the ordering property by k-induction at replicas 50, a witness explored smaller."""
    w = _one(HELM_50)
    assert w.scope.replicas == 50
    props = catalog.properties("statefulset", ["pods_created_in_ordinal_order", "rolling_update_completes"])
    explored = _reduced_size(w, props)
    ordered, witness = execute.check_workload(w, props)
    assert ordered.result.verdict is Verdict.PROVED and ordered.result.scope.replicas == 50
    assert (ordered.method, ordered.size, ordered.reduced, ordered.sizing_note) == (
        "k-induction",
        "replicas=50, nodes=2",
        False,
        "",
    )
    assert witness.result.verdict is Verdict.WITNESSED and witness.result.scope.replicas < 50
    assert (witness.method, witness.sizing_note) == ("explicit", f"explored with {explored}")
    assert explored == f"replicas={witness.result.scope.replicas} of 50, nodes=2"


def test_statefulset_with_50_replicas_and_the_explicit_engine_says_it_was_explored_smaller() -> None:
    report = check_manifests(["-"], HELM_50, engine="explicit")
    rows = report.workloads[0].rows
    w = _one(HELM_50)
    small, _ = sizing.largest_fitting(w.scope, sizing.SIZING_SECONDS, None, sizing.calibrate(w, sizing.select(w)[0]))
    size = f"replicas={small.replicas} of 50, nodes=2"
    assert rows and all(r.reduced and r.size == size for r in rows)
    assert f"explored with {size}" in manifest_text.render(report)
    assert report.ignored == ("configmap/db-config (v1 ConfigMap: kind not read)",)


@SLOW
def test_statefulset_with_50_replicas_every_property() -> None:
    """The whole table (about 1.5 min here): 1-inductive safety at 50, the rest explored smaller; each row says so."""
    report = check_manifests(["-"], HELM_50, workload_seconds=None)  # k-induction needs more than 60 s here
    got = {
        r.result.property.short: (r.result.verdict, r.method, r.sizing_note or r.size) for r in report.workloads[0].rows
    }
    at_50, at_3 = "replicas=50, nodes=2", f"explored with {_reduced_size(_one(HELM_50))}"
    assert got == {
        "at_most_one_pod_object_per_identity": (Verdict.PROVED, "k-induction", at_50),
        "pods_created_in_ordinal_order": (Verdict.PROVED, "k-induction", at_50),
        "pods_removed_in_reverse_order": (Verdict.PROVED, "k-induction", at_50),
        "pod_mounts_own_claim": (
            Verdict.HOLDS,
            "explicit (k-induction at replicas=50, nodes=2: not 1-inductive)",
            at_3,
        ),
        "claims_follow_retention_policy": (Verdict.PROVED, "k-induction", at_50),
        "set_deletion_is_unordered": (Verdict.WITNESSED, "explicit", at_3),
        "rolling_update_completes": (Verdict.WITNESSED, "explicit", at_3),
        "rolling_update_eventually_completes": (Verdict.HOLDS, "explicit-liveness", at_3),
        "scale_eventually_completes": (Verdict.HOLDS, "explicit-liveness", at_3),
        "finished_or_deleted": (Verdict.HOLDS, "explicit", at_3),
    }
    assert report.exit_code == 0


def test_deployment_with_50_replicas_is_proved_for_every_replica_count() -> None:
    w = _one(deployment(replicas=50))
    props = catalog.properties("deployment", ["replicas_within_surge", "rollout_eventually_completes"])
    surge, live = execute.check_workload(w, props, budget=Budget(None, 60))
    assert surge.result.verdict is Verdict.PROVED
    assert (surge.method, surge.size, surge.reduced) == ("pdr (all values of replicas)", "replicas: all values", False)
    assert live.reduced and live.size == _reduced_size(w) and live.result.verdict is Verdict.HOLDS


def test_explicit_engine_never_goes_symbolic() -> None:
    w = _one(deployment(replicas=9, strategy="strategy: {rollingUpdate: {maxSurge: 7, maxUnavailable: 0}}"))
    props = catalog.properties("deployment", ["replicas_within_surge"])
    [row] = execute.check_workload(w, props, engine="explicit")
    r = row.result.scope.replicas
    assert (row.method, row.size, row.result.verdict) == ("explicit", f"replicas={r} of 9", Verdict.HOLDS)
    assert row.result.scope.max_surge.value == min(7, r)  # an integer surge above the explored replicas is capped


# -- the plan: which steps, which tasks, which labels (no engine runs) ---------------------------

DAEMONSET = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {logging: enabled}
      containers: [{name: agent, image: fluent-bit}]
"""


def _plan(text: str, nodes: int | None = None, engine: str = "auto", budget: Budget = Budget()):
    [w], _, _ = load_workloads(["-"], text, nodes)
    props, _ = sizing.select(w)
    return w, tuple(props), sizing.plan(w, props, engine, budget)


def _fits(scope, seconds: float, calibration: sizing.Calibration = sizing.Calibration()) -> bool:
    return calibration.apply(sizing.predict(scope)).seconds * sizing.SAFETY <= seconds


def test_plan_of_a_small_deployment_is_one_explicit_step_at_its_size() -> None:
    w, props, plan = _plan(deployment(replicas=3))
    [step] = plan.steps
    assert (step.task.engine, step.task.scope, step.task.properties, step.task.for_all) == (
        "explicit",
        w.scope,
        props,
        (),
    )
    assert step.sizes == ("replicas=3",) * len(props)
    assert (step.reduced, step.reason, step.handoff) == (False, "", Handoff.KEEP)
    calibration = sizing.calibrate(w, props)  # the table as the models are now (a property added since scales it)
    cost = calibration.apply(sizing.predict(w.scope))
    said = f" ({calibration.text})" if calibration.text else ""
    assert plan.properties == props and plan.predicted == cost and plan.route == "explicit at the manifest's size"
    assert plan.why == f"explicit search at replicas=3: predicted {cost.text()}; × {sizing.SAFETY:g} ≤ 60 s{said}"


def test_plan_of_a_deployment_above_its_budget_proves_for_every_replica_count_then_explores_the_largest_that_fits() -> (
    None
):
    w, props, plan = _plan(deployment(replicas=12), budget=Budget(None, 60))
    calibration = sizing.calibrate(w, props)  # the table as the models are now

    def predicted(scope):
        return calibration.apply(sizing.predict(scope))

    assert not _fits(w.scope, 60, calibration)
    *proofs, explored = plan.steps
    symbolic = [p for p in props if p.kind in ("always", "step", "sometimes")]
    assert [s.task.properties for s in proofs] == [(p,) for p in symbolic]  # one PDR run per property
    for s in proofs:
        assert (s.task.engine, s.task.for_all, s.task.scope, s.task.budget.timeout) == (
            "pdr",
            ("replicas",),
            w.scope,
            sizing.PDR_SECONDS,
        )
        assert (s.sizes, s.proved_size, s.reduced) == (("replicas=12",), "replicas: all values", False)
        assert (s.handoff, s.attempt) == (Handoff.AFTER_SECONDS, "pdr")
    assert explored.task.properties == props  # it decides what the proofs leave open, and liveness
    r = explored.task.scope.replicas
    assert (explored.task.engine, explored.task.budget) == ("explicit", Budget(None, 60))
    # the largest size whose predicted cost fits the half of the time the proofs leave
    assert 1 <= r < 12 and _fits(explored.task.scope, 30, calibration)
    assert not _fits(attrs.evolve(w.scope, replicas=r + 1), 30, calibration)
    assert plan.predicted == predicted(explored.task.scope)
    assert (explored.reduced, explored.reason, explored.handoff) == (
        True,
        f"explored with replicas={r} of 12",
        Handoff.KEEP,
    )
    assert plan.route == "pdr for every replica count, then explicit at a reduced size"
    assert plan.why.startswith(f"explicit search at replicas=12: predicted {predicted(w.scope).text()}; × 2 > 60 s")
    assert f"pdr first, then explored at replicas={r}/12: predicted {plan.predicted.text()}; × 2 ≤ 30 s" in plan.why
    assert plan.describe().splitlines()[:2] == [
        "deployment/web (model deployment): pdr for every replica count, then explicit at a reduced size",
        f"  why: {plan.why}",
    ]


def test_max_states_shrinks_the_explicit_step_and_stays_on_its_task() -> None:
    """--max-states: the explicit step explores the largest size whose predicted largest search fits it."""
    _, _, plan = _plan(deployment(replicas=3), engine="explicit", budget=Budget(2000, 60))
    [step] = plan.steps
    assert step.reduced and step.task.budget == Budget(2000, 60)  # the engine still stops at 2000 states
    small = step.task.scope
    assert small.replicas < 3 and sizing.predict(small).largest <= 2000
    assert sizing.predict(attrs.evolve(small, replicas=small.replicas + 1)).largest > 2000
    assert "largest search" in plan.why and "--max-states 2,000" in plan.why


def test_plan_of_a_deployment_caps_an_integer_surge_at_the_explored_replicas() -> None:
    strategy = "strategy: {rollingUpdate: {maxSurge: 7, maxUnavailable: 0}}"
    _, _, plan = _plan(deployment(replicas=30, strategy=strategy), engine="explicit")
    [step] = plan.steps  # the explicit engine never goes symbolic
    r = step.task.scope.replicas
    assert r < 7  # (a surge of 7 makes even 7 replicas too costly)
    assert (step.task.scope.max_surge.value, step.task.scope.max_unavailable.value) == (r, 0)
    assert step.sizes[0] == f"replicas={r} of 30" and step.reduced


def test_plan_of_a_statefulset_above_its_budget_is_k_induction_at_its_size_then_explicit_smaller() -> None:
    w, props, plan = _plan(statefulset(replicas=12))
    at_size, explored = plan.steps
    safety = tuple(p for p in props if p.kind in ("always", "step"))
    assert (at_size.task.engine, at_size.task.depth, at_size.task.scope, at_size.task.properties) == (
        "kind",
        0,
        w.scope,
        safety,
    )
    assert at_size.task.budget.timeout == sizing.KIND_SECONDS * len(safety)
    assert at_size.sizes == ("replicas=12, nodes=2",) * len(safety) and not at_size.reduced
    assert (at_size.handoff, at_size.attempt) == (Handoff.WITH_REASON, "k-induction at replicas=12, nodes=2")
    assert (explored.task.engine, explored.task.properties) == ("explicit", props)
    r = explored.task.scope.replicas
    cal = sizing.calibrate(w, props)
    assert explored.task.scope.nodes == 2 and r < 12 and _fits(explored.task.scope, 30, cal)
    assert not _fits(attrs.evolve(w.scope, replicas=r + 1), 30, cal)
    assert explored.reason == f"explored with replicas={r} of 12, nodes=2"
    assert plan.describe().splitlines() == [
        "statefulset/db (model statefulset): k-induction at the manifest's size, then explicit at a reduced size",
        f"  why: {plan.why}",
        f"  1. kind (depth 0) at replicas=12, nodes=2, {sizing.KIND_SECONDS * len(safety):g} s: "
        + ", ".join(p.name for p in safety)
        + '; INCONCLUSIVE goes on as "k-induction at replicas=12, nodes=2: <why the engine stopped>"',
        f"  2. explicit, explored with replicas={r} of 12, nodes=2: "
        + ", ".join(p.name for p in props)
        + " (those still open)",
    ]


def test_plan_of_a_large_daemonset_explores_the_most_nodes_that_fit_keeping_the_ineligible_one() -> None:
    w, props, plan = _plan(DAEMONSET, nodes=40)
    [step] = plan.steps  # no symbolic node count: explored smaller, and said so
    n = step.task.scope.nodes
    assert w.scope.node_classes[-1] != w.scope.node_classes[0]  # the last node does not match the selector
    assert (step.task.engine, step.task.properties) == ("explicit", props)
    assert 2 <= n < 40 and _fits(step.task.scope, 60)
    assert step.task.scope.node_classes == w.scope.node_classes[: n - 1] + w.scope.node_classes[-1:]
    assert (step.sizes[0], step.reason) == (f"nodes={n} of 40", f"explored with nodes={n} of 40")


def test_a_plan_must_give_every_property_a_row() -> None:
    w, props, plan = _plan(deployment(replicas=12))
    with pytest.raises(ValueError, match="no step of the plan keeps its row"):
        WorkloadPlan(w, props, plan.steps[:-1])  # the proofs hand on what they leave open: to nobody


# -- the cost model ---------------------------------------------------------------------------------


def test_the_cost_table_says_where_it_comes_from_and_fits_the_size_fields() -> None:
    assert costs.DATE and costs.MACHINE and costs.CODE and "sizing_costs.py" in costs.COMMAND
    assert set(costs.POINTS) == {"deployment", "statefulset", "daemonset"}
    for model, rows in costs.POINTS.items():
        for _shape, size, states, largest, seconds, _ in rows:
            assert len(size) == len(sizing.SIZE_FIELDS[model]) and 0 < largest <= states and seconds > 0


def test_a_measured_size_is_predicted_as_measured_and_growth_is_monotone() -> None:
    w = _one(deployment(replicas=1))
    model, shape, size = sizing.shape_and_size(w.scope)
    [row] = [p for p in costs.POINTS[model] if p[0] == shape and p[1] == size]
    assert sizing.predict(w.scope) == sizing.Cost(row[2], row[3], row[4], "measured")
    states = [sizing.predict(_one(deployment(replicas=r)).scope).states for r in range(1, 30)]
    assert states == sorted(states) and states[-1] > 10**7


def test_a_shape_the_table_lacks_is_bounded_by_the_costliest_it_has() -> None:
    w = _one(statefulset(replicas=2))
    odd = attrs.evolve(w.scope, access_mode="ReadWriteOncePod", strategy="OnDelete", pod_management="Parallel")
    cost = sizing.predict(odd)
    assert cost.basis.endswith("not measured: the costliest measured shape")
    _, _, size = sizing.shape_and_size(odd)
    measured = [sizing._predict_shape("statefulset", shape, size) for shape in sizing._fits("statefulset")[0]]
    assert cost.seconds == max(c.seconds for c in measured if c is not None)


def test_calibration_scales_predictions_up_and_never_down() -> None:
    cost = sizing.Cost(1000, 400, 2.0, "measured")
    assert sizing.Calibration().apply(cost) == cost
    assert sizing.Calibration(3.0, "x").apply(cost) == sizing.Cost(3000, 1200, 6.0, "measured, ×3.0 calibrated")
    stuck = sizing.Calibration(float("inf"), "calibration at replicas=1 did not finish in 5 s").apply(cost)
    assert stuck.seconds == float("inf") and stuck.basis.endswith("did not finish in 5 s")


def test_a_table_measured_on_a_smaller_model_is_calibrated_and_the_plan_explores_smaller(monkeypatch) -> None:
    """The table a tenth of what the models give now (as after a property adds state): the calibration
    at one replica sees it, the plan says so and explores a smaller size than the stale table would pick."""
    w = _one(deployment(replicas=12))
    props, _ = sizing.select(w)
    now = sizing.calibrate(w, props).factor  # the table against the models as they are (≥ 1: never lowered)
    assert now >= 1.0
    stale = {
        model: tuple(
            (shape, size, max(1, states // 10), max(1, largest // 10), sec / 10, done)
            for shape, size, states, largest, sec, done in rows
        )
        for model, rows in costs.POINTS.items()
    }
    monkeypatch.setattr(costs, "POINTS", stale)
    sizing._fits.cache_clear()
    try:
        calibration = sizing.calibrate(w, props)
        assert 8 * now < calibration.factor < 12 * now and calibration.text.startswith("calibrated ×")
        assert "states now" in calibration.text and "in the table" in calibration.text
        plan = sizing.plan(w, props, "explicit", Budget(None, 60))
        assert plan.why.endswith(f"({calibration.text})")
        [step] = plan.steps
        naive, _ = sizing.largest_fitting(w.scope, 60, None)  # the stale table alone
        assert step.task.scope.replicas < naive.replicas
    finally:
        monkeypatch.undo()
        sizing._fits.cache_clear()


# -- running a plan ------------------------------------------------------------------------------


def test_rows_of_handed_on_properties_name_the_attempt(monkeypatch) -> None:
    """An INCONCLUSIVE proof is handed on; the explicit row says which engine tried first, and why it stopped."""
    _, props, plan = _plan(statefulset(replicas=12))
    at_size, explored = plan.steps
    asked = []

    def check(task: Task) -> list[Result]:
        asked.append(task)
        bound = Stats(0, 0, 1, 0.0, False, "bound")
        if task.engine == "kind":  # the first property is proved, the others are not 1-inductive
            return [
                Result(p, Verdict.PROVED if i == 0 else Verdict.INCONCLUSIVE, task.scope, "kind", bound)
                for i, p in enumerate(task.properties)
            ]
        return [Result(p, Verdict.HOLDS, task.scope, "explicit", bound) for p in task.properties]

    monkeypatch.setattr(run, "check", check)
    rows = execute.execute_plan(plan)
    assert [t.properties for t in asked] == [at_size.task.properties, props[1:]]  # the proved one is not re-run
    assert [(r.method, r.sizing_note or r.size) for r in rows[:2]] == [
        ("k-induction", "replicas=12, nodes=2"),
        ("explicit (k-induction at replicas=12, nodes=2: not 1-inductive)", explored.reason),
    ]
    assert [r.result.property for r in rows] == list(props)


def test_large_daemonset_rows_name_the_explored_size() -> None:
    """A real run of a plan: the rows (verdict, method, size) of the check -f output for --nodes 40, in 10 s."""
    [w], _, _ = load_workloads(["-"], DAEMONSET, 40)
    props = catalog.properties("daemonset", ["at_most_one_pod_per_node", "no_pod_on_ineligible_node"])
    rows = execute.check_workload(w, props, budget=Budget(None, 10))
    n = rows[0].result.scope.nodes
    assert n < 40 and _fits(rows[0].result.scope, 10)
    assert [(r.result.verdict, r.method, r.size, r.reduced) for r in rows] == [
        (Verdict.HOLDS, "explicit", f"nodes={n} of 40", True),
        (Verdict.VIOLATED, "explicit", f"nodes={n} of 40", True),
    ]


def test_properties_that_switch_faults_on_are_planned_apart_and_after_the_others() -> None:
    """The cost table is measured without faults: with --faults partition the lost-node properties of a
    Deployment get their own steps after the others, so a search they blow up cannot take the others' time."""
    w = _one(deployment())
    props, _ = sizing.select(w, faults=frozenset({"partition", "node-failure"}))
    faulty = [p for p in props if sizing._adds_faults(p, w.scope)]
    calm = [p for p in props if p not in faulty]
    assert faulty and calm
    plan = sizing.plan(w, props, calibrated=False)
    first, last = plan.steps[0], plan.steps[-1]
    assert set(first.task.properties) == set(calm) and set(last.task.properties) == set(faulty)
    assert "planned apart" in plan.why and "partition" in plan.why
    assert plan.properties == tuple(props)  # rows come back in the selection's order
