"""The nearest fix (manifest/fixes.py): candidates nearest first, patches a user can apply, and a fix
that, applied to the manifest and checked again from the YAML, makes the property hold."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from manifest_texts import patched

from kubecheck import manifest
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Budget
from kubecheck.cli import manifest_json, manifest_text
from kubecheck.manifest import fanout, fixes
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.kernel.intstr import IntOrPercent

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WEB = EXAMPLES / "web-deployment.yaml"
SURGE = "deployment.live_pods_within_surge"


def test_candidates_change_one_field_then_two_nearest_first_never_the_current_value() -> None:
    sc = DeploymentScope(replicas=3, max_surge=IntOrPercent(1), max_unavailable=IntOrPercent(0))
    cands = fixes.candidates("deployment", sc, limit=1000)
    assert cands[0] == {"strategy": "Recreate"}
    sizes = [len(c) for c in cands]
    assert sizes == sorted(sizes) and set(sizes) == {1, 2}
    assert {"max_surge": IntOrPercent(2)} in cands and {"max_surge": IntOrPercent(0)} in cands
    assert all(getattr(sc, f) != v for c in cands for f, v in c.items())
    assert cands.index({"max_surge": IntOrPercent(2)}) < cands.index({"max_surge": IntOrPercent(3)})
    assert len(fixes.candidates("deployment", sc)) == fixes.MAX_CANDIDATES


def test_recreate_has_no_rolling_knobs_and_a_refused_candidate_is_skipped() -> None:
    sc = DeploymentScope(strategy="Recreate")
    assert all("max_surge" not in c and "max_unavailable" not in c for c in fixes.candidates("deployment", sc, 1000))
    rolling = DeploymentScope(max_surge=IntOrPercent(1), max_unavailable=IntOrPercent(0))
    assert fixes._evolved(rolling, {"max_surge": IntOrPercent(0)}) is None  # both 0: the API server refuses it


def test_patch_lines() -> None:
    fix = fixes.Fix(
        SURGE,
        (
            fixes.Change(("spec", "strategy", "type"), "RollingUpdate", "Recreate"),
            fixes.Change(("spec", "replicas"), 3, 1),
        ),
        "HOLDS at replicas=3 (explicit, 10 states)",
        kind="Deployment",
        name="web",
        namespace="shop",
    )
    assert fix.merge_patch() == {"spec": {"strategy": {"type": "Recreate", "rollingUpdate": None}, "replicas": 1}}
    assert fix.kubectl() == (
        "kubectl patch deployment web -n shop --type merge "
        '-p \'{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null},"replicas":1}}\''
    )
    assert fix.yaml_lines() == ["spec.strategy.type: Recreate  # was RollingUpdate", "spec.replicas: 1  # was 3"]
    percent = fixes.Change(("spec", "strategy", "rollingUpdate", "maxSurge"), "25%", 1)
    assert fixes.Fix(SURGE, (percent,), "").yaml_lines() == ["spec.strategy.rollingUpdate.maxSurge: 1  # was '25%'"]


def test_the_fix_applied_to_the_yaml_makes_the_property_hold() -> None:
    report = manifest.check_manifests([WEB], fixes=True)
    [row] = [r for w in report.workloads for r in w.rows if r.result.property.name == SURGE]
    assert row.result.verdict is Verdict.VIOLATED
    fix = row.fix
    assert fix is not None and fix.found and not fix.breaks
    assert fix.checked.startswith("HOLDS at replicas=3 (explicit, ")
    again = manifest.check_manifests(["-"], stdin_text=patched(WEB, "Deployment", "web", fix.merge_patch()))
    [after] = [r for w in again.workloads for r in w.rows if r.result.property.name == SURGE]
    assert after.result.verdict in fixes.GOOD
    # rendered: the text block under the trace and the JSON document
    text = manifest_text.render(report)
    assert "nearest fix (live_pods_within_surge" in text and fix.kubectl() in text
    doc = manifest_json.row_document(row)["fix"]
    assert doc["found"] is True and doc["kubectl"] == fix.kubectl() and doc["merge_patch"] == fix.merge_patch()


def test_without_the_option_no_fix_is_searched() -> None:
    report = manifest.check_manifests([WEB])
    assert all(r.fix is None for w in report.workloads for r in w.rows)


def test_nothing_helps_says_what_was_searched() -> None:
    w = manifest.read_workloads([EXAMPLES / "shared-claim-deployment.yaml"]).workloads[0]
    report, _ = fanout.check_one(w, frozenset(), "auto", Budget(), 60.0)
    [row] = [r for r in report.rows if r.result.property.name == "deployment.rollout_eventually_completes"]
    assert row.result.verdict is Verdict.VIOLATED
    meta = w.obj.meta
    found = fixes.search_fixes("deployment", meta.kind, meta.name, meta.namespace, [row.result], row.size, limit=3)
    fix = found["deployment.rollout_eventually_completes"]
    assert not fix.found and fix.changes == ()
    assert fix.searched.startswith(
        "nothing helps: searched 3 configurations near the manifest's (one field, then two: "
    )
    assert fix.searched.endswith("each re-checked by the explicit engine at replicas=2")


@pytest.mark.parametrize("model", sorted(fixes.KNOBS))
def test_every_knob_names_a_scope_field(model: str) -> None:
    from kubecheck.properties import catalog

    scope_cls = catalog.model(model).scope_cls
    names = {f.name for f in attrs.fields(scope_cls)}
    assert {k.field for k in fixes.KNOBS[model]} <= names


def test_at_a_reduced_size_only_size_free_fields_are_candidates_and_the_checked_instance_is_the_changed_one() -> None:
    sc = DeploymentScope(replicas=3, max_surge=IntOrPercent(25, True), max_unavailable=IntOrPercent(25, True))
    reduced = fixes.candidates("deployment", sc, 1000, reduced=True)
    assert reduced and all(set(c) <= fixes.SIZE_FREE for c in reduced)
    assert any("replicas" in c for c in fixes.candidates("deployment", sc, 1000))
    assert fixes._resized("replicas=3, nodes=2", {"replicas": 1}) == "replicas=1, nodes=2"
    assert fixes._resized("nodes=3", {"max_surge": IntOrPercent(1)}) == "nodes=3"


def test_a_switch_to_recreate_is_said_to_break_the_availability_floor_the_rolling_update_kept() -> None:
    """Recreate has no floor (deployment_util.go:MinAvailable is 0 for it), so availability_floor still holds
    after the switch; the fix must not be offered as breaking nothing (found on kube-prometheus'
    prometheus-adapter: `strategy: Recreate` suggested for a caveat, nothing said broken)."""
    from kubecheck.checker import run
    from kubecheck.checker.task import Task
    from kubecheck.properties import catalog

    sc = DeploymentScope(replicas=2, max_surge=IntOrPercent(1), max_unavailable=IntOrPercent(1), edits=1)
    [floor] = catalog.properties("deployment", ["deployment.availability_floor"])
    [held] = run.check(Task(catalog.model("deployment"), sc, (floor,), engine="explicit"))
    assert held.verdict is Verdict.HOLDS
    assert fixes._check("deployment", held.scope, [floor], {"strategy": "Recreate"})[floor.name].verdict in fixes.GOOD
    assert fixes._breaks("deployment", [held], {"strategy": "Recreate"}) == ("deployment.availability_floor",)
    assert fixes._breaks("deployment", [held], {"max_surge": IntOrPercent(2)}) == ()
