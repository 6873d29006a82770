"""Proofs of liveness by lexicographic ranking functions found with z3, certified by re-checking.

The proof rule (Manna–Pnueli's rule for well-founded response, with the lexicographic ranking
construction of Bradley–Manna–Sipma and Cook et al.; Podelski–Rybalchenko for linear ranking
functions). Let ``Q`` be the goal (the target of ``leads_to``; the predicate of ``eventually``),
``I`` an invariant (the domain constraints and any proved lemmas), and call a state *pending* when
it satisfies ``I ∧ ¬Q``. A proof is a list of linear functions ``V1 … Vm`` of the state, each
with the actions it *ranks*, such that, with ``R_i`` the actions not ranked by ``V1 … V(i-1)``:

* **bounded**: ``Vi(x) ≥ 0`` in every pending state;
* **non-increasing**: every action of ``R_i`` from a pending state to a pending state keeps
  ``Vi(x') ≤ Vi(x)``;
* **decreasing**: every action ranked by ``Vi`` gives ``Vi(x') < Vi(x)`` (pending to pending);
* **no stop**: some system action is enabled in every pending state (no fair run stutters there);

and the actions are all ranked, or the last function is *helped* by a weakly fair unit ``h``
(the helpful-direction rule): ``Vm`` decreases on h's actions and ``h`` is enabled in every
pending state where an action of ``R_m`` is enabled. Then no fair run stays pending for ever:
such a run eventually takes only ``R_i`` actions for each i in turn (the higher components are
bounded and never increase on them); under a helped last level its ``Vm`` stops decreasing, so h
is never taken again although it is enabled in every later state — not a fair run. With ``I``
holding in every reachable state, every reachable pending state therefore reaches ``Q``: the
property holds (for ``leads_to``, from every state, not only after a ``P`` state).

Search: each component by counterexample-guided synthesis. z3's optimiser picks integer
coefficients that satisfy every sampled transition and rank as many actions as possible; a
fresh solver then looks for a pending transition of each action that breaks the candidate, and
each one found becomes a sample. Everything the proof claims is re-checked at the end by fresh
solvers, one query per obligation (:meth:`RankingProof.recheck`); a failed re-check raises.

Strong fairness (``Command.fairness``, ``Property.strong_fairness``) is not used: every run that
is strongly fair for some units and weakly fair for the rest is weakly fair for all, so a proof
under weak fairness is a proof under the property's assumption. It is incomplete there: where
only strong fairness makes a property hold (toy ``blinking`` with a strongly fair finish), the
verdict stays INCONCLUSIVE.

When no ranking is found — with only the domain constraints as ``I``, states that no run reaches
often break every candidate — the verdict is INCONCLUSIVE with the reason (the obligation and
the actions that could not be ranked), never HOLDS. Symbolic parameters are supported: the
coefficients are over state variables and parameters, and the claim then covers every value.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import attrs
import z3

from kubecheck.checker.certify import EncoderBug
from kubecheck.checker.explicit.fair_cycles import Unit
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.symbolic import pdr
from kubecheck.checker.symbolic.encoder import Encoder, as_bool
from kubecheck.checker.symbolic.lasso import fairness_units
from kubecheck.checker.task import Deadline, Task
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import State
from kubecheck.model.kernel.scopes import Scope

#: The engine name results carry, and what a status line calls it.
ENGINE, LABEL = "ranking", "ranking proof"
#: A goal predicate ``(ops, scope, state) -> Value`` (the property's target or predicate).
Predicate = Callable[..., Value]
#: Coefficients are integers in [-COEFF, COEFF]; rounds of sampling per component.
COEFF, ROUNDS = 4, 200


class Unproved(Exception):
    """No ranking proof in this form; the message says which obligation failed."""


@attrs.frozen
class Component:
    coefficients: tuple[int, ...]  # one per encoder variable
    offset: int
    ranks: tuple[int, ...]  # action indices strictly decreased
    helper: Unit | None = None  # the fairness unit of a helped last level


@attrs.frozen
class RankingProof:
    """The ranking functions and what they rank; ``recheck`` re-decides every obligation."""

    components: tuple[Component, ...]
    lemmas: tuple[z3.BoolRef, ...]
    text: str
    scope_claim: str

    def recheck(self, encoder: Encoder, goal: Predicate, timeout: float | None = None) -> list[str]:
        """The obligations that fail with a fresh solver (empty: the proof stands)."""
        ob = _Obligations(encoder, goal, self.lemmas, timeout)
        failed = ob.lemma_failures() + ob.stuck_failures()
        remaining = list(range(encoder.n))
        for c in self.components:
            failed += ob.component_failures(c, remaining)
            remaining = [a for a in remaining if a not in c.ranks]
        if remaining and (not self.components or self.components[-1].helper is None):
            failed.append(f"actions never ranked: {', '.join(encoder.actions[a].label for a in remaining)}")
        return failed


class _Obligations:
    """Formulas over state(0) → state(1) and fresh-solver checks of each obligation."""

    def __init__(self, encoder: Encoder, goal: Predicate, lemmas: Sequence[z3.BoolRef], timeout: float | None):
        self.e, self.timeout = encoder, timeout
        self.x, self.y = encoder.state(0), encoder.state(1)
        self.lemmas = list(lemmas)
        goal_x = as_bool(goal(encoder.ops, encoder.scope_of(self.x), encoder.view(self.x)))
        goal_y = as_bool(goal(encoder.ops, encoder.scope_of(self.y), encoder.view(self.y)))
        lem_y = [z3.substitute(lem, *zip(self.x, self.y)) for lem in self.lemmas]
        self.pending_x = z3.And(encoder.domain(self.x), *self.lemmas, z3.Not(goal_x))
        self.pending_y = z3.And(encoder.domain(self.y), *lem_y, z3.Not(goal_y))
        sc, view = encoder.scope_of(self.x), encoder.view(self.x)
        self.guards = [as_bool(a.guard(encoder.ops, sc, view)) for a in encoder.actions]
        self.units = fairness_units(encoder.actions)
        self.features_x = [_feature(v) for v in self.x]
        self.features_y = [_feature(v) for v in self.y]

    def solver(self) -> z3.Solver:
        s = z3.Solver()
        if self.timeout is not None:
            s.set("timeout", max(1, int(self.timeout * 1000)))
        return s

    def value(self, c: Component, features: Sequence[z3.ArithRef]) -> z3.ArithRef:
        return z3.Sum(z3.IntVal(c.offset), *[k * f for k, f in zip(c.coefficients, features) if k])

    def step(self, a: int) -> z3.BoolRef:
        return z3.And(self.pending_x, self.e.disjunct(a, 0), self.pending_y)

    def lemma_failures(self) -> list[str]:
        if not self.lemmas:
            return []
        inv = z3.And(*self.lemmas)
        out = []
        s = self.solver()
        s.add(self.e.init(self.x), self.e.domain(self.x), z3.Not(inv))
        if s.check() != z3.unsat:
            out.append("a lemma fails in the initial state")
        s = self.solver()
        s.add(
            inv,
            self.e.domain(self.x),
            self.e.trans_disjunction(self.x, self.y),
            self.e.domain(self.y),
            z3.Not(z3.substitute(inv, *zip(self.x, self.y))),
        )
        if s.check() != z3.unsat:
            out.append("the lemmas are not inductive")
        return out

    def stuck_failures(self) -> list[str]:
        s = self.solver()
        s.add(self.pending_x, *[z3.Not(g) for a, g in zip(self.e.actions, self.guards) if a.command.kind == "system"])
        return (
            []
            if s.check() == z3.unsat
            else ["a pending state has no system action enabled (a fair run may stop there)"]
        )

    def component_failures(self, c: Component, remaining: Sequence[int]) -> list[str]:
        out = []
        vx, vy = self.value(c, self.features_x), self.value(c, self.features_y)
        s = self.solver()
        s.add(self.pending_x, vx < 0)
        if s.check() != z3.unsat:
            out.append("a ranking function is negative in a pending state")
        for a in remaining:
            s = self.solver()
            s.add(self.step(a), (vy >= vx) if a in c.ranks else (vy > vx))
            if s.check() != z3.unsat:
                out.append(f"{self.e.actions[a].label} does not {'decrease' if a in c.ranks else 'keep'} the ranking")
        if c.helper is not None:
            failure = self.helper_failure(c.helper, remaining)
            if failure:
                out.append(failure)
        return out

    def helper_failure(self, unit: Unit, remaining: Sequence[int]) -> str:
        idx = dict(self.units)[unit]
        s = self.solver()
        s.add(self.pending_x, z3.Or(*[self.guards[a] for a in remaining]), *[z3.Not(self.guards[a]) for a in idx])
        return "" if s.check() == z3.unsat else f"the helpful unit {unit} is not enabled wherever the others are"


def _goal(prop: Property) -> Predicate:
    """What every fair run must reach: the target of ``leads_to``, the predicate of ``eventually``."""
    return prop.target if prop.target is not None else prop.predicate


def _feature(v: z3.ExprRef) -> z3.ArithRef:
    return z3.If(v, 1, 0) if z3.is_bool(v) else v


def _values(m: z3.ModelRef, terms: Sequence[z3.ArithRef]) -> list[int]:
    return [m.eval(t, model_completion=True).as_long() for t in terms]


def _synthesise(
    ob: _Obligations, remaining: list[int], must: Sequence[int] | None, deadline: float | None
) -> Component | None:
    """One component over ``remaining`` (ranking those in ``must`` if given, else as many as possible)."""
    n = len(ob.x)
    coeff = [z3.Int(f"c{i}") for i in range(n)]
    offset = z3.Int("c_offset")
    samples: dict[int, list[tuple[list[int], list[int]]]] = {a: [] for a in remaining}
    points: list[list[int]] = []
    for _ in range(ROUNDS):
        if deadline is not None and time.monotonic() > deadline:
            raise Unproved("timeout while searching for a ranking function")
        opt = z3.Optimize()
        opt.add(*[z3.And(k >= -COEFF, k <= COEFF) for k in coeff])
        opt.add(offset >= 0)

        def val(fs: Sequence[int]) -> z3.ArithRef:
            return z3.Sum(offset, *[k * v for k, v in zip(coeff, fs) if v])

        strict = {a: z3.Bool(f"ranks{a}") for a in remaining}
        for a, pairs in samples.items():
            for fx, fy in pairs:
                opt.add(val(fx) - val(fy) >= z3.If(strict[a], 1, 0))
        for fx in points:
            opt.add(val(fx) >= 0)
        if must is not None:
            opt.add(*[strict[a] for a in must])
        else:
            opt.add(z3.Or(*strict.values()))
            opt.maximize(z3.Sum(*[z3.If(b, 1, 0) for b in strict.values()]))
        opt.minimize(z3.Sum(*[z3.If(k >= 0, k, -k) for k in coeff]))
        if opt.check() != z3.sat:
            return None
        m = opt.model()
        cand = Component(
            tuple(m.eval(k, model_completion=True).as_long() for k in coeff),
            m.eval(offset, model_completion=True).as_long(),
            tuple(a for a in remaining if z3.is_true(m.eval(strict[a], model_completion=True))),
        )
        vx, vy = ob.value(cand, ob.features_x), ob.value(cand, ob.features_y)
        progress = False
        s = ob.solver()
        s.add(ob.pending_x, vx < 0)
        if s.check() == z3.sat:
            points.append(_values(s.model(), ob.features_x))
            progress = True
        for a in remaining:
            s = ob.solver()
            s.add(ob.step(a), (vy >= vx) if a in cand.ranks else (vy > vx))
            r = s.check()
            if r == z3.sat:
                samples[a].append((_values(s.model(), ob.features_x), _values(s.model(), ob.features_y)))
                progress = True
            elif r == z3.unknown:
                raise Unproved(f"solver unknown while checking {ob.e.actions[a].label} ({s.reason_unknown()})")
        if not progress:
            return cand
    raise Unproved(f"no ranking function within {ROUNDS} rounds of sampling")


def prove(
    encoder: Encoder, prop: Property, lemmas: Sequence[z3.BoolRef] = (), timeout: float | None = None
) -> RankingProof:
    """A lexicographic ranking proof that every pending state reaches the goal; raises Unproved."""
    if not prop.is_liveness:
        raise ValueError(f"a ranking proof is for eventually and leads_to properties, not {prop.kind} ({prop.name})")
    goal = _goal(prop)
    deadline = None if timeout is None else time.monotonic() + timeout
    ob = _Obligations(encoder, goal, lemmas, timeout)
    for failure in ob.lemma_failures() + ob.stuck_failures():
        raise Unproved(failure)
    remaining = list(range(encoder.n))
    components: list[Component] = []
    levels: list[list[int]] = []  # the actions left at each level, for the helped fallback
    while remaining:
        comp = _synthesise(ob, remaining, None, deadline)
        if comp is None:
            # an unfair cycle may remain: replace the last levels by one helped level
            for i in range(len(levels), -1, -1):
                helped = _helped(ob, levels[i] if i < len(levels) else remaining, deadline)
                if helped is not None:
                    components = components[:i] + [helped]
                    break
            else:
                names = ", ".join(sorted({encoder.actions[a].label for a in remaining}))
                raise Unproved(
                    f"no linear ranking function decreases any of the remaining actions ({names}), "
                    f"and no weakly fair unit helps"
                )
            break
        levels.append(remaining)
        components.append(comp)
        remaining = [a for a in remaining if a not in comp.ranks]
    claim = f"all values of {', '.join(encoder.params)}" if encoder.params else "this instance"
    return RankingProof(tuple(components), tuple(lemmas), render(encoder, components), claim)


def _helped(ob: _Obligations, remaining: list[int], deadline: float | None) -> Component | None:
    """A last level helped by a weakly fair unit whose actions are all still unranked."""
    for unit, idx in ob.units:
        if not set(idx) <= set(remaining) or ob.helper_failure(unit, remaining):
            continue
        comp = _synthesise(ob, remaining, idx, deadline)
        if comp is not None:
            return attrs.evolve(comp, helper=unit)
    return None


def render(encoder: Encoder, components: Sequence[Component]) -> str:
    """The ranking functions in the model's field names, each with the actions it ranks."""
    out = []
    for i, c in enumerate(components, start=1):
        terms = [
            f"{k}·{v.label}" if k not in (1, -1) else ("" if k == 1 else "-") + v.label
            for k, v in zip(c.coefficients, encoder.vars)
            if k
        ]
        body = " + ".join(terms + ([str(c.offset)] if c.offset or not terms else [])).replace("+ -", "- ")
        names = sorted({encoder.actions[a].name for a in c.ranks})
        helper = f", helped by weak fairness of {c.helper[0]}" if c.helper is not None else ""
        out.append(f"V{i} = {body} (decreased by {', '.join(names)}{helper})")
    return "; ".join(out)


def progress_lemma(encoder: Encoder, prop: Property, timeout: float | None = None) -> tuple[z3.BoolRef | None, str]:
    """An inductive invariant, found by PDR, under which no pending state is stuck (or None, why).

    Posed as the safety property "the goal holds or some system action is enabled"; Spacer's
    invariant for it excludes the unreachable states that would stop a ranking proof, and it is
    re-checked (inductive, with the exact encoding) before the ranking proof uses it.
    """
    goal = _goal(prop)
    system = [a for a in encoder.actions if a.command.kind == "system"]

    def can_go_on(ops: Ops, sc: Scope, s: State) -> Value:
        return ops.or_(goal(ops, sc, s), *[a.guard(ops, sc, s) for a in system])

    safety = Property(
        name=f"{prop.name}.can_go_on",
        kind="always",
        doc="the goal holds or a system action is enabled",
        upstream="-",
        predicate=can_go_on,
    )
    # the exact integer encoding: the guards in the query must not introduce havoc variables
    exact = Encoder(encoder.model, encoder.scope, encoder.params, encoder.bounds)
    answer, invariant, reason = pdr.solve(exact, safety, timeout)
    if answer == "unsat":
        return None, "a reachable pending state has no system action enabled (a fair run may stop there; PDR)"
    if answer != "sat":
        first = (reason or "").strip().splitlines()[0][:120] if reason else ""
        return (
            None,
            f"PDR found no invariant that keeps pending states from stopping ({answer}{': ' + first if first else ''})",
        )
    return invariant, ""


def check(task: Task) -> list[Result]:
    """A ranking proof of each eventually/leads_to property of ``task``: PROVED with the re-checked
    :class:`RankingProof` as ``evidence``, or INCONCLUSIVE with the reason (never HOLDS)."""
    deadline = Deadline(task.budget.timeout)
    results = []
    for prop in task.properties:
        timeout = deadline.left()  # before encoding, which the timeout does not count
        task.say("searching for a ranking function")
        results.append(decide(task.encoder(), prop, timeout=timeout))
    return results


def decide(
    encoder: Encoder, prop: Property, lemmas: Sequence[z3.BoolRef] | None = None, timeout: float | None = None
) -> Result:
    """PROVED with a re-checked ranking proof as ``evidence``, or INCONCLUSIVE with the reason (never HOLDS).

    ``lemmas``: proved invariants to assume; None asks PDR for one (:func:`progress_lemma`).
    """
    encoder.require_plain_actions("a ranking proof")  # before PDR reads the guards (one per action)
    started = time.perf_counter()
    try:
        if lemmas is None:
            lemma, why = progress_lemma(encoder, prop, timeout)
            if lemma is None:
                raise Unproved(why)
            lemmas = (lemma,)
        left = None if timeout is None else max(1.0, timeout - (time.perf_counter() - started))
        proof = prove(encoder, prop, lemmas, left)
    except Unproved as why:
        stats = Stats(0, 0, 0, time.perf_counter() - started, False, "unproved")
        return Result(
            prop,
            Verdict.INCONCLUSIVE,
            encoder.scope,
            ENGINE,
            stats,
            None,
            None,
            f"no liveness proof: {why}; not a proof either way",
        )
    goal = _goal(prop)
    failed = proof.recheck(encoder, goal)
    if failed:
        raise EncoderBug(f"ranking proof for {prop.name} fails its re-check: {'; '.join(failed)}")
    seconds = time.perf_counter() - started
    note = f"PROVED ({proof.scope_claim}) by a lexicographic ranking, re-checked: {proof.text}"
    return Result(
        prop, Verdict.PROVED, encoder.scope, ENGINE, Stats(0, 0, 0, seconds, True, "proved"), None, None, note, proof
    )
