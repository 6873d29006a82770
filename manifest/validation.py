"""Validate objects as the API server does, and build the records of :mod:`.objects`.

Upstream: pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec,
ValidateRollingUpdateDeployment, ValidateStatefulSetSpec, validateRollingUpdateStatefulSet,
ValidateDaemonSetSpec, ValidateRollingUpdateDaemonSet), pkg/apis/core/validation
(ValidatePersistentVolumeClaimSpec, ValidatePodTemplateSpec: restartPolicy), and
apimachinery's ValidateObjectMeta (name: a DNS-1123 subdomain). Messages are the API server's,
prefixed by where the object is: ``app.yaml (document 2): deployment/web: spec.…: …``.

The strategy rules are the scope classes' own ``validate()`` (one source of truth for the
messages): a Deployment, StatefulSet or DaemonSet scope is built from the fields and validated.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence

import attrs

from kubecheck.manifest import disruption_specs
from kubecheck.manifest import objects as o
from kubecheck.manifest.defaults import apply_defaults
from kubecheck.manifest.errors import ManifestError, describe_value
from kubecheck.manifest.fields import MISSING, Fields
from kubecheck.manifest.loader import Document
from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.controllers.daemonset_util import Toleration
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.scopes import ScopeError, ValidatedScope

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1123 = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com')"
)
API_VERSIONS = {
    "Deployment": ("apps/v1",),
    "StatefulSet": ("apps/v1",),
    "DaemonSet": ("apps/v1",),
    "PersistentVolumeClaim": ("v1",),
    "PersistentVolume": ("v1",),
    "Service": ("v1",),
    "StorageClass": ("storage.k8s.io/v1",),
    "PodDisruptionBudget": ("policy/v1",),
    "HorizontalPodAutoscaler": ("autoscaling/v2", "autoscaling/v1"),
}
#: API versions of the kinds kubecheck reads that the API server no longer serves:
#: (apiVersion, kind) -> (the release that stopped serving it, the version to use instead). From the
#: Deprecated API Migration Guide (kubernetes/website, docs/reference/using-api/deprecation-guide.md).
#: The workloads all moved to apps/v1, which (unlike extensions/v1beta1 and apps/v1beta1) requires
#: spec.selector.
REMOVED = {
    **{("extensions/v1beta1", k): ("v1.16", "apps/v1") for k in ("Deployment", "DaemonSet", "ReplicaSet")},
    **{("apps/v1beta1", k): ("v1.16", "apps/v1") for k in ("Deployment", "StatefulSet")},
    **{("apps/v1beta2", k): ("v1.16", "apps/v1") for k in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")},
    ("policy/v1beta1", "PodDisruptionBudget"): ("v1.25", "policy/v1"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): ("v1.25", "autoscaling/v2"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): ("v1.26", "autoscaling/v2"),
}
#: Built-in kinds kubecheck does not read but must not mistake for a misspelling of one it reads.
OTHER_BUILTIN_KINDS = frozenset(
    {
        "Pod",
        "ReplicaSet",
        "ReplicationController",
        "ControllerRevision",
        "Job",
        "CronJob",
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "Namespace",
        "Endpoints",
        "EndpointSlice",
        "Ingress",
        "IngressClass",
        "NetworkPolicy",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "LimitRange",
        "ResourceQuota",
        "PriorityClass",
        "RuntimeClass",
        "VolumeAttachment",
        "CSIDriver",
        "CSINode",
        "Lease",
        "Event",
        "Node",
        "List",
        # more built-in kinds of v1.35 (a real install, e.g. metrics-server's, has them next to its workloads)
        "APIService",
        "CustomResourceDefinition",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "CertificateSigningRequest",
        "FlowSchema",
        "PriorityLevelConfiguration",
        "CSIStorageCapacity",
        "VolumeAttributesClass",
        "PodTemplate",
        "ServiceCIDR",
        "IPAddress",
        "ResourceClaim",
        "ResourceClaimTemplate",
        "DeviceClass",
        "ResourceSlice",
    }
)
#: Kinds whose names are path segments, not DNS subdomains (pkg/apis/rbac/validation ValidateRBACName:
#: path.IsValidPathSegmentName), so ``system:metrics-server`` is a valid ClusterRole name.
PATH_SEGMENT_NAMED = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})
#: Fields kubecheck knows (read or deliberately ignored); others are listed under --verbose.
KNOWN = {
    "": {"apiVersion", "kind", "metadata", "spec", "status"},
    "metadata": {
        "name",
        "namespace",
        "labels",
        "annotations",
        "generateName",
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "generation",
        "ownerReferences",
        "finalizers",
        "managedFields",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "selfLink",
    },
    "Deployment.spec": {
        "replicas",
        "selector",
        "template",
        "strategy",
        "minReadySeconds",
        "revisionHistoryLimit",
        "paused",
        "progressDeadlineSeconds",
    },
    "PodDisruptionBudget.spec": {"minAvailable", "maxUnavailable", "selector", "unhealthyPodEvictionPolicy"},
    "HorizontalPodAutoscaler.spec": {
        "scaleTargetRef",
        "minReplicas",
        "maxReplicas",
        "metrics",  # autoscaling/v2
        "behavior",  # autoscaling/v2
        "targetCPUUtilizationPercentage",  # autoscaling/v1
    },
    "StatefulSet.spec": {
        "replicas",
        "selector",
        "template",
        "volumeClaimTemplates",
        "serviceName",
        "podManagementPolicy",
        "updateStrategy",
        "revisionHistoryLimit",
        "minReadySeconds",
        "persistentVolumeClaimRetentionPolicy",
        "ordinals",
    },
    "DaemonSet.spec": {"selector", "template", "updateStrategy", "minReadySeconds", "revisionHistoryLimit"},
}


def _meta(f: Fields, kind: str, where: str) -> o.Meta:
    name = f.str("metadata.name")
    if name is None and f.raw("metadata.generateName") is MISSING:
        f.required("metadata.name", "name or generateName is required")
    elif name is not None and len(name) > 253:  # IsDNS1123Subdomain: MaxLenError
        f.invalid("metadata.name", name, "must be no more than 253 characters")
    elif name is not None and kind in PATH_SEGMENT_NAMED:
        disruption_specs.check_path_segment_name(f, "metadata.name", name)
    elif name is not None and not _SUBDOMAIN.match(name):
        f.invalid("metadata.name", name, _DNS1123)
    namespace = f.str("metadata.namespace", "default")
    f.labels("metadata.labels")  # map[string]string: the API server refuses other types while decoding
    for key, value in f.map("metadata.annotations").items():
        if not isinstance(value, str):
            f.wrong_type(f"metadata.annotations.{key}", "a string (annotation values are strings)", value)
    return o.Meta(kind, name or f.str("metadata.generateName", "") or "?", namespace or "default", where)


def _scope_check(f: Fields, scope: ValidatedScope) -> None:
    try:
        scope.validate()
    except ScopeError as err:
        f.add("", str(err))


def _selector(f: Fields, labels: dict[str, str], kind: str) -> None:
    sel = f.raw("spec.selector")
    if sel is MISSING:
        f.required("spec.selector")
        return
    before = len(f.errors)
    match = f.labels("spec.selector.matchLabels")
    exprs = f.list("spec.selector.matchExpressions")
    requirements = [r for i, e in enumerate(exprs) if (r := _requirement(f, i, e)) is not None]
    if len(f.errors) > before:  # the API server cannot build the selector, so it does not match it
        return
    if not match and not exprs:
        f.invalid("spec.selector", sel, f"empty selector is invalid for {kind.lower()}")
        return
    if f.has_errors_at("spec.template.metadata.labels"):  # the labels are told wrong already
        return
    if any(labels.get(k) != v for k, v in match.items()) or not all(_matches(r, labels) for r in requirements):
        f.invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`")


#: The operators of a label selector requirement (metav1.LabelSelectorOperator).
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def _requirement(f: Fields, i: int, expr: object) -> tuple[str, str, frozenset[str]] | None:
    """(key, operator, values) of ``spec.selector.matchExpressions[i]``, or None after recording why not.

    Upstream: ValidateLabelSelectorRequirement (apimachinery's metav1 validation).
    """
    base = f"spec.selector.matchExpressions[{i}]"
    if not isinstance(expr, dict):
        f.wrong_type(base, "a mapping", expr)
        return None
    before = len(f.errors)
    key, op = f.str(f"{base}.key", ""), f.str(f"{base}.operator", "")
    values = []
    for j, v in enumerate(f.list(f"{base}.values")):
        if isinstance(v, str):
            values.append(v)
        else:
            f.wrong_type(f"{base}.values[{j}]", "a string (label values are strings; quote numbers and booleans)", v)
    if key == "":
        f.invalid(f"{base}.key", "", "name part must be non-empty")
    if op in ("In", "NotIn"):
        if not values and f.raw(f"{base}.values") in (MISSING, []):
            f.required(f"{base}.values", "must be specified when `operator` is 'In' or 'NotIn'")
    elif op in ("Exists", "DoesNotExist"):
        if f.raw(f"{base}.values") not in (MISSING, []):
            f.forbidden(f"{base}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
    elif op is not None:
        f.invalid(f"{base}.operator", op, "not a valid selector operator")
    if len(f.errors) > before or key is None or op is None:
        return None
    return key, op, frozenset(values)


def _matches(requirement: tuple[str, str, frozenset[str]], labels: dict[str, str]) -> bool:
    """Whether ``labels`` satisfy one requirement (labels.Requirement.Matches)."""
    key, op, values = requirement
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    return key not in labels  # DoesNotExist


def _pod_template(f: Fields) -> o.PodTemplate:
    labels = f.labels("spec.template.metadata.labels")
    containers = f.list("spec.template.spec.containers")
    if f.raw("spec.template.spec.containers") in (MISSING, []):  # validateContainers: len(containers) == 0
        f.required("spec.template.spec.containers")
    restart = f.str("spec.template.spec.restartPolicy", "Always")
    if restart is not None and restart != "Always":
        f.unsupported("spec.template.spec.restartPolicy", restart, ("Always",))
    read_only_mounts: dict[str, list[bool]] = {}
    probe = False
    for i, c in enumerate(containers):
        base = f"spec.template.spec.containers[{i}]"
        if not isinstance(c, dict):
            f.wrong_type(base, "a mapping", c)
            continue
        probe = probe or f.raw(f"{base}.readinessProbe") is not MISSING
        for j, m in enumerate(f.list(f"{base}.volumeMounts")):
            if isinstance(m, dict) and isinstance(m.get("name"), str):
                read_only_mounts.setdefault(m["name"], []).append(
                    bool(f.bool(f"{base}.volumeMounts[{j}].readOnly", False))
                )
    claims = []
    for i, v in enumerate(f.list("spec.template.spec.volumes")):
        base = f"spec.template.spec.volumes[{i}]"
        if not isinstance(v, dict):
            f.wrong_type(base, "a mapping", v)
            continue
        if f.raw(f"{base}.persistentVolumeClaim") is MISSING:
            continue
        claim = f.str(f"{base}.persistentVolumeClaim.claimName")
        name = f.str(f"{base}.name", "")
        if claim is None:
            f.required(f"{base}.persistentVolumeClaim.claimName")
            continue
        mounts = read_only_mounts.get(name, [])
        read_only = bool(f.bool(f"{base}.persistentVolumeClaim.readOnly", False)) or (bool(mounts) and all(mounts))
        claims.append(o.VolumeUse(name, claim, read_only))
    scheduling = []
    spec = "spec.template.spec"
    for key in ("topologySpreadConstraints",):
        if f.raw(f"{spec}.{key}") is not MISSING:
            scheduling.append(key)
    for key in ("podAntiAffinity", "podAffinity", "nodeAffinity"):
        if f.raw(f"{spec}.affinity.{key}") is not MISSING:
            scheduling.append(key)
    for key in ("tolerations", "priorityClassName", "nodeName"):
        if f.raw(f"{spec}.{key}") is not MISSING:
            scheduling.append(key)
    tolerations = _tolerations(f, f"{spec}.tolerations")
    return o.PodTemplate(
        tuple(sorted(labels.items())),
        tuple(claims),
        tuple(sorted(f.labels(f"{spec}.nodeSelector").items())),
        tuple(scheduling),
        f.int(f"{spec}.terminationGracePeriodSeconds", 30) or 0,
        probe,
        tuple(sorted(n for n, flags in read_only_mounts.items() if all(flags))),
        tolerations,
    )


_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def _tolerations(f: Fields, path: str) -> tuple[Toleration, ...]:
    """spec.tolerations, with ValidateTolerations' rules (pkg/apis/core/validation/validation.go)."""
    out = []
    for i, t in enumerate(f.list(path)):
        base = f"{path}[{i}]"
        if not isinstance(t, dict):
            f.wrong_type(base, "a mapping", t)
            continue
        key = f.str(f"{base}.key", "")
        operator = f.str(f"{base}.operator", "")
        value = f.str(f"{base}.value", "")
        effect = f.str(f"{base}.effect", "")
        seconds = f.int(f"{base}.tolerationSeconds") if f.raw(f"{base}.tolerationSeconds") is not MISSING else None
        if not key and operator != "Exists":
            f.invalid(
                f"{base}.operator",
                operator,
                'operator must be Exists when `key` is empty, which means "match all values and all keys"',
            )
        if seconds is not None and effect != "NoExecute":
            f.invalid(f"{base}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set")
        if operator == "Exists" and value:
            f.invalid(f"{base}.operator", value, "value must be empty when `operator` is 'Exists'")
        elif operator not in ("", "Equal", "Exists"):
            f.unsupported(f"{base}.operator", operator, ("Equal", "Exists"))
        if effect and effect not in _EFFECTS:
            f.unsupported(f"{base}.effect", effect, _EFFECTS)
        out.append(Toleration(key, operator, value, effect, seconds))
    return tuple(out)


def _deployment(f: Fields, meta: o.Meta) -> o.Deployment:
    template = _pod_template(f)
    _selector(f, dict(template.labels), "deployment")
    strategy = f.choice("spec.strategy.type", ("Recreate", "RollingUpdate"), "RollingUpdate")
    surge = f.int_or_percent("spec.strategy.rollingUpdate.maxSurge", IntOrPercent(25, True))
    unavailable = f.int_or_percent("spec.strategy.rollingUpdate.maxUnavailable", IntOrPercent(25, True))
    if strategy == "Recreate" and f.raw("spec.strategy.rollingUpdate") is not MISSING:
        f.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")
    replicas = f.int("spec.replicas", 1)
    min_ready = f.int("spec.minReadySeconds", 0)
    deadline = f.int("spec.progressDeadlineSeconds", 600)
    if deadline is not None and min_ready is not None and deadline <= min_ready:
        f.invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds")
    d = o.Deployment(
        meta,
        replicas or 0,
        strategy or "RollingUpdate",
        surge or IntOrPercent(25, True),
        unavailable or IntOrPercent(25, True),
        min_ready or 0,
        f.int("spec.revisionHistoryLimit", 10) or 0,
        deadline or 600,
        bool(f.bool("spec.paused", False)),
        template,
    )
    if not f.errors:
        _scope_check(
            f,
            DeploymentScope(replicas=0, max_surge=d.max_surge, max_unavailable=d.max_unavailable, strategy=d.strategy),
        )
    return d


def _access_modes(f: Fields, path: str, required: bool = True) -> tuple[str, ...]:
    modes = []
    raw = f.raw(path)
    for i, m in enumerate(f.list(path)):
        if not isinstance(m, str):
            f.wrong_type(f"{path}[{i}]", "a string", m)
        elif m not in o.ACCESS_MODES:
            f.unsupported(path, m, o.ACCESS_MODES)
        else:
            modes.append(m)
    if required and (raw is MISSING or raw == []):
        f.required(path, "at least 1 access mode is required")
    if o.RWOP in modes and len(set(modes)) > 1:
        f.forbidden(path, "may not use ReadWriteOncePod with other access modes")
    return tuple(modes)


def _statefulset(f: Fields, meta: o.Meta) -> o.StatefulSet:
    template = _pod_template(f)
    _selector(f, dict(template.labels), "statefulset")
    policy = f.choice("spec.podManagementPolicy", ("OrderedReady", "Parallel"), "OrderedReady")
    strategy = f.choice("spec.updateStrategy.type", ("RollingUpdate", "OnDelete"), "RollingUpdate")
    if strategy == "OnDelete" and f.raw("spec.updateStrategy.rollingUpdate") is not MISSING:
        f.invalid(
            "spec.updateStrategy.rollingUpdate",
            "",
            "only allowed for updateStrategy 'RollingUpdate' (spec.updateStrategy.type is 'OnDelete')",
        )
    partition = f.int("spec.updateStrategy.rollingUpdate.partition", 0)
    mu = f.int_or_percent("spec.updateStrategy.rollingUpdate.maxUnavailable")
    retention = ("Retain", "Delete")
    claims = []
    for i, t in enumerate(f.list("spec.volumeClaimTemplates")):
        base = f"spec.volumeClaimTemplates[{i}]"
        if not isinstance(t, dict):
            f.wrong_type(base, "a mapping", t)
            continue
        name = f.str(f"{base}.metadata.name")
        if name is None:
            f.required(f"{base}.metadata.name")
        claims.append(
            o.ClaimTemplate(
                name or "?", _access_modes(f, f"{base}.spec.accessModes"), f.str(f"{base}.spec.storageClassName")
            )
        )
    s = o.StatefulSet(
        meta,
        f.int("spec.replicas", 1) or 0,
        f.int("spec.ordinals.start", 0) or 0,
        policy or "OrderedReady",
        strategy or "RollingUpdate",
        partition or 0,
        mu,
        f.int("spec.minReadySeconds", 0) or 0,
        f.choice("spec.persistentVolumeClaimRetentionPolicy.whenDeleted", retention, "Retain") or "Retain",
        f.choice("spec.persistentVolumeClaimRetentionPolicy.whenScaled", retention, "Retain") or "Retain",
        f.str("spec.serviceName", "") or "",
        tuple(claims),
        template,
        f.int("spec.revisionHistoryLimit", 10) or 0,
    )
    if not f.errors and mu is not None:
        _scope_check(f, StatefulSetScope(max_unavailable=mu, partition=s.partition))
    return s


def _daemonset(f: Fields, meta: o.Meta) -> o.DaemonSet:
    template = _pod_template(f)
    _selector(f, dict(template.labels), "daemonset")
    strategy = f.choice("spec.updateStrategy.type", ("RollingUpdate", "OnDelete"), "RollingUpdate")
    mu = f.int_or_percent("spec.updateStrategy.rollingUpdate.maxUnavailable", IntOrPercent(1))
    surge = f.int_or_percent("spec.updateStrategy.rollingUpdate.maxSurge", IntOrPercent(0))
    d = o.DaemonSet(
        meta,
        strategy or "RollingUpdate",
        mu or IntOrPercent(1),
        surge or IntOrPercent(0),
        f.int("spec.minReadySeconds", 0) or 0,
        template,
    )
    if not f.errors:
        _scope_check(f, DaemonSetScope(strategy=d.strategy, max_unavailable=d.max_unavailable, max_surge=d.max_surge))
    return d


def _claim(f: Fields, meta: o.Meta) -> o.Claim:
    modes = _access_modes(f, "spec.accessModes")
    if f.raw("spec.resources.requests.storage") is MISSING and f.raw("spec.dataSourceRef") is MISSING:
        f.required("spec.resources[storage]")
    return o.Claim(meta, modes, f.str("spec.storageClassName"), f.str("spec.volumeName"))


def _volume(f: Fields, meta: o.Meta) -> o.Volume:
    modes = _access_modes(f, "spec.accessModes")
    ref = None
    if f.raw("spec.claimRef") is not MISSING:
        ref = (f.str("spec.claimRef.namespace", "default") or "default", f.str("spec.claimRef.name", "") or "")
    return o.Volume(meta, modes, ref, f.str("spec.storageClassName"))


def _storage_class(f: Fields, meta: o.Meta) -> o.StorageClass:
    provisioner = f.str("provisioner")
    if provisioner is None:
        f.required("provisioner")
    mode = f.choice("volumeBindingMode", ("Immediate", "WaitForFirstConsumer"), "Immediate")
    annotations = f.map("metadata.annotations")
    default = annotations.get("storageclass.kubernetes.io/is-default-class") == "true"
    return o.StorageClass(meta, provisioner or "", mode or "Immediate", default)


def _service(f: Fields, meta: o.Meta) -> o.Service:
    cluster_ip = f.str("spec.clusterIP", "")
    return o.Service(meta, cluster_ip == "None", tuple(sorted(f.labels("spec.selector").items())))


def _pdb(f: Fields, meta: o.Meta) -> o.Disruption:
    """A policy/v1 PodDisruptionBudget (manifest/disruption_specs.py); its selector read as a label selector."""
    selector = None
    if f.raw("spec.selector") is not MISSING:
        match = f.labels("spec.selector.matchLabels")
        exprs = f.list("spec.selector.matchExpressions")
        requirements = [r for i, e in enumerate(exprs) if (r := _requirement(f, i, e)) is not None]
        selector = o.LabelSelector(
            tuple(sorted(match.items())),
            tuple(o.Requirement(key, op, tuple(sorted(values))) for key, op, values in requirements),
        )
    return disruption_specs.read_budget(f, meta, selector)


def _hpa(f: Fields, meta: o.Meta) -> o.Disruption:
    """An autoscaling/v2 or v1 HorizontalPodAutoscaler (manifest/disruption_specs.py)."""
    return disruption_specs.read_autoscaler(f, meta)


#: The reader of each kind kubecheck reads (defaults applied before).
READERS: dict[str, Callable[[Fields, o.Meta], o.Record]] = {
    "Deployment": _deployment,
    "StatefulSet": _statefulset,
    "DaemonSet": _daemonset,
    "PersistentVolumeClaim": _claim,
    "PersistentVolume": _volume,
    "StorageClass": _storage_class,
    "Service": _service,
    "PodDisruptionBudget": _pdb,
    "HorizontalPodAutoscaler": _hpa,
}


def _type_field(doc: Document, field: str) -> str:
    """``kind`` or ``apiVersion`` of a document: a non-empty string, or ManifestError."""
    value = doc.obj.get(field)
    if not isinstance(value, str) or not value:
        got = "nothing" if value is None else describe_value(value)
        raise ManifestError(
            f"{doc.where}: {field}: expected a non-empty string (every Kubernetes object has "
            f"apiVersion and kind), got {got}",
            where=doc.where,
            path=field,
            expected="a string",
            got=got,
        )
    return value


def _builtin_group(api: str) -> bool:
    """Whether ``api`` is served by Kubernetes itself: the core group or a group without a dot
    (custom resources' groups must contain one), or a ``*.k8s.io`` group."""
    group = api.rpartition("/")[0]
    return "." not in group or group.endswith(".k8s.io")


def _migration_hint(f: Fields, api: str, kind: str) -> str:
    """What else moving ``api`` to its served version changes here (the migration guide's notable changes)."""
    selector = f.raw("spec.selector")
    if kind in o.WORKLOAD_KINDS and selector is MISSING:
        return " and add spec.selector, which apps/v1 requires"
    if kind == "PodDisruptionBudget" and selector == {}:
        return (
            " (mind the empty spec.selector: it selects no pod in policy/v1beta1 and every pod of the namespace "
            "in policy/v1)"
        )
    if api == "autoscaling/v2beta1" and kind == "HorizontalPodAutoscaler":
        return " (targetAverageUtilization becomes target.type: Utilization with target.averageUtilization)"
    return ""


def _api_and_kind(f: Fields, api: str, kind: str) -> None:
    """The API server's refusal of a removed apiVersion, a workload kind in a wrong version, or a misspelt kind."""
    if (api, kind) in REMOVED:
        release, instead = REMOVED[api, kind]
        f.add(
            "apiVersion",
            f"{api} {kind} was removed in Kubernetes {release}; use {instead}{_migration_hint(f, api, kind)} "
            f'(the API server answers: no matches for kind "{kind}" in version "{api}")',
        )
    elif kind in READERS and api not in API_VERSIONS[kind] and _builtin_group(api):
        f.add(
            "apiVersion",
            f'no matches for kind "{kind}" in version "{api}"; {kind} is {" or ".join(API_VERSIONS[kind])}',
        )
    elif kind not in READERS and kind not in OTHER_BUILTIN_KINDS and _builtin_group(api):
        by_case = [k for k in READERS if k.lower() == kind.lower()]
        close = by_case or difflib.get_close_matches(kind, list(READERS), n=1, cutoff=0.8)
        if close:
            f.add("kind", f'no matches for kind "{kind}" in version "{api}"; did you mean {close[0]}?')


def read(doc: Document) -> o.Record:
    """The record of one document (defaults applied, validated); ManifestError if the API server would refuse it."""
    obj = doc.obj
    kind, api = _type_field(doc, "kind"), _type_field(doc, "apiVersion")
    metadata = obj.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    shown = name if isinstance(name, str) and len(name) <= 63 else f"{name[:60]}..." if isinstance(name, str) else "?"
    ref = f"{kind.lower()}/{shown}"
    reader = READERS.get(kind)
    f = Fields(apply_defaults(obj) if reader else obj, doc.where, ref)
    meta = _meta(f, kind, doc.where)
    _api_and_kind(f, api, kind)
    if reader is None or api not in API_VERSIONS[kind]:
        f.raise_if_any()
        return o.Ignored(meta, api)
    record = reader(f, meta)
    f.raise_if_any()
    if isinstance(record, o.Deployment):
        spec = obj.get("spec")
        record = attrs.evolve(record, replicas_written=isinstance(spec, dict) and spec.get("replicas") is not None)
    return record


def read_records(docs: Sequence[Document]) -> tuple[list[tuple[Document, o.Record]], list[ManifestError]]:
    """(document, record) of each good document, and one ManifestError per document the API server
    would refuse (its first problem, and how many more)."""
    records: list[tuple[Document, o.Record]] = []
    rejected: list[ManifestError] = []
    for doc in docs:
        try:
            records.append((doc, read(doc)))
        except ManifestError as err:
            rejected.append(err)
    return records, rejected


def read_all(docs: Sequence[Document]) -> list[o.Record]:
    """Records of every document; one ManifestError naming the first problem (and how many more) if any."""
    records, rejected = read_records(docs)
    errors = [e for err in rejected for e in err.errors]
    if errors:
        more = len(errors) - 1
        raise ManifestError(
            errors[0] + (f" (and {more} more error{'s' if more > 1 else ''})" if more else ""), errors=tuple(errors)
        )
    return [r for _, r in records]


#: ``--validate``, as kubectl's: strict (the default of ``kubectl apply`` since v1.27: the API server's
#: strict field validation refuses an unknown field), warn (told on stderr, then dropped, as the API
#: server's ``fieldValidation=Warn`` does) or ignore (dropped; listed with --verbose).
VALIDATE_MODES = ("strict", "warn", "ignore")


def unknown_field_error(doc: Document, field: str, ref: str) -> ManifestError:
    """The API server's strict decoding error for an unknown field, with the nearest known name."""
    parent, _, name = field.rpartition(".")
    kind = doc.obj.get("kind")
    known = KNOWN[""] if not parent else KNOWN.get(f"{kind}.{parent}" if parent == "spec" else parent, set())
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    hint = f"; did you mean {parent + '.' if parent else ''}{close[0]}?" if close else ""
    return ManifestError(
        f'{doc.where}: {ref}: strict decoding error: unknown field "{field}"{hint} '
        "(kubectl apply's default --validate=strict; --validate=warn or ignore to check it anyway)",
        where=doc.where,
        path=field,
        expected="a field of " + (f"{kind}.{parent}" if parent else str(kind)),
        got=field,
    )


def unknown_fields(doc: Document) -> list[str]:
    """Fields kubecheck does not know at the top, metadata and spec levels (listed under --verbose)."""
    obj, kind = doc.obj, doc.obj.get("kind")
    out = [k for k in obj if k not in KNOWN[""] and kind in o.WORKLOAD_KINDS]
    metadata, spec = obj.get("metadata"), obj.get("spec")
    if isinstance(metadata, dict):
        out += [f"metadata.{k}" for k in metadata if k not in KNOWN["metadata"]]
    spec_known = KNOWN.get(f"{kind}.spec")
    if spec_known is not None and isinstance(spec, dict):
        out += [f"spec.{k}" for k in spec if k not in spec_known]
    return out
