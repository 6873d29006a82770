"""Proofs for every number of ordinals: the per-slot StatefulSet model read as a function of an ordinal.

``--engine ordinal`` (``kubecheck check statefulset PROP --for-all replicas``). The StatefulSet
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
instantiated at the windows inside the query's ordinals), with the property's stated lemmas.

**Conformance, checked at sizes 1..K** (:func:`conformance`, K = ``CONFORMANCE_SIZES``): for every
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

import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import z3

from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.symbolic import ordinal_houdini as oh
from kubecheck.model.controllers import statefulset_ordinal as sto
from kubecheck.model.controllers import statefulset_sync as sync
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.ops import Z3, Value
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import Scope

#: Sizes at which the reading is checked against the model's own fixed-size relation.
CONFORMANCE_SIZES = (1, 2, 3, 4)
#: Seconds one solver query may take (an ``unknown`` is INCONCLUSIVE).
QUERY_SECONDS = 30.0
ENGINE = "ordinal"


class NotApplicable(Exception):
    """The reading does not cover this model, scope or property; the message says why."""


def sized(scope: Scope, n: int) -> Scope:
    """The scope with ``n`` ordinals: replicas n, scale targets n-1 down to 0 (downward, so a scale
    target's domain never reads as the ordinal range)."""
    scales = getattr(scope, "scales", 0)
    return attrs.evolve(scope, replicas=n, scale_to=tuple(range(n - 1, -1, -1)) if scales else ())


# -- layout: which fields are per ordinal ---------------------------------------------------------


@attrs.frozen
class Layout:
    """Per-slot fields (name -> values per ordinal) and global fields (name -> tuple length or None)."""

    per_slot: tuple[tuple[str, int], ...]
    globals_: tuple[tuple[str, int | None], ...]
    kinds: dict[str, str]  # field -> "int" | "bool"
    slot_bounds: dict[tuple[str, int], tuple[int, int]]
    global_bounds: dict[tuple[str, int | None], tuple[int, int | None]]  # hi None: bounded by N


def layout(model: Model, scope: Scope) -> Layout:
    s1, s2, s3 = (Schema(model.state_cls, sized(scope, n)) for n in (1, 2, 3))
    per_slot, globals_, kinds = [], [], {}
    slot_bounds: dict[tuple[str, int], tuple[int, int]] = {}
    global_bounds: dict[tuple[str, int | None], tuple[int, int | None]] = {}
    for name in s1.fields:
        l1, l2, l3 = s1.lengths[name], s2.lengths[name], s3.lengths[name]
        slots1 = [s1.slots[i] for i in s1.field_slots[name]]
        kinds[name] = slots1[0].kind
        if l1 is not None and l2 == 2 * l1 and l3 == 3 * l1:
            per_slot.append((name, l1))
            for j, sl in enumerate(slots1):
                slot_bounds[name, j] = (sl.lo, sl.hi)
        elif l1 == l2 == l3:
            globals_.append((name, l1))
            for j, (a, b, c) in enumerate(
                zip(
                    slots1,
                    [s2.slots[i] for i in s2.field_slots[name]],
                    [s3.slots[i] for i in s3.field_slots[name]],
                    strict=True,
                )
            ):
                key = (name, None if l1 is None else j)
                if a.lo == b.lo == c.lo and a.hi == b.hi == c.hi:
                    global_bounds[key] = (a.lo, a.hi)
                elif a.lo == b.lo == c.lo and (a.hi, b.hi, c.hi) == (1, 2, 3):
                    global_bounds[key] = (a.lo, None)
                else:
                    raise NotApplicable(
                        f"field {name}: its domain changes with the size in a way the reading does not bound"
                    )
        else:
            raise NotApplicable(f"field {name}: its length is not a multiple of the number of ordinals")
    return Layout(tuple(per_slot), tuple(globals_), kinds, slot_bounds, global_bounds)


# -- symbolic states over ordinals -------------------------------------------------------------


class ArrayState:
    """One step's state: an array per per-slot value, a constant per global value."""

    def __init__(self, lay: Layout, tag: str, state_cls: type):
        self.lay, self.tag, self.state_cls = lay, tag, state_cls
        self._at: dict[Any, Any] = {}
        self.arrays: dict[str, list[z3.ArrayRef]] = {}
        for name, width in lay.per_slot:
            sort = z3.BoolSort() if lay.kinds[name] == "bool" else z3.IntSort()
            self.arrays[name] = [z3.Array(f"{name}#{j}@{tag}", z3.IntSort(), sort) for j in range(width)]
        self.globals: dict[str, Any] = {}
        for name, length in lay.globals_:
            mk = z3.Bool if lay.kinds[name] == "bool" else z3.Int
            self.globals[name] = (
                mk(f"{name}@{tag}") if length is None else tuple(mk(f"{name}[{j}]@{tag}") for j in range(length))
            )

    def window(self, ordinals: Sequence[Value], replicas_remap: bool = False) -> Any:
        """A state of the model's class with one slot per ordinal of ``ordinals`` (in that order).

        ``replicas_remap``: spec.replicas becomes the number of window ordinals below it (for
        predicates comparing a slot index with it; the window ordinals must be increasing)."""
        kwargs = dict(self.globals)
        for name, arrays in self.arrays.items():
            kwargs[name] = tuple(a[o] for o in ordinals for a in arrays)
        if replicas_remap:
            r = self.globals["replicas"]
            kwargs["replicas"] = z3.Sum([z3.If(o < r, 1, 0) for o in ordinals]) if ordinals else z3.IntVal(0)
        return self.state_cls(**kwargs)

    def at(self, o: Value) -> Any:
        key = o.get_id() if isinstance(o, z3.ExprRef) else o
        if key not in self._at:
            self._at[key] = self.window([o])
        return self._at[key]

    def domain(self, ordinals: Sequence[Value], n: z3.ArithRef) -> z3.BoolRef:
        parts = [n >= 1]
        for (name, j), (lo, hi) in self.lay.slot_bounds.items():
            if self.lay.kinds[name] == "int":
                parts += [z3.And(self.arrays[name][j][o] >= lo, self.arrays[name][j][o] <= hi) for o in ordinals]
        for (name, j), (lo, hi) in self.lay.global_bounds.items():
            if self.lay.kinds[name] == "int":
                v = self.globals[name] if j is None else self.globals[name][j]
                parts += [v >= lo, v <= (n if hi is None else hi)]
        return z3.And(*parts)

    def tied_to(self, flat_kwargs: dict[str, Any], n: int) -> z3.BoolRef:
        """Equalities between this state at ordinals 0..n-1 and a fixed-size state's fields."""
        parts = []
        for name, arrays in self.arrays.items():
            values = flat_kwargs[name]
            parts += [arrays[j][i] == values[i * len(arrays) + j] for i in range(n) for j in range(len(arrays))]
        for name, v in self.globals.items():
            other = flat_kwargs[name]
            parts += [a == b for a, b in zip(v, other, strict=True)] if isinstance(v, tuple) else [v == other]
        return z3.And(*parts)

    def tied_after(self, before: ArrayState, flat_kwargs: dict[str, Any], n: int) -> z3.BoolRef:
        """As :meth:`tied_to`, with every array equal to ``before``'s outside ordinals 0..n-1 (a
        fixed-size successor says nothing there; the reading's frames ask for equality)."""
        parts = []
        for name, arrays in self.arrays.items():
            values = flat_kwargs[name]
            for j, a in enumerate(arrays):
                updated = before.arrays[name][j]
                for i in range(n):
                    updated = z3.Store(updated, i, values[i * len(arrays) + j])
                parts.append(a == updated)
        for name, v in self.globals.items():
            other = flat_kwargs[name]
            parts += [a == b for a, b in zip(v, other, strict=True)] if isinstance(v, tuple) else [v == other]
        return z3.And(*parts)


def _eq(a: Value, b: Value) -> z3.BoolRef:
    if isinstance(a, tuple):
        return z3.And(*[_eq(x, y) for x, y in zip(a, b, strict=True)])
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b if not (isinstance(a, bool) and isinstance(b, bool)) else z3.BoolVal(a == b)
    return a == b


# -- the transition relation over ordinals -----------------------------------------------------


@attrs.frozen
class Disjunct:
    """One command (with its non-ordinal parameters bound) read over ordinals."""

    label: str
    command: Command
    fixed: tuple[tuple[str, Any], ...]
    slot_param: str | None  # the parameter that names an ordinal
    growing: tuple[str, ...]  # parameters whose domain grows with the size: integers in 0..N
    sync: bool


def disjuncts(model: Model, scope: Scope) -> list[Disjunct]:
    a, b = sized(scope, 2), sized(scope, 3)
    out: list[Disjunct] = []
    synced = False
    for cmd in model.commands:
        on = [cmd.enabled_in(sized(scope, n)) for n in (1, 2, 3)]
        if not any(on):
            continue
        if not all(on):
            raise NotApplicable(f"command {cmd.name}: switched on at some sizes only")
        if cmd.name.startswith(sto.CONTROLLER):
            if not synced:
                out.append(Disjunct(sto.CONTROLLER + "sync", cmd, (), None, (), True))
                synced = True
            continue
        slot, growing, fixed_domains = None, [], []
        for name, dom in cmd.params:
            da, db = list(dom(a)), list(dom(b))
            if da == [0, 1] and db == [0, 1, 2]:
                if slot is not None:
                    raise NotApplicable(f"command {cmd.name}: two ordinal parameters")
                slot = name
            elif da == db:
                fixed_domains.append((name, da))
            elif all(isinstance(v, int) and 0 <= v <= 3 for v in da + db):
                growing.append(name)
            else:
                raise NotApplicable(f"command {cmd.name}: parameter {name} changes with the size")
        names = [n for n, _ in fixed_domains]
        for values in itertools.product(*[d for _, d in fixed_domains]):
            fixed = tuple(zip(names, values, strict=True))
            label = cmd.name + ("(" + ", ".join(f"{k}={v}" for k, v in fixed) + ")" if fixed else "")
            out.append(Disjunct(label, cmd, fixed, slot, tuple(growing), False))
    return out


class Reading:
    """The ordinal reading of one model and scope: layout, disjuncts, and the formulas."""

    def __init__(self, model: Model, scope: Scope):
        why = sto.refusal(scope)
        if why:
            raise NotApplicable(why)
        self.model, self.scope = model, scope
        self.lay = layout(model, scope)
        self.one = sized(scope, 1)
        self.disjuncts = disjuncts(model, scope)

    def state(self, tag: str) -> ArrayState:
        return ArrayState(self.lay, tag, self.model.state_cls)

    def step(
        self,
        d: Disjunct,
        s: ArrayState,
        t: ArrayState,
        n: z3.ArithRef,
        ground: Sequence[Value],
        tag: str,
        target: Value | None = None,
    ) -> z3.BoolRef:
        """``d`` from ``s`` to ``t``: exact on arrays where it can be, instantiated at ``ground`` elsewhere.

        ``target``: the ordinal of a command's ordinal parameter or guard witness (fresh if None)."""
        ops, sc = Z3, self.one
        p = z3.Int(f"target@{tag}") if target is None else target
        params = dict(d.fixed)
        growing = {g: z3.Int(f"{g}@{tag}") for g in d.growing}
        parts: list[z3.BoolRef] = [z3.And(*[z3.And(v >= 0, v <= n) for v in growing.values()])] if growing else []
        params.update(growing)
        if d.sync:
            return z3.And(*parts, self._sync(s, t, n, ground, tag))
        parts += [p >= 0, p < n]
        if d.slot_param is not None:
            params[d.slot_param] = 0
        window = s.at(p)
        parts.append(_bool(d.command.guard(ops, sc, window, **params)))
        eff = d.command.effect(ops, sc, window, **params)
        per_slot = dict(self.lay.per_slot)
        for name, v in s.globals.items():
            parts.append(_eq(t.globals[name], eff.get(name, v)))
        for name, arrays in s.arrays.items():
            if name not in eff:
                parts += [ta == sa for ta, sa in zip(t.arrays[name], arrays, strict=True)]
            elif d.slot_param is not None:
                new = eff[name]
                parts += [
                    t.arrays[name][j] == z3.Store(arrays[j], p, _lift(new[j], self.lay.kinds[name]))
                    for j in range(per_slot[name])
                ]
            else:
                for o in ground:
                    new = d.command.effect(ops, sc, s.at(o), **params)[name]
                    parts += [t.arrays[name][j][o] == new[j] for j in range(per_slot[name])]
        return z3.And(*parts)

    def _sync(self, s: ArrayState, t: ArrayState, n: z3.ArithRef, ground: Sequence[Value], tag: str) -> z3.BoolRef:
        ops, sc = Z3, self.one
        dec = {k: z3.Array(f"sync.{k}@{tag}", z3.IntSort(), z3.BoolSort()) for k in sto.DECISIONS}
        new_current = z3.Int(f"sync.new_current@{tag}")
        rev = tuple(z3.Int(f"sync.rev_number[{j}]@{tag}") for j in range(len(s.globals.get("rev_number", ()))))
        parts = [_in(new_current, self.lay.global_bounds[("current_rev", None)])]
        parts += [_in(r, self.lay.global_bounds[("rev_number", j)]) for j, r in enumerate(rev)]
        writes_by_o = {}
        for o in ground:
            conds = sto.decision_conditions(ops, sc, s.at, o, ground, n)
            parts += [z3.Implies(dec[k][o], _bool(conds[k])) for k in sto.DECISIONS]
            writes_by_o[o] = sto.slot_writes(ops, sc, s.at(o), {k: dec[k][o] for k in sto.DECISIONS}, new_current, rev)
        some = writes_by_o[ground[0]]
        for name, v in s.globals.items():
            parts.append(_eq(t.globals[name], some.get(name, v)))
        for name, arrays in s.arrays.items():
            if name not in some:
                parts += [ta == sa for ta, sa in zip(t.arrays[name], arrays, strict=True)]
                continue
            for o in ground:
                parts += [t.arrays[name][j][o] == writes_by_o[o][name][j] for j in range(len(arrays))]
        return z3.And(*parts)


def _in(v: z3.ArithRef, bounds: tuple[int, int | None]) -> z3.BoolRef:
    lo, hi = bounds
    assert hi is not None
    return z3.And(v >= lo, v <= hi)


def _bool(x: Value) -> z3.BoolRef:
    return z3.BoolVal(x) if isinstance(x, bool) else x


def _lift(x: Value, kind: str) -> Value:
    if isinstance(x, bool):
        return z3.BoolVal(x)
    if isinstance(x, int):
        return z3.IntVal(x)
    return x


Fn = Callable[..., Any]


# -- properties over windows of ordinals ---------------------------------------------------------


@attrs.frozen
class Case:
    """One shape of a property's window: the ordinals it names, their constraints, the scope it is read at."""

    ordinals: tuple[Any, ...]
    given: z3.BoolRef
    scope: Scope


def cases(reading: Reading, scope: Scope, width: int, n: z3.ArithRef, tag: str) -> list[Case]:
    """The windows a violation of a property of window ``width`` can be found in (N ordinals)."""
    o0, o1 = z3.Int(f"o0@{tag}"), z3.Int(f"o1@{tag}")
    if width == 1:
        return [Case((o0,), z3.And(o0 >= 0, o0 < n), sized(scope, 1))]
    return [
        Case((z3.IntVal(0),), n == 1, sized(scope, 1)),
        Case((o0, o1), z3.And(n >= 2, o0 >= 0, o0 < o1, o1 < n), sized(scope, 2)),
    ]


def holds_on(prop: Property, case: Case, s: ArrayState, t: ArrayState | None) -> z3.BoolRef:
    sw = s.window(case.ordinals, replicas_remap=True)
    if prop.kind == "step":
        assert t is not None
        return _bool(prop.predicate(Z3, case.scope, sw, t.window(case.ordinals, replicas_remap=True)))
    return _bool(prop.predicate(Z3, case.scope, sw))


def _fixed_state(model: Model, scope: Scope, tag: str) -> tuple[Schema, list[z3.ExprRef], Any]:
    schema = Schema(model.state_cls, scope)
    xs = [z3.Bool(f"{sl.label}@{tag}") if sl.kind == "bool" else z3.Int(f"{sl.label}@{tag}") for sl in schema.slots]
    return schema, xs, schema.state_cls(**schema.view_kwargs(xs))


def _fixed_domain(schema: Schema, xs: Sequence[z3.ExprRef]) -> z3.BoolRef:
    return z3.And(*[z3.And(x >= sl.lo, x <= sl.hi) for sl, x in zip(schema.slots, xs) if sl.kind == "int"])


def _unsat(parts: Sequence[z3.BoolRef], seconds: float = QUERY_SECONDS) -> str:
    solver = z3.Solver()
    solver.set("timeout", int(seconds * 1000))
    solver.add(*parts)
    return str(solver.check())


def window_width(model: Model, prop: Property, scope: Scope, sizes: Sequence[int] = CONFORMANCE_SIZES) -> int:
    """The window width (1 or 2) at which ``prop`` at each size in ``sizes`` is its window conjunction.

    Checked by z3 at each size (and always at 1..4): ``P_N(s, t) == ⋀ windows P_W`` for every
    in-domain state pair."""
    reading_lay = layout(model, scope)
    # never fewer than 1..4: at one ordinal every property is its one-ordinal window
    checked = sorted(set(sizes) | set(CONFORMANCE_SIZES))
    for width in (1, 2):
        if all(_window_conforms(model, prop, scope, reading_lay, width, n) for n in checked):
            return width
    raise NotApplicable(f"{prop.name}: not the conjunction of its value on windows of one or two ordinals")


def _window_conforms(model: Model, prop: Property, scope: Scope, lay: Layout, width: int, n: int) -> bool:
    sc = sized(scope, n)
    schema, xs, s = _fixed_state(model, sc, "s")
    _, ys, t = _fixed_state(model, sc, "t")
    sa, ta = ArrayState(lay, "s", model.state_cls), ArrayState(lay, "t", model.state_cls)
    kw_s, kw_t = schema.view_kwargs(xs), schema.view_kwargs(ys)
    whole = prop.predicate(Z3, sc, s, t) if prop.kind == "step" else prop.predicate(Z3, sc, s)
    if width == 1 or n == 1:
        windows = [(i,) for i in range(n)]
        wsc = sized(scope, 1)
    else:
        windows = list(itertools.combinations(range(n), 2))
        wsc = sized(scope, 2)
    parts = []
    for w in windows:
        case = Case(tuple(z3.IntVal(i) for i in w), z3.BoolVal(True), wsc)
        parts.append(holds_on(prop, case, sa, ta if prop.kind == "step" else None))
    tie = [sa.tied_to(kw_s, n), ta.tied_to(kw_t, n) if prop.kind == "step" else z3.BoolVal(True)]
    differ = z3.Xor(_bool(whole), z3.And(*parts))
    return _unsat([_fixed_domain(schema, xs), _fixed_domain(schema, ys), *tie, differ]) == "unsat"


# -- conformance of the transition reading ---------------------------------------------------------


def conformance(reading: Reading, sizes: Sequence[int] = CONFORMANCE_SIZES) -> list[str]:
    """Where the ordinal reading fails to over-approximate the model at the sizes given ([] : nowhere).

    For every action of the model at each size: its guard and effect imply the ordinal disjunct
    with the arrays tied to the fixed-size state, every ordinal instantiated, the target at the
    action's ordinal (or, for a command without one, some ordinal). For the sync: the decisions
    ``Plan`` takes satisfy the stated conditions, with the writes those decisions give."""
    failures = []
    model = reading.model
    for n in sizes:
        sc = sized(reading.scope, n)
        schema, xs, s = _fixed_state(model, sc, "s")
        _, ys, _t = _fixed_state(model, sc, "t")
        sa, ta = reading.state("s"), reading.state("t")
        base = [
            _fixed_domain(schema, xs),
            sa.tied_to(schema.view_kwargs(xs), n),
            ta.tied_after(sa, schema.view_kwargs(ys), n),
        ]
        nn = z3.IntVal(n)
        ground = [z3.IntVal(i) for i in range(n)]
        for d in reading.disjuncts:
            if d.sync:
                why = _sync_conforms(reading, sc, s, sa, n)
                if why:
                    failures.append(f"{d.label} at {n} ordinals: {why}")
                continue
            for binding in d.command.bindings(sc):
                params = dict(binding)
                if any(params[k] != v for k, v in d.fixed):
                    continue
                guard = _bool(d.command.guard(Z3, sc, s, **params))
                eff = d.command.effect(Z3, sc, s, **params)
                post = [_eq(y, v) for y, v in zip(ys, schema.flatten(attrs.evolve(s, **eff)), strict=True)]
                targets = [z3.IntVal(params[d.slot_param])] if d.slot_param is not None else ground
                tagged = {g: z3.IntVal(params[g]) for g in d.growing}
                ords = [
                    _substitute(reading.step(d, sa, ta, nn, ground, f"c{n}", target=p), tagged, d, f"c{n}")
                    for p in targets
                ]
                if _unsat([*base, guard, *post, z3.Not(z3.Or(*ords))]) != "unsat":
                    failures.append(f"{d.label} {dict(binding)} at {n} ordinals: not covered by its ordinal reading")
    return failures


def _substitute(f: z3.BoolRef, values: dict[str, z3.ExprRef], d: Disjunct, tag: str) -> z3.BoolRef:
    if not values:
        return f
    return z3.substitute(f, *[(z3.Int(f"{g}@{tag}"), v) for g, v in values.items()])


def _sync_conforms(reading: Reading, sc: Scope, s: Any, sa: ArrayState, n: int) -> str | None:
    plan = sync.Plan(Z3, sc, s)
    ground = [z3.IntVal(i) for i in range(n)]
    nn = z3.IntVal(n)
    whole = plan.changes()
    obligations = []
    for i in range(n):
        decided = sto.plan_decisions(plan, i)
        conds = sto.decision_conditions(Z3, reading.one, sa.at, z3.IntVal(i), ground, nn)
        obligations += [z3.Implies(_bool(decided[k]), _bool(conds[k])) for k in sto.DECISIONS]
        writes = sto.slot_writes(Z3, reading.one, sa.at(z3.IntVal(i)), decided, plan.new_current, plan.rev_number)
        for name, width in reading.lay.per_slot:
            if name in whole:
                obligations += [_eq(whole[name][i * width + j], writes[name][j]) for j in range(width)]
        for name, _ in reading.lay.globals_:
            if name in whole:
                obligations.append(_eq(whole[name], writes[name]))
    schema = Schema(reading.model.state_cls, sc)
    xs = schema.flatten(s)
    answer = _unsat(
        [_fixed_domain(schema, list(xs)), sa.tied_to(schema.view_kwargs(list(xs)), n), z3.Not(z3.And(*obligations))]
    )
    return None if answer == "unsat" else f"the stated decision conditions or writes differ from Plan ({answer})"


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
    invariant: list[Callable[[Sequence[Any]], z3.BoolRef]] = []
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
) -> list[Callable[..., z3.BoolRef]]:
    sc = sized(reading.scope, 1)

    def the_property(st: ArrayState, ords: Sequence[Any]) -> z3.BoolRef:
        return z3.And(*[_bool(prop.predicate(Z3, sc, st.at(o))) for o in ords])

    out = [the_property]
    if prop.lemmas is not None:

        def lemmas(st: ArrayState, ords: Sequence[Any]) -> z3.BoolRef:
            return z3.And(*[_bool(x) for o in ords for x in prop.lemmas(Z3, sc, st.at(o))])

        out.append(lemmas)
    if found:

        def clauses(st: ArrayState, ords: Sequence[Any]) -> z3.BoolRef:
            windows = [st.at(o) for o in ords]
            return z3.And(*[z3.Or(*[_bool(lit.of(w)) for lit in c]) for w in windows for c in found])

        out.append(clauses)
    return out


def _initial(reading: Reading, s: ArrayState, ordinals: Sequence[Any], n: z3.ArithRef) -> z3.BoolRef:
    """The initial states of every size: the scope at replicas 1, 2, 3 (``attrs.evolve``, nothing else
    changed) must start every ordinal alike and agree on every global but spec.replicas, which is any
    value in 1..N (the scale targets may make N larger than spec.replicas)."""
    inits = [reading.model.init(attrs.evolve(reading.scope, replicas=k)) for k in (1, 2, 3)]
    parts = []
    for name, _ in reading.lay.globals_:
        values = [getattr(x, name) for x in inits]
        if name == "replicas":
            parts += [s.globals[name] >= 1, s.globals[name] <= n]
        elif values[0] == values[1] == values[2]:
            parts.append(_eq(s.globals[name], values[0]))
        else:
            raise NotApplicable(f"initial {name} changes with the replica count")
    for name, arrays in s.arrays.items():
        first = tuple(getattr(inits[0], name)[: len(arrays)])
        for x in inits:
            values = tuple(getattr(x, name))
            if values != first * (len(values) // len(arrays)):
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
    """Every property of ``task`` for every number of ordinals N >= 1 (PROVED), or INCONCLUSIVE with the reason."""
    return [decide(task.model, task.scope, prop) for prop in task.properties]


def decide(model: Model, scope: Scope, prop: Property, sizes: Sequence[int] = CONFORMANCE_SIZES) -> Result:
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
    try:
        reading = Reading(model, scope)
        width = window_width(model, prop, scope, sizes)
        gaps = conformance(reading, sizes)
        if gaps:
            return result(
                Verdict.INCONCLUSIVE,
                "the ordinal reading does not cover the model: " + "; ".join(gaps[:3]),
                reason="not covered",
            )
        answer, queries, where = prove(reading, prop, width)
        found: list[oh.Clause] = []
        searched = ""
        if answer == "sat" and prop.kind == "always" and width == 1:
            lemmas = _discover(reading, prop, started + HOUDINI_SECONDS)
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
