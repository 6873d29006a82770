"""Bounded model checking, shortest first.

:func:`check` unrolls the transition relation one step at a time on one incremental solver and
asks, at each depth k, whether the property fails at step k (an ``always`` property false in
state k, a ``step`` property false on the real step k-1 → k) or, for a ``sometimes`` property,
whether its predicate holds in state k. Depths are tried in order and each earlier query was
unsatisfiable, so the first model is a shortest counterexample or witness — the same depth
breadth-first search reports. The query is posed under an assumption literal, so nothing is
popped and learnt clauses are kept.

Verdicts: VIOLATED or WITNESSED with a trace certified by replay
(:func:`kubecheck.checker.certify.certify_trace`), or INCONCLUSIVE with the bound reached
(depth limit, timeout or solver ``unknown``). BMC never says HOLDS.
"""

from __future__ import annotations

import time
from typing import Any

import z3

from kubecheck.checker.certify import certify_trace
from kubecheck.checker.report import Result, Stats, Verdict
from kubecheck.checker.symbolic import Encoder


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

    def check_at(self, formula: Any, k: int, timeout_ms: int | None) -> z3.CheckSatResult:
        self.extend_to(k)
        flag = z3.Bool(f"query@{k}#{id(formula)}")
        self.solver.add(z3.Implies(flag, formula))
        if timeout_ms is not None:
            self.solver.set("timeout", max(1, timeout_ms))
        return self.solver.check(flag)


def search(encoder: Encoder, prop: Any, max_depth: int, timeout: float | None = None,
           unroller: Unroller | None = None) -> tuple[Verdict, int, Any, str]:
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
        answer = u.check_at(encoder.bad(prop, k), k, remaining)
        if answer == z3.sat:
            labels, states, params = encoder.decode(u.solver.model(), k)
            return hit, k, certify_trace(encoder, labels, states, params), "found"
        if answer == z3.unknown:
            return Verdict.INCONCLUSIVE, k - 1, None, f"solver unknown at depth {k} ({u.solver.reason_unknown()})"
    return Verdict.INCONCLUSIVE, max_depth, None, "depth bound"


def check(encoder: Encoder, prop: Any, max_depth: int, timeout: float | None = None) -> Result:
    """BMC of one always/step/sometimes property to ``max_depth`` steps, shortest first."""
    if prop.kind not in ("always", "step", "sometimes"):
        raise ValueError(f"BMC decides always, step and sometimes properties, not {prop.kind} ({prop.name})")
    started = time.perf_counter()
    verdict, depth, trace, reason = search(encoder, prop, max_depth, timeout)
    seconds = time.perf_counter() - started
    stats = Stats(0, 0, max(depth, 0), seconds, False, "bound" if reason == "depth bound" else reason)
    if trace is not None:
        note = f"found at depth {depth} by BMC"
        if encoder.params:
            values = ", ".join(f"{n}={getattr(trace.scope, n)}" for n in encoder.params)
            note += f" with {values}"
        return Result(prop, verdict, trace.scope, "bmc", stats, trace, None, note)
    what = "no counterexample" if prop.kind != "sometimes" else "no witness"
    return Result(prop, verdict, encoder.scope, "bmc", stats, None, None,
                  f"{what} up to depth {max(depth, 0)} ({reason}); not a proof")
