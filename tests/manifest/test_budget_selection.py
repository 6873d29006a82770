"""PodDisruptionBudgets in -f input (issue 16 item 5, the static part): which pods a budget selects
(policy/v1: a nil selector none, an empty one every pod of the namespace), a budget that selects no
pod of the manifests' workloads, and pods under two budgets, which the eviction API refuses to evict
(pkg/registry/core/pod/storage/eviction.go; model/controllers/disruption_util.py)."""

from __future__ import annotations

import pytest

from kubecheck import manifest
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Budget
from kubecheck.manifest import execute, scenarios, sizing
from kubecheck.model.controllers import budget as bu
from kubecheck.model.kernel.intstr import IntOrPercent

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


def _pdb(name: str, selector: str | None, namespace: str = "default") -> str:
    spec = f"  selector: {selector}\n" if selector is not None else ""
    return (
        f"---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
        f"spec:\n  minAvailable: 1\n{spec}"
    )


def _read(text: str) -> manifest.Manifests:
    return manifest.read_workloads(["-"], text)


@pytest.mark.parametrize(
    ("selector", "selected"),
    [
        ("{matchLabels: {app: web}}", True),
        ("{matchLabels: {app: web, tier: front}}", True),
        ("{matchLabels: {app: db}}", False),
        ("{}", True),  # policy/v1: an empty selector selects every pod of the namespace
        (None, False),  # a nil selector selects no pod
    ],
)
def test_which_pods_a_budget_selects(selector: str | None, selected: bool) -> None:
    m = _read(WEB + _pdb("budget", selector))
    [w] = m.workloads
    # the Deployment model takes the budget it selects as written (manifest/workloads.py)
    covered = w.scope.pdb_min_available is not None
    assert covered is selected
    assert str(w.scope.pdb_min_available) == "1" if selected else w.scope.pdb_min_available is None
    idle = [line for line in m.ignored if line.startswith("poddisruptionbudget/budget selects no pod")]
    assert bool(idle) is not selected


def test_a_budget_without_selector_says_why_it_selects_nothing() -> None:
    m = _read(WEB + _pdb("budget", None))
    assert "poddisruptionbudget/budget selects no pod of the workloads in these manifests: it has no selector " in (
        "\n".join(m.ignored)
    )


def test_a_budget_in_another_namespace_does_not_select() -> None:
    m = _read(WEB + _pdb("budget", "{matchLabels: {app: web}}", namespace="other"))
    assert any(line.startswith("poddisruptionbudget/budget selects no pod") for line in m.ignored)


def test_pods_under_two_budgets_are_checked_with_the_first_and_a_second_budget() -> None:
    """The Deployment model takes the pair as pdb-second-budget: every eviction the budgets look at answers 500."""
    m = _read(WEB + _pdb("a", "{matchLabels: {app: web}}") + _pdb("b", "{}"))
    [w] = m.workloads
    assert w.scope.pdb_second_budget and str(w.scope.pdb_min_available) == "1"
    [note] = [n for n in w.not_modelled if "2 PodDisruptionBudgets" in n]
    assert note == (
        "pods under 2 PodDisruptionBudgets (poddisruptionbudget/a, poddisruptionbudget/b): checked with "
        "poddisruptionbudget/a's spec and a second budget (pdb-second-budget: the eviction API answers 500 for every "
        "pod it does not delete outright); the other budgets' own bounds are not checked"
    )


def test_the_manifests_drain_under_two_budgets_fails_on_the_500() -> None:
    """--scenario drain: the first eviction of a Ready pod answers 500 and kubectl drain fails for good."""
    [plain] = _read(WEB + _pdb("a", "{matchLabels: {app: web}}") + _pdb("b", "{}")).workloads
    w = scenarios.with_scenario(plain, "drain")
    props = [p for p in sizing.select(w)[0] if p.name == "deployment.drain_eventually_completes"]
    [row] = execute.execute_plan(sizing.plan(w, props, "auto", Budget(timeout=60)), 60)
    r = row.result
    assert r.verdict is Verdict.VIOLATED and r.trace is not None and r.trace.loop == len(r.trace.steps)
    assert r.trace.steps[-1].action.kwargs["answer"] == bu.FAILED_500


def test_a_daemonsets_pods_under_two_budgets_cannot_be_evicted() -> None:
    """The DaemonSet model has the budget (issue 16): the pair is the first budget's spec and pdb-second-budget (the
    eviction API's 500), as for a Deployment."""
    agent = WEB.replace("kind: Deployment", "kind: DaemonSet").replace("  replicas: 3\n", "")
    m = _read(agent + _pdb("a", "{matchLabels: {app: web}}") + _pdb("b", "{}"))
    [w] = m.workloads
    assert w.scope.pdb_second_budget and w.scope.pdb_min_available == IntOrPercent(1)
    [note] = [n for n in w.not_modelled if n.startswith("pods under 2 PodDisruptionBudgets")]
    assert note == (
        "pods under 2 PodDisruptionBudgets (poddisruptionbudget/a, poddisruptionbudget/b): checked with "
        "poddisruptionbudget/a's spec and a second budget (pdb-second-budget: the eviction API answers 500 for every "
        "pod it does not delete outright); the other budgets' own bounds are not checked"
    )


@pytest.mark.parametrize(
    ("expression", "selected"),
    [
        ("{key: app, operator: In, values: [web]}", True),
        ("{key: app, operator: NotIn, values: [web]}", False),
        ("{key: tier, operator: Exists}", True),
        ("{key: tier, operator: DoesNotExist}", False),
    ],
)
def test_match_expressions_are_evaluated(expression: str, selected: bool) -> None:
    """labels.Requirement.Matches on the pod template's labels (manifest/budgets.py, issue 16 item 5)."""
    m = _read(WEB + _pdb("budget", f"{{matchExpressions: [{expression}]}}"))
    [w] = m.workloads
    assert not any("matchExpressions are not evaluated" in n for n in w.not_modelled)
    idle = any(line.startswith("poddisruptionbudget/budget selects no pod") for line in m.ignored)
    assert idle is not selected
