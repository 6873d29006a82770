"""Size honestly: the manifest's numbers, or a smaller scope said out loud; property selection."""

from __future__ import annotations

import os

import pytest
from manifest_texts import deployment, statefulset

from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Budget
from kubecheck.cli import manifest_text
from kubecheck.manifest import check_manifests, execute, load_workloads, sizing
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
