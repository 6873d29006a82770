"""Deployment properties proved for every replicas, maxSurge and maxUnavailable by their stated lemmas.

Issue 15, item 2: ``availability_floor_with_failing_release``, ``rollback_restores_template`` and
``recreate_runs_one_revision_at_a_time`` were INCONCLUSIVE at ``small`` with the parameters open
(Spacer unknown after 20 s). Each now states why it holds (``Property.lemmas`` in
properties/deployment.py); Houdini keeps the inductive part and the proof is re-checked by fresh
solvers and its SMT-LIB certificate re-run. The lemmas prove nothing that does not hold: the same
lemmas under RollingUpdate (where two templates do run at once) give a violation. Sampling decides
violations with the least parameters of its grid and a shortest trace read off its own
breadth-first search: the same length as explicit search's, whether the instance was explored by
the reference interpreter (few states) or compiled.
"""

from __future__ import annotations

import attrs
import pytest

from kubecheck.checker.certify import run_smtlib
from kubecheck.checker.discovery import samples
from kubecheck.checker.explicit import bfs
from kubecheck.checker.explicit.compile import compile_model
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import pdr
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Budget
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.properties.deployment import PROPERTIES

BY_NAME = {p.name.split(".", 1)[1]: p for p in PROPERTIES}
ALL = ("replicas", "max_surge", "max_unavailable")
SMALL = MODEL.presets["small"]


def encoder(prop, min_ready: int) -> Encoder:
    scope = attrs.evolve(SMALL, min_ready_seconds=min_ready)
    return Encoder(MODEL, prop.adjust(scope), for_all=ALL, arith="linear")


@pytest.mark.parametrize("min_ready", [0, 10])
@pytest.mark.parametrize(
    "name",
    ["availability_floor_with_failing_release", "rollback_restores_template", "recreate_runs_one_revision_at_a_time"],
)
def test_proved_for_every_replicas_max_surge_max_unavailable_by_its_stated_lemmas(name: str, min_ready: int) -> None:
    prop = BY_NAME[name]
    e = encoder(prop, min_ready)
    result = pdr.decide(e, prop, timeout=120)
    assert result.verdict is Verdict.PROVED, result.note
    proof = result.evidence
    assert proof.method == "stated" and proof.check.ok
    assert proof.scope_claim == "all values of replicas, max_surge, max_unavailable"
    assert proof.lemmas[0].startswith(f"{prop.name}: ")
    assert run_smtlib(proof.smtlib(e, prop)) == ["unsat", "unsat", "unsat"]


def test_the_recreate_lemmas_do_not_prove_the_property_under_rolling_update() -> None:
    """RollingUpdate runs old and new pods side by side: the stated lemmas cannot survive, and the
    sampled grid finds the violation at its least parameters."""
    prop = BY_NAME["recreate_runs_one_revision_at_a_time"]
    rolling = attrs.evolve(prop, adjust=lambda sc: attrs.evolve(prop.adjust(sc), strategy=du.ROLLING_UPDATE))
    result = pdr.decide(encoder(rolling, 0), rolling, timeout=120)
    assert result.verdict is Verdict.VIOLATED, result.note
    assert result.evidence is None
    assert not rolling.predicate(CONCRETE, result.trace.scope, result.trace.last)


def _at(prop, replicas: int, surge: int, unavailable: int):
    return attrs.evolve(
        prop.adjust(SMALL),
        replicas=replicas,
        max_surge=IntOrPercent(surge, False),
        max_unavailable=IntOrPercent(unavailable, False),
    )


@pytest.mark.parametrize(
    ("name", "least", "interpreted"),
    [
        (
            "availability_floor_with_crashes",
            (1, 1, 0),
            True,
        ),  # broken at the first crash: within the interpreted states
        # maxSurge 0: the new pod is created while the old one is still active (4 steps); the seeded grid skips
        # these values, the least instances are explored anyway (samples.LEAST_SUM)
        ("live_pods_within_surge", (1, 0, 1), True),
        ("availability_floor", (1, 1, 0), False),  # 14 steps: the instance is compiled
    ],
)
def test_a_sampled_violation_has_the_least_sampled_parameters_and_explicit_searchs_trace_length(
    name: str, least: tuple[int, int, int], interpreted: bool
) -> None:
    prop = BY_NAME[name]
    e = encoder(prop, 10)
    result = pdr.decide(e, prop, timeout=120)
    assert result.verdict is Verdict.VIOLATED, result.note
    assert "breadth-first while sampling, replayed by the reference interpreter" in result.note
    scope = result.trace.scope
    assert (scope.replicas, scope.max_surge.value, scope.max_unavailable.value) == least
    [found] = bfs.explore(MODEL, scope, [prop], Budget(timeout=120))
    assert len(result.trace.steps) == len(found.trace.steps)
    small = samples._interpreted(MODEL, scope, prop, samples.INTERPRETED)
    assert (small is not None) == interpreted


def test_the_interpreted_exploration_reaches_the_compiled_states() -> None:
    """An instance small enough for the reference interpreter (replicas 0) yields exactly the states the
    compiled model reaches, flattened the same way."""
    scope = _at(BY_NAME["availability_floor"], 0, 0, 1)
    small = samples._interpreted(MODEL, scope, None, samples.INTERPRETED)
    assert small is not None
    states, bad = small
    assert bad is None
    assert set(states) == set(compile_model(MODEL, scope).reachable())
    assert len(states) == len(set(states)) <= samples.INTERPRETED
