"""Deployment safety properties that need nothing but the domain, and step properties violated in a sample.

Issue 15, item 2: many step properties (what one reconcile may do) hold from every in-domain state,
so PDR proves them for every replicas, maxSurge and maxUnavailable with Houdini on the domain bounds
(:func:`kubecheck.checker.symbolic.pdr.domain_proof`) before any sampling or Spacer; the proof is
re-checked like every other (and its SMT-LIB certificate re-run here). A step property that a
sampled instance violates is decided there, smallest instance first, with a replayed trace.
"""

from __future__ import annotations

import time

from kubecheck.checker.certify import run_smtlib
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import pdr
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.properties.deployment import PROPERTIES

BY_NAME = {p.name.split(".", 1)[1]: p for p in PROPERTIES}
ALL_PARAMETERS = ("replicas", "max_surge", "max_unavailable")


def encoder(name: str) -> Encoder:
    prop = BY_NAME[name]
    return Encoder(MODEL, prop.adjust(MODEL.presets["tiny"]), for_all=ALL_PARAMETERS, arith="linear")


def test_a_step_property_that_holds_from_every_in_domain_state_is_proved_over_the_domain_alone():
    prop, e = BY_NAME["paused_creates_no_replicaset"], encoder("paused_creates_no_replicaset")
    result = pdr.decide(e, prop, timeout=120)
    assert result.verdict is Verdict.PROVED, result.note
    proof = result.evidence
    assert proof.method == "domain" and proof.check.ok
    assert proof.scope_claim == "all values of replicas, max_surge, max_unavailable"
    assert "by the property over the domain alone" in result.note
    assert run_smtlib(proof.smtlib(e, prop)) == ["unsat", "unsat", "unsat"]


def test_an_always_property_that_needs_lemmas_is_not_proved_over_the_domain_alone():
    """The availability floor rests on lemmas about published status: the domain is not enough."""
    prop, e = BY_NAME["availability_floor"], encoder("availability_floor")
    assert pdr.domain_proof(e, prop, e.claim, time.perf_counter(), 60) is None


def test_a_step_property_a_sampled_instance_breaks_is_violated_with_a_replayed_trace():
    """``kubectl scale`` of a paused Deployment grows the new ReplicaSet (kubernetes/kubernetes#115735)."""
    prop, e = BY_NAME["paused_keeps_new_replicaset"], encoder("paused_keeps_new_replicaset")
    result = pdr.decide(e, prop, timeout=120)
    assert result.verdict is Verdict.VIOLATED, result.note
    trace = result.trace
    before = trace.steps[-2].state if len(trace.steps) > 1 else trace.initial
    assert not prop.predicate(CONCRETE, trace.scope, before, trace.last)
    assert all(prop.predicate(CONCRETE, trace.scope, a.state, b.state) for a, b in zip(trace.steps, trace.steps[1:-1]))
    assert "the least values by their sum" in result.note  # replicas=0: nothing smaller to explore
