"""Tolerations decide which taints a DaemonSet scenario applies; traces name the manifest's selector.

Upstream: ``k8s.io/api/core/v1/toleration.go:ToleratesTaint`` (its test table,
toleration_test.go, for the rows below) and ``daemon_controller.go:NodeShouldRunDaemonPod``,
which schedules and keeps a pod on a node whose taints it tolerates. The acceptance test: a
DaemonSet of the public corpus tolerating every NoSchedule taint (a key-less ``operator:
Exists``) is never reported stuck by a NoSchedule taint.

The corpus tests also read the tolerations from the YAML and compare them with what the manifest
reader keeps (``objects.PodTemplate.tolerations``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import attrs
import pytest
import yaml

from kubecheck.checker import run
from kubecheck.checker.task import Task
from kubecheck.manifest import loader, validation
from kubecheck.manifest import objects as o
from kubecheck.manifest.workloads import selector_text, workloads
from kubecheck.model.controllers import daemonset as ds
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.kernel.scopes import ScopeError, with_settings
from kubecheck.properties import daemonset as dp

T = du.Toleration
NS, NE = du.NO_SCHEDULE_EFFECT, du.NO_EXECUTE_EFFECT
CORPUS = Path(__file__).parents[1] / "corpus" / "manifests"
#: corpus DaemonSets whose tolerations include a key-less Exists for NoSchedule (or every effect)
TOLERATE_EVERY_NO_SCHEDULE = (
    "flannel-kube-flannel.yaml",
    "fluent-bit-elasticsearch-ds.yaml",
    "kube-prometheus-node-exporter-daemonset.yaml",
    "node-problem-detector-daemonset.yaml",
)
STUCK = ("finished_or_stuck", "runs_on_every_eligible_node_with_relabels")


@pytest.mark.parametrize(
    ("toleration", "taint", "expected"),
    [
        (T(key="foo", operator="Equal", value="bar", effect=NS), ("foo", "bar", NS), True),
        (T(key="foo", operator="Equal", value="bar", effect=NS), ("foo", "baz", NS), False),
        (T(key="foo", value="bar", effect=NS), ("foo", "bar", NS), True),  # empty operator means Equal
        (T(key="foo", operator="Exists", effect=NS), ("foo", "anything", NS), True),
        (T(key="foo", operator="Exists", effect=NS), ("foo", "bar", NE), False),
        (T(key="foo", operator="Exists"), ("foo", "bar", NE), True),  # empty effect matches every effect
        (T(key="foo", operator="Exists"), ("other", "bar", NS), False),
        (T(operator="Exists"), ("other", "bar", NS), True),  # empty key with Exists matches every key
        (T(operator="Exists", effect=NS), ("other", "", NE), False),
        (T(key="foo", operator="Bogus", value="bar"), ("foo", "bar", NS), False),
    ],
)
def test_tolerates_taint_follows_upstream(toleration, taint, expected):
    assert du.tolerates_taint(toleration, *taint) is expected


@pytest.mark.parametrize(
    ("tolerations", "effects"),
    [
        ((), set()),
        ((T(operator="Exists"),), {NS, NE}),
        ((T(operator="Exists", effect=NS),), {NS}),
        ((T(operator="Exists", effect=NE),), {NE}),
        ((T(operator="Exists", effect=NE, seconds=300),), set()),  # evicted when the seconds run out
        ((T(operator="Exists", seconds=300),), {NS}),
        ((T(key="node-role.kubernetes.io/master", operator="Exists", effect=NS),), set()),  # one key only
        ((T(key="dedicated", value="infra", effect=NS),), set()),
    ],
)
def test_tolerated_effects(tolerations, effects):
    assert du.tolerated_effects(tolerations) == frozenset(effects)


def test_the_trace_taint_is_one_the_template_does_not_tolerate():
    assert du.untolerated_taint(()) == "dedicated=infra:NoSchedule"
    assert du.untolerated_taint((T(key="dedicated", operator="Exists"),)) == "kubecheck.io/untolerated=true:NoSchedule"
    assert du.untolerated_taint((T(operator="Exists", effect=NS),)) == ""


def test_relabel_targets_follow_tolerations_and_selector():
    e, n, i = du.ELIGIBLE, du.NO_SCHEDULE, du.INELIGIBLE
    assert DaemonSetScope().relabel_targets == (e, n, i)  # the presets: nothing tolerated
    assert all(sc.relabel_targets == (e, n, i) for sc in ds.PRESETS.values())
    assert DaemonSetScope(tolerates=frozenset({NS})).relabel_targets == (e, i)
    assert DaemonSetScope(tolerates=frozenset({NS}), node_selector="none").relabel_targets == (e, i)  # NoExecute
    assert DaemonSetScope(tolerates=frozenset({NS, NE}), node_selector="none").relabel_targets == (e,)
    assert DaemonSetScope(tolerates=frozenset({NE}), node_selector="a=b").relabel_targets == (e, n, i)


def test_a_tolerated_lifecycle_taint_does_not_stop_scheduling():
    assert du.node_should_run_daemon_pod(_ops(), du.ELIGIBLE, True) == (False, True)
    assert du.node_should_run_daemon_pod(_ops(), du.ELIGIBLE, True, tolerates_no_schedule=True) == (True, True)


def _ops():
    from kubecheck.model.kernel.ops import CONCRETE

    return CONCRETE


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "tolerates=NoSchedul",
            "unknown taint effect 'NoSchedul'; valid taint effects: NoSchedule, NoExecute (or none)",
        ),
        (
            "node-selector=a",
            "expected none, 'node affinity', daemon=<name> or key=value pairs separated by commas, got 'a'",
        ),
        (
            "taint=dedicated=infra:NoExecute",
            "expected a NoSchedule taint key[=value]:NoSchedule, got 'dedicated=infra:NoExecute'",
        ),
    ],
)
def test_bad_settings_name_what_was_expected(raw, message):
    key, value = raw.split("=", 1)
    with pytest.raises(ScopeError) as info:
        with_settings(DaemonSetScope(), {key: value})
    assert message in str(info.value)


def test_a_class_no_taint_can_make_is_refused():
    with pytest.raises(ScopeError) as info:
        with_settings(DaemonSetScope(), {"tolerates": "NoSchedule", "node-classes": "eligible,no-schedule"})
    assert str(info.value) == (
        "node-classes: no-schedule cannot occur: no label or untolerated taint makes it "
        "(tolerates=NoSchedule, node-selector=daemon=<name>)"
    )


def test_settings_round_trip():
    sc = with_settings(DaemonSetScope(), {"tolerates": "NoSchedule", "node-selector": "kubernetes.io/os=linux"})
    assert (sc.tolerates, sc.node_selector) == (frozenset({NS}), "kubernetes.io/os=linux")
    assert with_settings(DaemonSetScope(), {"node-selector": "daemon=<name>"}).node_selector == ""


# -- the corpus: read the tolerations from the YAML, as the manifest reader would ------------


def _tolerations(raw: list) -> tuple[du.Toleration, ...]:
    return tuple(
        T(
            key=t.get("key", ""),
            operator=t.get("operator", ""),
            value=t.get("value", ""),
            effect=t.get("effect", ""),
            seconds=t.get("tolerationSeconds"),
        )
        for t in raw
    )


@cache
def _workload(name: str):
    docs = [d for d in yaml.safe_load_all((CORPUS / name).read_text()) if d and d.get("kind") == "DaemonSet"]
    raw = docs[0]["spec"]["template"]["spec"].get("tolerations", [])
    records = validation.read_all(loader.load([CORPUS / name]))
    out = []
    for r in records:
        if isinstance(r, o.DaemonSet):
            assert r.template.tolerations == _tolerations(raw)  # the reader keeps them as the YAML says
        out.append(r)
    (w,) = workloads(out)
    return w


@pytest.mark.parametrize("name", TOLERATE_EVERY_NO_SCHEDULE)
def test_corpus_daemonsets_tolerating_every_no_schedule_taint_are_never_stuck_by_one(name):
    w = _workload(name)
    assert NS in w.scope.tolerates
    assert du.NO_SCHEDULE not in w.scope.relabel_targets
    props = [p for p in dp.PROPERTIES if p.short in STUCK]
    results = {r.property.short: r for r in run.check(Task(ds.MODEL, w.scope, props))}
    for short in STUCK:
        assert results[short].verdict.value == "HOLDS", (name, short, results[short].verdict)


@pytest.mark.parametrize("name", TOLERATE_EVERY_NO_SCHEDULE)
def test_corpus_traces_name_the_manifest_selector(name):
    w = _workload(name)
    assert w.scope.node_selector == selector_text(w.obj.template)
    assert "daemon=" not in w.scope.node_selector


def test_selector_text():
    base = dict(labels=(), claims=(), termination_grace_seconds=30, has_readiness_probe=False)
    assert selector_text(o.PodTemplate(node_selector=(("kubernetes.io/os", "linux"),), scheduling=(), **base)) == (
        "kubernetes.io/os=linux"
    )
    assert selector_text(o.PodTemplate(node_selector=(), scheduling=("nodeAffinity",), **base)) == "node affinity"
    assert selector_text(o.PodTemplate(node_selector=(), scheduling=("tolerations",), **base)) == "none"


def test_without_the_toleration_the_same_scope_is_stuck_by_a_no_schedule_taint():
    """The contrast: the corpus scope with nothing tolerated meets the NoSchedule taint and is stuck."""
    sc = attrs.evolve(_workload("flannel-kube-flannel.yaml").scope, tolerates=frozenset())
    props = [p for p in dp.PROPERTIES if p.short == "finished_or_stuck"]
    (result,) = run.check(Task(ds.MODEL, sc, props))
    assert result.verdict.value == "VIOLATED"
