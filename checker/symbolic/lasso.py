"""Bounded lasso search for liveness counterexamples (BMC with loop-back, weak and strong fairness).

A counterexample to ``eventually P`` or ``P leads_to Q`` is an infinite fair run; in a finite
instance some such run is a *lasso*: a path ``x0 … xk`` whose last state equals an earlier one,
``xk = xl`` (kubecheck's convention, the same as the ITF ``loop`` index: the last state equals
``states[loop]``), repeated for ever from step l. For each k = 1, 2, … one query asks for::

    init(x0) ∧ ⋀_{j<k} T(xj, xj+1)                                   -- the unrolling (bmc.Unroller)
    ∧ ⋁_l (loop_l ∧ xk = xl)                                          -- exactly one loop start l < k
    ∧ eventually: ⋀_{j≤k} ¬P(xj)
      leads_to:   ⋁_i trig_i ∧ (trig_i ⇒ P(xi) ∧ ¬Q(xi)) ∧ ⋀_j (j ≥ min(i, l) ⇒ ¬Q(xj))
    ∧ ⋀_u ⋁_{l≤j<k} (action@j ∈ u ∨ ¬enabled_u(xj))                  -- weak fairness per unit
    ∧ ⋀_v (⋁_{l≤j<k} action@j ∈ v ∨ ⋀_{l≤j<k} ¬enabled_v(xj))        -- strong fairness per unit

``u`` ranges over the weakly fair units of ``system`` actions (``Action.fairness_unit``; a unit
is enabled where the guard of one of its actions holds), ``v`` over the strongly fair ones
(:func:`kubecheck.model.kernel.commands.strongly_fair`: the model's and the property's). On a
lasso "enabled infinitely often" is "enabled in some loop state", so the strong constraint is
exact, as the weak one is. User actions and faults carry no obligation. The transition relation
keeps its stutter disjunct, which gives the finite runs: a loop made of one stutter step at a
state is fair exactly when no system unit is enabled there —
the run stays there for ever (the explicit engine's "stutter" counterexample). Stutter steps are
dropped when the solver's path is decoded; at the shortest k none survives but that one.

Depths are tried in order, so the first lasso has the fewest steps (stem plus loop, a stutter
loop counting one) of all lassos: never more than the explicit engine's, which minimises the stem
first. Every lasso is certified twice: the action labels are replayed through the reference
semantics and compared state by state (:func:`kubecheck.checker.certify.certify_trace`), then
:func:`check_lasso` re-decides on concrete values that the loop closes, that the property fails
on it and that it is fair. A failure of either is an encoder bug, never a verdict. A search that
finds nothing is INCONCLUSIVE with the bound it reached — never HOLDS.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import z3

from kubecheck.checker.certify import EncoderBug, certify_trace
from kubecheck.checker.explicit.fair_cycles import Unit, check_lasso
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.symbolic.bmc import Unroller
from kubecheck.checker.symbolic.encoder import Encoder, _number, as_bool
from kubecheck.checker.task import Deadline, Task
from kubecheck.model.kernel.commands import Action, Model, strongly_fair
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope
from kubecheck.model.kernel.traces import Trace, replay

#: The engine name results carry, and what a status line calls it; the depth bound without ``Task.depth``.
ENGINE, LABEL = "bmc-lasso", "bmc lasso"
DEFAULT_DEPTH = 20


def fairness_units(actions: Sequence[Action]) -> list[tuple[Unit, list[int]]]:
    """The weak-fairness units of the system actions, in action order, with their action indices."""
    units: dict[Unit, list[int]] = {}
    for i, a in enumerate(actions):
        if a.command.kind == "system":
            units.setdefault(a.fairness_unit, []).append(i)
    return list(units.items())


class LassoEncoding:
    """Per-step terms of the lasso query over one :class:`Encoder` (guards, predicates, units)."""

    def __init__(self, encoder: Encoder, prop: Property):
        if not prop.is_liveness:
            raise ValueError(
                f"a lasso search decides eventually and leads_to properties, not {prop.kind} ({prop.name})"
            )
        if not encoder.stutter:
            raise ValueError("the lasso search needs the encoder's stutter step (finite runs are stutter loops)")
        encoder.require_plain_actions("a lasso search")
        self.e, self.prop = encoder, prop
        self.units = fairness_units(encoder.actions)
        self.strong = strongly_fair(encoder.model, prop.strong_fairness)
        x0 = encoder.state(0)
        sc, view = encoder.scope_of(x0), encoder.view(x0)
        guards = [as_bool(a.guard(encoder.ops, sc, view)) for a in encoder.actions]
        self._enabled0 = [z3.Or(*[guards[i] for i in idx]) for _, idx in self.units]
        self._p0 = as_bool(prop.predicate(encoder.ops, sc, view))
        self._q0 = as_bool(prop.target(encoder.ops, sc, view)) if prop.target is not None else None
        self._cache: dict[tuple[str, int], z3.BoolRef] = {}

    def _at(self, name: str, term: z3.BoolRef, j: int) -> z3.BoolRef:
        key = (name, j)
        if key not in self._cache:
            x0, xj = self.e.state(0), self.e.state(j)
            self._cache[key] = term if j == 0 else z3.substitute(term, *zip(x0, xj))
        return self._cache[key]

    def enabled(self, u: int, j: int) -> z3.BoolRef:
        return self._at(f"en{u}", self._enabled0[u], j)

    def p(self, j: int) -> z3.BoolRef:
        return self._at("p", self._p0, j)

    def q(self, j: int) -> z3.BoolRef:
        return self._at("q", self._q0, j)

    def taken(self, u: int, j: int) -> z3.BoolRef:
        sel = self.e.selector(j)
        return z3.Or(*[sel == i for i in self.units[u][1]])

    def query(self, k: int) -> tuple[z3.BoolRef, list[z3.BoolRef]]:
        """The lasso constraints for a path of k steps, and the loop-start literals."""
        e = self.e
        loop = [z3.Bool(f"loop{k}@{j}") for j in range(k)]
        inside = [z3.Or(*loop[: j + 1]) for j in range(k)]
        xk = e.state(k)
        parts = [z3.PbEq([(b, 1) for b in loop], 1)]
        # a stutter step only as the whole loop: any other stutter step pads a shorter lasso,
        # which an earlier depth already offered (this keeps depth k from re-searching them)
        parts += [e.selector(j) != e.n for j in range(k - 1)]
        parts.append(z3.Implies(e.selector(k - 1) == e.n, loop[k - 1]))
        parts += [z3.Implies(loop[j], z3.And(*[a == b for a, b in zip(xk, e.state(j))])) for j in range(k)]
        if self.prop.kind == "eventually":
            parts += [z3.Not(self.p(j)) for j in range(k)]
        else:
            trig = [z3.Bool(f"trigger{k}@{j}") for j in range(k)]
            parts.append(z3.Or(*trig))
            parts += [z3.Implies(trig[j], self.p(j)) for j in range(k)]
            after = [z3.Or(*trig[: j + 1]) for j in range(k)]
            parts += [z3.Implies(z3.Or(after[j], inside[j]), z3.Not(self.q(j))) for j in range(k)]
        # the stem is a simple path (before the trigger, and from the trigger to the loop start):
        # a repeated state there could be cut out, giving a shorter lasso an earlier depth found
        upto = [z3.Or(*loop[j:]) for j in range(k)]  # j <= l
        for j in range(1, k):
            for i in range(j):
                if self.prop.kind == "eventually":
                    same_part = z3.BoolVal(True)
                else:
                    same_part = z3.Or(z3.Not(after[j - 1]), after[i])  # j <= t, or t <= i
                differ = z3.Or(*[a != b for a, b in zip(e.state(i), e.state(j))])
                parts.append(z3.Implies(z3.And(upto[j], same_part), differ))
        for u, (unit, _) in enumerate(self.units):
            if unit[0] in self.strong:  # taken in the loop, or enabled in no loop state
                parts.append(
                    z3.Or(
                        z3.Or(*[z3.And(inside[j], self.taken(u, j)) for j in range(k)]),
                        z3.And(*[z3.Implies(inside[j], z3.Not(self.enabled(u, j))) for j in range(k)]),
                    )
                )
            else:  # taken in the loop, or disabled in some loop state
                parts.append(
                    z3.Or(*[z3.And(inside[j], z3.Or(self.taken(u, j), z3.Not(self.enabled(u, j)))) for j in range(k)])
                )
        return z3.And(*parts), loop


def search(
    encoder: Encoder,
    prop: Property,
    max_depth: int,
    timeout: float | None = None,
    status: Callable[[str], None] | None = None,
) -> tuple[Trace | None, int, str]:
    """(certified lasso or None, depth reached, stop reason): shortest-first in the number of steps."""
    started = time.perf_counter()
    enc = LassoEncoding(encoder, prop)
    u = Unroller(encoder)
    for k in range(1, max_depth + 1):
        if status is not None:
            status(f"lasso length {k} of {max_depth}")
        remaining = None
        if timeout is not None:
            remaining = int((timeout - (time.perf_counter() - started)) * 1000)
            if remaining <= 0:
                return None, k - 1, "timeout"
        formula, loop = enc.query(k)
        answer = u.check_at(formula, k, remaining)
        if answer == z3.sat:
            m = u.solver.model()
            start = next(j for j in range(k) if z3.is_true(m.eval(loop[j], model_completion=True)))
            return _certify(encoder, prop, m, k, start), k, "found"
        if answer == z3.unknown:
            return None, k - 1, f"solver unknown at depth {k} ({u.solver.reason_unknown()})"
    return None, max_depth, "depth bound"


def _certify(encoder: Encoder, prop: Property, m: z3.ModelRef, k: int, start: int) -> Trace:
    labels, states, params = encoder.decode(m, k)
    # the loop index counts real steps: the stutter steps before the loop start are dropped
    real_before = sum(
        1 for j in range(start) if _number(m.eval(encoder.selector(j), model_completion=True)) != encoder.n
    )
    straight = certify_trace(encoder, labels, states, params)
    trace = replay(encoder.model, straight.scope, labels, loop=real_before)
    problem = check_lasso(encoder.model, trace.scope, prop, trace)
    if problem:
        raise EncoderBug(
            f"lasso for {prop.name} (labels {labels}, loop {real_before}) fails its certification: {problem}"
        )
    return trace


def fairness_note(model: Model, scope: Scope, trace: Trace, prop: Property | None = None) -> str:
    """What fairness the loop satisfies, in words (for the report)."""
    loop = trace.loop or 0
    if loop == len(trace.steps):
        return "no controller, kubelet or scheduler action is enabled here: the run stays for ever"
    actions = [a for a in model.actions(scope) if a.command.kind == "system"]
    ring = trace.states[loop:-1]
    on = [{a.fairness_unit for a in actions if a.guard(CONCRETE, scope, s)} for s in ring]
    strong = strongly_fair(model, prop.strong_fairness) if prop is not None else frozenset()
    always_on = {u for u in set.intersection(*on) if u[0] not in strong}
    note = (
        f"a loop of {len(trace.steps) - loop} step(s); {len(always_on)} fair action(s) enabled throughout "
        f"the loop are taken in it"
    )
    if strong:
        taken = len({u for units in on for u in units if u[0] in strong})
        note += f"; {taken} strongly fair action(s) enabled somewhere on it are taken in it"
    return note


def check(task: Task) -> list[Result]:
    """BMC lasso search for each eventually/leads_to property of ``task`` up to ``task.depth`` steps."""
    depth = DEFAULT_DEPTH if task.depth is None else task.depth
    deadline = Deadline(task.budget.timeout)
    results = []
    for prop in task.properties:
        timeout = deadline.left()  # before encoding, which the timeout does not count
        results.append(decide(task.encoder(), prop, depth, timeout, task.status))
    return results


def decide(
    encoder: Encoder,
    prop: Property,
    max_depth: int,
    timeout: float | None = None,
    status: Callable[[str], None] | None = None,
) -> Result:
    """BMC lasso search for one eventually/leads_to property up to ``max_depth`` steps."""
    started = time.perf_counter()
    trace, depth, reason = search(encoder, prop, max_depth, timeout, status)
    seconds = time.perf_counter() - started
    stats = Stats(0, 0, max(depth, 0), seconds, False, "bound" if reason == "depth bound" else reason)
    if trace is not None:
        note = (
            f"lasso of {len(trace.steps)} step(s) found at depth {depth} by BMC, looping back to step {trace.loop}; "
            f"{fairness_note(encoder.model, trace.scope, trace, prop)}"
        )
        return Result(prop, Verdict.VIOLATED, trace.scope, ENGINE, stats, trace, None, note)
    return Result(
        prop,
        Verdict.INCONCLUSIVE,
        encoder.scope,
        ENGINE,
        stats,
        None,
        None,
        f"no fair lasso up to depth {max(depth, 0)} ({reason}); not a proof",
    )
