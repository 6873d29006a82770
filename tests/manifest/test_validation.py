"""The API server's validation messages, with document, object and field path."""

from __future__ import annotations

import pytest
from manifest_texts import deployment, statefulset

from kubecheck.manifest import loader, validation
from kubecheck.manifest.errors import ManifestError

DS = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent}}
spec:
  selector: {{matchLabels: {{app: a}}}}
  updateStrategy: {strategy}
  template:
    metadata: {{labels: {{app: a}}}}
    spec: {{containers: [{{name: a, image: x}}]}}
"""
W = "app.yaml (document 1): "


def _error(text: str) -> str:
    with pytest.raises(ManifestError) as err:
        validation.read_all(loader.parse_stream(text, "app.yaml"))
    assert "\n" not in str(err.value)
    return str(err.value)


@pytest.mark.parametrize(
    "text, message",
    [
        (
            deployment(strategy="strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}"),
            "deployment/web: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when "
            "`maxSurge` is 0",
        ),
        (
            deployment(strategy="strategy: {rollingUpdate: {maxUnavailable: '120%'}}"),
            'deployment/web: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "120%": must not be greater '
            "than 100%",
        ),
        (
            deployment(strategy="strategy: {rollingUpdate: {maxSurge: -1}}"),
            "deployment/web: spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal "
            "to 0",
        ),
        (
            deployment(strategy="strategy: {rollingUpdate: {maxSurge: oops}}"),
            'deployment/web: spec.strategy.rollingUpdate.maxSurge: Invalid value: "oops": a valid percent string '
            "must be",
        ),
        (
            deployment(strategy="strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}"),
            "deployment/web: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is "
            "'Recreate'",
        ),
        (
            deployment(strategy="strategy: {type: BlueGreen}"),
            'deployment/web: spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", '
            '"RollingUpdate"',
        ),
        (
            deployment(replicas=-1),
            "deployment/web: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        ),
        (deployment(replicas="three"), "deployment/web: spec.replicas: expected an integer, got the string 'three'"),
        (
            deployment(replicas=2**40),
            "deployment/web: spec.replicas: Invalid value: 1099511627776: must be less than or equal to 2147483647",
        ),
        (
            deployment(name="Web_App"),
            'deployment/Web_App: metadata.name: Invalid value: "Web_App": a lowercase RFC 1123 subdomain',
        ),
        (
            deployment().replace("selector: {matchLabels: {app: web}}", "selector: {matchLabels: {app: api}}"),
            "deployment/web: spec.template.metadata.labels: Invalid value: map[app:web]: `selector` does not match "
            "template `labels`",
        ),
        (
            deployment().replace("  selector: {matchLabels: {app: web}}\n", ""),
            "deployment/web: spec.selector: Required value",
        ),
        (
            deployment().replace(
                "containers: [{name: app, image: nginx}]",
                "containers: [{name: app, image: nginx}]\n      restartPolicy: Never",
            ),
            'deployment/web: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
        ),
        (
            deployment(strategy="minReadySeconds: 700"),
            "deployment/web: spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds",
        ),
        (
            deployment().split("  template:")[0] + "  template: 3\n",
            "deployment/web: spec.template: expected a mapping, got the integer 3",
        ),
        (
            statefulset().replace("serviceName: db", "serviceName: db\n  podManagementPolicy: Random"),
            'statefulset/db: spec.podManagementPolicy: Unsupported value: "Random": supported values: '
            '"OrderedReady", "Parallel"',
        ),
        (
            statefulset().replace(
                "serviceName: db", "serviceName: db\n  updateStrategy: {rollingUpdate: {partition: -2}}"
            ),
            "statefulset/db: spec.updateStrategy.rollingUpdate.partition: Invalid value: -2: must be greater than or "
            "equal to 0",
        ),
        (
            statefulset().replace(
                "serviceName: db", "serviceName: db\n  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}"
            ),
            "statefulset/db: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: must be greater "
            "than 0",
        ),
        (
            statefulset().replace(
                "serviceName: db", "serviceName: db\n  updateStrategy: {type: OnDelete, rollingUpdate: {partition: 1}}"
            ),
            'statefulset/db: spec.updateStrategy.rollingUpdate: Invalid value: "": only allowed for updateStrategy '
            "'RollingUpdate'",
        ),
        (
            statefulset().replace("[ReadWriteOnce]", "[ReadWriteSometimes]"),
            'statefulset/db: spec.volumeClaimTemplates[0].spec.accessModes: Unsupported value: "ReadWriteSometimes": '
            "supported values: "
            '"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
        ),
        (
            statefulset().replace("[ReadWriteOnce]", "[ReadWriteOncePod, ReadOnlyMany]"),
            "statefulset/db: spec.volumeClaimTemplates[0].spec.accessModes: Forbidden: may not use ReadWriteOncePod "
            "with other access modes",
        ),
        (
            statefulset().replace("[ReadWriteOnce]", "[]"),
            "statefulset/db: spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode "
            "is required",
        ),
        (
            DS.format(strategy="{rollingUpdate: {maxUnavailable: 1, maxSurge: 1}}"),
            "daemonset/agent: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when "
            "maxUnavailable is non-zero",
        ),
        (
            DS.format(strategy="{rollingUpdate: {maxUnavailable: '0%', maxSurge: 0}}"),
            "daemonset/agent: spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when "
            "maxSurge is 0",
        ),
        (
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {accessModes: [ReadWriteOnce]}\n",
            "persistentvolumeclaim/c: spec.resources[storage]: Required value",
        ),
        (
            "kind: Deployment\nmetadata: {name: x}\n",
            "apiVersion: expected a non-empty string (every Kubernetes object has apiVersion and kind), got nothing",
        ),
        ("apiVersion: apps/v1\nkind: [Deployment]\n", "kind: expected a non-empty string"),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {labels: {}}\nspec: {}\n",
            "deployment/?: metadata.name: Required value",
        ),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: web\n",
            "deployment/?: metadata: expected a mapping, got the string 'web'",
        ),
    ],
)
def test_api_server_messages(text: str, message: str) -> None:
    assert _error(text).startswith(W + message)


def test_every_error_is_kept_and_the_count_is_told() -> None:
    text = (
        deployment(replicas=-1, strategy="strategy: {type: BlueGreen}")
        + "---\n"
        + statefulset().replace("replicas: 3", "replicas: x")
    )
    with pytest.raises(ManifestError) as err:
        validation.read_all(loader.parse_stream(text, "app.yaml"))
    assert len(err.value.errors) == 3
    assert str(err.value).endswith("(and 2 more errors)")
    assert err.value.errors[2].startswith("app.yaml (document 2): statefulset/db: spec.replicas: expected an integer")


def test_kinds_not_read_and_custom_resources_are_ignored_not_errors() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\n---\n"
        "apiVersion: example.com/v1\nkind: Deploymnet\nmetadata: {name: d}\n"
    )
    records = validation.read_all(loader.parse_stream(text, "s"))
    assert [type(r).__name__ for r in records] == ["Ignored", "Ignored", "Ignored"]


def test_unknown_fields_are_listed() -> None:
    doc = loader.parse_stream(deployment(strategy="replica: 3") + "extra: 1\n", "s")[0]
    assert validation.unknown_fields(doc) == ["extra", "spec.replica"]
