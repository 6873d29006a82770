"""Vacuity in the verdict: a property whose behaviour never occurs in a search holds vacuously.

The explicit engine checks a property's trigger (properties/triggers.py) while it explores: the
antecedent like a witness, the commands from the firing counts. A HOLDS where the behaviour never
happened says so (``HOLDS (vacuous: …)``) and counts in the exit code under ``strict`` (exit 14);
where it happened, the HOLDS is plain. An engine that did not look never claims non-vacuity.
"""

from __future__ import annotations

import attrs
import pytest

from kubecheck.checker.explicit import bfs
from kubecheck.checker.result import EXIT_OK, EXIT_SAFETY, EXIT_UNWITNESSED, Result, Stats, Vacuity, Verdict, exit_code
from kubecheck.model.kernel.property import Property, Trigger
from kubecheck.properties import catalog
from kubecheck.properties.triggers import TRIGGERS, with_triggers


def _prop(model_name: str, prop_name: str) -> Property:
    """A property of the catalog with its trigger (the catalog's tables carry them: with_triggers is idempotent)."""
    [prop] = with_triggers(tuple(catalog.properties(model_name, [prop_name])))
    return prop


def _explore(model_name: str, prop_name: str, preset: str, **settings: object) -> Result:
    """The engine on one property at ``preset`` with ``settings`` (after the property's own adjustment)."""
    model = catalog.model(model_name)
    prop = _prop(model_name, prop_name)
    scope = prop.adjust(attrs.evolve(model.presets[preset], **settings))
    [result] = bfs.explore(model, scope, [prop])
    return result


def test_a_scale_down_ordering_with_no_scale_down_holds_vacuously() -> None:
    """replicas=0: the scale-down the property adjusts for is to 0 replicas, so no pod is ever condemned."""
    r = _explore("statefulset", "pods_removed_in_reverse_order", "small", replicas=0)
    assert r.verdict is Verdict.HOLDS
    assert r.is_vacuous
    assert r.verdict_text() == "HOLDS (vacuous: a scale-down deleting a condemned pod never happens)"
    assert "statefulset-controller.delete_condemned_pod" not in dict(r.property_coverage.commands)


def test_a_scale_down_ordering_where_pods_are_condemned_holds_plainly() -> None:
    r = _explore("statefulset", "pods_removed_in_reverse_order", "small")
    assert r.verdict is Verdict.HOLDS
    assert r.vacuity == Vacuity(True, True, "")
    assert r.verdict_text() == "HOLDS"
    cov = r.property_coverage
    assert {"pod_phase", "pod_terminating", "replicas"} <= set(cov.atoms)
    assert dict(cov.commands)["statefulset-controller.delete_condemned_pod"] > 0
    fired = {name for name, n in r.coverage.fired if n}
    # attach/detach write only volume fields: they fired, but never where this property's atoms are
    assert {"attach-detach.attach_volume", "attach-detach.detach_volume"} <= fired - set(dict(cov.commands))


@pytest.mark.parametrize(("rollbacks", "vacuous"), [(0, True), (1, False)])
def test_a_rollback_property_is_vacuous_exactly_when_no_rollout_undo_fires(rollbacks: int, vacuous: bool) -> None:
    """The engine given the scope directly (the runner would refuse rollbacks=0 set by the user)."""
    model = catalog.model("deployment")
    prop = _prop("deployment", "rollback_restores_template")
    scope = attrs.evolve(model.presets["tiny"], edits=1, rollbacks=rollbacks)
    [r] = bfs.explore(model, scope, [prop])
    assert r.verdict is Verdict.HOLDS
    assert r.is_vacuous is vacuous
    if vacuous:
        assert r.vacuity.reason == "a `rollout undo` never happens (user.rollout_undo never fired)"


def test_a_violated_property_is_never_called_vacuous() -> None:
    """The antecedent is searched only while the property is undecided; a violation carries no vacuity."""
    r = _explore("statefulset", "in_range_claims_kept", "tiny")  # not guaranteed: a quick scale-down-and-up
    assert r.property.trigger is not None and r.verdict is Verdict.VIOLATED
    assert r.vacuity is None and not r.is_vacuous


def test_an_antecedent_that_never_holds_makes_a_step_property_vacuous_and_one_that_holds_does_not() -> None:
    """The same property with two hand-written triggers: never true, and true on pod creation."""
    model = catalog.model("statefulset")
    prop = _prop("statefulset", "pods_created_in_ordinal_order")
    never = attrs.evolve(prop, trigger=Trigger(what="nothing", when=lambda ops, sc, s, t: False))
    scope = prop.adjust(model.presets["tiny"])
    r_never, r_real = bfs.explore(model, scope, [never, prop])
    assert (r_never.verdict, r_real.verdict) == (Verdict.HOLDS, Verdict.HOLDS)
    assert r_never.is_vacuous and r_never.vacuity.reason == "nothing never happens"
    assert not r_real.is_vacuous and r_real.vacuity.checked


def test_workers_evaluate_the_antecedent_and_call_the_same_search_vacuous() -> None:
    """tests/checker/test_vacuity_workers.py compares them with one process property by property."""
    model = catalog.model("statefulset")
    prop = _prop("statefulset", "pods_removed_in_reverse_order")
    scope = prop.adjust(attrs.evolve(model.presets["tiny"], replicas=0))
    [r] = bfs.explore(model, scope, [prop], workers=2)
    assert r.verdict is Verdict.HOLDS
    assert r.vacuity.checked and r.is_vacuous
    assert r.verdict_text() == "HOLDS (vacuous: a scale-down deleting a condemned pod never happens)"


def test_a_property_without_a_trigger_has_no_vacuity_but_has_its_coverage() -> None:
    r = _explore("statefulset", "pod_mounts_own_claim", "tiny")
    assert r.property.trigger is None and r.vacuity is None
    assert r.verdict_text() == r.verdict.value
    assert r.property_coverage is not None


def _result(verdict: Verdict, vacuity: Vacuity | None, kind: str = "always") -> Result:
    prop = Property(
        name="toy.p",
        kind=kind,
        doc="d",
        upstream="u",
        predicate=lambda ops, sc, s: True,
        trigger=Trigger(what="a thing", commands=("toy.do",)),
    )
    stats = Stats(1, 0, 0, 0.0, True, "exhausted")
    return Result(prop, verdict, catalog.model("statefulset").presets["tiny"], "explicit", stats, vacuity=vacuity)


def test_strict_counts_a_vacuous_holds_as_an_unreached_witness_and_nothing_else_changes() -> None:
    vacuous = _result(Verdict.HOLDS, Vacuity(True, False, "a thing never happens"))
    plain = _result(Verdict.HOLDS, Vacuity(True, True))
    unchecked = _result(Verdict.PROVED, None)
    assert exit_code([vacuous, plain, unchecked]) == EXIT_OK
    assert exit_code([vacuous, plain, unchecked], strict=True) == EXIT_UNWITNESSED
    assert exit_code([plain, unchecked], strict=True) == EXIT_OK
    violated = _result(Verdict.VIOLATED, None)
    assert exit_code([vacuous, violated], strict=True) == EXIT_SAFETY
    assert unchecked.verdict_text() == "PROVED (vacuity not checked)"


def test_every_trigger_names_a_property_of_the_catalog_and_commands_of_its_model() -> None:
    names = {p.name: p for table in catalog.PROPERTIES.values() for p in table}
    for name, trigger in TRIGGERS.items():
        assert name in names and names[name].kind in ("always", "step")
        model = catalog.model(names[name].model)
        for command in trigger.commands:
            model.command(command)  # raises for an unknown name


def test_a_trigger_needs_an_antecedent_or_commands_and_goes_with_always_and_step() -> None:
    with pytest.raises(ValueError, match="when"):
        Trigger(what="x")
    with pytest.raises(ValueError, match="always and step"):
        Property(
            name="toy.q",
            kind="sometimes",
            doc="d",
            upstream="u",
            predicate=lambda ops, sc, s: True,
            trigger=Trigger(what="x", commands=("a.b",)),
        )
