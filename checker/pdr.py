"""IC3/PDR through z3's Horn-clause engine (Spacer).

The property is posed as constrained Horn clauses over one predicate ``Inv`` whose arguments are
every state variable and every symbolic parameter (parameters are copied unchanged by every
transition, so an invariant may relate them to the state: ``Σ spec ≤ replicas + maxSurge``)::

    init(x) ∧ D(x)                          → Inv(x)
    Inv(x) ∧ D(x) ∧ T_a(x, x') ∧ D(x')      → Inv(x')       one clause per action a
    Inv(x) ∧ D(x) ∧ ¬P(x)                   → false         (step: Inv ∧ T_a ∧ ¬P(x, x'))

``sat`` means the clauses have a model: Spacer's interpretation of ``Inv`` is an inductive
invariant that implies the property — PROVED, with that invariant printed in the model's field
names and re-checked by a fresh solver (:func:`kubecheck.checker.certify.check_invariant`; a
failed re-check raises, it is never reported as a proof). ``unsat`` means a bad state is
reachable: the trace is recovered by shortest-first BMC (:mod:`kubecheck.checker.bmc`) and
certified by replay. ``unknown`` or a timeout is INCONCLUSIVE.

A ``sometimes`` property is decided the same way on its negation: a proof that the predicate is
unreachable gives UNREACHABLE, a reachable predicate gives WITNESSED with a BMC witness.
"""

from __future__ import annotations

import time
from typing import Any

import attrs
import z3

from kubecheck.checker import bmc
from kubecheck.checker.certify import EncoderBug, InvariantCheck, certificate_smtlib, check_invariant
from kubecheck.checker.report import Result, Stats, Verdict
from kubecheck.checker.symbolic import Encoder


@attrs.frozen
class Proof:
    """Evidence of a PROVED verdict: the invariant, its readable form and its re-check."""

    invariant: Any  # z3 formula over encoder.state(0)
    text: str
    check: InvariantCheck
    scope_claim: str  # "this instance" or "all values of replicas, max_surge"

    def smtlib(self, encoder: Encoder, prop: Any) -> str:
        return certificate_smtlib(encoder, prop, self.invariant, self.text)


def horn_clauses(encoder: Encoder, prop: Any) -> tuple[list[Any], Any]:
    """The Horn clauses of ``prop`` and the predicate symbol ``Inv``."""
    if encoder.arith == "bv":
        raise ValueError("PDR needs an integer encoding (arith='int' or 'linear')")
    x, y = encoder.state(0), encoder.state(1) + encoder.havoc
    inv = z3.Function("Inv", *[v.sort() for v in x], z3.BoolSort())
    dx, dy = encoder.domain(x), encoder.domain(y[: len(x)])
    clauses = [z3.ForAll(x, z3.Implies(z3.And(encoder.init(x), dx), inv(*x)))]
    for i in range(encoder.n):
        clauses.append(z3.ForAll(x + y, z3.Implies(z3.And(inv(*x), dx, encoder.disjunct(i, 0), dy), inv(*y[: len(x)]))))
    if prop.kind == "step":
        for i in range(encoder.n):
            bad = z3.And(inv(*x), dx, encoder.disjunct(i, 0), dy, z3.Not(encoder.predicate(prop, x, y[: len(x)])))
            clauses.append(z3.ForAll(x + y, z3.Implies(bad, False)))
    elif prop.kind == "sometimes":
        clauses.append(z3.ForAll(x, z3.Implies(z3.And(inv(*x), dx, encoder.predicate(prop, x)), False)))
    else:
        clauses.append(z3.ForAll(x, z3.Implies(z3.And(inv(*x), dx, z3.Not(encoder.predicate(prop, x))), False)))
    return clauses, inv


def solve(encoder: Encoder, prop: Any, timeout: float | None = None, options: dict[str, Any] | None = None) -> tuple[str, Any, str]:
    """Run Spacer: ("sat", invariant over state(0), "") / ("unsat", None, "") / ("unknown", None, reason)."""
    clauses, inv = horn_clauses(encoder, prop)
    s = z3.SolverFor("HORN")
    if timeout is not None:
        s.set("timeout", max(1, int(timeout * 1000)))
    for key, value in (options or {}).items():
        s.set(key, value)
    s.add(*clauses)
    answer = s.check()
    if answer == z3.sat:
        x = encoder.state(0)
        return "sat", eliminate_quantifiers(s.model().eval(inv(*x))), ""
    if answer == z3.unsat:
        return "unsat", None, ""
    return "unknown", None, s.reason_unknown()


def check(encoder: Encoder, prop: Any, timeout: float | None = None, max_trace_depth: int = 200,
          options: dict[str, Any] | None = None) -> tuple[Result, Proof | None]:
    """Decide one always/step/sometimes property with Spacer; a proof comes re-checked."""
    if prop.kind not in ("always", "step", "sometimes"):
        raise ValueError(f"PDR decides always, step and sometimes properties, not {prop.kind} ({prop.name})")
    started = time.perf_counter()
    answer, invariant, reason = solve(encoder, prop, timeout, options)
    solved = time.perf_counter() - started
    claim = f"all values of {', '.join(encoder.params)}" if encoder.params else "this instance"
    if answer == "sat":
        text = render(encoder, invariant)
        rechecked = check_invariant(encoder, prop, invariant)
        if not rechecked.ok:
            raise EncoderBug(f"Spacer's invariant for {prop.name} fails its re-check: {rechecked}")
        seconds = time.perf_counter() - started
        verdict = Verdict.UNREACHABLE if prop.kind == "sometimes" else Verdict.PROVED
        note = f"PROVED ({claim}) in {solved:.2f} s; inductive invariant: {text}; re-checked in {rechecked.seconds:.2f} s"
        stats = Stats(0, 0, 0, seconds, True, "proved")
        return Result(prop, verdict, encoder.scope, "pdr", stats, None, None, note), Proof(invariant, text, rechecked, claim)
    if answer == "unsat":
        left = None if timeout is None else max(0.1, timeout - solved)
        exact = encoder if encoder.exact else Encoder(encoder.model, encoder.scope, encoder.params, encoder.bounds)
        verdict, depth, trace, why = bmc.search(exact, prop, max_trace_depth, left)
        seconds = time.perf_counter() - started
        stats = Stats(0, 0, max(depth, 0), seconds, trace is not None, why)
        if trace is None:
            where = "" if encoder.exact else " in the linear over-approximation"
            return Result(prop, Verdict.INCONCLUSIVE, encoder.scope, "pdr", stats, None, None,
                          f"Spacer found the property reachable{where} in {solved:.2f} s but BMC found no trace within "
                          f"depth {max_trace_depth} ({why}); not reported without a certified trace"), None
        return Result(prop, verdict, trace.scope, "pdr", stats, trace, None,
                      f"Spacer: reachable ({solved:.2f} s); trace of depth {depth} by BMC, certified by replay"), None
    stats = Stats(0, 0, 0, solved, False, "timeout" if "timeout" in reason or "canceled" in reason else "unknown")
    return Result(prop, Verdict.INCONCLUSIVE, encoder.scope, "pdr", stats, None, None,
                  f"Spacer answered unknown after {solved:.2f} s ({reason})"), None


def eliminate_quantifiers(formula: Any) -> Any:
    """Spacer's interpretations may contain ∃ (projected variables): eliminate them when it can."""
    if not _has_quantifier(formula):
        return formula
    goals = z3.Then("qe", "simplify")(formula)
    result = z3.Or(*[g.as_expr() for g in goals]) if len(goals) != 1 else goals[0].as_expr()
    return formula if _has_quantifier(result) else result


def _has_quantifier(e: Any) -> bool:
    stack, seen = [e], set()
    while stack:
        t = stack.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.is_quantifier(t):
            return True
        stack.extend(t.children())
    return False


# -- rendering an invariant in the model's own field names ----------------------------------

def render(encoder: Encoder, formula: Any) -> str:
    """The invariant as text over field names (``rs_replicas[0] + rs_replicas[1] ≤ replicas + 1``)."""
    names = {str(x): v.label for x, v in zip(encoder.state(0), encoder.vars)}
    return _show(z3.simplify(formula), names, top=True)


_REL = {z3.Z3_OP_LE: "≤", z3.Z3_OP_GE: "≥", z3.Z3_OP_LT: "<", z3.Z3_OP_GT: ">", z3.Z3_OP_EQ: "="}
_FLIP = {"≤": "≥", "≥": "≤", "<": ">", ">": "<", "=": "="}


def _show(e: Any, names: dict[str, str], top: bool = False) -> str:
    if z3.is_true(e):
        return "true"
    if z3.is_false(e):
        return "false"
    if z3.is_and(e):
        parts = [_show(c, names) for c in e.children()]
        return (" ∧ " if top else " ∧ ").join(parts) if top else "(" + " ∧ ".join(parts) + ")"
    if z3.is_or(e):
        return "(" + " ∨ ".join(_show(c, names) for c in e.children()) + ")"
    if z3.is_not(e):
        inner = e.children()[0]
        k = inner.decl().kind() if z3.is_app(inner) else None
        if k in (z3.Z3_OP_LE, z3.Z3_OP_GE, z3.Z3_OP_LT, z3.Z3_OP_GT) and z3.is_int(inner.children()[0]):
            neg = {z3.Z3_OP_LE: z3.Z3_OP_GT, z3.Z3_OP_GE: z3.Z3_OP_LT, z3.Z3_OP_LT: z3.Z3_OP_GE, z3.Z3_OP_GT: z3.Z3_OP_LE}[k]
            return _relation(_REL[neg], inner.children()[0], inner.children()[1], names)
        if k == z3.Z3_OP_EQ and z3.is_int(inner.children()[0]):
            return _relation("≠", inner.children()[0], inner.children()[1], names)
        return "¬" + _show(inner, names)
    if z3.is_implies(e):
        a, b = e.children()
        return f"({_show(a, names)} ⇒ {_show(b, names)})"
    if z3.is_app(e) and e.decl().kind() in _REL and z3.is_int(e.children()[0]):
        return _relation(_REL[e.decl().kind()], e.children()[0], e.children()[1], names)
    if z3.is_app(e) and e.decl().kind() == z3.Z3_OP_EQ:
        return f"({_show(e.children()[0], names)} = {_show(e.children()[1], names)})"
    if z3.is_const(e) and str(e) in names:
        return names[str(e)]
    return _rename(e.sexpr(), names)


def _relation(op: str, lhs: Any, rhs: Any, names: dict[str, str]) -> str:
    """A linear relation with positive coefficients on each side: ``a + b ≤ c + 2``."""
    lterms: dict[str, int] = {}
    rterms: dict[str, int] = {}
    lconst, rconst = _linear(lhs, 1, lterms, names), _linear(rhs, 1, rterms, names)
    if lconst is None or rconst is None:
        return _rename(f"({op} {lhs.sexpr()} {rhs.sexpr()})", names)
    terms = dict(lterms)
    for k, c in rterms.items():
        terms[k] = terms.get(k, 0) - c
    c0 = rconst - lconst  # Σ terms  op  c0
    if op == "<":  # integers: a < c  ⇔  a ≤ c - 1
        op, c0 = "≤", c0 - 1
    elif op == ">":
        op, c0 = "≥", c0 + 1
    left = [(k, c) for k, c in terms.items() if c > 0]
    right = [(k, -c) for k, c in terms.items() if c < 0]
    if not left and right:
        left, right, c0, op = right, left, -c0, _FLIP[op]
    return f"{_sum(left, max(-c0, 0))} {op} {_sum(right, max(c0, 0))}"


def _sum(terms: list[tuple[str, int]], const: int) -> str:
    parts = [name if c == 1 else f"{c}·{name}" for name, c in sorted(terms)]
    if const or not parts:
        parts.append(str(const))
    return " + ".join(parts)


def _linear(e: Any, scale: int, terms: dict[str, int], names: dict[str, str]) -> int | None:
    """Add scale·e into ``terms``; return the constant part, or None if e is not linear."""
    if z3.is_int_value(e):
        return scale * e.as_long()
    if z3.is_const(e) and str(e) in names:
        key = names[str(e)]
        terms[key] = terms.get(key, 0) + scale
        return 0
    if z3.is_add(e):
        total = 0
        for c in e.children():
            part = _linear(c, scale, terms, names)
            if part is None:
                return None
            total += part
        return total
    if z3.is_sub(e):
        first, *rest = e.children()
        total = _linear(first, scale, terms, names)
        for c in rest:
            part = _linear(c, -scale, terms, names)
            if total is None or part is None:
                return None
            total += part
        return total
    if z3.is_mul(e) and len(e.children()) == 2 and z3.is_int_value(e.children()[0]):
        return _linear(e.children()[1], scale * e.children()[0].as_long(), terms, names)
    if z3.is_app(e) and e.decl().kind() == z3.Z3_OP_UMINUS:
        return _linear(e.children()[0], -scale, terms, names)
    return None


def _rename(text: str, names: dict[str, str]) -> str:
    for raw, label in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(f"|{raw}|", label).replace(raw, label)
    return text
