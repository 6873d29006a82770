"""PodDisruptionBudgets and HorizontalPodAutoscalers in -f input (issue 16 items 5 and 7): manifest/disruption_specs.py
reads them, manifest/budgets.py matches them to workloads, reports findings and maps them to scope parameters.

Selector cases are apimachinery's (pkg/labels/selector_test.go TestRequirementSelectorMatching;
pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector for nil and empty); validation cases are
kubernetes' pkg/apis/policy/validation/validation_test.go and pkg/apis/autoscaling/validation
(validation_test.go TestValidateHorizontalPodAutoscaler's error table, messages from validation.go).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kubecheck import manifest
from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.manifest import budgets, loader, validation
from kubecheck.manifest import objects as o
from kubecheck.manifest.errors import ManifestError
from kubecheck.manifest.workloads import workloads as manifest_workloads
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.properties import hpa as hp

#: The item 7 examples, kept here until their expected-verdict files exist (then they move to examples/,
#: whose tests require one per manifest and read the directory recursively).
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

WEB = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec: {containers: [{name: web, image: nginx}]}
"""
DS = """---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: busybox}]}
"""


def _pdb(spec: str, name: str = "budget") -> str:
    return f"---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: {name}}}\nspec:\n{spec}"


def _hpa(spec: str, name: str = "scaler", api: str = "autoscaling/v2") -> str:
    return f"---\napiVersion: {api}\nkind: HorizontalPodAutoscaler\nmetadata: {{name: {name}}}\nspec:\n{spec}"


TARGET = "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"


def _records(text: str) -> list[o.Record]:
    return validation.read_all(loader.parse_stream(text, "app.yaml"))


def _error(text: str) -> str:
    """Every error line of the refused documents."""
    with pytest.raises(ManifestError) as info:
        _records(text)
    return "\n".join(info.value.errors)


# ---- selectors ---------------------------------------------------------------------------------


def _req(key: str, op: str, *values: str) -> o.Requirement:
    return o.Requirement(key, op, values)


@pytest.mark.parametrize(
    ("labels", "requirements", "match"),
    [
        # apimachinery pkg/labels/selector_test.go TestRequirementSelectorMatching (the rows without Gt/Lt,
        # which a LabelSelector cannot express)
        ({"x": "foo", "y": "baz"}, [_req("x", "In", "foo"), _req("y", "NotIn", "alpha")], True),
        ({"x": "foo", "y": "baz"}, [_req("x", "In", "foo"), _req("y", "In", "alpha")], False),
        ({"y": ""}, [_req("x", "NotIn", ""), _req("y", "Exists")], True),
        ({"y": ""}, [_req("x", "DoesNotExist"), _req("y", "Exists")], True),
        ({"y": ""}, [_req("x", "NotIn", ""), _req("y", "DoesNotExist")], False),
        ({"y": "baz"}, [_req("x", "In", "")], False),
    ],
)
def test_requirements_match_as_apimachinery_does(labels, requirements, match) -> None:
    assert o.LabelSelector((), tuple(requirements)).matches(labels) is match


def test_match_labels_and_expressions_must_all_hold() -> None:
    sel = o.LabelSelector((("app", "web"),), (_req("tier", "In", "front", "edge"),))
    assert sel.matches({"app": "web", "tier": "edge"})
    assert not sel.matches({"app": "web", "tier": "back"})
    assert not sel.matches({"app": "db", "tier": "front"})
    assert o.LabelSelector().matches({"anything": "x"})  # LabelSelectorAsSelector: empty → Everything


@pytest.mark.parametrize(
    ("selector", "selected"),
    [
        ("{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: NotIn, values: [back]}]}", True),
        ("{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [back]}]}", False),
        ("{matchExpressions: [{key: canary, operator: DoesNotExist}]}", True),
        ("{}", True),
    ],
)
def test_a_budget_selects_the_workloads_pods_by_its_selector(selector: str, selected: bool) -> None:
    records = _records(WEB + _pdb(f"  maxUnavailable: 1\n  selector: {selector}\n"))
    [d] = [r for r in records if isinstance(r, o.Deployment)]
    assert [b.meta.name for b in budgets.budgets_of(d, records)] == (["budget"] if selected else [])


# ---- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ['"0%"', '"1%"', '"100%"', "0", "1", "100"])
def test_valid_bounds_are_read(value: str) -> None:
    # policy validation_test.go TestValidateMinAvailablePodDisruptionBudgetSpec, successCases
    [_, pdb] = _records(WEB + _pdb(f"  minAvailable: {value}\n  selector: {{matchLabels: {{app: web}}}}\n"))
    assert isinstance(pdb, o.Disruption) and pdb.budget is not None
    assert str(pdb.budget.min_available) == value.strip('"')


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # TestValidateMinAvailablePodDisruptionBudgetSpec, failureCases ("1.1%", "nope", "-1%", "101%", -1)
        ('"1.1%"', 'spec.minAvailable: Invalid value: "1.1%": a valid percent string must be'),
        ('"nope"', 'spec.minAvailable: Invalid value: "nope": a valid percent string must be'),
        ('"-1%"', 'spec.minAvailable: Invalid value: "-1%": a valid percent string must be'),
        ('"101%"', "spec.minAvailable: Invalid value: 101%: must not be greater than 100%"),
        ("-1", "spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"),
    ],
)
def test_bad_bounds_are_refused(value: str, message: str) -> None:
    err = _error(WEB + _pdb(f"  minAvailable: {value}\n"))
    assert "poddisruptionbudget/budget: " + message in err


def test_both_bounds_are_refused() -> None:
    # TestValidatePodDisruptionBudgetSpec: minAvailable "0%" with maxUnavailable "10%"
    err = _error(WEB + _pdb('  minAvailable: "0%"\n  maxUnavailable: "10%"\n'))
    assert "spec: Invalid value: minAvailable and maxUnavailable cannot be both set" in err


def test_an_unknown_unhealthy_pod_policy_is_refused() -> None:
    err = _error(WEB + _pdb("  minAvailable: 1\n  unhealthyPodEvictionPolicy: Sometimes\n"))
    assert 'spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes"' in err


def test_a_bad_selector_operator_is_refused() -> None:
    # ValidateLabelSelectorRequirement
    err = _error(WEB + _pdb("  minAvailable: 1\n  selector: {matchExpressions: [{key: app, operator: Equals}]}\n"))
    assert 'spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator' in err


def test_a_misspelt_budget_field_is_refused_by_strict_validation() -> None:
    m_text = WEB + _pdb("  minAvaliable: 1\n  selector: {matchLabels: {app: web}}\n")
    m = manifest.read_workloads(["-"], m_text)
    [line] = m.rejected
    assert 'unknown field "spec.minAvaliable"; did you mean spec.minAvailable?' in line


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        # autoscaling validation.go validateHorizontalPodAutoscalerSpec and the test table's messages
        (
            "  minReplicas: 0\n  maxReplicas: 5\n",
            "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
        ),
        ("  maxReplicas: 0\n", "spec.maxReplicas: Invalid value: 0: must be greater than 0"),
        (
            "  minReplicas: 3\n  maxReplicas: 2\n",
            "spec.maxReplicas: Invalid value: 2: must be greater than or equal to",
        ),
        ("  minReplicas: 1\n", "spec.maxReplicas: Invalid value: 0: must be greater than 0"),
        (
            "  maxReplicas: 5\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization,"
            " averageUtilization: 0}}}]\n",
            "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
        ),
        (
            "  maxReplicas: 5\n  metrics: [{type: Resource, resource: {target: {type: Utilization, "
            "averageUtilization: 50}}}]\n",
            "spec.metrics[0].resource.name: Required value: must specify a resource name",
        ),
        (
            "  maxReplicas: 5\n  metrics: [{type: Resource}]\n",
            "spec.metrics[0].resource: Required value: must populate information for the given metric source",
        ),
        (
            "  maxReplicas: 5\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Bogus}}}]\n",
            'spec.metrics[0].resource.target.type: Invalid value: "Bogus": must be either Utilization, Value, or',
        ),
        (
            "  maxReplicas: 5\n  behavior: {scaleDown: {stabilizationWindowSeconds: 3601, policies: [{type: Pods, "
            "value: 1, periodSeconds: 60}]}}\n",
            "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to",
        ),
        (
            "  maxReplicas: 5\n  behavior: {scaleUp: {policies: [{type: Pods, value: 0, periodSeconds: 1801}]}}\n",
            "spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero",
        ),
        (
            "  maxReplicas: 5\n  behavior: {scaleUp: {selectPolicy: Max, policies: []}}\n",
            "spec.behavior.scaleUp.policies: Required value: must specify at least one Policy",
        ),
    ],
)
def test_bad_autoscalers_are_refused(spec: str, message: str) -> None:
    err = _error(WEB + _hpa(TARGET + spec))
    assert "horizontalpodautoscaler/scaler: " + message in err


def test_a_target_without_kind_or_name_is_refused() -> None:
    err = _error(WEB + _hpa("  scaleTargetRef: {apiVersion: apps/v1}\n  maxReplicas: 3\n"))
    assert "spec.scaleTargetRef.kind: Required value" in err and "spec.scaleTargetRef.name: Required value" in err
    err = _error(WEB + _hpa("  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: a/b}\n  maxReplicas: 3\n"))
    assert "spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'" in err


def test_v1_target_cpu_utilization_is_validated_at_the_v1_field() -> None:
    err = _error(WEB + _hpa(TARGET + "  maxReplicas: 3\n  targetCPUUtilizationPercentage: 0\n", api="autoscaling/v1"))
    assert "spec.targetCPUUtilizationPercentage: Invalid value: 0: must be greater than 0" in err


@pytest.mark.parametrize(
    ("api", "spec", "cpu", "others"),
    [
        ("autoscaling/v2", "  maxReplicas: 4\n", 80, ()),  # no metrics: DefaultCPUUtilization
        ("autoscaling/v1", "  maxReplicas: 4\n", 80, ()),  # v1 without a target: the conversion's 80
        ("autoscaling/v1", "  maxReplicas: 4\n  targetCPUUtilizationPercentage: 55\n", 55, ()),
        (
            "autoscaling/v2",
            "  maxReplicas: 4\n  metrics:\n  - {type: Resource, resource: {name: memory, target: {type: Utilization,"
            " averageUtilization: 70}}}\n  - {type: Resource, resource: {name: cpu, target: {type: Utilization,"
            " averageUtilization: 60}}}\n",
            60,
            ("Resource memory Utilization 70%",),
        ),
        (
            "autoscaling/v2",
            "  maxReplicas: 4\n  metrics: [{type: External, external: {metric: {name: queue_depth}, target: {type:"
            " AverageValue, averageValue: 30}}}]\n",
            None,
            ("External queue_depth",),
        ),
    ],
)
def test_autoscaler_metrics_are_read(api: str, spec: str, cpu: int | None, others: tuple[str, ...]) -> None:
    [_, hpa] = _records(WEB + _hpa(TARGET + spec, api=api))
    assert isinstance(hpa, o.Disruption) and hpa.autoscaler is not None
    assert (hpa.autoscaler.cpu_utilization, hpa.autoscaler.other_metrics) == (cpu, others)
    assert hpa.autoscaler.min_replicas == 1  # the default


# ---- findings -----------------------------------------------------------------------------------


def _findings(text: str) -> list[str]:
    return [str(f) for f in budgets.findings(_records(text))]


def test_a_budget_that_selects_nothing_is_found() -> None:
    assert _findings(WEB + _pdb("  minAvailable: 1\n  selector: {matchLabels: {app: db}}\n")) == [
        "poddisruptionbudget/budget: selects no pod of the workloads in these manifests: no pod template in "
        "namespace default matches its selector"
    ]
    assert _findings(WEB + _pdb("  minAvailable: 1\n")) == [
        "poddisruptionbudget/budget: selects no pod of the workloads in these manifests: it has no selector "
        "(policy/v1: a nil selector selects no pod)"
    ]


def test_pods_under_two_budgets_are_found() -> None:
    text = WEB + _pdb("  minAvailable: 1\n  selector: {matchLabels: {app: web}}\n", "a")
    text += _pdb("  maxUnavailable: 1\n  selector: {matchExpressions: [{key: tier, operator: Exists}]}\n", "b")
    [finding] = _findings(text)
    assert finding.startswith(
        "deployment/web: its pods match 2 PodDisruptionBudgets (poddisruptionbudget/a, poddisruptionbudget/b): "
        "every eviction of them is refused (500: This pod has more than one PodDisruptionBudget"
    )


@pytest.mark.parametrize(
    ("spec", "found"),
    [
        # disruption.go: no lister finds a DaemonSet and getScaleController fails (no /scale): failSafe, allowed 0
        ("  maxUnavailable: 1\n", True),
        ("  minAvailable: 50%\n", True),
        ("  minAvailable: 1\n", False),  # an integer minAvailable counts the pods: no finder is asked
    ],
)
def test_a_scale_bound_over_daemonset_pods_is_found(spec: str, found: bool) -> None:
    findings = _findings(DS + _pdb(spec + "  selector: {matchLabels: {app: agent}}\n"))
    expected = (
        "poddisruptionbudget/budget: selects the pods of daemonset/agent with maxUnavailable or a percentage "
        "minAvailable: the disruption controller finds no scale for a DaemonSet (daemonsets.apps does not implement "
        "the scale subresource), so every sync fails and disruptionsAllowed stays 0: the eviction API refuses (429) "
        "every eviction of a Ready pod it selects (an integer minAvailable counts the pods instead)"
    )
    assert findings == ([expected] if found else [])


def test_the_finder_fails_on_a_daemonset_pod() -> None:
    """The port the finding rests on: getExpectedScale over a DaemonSet's pod is the scale-subresource error."""
    ref = dsu.OwnerRef("DaemonSet", "apps/v1", "agent", "uid-agent")
    agent = dsu.ControllerObject("DaemonSet", "agent", "uid-agent", 0, scale_subresource=False)
    objects = {("DaemonSet", "agent"): agent}
    scale = dsu.get_expected_scale_of([ref], objects)
    assert scale.error == "DaemonSet does not implement the scale subresource"


@pytest.mark.parametrize(
    ("ref", "found"),
    [
        ("{apiVersion: apps/v1, kind: Deployment, name: web}", None),
        ("{apiVersion: apps/v1, kind: Deployment, name: api}", "its target deployment/api is not in these manifests"),
        ("{apiVersion: apps/v1, kind: DaemonSet, name: agent}", "its target daemonset/agent has no /scale subresource"),
        ("{apiVersion: v1, kind: Deployment, name: web}", "scaleTargetRef.apiVersion v1 puts Deployment in the core"),
        ("{kind: Deployment, name: web}", "scaleTargetRef.apiVersion (empty) puts Deployment in the core group"),
        ("{apiVersion: v1, kind: ConfigMap, name: web}", "scaleTargetRef ConfigMap (v1) is not a kind with a /scale"),
        ("{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: web}", None),  # a custom resource: not judged
    ],
)
def test_autoscaler_targets(ref: str, found: str | None) -> None:
    out = _findings(WEB + DS + _hpa(f"  scaleTargetRef: {ref}\n  maxReplicas: 3\n"))
    if found is None:
        assert out == []
    else:
        [line] = out
        assert line.startswith("horizontalpodautoscaler/scaler: " + found)


def test_two_autoscalers_on_one_deployment_are_found() -> None:
    text = WEB + _hpa(TARGET + "  maxReplicas: 3\n", "a") + _hpa(TARGET + "  maxReplicas: 5\n", "b")
    assert _findings(text) == [
        "deployment/web: 2 HorizontalPodAutoscalers target it (horizontalpodautoscaler/a, horizontalpodautoscaler/b): "
        "its pods are controlled by multiple HPAs, so none of them scales it (ScalingActive False, AmbiguousSelector)"
    ]


def test_an_autoscaler_in_another_namespace_does_not_target() -> None:
    text = WEB + _hpa(TARGET + "  maxReplicas: 3\n").replace("{name: scaler}", "{name: scaler, namespace: other}")
    [line] = _findings(text)
    assert "not in these manifests (namespace other)" in line


# ---- the Deployment scope parameters ------------------------------------------------------------


def _values(text: str) -> budgets.ScopeValues:
    records = _records(text)
    [d] = [r for r in records if isinstance(r, o.Deployment)]
    return budgets.deployment_scope_values(d, records)


def test_without_budget_or_autoscaler_every_parameter_is_off() -> None:
    v = _values(WEB)
    assert v.as_dict() == dict(budgets.OFF) and v.not_modelled == ()


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("  minAvailable: 3\n", {"pdb-min-available": "3"}),
        ('  minAvailable: "50%"\n', {"pdb-min-available": "50%"}),
        (
            "  maxUnavailable: 1\n  unhealthyPodEvictionPolicy: AlwaysAllow\n",
            {
                "pdb-max-unavailable": "1",
                "pdb-unhealthy-policy": "AlwaysAllow",
            },
        ),
    ],
)
def test_a_budget_sets_the_pdb_parameters_as_written(spec: str, expected: dict[str, str]) -> None:
    v = _values(WEB + _pdb(spec + "  selector: {matchLabels: {app: web}}\n"))
    assert v.as_dict() == {**dict(budgets.OFF), **expected}
    assert v.not_modelled == ()


def test_several_budgets_pass_the_first_and_a_second_budget_and_say_so() -> None:
    """eviction.go answers 500 for a pod under two budgets: the scope takes the first's spec and pdb-second-budget."""
    text = WEB + _pdb("  minAvailable: 1\n  selector: {}\n", "a") + _pdb("  minAvailable: 2\n  selector: {}\n", "b")
    v = _values(text)
    assert (v.as_dict()["pdb-min-available"], v.as_dict()["pdb-second-budget"]) == ("1", "true")
    assert v.not_modelled[0].startswith(
        "pods under 2 PodDisruptionBudgets (poddisruptionbudget/a, poddisruptionbudget/b): checked with "
        "poddisruptionbudget/a's spec and a second budget"
    )


def test_several_budgets_none_with_a_bound_leave_the_pdb_parameters_off_and_say_why() -> None:
    text = WEB + _pdb("  selector: {}\n", "a") + _pdb("  selector: {}\n", "b")
    v = _values(text)
    assert (v.as_dict()["pdb-min-available"], v.as_dict()["pdb-second-budget"]) == ("none", "false")
    assert v.not_modelled[0].startswith("pods under 2 PodDisruptionBudgets (poddisruptionbudget/a, ")
    assert "none with a bound" in v.not_modelled[0]


def test_a_budget_shared_with_a_daemonset_is_said() -> None:
    v = _values(WEB + DS + _pdb("  maxUnavailable: 1\n  selector: {}\n"))
    assert v.as_dict()["pdb-max-unavailable"] == "1" and v.as_dict()["pdb-other-pods"] == "0"
    assert v.not_modelled == (
        "poddisruptionbudget/budget also selects the pods of daemonset/agent: the scope counts this Deployment's "
        "pods only (a DaemonSet's pod count depends on the nodes); upstream every sync of this budget fails on the "
        "DaemonSet's pods (no /scale) and keeps disruptionsAllowed 0, which the rows here do not assume",
    )
    v = _values(WEB + DS + _pdb("  minAvailable: 1\n  selector: {}\n"))  # an integer minAvailable asks no finder
    assert v.not_modelled == (
        "poddisruptionbudget/budget also selects the pods of daemonset/agent: the scope counts this Deployment's "
        "pods only (a DaemonSet's pod count depends on the nodes)",
    )


def _deployment(name: str, replicas: int) -> str:
    return (
        f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n"
        f"  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n"
        f"    metadata: {{labels: {{app: {name}, tier: front}}}}\n"
        f"    spec: {{containers: [{{name: c, image: busybox}}]}}\n"
    )


def _values_of(text: str, name: str) -> budgets.ScopeValues:
    records = _records(text)
    [d] = [r for r in records if isinstance(r, o.Deployment) and r.meta.name == name]
    return budgets.deployment_scope_values(d, records)


@pytest.mark.parametrize(
    ("other", "pods", "said"),
    [
        # getExpectedScale sums the controllers' scales: the other Deployment's 2 pods count toward the budget
        (_deployment("api", 2), "2", None),
        (
            _deployment("api", 0),
            "0",
            "poddisruptionbudget/budget also selects the pods of deployment/api: the scope "
            "counts this Deployment's pods only (they have no replicas)",
        ),
        (
            _deployment("api", 5),
            "0",
            "poddisruptionbudget/budget also selects the pods of deployment/api: the scope "
            "counts this Deployment's pods only (their 5 pods are more than the 4 the scope takes)",
        ),
    ],
)
def test_a_budget_shared_with_another_deployment_counts_its_pods(other: str, pods: str, said: str | None) -> None:
    v = _values_of(WEB + other + _pdb('  minAvailable: "50%"\n  selector: {matchLabels: {tier: front}}\n'), "web")
    assert v.as_dict()["pdb-other-pods"] == pods and v.as_dict()["pdb-min-available"] == "50%"
    assert v.as_dict()["pdb-other-churn"] == "0"  # their pods are assumed Ready (budgets.py: the flapping adversary)
    assert v.not_modelled == ((said,) if said else ())
    assert v.assumed == (
        ()
        if said
        else (
            "poddisruptionbudget/budget also selects the pods of deployment/api: their 2 pods count toward the "
            "budget (pdb-other-pods), assumed Ready and not on a drained node",
        )
    )


def test_a_shared_budget_reaches_the_scope_and_the_notes_of_each_deployment() -> None:
    text = WEB + _deployment("api", 1) + _pdb("  minAvailable: 2\n  selector: {matchLabels: {tier: front}}\n")
    by_name = {w.obj.meta.name: w for w in manifest.workloads(_records(text))}
    assert (by_name["web"].scope.pdb_other_pods, by_name["api"].scope.pdb_other_pods) == (1, 3)
    assert any("their 3 pods count toward the budget" in n for n in by_name["api"].notes)
    assert not any("also selects" in n for n in by_name["api"].not_modelled)


def test_an_autoscaler_sets_the_hpa_parameters() -> None:
    spec = (
        "  minReplicas: 2\n  maxReplicas: 6\n  metrics: [{type: Resource, resource: {name: cpu, target: "
        "{type: Utilization, averageUtilization: 50}}}]\n"
    )
    v = _values(WEB + _hpa(TARGET + spec))
    assert v.as_dict() == {
        **dict(budgets.OFF),
        "hpa-max-replicas": "6",
        "hpa-min-replicas": "2",
        "hpa-target-utilization": "50",
    }
    assert v.not_modelled == ()


def test_an_autoscaler_without_cpu_utilization_is_not_modelled() -> None:
    spec = (
        "  maxReplicas: 6\n  metrics: [{type: Resource, resource: {name: memory, target: {type: AverageValue, "
        "averageValue: 1Gi}}}]\n"
    )
    v = _values(WEB + _hpa(TARGET + spec))
    assert v.as_dict()["hpa-max-replicas"] == "none"
    assert v.not_modelled == (
        "horizontalpodautoscaler/scaler: no CPU utilization target (Resource memory AverageValue): the autoscaler "
        "is not modelled",
    )


def test_behavior_is_passed_as_written_and_other_metrics_are_said_not_modelled() -> None:
    """spec.behavior goes to hpa-scale-up/-down with the API's defaults in the direction (and fields) left out
    (GenerateHPAScaleUpRules: 0 s, Max of 4 pods and 100 % per 15 s); a tolerance goes in as written, the feature
    gate that keeps it (HPAConfigurableTolerance, on by default in v1.35) named among the assumptions."""
    spec = (
        "  maxReplicas: 6\n  behavior: {scaleDown: {stabilizationWindowSeconds: 60, tolerance: 0.05, policies: [{type: "
        "Percent, value: 50, periodSeconds: 60}]}}\n  metrics:\n  - {type: Resource, resource: {name: cpu, "
        "target: {type: Utilization, averageUtilization: 70}}}\n  - {type: Pods, pods: {metric: {name: rps}, "
        "target: {type: AverageValue, averageValue: 100}}}\n"
    )
    v = _values(WEB + _hpa(TARGET + spec))
    assert v.as_dict()["hpa-target-utilization"] == "70"
    assert (v.as_dict()["hpa-scale-up"], v.as_dict()["hpa-scale-down"]) == (
        "0s,max,4pods/15s,100%/15s",
        "60s,max,50%/60s",
    )
    assert (v.as_dict()["hpa-scale-down-tolerance"], v.as_dict()["hpa-scale-up-tolerance"]) == ("0.05", "none")
    assert [n.split(":", 1)[1].strip() for n in v.not_modelled] == [
        "metrics other than CPU utilization are not modelled (Pods rps); upstream scales to the largest proposal "
        "over all metrics",
    ]
    assert [n.split(":", 1)[1].strip() for n in v.assumed] == [
        "spec.behavior's tolerance (scaleDown 0.05) is honoured: HPAConfigurableTolerance is Beta and on by "
        "default in v1.35 (with the gate off the API server drops the field and the controller's 0.1 applies)"
    ]


@pytest.mark.parametrize(
    ("behavior", "up", "down"),
    [
        ("{}", "0s,max,4pods/15s,100%/15s", "300s,max,100%/15s"),
        ("{scaleDown: {selectPolicy: Disabled}}", "0s,max,4pods/15s,100%/15s", "300s,disabled,100%/15s"),
        ("{scaleUp: {stabilizationWindowSeconds: 120, selectPolicy: Min}}", "120s,min,4pods/15s,100%/15s",
         "300s,max,100%/15s"),
        ("{scaleUp: {policies: [{type: Pods, value: 1, periodSeconds: 60}]}}", "0s,max,1pods/60s",
         "300s,max,100%/15s"),
    ],
)  # fmt: skip
def test_behavior_directions_take_the_api_defaults(behavior: str, up: str, down: str) -> None:
    v = _values(WEB + _hpa(TARGET + f"  maxReplicas: 4\n  behavior: {behavior}\n"))
    assert (v.as_dict()["hpa-scale-up"], v.as_dict()["hpa-scale-down"], v.not_modelled) == (up, down, ())


# ---- the examples of item 7 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ref", "expected"),
    [
        ("budget-blocks-drain.yaml", "deployment/checkout", {"pdb-min-available": "3"}),
        (
            "autoscaled-deployment.yaml",
            "deployment/api",
            {"hpa-max-replicas": "4", "hpa-min-replicas": "2", "hpa-target-utilization": "60"},
        ),
    ],
)
def test_example_deployments_map_to_scope_values(name: str, ref: str, expected: dict[str, str]) -> None:
    records = validation.read_all(loader.parse_stream((EXAMPLES / name).read_text(), name))
    [d] = [r for r in records if isinstance(r, o.Deployment) and r.meta.ref == ref]
    assert budgets.findings(records) == []
    assert budgets.deployment_scope_values(d, records).as_dict() == {**dict(budgets.OFF), **expected}


def test_the_quorum_example_has_one_budget_over_its_three_pods() -> None:
    name = "quorum-statefulset-budget.yaml"
    records = validation.read_all(loader.parse_stream((EXAMPLES / name).read_text(), name))
    [s] = [r for r in records if isinstance(r, o.StatefulSet)]
    [b] = budgets.budgets_of(s, records)
    assert (s.replicas, str(b.budget.max_unavailable) if b.budget else None) == (3, "1")
    assert budgets.findings(records) == []


# ---- the front door ------------------------------------------------------------------------------


def test_the_front_door_lists_the_autoscaler_findings() -> None:
    text = WEB + DS + _hpa("  scaleTargetRef: {apiVersion: apps/v1, kind: DaemonSet, name: agent}\n  maxReplicas: 3\n")
    m = manifest.read_workloads(["-"], text)
    assert [line for line in m.ignored if line.startswith("horizontalpodautoscaler/")] == [
        "horizontalpodautoscaler/scaler: its target daemonset/agent has no /scale subresource: the autoscaler cannot "
        "scale it (AbleToScale False, FailedGetScale); a DaemonSet runs one pod per eligible node"
    ]


RBAC_AND_APISERVICE = """---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:metrics-server"}
rules: []
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec: {group: metrics.k8s.io, version: v1beta1}
"""


def test_rbac_names_and_apiservices_of_a_real_install_are_not_refused() -> None:
    """kubernetes-sigs/metrics-server's release-ha overlay (kubectl kustomize, 5ed5d3a2) was refused five
    documents: RBAC names are path segments (ValidateRBACName), and APIService is a built-in kind."""
    m = manifest.read_workloads(["-"], WEB + RBAC_AND_APISERVICE)
    assert m.rejected == ()
    bad = RBAC_AND_APISERVICE.replace('"system:metrics-server"', '"a/b"')
    [line] = manifest.read_workloads(["-"], WEB + bad).rejected
    assert "clusterrole/a/b: metadata.name: Invalid value: \"a/b\": may not contain '/'" in line


def test_an_autoscaler_of_a_deployment_with_zero_replicas_is_found() -> None:
    # horizontal.go reconcileAutoscaler: scale.spec.replicas 0 with minReplicas != 0 disables scaling
    [line] = _findings(WEB.replace("replicas: 3", "replicas: 0") + _hpa(TARGET + "  maxReplicas: 3\n"))
    assert line == (
        "horizontalpodautoscaler/scaler: its target deployment/web has spec.replicas 0: the autoscaler does not "
        "scale it until it has replicas (ScalingActive False, ScalingDisabled)"
    )


def test_a_budget_without_bounds_is_found_and_said_not_modelled() -> None:
    # disruption.go getExpectedPodCount: neither bound → expected 0, desired 0; updatePdbStatus: allowed 0
    text = WEB + _pdb("  selector: {matchLabels: {app: web}}\n")
    [line] = _findings(text)
    assert line.startswith("poddisruptionbudget/budget: sets neither minAvailable nor maxUnavailable")
    v = _values(text)
    assert v.as_dict() == dict(budgets.OFF)
    assert [n.split(":")[0] for n in v.not_modelled] == [
        "poddisruptionbudget/budget sets neither minAvailable nor maxUnavailable"
    ]


def test_the_autoscaled_example_with_scale_up_disabled_reaches_the_rows_as_written() -> None:
    """The autoscaled example with ``behavior: {scaleUp: {selectPolicy: Disabled}}``: the workload's scope carries
    the behavior (no "not modelled" line for it), and its autoscaler row changes: without the behavior the
    apply/HPA fight is WITNESSED; with scale-up disabled the autoscaler never climbs back to its count after a
    re-apply (UNREACHABLE)."""
    text = (EXAMPLES / "autoscaled-deployment.yaml").read_text()
    behavior = text + "  behavior:\n    scaleUp:\n      selectPolicy: Disabled\n"
    fight = next(p for p in hp.PROPERTIES if p.name == "deployment.hpa.autoscaler_undoes_apply")
    verdicts = []
    for manifest_text in (text, behavior):
        [w] = manifest_workloads(_records(manifest_text))
        assert not [n for n in w.not_modelled if "behavior" in n]
        [r] = run.check(Task(MODEL, w.scope, [fight]))
        verdicts.append((str(w.scope.hpa_scale_up), r.verdict))
    assert verdicts == [("None", Verdict.WITNESSED), ("0s,disabled,4pods/15s,100%/15s", Verdict.UNREACHABLE)]
