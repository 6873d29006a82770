"""k-induction with simple-path constraints, strengthened by already-proved lemmas.

For k = 0, 1, 2, …  (a ``sometimes`` property is decided on its negation: a base-case hit is a
witness, WITNESSED; the negation proved is UNREACHABLE):

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

``strengthen`` (the default): when the property is not 1-inductive on its own, lemmas are discovered
(:func:`kubecheck.checker.discovery.houdini.discover`: templates, sampled states, Houdini — on the linear
over-approximation, whose invariants hold for the model), re-checked as an inductive set by
fresh solvers (:func:`kubecheck.checker.certify.check_inductive`), and assumed at every step
from then on. Domain bounds Houdini cannot keep (encoding caps) are reported; the step case
still assumes the domain at every step, as the base case does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import attrs
import z3

from kubecheck.checker.certify import bound_text, certify_trace, check_inductive
from kubecheck.checker.discovery import houdini, samples
from kubecheck.checker.discovery.candidates import PROPERTY
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.symbolic.bmc import Unroller
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.symbolic.pdr import MAX_DISCOVERY_VARIABLES
from kubecheck.checker.task import Deadline, Task
from kubecheck.model.kernel.property import Property

#: The engine name results carry, and what a status line calls it; the bound on k without ``Task.depth``.
ENGINE = LABEL = "kind"
DEFAULT_DEPTH = 5


def _distinct(xs: Sequence[z3.ExprRef], ys: Sequence[z3.ExprRef]) -> z3.BoolRef:
    return z3.Or(*[a != b for a, b in zip(xs, ys)])


def check(task: Task) -> list[Result]:
    """k-induction of each always/step/sometimes property of ``task`` up to k = ``task.depth``."""
    max_k = DEFAULT_DEPTH if task.depth is None else task.depth
    deadline = Deadline(task.budget.timeout)
    results = []
    for prop in task.properties:
        timeout = deadline.left()  # before encoding, which the timeout does not count
        task.say("encoding")
        results.append(decide(task.encoder(), prop, max_k, timeout=timeout, status=task.status))
    return results


def decide(
    encoder: Encoder,
    prop: Property,
    max_k: int,
    lemmas: Sequence[z3.BoolRef] = (),
    timeout: float | None = None,
    strengthen: bool = True,
    status: Callable[[str], None] | None = None,
) -> Result:
    """k-induction of one always/step property up to ``max_k`` (see the module docstring)."""
    if prop.kind not in ("always", "step", "sometimes"):
        raise ValueError(f"k-induction decides always, step and sometimes properties, not {prop.kind} ({prop.name})")
    # a sometimes property is decided on its negation: a witness is the base case's "counterexample"
    # (WITNESSED), and "never reached" proved inductive is UNREACHABLE
    hit = Verdict.WITNESSED if prop.kind == "sometimes" else Verdict.VIOLATED
    proved = Verdict.UNREACHABLE if prop.kind == "sometimes" else Verdict.PROVED
    started = time.perf_counter()
    base = Unroller(encoder)
    step = z3.Solver()
    e = encoder

    def lemma_at(k: int) -> list[z3.BoolRef]:
        x0, xk = e.state(0), e.state(k)
        return [z3.substitute(lem, *zip(x0, xk)) if k else lem for lem in lemmas]

    def remaining() -> int | None:
        if timeout is None:
            return None
        return int((timeout - (time.perf_counter() - started)) * 1000)

    def stats(k: int, complete: bool, reason: str) -> Stats:
        return Stats(0, 0, k, time.perf_counter() - started, complete, reason)

    lemmas = list(lemmas)
    discovered = ""
    step.add(e.domain(e.state(0)), *lemma_at(0))
    for k in range(max_k + 1):
        if status is not None:
            status(f"k={k + 1} of {max_k + 1}")
        left = remaining()
        if left is not None and left <= 0:
            return Result(
                prop,
                Verdict.INCONCLUSIVE,
                e.scope,
                ENGINE,
                stats(k, False, "timeout"),
                None,
                None,
                f"k-induction stopped at k={k} (timeout)",
            )
        # base case at depth k
        answer = base.check_at(e.bad(prop, k), k, left)
        if answer == z3.sat:
            labels, states, params = e.decode(base.solver.model(), k)
            trace = certify_trace(e, labels, states, params)
            what = "witness" if prop.kind == "sometimes" else "counterexample"
            return Result(
                prop, hit, trace.scope, ENGINE, stats(k, False, "found"), trace, None, f"base case: {what} at depth {k}"
            )
        if answer == z3.unknown:
            return Result(
                prop,
                Verdict.INCONCLUSIVE,
                e.scope,
                ENGINE,
                stats(k, False, "unknown"),
                None,
                None,
                f"base case at depth {k}: solver unknown ({base.solver.reason_unknown()})",
            )
        if strengthen and k == 1 and not discovered:  # not 1-inductive alone, and no counterexample so far
            found, discovered = _discover(e, prop, remaining())
            if isinstance(found, Result):  # a sampled instance breaks the property: its explicit trace
                assert found.trace is not None
                return attrs.evolve(found, stats=stats(len(found.trace.steps), False, "found"))
            if found:
                lemmas += found
                for j in range(k + 1):
                    step.add(*[z3.substitute(f, *zip(e.state(0), e.state(j))) if j else f for f in found])
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
            claim = e.claim
            used = f", strengthened by {len(lemmas)} lemma(s)" if lemmas else ""
            used += f" ({discovered})" if discovered and lemmas else ""
            what = "UNREACHABLE (never reached" if prop.kind == "sometimes" else "PROVED ("
            return Result(
                prop,
                proved,
                e.scope,
                ENGINE,
                stats(k + 1, True, "proved"),
                None,
                None,
                f"{what}{'; ' if prop.kind == 'sometimes' else ''}{claim}): {k + 1}-inductive with "
                f"simple-path constraints{used}",
            )
        if answer == z3.unknown:
            return Result(
                prop,
                Verdict.INCONCLUSIVE,
                e.scope,
                ENGINE,
                stats(k, False, "unknown"),
                None,
                None,
                f"step case at k={k + 1}: solver unknown ({step.reason_unknown()})",
            )
    tried = f" with {len(lemmas)} lemma(s)" if lemmas else ""
    tried += f" ({discovered})" if discovered else ""
    return Result(
        prop,
        Verdict.INCONCLUSIVE,
        e.scope,
        ENGINE,
        stats(max_k, False, "bound"),
        None,
        None,
        f"not k-inductive for k ≤ {max_k + 1}{tried} (base case clean to depth {max_k}); not a proof",
    )


def _discover(encoder: Encoder, prop: Property, left_ms: int | None) -> tuple[list[z3.BoolRef] | Result, str]:
    """Lemmas from Houdini on the linear encoding, re-checked as an inductive set; ([], why) if none;
    (Result, "") when a sampled instance violates the property."""
    if len(encoder.vars) > MAX_DISCOVERY_VARIABLES:
        return [], f"no lemma discovery beyond {MAX_DISCOVERY_VARIABLES} state variables"
    linear = (
        encoder
        if encoder.arith == "linear"
        else Encoder(encoder.model, encoder.scope, encoder.params, encoder.bounds, arith="linear")
    )
    timeout = None if left_ms is None else max(0.1, left_ms / 2000)
    started = time.perf_counter()
    # sampling, the sampled instance's trace and Houdini each get a share of what is left: every
    # step of the discovery checks the budget (an overrun ends in "not k-inductive", not a hang)
    rows = samples.sample(linear, prop, timeout=timeout)
    if rows.decided_in is not None:
        return samples.decided(encoder, prop, rows.decided_in, ENGINE, started, timeout, rows.decided_compiled), ""
    found = houdini.discover(linear, prop, timeout=timeout, rows=rows)
    kept = [f for f, c in zip(found.lemmas, found.clauses) if c != PROPERTY]
    if found.status != "ok" or not kept:
        return [], f"lemma discovery found none ({found.status})"
    if not check_inductive(linear, z3.And(*kept), found.lifted):
        return [], "lemma discovery's set failed its re-check"
    caps = (
        f"; domain bounds not kept by them: {', '.join(bound_text(linear, b) for b in found.lifted)}"
        if found.lifted
        else ""
    )
    return kept, f"lemmas found by Houdini in {found.seconds:.2f} s and re-checked inductive by fresh solvers{caps}"
