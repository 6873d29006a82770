"""What a Kubernetes user is told about inputs that are not what the API server accepts.

Unrendered Helm templates, removed API versions, misspelt kinds, duplicate keys, selectors
whose ``matchExpressions`` miss the template's labels, empty ``containers``: each is one line
naming the file, the field, what was expected and what came, and exit 2 (issue 12, item 6).
The known-bad files of the public corpus (``tests/corpus/manifests/bad/``) are used as they are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from manifest_texts import deployment, statefulset

from kubecheck.cli.main import cli
from kubecheck.manifest import loader, validation

BAD = Path(__file__).resolve().parents[1] / "corpus" / "manifests" / "bad"
HELM = "render it first with `helm template`"


def error_line(*args: str, stdin: str | None = None) -> str:
    """The one ``Error: …`` line of ``kubecheck ARGS`` (exit 2, nothing on stdout)."""
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0][len("Error: ") :]


def rejected_lines(*args: str, stdin: str | None = None) -> str:
    """The ``Error: …`` line(s) of a run whose other documents were good: they are checked and
    reported on stdout, and the run exits 2."""
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert result.exit_code == 2, result.output
    assert "rejected documents" in result.stdout and "deployment/web" in result.stdout
    assert all(line.startswith("Error: ") for line in result.stderr.splitlines())
    return "\n".join(line[len("Error: ") :] for line in result.stderr.splitlines())


# -- unrendered Helm ------------------------------------------------------------------------


def test_an_unrendered_helm_chart_is_named_as_such() -> None:
    path = BAD / "metrics-server-helm-template-deployment.yaml"
    assert error_line("check", "-f", str(path)) == (
        f"{path} (document 1): looks like an unrendered Helm template "
        f'(line 7: {{{{- include "metrics-server.labels" . | nindent 4 }}}}); {HELM}'
    )


def test_a_helm_value_as_a_mapping_key_is_not_an_unhashable_key() -> None:
    text = deployment().replace("replicas: 3", "replicas: {{ .Values.replicas }}")
    assert error_line("check", "-f", "-", stdin=text) == (
        f"<stdin> (document 1): looks like an unrendered Helm template (line 5: {{{{ .Values.replicas }}}}); {HELM}"
    )


def test_a_quoted_helm_value_is_named_where_its_type_is_wrong() -> None:
    text = deployment().replace("replicas: 3", 'replicas: "{{ .Values.replicas }}"')
    assert error_line("check", "-f", "-", stdin=text) == (
        "<stdin> (document 1): deployment/web: spec.replicas: expected an integer, got the string "
        f"'{{{{ .Values.replicas }}}}' (looks like an unrendered Helm template; {HELM})"
    )


def test_a_quoted_helm_name_is_named_where_it_is_invalid() -> None:
    text = deployment().replace("metadata: {name: web}", 'metadata: {name: "{{ .Release.Name }}-web"}')
    assert error_line("check", "-f", "-", stdin=text).endswith(
        'metadata.name: Invalid value: "{{ .Release.Name }}-web": a lowercase RFC 1123 subdomain must consist of '
        "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
        f"(e.g. 'example.com') (looks like an unrendered Helm template; {HELM})"
    )


def test_invalid_yaml_without_template_actions_is_still_invalid_yaml() -> None:
    assert error_line("check", "-f", "-", stdin="a: [1, 2\n").startswith("<stdin> (document 1): invalid YAML at line 2")


# -- removed API versions, kinds in the wrong version, misspelt kinds ------------------------

REMOVED_TAIL = "was removed in Kubernetes v1.16; use apps/v1"


def test_an_extensions_v1beta1_daemonset_names_apps_v1_and_the_missing_selector() -> None:
    path = BAD / "kubernetes-examples-newrelic-infra-extensions-v1beta1.yaml"
    assert error_line("check", "-f", str(path)) == (
        f"{path} (document 1): daemonset/newrelic-infra-agent: apiVersion: extensions/v1beta1 DaemonSet "
        f"{REMOVED_TAIL} and add spec.selector, which apps/v1 requires "
        '(the API server answers: no matches for kind "DaemonSet" in version "extensions/v1beta1")'
    )


def test_the_removed_daemonset_is_found_among_other_documents() -> None:
    path = BAD / "flannel-minikube-extensions-v1beta1.yaml"
    assert error_line("check", "-f", str(path)).startswith(
        f"{path} (document 3): daemonset/kube-flannel-ds: apiVersion: extensions/v1beta1 DaemonSet {REMOVED_TAIL}"
    )


def test_an_apps_v1beta2_deployment_names_apps_v1() -> None:
    path = BAD / "argo-cd-apps-v1beta2-deployment.yaml"
    assert error_line("check", "-f", str(path)).startswith(
        f"{path} (document 1): deployment/nginx-deployment: apiVersion: apps/v1beta2 Deployment {REMOVED_TAIL}"
    )


def test_an_apps_v1beta1_statefulset_with_a_selector_is_told_only_the_version() -> None:
    text = statefulset().replace("apps/v1", "apps/v1beta1")
    assert error_line("check", "-f", "-", stdin=text) == (
        f"<stdin> (document 1): statefulset/db: apiVersion: apps/v1beta1 StatefulSet {REMOVED_TAIL} "
        '(the API server answers: no matches for kind "StatefulSet" in version "apps/v1beta1")'
    )


def test_the_cockroachdb_example_s_policy_v1beta1_budget_is_refused_and_its_statefulset_still_checked() -> None:
    path = BAD / "kubernetes-examples-cockroachdb-statefulset.yaml"
    result = CliRunner().invoke(cli, ["check", "-f", str(path), "--format", "json", "--quiet"])
    assert result.exit_code == 2, result.output
    doc = json.loads(result.stdout)
    assert doc["rejected"] == [
        f"{path} (document 3): poddisruptionbudget/cockroachdb-budget: apiVersion: policy/v1beta1 "
        "PodDisruptionBudget was removed in Kubernetes v1.25; use policy/v1 "
        '(the API server answers: no matches for kind "PodDisruptionBudget" in version "policy/v1beta1")'
    ]
    assert [w["object"] for w in doc["workloads"]] == ["statefulset/cockroachdb"]


BUDGET = """apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 1
  selector: {}
---
"""

AUTOSCALER = """apiVersion: autoscaling/v2beta1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
  metrics: [{type: Resource, resource: {name: cpu, targetAverageUtilization: 50}}]
---
"""


def test_a_policy_v1beta1_budget_with_an_empty_selector_is_told_what_policy_v1_changes() -> None:
    assert rejected_lines("check", "-f", "-", stdin=BUDGET + deployment()) == (
        "<stdin> (document 1): poddisruptionbudget/web: apiVersion: policy/v1beta1 PodDisruptionBudget was removed "
        "in Kubernetes v1.25; use policy/v1 (mind the empty spec.selector: it selects no pod in policy/v1beta1 and "
        "every pod of the namespace in policy/v1) "
        '(the API server answers: no matches for kind "PodDisruptionBudget" in version "policy/v1beta1")'
    )


@pytest.mark.parametrize(
    ("api", "release", "hint"),
    [
        (
            "autoscaling/v2beta1",
            "v1.25",
            " (targetAverageUtilization becomes target.type: Utilization with target.averageUtilization)",
        ),
        ("autoscaling/v2beta2", "v1.26", ""),
    ],
)
def test_a_removed_autoscaler_version_names_the_release_and_autoscaling_v2(api: str, release: str, hint: str) -> None:
    text = AUTOSCALER.replace("autoscaling/v2beta1", api) + deployment()
    assert rejected_lines("check", "-f", "-", stdin=text) == (
        f"<stdin> (document 1): horizontalpodautoscaler/web: apiVersion: {api} HorizontalPodAutoscaler was removed "
        f"in Kubernetes {release}; use autoscaling/v2{hint} "
        f'(the API server answers: no matches for kind "HorizontalPodAutoscaler" in version "{api}")'
    )


def test_a_budget_in_a_version_that_never_served_it() -> None:
    text = BUDGET.replace("policy/v1beta1", "policy/v2") + deployment()
    assert rejected_lines("check", "-f", "-", stdin=text) == (
        '<stdin> (document 1): poddisruptionbudget/web: apiVersion: no matches for kind "PodDisruptionBudget" in '
        'version "policy/v2"; PodDisruptionBudget is policy/v1'
    )


def test_a_workload_kind_in_a_version_that_never_served_it() -> None:
    text = deployment().replace("apps/v1", "v1")
    assert error_line("check", "-f", "-", stdin=text) == (
        '<stdin> (document 1): deployment/web: apiVersion: no matches for kind "Deployment" in version "v1"; '
        "Deployment is apps/v1"
    )


def test_a_misspelt_kind_gets_did_you_mean() -> None:
    text = deployment().replace("kind: Deployment", "kind: Deploymnet")
    assert error_line("check", "-f", "-", stdin=text) == (
        '<stdin> (document 1): deploymnet/web: kind: no matches for kind "Deploymnet" in version "apps/v1"; '
        "did you mean Deployment?"
    )


def test_a_kind_in_the_wrong_case_gets_did_you_mean() -> None:
    text = "apiVersion: v1\nkind: persistentvolumeclaim\nmetadata: {name: c}\n---\n" + deployment()
    assert rejected_lines("check", "-f", "-", stdin=text) == (
        '<stdin> (document 1): persistentvolumeclaim/c: kind: no matches for kind "persistentvolumeclaim" in '
        'version "v1"; did you mean PersistentVolumeClaim?'
    )


def test_template_braces_elsewhere_do_not_take_the_blame_for_a_yaml_error() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules}\ndata:\n  alert: '{{ $labels.instance }}'\n"
    assert error_line("check", "-f", "-", stdin=text + "---\na: [1, 2\n").startswith(
        "<stdin> (document 2): invalid YAML at line 8"
    )


# -- duplicate keys --------------------------------------------------------------------------


def test_a_duplicate_key_is_refused_with_both_lines() -> None:
    text = deployment().replace("  selector:", "  replicas: 5\n  selector:")
    assert error_line("check", "-f", "-", stdin=text) == (
        '<stdin> (document 1): invalid YAML at line 6, column 3: key "replicas" already set in this mapping at line 5 '
        "(duplicate keys are refused, as by the API server's strict decoding)"
    )


def test_a_duplicate_key_in_a_flow_mapping_of_a_later_document() -> None:
    text = deployment() + "---\n" + deployment(name="api").replace("{app: api}}", "{app: api, app: web}}", 1)
    assert rejected_lines("check", "-f", "-", stdin=text) == (
        '<stdin> (document 2): invalid YAML at line 17, column 38: key "app" already set in this mapping at line 17 '
        "(duplicate keys are refused, as by the API server's strict decoding)"
    )


def test_keys_merged_with_yaml_merge_keys_may_be_overridden() -> None:
    docs = loader.parse_stream("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  a: 3\n", "s")
    assert docs[0].obj["x"] == {"a": 3, "b": 2}


# -- selectors with matchExpressions, empty containers ----------------------------------------

NO_MATCH = "spec.template.metadata.labels: Invalid value: map[app:web]: `selector` does not match template `labels`"


def with_expressions(expressions: str, labels: str = "{app: web}") -> str:
    """The Deployment ``web`` whose selector is ``matchExpressions: EXPRESSIONS`` only."""
    return (
        deployment()
        .replace("selector: {matchLabels: {app: web}}", f"selector: {{matchExpressions: {expressions}}}")
        .replace("metadata: {labels: {app: web}}", f"metadata: {{labels: {labels}}}")
    )


@pytest.mark.parametrize(
    "expressions",
    [
        "[{key: app, operator: In, values: [api, db]}]",
        "[{key: app, operator: NotIn, values: [web]}]",
        "[{key: tier, operator: Exists}]",
        "[{key: app, operator: DoesNotExist}]",
        "[{key: app, operator: Exists}, {key: app, operator: In, values: [api]}]",
    ],
)
def test_match_expressions_that_miss_the_template_labels_are_refused(expressions: str) -> None:
    assert error_line("check", "-f", "-", stdin=with_expressions(expressions)) == (
        f"<stdin> (document 1): deployment/web: {NO_MATCH}"
    )


@pytest.mark.parametrize(
    "expressions",
    [
        "[{key: app, operator: In, values: [api, web]}]",
        "[{key: app, operator: NotIn, values: [api]}, {key: tier, operator: NotIn, values: [x]}]",
        "[{key: app, operator: Exists}, {key: tier, operator: DoesNotExist}]",
    ],
)
def test_match_expressions_that_hold_for_the_template_labels_are_accepted(expressions: str) -> None:
    records = validation.read_all(loader.parse_stream(with_expressions(expressions), "s"))
    assert [type(r).__name__ for r in records] == ["Deployment"]


def test_match_labels_and_match_expressions_must_both_hold() -> None:
    text = deployment().replace(
        "selector: {matchLabels: {app: web}}",
        "selector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: Exists}]}",
    )
    assert error_line("check", "-f", "-", stdin=text) == f"<stdin> (document 1): deployment/web: {NO_MATCH}"


@pytest.mark.parametrize(
    "expressions, message",
    [
        (
            "[{key: app, operator: Equals, values: [web]}]",
            'spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
        ),
        (
            "[{key: app, operator: In}]",
            "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is "
            "'In' or 'NotIn'",
        ),
        (
            "[{key: app, operator: Exists, values: [web]}]",
            "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is "
            "'Exists' or 'DoesNotExist'",
        ),
        (
            "[{operator: Exists}]",
            'spec.selector.matchExpressions[0].key: Invalid value: "": name part must be non-empty',
        ),
        (
            "[{key: app, operator: In, values: [1]}]",
            "spec.selector.matchExpressions[0].values[0]: expected a string (label values are strings; quote "
            "numbers and booleans), got the integer 1",
        ),
    ],
)
def test_a_malformed_requirement_gets_the_api_server_message(expressions: str, message: str) -> None:
    assert error_line("check", "-f", "-", stdin=with_expressions(expressions)) == (
        f"<stdin> (document 1): deployment/web: {message}"
    )


def test_empty_containers_are_refused() -> None:
    text = deployment().replace("containers: [{name: app, image: nginx}]", "containers: []")
    assert error_line("check", "-f", "-", stdin=text) == (
        "<stdin> (document 1): deployment/web: spec.template.spec.containers: Required value"
    )


def test_empty_containers_are_refused_for_every_workload_kind() -> None:
    text = statefulset().replace(
        "containers: [{name: app, image: postgres, volumeMounts: [{name: data, mountPath: /d}]}]", "containers: []"
    )
    assert "containers: []" in text
    assert error_line("check", "-f", "-", stdin=text) == (
        "<stdin> (document 1): statefulset/db: spec.template.spec.containers: Required value"
    )
