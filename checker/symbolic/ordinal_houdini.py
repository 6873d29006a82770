"""Per-ordinal lemmas for ``always`` properties: candidate clauses over one ordinal, kept by Houdini.

:mod:`kubecheck.checker.symbolic.ordinal` proves an ``always`` property for every number of ordinals
when the property (with its stated lemmas) is a per-ordinal inductive invariant. Most are not on
their own (a pod runs only where its volume is attached *because* detaching waits for the pod).
This module finds the strengthening: clauses ``l1 ∨ l2`` whose literals are ``field == value``
(or a boolean field) of one ordinal's slot or of the global fields.

1. **Candidates** are filtered on sampled reachable states of the model at two and three ordinals
   (the reference semantics, breadth first, capped): a clause false at some slot of some sampled
   state is dropped. Sampling decides nothing; it only spares the solver false candidates.
2. **Houdini over the ordinal reading**: the invariant ``I = P ∧ ⋀ kept clauses``, each at every
   ordinal. For each disjunct of the reading, z3 looks for a step from a state satisfying ``I``
   at the query's ordinals (the window ordinal and the command's target) to one where some clause
   (or ``P``) fails at the window ordinal; the clauses the model falsifies are dropped, until no
   disjunct finds one. Clauses false initially are dropped first. If ``P`` itself fails, there is
   no per-ordinal invariant of this shape, and the property stays INCONCLUSIVE.

What is kept is an inductive invariant of the ordinal reading, re-checked by
:func:`kubecheck.checker.symbolic.ordinal.prove` (fresh solvers, from SMT-LIB text).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import z3

from kubecheck.checker.explicit.compile import DomainError, compile_model
from kubecheck.model.kernel.ops import Z3, Value
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import Schema

#: Sampled states per size, and the sizes sampled.
SAMPLE_STATES, SAMPLE_SIZES = 2000, (2, 3)
#: Houdini rounds before giving up.
MAX_ROUNDS = 200


@attrs.frozen
class Literal:
    """``field[j] == value`` (``value`` True for a boolean field), or its negation."""

    field: str
    j: int | None  # element of a tuple field; None for a scalar
    value: int | bool
    positive: bool

    def of(self, w: Any) -> Value:
        x = getattr(w, self.field)
        if self.j is not None:
            x = x[self.j]
        atom = x if self.value is True else x == self.value
        if self.positive:
            return atom
        return z3.Not(atom) if isinstance(atom, z3.ExprRef) else not atom

    @property
    def text(self) -> str:
        name = self.field if self.j is None else f"{self.field}[{self.j}]"
        if self.value is True:
            return name if self.positive else f"not {name}"
        return f"{name} {'==' if self.positive else '!='} {self.value}"


Clause = tuple[Literal, ...]


def clause_text(c: Clause) -> str:
    return " or ".join(lit.text for lit in c)


def _atoms(one: Schema, per_slot: set[str]) -> list[Literal]:
    out = []
    for sl in one.slots:
        j = None if one.lengths[sl.field] is None else sl.element
        if sl.kind == "bool":
            out.append(Literal(sl.field, j, True, True))
        elif sl.hi - sl.lo <= 8:
            out += [Literal(sl.field, j, v, True) for v in range(sl.lo, sl.hi + 1)]
    return out


def _rows(model: Any, scope: Any, sized: Callable[[Any, int], Any]) -> list[tuple[Schema, int, list[tuple]]]:
    """Sampled reachable states (flat tuples) at each sampled size: (schema, ordinals, states)."""
    out = []
    for n in SAMPLE_SIZES:
        compiled = compile_model(model, sized(scope, n))
        seen, queue = {compiled.initial}, [compiled.initial]
        for x in queue:
            if len(seen) >= SAMPLE_STATES:
                break
            try:
                nexts = compiled.successors(x)
            except DomainError:
                continue
            for _, y in nexts:
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        out.append((compiled.schema, n, queue))
    return out


def candidates(model: Any, scope: Any, sized: Callable[[Any, int], Any], per_slot: dict[str, int]) -> list[Clause]:
    """Clauses true at every sampled slot: single literals, and pairs with at least one literal about the
    ordinal's slot and neither true everywhere on its own."""
    one = Schema(model.state_cls, sized(scope, 1))
    atoms = _atoms(one, set(per_slot))
    rows = _rows(model, scope, sized)
    bits: dict[Literal, int] = {}
    full = 0
    for a in atoms:  # a window row is (sampled state, ordinal); bit k of a literal: it holds there
        b, k = 0, 0
        for schema, n, states in rows:
            start = schema.field_slots[a.field].start
            width = per_slot.get(a.field)
            for i in range(n):
                idx = start + (i * width + (a.j or 0) if width else (a.j or 0))
                for row in states:
                    if row[idx] == a.value:
                        b |= 1 << k
                    k += 1
        full = (1 << k) - 1
        bits[a] = b
        bits[attrs.evolve(a, positive=False)] = full & ~b
    lits = list(bits)
    out: list[Clause] = [(lit,) for lit in lits if bits[lit] == full]  # a pair with one of these is weaker
    for x, y in itertools.combinations([lit for lit in lits if bits[lit] != full], 2):
        if x.field == y.field and x.j == y.j:
            continue
        if x.field not in per_slot and y.field not in per_slot:
            continue
        if bits[x] | bits[y] == full:
            out.append((x, y))
    return out


def houdini(
    reading: Any, prop: Property, clauses: Sequence[Clause], initial: Callable[..., z3.BoolRef], deadline: float
) -> list[Clause] | None:
    """The clauses of ``clauses`` that, with ``prop``, are inductive over the ordinal reading (None: none found)."""
    n = z3.Int("param.ordinals")
    s, t = reading.state("s"), reading.state("t")
    o, p = z3.Int("o0@h"), z3.Int("target@h")
    sc = reading.one
    windows = {("s", "o"): s.at(o), ("s", "p"): s.at(p), ("t", "o"): t.at(o)}
    terms = {c: {key: z3.Or(*[_b(lit.of(w)) for lit in c]) for key, w in windows.items()} for c in clauses}

    def prop_at(w: Any) -> z3.BoolRef:
        parts = [_b(prop.predicate(Z3, sc, w))]
        if prop.lemmas is not None:
            parts += [_b(x) for x in prop.lemmas(Z3, sc, w)]
        return z3.And(*parts)

    # the property (and its stated lemmas) as the window check read it: spec.replicas remapped
    p_so, p_sp, p_to = (prop_at(st.at(x, remapped=True)) for st, x in ((s, o), (s, p), (t, o)))
    flags = {c: z3.Bool(f"keep#{k}") for k, c in enumerate(clauses)}
    kept = set(clauses)

    def assumptions() -> list[z3.BoolRef]:
        return [f if c in kept else z3.Not(f) for c, f in flags.items()]

    # initially
    solver = z3.Solver()
    solver.add(o >= 0, o < n, s.domain([o], n), initial(s, [o], n))
    if solver.check() != z3.sat:
        return list(clauses)
    if solver.check(z3.Not(p_so)) != z3.unsat:
        return _fail("false initially")
    solver.add(z3.Or(*[z3.And(f, z3.Not(terms[c]["s", "o"])) for c, f in flags.items()]))
    while kept and solver.check(*assumptions()) == z3.sat:
        m = solver.model()
        kept -= {c for c in kept if z3.is_false(m.eval(terms[c]["s", "o"], model_completion=True))}
    solvers = []
    for d in reading.disjuncts:
        solver = z3.Solver()
        solver.add(o >= 0, o < n, s.domain([o, p], n), reading.step(d, s, t, n, [o], "h", target=p), p_so, p_sp)
        for c, f in flags.items():
            solver.add(z3.Implies(f, z3.And(terms[c]["s", "o"], terms[c]["s", "p"])))
        solver.add(z3.Or(z3.Not(p_to), *[z3.And(f, z3.Not(terms[c]["t", "o"])) for c, f in flags.items()]))
        solvers.append((d, solver))
    for _ in range(MAX_ROUNDS):
        changed = False
        for d, solver in solvers:
            while True:
                if time.monotonic() > deadline:
                    return _fail("out of time")
                if solver.check(*assumptions()) != z3.sat:
                    break
                m = solver.model()
                if z3.is_false(m.eval(p_to, model_completion=True)):
                    return _fail(f"{d.label} breaks it from a state satisfying every kept clause")
                dropped = {c for c in kept if z3.is_false(m.eval(terms[c]["t", "o"], model_completion=True))}
                if not dropped:
                    return _fail(f"{d.label}: no clause to drop")
                kept -= dropped
                changed = True
        if not changed:
            return [c for c in clauses if c in kept]
    return _fail("too many rounds")


#: Why the last :func:`houdini` call found nothing (for the verdict's note and for debugging).
last_failure: list[str] = [""]


def _fail(why: str) -> list[Clause] | None:
    last_failure[0] = why
    return None


def _b(x: Value) -> z3.BoolRef:
    return z3.BoolVal(x) if isinstance(x, bool) else x
