"""Lemma discovery (samples → templates → Houdini → support) and the certificate's domain check, on toys.

The toys are small enough that every expected lemma can be read off the model: a ReplicaSet-like
counter that may only create pods it has a spec for (``pods ≤ spec ≤ n``), and a counter whose
effect leaves its declared domain (which only the domain check notices).
"""

from __future__ import annotations

import attrs
import z3

from kubecheck.checker.certify import check_inductive, check_invariant, run_smtlib
from kubecheck.checker.discovery import houdini
from kubecheck.checker.discovery.candidates import PROPERTY, Templates
from kubecheck.checker.discovery.clause_text import listing
from kubecheck.checker.discovery.samples import grid_points, sample
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import kinduction, pdr
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import int_field


@attrs.frozen
class Scope:
    n: int = 3

    def symbolic_constraints(self, ops, values):
        """The toy's "API validation": n is non-negative."""
        return [v >= 0 for v in values.values()]


@attrs.frozen
class State:
    spec: int = int_field(0, lambda sc: sc.n, doc="spec.replicas, raised one at a time up to n")
    pods: int = int_field(0, lambda sc: sc.n, doc="pods, created one at a time up to spec")


RAMP = Model(
    "ramp",
    "a ReplicaSet scaled up to n",
    "-",
    State,
    Scope,
    lambda sc: State(0, 0),
    (
        Command(
            "controller.scale_up", lambda ops, sc, s: s.spec < sc.n, lambda ops, sc, s: {"spec": s.spec + 1}, "spec + 1"
        ),
        Command(
            "replicaset.create_pod",
            lambda ops, sc, s: s.pods < s.spec,
            lambda ops, sc, s: {"pods": s.pods + 1},
            "pods + 1",
        ),
    ),
    lambda ops, sc, s: True,
    {"tiny": Scope()},
)
PODS_WITHIN_N = Property(
    name="ramp.pods_within_n", kind="always", doc="pods ≤ n", upstream="-", predicate=lambda ops, sc, s: s.pods <= sc.n
)
PODS_BELOW_N = Property(
    name="ramp.pods_below_n",
    kind="always",
    doc="pods < n (false: the ramp reaches n)",
    upstream="-",
    predicate=lambda ops, sc, s: s.pods < sc.n,
)


@attrs.frozen
class Unbounded:
    count: int = int_field(0, 3, doc="a counter declared 0..3 that an effect pushes past 3")


RUNAWAY = Model(
    "runaway",
    "a counter that leaves its domain",
    "-",
    Unbounded,
    Scope,
    lambda sc: Unbounded(0),
    (Command("clock.tick", lambda ops, sc, s: True, lambda ops, sc, s: {"count": s.count + 1}, "count + 1"),),
    lambda ops, sc, s: True,
    {"tiny": Scope()},
)
NON_NEGATIVE = Property(
    name="runaway.non_negative", kind="always", doc="count ≥ 0", upstream="-", predicate=lambda ops, sc, s: s.count >= 0
)


def test_grid_includes_the_scope_and_the_least_values() -> None:
    e = Encoder(RAMP, Scope(n=3), for_all=("n",))
    points = grid_points(e)
    assert points[:2] == [{"n": 3}, {"n": 0}]
    assert len({p["n"] for p in points}) == len(points)


def test_samples_are_reachable_states_of_each_instance() -> None:
    e = Encoder(RAMP, Scope(n=3), for_all=("n",))
    rows = sample(e, PODS_WITHIN_N)
    assert rows.decided_in is None
    assert all(pods <= spec <= n for spec, pods, n in rows.rows)
    assert (3, 3, 3) in rows.rows and (0, 0, 0) in rows.rows
    assert sample(e, PODS_BELOW_N).decided_in is not None


def test_houdini_keeps_the_inductive_lemmas_and_the_property() -> None:
    e = Encoder(RAMP, Scope(), for_all=("n",))
    found = houdini.discover(e, PODS_WITHIN_N)
    assert found.status == "ok" and PROPERTY in found.clauses
    texts = set(listing(found.templates, found.clauses))
    assert {"spec ≥ pods", "param.n ≥ spec"} <= texts, texts
    assert check_inductive(e, z3.And(*found.lemmas))


def test_houdini_drops_what_is_true_in_samples_but_not_inductive() -> None:
    e = Encoder(RAMP, Scope(), for_all=("n",))
    x = e.state(0)
    spec, pods, n = x
    # pods ≤ n is invariant but not inductive alone (a state with pods = spec = n + 1 is not excluded)
    alive, _, status = houdini.houdini(e, [pods <= n, spec >= pods])
    assert status == "ok" and alive == [1]
    alive, _, status = houdini.houdini(e, [pods <= n, spec >= pods, spec <= n])
    assert alive == [0, 1, 2]


def test_support_keeps_only_what_the_goal_needs() -> None:
    e = Encoder(RAMP, Scope(), for_all=("n",))
    spec, pods, n = e.state(0)
    lemmas = [spec >= pods, spec <= n, spec >= 0, pods >= 0]
    keep = houdini.support(e, [pods <= n], lemmas)
    assert keep == [1]  # create_pod's guard gives pods + 1 ≤ spec; spec ≤ n does the rest (and keeps itself)
    assert check_invariant(e, PODS_WITHIN_N, z3.And(pods <= n, *[lemmas[i] for i in keep])).ok


def test_pdr_proves_with_houdini_and_the_certificate_reruns() -> None:
    e = Encoder(RAMP, Scope(), for_all=("n",), arith="linear")
    result = pdr.decide(e, PODS_WITHIN_N, timeout=60)
    proof = result.evidence
    assert result.verdict is Verdict.PROVED, result.note
    assert proof.method == "houdini" and proof.check.ok and proof.lifted == ()
    assert proof.lemmas == ("param.n ≥ pods", "param.n ≥ spec")  # the property itself, then what it rests on
    assert run_smtlib(proof.smtlib(e, PODS_WITHIN_N)) == ["unsat"] * 3


def test_pdr_reports_a_sampled_violation_with_its_shortest_trace() -> None:
    e = Encoder(RAMP, Scope(), for_all=("n",), arith="linear")
    result = pdr.decide(e, PODS_BELOW_N, timeout=60)
    proof = result.evidence
    assert result.verdict is Verdict.VIOLATED and proof is None
    assert result.trace.scope.n == 0 and len(result.trace.steps) == 0  # n = 0: pods = 0 is not < 0


def test_k_induction_strengthened_by_discovered_lemmas() -> None:
    e = Encoder(RAMP, Scope(), for_all=("n",))
    assert kinduction.decide(e, PODS_WITHIN_N, 3, strengthen=False).verdict is Verdict.INCONCLUSIVE
    proved = kinduction.decide(e, PODS_WITHIN_N, 3, strengthen=True)
    assert proved.verdict is Verdict.PROVED and "Houdini" in proved.note


def test_domain_check_rejects_an_invariant_whose_successor_leaves_the_domain() -> None:
    e = Encoder(RUNAWAY, Scope())
    (count,) = e.state(0)
    # count ≥ 0 is inductive if the successor's domain (count ≤ 3) is assumed, but tick leaves it
    bad = check_invariant(e, NON_NEGATIVE, count >= 0)
    assert not bad.ok and bad.consecution == "sat"
    lifted = check_invariant(e, NON_NEGATIVE, count >= 0, lifted=[("count", "hi")])
    assert lifted.ok  # a proof about the counter without its cap


def test_pdr_lifts_a_cap_it_cannot_keep_and_says_so() -> None:
    e = Encoder(RUNAWAY, Scope(), arith="linear")
    result = pdr.decide(e, NON_NEGATIVE, timeout=60)
    proof = result.evidence
    assert result.verdict is Verdict.PROVED, result.note
    assert proof.lifted == (("count", "hi"),)
    assert "domain bounds lifted" in result.note and "count ≤ 3" in result.note


def test_templates_mutate_the_property_and_name_opaque_terms() -> None:
    e = Encoder(RAMP, Scope(), for_all=("n",))
    prop = Property(
        name="ramp.half",
        kind="always",
        doc="pods + spec ≥ n div 2 - n",
        upstream="-",
        predicate=lambda ops, sc, s: s.pods + s.spec >= ops.floor_div(sc.n, 2) - sc.n,
    )
    t = Templates(e, sample(e, prop), prop)
    [goal] = t.goal_clauses()
    assert listing(t, [], [goal]) == ["param.n + pods + spec ≥ ⟨1⟩", "where ⟨1⟩ = (param.n div 2)"]
    # mutations: each variable of the atom replaced by the others (here all scalars: the atom itself)
    assert goal[0] in t.mutations([0, 1, 2])
