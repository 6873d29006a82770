"""The nearest fix of a PodDisruptionBudget (manifest/fixes.py, issue 16 item 6): candidates over the
budget's minAvailable / maxUnavailable (as written: integer or percent; a switch removes the other
bound) and unhealthyPodEvictionPolicy, a patch aimed at the budget object, and the fix applied to the
YAML by merge patch and checked again from the manifest."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import pytest
from manifest_texts import patched

from kubecheck import manifest
from kubecheck.checker.result import Verdict
from kubecheck.cli import manifest_json, manifest_text
from kubecheck.manifest import fixes, scenarios, sizing
from kubecheck.model.controllers import disruption_util as dis
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.properties import catalog

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BLOCKS = EXAMPLES / "budget-blocks-drain.yaml"
DRAIN = "deployment.drain_eventually_completes"
ALLOWS = "deployment.budget_can_allow_an_eviction"
BUDGET_PROPERTIES = {DRAIN, ALLOWS, "deployment.budget_floor_holds_under_evictions"}


def _row(report: Any, prop: str) -> Any:
    [row] = [r for w in report.workloads for r in w.rows if r.result.property.name == prop]
    return row


@pytest.fixture
def only_budget_properties(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check only the budget's properties (the selection is sizing.select's, then narrowed): the fix search
    and the re-check run as in a full run, and what a fix breaks is told against these rows only."""
    select = sizing.select

    def narrowed(w: Any, faults: frozenset[str]) -> tuple[list[Any], list[Any]]:
        props, skipped = select(w, faults)
        return [p for p in props if p.name in BUDGET_PROPERTIES], skipped

    monkeypatch.setattr(sizing, "select", narrowed)


def _budget(**kw: Any) -> DeploymentScope:
    return DeploymentScope(replicas=3, **kw)


# -- candidates ----------------------------------------------------------------------------------


def test_budget_candidates_keep_the_written_form_and_nearest_first() -> None:
    cands = fixes.candidates("deployment", _budget(pdb_min_available=IntOrPercent(3)), limit=1000)
    budget_singles = [c for c in cands if set(c) == {"pdb_min_available"}]
    assert budget_singles[:3] == [
        {"pdb_min_available": IntOrPercent(2)},
        {"pdb_min_available": IntOrPercent(1)},
        {"pdb_min_available": IntOrPercent(0)},
    ]
    # the switch to maxUnavailable is two fields: the other bound removed, near the same floor (0)
    switch = {"pdb_min_available": None, "pdb_max_unavailable": IntOrPercent(1)}
    assert switch in cands
    assert cands.index({"pdb_min_available": IntOrPercent(2)}) < cands.index({"replicas": 4}) < cands.index(switch)
    assert {"pdb_unhealthy_policy": dis.ALWAYS_ALLOW} in cands
    # one patch targets one object: a budget field never pairs with a Deployment field
    for c in cands:
        targets = {fixes._target("deployment", {f: v}) for f, v in c.items()}
        assert len(targets) == 1, c


def test_a_percent_budget_gets_percent_candidates_resolving_to_nearby_counts() -> None:
    sc = _budget(pdb_min_available=IntOrPercent(100, True))
    cands = fixes.candidates("deployment", sc, 1000)
    values = [c["pdb_min_available"] for c in cands if set(c) == {"pdb_min_available"}]
    assert values and all(v.is_percent for v in values)
    # the disruption controller rounds a budget's percent up against the scale (3 replicas)
    assert [v.resolve(3, True) for v in values] == [2, 1, 0]
    assert values[0] == IntOrPercent(65, True)  # the multiple of 5 nearest 100% that still leaves one eviction


def test_only_budgets_the_api_server_accepts_are_candidates() -> None:
    sc = _budget(pdb_max_unavailable=IntOrPercent(0))
    for c in fixes.candidates("deployment", sc, 1000):
        changed = fixes._evolved(sc, c)
        if changed is None:
            continue
        spec = dis.BudgetSpec(changed.pdb_min_available, changed.pdb_max_unavailable, changed.pdb_unhealthy_policy)
        assert dis.validate_budget_spec(spec) == []
    # both bounds set: ValidatePodDisruptionBudgetSpec refuses it, so does the candidate filter
    assert fixes._evolved(sc, {"pdb_min_available": IntOrPercent(2)}) is None


def test_without_a_budget_no_budget_field_is_a_candidate() -> None:
    cands = fixes.candidates("deployment", DeploymentScope(replicas=3), 1000)
    assert not any(f.startswith("pdb_") for c in cands for f in c)


# -- the patch -----------------------------------------------------------------------------------


def test_a_budget_patch_targets_the_budget_object() -> None:
    sc = _budget(pdb_min_available=IntOrPercent(3))
    fix = fixes.Fix(
        DRAIN,
        fixes._changes("deployment", sc, {"pdb_min_available": IntOrPercent(2)}),
        "",
        kind=fixes.PDB,
        name="checkout",
        namespace="shop",
    )
    assert fix.on_budget and fix.object == "poddisruptionbudget/checkout"
    assert fix.kubectl() == (
        'kubectl patch poddisruptionbudget checkout -n shop --type merge -p \'{"spec":{"minAvailable":2}}\''
    )
    assert fix.yaml_lines() == ["# poddisruptionbudget/checkout (namespace shop)", "spec.minAvailable: 2  # was 3"]


def test_a_switch_removes_the_other_bound_with_a_merge_patch_null() -> None:
    sc = _budget(pdb_min_available=IntOrPercent(3))
    switch = {"pdb_min_available": None, "pdb_max_unavailable": IntOrPercent(1)}
    assert switch in fixes.candidates("deployment", sc, 1000)
    fix = fixes.Fix(DRAIN, fixes._changes("deployment", sc, switch), "", kind=fixes.PDB, name="checkout")
    assert fix.merge_patch() == {"spec": {"minAvailable": None, "maxUnavailable": 1}}
    assert fix.kubectl() == (
        "kubectl patch poddisruptionbudget checkout --type merge "
        '-p \'{"spec":{"minAvailable":null,"maxUnavailable":1}}\''
    )
    assert fix.yaml_lines()[1:] == [
        "spec.minAvailable: null  # was 3; the merge patch's null removes the field",
        "spec.maxUnavailable: 1  # was not set",
    ]


# -- found, re-checked, applied ------------------------------------------------------------------


@pytest.mark.usefixtures("only_budget_properties")
def test_drain_blocked_by_the_budget_gets_a_budget_patch_that_makes_the_drain_complete() -> None:
    report = manifest.check_manifests([BLOCKS], scenario="drain", fixes=True)
    row = _row(report, DRAIN)
    assert row.result.verdict is Verdict.VIOLATED
    fix = row.fix
    assert fix is not None and fix.found and not fix.breaks
    assert fix.kubectl() == 'kubectl patch poddisruptionbudget checkout --type merge -p \'{"spec":{"minAvailable":2}}\''
    assert fix.yaml_lines() == ["# poddisruptionbudget/checkout (namespace default)", "spec.minAvailable: 2  # was 3"]
    assert fix.checked.startswith("HOLDS at replicas=3 (explicit, ")
    # the same patch applied to the YAML and checked from the manifest, in the drain
    again = manifest.check_manifests(
        ["-"], stdin_text=patched(BLOCKS, "PodDisruptionBudget", "checkout", fix.merge_patch()), scenario="drain"
    )
    assert _row(again, DRAIN).result.verdict in fixes.GOOD
    # rendered: the text block and the JSON document name the budget as the patched object
    text = manifest_text.render(report)
    assert "nearest fix (drain_eventually_completes" in text and fix.kubectl() in text
    doc = manifest_json.row_document(row)["fix"]
    assert doc["object"] == {"kind": "PodDisruptionBudget", "name": "checkout", "namespace": "default"}
    assert doc["kubectl"] == fix.kubectl() and json.dumps(doc["merge_patch"]) == '{"spec": {"minAvailable": 2}}'


@pytest.mark.usefixtures("only_budget_properties")
def test_a_budget_that_never_allows_an_eviction_gets_a_budget_fix_without_a_scenario() -> None:
    report = manifest.check_manifests([BLOCKS], fixes=True)
    row = _row(report, ALLOWS)
    assert row.result.verdict is Verdict.VIOLATED
    fix = row.fix
    assert fix is not None and fix.found and fix.on_budget and fix.name == "checkout"
    again = manifest.check_manifests(
        ["-"], stdin_text=patched(BLOCKS, "PodDisruptionBudget", "checkout", fix.merge_patch())
    )
    assert _row(again, ALLOWS).result.verdict in fixes.GOOD


@pytest.mark.parametrize(
    ("changes", "good"),
    [
        ({"pdb_min_available": None, "pdb_max_unavailable": IntOrPercent(1)}, True),  # the switch
        ({"pdb_min_available": None, "pdb_max_unavailable": IntOrPercent(0)}, False),  # the same floor
        ({"pdb_unhealthy_policy": dis.ALWAYS_ALLOW}, False),  # every pod is healthy: the policy does not matter
    ],
)
def test_budget_changes_re_checked_in_the_drain(changes: dict[str, Any], good: bool) -> None:
    w = manifest.read_workloads([BLOCKS]).workloads[0]
    [w] = scenarios.apply((w,), "drain")
    [prop] = [p for p in catalog.PROPERTIES["deployment"] if p.name == DRAIN]
    [result] = fixes._check("deployment", w.scope, [prop], changes).values()
    assert (result.verdict in fixes.GOOD) is good


def test_with_every_property_the_budget_fix_breaks_none_that_held() -> None:
    """The acceptance run (``check -f examples/budget-blocks-drain.yaml --scenario drain --suggest-fixes``):
    every property of the workload, so the fix is told against all that held at its instance."""
    report = manifest.check_manifests([BLOCKS], scenario="drain", fixes=True)
    for prop in (DRAIN, ALLOWS):
        fix = _row(report, prop).fix
        assert fix is not None and fix.found and not fix.breaks, prop
        assert fix.merge_patch() == {"spec": {"minAvailable": 2}} and fix.object == "poddisruptionbudget/checkout"


# -- the autoscaler's minReplicas (a knob once DeploymentScope has hpa_min_replicas) ---------------


def test_autoscaler_min_replicas_values_stay_within_one_and_max_replicas() -> None:
    sc = SimpleNamespace(hpa_min_replicas=2, hpa_max_replicas=4)
    assert fixes._hpa_min(sc) == [3, 1, 4]
    assert fixes._has_autoscaler(sc) and not fixes._has_autoscaler(SimpleNamespace(hpa_max_replicas=None))


def test_the_autoscaler_knob_is_searched_exactly_when_the_scope_has_the_parameter() -> None:
    has = "hpa_min_replicas" in {f.name for f in attrs.fields(DeploymentScope)}
    knobs = {k.field: k for k in fixes.KNOBS["deployment"]}
    assert ("hpa_min_replicas" in knobs) is has
    if has:
        assert knobs["hpa_min_replicas"].target == fixes.HPA and knobs["hpa_min_replicas"].path == (
            "spec",
            "minReplicas",
        )


# -- a StatefulSet's budget ------------------------------------------------------------------------

COCKROACH = (
    Path(__file__).resolve().parents[1]
    / "corpus"
    / "manifests"
    / "kubernetes-examples-cockroachdb-statefulset-policy-v1.yaml"
)
STS_DRAIN = "statefulset.drain_eventually_completes"
STS_ALLOWS = "statefulset.budget_can_allow_an_eviction"


def test_cockroachdb_s_67_percent_budget_gets_the_nearest_percent_that_lets_the_drain_finish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """kubernetes/examples' cockroachdb: minAvailable 67% of 3 pods rounds up to 3 (getExpectedPodCount),
    so disruptionsAllowed stays 0 and kubectl drain never finishes; 65% resolves to 2 and it does."""
    select = sizing.select

    def narrowed(w: Any, faults: frozenset[str]) -> tuple[list[Any], list[Any]]:
        props, skipped = select(w, faults)
        return [p for p in props if p.name in (STS_DRAIN, STS_ALLOWS)], skipped

    monkeypatch.setattr(sizing, "select", narrowed)
    report = manifest.check_manifests([COCKROACH], scenario="drain", fixes=True)
    for prop in (STS_DRAIN, STS_ALLOWS):
        row = _row(report, prop)
        assert row.result.verdict is Verdict.VIOLATED
        fix = row.fix
        assert fix is not None and fix.found and not fix.breaks
        assert fix.yaml_lines() == [
            "# poddisruptionbudget/cockroachdb-budget (namespace default)",
            "spec.minAvailable: '65%'  # was '67%'",
        ]
        again = manifest.check_manifests(
            ["-"],
            stdin_text=patched(COCKROACH, "PodDisruptionBudget", "cockroachdb-budget", fix.merge_patch()),
            scenario="drain",
        )
        assert _row(again, prop).result.verdict in fixes.GOOD
