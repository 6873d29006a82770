"""The API server's defaults (k8s-semantics.md §1.6; pkg/apis/apps/v1/defaults.go)."""

from __future__ import annotations

import yaml
from manifest_texts import deployment, statefulset

from kubecheck.manifest.defaults import apply_defaults


def _spec(text: str) -> dict:
    return apply_defaults(yaml.safe_load(text))["spec"]


def test_deployment_defaults() -> None:
    spec = _spec("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec: {template: {spec: {}}}\n")
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"], spec["minReadySeconds"]) == (10, 600, 0)
    assert spec["template"]["spec"]["restartPolicy"] == "Always"


def test_recreate_gets_no_rolling_update_defaults() -> None:
    spec = _spec(deployment(strategy="strategy: {type: Recreate}"))
    assert spec["strategy"] == {"type": "Recreate"}


def test_given_values_are_kept() -> None:
    spec = _spec(deployment(replicas=7, strategy="strategy: {rollingUpdate: {maxSurge: 2}}"))
    assert spec["replicas"] == 7
    assert spec["strategy"]["rollingUpdate"] == {"maxSurge": 2, "maxUnavailable": "25%"}


def test_statefulset_defaults() -> None:
    spec = _spec(statefulset())
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert (spec["revisionHistoryLimit"], spec["minReadySeconds"], spec["ordinals"]) == (10, 0, {"start": 0})
    assert spec["volumeClaimTemplates"][0]["spec"]["volumeMode"] == "Filesystem"


def test_daemonset_defaults() -> None:
    spec = _spec("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec: {}\n")
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert (spec["revisionHistoryLimit"], spec["minReadySeconds"]) == (10, 0)


def test_core_defaults() -> None:
    assert apply_defaults({"kind": "Service", "spec": {}})["spec"]["type"] == "ClusterIP"
    assert apply_defaults({"kind": "PersistentVolume", "spec": {}})["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert apply_defaults({"kind": "PersistentVolumeClaim"})["spec"]["volumeMode"] == "Filesystem"


def test_wrong_types_are_left_for_validation_and_the_input_is_not_changed() -> None:
    obj = {"kind": "Deployment", "spec": {"strategy": "fast", "template": 3}}
    out = apply_defaults(obj)
    assert out["spec"]["strategy"] == "fast" and out["spec"]["template"] == 3
    assert obj == {"kind": "Deployment", "spec": {"strategy": "fast", "template": 3}}
