"""Mapping workloads to models and scopes; claims and access modes; what is not modelled."""

from __future__ import annotations

import pytest
from manifest_texts import deployment, statefulset

from kubecheck.manifest import ManifestError, load_workloads
from kubecheck.model.controllers import daemonset_util as dsu
from kubecheck.model.kernel.intstr import IntOrPercent

PV = """\
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-0}
spec:
  accessModes: [ReadWriteOnce, ReadWriteMany]
  capacity: {storage: 1Gi}
  claimRef: {namespace: default, name: data-db-0}
"""


def _one(text: str, nodes: int | None = None):
    found, _, _ = load_workloads(["-"], text, nodes)
    assert len(found) == 1
    return found[0]


def test_deployment_scope_has_the_manifest_numbers_and_bounded_user_actions() -> None:
    w = _one(
        deployment(
            replicas=4, strategy="strategy: {rollingUpdate: {maxSurge: 2, maxUnavailable: '50%'}}\nminReadySeconds: 5"
        )
    )
    sc = w.scope
    assert (w.model, w.ref) == ("deployment", "deployment/web")
    assert (sc.replicas, sc.max_surge, sc.max_unavailable, sc.min_ready_seconds) == (
        4,
        IntOrPercent(2),
        IntOrPercent(50, True),
        5,
    )
    assert (sc.edits, sc.rollbacks, sc.scales, sc.faults) == (1, 0, 0, frozenset())


def test_statefulset_scope_and_claim_template_mode() -> None:
    w = _one(
        statefulset(replicas=2).replace("serviceName: db", "serviceName: db\n  podManagementPolicy: Parallel"), nodes=3
    )
    sc = w.scope
    assert (sc.name, sc.replicas, sc.pod_management, sc.nodes, sc.claims, sc.access_mode) == (
        "db",
        2,
        "Parallel",
        3,
        True,
        "ReadWriteOnce",
    )
    assert "claims data-db-<ordinal>: ReadWriteOnce (from volumeClaimTemplate data)" in w.notes
    assert any("serviceName db: no Service" in n for n in w.notes)


def test_statefulset_revision_history_limit_comes_from_the_manifest_or_the_api_default() -> None:
    limited = statefulset(replicas=2).replace("serviceName: db", "serviceName: db\n  revisionHistoryLimit: 1")
    assert _one(limited).scope.revision_history_limit == 1
    assert _one(statefulset(replicas=2)).scope.revision_history_limit == 10  # SetDefaults_StatefulSet


def test_bound_persistent_volume_decides_the_access_mode() -> None:
    w = _one(statefulset() + "---\n" + PV)
    assert w.scope.access_mode == "ReadWriteMany"
    assert "claims data-db-<ordinal>: ReadWriteOnce,ReadWriteMany (from persistentvolume/pv-0)" in w.notes


def test_read_only_mount_is_seen() -> None:
    w = _one(
        statefulset()
        .replace("mountPath: /d", "mountPath: /d, readOnly: true")
        .replace("[ReadWriteOnce]", "[ReadOnlyMany]")
    )
    assert (w.scope.access_mode, w.scope.read_only_mount) == ("ReadOnlyMany", True)


def test_deployment_sharing_a_read_write_once_claim_is_named() -> None:
    claim = (
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: shared}\n"
        "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n"
    )
    text = deployment().replace(
        "containers: [{name: app, image: nginx}]",
        "containers: [{name: app, image: nginx}]\n      volumes: [{name: v, persistentVolumeClaim: "
        "{claimName: shared}}]",
    )
    w = _one(text + "---\n" + claim)
    assert "volume v: claim shared (ReadWriteOnce, from persistentvolumeclaim/shared) shared by every pod" in w.notes
    assert (w.scope.claims, w.scope.claim_name, w.scope.access_mode, w.scope.nodes, w.nodes_given) == (
        True,
        "shared",
        "ReadWriteOnce",
        2,
        2,
    )
    assert not any("claim" in t for t in w.not_modelled)


def test_deployment_claim_with_min_ready_seconds_is_placed_with_zero_and_says_so() -> None:
    claim = (
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: shared}\n"
        "spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}\n"
    )
    text = deployment(strategy="minReadySeconds: 30").replace(
        "containers: [{name: app, image: nginx}]",
        "containers: [{name: app, image: nginx}]\n      volumes: [{name: v, persistentVolumeClaim: "
        "{claimName: shared, readOnly: true}}]",
    )
    w = _one(text + "---\n" + claim)
    assert (w.scope.access_mode, w.scope.read_only_mount, w.scope.min_ready_seconds) == ("ReadWriteMany", True, 0)
    assert "spec.minReadySeconds 30: pods placed on nodes are modelled with minReadySeconds 0" in w.not_modelled


def test_stateless_deployment_is_not_placed() -> None:
    w = _one(deployment())
    assert (w.scope.claims, w.scope.nodes, w.nodes_given, w.scope.name) == (False, 0, 0, "web")


def test_a_budget_is_taken_as_written_and_scheduling_constraints_are_not_modelled() -> None:
    extra = """\
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-pdb}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web-hpa}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 10}
"""
    text = deployment().replace(
        "containers: [{name: app, image: nginx}]",
        "containers: [{name: app, image: nginx}]\n"
        "      topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]\n"
        "      affinity: {podAntiAffinity: {}}",
    )
    w = _one(text + extra)
    assert w.not_modelled == (
        "pod scheduling: topologySpreadConstraints (pods may stay Pending where the spread cannot be met)",
        "pod scheduling: podAntiAffinity (pods may stay Pending when no node is free of a peer)",
        "horizontalpodautoscaler/web-hpa: only the deployment.hpa.* rows run with it; the others are checked at "
        "spec.replicas 3 without the autoscaler",
    )
    assert (w.scope.hpa_max_replicas, w.scope.hpa_min_replicas) == (10, 2)
    assert (str(w.scope.pdb_max_unavailable), w.scope.pdb_min_available) == ("1", None)


def test_daemonset_node_selector_makes_one_node_ineligible_and_lets_labels_change() -> None:
    text = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {nodeSelector: {pool: infra}, containers: [{name: a, image: x}]}
"""
    w = _one(text, nodes=4)
    assert w.scope.node_classes == (dsu.ELIGIBLE,) * 3 + (dsu.INELIGIBLE,)
    assert (w.scope.nodes, w.scope.relabels, w.scope.max_unavailable) == (4, 1, IntOrPercent(1))
    plain = _one(text.replace("nodeSelector: {pool: infra}, ", ""))
    assert (plain.scope.nodes, plain.scope.node_classes, plain.scope.relabels) == (3, (), 0)


def test_daemonset_scope_names_the_manifest_selector_never_an_invented_one() -> None:
    text = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec: {nodeSelector: {pool: infra, kubernetes.io/os: linux}, containers: [{name: a, image: x}]}
"""
    assert _one(text).scope.node_selector == "kubernetes.io/os=linux,pool=infra"
    plain = _one(text.replace("nodeSelector: {pool: infra, kubernetes.io/os: linux}, ", ""))
    assert plain.scope.node_selector == "none"
    affinity = text.replace(
        "nodeSelector: {pool: infra, kubernetes.io/os: linux}, ",
        "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: "
        "[{matchExpressions: [{key: pool, operator: Exists}]}]}}}, ",
    )
    assert _one(affinity).scope.node_selector == "node affinity"
    # nothing tolerated is read from the manifest yet: the presets' defaults
    assert (plain.scope.tolerates, plain.scope.taint) == (frozenset(), "dedicated=infra:NoSchedule")
    tolerating = text.replace("containers:", "tolerations: [{operator: Exists}], containers:")
    w = _one(tolerating)
    assert (w.scope.tolerates, w.scope.relabel_targets) == (frozenset({"NoSchedule", "NoExecute"}), (0, 2))
    assert (
        "tolerations: every NoSchedule taint and every NoExecute taint tolerated; a node change applies only taints "
        "the template does not tolerate" in w.notes
    )
    keyed = _one(text.replace("containers:", "tolerations: [{key: dedicated, operator: Exists}], containers:"))
    assert (keyed.scope.tolerates, keyed.scope.taint) == (frozenset(), "kubecheck.io/untolerated=true:NoSchedule")


def test_ignored_kinds_and_unknown_fields() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n" + deployment(strategy="replica: 2")
    _, ignored, unknown = load_workloads(["-"], text, validate="ignore")
    assert ignored == ["configmap/c (v1 ConfigMap: kind not read)"]
    assert unknown == ["<stdin> (document 2): spec.replica"]
    with pytest.raises(ManifestError, match=r'strict decoding error: unknown field "spec\.replica"'):
        load_workloads(["-"], text)  # kubectl apply's default: the API server refuses the object
