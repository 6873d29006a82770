"""Vacuity of symbolic verdicts (checker/symbolic/vacuity.py), driven through the runner.

A PROVED from PDR or k-induction has its trigger asked as a safety question of its own: BMC
finding the behaviour (a replayed trace) makes it non-vacuous and says at which depth; PDR
proving it never happens (a re-checked invariant) makes it vacuous; anything else — the depth
bound, the time cap — leaves it unchecked, never claimed either way. With ``--for-all`` the
occurrence is at the values BMC chose and a vacuity proof covers every value; a sweep is
non-vacuous when one instance shows the trigger; the ordinal reading looks at its scope's
instance only.
"""

from __future__ import annotations

import re

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.result import ALL_VALUES, EACH_VALUE, Result, Vacuity, Verdict
from kubecheck.checker.symbolic import vacuity
from kubecheck.checker.task import Task
from kubecheck.model.kernel.property import Property, Trigger
from kubecheck.properties import catalog

ORDER = "pods_removed_in_reverse_order"
CONDEMNED = "a scale-down deleting a condemned pod"


@pytest.fixture(autouse=True)
def _time_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    """The vacuity query's cap raised, so that a loaded machine cannot turn a decided vacuity into an
    unchecked one (what the cap does is pinned by the test that sets it to zero)."""
    monkeypatch.setattr(vacuity, "SECONDS", 300.0)


def _prop(model_name: str, prop_name: str) -> Property:
    [prop] = catalog.properties(model_name, [prop_name])
    return prop


def _check(
    model_name: str,
    prop: Property,
    engine: str,
    settings: dict[str, object] | None = None,
    for_all: tuple[str, ...] = (),
    bounds: dict[str, tuple[int | None, int | None]] | None = None,
) -> Result:
    """One property at tiny through :func:`run.check` (``settings``: scope fields set before the
    property's adjustment, as the CLI's --set would)."""
    model = catalog.model(model_name)
    scope = attrs.evolve(model.presets["tiny"], **(settings or {}))
    task = Task(model=model, scope=scope, properties=(prop,), engine=engine, for_all=for_all, bounds=bounds or {})
    [r] = run.check(task)
    return r


@pytest.mark.parametrize("engine", ["pdr", "kind"])
def test_a_scale_down_ordering_with_no_scale_down_is_proved_vacuous_by_pdr(engine: str) -> None:
    r = _check("statefulset", _prop("statefulset", ORDER), engine, settings={"replicas": 0})
    assert r.verdict is Verdict.PROVED and r.engine == engine
    assert r.vacuity == Vacuity(True, False, f"{CONDEMNED} never happens: proved unreachable by PDR")
    assert r.verdict_text() == f"PROVED (vacuous: {CONDEMNED} never happens: proved unreachable by PDR)"


@pytest.mark.parametrize("engine", ["pdr", "kind"])
def test_a_scale_down_ordering_where_pods_are_condemned_is_non_vacuous_by_a_bmc_trace(engine: str) -> None:
    r = _check("statefulset", _prop("statefulset", ORDER), engine)
    assert r.verdict is Verdict.PROVED
    assert r.vacuity is not None and r.vacuity.checked and not r.is_vacuous
    assert re.fullmatch(rf"{CONDEMNED} occurs at depth \d+ \(BMC, trace replayed\)", r.vacuity.reason)
    assert r.verdict_text() == "PROVED"


def test_the_explicit_engine_and_pdr_agree_on_the_vacuity_of_each_case() -> None:
    prop = _prop("statefulset", ORDER)
    for settings in ({"replicas": 0}, {}):
        explicit = _check("statefulset", prop, "explicit", settings=settings)
        proved = _check("statefulset", prop, "pdr", settings=settings)
        assert explicit.verdict is Verdict.HOLDS and proved.verdict is Verdict.PROVED
        assert explicit.is_vacuous is proved.is_vacuous is (settings == {"replicas": 0})


def test_a_step_antecedent_of_the_deployment_is_reached_by_bmc() -> None:
    r = _check("deployment", _prop("deployment", "paused_creates_no_replicaset"), "pdr")
    assert r.verdict is Verdict.PROVED
    assert re.fullmatch(r"a step of a paused Deployment occurs at depth \d+ \(BMC, trace replayed\)", r.vacuity.reason)


def _task(model_name: str, prop: Property, **settings: object) -> Task:
    model = catalog.model(model_name)
    scope = attrs.evolve(model.presets["tiny"], **settings)
    return Task(model=model, scope=scope, properties=(prop,), engine="pdr")


@pytest.mark.parametrize(
    ("rollbacks", "expected"),
    [
        (0, Vacuity(True, False, "a `rollout undo` never happens: proved unreachable by PDR")),
        (1, Vacuity(True, True, "a `rollout undo` occurs at depth 2 (BMC, trace replayed)")),
    ],
)
def test_a_commands_trigger_is_the_command_enabled_somewhere(rollbacks: int, expected: Vacuity) -> None:
    """user.rollout_undo fires one step after a state where it is enabled (an edit, then the undo)."""
    prop = _prop("deployment", "rollback_restores_template")
    assert vacuity.decide(_task("deployment", prop, edits=1, rollbacks=rollbacks), prop) == expected


def _never(prop: Property) -> Property:
    return attrs.evolve(prop, trigger=Trigger(what="nothing", when=lambda ops, sc, s, t: False))


def test_bmc_alone_never_calls_a_verdict_vacuous() -> None:
    """The antecedent is never true: PDR proves it; BMC alone (prove=False) only says it did not reach it."""
    prop = _never(_prop("statefulset", ORDER))
    task = _task("statefulset", prop)
    assert vacuity.decide(task, prop) == Vacuity(True, False, "nothing never happens: proved unreachable by PDR")
    assert vacuity.decide(task, prop, prove=False) == Vacuity(
        False, False, f"not checked: nothing not reached within depth {vacuity.DEPTH} by BMC"
    )


def test_no_time_left_leaves_the_vacuity_unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vacuity, "SECONDS", 0.0)
    r = _check("statefulset", _prop("statefulset", ORDER), "pdr", settings={"replicas": 0})
    assert r.verdict is Verdict.PROVED
    assert r.vacuity == Vacuity(False, False, "not checked: no time left")
    assert r.verdict_text() == "PROVED (vacuity not checked)"


def test_a_proof_for_every_replica_count_is_non_vacuous_at_the_values_bmc_chose() -> None:
    r = _check("deployment", _prop("deployment", "paused_creates_no_replicaset"), "pdr", for_all=("replicas",))
    assert r.verdict is Verdict.PROVED and r.claim is not None and r.claim.kind == ALL_VALUES
    assert re.fullmatch(
        r"a step of a paused Deployment occurs at depth \d+ with replicas=\d+ \(BMC, trace replayed\)",
        r.vacuity.reason,
    )


def test_a_vacuity_proof_with_the_parameters_open_says_it_covers_every_value() -> None:
    prop = _never(_prop("deployment", "paused_creates_no_replicaset"))
    task = attrs.evolve(_task("deployment", prop), scope=prop.adjust(catalog.model("deployment").presets["tiny"]))
    found = vacuity.decide(attrs.evolve(task, for_all=("replicas",)), prop)
    assert found == Vacuity(True, False, "nothing never happens for every value of replicas: proved unreachable by PDR")


def test_a_sweep_is_non_vacuous_when_one_instance_shows_the_trigger() -> None:
    prop = _prop("statefulset", "pods_created_in_ordinal_order")
    r = _check("statefulset", prop, "kind", for_all=("replicas",), bounds={"replicas": (1, 2)})
    assert r.verdict is Verdict.PROVED and r.claim.kind == EACH_VALUE
    assert re.fullmatch(r"a pod creation occurs at depth \d+ \(BMC, trace replayed\) at replicas=1", r.vacuity.reason)
    assert r.verdict_text() == "PROVED"


def test_a_sweep_where_no_instance_shows_the_trigger_is_vacuous_at_each() -> None:
    prop = _never(_prop("statefulset", "pods_created_in_ordinal_order"))
    r = _check("statefulset", prop, "kind", for_all=("replicas",), bounds={"replicas": (1, 2)})
    assert r.verdict is Verdict.PROVED
    assert r.vacuity == Vacuity(
        True, False, "nothing never happens: proved unreachable by PDR (at each of replicas 1..2)"
    )


def test_a_proof_for_every_replica_count_by_the_ordinal_reading_looks_at_its_own_instance_only() -> None:
    """The ordinal reading cannot leave replicas open to PDR: BMC at the scope's replicas=2 reaches a pod
    creation (not vacuous); a trigger it does not reach there is unchecked, never called vacuous."""
    model = catalog.model("statefulset")
    prop = _prop("statefulset", "pods_created_in_ordinal_order")
    task = Task(
        model=model, scope=model.presets["small"], properties=(prop, _never(prop)), engine="pdr", for_all=("replicas",)
    )
    real, never = run.check(task)
    assert real.engine == never.engine == "ordinal" and real.verdict is never.verdict is Verdict.PROVED
    assert re.fullmatch(
        r"a pod creation occurs at depth \d+ \(BMC, trace replayed\) at replicas=2", real.vacuity.reason
    )
    assert real.vacuity.checked and not real.is_vacuous
    assert never.vacuity == Vacuity(
        False,
        False,
        f"not checked: nothing not reached within depth {vacuity.DEPTH} by BMC at replicas=2; not checked for the "
        "other replica counts",
    )
    assert never.verdict_text() == "PROVED (vacuity not checked)"
