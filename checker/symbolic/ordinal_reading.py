"""The ordinal reading of a per-slot model: states over z3 arrays, the command table one ordinal at a time.

Part of the engine :mod:`kubecheck.checker.symbolic.ordinal` (its header is the argument; papers/
statefulset-every-size.md the full account). The model read is
:mod:`kubecheck.model.controllers.statefulset` (upstream: pkg/controller/statefulset,
Kubernetes v1.35): its schema tells which fields are per ordinal, its commands' guards and
effects are evaluated on one-ordinal windows, and its sync's per-ordinal writes are ``Plan.changes``
with the decisions of :mod:`kubecheck.model.controllers.statefulset_ordinal`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, cast

import attrs
import z3

from kubecheck.model.controllers import statefulset_ordinal as sto
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.ops import Z3, Value
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import Scope, evolve


class NotApplicable(Exception):
    """The reading does not cover this model, scope or property; the message says why."""


def sized(scope: Scope, n: int) -> Scope:
    """The scope with ``n`` ordinals: replicas n, scale targets n-1 down to 0 (downward, so a scale
    target's domain never reads as the ordinal range)."""
    scales = getattr(scope, "scales", 0)
    return evolve(scope, replicas=n, scale_to=tuple(range(n - 1, -1, -1)) if scales else ())


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
    per_slot, kinds = [], {}
    globals_: list[tuple[str, int | None]] = []
    slot_bounds: dict[tuple[str, int], tuple[int, int]] = {}
    global_bounds: dict[tuple[str, int | None], tuple[int, int | None]] = {}
    for name in s1.fields:
        l1, l2, l3 = s1.lengths[name], s2.lengths[name], s3.lengths[name]
        slots1 = [s1.slots[i] for i in s1.field_slots[name]]
        if l1 == l2 == l3 == 0:  # a tuple this scope leaves empty at every size (no cordonable node): no value
            globals_.append((name, 0))
            kinds[name] = "bool"
            continue
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

    def at(self, o: Value, remapped: bool = False) -> Any:
        """The one-slot window at ordinal ``o`` (``remapped``: spec.replicas read as 1 if ``o`` is
        below it, else 0, for predicates that compare a slot's index with it)."""
        key = (o.get_id() if isinstance(o, z3.ExprRef) else o, remapped)
        if key not in self._at:
            self._at[key] = self.window([o], replicas_remap=remapped)
        return self._at[key]

    def domain(self, ordinals: Sequence[Value], n: z3.ArithRef) -> z3.BoolRef:
        parts = [n >= 1]
        for (name, j), (lo, hi) in self.lay.slot_bounds.items():
            if self.lay.kinds[name] == "int":
                parts += [z3.And(self.arrays[name][j][o] >= lo, self.arrays[name][j][o] <= hi) for o in ordinals]
        for (name, element), (lo, top) in self.lay.global_bounds.items():
            if self.lay.kinds[name] == "int":
                v = self.globals[name] if element is None else self.globals[name][element]
                parts += [v >= lo, v <= (n if top is None else top)]
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


def equal(a: Value, b: Value) -> z3.BoolRef:
    if isinstance(a, tuple):
        return z3.And(*[equal(x, y) for x, y in zip(a, b, strict=True)])
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
        why = sto.refusal(cast(StatefulSetScope, scope))
        if why:
            raise NotApplicable(why)
        self.model, self.scope = model, scope
        self.lay = layout(model, scope)
        self.one: Any = sized(scope, 1)  # the one-ordinal scope the commands are read at
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
        parts.append(as_bool(d.command.guard(ops, sc, window, **params)))
        eff = d.command.effect(ops, sc, window, **params)
        per_slot = dict(self.lay.per_slot)
        for name, v in s.globals.items():
            parts.append(equal(t.globals[name], eff.get(name, v)))
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
            parts += [z3.Implies(dec[k][o], as_bool(conds[k])) for k in sto.DECISIONS]
            writes_by_o[o] = sto.slot_writes(ops, sc, s.at(o), {k: dec[k][o] for k in sto.DECISIONS}, new_current, rev)
        some = writes_by_o[ground[0]]
        for name, v in s.globals.items():
            parts.append(equal(t.globals[name], some.get(name, v)))
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


def as_bool(x: Value) -> z3.BoolRef:
    return z3.BoolVal(x) if isinstance(x, bool) else x


def _lift(x: Value, kind: str) -> Value:
    if isinstance(x, bool):
        return z3.BoolVal(x)
    if isinstance(x, int):
        return z3.IntVal(x)
    return x
