"""Proofs for every number of ordinals: the per-slot StatefulSet model read as a function of an ordinal.

``kubecheck check statefulset PROP --for-all replicas`` (engine ``auto``; the rows say engine
``ordinal``: :func:`kubecheck.checker.run.check` routes an unbounded ``--for-all replicas`` here,
:func:`applies`). The StatefulSet
model keeps one slot per ordinal, so every fixed-size engine proves one size. This engine reads
the same command table once for an unbounded number of ordinals ``N`` (a z3 integer, ``N >= 1``)
and proves a property for every ``N`` at once; papers/statefulset-every-size.md is the argument.

**The state** at a step is a z3 array per per-slot field (``pod_phase: Int -> Int``: slot ``i`` is
ordinal ``i``, meaningful for ``0 <= i < N``; a per-slot field of width m, such as the
attachments, is m arrays) and a constant per global field (spec.replicas, nodes, budgets).
``at(S, i)`` is a one-slot state of the model's own class whose slot is ordinal ``i`` of ``S``.
Which fields are per-slot is read from the schema (lengths at 2 and 3 ordinals).

**The transition relation** is the model's command table, one disjunct per command and binding
of its non-ordinal parameters, each read on one-slot windows (Upstream semantics are those of
the model: :mod:`kubecheck.model.controllers.statefulset` and its sync; nothing is re-stated here
except the sync's per-ordinal decision conditions, :mod:`...statefulset_ordinal`):

* a command with an ordinal parameter (``pod``, ``claim``) targets an existential ordinal ``p``:
  guard and effect are the model's, on ``at(S, p)``; ``T = Store(S, p, effect)``, globals from
  the effect, every other ordinal unchanged;
* a command without one (a node fails, the user scales or edits) is guarded at a witness ordinal
  ``g`` (its guard on ``at(S, g)``) and applies its one-slot effect to every ordinal;
* the sync (every ``statefulset-controller.*`` command; they share ``Plan.changes``) writes at
  every ordinal ``Plan.changes`` on the one-slot window, with per-ordinal decisions constrained
  by :func:`~kubecheck.model.controllers.statefulset_ordinal.decision_conditions`; its guard is
  dropped (more syncs, never fewer);
* a parameter whose domain grows with the size (the scale target) is an integer in ``0..N``.

Quantified facts (every ordinal's write, the sync's scans) are instantiated at the ordinals a
query names: the property's window. Instantiating a hypothesis weakens it, so an unsatisfiable
query stays a proof.

**The property** is read on windows too: ``P`` for N ordinals must be the conjunction of ``P`` on
every window of one slot (``W = 1``) or of every pair ``o0 < o1`` (``W = 2``; the predicate sees a
two-slot state, spec.replicas replaced by how many window ordinals are below it, so ``i <
replicas`` keeps its meaning). A step property is proved if no disjunct leaves a window violating
it from any in-domain pre-state (the per-ordinal form of 1-inductive); an ``always`` property if
it holds initially and is preserved, as a per-ordinal invariant (``∀ windows P``: the hypothesis
instantiated at the query's ordinals), with the property's stated lemmas and, when that is not
inductive, clauses of one ordinal found by Houdini (:mod:`~kubecheck.checker.symbolic.ordinal_houdini`).
The proof is its queries as SMT-LIB text, each answered by a fresh solver from that text
(:class:`OrdinalProof`): found clauses are checked there, never trusted.
Modules: :mod:`~kubecheck.checker.symbolic.ordinal_reading` (states and disjuncts),
:mod:`~kubecheck.checker.symbolic.ordinal_conformance` (the checks against the model), this one
(the proof and the engine).

**Conformance, checked at sizes 1..K** (``conformance``, K = ``CONFORMANCE_SIZES``): for every
command binding, the model's fixed-size transition implies the ordinal disjunct (arrays tied to
the tuples, every ordinal instantiated), the sync's decisions at that size satisfy the stated
conditions, and ``P`` at that size equals its window conjunction. A proof says it covers every
N *relative to the reading*, which is checked against the model at 1..K; that the per-slot code
treats every slot alike beyond K is the remaining assumption, stated in the claim.
Refused (INCONCLUSIVE with the reason): liveness, ``sometimes``, ``terminal``, a scope the reading
does not apply to (:func:`~...statefulset_ordinal.refusal`), a property not local to windows of
two ordinals, and a query z3 answers ``sat`` or ``unknown``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import z3

from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.symbolic import ordinal_houdini as oh
from kubecheck.checker.symbolic.ordinal_conformance import (
    CONFORMANCE_SIZES,
    QUERY_SECONDS,
    cases,
    conformance,
    holds_on,
    window_width,
)
from kubecheck.checker.symbolic.ordinal_reading import ArrayState, NotApplicable, Reading, as_bool, equal, sized
from kubecheck.model.controllers import statefulset_ordinal as sto
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.ops import Z3
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope, evolve

__all__ = [
    "CONFORMANCE_SIZES",
    "NotApplicable",
    "OrdinalProof",
    "Reading",
    "applies",
    "check",
    "conformance",
    "decide",
    "prove",
    "sized",
    "window_width",
]

ENGINE = "ordinal"


# -- the proof -------------------------------------------------------------------------------------


@attrs.frozen
class OrdinalProof:
    """Evidence of a PROVED verdict for every number of ordinals: the queries, as SMT-LIB, each re-checked."""

    width: int
    invariant: str  # the per-ordinal invariant, in words
    queries: tuple[tuple[str, str], ...]  # (what, SMT-LIB text) — every one unsat, re-checked by a fresh solver
    conformance_sizes: tuple[int, ...]
    scope_claim: str
    lemmas: tuple[str, ...] = ()  # per-ordinal clauses found by Houdini, each read at every ordinal

    @property
    def text(self) -> str:
        return (
            f"{self.invariant}; {len(self.queries)} queries unsat (each re-checked from its SMT-LIB text); the reading "
            f"checked against the model at {_span(self.conformance_sizes)} ordinals"
        )

    def certificate(self, prop: Property) -> str:
        """Every query of the proof as one SMT-LIB 2 script (each in its own push/pop; every check-sat
        must say unsat). Self-contained, unlike a fixed-size proof's ``smtlib(encoder, prop)``: it is
        about every size, so no encoder of one size is involved. What it does not contain is said in
        its header: the check of the reading against the model at the conformance sizes ran in-process."""
        name = prop.name
        lines = [
            f"; kubecheck certificate: the ordinal reading, property {name}",
            f"; claim: {self.scope_claim} (param.ordinals is the replica count N, any N >= 1)",
            f"; invariant: {self.invariant}",
            *[f"; per-ordinal clause (Houdini): {c}" for c in self.lemmas],
            f"; {len(self.queries)} queries follow, each must answer unsat; unsat of every one proves the property for",
            "; every N of the ordinal reading (papers/statefulset-every-size.md). Not in this file: the reading was",
            f"; checked against the model's own transitions at {_span(self.conformance_sizes)} ordinals in-process.",
            "(set-logic ALL)",
        ]
        for what, text in self.queries:
            lines.append(f"; -- {what}")
            lines.append("(push 1)")
            lines += [x for x in text.splitlines() if x.strip() and not x.startswith(("; benchmark", "(set-info"))]
            lines.append("(pop 1)")
        return "\n".join(lines) + "\n"


def _span(sizes: Sequence[int]) -> str:
    return f"{sizes[0]}..{sizes[-1]}" if len(sizes) > 1 else str(sizes[0])


def _recheck(text: str) -> str:
    solver = z3.Solver()
    solver.set("timeout", int(QUERY_SECONDS * 1000))
    solver.from_string(text)
    return str(solver.check())


def _query_text(parts: Sequence[z3.BoolRef]) -> str:
    solver = z3.Solver()
    solver.add(*parts)
    return solver.to_smt2()


def prove(
    reading: Reading, prop: Property, width: int, found: Sequence[oh.Clause] = ()
) -> tuple[str, list[tuple[str, str]], str]:
    """("unsat", queries, "") when ``prop`` holds for every N by the ordinal reading; else (answer, queries, what).

    ``found``: per-ordinal clauses conjoined to an ``always`` property's invariant (Houdini's)."""
    if prop.kind not in ("step", "always"):
        raise NotApplicable(f"{prop.kind} properties are not decided by the ordinal reading")
    n = z3.Int("param.ordinals")
    queries: list[tuple[str, str]] = []
    s, t = reading.state("s"), reading.state("t")
    invariant: list[Callable[[ArrayState, Sequence[Any]], z3.BoolRef]] = []
    if prop.kind == "always":
        if width != 1:
            raise NotApplicable(f"{prop.name}: an invariant over pairs of ordinals is not attempted")
        invariant = _per_ordinal_invariant(reading, prop, found)
        for case in cases(reading, reading.scope, 1, n, "q"):
            parts = [case.given, n >= 1, s.domain(case.ordinals, n), _initial(reading, s, case.ordinals, n)]
            parts.append(z3.Not(z3.And(*[inv(s, case.ordinals) for inv in invariant])))
            queries.append(("initially", _query_text(parts)))
    for d in reading.disjuncts:
        for case in cases(reading, reading.scope, width, n, "q"):
            p = z3.Int("target@q")
            ground = list(case.ordinals)
            parts = [case.given, s.domain([*ground, p], n), reading.step(d, s, t, n, ground, "q", target=p)]
            if prop.kind == "step":
                parts.append(z3.Not(holds_on(prop, case, s, t)))
            else:
                parts += [inv(s, [o]) for inv in invariant for o in [*ground, p]]
                parts.append(z3.Not(z3.And(*[inv(t, case.ordinals) for inv in invariant])))
            queries.append((f"{d.label} on ordinals {[str(o) for o in case.ordinals]}", _query_text(parts)))
    for what, text in queries:
        answer = _recheck(text)
        if answer != "unsat":
            return answer, queries, what
    return "unsat", queries, ""


def _per_ordinal_invariant(
    reading: Reading, prop: Property, found: Sequence[oh.Clause] = ()
) -> list[Callable[[ArrayState, Sequence[Any]], z3.BoolRef]]:
    sc = sized(reading.scope, 1)

    def the_property(st: ArrayState, ords: Sequence[Any]) -> z3.BoolRef:
        return z3.And(*[as_bool(prop.predicate(Z3, sc, st.at(o, remapped=True))) for o in ords])

    out: list[Callable[[ArrayState, Sequence[Any]], z3.BoolRef]] = [the_property]
    stated = prop.lemmas
    if stated is not None:

        def lemmas(st: ArrayState, ords: Sequence[Any]) -> z3.BoolRef:
            return z3.And(*[as_bool(x) for o in ords for x in stated(Z3, sc, st.at(o, remapped=True))])

        out.append(lemmas)
    if found:
        built: dict[tuple[int, int], z3.BoolRef] = {}  # (state, window) -> the clauses there, built once

        def clauses(st: ArrayState, ords: Sequence[Any]) -> z3.BoolRef:
            parts = []
            for o in ords:
                w = st.at(o)
                key = (id(st), id(w))
                if key not in built:
                    built[key] = z3.And(*[z3.Or(*[as_bool(lit.of(w)) for lit in c]) for c in found])
                parts.append(built[key])
            return z3.And(*parts)

        out.append(clauses)
    return out


def _initial(reading: Reading, s: ArrayState, ordinals: Sequence[Any], n: z3.ArithRef) -> z3.BoolRef:
    """The initial states of every size: the scope at replicas 1, 2, 3 (``attrs.evolve``, nothing else
    changed) must start every ordinal alike and agree on every global but spec.replicas, which is any
    value in 1..N (the scale targets may make N larger than spec.replicas)."""
    inits = [reading.model.init(evolve(reading.scope, replicas=k)) for k in (1, 2, 3)]
    parts: list[z3.BoolRef] = []
    for name, _ in reading.lay.globals_:
        values = [getattr(x, name) for x in inits]
        if name == "replicas":
            parts += [s.globals[name] >= 1, s.globals[name] <= n]
        elif values[0] == values[1] == values[2]:
            parts.append(equal(s.globals[name], values[0]))
        else:
            raise NotApplicable(f"initial {name} changes with the replica count")
    for name, arrays in s.arrays.items():
        first = tuple(getattr(inits[0], name)[: len(arrays)])
        for x in inits:
            got = tuple(getattr(x, name))
            if got != first * (len(got) // len(arrays)):
                raise NotApplicable(f"initial {name}: ordinals start differently")
        parts += [arrays[j][o] == first[j] for o in ordinals for j in range(len(arrays))]
    return z3.And(*parts)


# -- the engine ------------------------------------------------------------------------------------

#: The parameters a proof over ordinals is for (the StatefulSet's replica count and scale targets).
FOR_ALL = ("replicas", "scale_to")
#: The models with an ordinal reading.
MODELS = ("statefulset",)
CAVEAT = (
    "the ordinal reading is the model's own commands on one-ordinal windows plus stated sync decision conditions, "
    "checked against the model at {sizes} ordinals; beyond that it rests on the per-slot code treating every ordinal "
    "alike (papers/statefulset-every-size.md)"
)


#: Conformance results of this process: (model, scope, sizes, the stated conditions) -> gaps.
_CONFORMED: dict[tuple[int, Scope, tuple[int, ...], Callable[..., Any]], tuple[Model, list[str]]] = {}


def _conformance_once(reading: Reading, sizes: Sequence[int]) -> list[str]:
    """:func:`conformance`, once per model, scope, sizes and stated conditions in a process (the
    properties of one scope share it)."""
    key = (id(reading.model), reading.scope, tuple(sizes), sto.decision_conditions)
    if key not in _CONFORMED or _CONFORMED[key][0] is not reading.model:  # the model kept: its id is not reused
        _CONFORMED[key] = (reading.model, conformance(reading, sizes))
    return _CONFORMED[key][1]


#: Seconds lemma discovery may take per property (sampling and Houdini).
HOUDINI_SECONDS = 60.0


def _discover(reading: Reading, prop: Property, deadline: float) -> list[oh.Clause] | None:
    per_slot = dict(reading.lay.per_slot)
    clauses = oh.candidates(reading.model, reading.scope, sized, per_slot)

    def initial(s: ArrayState, ordinals: Sequence[Any], n: z3.ArithRef) -> z3.BoolRef:
        return _initial(reading, s, ordinals, n)

    return oh.houdini(reading, prop, clauses, initial, deadline)


def applies(task: Any) -> bool:
    """Whether ``task`` asks for what this engine gives: a StatefulSet property for every replica count."""
    if task.model.name not in MODELS or not task.for_all or not set(task.for_all) <= set(FOR_ALL):
        return False
    return all(task.bounds.get(n, (None, None))[1] is None for n in task.for_all)


def check(task: Any) -> list[Result]:
    """Every property of ``task`` for every number of ordinals N >= 1 (PROVED), or INCONCLUSIVE with the reason;
    within ``task.budget.timeout`` seconds for them all (checked between the proof's steps)."""
    timeout = task.budget.timeout
    until = None if not timeout else time.monotonic() + timeout
    return [decide(task.model, task.scope, prop, until=until) for prop in task.properties]


def decide(
    model: Model, scope: Scope, prop: Property, sizes: Sequence[int] = CONFORMANCE_SIZES, until: float | None = None
) -> Result:
    """``prop`` for every number of ordinals (module docstring); ``until``: a ``time.monotonic()`` deadline,
    checked before each step (conformance, the proof, Houdini, the proof again), INCONCLUSIVE once passed."""
    started = time.monotonic()

    def result(verdict: Verdict, note: str, queries: int = 0, reason: str = "", evidence: Any = None) -> Result:
        stats = Stats(
            0, queries, 0, time.monotonic() - started, verdict is Verdict.PROVED, reason or verdict.value.lower()
        )
        return Result(prop, verdict, scope, ENGINE, stats, note=note, evidence=evidence)

    if prop.kind not in ("step", "always"):
        return result(
            Verdict.INCONCLUSIVE,
            f"not decided for every replica count: {prop.kind} properties are not decided by the ordinal reading",
            reason="not applicable",
        )

    def late(step: str) -> Result | None:
        if until is None or time.monotonic() < until:
            return None
        return result(Verdict.INCONCLUSIVE, f"not decided: stopped by the timeout before {step}", reason="timeout")

    try:
        reading = Reading(model, scope)
        width = window_width(model, prop, scope, sizes)
        if stopped := late("the conformance check"):
            return stopped
        gaps = _conformance_once(reading, sizes)
        if gaps:
            return result(
                Verdict.INCONCLUSIVE,
                "the ordinal reading does not cover the model: " + "; ".join(gaps[:3]),
                reason="not covered",
            )
        if stopped := late("the proof"):
            return stopped
        answer, queries, where = prove(reading, prop, width)
        found: list[oh.Clause] = []
        searched = ""
        if answer == "sat" and prop.kind == "always" and width == 1:
            if stopped := late("lemma discovery"):
                return stopped
            lemmas = _discover(reading, prop, min(started + HOUDINI_SECONDS, until or float("inf")))
            if lemmas is None:
                searched = f"; no per-ordinal strengthening found ({oh.last_failure[0]})"
            else:
                found = lemmas
                answer, queries, where = prove(reading, prop, width, found)
    except NotApplicable as e:
        return result(Verdict.INCONCLUSIVE, f"not decided for every replica count: {e}", reason="not applicable")
    caveat = CAVEAT.format(sizes=_span(sizes))
    if answer != "unsat":
        why = "z3 gave up" if answer == "unknown" else "the query is satisfiable"
        return result(
            Verdict.INCONCLUSIVE,
            f"not proved for every replica count: {where}: {why}{searched} (the reading over-approximates the model, "
            f"so this is not a counterexample; check sizes one at a time with --for-all replicas=LO..HI)",
            len(queries),
            "not inductive" if answer == "sat" else "unknown",
        )
    invariant = (
        f"{prop.short} on every window of {width} ordinal{'s' if width > 1 else ''}"
        + (" (with its stated lemmas)" if prop.kind == "always" and prop.lemmas is not None else "")
        + (f" and {len(found)} per-ordinal clauses found by Houdini" if found else "")
    )
    what = "every step from every in-domain state keeps it" if prop.kind == "step" else "initially true and preserved"
    proof = OrdinalProof(
        width,
        f"{invariant}: {what}",
        tuple(queries),
        tuple(sizes),
        "all values of replicas >= 1",
        tuple(oh.clause_text(c) for c in found),
    )
    return result(
        Verdict.PROVED,
        f"PROVED for every replicas >= 1 (ordinal invariant, re-checked): {invariant}, {what}; {caveat}",
        len(queries),
        evidence=proof,
    )
