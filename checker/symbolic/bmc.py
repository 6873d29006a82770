"""Bounded model checking, shortest first.

:func:`check` (the engine contract, one :class:`~kubecheck.checker.task.Task`) and :func:`decide`
(one property on a given encoding) unroll the transition relation one step at a time on one incremental solver and
asks, at each depth k, whether the property fails at step k (an ``always`` property false in
state k, a ``step`` property false on the real step k-1 → k) or, for a ``sometimes`` property,
whether its predicate holds in state k. Depths are tried in order and each earlier query was
unsatisfiable, so the first model is a shortest counterexample or witness — the same depth
breadth-first search reports. The query is posed under an assumption literal, so nothing is
popped and learnt clauses are kept. With symbolic parameters, the solver's first choice (often
replicas in the thousands) is then lowered by binary search on their sum at the same depth
(:func:`least_parameters`): users read traces at small sizes. The search takes at most
log2(sum) solver calls; it may use what is left of the timeout (without one, as long again as
the search took, at least 2 s), so with a timeout the least values do not depend on the load.

Verdicts: VIOLATED or WITNESSED with a trace certified by replay
(:func:`kubecheck.checker.certify.certify_trace`), or INCONCLUSIVE with the bound reached
(depth limit, timeout or solver ``unknown``). BMC never says HOLDS.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import z3

from kubecheck.checker.certify import certify_trace
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Deadline, Task
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.traces import Trace

#: The engine name results carry, and what a status line calls it; the depth bound without ``Task.depth``.
ENGINE = LABEL = "bmc"
DEFAULT_DEPTH = 30


class Unroller:
    """An incremental unrolling from the initial states: init, domains and T up to a depth."""

    def __init__(self, encoder: Encoder):
        self.encoder = encoder
        self.solver = z3.Solver()
        x0 = encoder.state(0)
        self.solver.add(encoder.init(x0), encoder.domain(x0))
        self.depth = 0

    def extend_to(self, k: int) -> None:
        e = self.encoder
        while self.depth < k:
            self.solver.add(e.trans(self.depth), e.domain(e.state(self.depth + 1)))
            self.depth += 1

    def check_at(self, formula: z3.BoolRef, k: int, timeout_ms: int | None) -> z3.CheckSatResult:
        self.extend_to(k)
        flag = z3.Bool(f"query@{k}#{id(formula)}")
        self.solver.add(z3.Implies(flag, formula))
        if timeout_ms is not None:
            self.solver.set("timeout", max(1, timeout_ms))
        return self.solver.check(flag)


def search(
    encoder: Encoder,
    prop: Property,
    max_depth: int,
    timeout: float | None = None,
    unroller: Unroller | None = None,
    status: Callable[[str], None] | None = None,
) -> tuple[Verdict, int, Trace | None, str]:
    """(verdict, depth reached, certified trace or None, stop reason) for one property."""
    started = time.perf_counter()
    u = unroller or Unroller(encoder)
    hit = Verdict.WITNESSED if prop.kind == "sometimes" else Verdict.VIOLATED
    for k in range(max_depth + 1):
        remaining = None
        if timeout is not None:
            remaining = int((timeout - (time.perf_counter() - started)) * 1000)
            if remaining <= 0:
                return Verdict.INCONCLUSIVE, k - 1, None, "timeout"
        if status is not None:
            status(f"depth {k} of {max_depth}")
        bad = encoder.bad(prop, k)
        answer = u.check_at(bad, k, remaining)
        if answer == z3.sat:
            model = u.solver.model()
            if encoder.params:
                spent = time.perf_counter() - started
                cap = max(2.0, spent) if timeout is None else timeout - spent
                model = least_parameters(u, encoder, bad, k, model, cap)
            labels, states, params = encoder.decode(model, k)
            return hit, k, certify_trace(encoder, labels, states, params), "found"
        if answer == z3.unknown:
            return Verdict.INCONCLUSIVE, k - 1, None, f"solver unknown at depth {k} ({u.solver.reason_unknown()})"
    return Verdict.INCONCLUSIVE, max_depth, None, "depth bound"


def least_parameters(
    u: Unroller, encoder: Encoder, bad: z3.BoolRef, k: int, model: z3.ModelRef, seconds: float
) -> z3.ModelRef:
    """A model of the same depth-k query with the least sum of the symbolic parameters that
    ``seconds`` allow (binary search; a solver may pick replicas=10249 where 3 will do)."""
    terms = list(encoder.param_terms(encoder.state(0)).values())
    total = z3.Sum(*terms)
    best, hi, lo = model, model.eval(total, model_completion=True).as_long(), 0
    deadline = time.perf_counter() + seconds
    while lo < hi:
        left = int((deadline - time.perf_counter()) * 1000)
        if left <= 0:
            break
        mid = (lo + hi) // 2
        answer = u.check_at(z3.And(bad, total <= mid), k, left)
        if answer == z3.sat:
            best = u.solver.model()
            hi = best.eval(total, model_completion=True).as_long()
        elif answer == z3.unsat:
            lo = mid + 1
        else:
            break
    return best


def check(task: Task) -> list[Result]:
    """BMC of each always/step/sometimes property of ``task`` to ``task.depth`` steps, shortest first."""
    depth = DEFAULT_DEPTH if task.depth is None else task.depth
    deadline = Deadline(task.budget.timeout)
    results = []
    for prop in task.properties:
        timeout = deadline.left()  # before encoding, which the timeout does not count
        task.say("encoding")
        results.append(decide(task.encoder(), prop, depth, timeout, task.status))
    return results


def decide(
    encoder: Encoder,
    prop: Property,
    max_depth: int,
    timeout: float | None = None,
    status: Callable[[str], None] | None = None,
) -> Result:
    """BMC of one always/step/sometimes property to ``max_depth`` steps, shortest first."""
    if prop.kind not in ("always", "step", "sometimes"):
        raise ValueError(f"BMC decides always, step and sometimes properties, not {prop.kind} ({prop.name})")
    started = time.perf_counter()
    verdict, depth, trace, reason = search(encoder, prop, max_depth, timeout, status=status)
    seconds = time.perf_counter() - started
    stats = Stats(0, 0, max(depth, 0), seconds, False, "bound" if reason == "depth bound" else reason)
    if trace is not None:
        return Result(prop, verdict, trace.scope, ENGINE, stats, trace, None, f"found at depth {depth} by BMC")
    what = "no counterexample" if prop.kind != "sometimes" else "no witness"
    return Result(
        prop,
        verdict,
        encoder.scope,
        ENGINE,
        stats,
        None,
        None,
        f"{what} up to depth {max(depth, 0)} ({reason}); not a proof",
    )
