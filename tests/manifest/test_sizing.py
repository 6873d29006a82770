"""Size honestly: the manifest's numbers, or a smaller scope said out loud; property selection."""

from __future__ import annotations

import os

import pytest
from manifest_texts import deployment, statefulset

from kubecheck.checker import run
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.task import Budget, Task
from kubecheck.cli import manifest_text
from kubecheck.manifest import check_manifests, execute, load_workloads, sizing
from kubecheck.manifest.plan import Handoff, WorkloadPlan
from kubecheck.properties import catalog


def _one(text: str):
    return load_workloads(["-"], text)[0][0]


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
    """helm-template style stream; the ordering property by k-induction at replicas 50, a witness explored at 3."""
    w = _one(HELM_50)
    assert w.scope.replicas == 50
    props = catalog.properties("statefulset", ["pods_created_in_ordinal_order", "rolling_update_completes"])
    ordered, witness = execute.check_workload(w, props)
    assert ordered.result.verdict is Verdict.PROVED and ordered.result.scope.replicas == 50
    assert (ordered.method, ordered.size, ordered.reduced, ordered.sizing_note) == (
        "k-induction",
        "replicas=50, nodes=2",
        False,
        "",
    )
    assert witness.result.verdict is Verdict.WITNESSED and witness.result.scope.replicas == 3
    assert (witness.method, witness.sizing_note) == ("explicit", "explored with replicas=3 of 50, nodes=2")


def test_statefulset_with_50_replicas_and_the_explicit_engine_says_it_was_explored_smaller() -> None:
    report = check_manifests(["-"], HELM_50, engine="explicit")
    rows = report.workloads[0].rows
    assert rows and all(r.reduced and r.size == "replicas=3 of 50, nodes=2" for r in rows)
    assert "explored with replicas=3 of 50, nodes=2" in manifest_text.render(report)
    assert report.ignored == ("configmap/db-config (v1 ConfigMap: kind not read)",)


@SLOW
def test_statefulset_with_50_replicas_every_property() -> None:
    """The whole table (about 1.5 min here): 1-inductive safety at 50, the rest explored at 3, each row says which."""
    report = check_manifests(["-"], HELM_50)
    got = {
        r.result.property.short: (r.result.verdict, r.method, r.sizing_note or r.size) for r in report.workloads[0].rows
    }
    at_50, at_3 = "replicas=50, nodes=2", "explored with replicas=3 of 50, nodes=2"
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
    assert live.reduced and live.size == "replicas=5 of 50" and live.result.verdict is Verdict.HOLDS


def test_explicit_engine_never_goes_symbolic() -> None:
    w = _one(deployment(replicas=9, strategy="strategy: {rollingUpdate: {maxSurge: 7, maxUnavailable: 0}}"))
    props = catalog.properties("deployment", ["replicas_within_surge"])
    [row] = execute.check_workload(w, props, engine="explicit")
    assert (row.method, row.size, row.result.verdict) == ("explicit", "replicas=5 of 9", Verdict.HOLDS)
    assert (
        row.result.scope.max_surge.value == 5
    )  # an integer surge above the explored replicas is capped (said in the size)


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
    assert plan.properties == props and plan.why == "within the explicit limits (replicas ≤ 5)"


def test_plan_of_a_deployment_above_the_limit_proves_for_every_replica_count_then_explores_at_5() -> None:
    w, props, plan = _plan(deployment(replicas=8), budget=Budget(None, 60))
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
        assert (s.sizes, s.proved_size, s.reduced) == (("replicas=8",), "replicas: all values", False)
        assert (s.handoff, s.attempt) == (Handoff.AFTER_SECONDS, "pdr")
    assert explored.task.properties == props  # it decides what the proofs leave open, and liveness
    assert (explored.task.engine, explored.task.scope.replicas, explored.task.budget) == (
        "explicit",
        5,
        Budget(None, 60),
    )
    assert (explored.reduced, explored.reason, explored.handoff) == (
        True,
        "explored with replicas=5 of 8",
        Handoff.KEEP,
    )
    assert plan.why == "above the explicit limits: replicas 8 > 5"


def test_plan_of_a_deployment_caps_an_integer_surge_at_the_explored_replicas() -> None:
    strategy = "strategy: {rollingUpdate: {maxSurge: 7, maxUnavailable: 0}}"
    _, _, plan = _plan(deployment(replicas=9, strategy=strategy), engine="explicit")
    [step] = plan.steps  # the explicit engine never goes symbolic
    assert (step.task.scope.replicas, step.task.scope.max_surge.value, step.task.scope.max_unavailable.value) == (
        5,
        5,
        0,
    )
    assert step.sizes[0] == "replicas=5 of 9" and step.reduced


def test_plan_of_a_statefulset_above_the_limit_is_k_induction_at_its_size_then_explicit_at_3() -> None:
    w, props, plan = _plan(statefulset(replicas=5))
    at_size, explored = plan.steps
    safety = tuple(p for p in props if p.kind in ("always", "step"))
    assert (at_size.task.engine, at_size.task.depth, at_size.task.scope, at_size.task.properties) == (
        "kind",
        0,
        w.scope,
        safety,
    )
    assert at_size.task.budget.timeout == sizing.KIND_SECONDS * len(safety)
    assert at_size.sizes == ("replicas=5, nodes=2",) * len(safety) and not at_size.reduced
    assert (at_size.handoff, at_size.attempt) == (Handoff.WITH_REASON, "k-induction at replicas=5, nodes=2")
    assert (explored.task.engine, explored.task.properties) == ("explicit", props)
    assert (explored.task.scope.replicas, explored.task.scope.nodes) == (3, 2)
    assert explored.reason == "explored with replicas=3 of 5, nodes=2"
    assert plan.describe().splitlines() == [
        "statefulset/db (model statefulset): above the explicit limits: replicas 5 > 3",
        f"  1. kind (depth 0) at replicas=5, nodes=2, {sizing.KIND_SECONDS * len(safety):g} s: "
        + ", ".join(p.name for p in safety)
        + '; INCONCLUSIVE goes on as "k-induction at replicas=5, nodes=2: <why the engine stopped>"',
        "  2. explicit, explored with replicas=3 of 5, nodes=2: "
        + ", ".join(p.name for p in props)
        + " (those still open)",
    ]


def test_plan_of_a_daemonset_above_the_limit_explores_4_nodes_keeping_the_ineligible_one() -> None:
    w, props, plan = _plan(DAEMONSET, nodes=6)
    [step] = plan.steps  # no symbolic node count: explored smaller, and said so
    assert w.scope.node_classes[-1] != w.scope.node_classes[0]  # the last node does not match the selector
    assert (step.task.engine, step.task.properties, step.task.scope.nodes) == ("explicit", props, 4)
    assert step.task.scope.node_classes == w.scope.node_classes[:3] + w.scope.node_classes[-1:]
    assert (step.sizes[0], step.reason) == ("nodes=4 of 6", "explored with nodes=4 of 6")


def test_a_plan_must_give_every_property_a_row() -> None:
    w, props, plan = _plan(deployment(replicas=8))
    with pytest.raises(ValueError, match="no step of the plan keeps its row"):
        WorkloadPlan(w, props, plan.steps[:-1])  # the proofs hand on what they leave open: to nobody


# -- running a plan ------------------------------------------------------------------------------


def test_rows_of_handed_on_properties_name_the_attempt(monkeypatch) -> None:
    """An INCONCLUSIVE proof is handed on; the explicit row says which engine tried first, and why it stopped."""
    _, props, plan = _plan(statefulset(replicas=5))
    at_size, _ = plan.steps
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
        ("k-induction", "replicas=5, nodes=2"),
        ("explicit (k-induction at replicas=5, nodes=2: not 1-inductive)", "explored with replicas=3 of 5, nodes=2"),
    ]
    assert [r.result.property for r in rows] == list(props)


def test_daemonset_above_the_limit_rows_as_before() -> None:
    """A real run of a plan: the rows (verdict, method, size, states) of the check -f output for --nodes 6."""
    [w], _, _ = load_workloads(["-"], DAEMONSET, 6)
    props = catalog.properties("daemonset", ["at_most_one_pod_per_node", "no_pod_on_ineligible_node"])
    rows = execute.check_workload(w, props)
    assert [(r.result.verdict, r.method, r.size, r.reduced, r.result.stats.states) for r in rows] == [
        (Verdict.HOLDS, "explicit", "nodes=4 of 6", True, 1260),
        (Verdict.VIOLATED, "explicit", "nodes=4 of 6", True, 1260),
    ]
