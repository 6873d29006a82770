"""The bad-input corpus of ``kubecheck check``: YAML manifests and flags (issue 12, acceptance).

Every case runs the command in-process and asserts exit 2, nothing on stdout, exactly one
``Error: …`` line on stderr (click's ``Usage:``/``Try`` lines may precede it for a malformed
command line) that names the field, what was expected and what came, and no traceback.

Cases: 173 manifests given on standard input (wrong types, missing required fields,
bad int-or-percent values, negative numbers, selectors, access modes, tolerations, limits: huge
files, binary data, deep nesting, "billion laughs" aliases, empty and non-mapping documents),
8 given as files or directories, and 38 command lines (bad flags and values,
options of the other mode, unreadable or unwritable paths): 219 in all. With
``tests/cli/test_replay_bad_input.py`` (traces) and ``tests/manifest/test_diagnostics.py``
(diagnostics a Kubernetes user expects) they make the corpus of issue 12. A directory or stream
with good documents among bad ones is checked at the end of this file: every bad document
has its line, the good ones are checked, exit 2.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kubecheck.cli.main import cli
from kubecheck.manifest import loader

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: nginx}]
"""
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: app, image: postgres}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
"""
DAEMONSET = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: app, image: agent}]
      tolerations: [{key: k, operator: Equal, value: v, effect: NoSchedule}]
"""
CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
"""


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced once (the case fails loudly if ``old`` is not there)."""
    assert old in text, old
    return text.replace(old, new, 1)


def dep(old: str, new: str) -> str:
    return edit(DEPLOYMENT, old, new)


def sts(old: str, new: str) -> str:
    return edit(STATEFULSET, old, new)


def ds(old: str, new: str) -> str:
    return edit(DAEMONSET, old, new)


def claim(old: str, new: str) -> str:
    return edit(CLAIM, old, new)


REPLICAS = "replicas: 3"
SURGE = "maxSurge: 1"
UNAVAILABLE = "maxUnavailable: 0"
SELECTOR = "selector: {matchLabels: {app: web}}"
CONTAINERS = "containers: [{name: app, image: nginx}]"
TEMPLATE_LABELS = "metadata: {labels: {app: web}}"

#: (id, manifest text, fragments the one Error line must contain)
MANIFESTS: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    # -- replicas ---------------------------------------------------------------------------
    ("replicas-negative", dep(REPLICAS, "replicas: -1"), ("spec.replicas", "-1", "greater than or equal to 0")),
    ("replicas-string", dep(REPLICAS, 'replicas: "three"'), ("spec.replicas", "expected an integer", "'three'")),
    ("replicas-float", dep(REPLICAS, "replicas: 2.5"), ("spec.replicas", "integer", "2.5")),
    ("replicas-bool", dep(REPLICAS, "replicas: true"), ("spec.replicas", "integer", "true")),
    ("replicas-list", dep(REPLICAS, "replicas: [3]"), ("spec.replicas", "integer", "a list")),
    ("replicas-map", dep(REPLICAS, "replicas: {n: 3}"), ("spec.replicas", "integer", "a mapping")),
    ("replicas-int32-overflow", dep(REPLICAS, "replicas: 2147483648"), ("spec.replicas", "2147483648")),
    ("replicas-huge", dep(REPLICAS, "replicas: " + "9" * 40), ("spec.replicas", "40-digit")),
    ("replicas-5000-digits", dep(REPLICAS, "replicas: " + "9" * 5000), ("<stdin>", "integer")),
    ("replicas-helm", dep(REPLICAS, 'replicas: "{{ .Values.replicas }}"'), ("spec.replicas", "helm template")),
    ("replicas-numeric-string", dep(REPLICAS, 'replicas: "3"'), ("spec.replicas", "integer", "'3'")),
    ("replicas-inf", dep(REPLICAS, "replicas: .inf"), ("spec.replicas", "integer", "inf")),
    ("replicas-nan", dep(REPLICAS, "replicas: .nan"), ("spec.replicas", "integer", "nan")),
    # -- unknown fields: refused as kubectl apply's default --validate=strict refuses them ------
    (
        "unknown-spec-replica",
        dep(REPLICAS, "replica: 3"),
        ('unknown field "spec.replica"', "did you mean spec.replicas"),
    ),
    (
        "unknown-metadata-lables",
        dep("metadata: {name: web}", "metadata: {name: web, lables: {a: b}}"),
        ('"metadata.lables"', "did you mean metadata.labels"),
    ),
    ("unknown-top-level", DEPLOYMENT + "specs: {}\n", ('unknown field "specs"', "did you mean spec")),
    ("unknown-sts-service", sts("serviceName: db", "serviceNam: db"), ('"spec.serviceNam"', "spec.serviceName")),
    ("unknown-ds-update", ds("selector:", "updateStrat: {}\n  selector:"), ('"spec.updateStrat"', "updateStrategy")),
    # -- int-or-percent -----------------------------------------------------------------------
    ("surge-12x-percent", dep(SURGE, 'maxSurge: "12x%"'), ("maxSurge", "12x%")),
    ("surge-percent-word", dep(SURGE, 'maxSurge: "abc"'), ("maxSurge", "abc")),
    ("surge-negative", dep(SURGE, "maxSurge: -1"), ("maxSurge", "-1")),
    ("surge-negative-percent", dep(SURGE, 'maxSurge: "-10%"'), ("maxSurge", "-10%")),
    ("surge-float", dep(SURGE, "maxSurge: 1.5"), ("maxSurge", "1.5")),
    ("surge-bool", dep(SURGE, "maxSurge: true"), ("maxSurge", "true")),
    ("surge-list", dep(SURGE, "maxSurge: [1]"), ("maxSurge", "a list")),
    ("surge-percent-space", dep(SURGE, 'maxSurge: "10 %"'), ("maxSurge", "10 %")),
    ("surge-double-percent", dep(SURGE, 'maxSurge: "10%%"'), ("maxSurge", "10%%")),
    ("surge-empty-string", dep(SURGE, 'maxSurge: ""'), ("maxSurge",)),
    ("unavailable-over-100-percent", dep(UNAVAILABLE, 'maxUnavailable: "101%"'), ("maxUnavailable", "101%")),
    ("unavailable-negative", dep(UNAVAILABLE, "maxUnavailable: -2"), ("maxUnavailable", "-2")),
    ("unavailable-string", dep(UNAVAILABLE, "maxUnavailable: two"), ("maxUnavailable", "two")),
    ("surge-and-unavailable-zero", dep(SURGE, "maxSurge: 0"), ("maxUnavailable", "may not be 0", "maxSurge")),
    ("surge-zero-percent-unavailable-zero", dep(SURGE, 'maxSurge: "0%"'), ("maxUnavailable", "may not be 0")),
    # -- strategy -----------------------------------------------------------------------------
    ("strategy-type-unknown", dep("type: RollingUpdate", "type: BlueGreen"), ("spec.strategy.type", "BlueGreen")),
    ("strategy-type-case", dep("type: RollingUpdate", "type: rollingupdate"), ("spec.strategy.type", "rollingupdate")),
    ("strategy-type-int", dep("type: RollingUpdate", "type: 1"), ("spec.strategy.type", "1")),
    (
        "recreate-with-rolling-update",
        dep("type: RollingUpdate", "type: Recreate"),
        ("spec.strategy.rollingUpdate", "Recreate"),
    ),
    (
        "strategy-list",
        dep(
            "strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}",
            "strategy: [RollingUpdate]",
        ),
        ("spec.strategy", "a list"),
    ),
    (
        "rolling-update-string",
        dep("rollingUpdate: {maxSurge: 1, maxUnavailable: 0}", "rollingUpdate: fast"),
        ("rollingUpdate", "fast"),
    ),
    # -- other numeric fields ---------------------------------------------------------------------
    ("min-ready-negative", dep(REPLICAS, "replicas: 3\n  minReadySeconds: -5"), ("minReadySeconds", "-5")),
    ("min-ready-string", dep(REPLICAS, "replicas: 3\n  minReadySeconds: soon"), ("minReadySeconds", "soon")),
    (
        "progress-deadline-below-min-ready",
        dep(REPLICAS, "replicas: 3\n  minReadySeconds: 30\n  progressDeadlineSeconds: 10"),
        ("progressDeadlineSeconds", "10", "greater than minReadySeconds"),
    ),
    (
        "progress-deadline-string",
        dep(REPLICAS, "replicas: 3\n  progressDeadlineSeconds: ten"),
        ("progressDeadlineSeconds", "ten"),
    ),
    (
        "history-limit-negative",
        dep(REPLICAS, "replicas: 3\n  revisionHistoryLimit: -1"),
        ("revisionHistoryLimit", "-1"),
    ),
    ("paused-string", dep(REPLICAS, "replicas: 3\n  paused: sometimes"), ("spec.paused", "sometimes")),
    ("paused-int", dep(REPLICAS, "replicas: 3\n  paused: 2"), ("spec.paused", "2")),
    (
        "grace-period-negative",
        dep(CONTAINERS, CONTAINERS + "\n      terminationGracePeriodSeconds: -1"),
        ("terminationGracePeriodSeconds", "-1"),
    ),
    (
        "grace-period-string",
        dep(CONTAINERS, CONTAINERS + "\n      terminationGracePeriodSeconds: long"),
        ("terminationGracePeriodSeconds", "long"),
    ),
    # -- selectors ------------------------------------------------------------------------------
    ("selector-missing", dep("  " + SELECTOR + "\n", ""), ("spec.selector", "Required value")),
    ("selector-empty", dep(SELECTOR, "selector: {}"), ("spec.selector", "empty selector")),
    ("selector-mismatch", dep(SELECTOR, "selector: {matchLabels: {app: api}}"), ("selector", "does not match")),
    ("selector-string", dep(SELECTOR, "selector: app=web"), ("spec.selector", "app=web")),
    ("selector-list", dep(SELECTOR, "selector: [app]"), ("spec.selector", "a list")),
    ("match-labels-list", dep(SELECTOR, "selector: {matchLabels: [app, web]}"), ("matchLabels", "a list")),
    ("match-labels-int-value", dep(SELECTOR, "selector: {matchLabels: {app: 1}}"), ("matchLabels", "1")),
    ("match-labels-bool-value", dep(SELECTOR, "selector: {matchLabels: {app: yes}}"), ("matchLabels", "true")),
    ("match-labels-null-value", dep(SELECTOR, "selector: {matchLabels: {app: null}}"), ("matchLabels", "null")),
    (
        "match-expressions-bad-operator",
        dep(SELECTOR, "selector: {matchExpressions: [{key: app, operator: Is, values: [web]}]}"),
        ("matchExpressions[0].operator", "Is"),
    ),
    (
        "match-expressions-in-no-values",
        dep(SELECTOR, "selector: {matchExpressions: [{key: app, operator: In}]}"),
        ("matchExpressions[0].values", "Required value"),
    ),
    (
        "match-expressions-exists-with-values",
        dep(SELECTOR, "selector: {matchExpressions: [{key: app, operator: Exists, values: [web]}]}"),
        ("matchExpressions[0].values", "Forbidden"),
    ),
    (
        "match-expressions-empty-key",
        dep(SELECTOR, "selector: {matchExpressions: [{key: '', operator: Exists}]}"),
        ("matchExpressions[0].key", "non-empty"),
    ),
    (
        "match-expressions-not-a-map",
        dep(SELECTOR, "selector: {matchExpressions: [app]}"),
        ("matchExpressions[0]", "a mapping", "'app'"),
    ),
    (
        "match-expressions-not-a-list",
        dep(SELECTOR, "selector: {matchExpressions: {key: app}}"),
        ("matchExpressions", "a mapping"),
    ),
    (
        "match-expressions-int-value",
        dep(SELECTOR, "selector: {matchExpressions: [{key: app, operator: In, values: [1]}]}"),
        ("values[0]", "string", "1"),
    ),
    (
        "match-expressions-miss-template",
        dep(SELECTOR, "selector: {matchExpressions: [{key: app, operator: In, values: [api]}]}"),
        ("selector", "does not match"),
    ),
    (
        "match-expressions-not-in-template",
        dep(SELECTOR, "selector: {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}"),
        ("selector", "does not match"),
    ),
    (
        "match-expressions-does-not-exist",
        dep(SELECTOR, "selector: {matchExpressions: [{key: app, operator: DoesNotExist}]}"),
        ("selector", "does not match"),
    ),
    # -- template ------------------------------------------------------------------------------
    ("containers-empty", dep(CONTAINERS, "containers: []"), ("containers", "Required value")),
    ("containers-missing", dep(CONTAINERS, "hostNetwork: true"), ("containers", "Required value")),
    ("containers-string", dep(CONTAINERS, "containers: nginx"), ("containers", "'nginx'")),
    ("containers-map", dep(CONTAINERS, "containers: {name: app}"), ("containers", "a mapping")),
    ("container-not-a-map", dep(CONTAINERS, "containers: [nginx]"), ("containers[0]", "a mapping", "'nginx'")),
    ("template-labels-list", dep(TEMPLATE_LABELS, "metadata: {labels: [app]}"), ("labels", "a list")),
    ("template-labels-int-value", dep(TEMPLATE_LABELS, "metadata: {labels: {app: 7}}"), ("labels", "7")),
    (
        "template-string",
        dep("  template:\n    " + TEMPLATE_LABELS + "\n    spec:\n      " + CONTAINERS, "  template: web"),
        ("spec.template", "'web'"),
    ),
    (
        "restart-policy-never",
        dep(CONTAINERS, CONTAINERS + "\n      restartPolicy: Never"),
        ("restartPolicy", "Never", "Always"),
    ),
    (
        "restart-policy-on-failure",
        dep(CONTAINERS, CONTAINERS + "\n      restartPolicy: OnFailure"),
        ("restartPolicy", "OnFailure"),
    ),
    ("volumes-not-a-list", dep(CONTAINERS, CONTAINERS + "\n      volumes: data"), ("volumes", "'data'")),
    ("volume-not-a-map", dep(CONTAINERS, CONTAINERS + "\n      volumes: [data]"), ("volumes[0]", "a mapping")),
    (
        "volume-claim-without-name",
        dep(CONTAINERS, CONTAINERS + "\n      volumes: [{name: d, persistentVolumeClaim: {}}]"),
        ("claimName", "Required value"),
    ),
    ("node-selector-list", dep(CONTAINERS, CONTAINERS + "\n      nodeSelector: [ssd]"), ("nodeSelector", "a list")),
    # -- tolerations -----------------------------------------------------------------------------
    ("toleration-bad-operator", ds("operator: Equal", "operator: Matches"), ("tolerations[0].operator", "Matches")),
    ("toleration-bad-effect", ds("effect: NoSchedule", "effect: Never"), ("tolerations[0].effect", "Never")),
    (
        "toleration-exists-with-value",
        ds("operator: Equal", "operator: Exists"),
        ("tolerations[0].operator", "value must be empty"),
    ),
    ("toleration-empty-key-equal", ds("key: k, ", ""), ("tolerations[0].operator", "must be Exists")),
    (
        "toleration-seconds-no-execute",
        ds("effect: NoSchedule", "effect: NoSchedule, tolerationSeconds: 5"),
        ("tolerations[0].effect", "NoExecute"),
    ),
    (
        "toleration-seconds-string",
        ds("effect: NoSchedule", "effect: NoExecute, tolerationSeconds: soon"),
        ("tolerationSeconds", "soon"),
    ),
    (
        "toleration-not-a-map",
        ds("tolerations: [{key: k, operator: Equal, value: v, effect: NoSchedule}]", "tolerations: [k]"),
        ("tolerations[0]", "a mapping"),
    ),
    (
        "tolerations-string",
        ds("tolerations: [{key: k, operator: Equal, value: v, effect: NoSchedule}]", "tolerations: all"),
        ("tolerations", "'all'"),
    ),
    # -- DaemonSet ---------------------------------------------------------------------------------
    ("daemonset-unavailable-zero", ds("maxUnavailable: 1", "maxUnavailable: 0"), ("maxUnavailable", "0")),
    ("daemonset-unavailable-bad", ds("maxUnavailable: 1", 'maxUnavailable: "1x%"'), ("maxUnavailable", "1x%")),
    ("daemonset-surge-negative", ds("maxUnavailable: 1", "maxUnavailable: 1, maxSurge: -1"), ("maxSurge", "-1")),
    ("daemonset-strategy-unknown", ds("type: RollingUpdate", "type: Surge"), ("updateStrategy.type", "Surge")),
    (
        "daemonset-selector-missing",
        ds("  selector: {matchLabels: {app: agent}}\n", ""),
        ("spec.selector", "Required value"),
    ),
    (
        "daemonset-replicas-mismatch-labels",
        ds("metadata: {labels: {app: agent}}", "metadata: {labels: {app: other}}"),
        ("selector", "does not match"),
    ),
    # -- StatefulSet -------------------------------------------------------------------------------
    ("statefulset-replicas-negative", sts(REPLICAS, "replicas: -3"), ("spec.replicas", "-3")),
    (
        "statefulset-policy-unknown",
        sts("serviceName: db", "serviceName: db\n  podManagementPolicy: Random"),
        ("podManagementPolicy", "Random"),
    ),
    ("statefulset-strategy-unknown", sts("type: RollingUpdate", "type: Canary"), ("updateStrategy.type", "Canary")),
    ("statefulset-partition-negative", sts("partition: 0", "partition: -1"), ("partition", "-1")),
    ("statefulset-partition-string", sts("partition: 0", "partition: half"), ("partition", "half")),
    ("statefulset-unavailable-zero", sts("partition: 0", "partition: 0, maxUnavailable: 0"), ("maxUnavailable", "0")),
    (
        "statefulset-unavailable-bad",
        sts("partition: 0", 'partition: 0, maxUnavailable: "x%"'),
        ("maxUnavailable", "x%"),
    ),
    (
        "statefulset-ondelete-with-rolling-update",
        sts("type: RollingUpdate", "type: OnDelete"),
        ("rollingUpdate", "OnDelete"),
    ),
    (
        "statefulset-access-mode-unknown",
        sts("accessModes: [ReadWriteOnce]", "accessModes: [ReadWriteSometimes]"),
        ("accessModes", "ReadWriteSometimes"),
    ),
    (
        "statefulset-access-modes-empty",
        sts("accessModes: [ReadWriteOnce]", "accessModes: []"),
        ("accessModes", "Required value"),
    ),
    (
        "statefulset-access-mode-int",
        sts("accessModes: [ReadWriteOnce]", "accessModes: [1]"),
        ("accessModes[0]", "string", "1"),
    ),
    (
        "statefulset-access-modes-string",
        sts("accessModes: [ReadWriteOnce]", "accessModes: ReadWriteOnce"),
        ("accessModes", "ReadWriteOnce"),
    ),
    (
        "statefulset-rwop-with-other",
        sts("accessModes: [ReadWriteOnce]", "accessModes: [ReadWriteOncePod, ReadWriteOnce]"),
        ("accessModes", "ReadWriteOncePod"),
    ),
    (
        "statefulset-claim-template-no-name",
        sts("- metadata: {name: data}", "- metadata: {}"),
        ("volumeClaimTemplates[0].metadata.name", "Required value"),
    ),
    (
        "statefulset-claim-template-not-a-map",
        sts(
            "  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec:\n"
            "        accessModes: [ReadWriteOnce]\n        resources: {requests: {storage: 1Gi}}\n",
            "  volumeClaimTemplates: [data]\n",
        ),
        ("volumeClaimTemplates[0]", "a mapping"),
    ),
    (
        "statefulset-retention-unknown",
        sts("serviceName: db", "serviceName: db\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Keep}"),
        ("whenDeleted", "Keep"),
    ),
    (
        "statefulset-ordinals-negative",
        sts("serviceName: db", "serviceName: db\n  ordinals: {start: -1}"),
        ("ordinals.start", "-1"),
    ),
    # -- claims -----------------------------------------------------------------------------------
    ("claim-access-mode-unknown", claim("accessModes: [ReadWriteOnce]", "accessModes: [RWO]"), ("accessModes", "RWO")),
    ("claim-access-modes-missing", claim("  accessModes: [ReadWriteOnce]\n", ""), ("accessModes", "Required value")),
    ("claim-storage-missing", claim("  resources: {requests: {storage: 1Gi}}\n", ""), ("resources", "Required value")),
    # -- metadata, apiVersion, kind ------------------------------------------------------------------
    ("name-missing", dep("metadata: {name: web}", "metadata: {labels: {a: b}}"), ("metadata.name", "Required value")),
    ("name-uppercase", dep("metadata: {name: web}", "metadata: {name: Web}"), ("metadata.name", '"Web"', "RFC 1123")),
    ("name-underscore", dep("metadata: {name: web}", "metadata: {name: my_web}"), ("metadata.name", "my_web")),
    (
        "name-too-long",
        dep("metadata: {name: web}", "metadata: {name: " + "a" * 254 + "}"),
        ("metadata.name", "no more than 253 characters"),
    ),
    ("name-int", dep("metadata: {name: web}", "metadata: {name: 42}"), ("metadata.name", "42")),
    ("name-list", dep("metadata: {name: web}", "metadata: {name: [web]}"), ("metadata.name", "a list")),
    ("namespace-int", dep("metadata: {name: web}", "metadata: {name: web, namespace: 1}"), ("metadata.namespace", "1")),
    ("metadata-string", dep("metadata: {name: web}", "metadata: web"), ("metadata", "'web'")),
    (
        "labels-not-a-map",
        dep("metadata: {name: web}", "metadata: {name: web, labels: [a]}"),
        ("metadata.labels", "a list"),
    ),
    ("kind-missing", dep("kind: Deployment\n", ""), ("kind", "expected a non-empty string", "nothing")),
    ("kind-empty", dep("kind: Deployment", "kind: ''"), ("kind", "non-empty string")),
    ("kind-int", dep("kind: Deployment", "kind: 3"), ("kind", "the integer 3")),
    ("kind-misspelt", dep("kind: Deployment", "kind: Deploymnet"), ("kind", "Deploymnet", "did you mean Deployment")),
    ("kind-lowercase", dep("kind: Deployment", "kind: deployment"), ("kind", "did you mean Deployment")),
    ("api-version-missing", dep("apiVersion: apps/v1\n", ""), ("apiVersion", "expected a non-empty string")),
    ("api-version-list", dep("apiVersion: apps/v1", "apiVersion: [apps/v1]"), ("apiVersion", "a list")),
    (
        "api-version-extensions",
        dep("apiVersion: apps/v1", "apiVersion: extensions/v1beta1"),
        ("apiVersion", "extensions/v1beta1", "apps/v1"),
    ),
    (
        "api-version-apps-v1beta2",
        dep("apiVersion: apps/v1", "apiVersion: apps/v1beta2"),
        ("apiVersion", "apps/v1beta2", "apps/v1"),
    ),
    ("api-version-core-v1", dep("apiVersion: apps/v1", "apiVersion: v1"), ("apiVersion", '"v1"', "apps/v1")),
    ("spec-string", dep("spec:\n  replicas: 3", "spec: fast\nx:\n  replicas: 3"), ("spec", "'fast'")),
    ("spec-list", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: [1]\n", ("spec", "a list")),
    ("spec-missing", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n", ("spec", "Required value")),
    # -- YAML and documents ------------------------------------------------------------------------
    ("yaml-unclosed-flow", "a: [1, 2\n", ("<stdin> (document 1)", "invalid YAML at line", "expected ','")),
    ("yaml-unclosed-quote", 'a: "abc\n', ("invalid YAML", "quoted scalar")),
    ("yaml-bad-indent", DEPLOYMENT.replace("  replicas: 3", " replicas: 3"), ("invalid YAML at line",)),
    ("yaml-tab-indent", DEPLOYMENT.replace("  replicas: 3", "\treplicas: 3"), ("invalid YAML at line", "'\\t'")),
    ("yaml-python-tag", "!!python/object/apply:os.system [echo hi]\n", ("invalid YAML", "python/object")),
    ("yaml-unknown-tag", "kind: !secret x\n", ("invalid YAML", "!secret")),
    ("yaml-complex-key", "? [a, b]\n: 1\n", ("invalid YAML",)),
    (
        "yaml-duplicate-key",
        DEPLOYMENT.replace("  selector:", "  replicas: 5\n  selector:"),
        ('key "replicas" already set', "line 5"),
    ),
    ("yaml-helm-template", DEPLOYMENT.replace("replicas: 3", "replicas: {{ .Values.replicas }}"), ("helm template",)),
    ("yaml-undefined-alias", "a: *nothing\n", ("invalid YAML", "nothing")),
    ("yaml-int-key", "1: x\n", ("mapping key the integer 1 is not a string",)),
    ("yaml-null-key", "~: x\n", ("mapping key null is not a string",)),
    (
        "billion-laughs",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 9) + "]\n" for i in range(8)),
        ("more than 200000 values once YAML aliases are expanded",),
    ),
    ("deep-nesting-lists", "a: " + "[" * 100 + "]" * 100 + "\n", ("nested deeper than 64 levels",)),
    ("deep-nesting-parser", "a: " + "[" * 5000 + "]" * 5000 + "\n", ("<stdin> (document 1)",)),
    (
        "deep-nesting-maps",
        "".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + "v\n",
        ("nested deeper than 64",),
    ),
    ("nul-character", "apiVersion: apps/v1\nkind: Deploy\x00ment\n", ("invalid YAML", "unacceptable character #x0000")),
    ("recursive-alias-list", "a: &a [*a]\n", ("nested deeper than 64 levels",)),
    ("recursive-alias-map", "a: &a {b: *a}\n", ("nested deeper than 64 levels",)),
    ("merge-key-scalar", "a: {<<: 1}\n", ("invalid YAML", "merging", "scalar")),
    ("float-key", "1.5: x\n", ("mapping key the number 1.5 is not a string",)),
    ("name-a-date", dep("metadata: {name: web}", "metadata: {name: 2001-12-14}"), ("metadata.name", "a date")),
    ("more-than-1000-documents", "---\nkind: X\n" * 1001, ("more than 1000 objects",)),
    ("binary-stdin", b"\x80\x81kind: x\n", ("not UTF-8 text", "0x80")),
    ("list-document", "- 1\n- 2\n", ("expected a Kubernetes object", "got a list")),
    ("string-document", "just text\n", ("expected a Kubernetes object", "'just text'")),
    ("int-document", "42\n", ("expected a Kubernetes object", "the integer 42")),
    ("empty-stream", "", ("no Deployment, StatefulSet or DaemonSet",)),
    ("only-separators", "---\n---\n...\n", ("no Deployment, StatefulSet or DaemonSet",)),
    ("only-comments", "# nothing here\n", ("no Deployment, StatefulSet or DaemonSet",)),
    ("only-other-kinds", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", ("nothing to check", "configmap/c")),
    (
        "list-items-not-list",
        "apiVersion: v1\nkind: List\nitems: 3\n",
        ("List: items", "expected a list", "the integer 3"),
    ),
    ("list-item-not-object", "apiVersion: v1\nkind: List\nitems: [1]\n", ("List: items[0]", "the integer 1")),
    ("json-truncated", '{"apiVersion": "apps/v1", "kind": "Deployment"', ("invalid YAML",)),
    (
        "json-replicas-string",
        '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}, "spec": {"replicas": "3"}}',
        ("spec.replicas", "'3'"),
    ),
    (
        "custom-resource-only",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
        ("nothing to check", "widget/w"),
    ),
]


def _binary(n: int) -> bytes:
    return bytes(range(256)) * (n // 256 + 1)


#: (id, files to write: name -> content, -f arguments, fragments); paths are under tmp_path
FILES: list[tuple[str, dict[str, str | bytes], tuple[str, ...], tuple[str, ...]]] = [
    ("binary-file", {"app.yaml": _binary(1000)}, ("app.yaml",), ("not UTF-8 text", "byte 0x80")),
    (
        "latin1-file",
        {"app.yaml": "metadata: {name: caf\xe9}\n".encode("latin-1")},
        ("app.yaml",),
        ("not UTF-8", "0xe9"),
    ),
    (
        "huge-file",
        {"app.yaml": "a: " + "x" * (loader.MAX_SOURCE_BYTES + 10)},
        ("app.yaml",),
        ("over the limit of", "bytes per file"),
    ),
    ("empty-file", {"app.yaml": ""}, ("app.yaml",), ("nothing to check",)),
    ("empty-directory", {"notes.txt": "x"}, (".",), ("no *.yaml, *.yml or *.json files",)),
    ("missing-file", {}, ("missing.yaml",), ("cannot read", "missing.yaml", "no such file")),
    (
        "missing-file-beside-a-good-one",
        {"ok.yaml": DEPLOYMENT},
        ("ok.yaml", "missing.yaml"),
        ("cannot read", "missing.yaml", "no such file"),
    ),
    ("json-file-bad", {"app.json": '{"kind": 1}'}, ("app.json",), ("kind", "the integer 1")),
]

#: (id, command line, fragments); ``{ok}`` is a valid manifest, ``{tmp}`` a temporary directory
FLAGS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("nodes-zero", ("check", "-f", "{ok}", "--nodes", "0"), ("--nodes", "0", "1<=x<=64")),
    ("nodes-too-many", ("check", "-f", "{ok}", "--nodes", "65"), ("--nodes", "65")),
    ("nodes-word", ("check", "-f", "{ok}", "--nodes", "many"), ("--nodes", "many")),
    ("timeout-negative", ("check", "-f", "{ok}", "--timeout", "-1"), ("--timeout", "-1")),
    ("timeout-zero", ("check", "-f", "{ok}", "--timeout", "0"), ("--timeout", "0")),
    ("timeout-word", ("check", "-f", "{ok}", "--timeout", "soon"), ("--timeout", "soon")),
    ("workload-timeout-negative", ("check", "-f", "{ok}", "--workload-timeout", "-1"), ("--workload-timeout", "-1")),
    ("workload-timeout-without-f", ("check", "deployment", "--workload-timeout", "5"), ("--workload-timeout",)),
    ("max-states-zero", ("check", "-f", "{ok}", "--max-states", "0"), ("--max-states", "0")),
    ("max-states-word", ("check", "-f", "{ok}", "--max-states", "lots"), ("--max-states", "lots")),
    ("depth-negative", ("check", "deployment", "--depth", "-1"), ("--depth", "-1")),
    ("format-bad", ("check", "-f", "{ok}", "--format", "yaml"), ("--format", "yaml", "text")),
    ("format-bad-model", ("check", "deployment", "--format", "html"), ("--format", "html")),
    ("engine-bad", ("check", "-f", "{ok}", "--engine", "magic"), ("--engine", "magic")),
    ("faults-bad", ("check", "-f", "{ok}", "--faults", "meteor"), ("--faults", "meteor", "crash")),
    ("faults-empty", ("check", "-f", "{ok}", "--faults", ","), ("--faults",)),
    ("faults-bad-model", ("check", "deployment", "--faults", "meteor"), ("meteor",)),
    ("assume-access-mode-bad", ("check", "-f", "{ok}", "--assume-access-mode", "RWO"), ("--assume-access-mode", "RWO")),
    ("set-with-f", ("check", "-f", "{ok}", "--set", "replicas=2"), ("--set", "-f")),
    ("scope-with-f", ("check", "-f", "{ok}", "--scope", "tiny"), ("--scope", "-f")),
    ("model-and-f", ("check", "deployment", "-f", "{ok}"), ("MODEL", "-f")),
    ("set-bad-syntax", ("check", "deployment", "--scope", "tiny", "--set", "bad"), ("--set", "bad")),
    ("set-unknown-property", ("check", "deployment", "--scope", "tiny", "--set", "colour=red"), ("colour",)),
    ("set-bad-value", ("check", "deployment", "--scope", "tiny", "--set", "replicas=many"), ("replicas", "many")),
    ("set-negative-replicas", ("check", "deployment", "--scope", "tiny", "--set", "replicas=-1"), ("replicas", "-1")),
    ("set-bad-surge", ("check", "deployment", "--scope", "tiny", "--set", "max-surge=12x%"), ("12x%",)),
    ("scope-unknown", ("check", "deployment", "--scope", "gigantic"), ("gigantic",)),
    ("model-unknown", ("check", "cronjob"), ("cronjob",)),
    ("property-unknown", ("check", "deployment", "no_such_property", "--scope", "tiny"), ("no_such_property",)),
    ("option-unknown", ("check", "-f", "{ok}", "--colour"), ("--colour",)),
    ("f-missing-file", ("check", "-f", "{tmp}/missing.yaml"), ("missing.yaml", "no such file")),
    ("f-missing-argument", ("check", "-f"), ("-f", "requires an argument")),
    ("out-to-directory", ("check", "-f", "{ok}", "--out", "{tmp}"), ("cannot write", "directory")),
    ("out-in-missing-directory", ("check", "-f", "{ok}", "--out", "{tmp}/no/such/report.txt"), ("cannot write",)),
    ("nodes-without-f", ("check", "deployment", "--nodes", "3"), ("--nodes",)),
    ("for-all-with-f", ("check", "-f", "{ok}", "--for-all", "replicas"), ("--for-all",)),
    ("f-stdin-empty-input", ("check", "-f", "-"), ("nothing to check",)),
    ("command-unknown", ("verify",), ("verify",)),
]

MANIFEST_COUNT, FILE_COUNT, FLAG_COUNT = len(MANIFESTS), len(FILES), len(FLAGS)
TOTAL = MANIFEST_COUNT + FILE_COUNT + FLAG_COUNT


def the_error_line(result: Result) -> str:
    """The one ``Error:`` line of a refused run (exit 2, nothing on stdout, no traceback)."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, (result.exit_code, result.stdout[-2000:], result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    others = [line for line in lines if not line.startswith("Error: ")]
    assert all(line == "" or line.startswith(("Usage: ", "Try ")) for line in others), result.stderr
    return errors[0][len("Error: ") :]


def assert_names(line: str, fragments: tuple[str, ...]) -> None:
    missing = [f for f in fragments if f.lower() not in line.lower()]
    assert not missing, f"{line!r} does not name {missing}"


@pytest.mark.parametrize(("text", "fragments"), [c[1:] for c in MANIFESTS], ids=[c[0] for c in MANIFESTS])
def test_a_bad_manifest_is_one_line_and_exit_2(text: str | bytes, fragments: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, ["check", "-f", "-"], input=text)
    assert_names(the_error_line(result), fragments)


@pytest.mark.parametrize(("files", "args", "fragments"), [c[1:] for c in FILES], ids=[c[0] for c in FILES])
def test_a_bad_file_is_one_line_and_exit_2(
    tmp_path: Path, files: dict[str, str | bytes], args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    for name, content in files.items():
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    result = CliRunner().invoke(cli, ["check", *(a for p in args for a in ("-f", str(tmp_path / p)))])
    assert_names(the_error_line(result), fragments)


@pytest.mark.parametrize(("args", "fragments"), [c[1:] for c in FLAGS], ids=[c[0] for c in FLAGS])
def test_a_bad_command_line_is_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    ok = tmp_path / "ok.yaml"
    ok.write_text(DEPLOYMENT)
    line = [a.format(ok=ok, tmp=tmp_path) for a in args]
    result = CliRunner().invoke(cli, line, input="")
    assert_names(the_error_line(result), fragments)


#: a value of the wrong type is one error, not one more per field beneath it or per rule it then breaks
ONE_ERROR = (
    "strategy-list",
    "rolling-update-string",
    "selector-string",
    "selector-list",
    "match-labels-list",
    "match-labels-int-value",
    "template-labels-list",
    "template-labels-int-value",
    "template-string",
    "name-int",
    "spec-string",
    "spec-list",
)


@pytest.mark.parametrize("case", ONE_ERROR)
def test_a_value_of_the_wrong_type_is_one_error(case: str) -> None:
    [text] = [c[1] for c in MANIFESTS if c[0] == case]
    line = the_error_line(CliRunner().invoke(cli, ["check", "-f", "-"], input=text))
    assert "(and " not in line, line


def test_the_corpus_is_counted_in_the_docstring() -> None:
    assert TOTAL >= 150
    told = re.search(
        r"Cases: (\d+) manifests.*?(\d+) given as files.*?(\d+) command lines.*?(\d+) in all", __doc__ or "", re.S
    )
    assert told is not None and tuple(map(int, told.groups())) == (MANIFEST_COUNT, FILE_COUNT, FLAG_COUNT, TOTAL)


# -- a directory or stream with good documents among bad ones ------------------------------------


SMALL = dep(REPLICAS, "replicas: 1")  # a good Deployment that is quick to check


def test_every_bad_document_of_a_directory_has_its_line_and_the_good_one_is_checked(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(dep(REPLICAS, "replicas: -1") + "---\n" + SMALL.replace("web", "api"))
    (tmp_path / "b.yaml").write_text("a: [1, 2\n---\n" + SMALL + "---\n- 1\n")
    (tmp_path / "c.yaml").write_bytes(b"\xff\xfe")
    result = CliRunner().invoke(cli, ["check", "-f", str(tmp_path), "--format", "json"])
    assert result.exit_code == 2, result.stderr
    assert [line.split(": ", 2)[1] for line in result.stderr.splitlines()] == [
        f"{tmp_path}/a.yaml (document 1)",
        f"{tmp_path}/b.yaml (document 1)",
        f"{tmp_path}/b.yaml (document 3)",
        f"{tmp_path}/c.yaml",
    ]
    assert "spec.replicas: Invalid value: -1" in result.stderr
    assert "invalid YAML at line 2" in result.stderr  # the line in the file, not in its piece
    assert '"deployment/api"' in result.stdout and '"deployment/web"' in result.stdout


def test_quiet_keeps_the_rejected_lines_off_stderr_but_not_the_exit_code(tmp_path: Path) -> None:
    stream = "- 1\n---\n" + SMALL
    result = CliRunner().invoke(cli, ["check", "-f", "-", "-q", "--format", "json"], input=stream)
    assert (result.exit_code, result.stderr) == (2, "")
    assert '"deployment/web"' in result.stdout


def test_a_stream_whose_every_document_is_bad_prints_one_line_each_and_no_report() -> None:
    stream = "- 1\n---\na: [1\n---\n" + dep(REPLICAS, "replicas: x")
    result = CliRunner().invoke(cli, ["check", "-f", "-"], input=stream)
    assert (result.exit_code, result.stdout) == (2, "")
    assert [line.split(": ", 2)[1] for line in result.stderr.splitlines()] == [
        "<stdin> (document 1)",
        "<stdin> (document 2)",
        "<stdin> (document 3)",
    ]


def test_a_workload_defined_twice_rejects_the_later_one_and_checks_the_first() -> None:
    stream = SMALL + "---\n" + SMALL
    result = CliRunner().invoke(cli, ["check", "-f", "-", "--format", "json"], input=stream)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: <stdin> (document 2): deployment/web is defined twice in namespace default "
        "(first in <stdin> (document 1); the API server keeps one object per name)\n"
    )
    assert result.stdout.count('"deployment/web"') >= 1


TYPO = dep(REPLICAS, "replica: 3")


def test_validate_warn_tells_each_unknown_field_and_checks_the_document_without_it() -> None:
    result = CliRunner().invoke(cli, ["check", "-f", "-", "--validate", "warn"], input=TYPO)
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert warnings == ["Warning: <stdin> (document 1): spec.replica: unknown field, dropped (--validate=warn)"]
    assert "deployment/web" in result.stdout
    assert "replicas=1" in result.stdout  # the field is dropped: the API server's default replicas
    assert result.exit_code in (0, 12), result.stdout[-2000:]


def test_validate_ignore_drops_unknown_fields_silently_and_verbose_lists_them() -> None:
    quiet = CliRunner().invoke(cli, ["check", "-f", "-", "--validate", "ignore"], input=TYPO)
    assert "Warning" not in quiet.stderr and "Error" not in quiet.stderr
    verbose = CliRunner().invoke(cli, ["check", "-f", "-", "--validate", "ignore", "-v"], input=TYPO)
    assert "unknown fields (ignored): <stdin> (document 1): spec.replica" in verbose.stdout


def test_an_unknown_field_rejects_only_its_own_document() -> None:
    good = DEPLOYMENT.replace("name: web", "name: shop").replace("app: web", "app: shop")
    result = CliRunner().invoke(cli, ["check", "-f", "-"], input=TYPO + "---\n" + good)
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("Error: ")] == [
        'Error: <stdin> (document 1): deployment/web: strict decoding error: unknown field "spec.replica"; '
        "did you mean spec.replicas? (kubectl apply's default --validate=strict; --validate=warn or ignore "
        "to check it anyway)"
    ]
    assert "deployment/shop" in result.stdout
