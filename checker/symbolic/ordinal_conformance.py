"""Checks of the ordinal reading against the model at fixed sizes, and properties read on windows.

Part of the engine :mod:`kubecheck.checker.symbolic.ordinal`. :func:`conformance`: at each size
1..K, every action of the model (:mod:`kubecheck.model.controllers.statefulset`, whose sync is
``statefulset_sync.Plan``) implies its ordinal disjunct; :func:`window_width`: a property at each
size is the conjunction of its value on windows of one or two ordinals. Both are z3 validity
checks on the model's own functions; neither says anything about sizes above K.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import attrs
import z3

from kubecheck.checker.symbolic.ordinal_reading import (
    ArrayState,
    Disjunct,
    Layout,
    NotApplicable,
    Reading,
    as_bool,
    equal,
    layout,
    sized,
)
from kubecheck.model.controllers import statefulset_ordinal as sto
from kubecheck.model.controllers import statefulset_sync as sync
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.ops import Z3
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import Scope

#: Sizes at which the reading is checked against the model's own fixed-size relation.
CONFORMANCE_SIZES = (1, 2, 3, 4)
#: Seconds one solver query may take (an ``unknown`` is INCONCLUSIVE).
QUERY_SECONDS = 30.0


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
        return as_bool(prop.predicate(Z3, case.scope, sw, t.window(case.ordinals, replicas_remap=True)))
    return as_bool(prop.predicate(Z3, case.scope, sw))


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
    windows: list[tuple[int, ...]]
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
    differ = z3.Xor(as_bool(whole), z3.And(*parts))
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
        for cmd in model.commands:  # every action of this size is some disjunct's
            if not cmd.enabled_in(sc) or cmd.name.startswith(sto.CONTROLLER):
                continue
            mine = [d for d in reading.disjuncts if d.command.name == cmd.name]
            if not mine:
                failures.append(f"{cmd.name} at {n} ordinals: switched on there but not in the reading")
            for binding in cmd.bindings(sc):
                params = dict(binding)
                if mine and not any(all(params[k] == v for k, v in d.fixed) for d in mine):
                    failures.append(f"{cmd.name} {params} at {n} ordinals: a binding no disjunct reads")
        target = z3.Int(f"target@c{n}")
        for d in reading.disjuncts:
            if d.sync:
                why = _sync_conforms(reading, sc, s, sa, n)
                if why:
                    failures.append(f"{d.label} at {n} ordinals: {why}")
                continue
            step = reading.step(d, sa, ta, nn, ground, f"c{n}", target=target)  # read once, then instantiated
            for binding in d.command.bindings(sc):
                params = dict(binding)
                if any(params[k] != v for k, v in d.fixed):
                    continue
                guard = as_bool(d.command.guard(Z3, sc, s, **params))
                eff = d.command.effect(Z3, sc, s, **params)
                post = [equal(y, v) for y, v in zip(ys, schema.flatten(attrs.evolve(s, **eff)), strict=True)]
                targets = [z3.IntVal(params[d.slot_param])] if d.slot_param is not None else ground
                tagged = {g: z3.IntVal(params[g]) for g in d.growing}
                ords = [_substitute(z3.substitute(step, (target, p)), tagged, d, f"c{n}") for p in targets]
                if _unsat([*base, guard, *post, z3.Not(z3.Or(*ords))]) != "unsat":
                    failures.append(f"{d.label} {dict(binding)} at {n} ordinals: not covered by its ordinal reading")
    return failures


def _substitute(f: z3.BoolRef, values: dict[str, z3.ExprRef], d: Disjunct, tag: str) -> z3.BoolRef:
    if not values:
        return f
    return z3.substitute(f, *[(z3.Int(f"{g}@{tag}"), v) for g, v in values.items()])


def _sync_conforms(reading: Reading, sc: Any, s: Any, sa: ArrayState, n: int) -> str | None:
    plan = sync.Plan(Z3, sc, s)
    ground = [z3.IntVal(i) for i in range(n)]
    nn = z3.IntVal(n)
    whole = plan.changes()
    obligations = []
    for i in range(n):
        decided = sto.plan_decisions(plan, i)
        conds = sto.decision_conditions(Z3, reading.one, sa.at, z3.IntVal(i), ground, nn)
        obligations += [z3.Implies(as_bool(decided[k]), as_bool(conds[k])) for k in sto.DECISIONS]
        writes = sto.slot_writes(Z3, reading.one, sa.at(z3.IntVal(i)), decided, plan.new_current, plan.rev_number)
        for name, width in reading.lay.per_slot:
            if name in whole:
                obligations += [equal(whole[name][i * width + j], writes[name][j]) for j in range(width)]
        for name, _ in reading.lay.globals_:
            if name in whole:
                obligations.append(equal(whole[name], writes[name]))
    schema = Schema(reading.model.state_cls, sc)
    xs = schema.flatten(s)
    answer = _unsat(
        [_fixed_domain(schema, list(xs)), sa.tied_to(schema.view_kwargs(list(xs)), n), z3.Not(z3.And(*obligations))]
    )
    return None if answer == "unsat" else f"the stated decision conditions or writes differ from Plan ({answer})"
