"""k-induction with simple-path constraints, strengthened by already-proved lemmas.

For k = 0, 1, 2, …:

* **base**: no counterexample of depth ≤ k from the initial states (shortest-first BMC on one
  incremental solver; a counterexample here is VIOLATED, certified by replay);
* **step**: no path x0 … x(k+1) of pairwise *distinct* states (the simple-path constraint; it
  also rules out the stutter step), each within its domain and satisfying every lemma, with the
  property true at x0 … xk and false at x(k+1). Unsatisfiable: the property is k+1-inductive
  relative to the lemmas, and with the base case it holds in every reachable state — PROVED for
  this scope (or for all parameter values when the encoder has symbolic parameters).

Lemmas are formulas over ``encoder.state(0)`` that are already proved invariants (another
property's predicate proved by PDR, or a PDR invariant); assuming them at every step is sound.
With finite domains the simple-path constraint makes k-induction complete at the length of the
longest simple path, which is far beyond any practical k here: without lemmas, properties that
need range facts stay INCONCLUSIVE.
"""

from __future__ import annotations

import time
from typing import Any, Sequence

import z3

from kubecheck.checker.bmc import Unroller
from kubecheck.checker.certify import certify_trace
from kubecheck.checker.report import Result, Stats, Verdict
from kubecheck.checker.symbolic import Encoder


def _distinct(xs: Sequence[Any], ys: Sequence[Any]) -> Any:
    return z3.Or(*[a != b for a, b in zip(xs, ys)])


def check(encoder: Encoder, prop: Any, max_k: int, lemmas: Sequence[Any] = (), timeout: float | None = None) -> Result:
    """k-induction of one always/step property up to ``max_k``."""
    if prop.kind not in ("always", "step"):
        raise ValueError(f"k-induction decides always and step properties, not {prop.kind} ({prop.name})")
    started = time.perf_counter()
    base = Unroller(encoder)
    step = z3.Solver()
    e = encoder

    def lemma_at(k: int) -> Any:
        x0, xk = e.state(0), e.state(k)
        return [z3.substitute(lem, *zip(x0, xk)) if k else lem for lem in lemmas]

    def remaining() -> int | None:
        if timeout is None:
            return None
        return int((timeout - (time.perf_counter() - started)) * 1000)

    def stats(k: int, complete: bool, reason: str) -> Stats:
        return Stats(0, 0, k, time.perf_counter() - started, complete, reason)

    step.add(e.domain(e.state(0)), *lemma_at(0))
    for k in range(max_k + 1):
        left = remaining()
        if left is not None and left <= 0:
            return Result(prop, Verdict.INCONCLUSIVE, e.scope, "kind", stats(k, False, "timeout"), None, None,
                          f"k-induction stopped at k={k} (timeout)")
        # base case at depth k
        answer = base.check_at(e.bad(prop, k), k, left)
        if answer == z3.sat:
            labels, states, params = e.decode(base.solver.model(), k)
            trace = certify_trace(e, labels, states, params)
            return Result(prop, Verdict.VIOLATED, trace.scope, "kind", stats(k, False, "found"), trace, None,
                          f"base case: counterexample at depth {k}")
        if answer == z3.unknown:
            return Result(prop, Verdict.INCONCLUSIVE, e.scope, "kind", stats(k, False, "unknown"), None, None,
                          f"base case at depth {k}: solver unknown ({base.solver.reason_unknown()})")
        # step case: P at 0..k (as constraints), a simple path to k+1, bad at k+1
        step.add(z3.Not(e.bad(prop, k)))
        step.add(e.trans(k), e.domain(e.state(k + 1)), *lemma_at(k + 1))
        for j in range(k + 1):
            step.add(_distinct(e.state(j), e.state(k + 1)))
        flag = z3.Bool(f"kind-bad@{k + 1}")
        step.add(z3.Implies(flag, e.bad(prop, k + 1)))
        left = remaining()
        if left is not None:
            step.set("timeout", max(1, left))
        answer = step.check(flag)
        if answer == z3.unsat:
            claim = f"all values of {', '.join(e.params)}" if e.params else "this instance"
            used = f", strengthened by {len(lemmas)} lemma(s)" if lemmas else ""
            return Result(prop, Verdict.PROVED, e.scope, "kind", stats(k + 1, True, "proved"), None, None,
                          f"PROVED ({claim}): {k + 1}-inductive with simple-path constraints{used}")
        if answer == z3.unknown:
            return Result(prop, Verdict.INCONCLUSIVE, e.scope, "kind", stats(k, False, "unknown"), None, None,
                          f"step case at k={k + 1}: solver unknown ({step.reason_unknown()})")
    return Result(prop, Verdict.INCONCLUSIVE, e.scope, "kind", stats(max_k, False, "bound"), None, None,
                  f"not k-inductive for k ≤ {max_k + 1} (base case clean to depth {max_k}); not a proof")
