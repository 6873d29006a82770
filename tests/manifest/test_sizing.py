"""Size honestly: the manifest's numbers, or a smaller scope said out loud; property selection."""

from __future__ import annotations

from kubecheck.checker import catalog
from kubecheck.checker.explicit import Budget
from kubecheck.checker.report import Verdict
from kubecheck.model.manifest import check_manifests, load_workloads, render_text, sizing
from manifest_texts import deployment, statefulset


def _one(text: str):
    return load_workloads(["-"], text)[0][0]


def test_selection_leaves_out_other_configurations_and_faults() -> None:
    props, skipped = sizing.select(_one(statefulset()))
    names = [p.short for p in props]
    assert "pods_created_in_ordinal_order" in names and "pods_created_in_ordinal_order_under_parallel" not in names
    reasons = {s.name.split(".", 1)[1]: s.reason for s in skipped}
    assert reasons["pods_created_in_ordinal_order_under_parallel"] == "another configuration: pod-management=Parallel"
    assert reasons["at_most_one_running_instance_with_force_delete"] == "needs faults: force-delete,partition"
    with_faults, _ = sizing.select(_one(statefulset()), with_faults=True)
    assert "at_most_one_running_instance_with_force_delete" in [p.short for p in with_faults]


def test_small_instances_are_explored_at_their_real_size() -> None:
    w = _one(statefulset(replicas=2))
    props = catalog.properties("statefulset", ["at_most_one_pod_object_per_identity"])
    [row] = sizing.check_workload(w, props)
    assert (row.result.verdict, row.method, row.size, row.reduced) == (Verdict.HOLDS, "explicit", "replicas=2, nodes=2", False)


def test_statefulset_with_50_replicas_says_it_was_explored_smaller() -> None:
    report = check_manifests(["-"], statefulset(replicas=50))
    rows = report.workloads[0].rows
    assert rows and all(r.reduced and r.size == "replicas=3 of 50, nodes=2" for r in rows)
    assert all(r.sizing_note == "explored with replicas=3 of 50, nodes=2" for r in rows)
    text = render_text(report)
    assert "explored with replicas=3 of 50, nodes=2" in text
    assert report.workloads[0].workload.scope.replicas == 50


def test_deployment_with_50_replicas_is_proved_for_every_replica_count() -> None:
    w = _one(deployment(replicas=50))
    props = catalog.properties("deployment", ["replicas_within_surge", "rollout_eventually_completes"])
    surge, live = sizing.check_workload(w, props, budget=Budget(None, 60))
    assert surge.result.verdict is Verdict.PROVED
    assert (surge.method, surge.size, surge.reduced) == ("pdr (all values of replicas)", "replicas: all values", False)
    assert live.reduced and live.size == "replicas=5 of 50" and live.result.verdict is Verdict.HOLDS


def test_explicit_engine_never_goes_symbolic() -> None:
    w = _one(deployment(replicas=9, strategy="strategy: {rollingUpdate: {maxSurge: 7, maxUnavailable: 0}}"))
    props = catalog.properties("deployment", ["replicas_within_surge"])
    [row] = sizing.check_workload(w, props, engine="explicit")
    assert (row.method, row.size, row.result.verdict) == ("explicit", "replicas=5 of 9", Verdict.HOLDS)
    assert row.result.scope.max_surge.value == 5  # an integer surge above the explored replicas is capped (said in the size)
