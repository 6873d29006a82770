"""The API server's defaults, applied to a copy of each object before validation (as upstream does).

Upstream: pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment, SetDefaults_StatefulSet,
SetDefaults_DaemonSet) and pkg/apis/core/v1/defaults.go (PersistentVolumeClaim,
PersistentVolume, Service, PodSpec), k8s-semantics.md §1.6:

* Deployment: replicas 1; strategy RollingUpdate with maxSurge 25% and maxUnavailable 25%;
  revisionHistoryLimit 10; progressDeadlineSeconds 600; minReadySeconds 0.
* StatefulSet: replicas 1; podManagementPolicy OrderedReady; updateStrategy RollingUpdate with
  partition 0; revisionHistoryLimit 10; persistentVolumeClaimRetentionPolicy Retain/Retain;
  minReadySeconds 0; ordinals.start 0.
* DaemonSet: updateStrategy RollingUpdate with maxUnavailable 1 and maxSurge 0;
  revisionHistoryLimit 10; minReadySeconds 0.
* Pod templates: restartPolicy Always, terminationGracePeriodSeconds 30.
* PersistentVolumeClaim / PersistentVolume: volumeMode Filesystem; PV reclaim policy Retain.
* Service: type ClusterIP.

Defaults only fill what is absent (or null) under mappings; a field of the wrong type is left
for validation to report with its path.
"""

from __future__ import annotations

import copy


def _at(obj: object, *names: str) -> dict[str, object] | None:
    """The mapping at obj.names, created where absent; None when something on the way is not a mapping."""
    node: object = obj
    for name in names:
        if not isinstance(node, dict):
            return None
        if node.get(name) is None:
            node[name] = {}
        node = node[name]
    return node if isinstance(node, dict) else None


def _fill(node: dict[str, object] | None, **values: object) -> None:
    if node is None:
        return
    for key, value in values.items():
        if node.get(key) is None:
            node[key] = value


def _pod_template(spec: dict[str, object] | None) -> None:
    pod = _at(spec, "template", "spec") if spec is not None else None
    _fill(pod, restartPolicy="Always", terminationGracePeriodSeconds=30)


def _deployment(obj: dict[str, object]) -> None:
    spec = _at(obj, "spec")
    _fill(spec, replicas=1, revisionHistoryLimit=10, progressDeadlineSeconds=600, minReadySeconds=0)
    strategy = _at(spec, "strategy") if spec is not None else None
    _fill(strategy, type="RollingUpdate")
    if strategy is not None and strategy.get("type") == "RollingUpdate":
        _fill(_at(strategy, "rollingUpdate"), maxUnavailable="25%", maxSurge="25%")
    _pod_template(spec)


def _statefulset(obj: dict[str, object]) -> None:
    spec = _at(obj, "spec")
    _fill(spec, replicas=1, podManagementPolicy="OrderedReady", revisionHistoryLimit=10, minReadySeconds=0)
    strategy = _at(spec, "updateStrategy") if spec is not None else None
    _fill(strategy, type="RollingUpdate")
    if strategy is not None and strategy.get("type") == "RollingUpdate":
        _fill(_at(strategy, "rollingUpdate"), partition=0)
    _fill(
        _at(spec, "persistentVolumeClaimRetentionPolicy") if spec is not None else None,
        whenDeleted="Retain",
        whenScaled="Retain",
    )
    _fill(_at(spec, "ordinals") if spec is not None else None, start=0)
    templates = spec.get("volumeClaimTemplates") if spec is not None else None
    if isinstance(templates, list):
        for t in templates:
            _fill(_at(t, "spec") if isinstance(t, dict) else None, volumeMode="Filesystem")
    _pod_template(spec)


def _daemonset(obj: dict[str, object]) -> None:
    spec = _at(obj, "spec")
    _fill(spec, revisionHistoryLimit=10, minReadySeconds=0)
    strategy = _at(spec, "updateStrategy") if spec is not None else None
    _fill(strategy, type="RollingUpdate")
    if strategy is not None and strategy.get("type") == "RollingUpdate":
        _fill(_at(strategy, "rollingUpdate"), maxUnavailable=1, maxSurge=0)
    _pod_template(spec)


def _claim(obj: dict[str, object]) -> None:
    _fill(_at(obj, "spec"), volumeMode="Filesystem")


def _volume(obj: dict[str, object]) -> None:
    _fill(_at(obj, "spec"), volumeMode="Filesystem", persistentVolumeReclaimPolicy="Retain")


def _service(obj: dict[str, object]) -> None:
    _fill(_at(obj, "spec"), type="ClusterIP")


DEFAULTERS = {
    "Deployment": _deployment,
    "StatefulSet": _statefulset,
    "DaemonSet": _daemonset,
    "PersistentVolumeClaim": _claim,
    "PersistentVolume": _volume,
    "Service": _service,
}


def apply_defaults(obj: dict[str, object]) -> dict[str, object]:
    """A deep copy of ``obj`` with the API server's defaults for its kind filled in."""
    out = copy.deepcopy(obj)
    kind = out.get("kind")
    defaulter = DEFAULTERS.get(kind) if isinstance(kind, str) else None
    if defaulter is not None:
        defaulter(out)
    return out
