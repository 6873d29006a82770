"""The symbolic reading of a model: variables, domains, init and transition relation in z3.

:class:`Encoder` reads the same command table as the explicit engine. Guards, effects and
property predicates are evaluated with :data:`kubecheck.model.kernel.ops.Z3` on state views
whose fields are z3 constants (``Schema.view_kwargs``); parameters stay concrete, so every
:class:`~kubecheck.model.kernel.commands.Action` is one disjunct of the transition relation:

    T(x@k, x@k+1) = 0 <= action@k <= n  ∧  ⋀_a (action@k = a ⇒ guard_a(x@k) ∧ x@k+1 = effect_a(x@k))
                                        ∧  (action@k = n ⇒ x@k+1 = x@k)          -- stutter

Variables are named ``field@k`` and ``field[i]@k`` (tuple elements), and ``action@k`` selects
the disjunct taken at step k, so a solver model decodes into a list of action labels that
:func:`kubecheck.model.kernel.traces.replay` re-executes (:mod:`kubecheck.checker.certify`).

**Symbolic parameters** (``for_all``): scope fields such as ``replicas`` or ``max_surge`` may be
left open. Each becomes a *frozen* variable ``param.<name>@k`` — constrained at step 0 by the
API server's validation (the scope's ``symbolic_constraints``) and by explicit user bounds,
copied unchanged by every transition — and guards, effects, the initial state and predicates see
a scope whose field is that variable: the parameters are arguments of the invariant predicate.
Three conditions make the encoding faithful, and the encoder checks the first two:

* the commands and their parameter domains must not depend on the parameter: they are built
  from the concrete scope and compared with those at several other values. One exception: an
  integer *choice* parameter whose range grows with the scope (the Deployment's ``from_ready``,
  how many of a ReplicaSet's deletions hit Ready-but-not-available pods, ranges over
  ``0..pod_cap``) becomes a per-step variable ``choice.<name>@k`` bounded below by the least
  value of its domain at every sampled value. One disjunct then covers every value; the guard
  bounds it from above in every reachable state (a ReplicaSet cannot delete more Ready pods than
  it has), and decoding writes the value the solver chose into the action's label, which
  replays against the concrete scope — a value outside that scope's domain fails the replay, so
  it is never reported. A choice over *tuples* of integers of one length (the Deployment's
  ``spread``, each deletion class's share taken from node-b, over tuples with elements in
  ``0..pod_cap``) is folded the same way, one variable ``choice.<name>[i]@k`` per element, each
  bounded below by its least value; the guard bounds each from above (a share cannot exceed the
  pods of its class on node-b); the domain's bound on the sum is left out: the guard keeps the sum
  within the ReplicaSet's excess pods, and any value beyond the concrete domain only adds
  transitions (sound for a proof) and fails the replay of a trace;
* the parameter's values are those the API server accepts: the scope states its validation
  rules (``symbolic_constraints``; a scope without them refuses symbolic parameters);
* domain bounds that change with the parameter are dropped (only bounds equal for every sampled
  value are kept), so no bound derived from one replica count restricts another;
* model code must read the parameter only through ``ops`` (no Python branching on it) — an
  attempt raises z3's "cannot be cast to a concrete Boolean" error while encoding.

Domains: every state variable is constrained to its declared domain (``lo <= x <= hi``) at every
step. The explicit engine raises on an effect that leaves its domain; here such a transition
would simply be absent, so a symbolic verdict on a fixed scope assumes what exhaustive search
(or :func:`kubecheck.checker.certify.check_domain_closed`) establishes: effects stay in domain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import z3

from kubecheck.model.kernel.commands import Action, Model, Param
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import Z3, Value, Z3Ops
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import Schema, State
from kubecheck.model.kernel.scopes import Scope, SymbolicScope, evolve

#: A symbolic parameter's bounds (``--for-all NAME=LO..HI``; None: unbounded on that side).
Range = tuple[int | None, int | None]


class EncodingError(ValueError):
    """The model cannot be encoded as asked (e.g. its actions depend on a symbolic parameter)."""


@attrs.frozen
class Var:
    """One scalar of the symbolic state: a schema slot or a frozen parameter."""

    label: str  # "rs_replicas[0]" or "param.replicas"
    kind: str  # "int" | "bool"
    lo: int | None
    hi: int | None
    slot: int | None  # schema slot index; None for parameters


#: Sample values used to tell which domain bounds and actions depend on a parameter.
_SAMPLES = (0, 1, 2, 3, 5, 8, 13)


def _concrete_value(scope: Scope, name: str, value: int) -> int | IntOrPercent:
    current = getattr(scope, name)
    if isinstance(current, IntOrPercent):
        return IntOrPercent(value, current.is_percent)
    return value


def _symbolic_value(scope: Scope, name: str, term: z3.ExprRef) -> z3.ExprRef | IntOrPercent:
    current = getattr(scope, name)
    if isinstance(current, IntOrPercent):
        return IntOrPercent(term, current.is_percent)
    return term


class BitVecOps(Z3Ops):
    """Z3 ops on signed bit-vectors of a fixed width (for bounded scopes: BMC by bit-blasting).

    Faithful to integer arithmetic while no intermediate value leaves ±2^(width-1); the encoder
    picks the width from the domains (see :func:`bit_width`), and every trace is replayed anyway.
    """

    name = "z3-bv"

    def __init__(self, width: int):
        self.width = width

    def lift(self, x: Value) -> Value:
        if isinstance(x, bool):
            return z3.BoolVal(x)
        if isinstance(x, int):
            return z3.BitVecVal(x, self.width)
        return x

    def ite(self, cond: Value, then: Value, other: Value) -> Value:
        if isinstance(cond, bool):
            return then if cond else other
        if isinstance(then, tuple):
            return tuple(self.ite(cond, a, b) for a, b in zip(then, other, strict=True))
        return z3.If(cond, self.lift(then), self.lift(other))

    def min_(self, *xs: Value) -> Value:
        if all(isinstance(x, int) for x in xs):
            return min(xs)
        result = self.lift(xs[0])
        for x in xs[1:]:
            result = z3.If(self.lift(x) < result, self.lift(x), result)
        return result

    def max_(self, *xs: Value) -> Value:
        if all(isinstance(x, int) for x in xs):
            return max(xs)
        result = self.lift(xs[0])
        for x in xs[1:]:
            result = z3.If(self.lift(x) > result, self.lift(x), result)
        return result

    def sum_(self, xs: Iterable[Value]) -> Value:
        items = [self.lift(x) for x in xs]
        return z3.Sum(*items) if items else z3.BitVecVal(0, self.width)

    def floor_div(self, a: Value, b: Value) -> Value:
        if isinstance(a, int) and isinstance(b, int):
            return a // b
        a, b = self.lift(a), self.lift(b)  # b > 0 (model contract); bvsdiv truncates toward zero
        return z3.If(a >= 0, a / b, -((-a + b - 1) / b))

    def ceil_div(self, a: Value, b: Value) -> Value:
        return self.floor_div(a + (b - 1), b) if not (isinstance(a, int) and isinstance(b, int)) else -((-a) // b)


class HavocOps(Z3Ops):
    """Z3 ops that replace a division by a state-dependent divisor with a fresh variable.

    Spacer accepts linear integer arithmetic only; upstream's proportional scaling divides by a
    ReplicaSet's max-replicas annotation (``getReplicaSetFraction``). Each such quotient becomes
    a fresh, unconstrained variable ``nl.<n>`` (and ``0 <= q <= a`` when the dividend is linear
    and non-negative): the encoded relation *over-approximates* the model's, so an invariant
    proved for it holds for the model, and a counterexample found through it is replayed and
    may be spurious (the PDR engine then recovers traces with the exact encoding).
    """

    name = "z3-havoc"

    def __init__(self) -> None:
        self.fresh: list[z3.ArithRef] = []
        self.side: list[z3.BoolRef] = []

    def floor_div(self, a: Value, b: Value) -> Value:
        if isinstance(b, int):
            return super().floor_div(a, b)
        q = z3.Int(f"nl.{len(self.fresh)}")
        self.fresh.append(q)
        if is_linear(a):
            self.side.append(z3.Implies(z3.And(a >= 0, b >= 1), z3.And(q >= 0, q <= a)))
        return q

    def ceil_div(self, a: Value, b: Value) -> Value:
        if isinstance(b, int):
            return super().ceil_div(a, b)
        return self.floor_div(a + (b - 1), b)


def subterms(e: z3.ExprRef) -> Iterator[z3.ExprRef]:
    """Every distinct subterm of a z3 term (the term DAG, each node once)."""
    seen: set[int] = set()
    stack = [e]
    while stack:
        t = stack.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        yield t
        stack.extend(t.children())


def is_linear(e: Value) -> bool:
    """No product of two non-constant terms and no division by a non-constant term."""
    if isinstance(e, (int, bool)):
        return True
    for t in subterms(e):
        if z3.is_app(t) and t.decl().kind() in (z3.Z3_OP_MUL, z3.Z3_OP_IDIV, z3.Z3_OP_DIV, z3.Z3_OP_MOD):
            consts = [c for c in t.children() if not (z3.is_int_value(c) or z3.is_rational_value(c))]
            if len(consts) > 1 or (t.decl().kind() != z3.Z3_OP_MUL and not z3.is_int_value(t.children()[1])):
                return False
    return True


def bit_width(his: Sequence[int]) -> int:
    """A signed width that holds any sum of the domains' bounds, squared, four times over."""
    total = sum(abs(h) for h in his) + 2
    return max(12, (4 * total * total).bit_length() + 1)


class Encoder:
    """The z3 encoding of one model in one scope (optionally with symbolic parameters).

    ``for_all``: scope field names left symbolic; ``bounds``: optional (lo, hi) per parameter
    (either may be None); ``stutter``: include the stutter disjunct (action index n).
    """

    def __init__(
        self,
        model: Model,
        scope: Scope,
        for_all: Sequence[str] = (),
        bounds: Mapping[str, Range] | None = None,
        stutter: bool = True,
        arith: str = "int",
    ):
        self.model, self.scope, self.stutter = model, scope, stutter
        if arith not in ("int", "bv", "linear"):
            raise EncodingError(f"arith must be int, bv or linear, got {arith!r}")
        if arith == "bv" and for_all:
            raise EncodingError("symbolic parameters are unbounded integers: use arith='int'")
        self.arith = arith
        self.params = tuple(for_all)
        self.bounds = dict(bounds or {})
        for name in self.params:
            if not hasattr(scope, name):
                raise EncodingError(f"scope of model {model.name} has no parameter {name!r}")
        if self.params and not hasattr(scope, "symbolic_constraints"):
            raise EncodingError(
                f"the scope of model {model.name} states no API validation for symbolic parameters "
                f"(symbolic_constraints), so none can be left symbolic"
            )
        self.schema: Schema = model.schema(scope)
        self.actions: list[Action] = model.actions(scope)
        self.n = len(self.actions)  # the stutter index
        self.vars = self._variables()
        self.ops: Z3Ops = Z3
        if arith == "bv":
            self.ops = BitVecOps(bit_width([v.hi for v in self.vars if v.kind == "int" and v.hi is not None]))
        elif arith == "linear":
            self.ops = HavocOps()
        self.choice_names: dict[int, tuple[str, ...]] = {}  # action index -> its choice parameters
        self.choice_lo: dict[str, int] = {}  # choice variable name -> its least value
        self.choice_width: dict[str, int] = {}  # tuple-valued choice parameter -> its length (ints: 0)
        self._check_actions_independent()
        self._template: dict[int, z3.BoolRef] = {}
        self._cache: dict[tuple[str, int | str], Any] = {}  # state(k): a list of terms; trans(k): a formula
        x0, x1 = self.state(0), self.state(1)
        # x' = x for each variable, built once: every action repeats it for what it leaves alone
        # (building these anew per action was most of the encoding time at 30+ ordinals)
        self._same = [_eq(b, a) for a, b in zip(x0, x1)]
        self._disjuncts = [self._symbolic_action_formula(a, x0, x1) for a in self.actions]
        self._frame = z3.And(*self._same)
        if self.params:  # the initial state too must read the parameters through ops only
            try:
                self.init(x0)
            except (TypeError, z3.Z3Exception) as err:
                raise EncodingError(
                    f"the initial state of model {model.name} evaluates {', '.join(self.params)} with concrete "
                    f"arithmetic ({err}); it cannot be left symbolic"
                ) from err

    def _symbolic_action_formula(
        self, action: Action, x0: Sequence[z3.ExprRef], x1: Sequence[z3.ExprRef]
    ) -> z3.BoolRef:
        """The action's formula; with parameters left symbolic, an action whose guard or effect does
        concrete arithmetic on one (a Python ``//`` or ``max`` on a z3 term) cannot be encoded:
        EncodingError (the engine then says "not decided" and a caller hands the property on),
        never a traceback."""
        if not self.params:
            return self._action_formula(action, x0, x1)
        try:
            return self._action_formula(action, x0, x1)
        except (TypeError, z3.Z3Exception) as err:
            raise EncodingError(
                f"{action.name} evaluates {', '.join(self.params)} with concrete arithmetic ({err}); "
                "it cannot be left symbolic"
            ) from err

    # -- variables and views -----------------------------------------------------------------

    def _variables(self) -> list[Var]:
        schemas = []
        for name in self.params:
            for v in _SAMPLES:
                sc = evolve(self.scope, **{name: _concrete_value(self.scope, name, v)})
                try:
                    schemas.append(self.model.schema(sc))
                except (ValueError, TypeError):
                    continue
        out = []
        for slot in self.schema.slots:
            lo: int | None = slot.lo
            hi: int | None = slot.hi
            for other in schemas:
                o = other.slots[slot.index] if len(other.slots) == len(self.schema.slots) else None
                if o is None:
                    raise EncodingError("the state's shape depends on a symbolic parameter")
                if o.lo != slot.lo:
                    lo = None
                if o.hi != slot.hi:
                    hi = None
            out.append(Var(slot.label, slot.kind, lo, hi, slot.index))
        for name in self.params:
            lo, hi = self.bounds.get(name, (None, None))
            out.append(Var(f"param.{name}", "int", lo, hi, None))
        return out

    def _check_actions_independent(self) -> None:
        """Refuse parameters the command table depends on, except integer choice ranges (see the
        module docstring), whose actions are folded into one per step with a choice variable."""
        if not self.params:
            return
        own = _domains(self.model, self.scope)
        varying: dict[tuple[str, str], tuple[int, ...]] = {}  # (command, parameter) -> least value(s)
        for name in self.params:
            for v in _SAMPLES:
                sc = evolve(self.scope, **{name: _concrete_value(self.scope, name, v)})
                try:
                    other = _domains(self.model, sc)
                except (ValueError, TypeError):
                    continue
                why = f"at {name}={v} they differ from the scope's"
                if other.keys() != own.keys():
                    raise EncodingError(
                        f"the actions of model {self.model.name} depend on {name} ({why}); "
                        f"{name} cannot be left symbolic in this scope"
                    )
                for key, values in other.items():
                    if values == own[key]:
                        continue
                    width = _int_tuple_width(values + own[key])
                    if width is None:
                        raise EncodingError(
                            f"the actions of model {self.model.name} depend on {name} (the domain of {key[0]}'s "
                            f"parameter {key[1]} {why}, and it is neither a range of integers nor of tuples of "
                            f"integers of one length); {name} cannot be left symbolic in this scope"
                        )
                    if self.choice_width.setdefault(key[1], width) != width:
                        raise EncodingError(
                            f"the actions of model {self.model.name} depend on {name} (parameter {key[1]} is "
                            f"a tuple of {width} in {key[0]} and of {self.choice_width[key[1]]} elsewhere); "
                            f"{name} cannot be left symbolic in this scope"
                        )
                    lows = _component_lows(values + own[key], width)
                    have = varying.get(key, lows)
                    varying[key] = tuple(min(a, b) for a, b in zip(have, lows))
        if not varying:
            return
        folded: list[Action] = []
        seen: set[tuple] = set()
        for a in self.actions:
            free = tuple(k for k, _ in a.params if (a.name, k) in varying)
            if not free:
                folded.append(a)
                continue
            params = tuple((k, self._choice_term(k, 0) if k in free else v) for k, v in a.params)
            unit = (a.name, tuple((k, v) for k, v in a.params if k not in free))
            if unit in seen:
                continue
            seen.add(unit)
            for k in free:
                for part, low in zip(self._choice_parts(k), varying[(a.name, k)]):
                    self.choice_lo[part] = min(self.choice_lo.get(part, low), low)
            self.choice_names[len(folded)] = free
            folded.append(Action(a.command, params))
        self.actions = folded
        self.n = len(folded)

    def _choice_var(self, name: str, k: int | str) -> z3.ExprRef:
        return self._int(f"choice.{name}@{k}")

    def _choice_parts(self, name: str) -> list[str]:
        """The choice variables' names of parameter ``name``: itself, or one per tuple element."""
        width = self.choice_width.get(name, 0)
        return [name] if width == 0 else [f"{name}[{i}]" for i in range(width)]

    def _choice_term(self, name: str, k: int | str) -> Any:
        """Parameter ``name`` at step k: one choice variable, or a tuple of them."""
        if self.choice_width.get(name, 0) == 0:
            return self._choice_var(name, k)
        return tuple(self._choice_var(part, k) for part in self._choice_parts(name))

    def choices(self, k: int | str) -> list[z3.ExprRef]:
        """The choice variables of step k (empty unless a parameter's range grows with the scope)."""
        return [self._choice_var(name, k) for name in sorted(self.choice_lo)]

    def state(self, k: int | str) -> list[z3.ExprRef]:
        """The z3 constants of step ``k`` (slots in schema order, then parameters)."""
        key = ("state", k)
        if key not in self._cache:
            self._cache[key] = [
                z3.Bool(f"{v.label}@{k}") if v.kind == "bool" else self._int(f"{v.label}@{k}") for v in self.vars
            ]
        return self._cache[key]

    def _int(self, name: str) -> z3.ExprRef:
        if isinstance(self.ops, BitVecOps):  # arith "bv"
            return z3.BitVec(name, self.ops.width)
        return z3.Int(name)  # "int", "linear"

    def selector(self, k: int) -> z3.ExprRef:
        return self._int(f"action@{k}")

    def view(self, xs: Sequence[z3.ExprRef]) -> State:
        """A state object whose fields are the terms ``xs`` (slot part)."""
        return self.schema.state_cls(**self.schema.view_kwargs(list(xs[: len(self.schema.slots)])))

    def param_terms(self, xs: Sequence[z3.ExprRef]) -> dict[str, z3.ExprRef]:
        base = len(self.schema.slots)
        return {name: xs[base + i] for i, name in enumerate(self.params)}

    def scope_of(self, xs: Sequence[z3.ExprRef]) -> Scope:
        """The scope guards and predicates see: symbolic parameters are the terms in ``xs``."""
        if not self.params:
            return self.scope
        changes = {n: _symbolic_value(self.scope, n, t) for n, t in self.param_terms(xs).items()}
        return evolve(self.scope, **changes)

    # -- formulas -----------------------------------------------------------------------------

    def domain(self, xs: Sequence[z3.ExprRef]) -> z3.BoolRef:
        parts = []
        for v, x in zip(self.vars, xs):
            if v.kind == "int":
                if v.lo is not None:
                    parts.append(x >= v.lo)
                if v.hi is not None:
                    parts.append(x <= v.hi)
        return z3.And(*parts)

    def init(self, xs: Sequence[z3.ExprRef]) -> z3.BoolRef:
        """The initial state (the model's ``init`` evaluated on the symbolic scope) and API rules."""
        sc = self.scope_of(xs)
        flat = self.schema.flatten(self.model.init(sc))
        parts = [_eq(x, value) for x, value in zip(xs, flat)]
        if self.params:
            assert isinstance(self.scope, SymbolicScope)  # checked when the encoder was built
            parts += [as_bool(c) for c in self.scope.symbolic_constraints(Z3, self.param_terms(xs))]
        return z3.And(*parts)

    def _action_formula(self, action: Action, xs: Sequence[z3.ExprRef], ys: Sequence[z3.ExprRef]) -> z3.BoolRef:
        sc = self.scope_of(xs)
        s = self.view(xs)
        guard = action.guard(self.ops, sc, s)
        changed = dict(self.schema.changes_to_slots(action.effect(self.ops, sc, s)))
        side: list[z3.BoolRef] = []
        if isinstance(self.ops, HavocOps) and self.ops.side:  # arith "linear": the quotients' bounds
            side = list(self.ops.side)
            self.ops.side.clear()
        for k, v in action.params:
            if k in self.choice_width and isinstance(v, tuple) and all(z3.is_expr(x) for x in v):
                side += [x >= self.choice_lo[part] for part, x in zip(self._choice_parts(k), v)]
            elif k in self.choice_lo and z3.is_expr(v):
                side.append(v >= self.choice_lo[k])
        same = self._same if ys is self.state(1) and xs is self.state(0) else [_eq(y, x) for x, y in zip(xs, ys)]
        updates = [_eq(ys[i], changed[i]) if i in changed else same[i] for i in range(len(ys))]
        return conjunction([as_bool(guard), *updates, *side])

    @property
    def havoc(self) -> list[z3.ArithRef]:
        """The fresh variables of the linear over-approximation (empty unless arith='linear')."""
        return list(getattr(self.ops, "fresh", ()))

    @property
    def exact(self) -> bool:
        """True when T is the model's relation, not an over-approximation."""
        return not self.havoc

    def disjunct(self, i: int, k: int) -> z3.BoolRef:
        """Action ``i`` taken from step k to k+1 (``i = n`` is the stutter step)."""
        body = self._frame if i == self.n else self._disjuncts[i]
        return self._shift(body, k)

    def _shift(self, formula: z3.BoolRef, k: int) -> z3.BoolRef:
        if k == 0:
            return formula
        pairs = (
            list(zip(self.state(0), self.state(k)))
            + list(zip(self.state(1), self.state(k + 1)))
            + list(zip(self.choices(0), self.choices(k)))
        )
        return z3.substitute(formula, *pairs)

    def trans(self, k: int) -> z3.BoolRef:
        """T(x@k, x@k+1) with the selector ``action@k``."""
        key = ("trans", k)
        if key not in self._cache:
            if 0 not in self._template:
                sel = self.selector(0)
                top = self.n if self.stutter else self.n - 1
                body = [z3.Implies(sel == i, d) for i, d in enumerate(self._disjuncts)]
                if self.stutter:
                    body.append(z3.Implies(sel == self.n, self._frame))
                self._template[0] = z3.And(sel >= 0, sel <= top, *body)
            f = self._template[0]
            if k:
                f = z3.substitute(self._shift(f, k), (self.selector(0), self.selector(k)))
            self._cache[key] = f
        return self._cache[key]

    def trans_disjunction(
        self, xs: Sequence[z3.ExprRef], ys: Sequence[z3.ExprRef], stutter: bool = False
    ) -> z3.BoolRef:
        """T(xs, ys) as a plain disjunction over actions (no selector), for certificates."""
        pairs = list(zip(self.state(0), xs)) + list(zip(self.state(1), ys))
        parts = [z3.substitute(d, *pairs) for d in self._disjuncts]
        if stutter:
            parts.append(z3.And(*[a == b for a, b in zip(ys, xs)]))
        return z3.Or(*parts)

    def predicate(self, prop: Property, xs: Sequence[z3.ExprRef], ys: Sequence[z3.ExprRef] | None = None) -> z3.BoolRef:
        """A property's predicate on symbolic states (``ys`` for step properties)."""
        sc = self.scope_of(xs)
        if prop.kind == "step":
            assert ys is not None
            return as_bool(prop.predicate(self.ops, sc, self.view(xs), self.view(ys)))
        return as_bool(prop.predicate(self.ops, sc, self.view(xs)))

    def bad(self, prop: Property, k: int) -> z3.BoolRef:
        """The property fails at step k: state k (always), or the real step k-1 → k (step)."""
        if prop.kind == "step":
            if k == 0:
                return z3.BoolVal(False)
            return z3.And(
                self.selector(k - 1) != self.n, z3.Not(self.predicate(prop, self.state(k - 1), self.state(k)))
            )
        if prop.kind == "sometimes":
            return self.predicate(prop, self.state(k))
        return z3.Not(self.predicate(prop, self.state(k)))

    # -- decoding -----------------------------------------------------------------------------

    def decode(self, m: z3.ModelRef, depth: int) -> tuple[list[str], list[tuple], dict[str, int]]:
        """(action labels without stutter steps, flat slot values of the states they reach, params)."""
        labels: list[str] = []
        states = [self.flat(m, 0)]
        for k in range(depth):
            sel = _number(m.eval(self.selector(k), model_completion=True))
            if sel == self.n:
                continue
            labels.append(self.concrete_action(m, sel, k).label)
            states.append(self.flat(m, k + 1))
        params = {}
        for name, term in self.param_terms(self.state(0)).items():
            params[name] = _number(m.eval(term, model_completion=True))
        return labels, states, params

    def concrete_action(self, m: z3.ModelRef, i: int, k: int) -> Action:
        """Action ``i`` as taken at step k of a solver model (its choice parameters' values filled in)."""
        a = self.actions[i]
        free = self.choice_names.get(i, ())
        if not free:
            return a

        def value(name: str) -> Param:
            parts = [
                _number(m.eval(self._choice_var(part, k), model_completion=True)) for part in self._choice_parts(name)
            ]
            return tuple(parts) if self.choice_width.get(name, 0) else parts[0]

        return Action(a.command, tuple((name, value(name) if name in free else v) for name, v in a.params))

    def require_plain_actions(self, what: str) -> None:
        """Refuse an engine that needs one guard per action (fairness): choice parameters fold several."""
        if self.choice_names:
            folded = ", ".join(sorted(self.choice_lo))
            raise EncodingError(
                f"{what} needs one action per parameter value, but the range of {folded} depends on "
                f"{', '.join(self.params)}; leave {', '.join(self.params)} concrete for {what}"
            )

    def flat(self, m: z3.ModelRef, k: int) -> tuple:
        out = []
        for v, x in zip(self.vars, self.state(k)):
            if v.slot is None:
                continue
            val = m.eval(x, model_completion=True)
            out.append(z3.is_true(val) if v.kind == "bool" else _number(val))
        return tuple(out)

    @property
    def claim(self) -> str:
        """What a proof with this encoding is about: "this instance", "all values of replicas,
        max_surge", or with user bounds "all values of replicas in 1..20"."""
        if not self.params:
            return "this instance"
        parts = []
        for name in self.params:
            lo, hi = self.bounds.get(name, (None, None))
            parts.append(
                name
                if lo is None and hi is None
                else f"{name} in {'' if lo is None else lo}..{'' if hi is None else hi}"
            )
        return f"all values of {', '.join(parts)}"

    def concrete_scope(self, params: Mapping[str, int]) -> Scope:
        """The scope with the parameters set to the values a solver chose."""
        if not params:
            return self.scope
        return evolve(self.scope, **{n: _concrete_value(self.scope, n, v) for n, v in params.items()})

    def size(self) -> dict[str, int]:
        """Encoding size: variables per step, actions, and DAG nodes of T (shared subterms once)."""
        t = z3.And(*self._disjuncts)
        return {
            "variables_per_step": len(self.vars),
            "actions": self.n,
            "transition_nodes": dag_size(t),
            "transition_chars": len(t.sexpr()),
        }


class Encoders:
    """The encodings of one run, built on first use and shared by the properties of one scope.

    Building an encoding is the costly part on large per-ordinal instances (quadratic in the
    number of ordinals), so the engines of one run ask here (``Task.encoder``) rather than build
    their own. One (model, scope, symbolic parameters, bounds)'s encodings are kept at a time,
    one per arithmetic. A cache lives for one run (:func:`kubecheck.checker.run.check` makes a
    fresh one): the linear encoding grows as predicates are encoded with it (fresh quotient
    variables), so sharing it between runs could change what a later run asks the solver.
    """

    def __init__(self) -> None:
        self._built: dict[tuple[int, Scope, tuple[str, ...], tuple[tuple[str, Range], ...], str], Encoder] = {}

    def get(
        self,
        model: Model,
        scope: Scope,
        for_all: Sequence[str] = (),
        bounds: Mapping[str, Range] | None = None,
        arith: str = "int",
    ) -> Encoder:
        """The encoding of ``model`` in ``scope`` with ``arith``, built once."""
        bounds = dict(bounds or {})
        # the model by identity (a model is not hashable; the encoder kept here keeps it alive)
        key = (id(model), scope, tuple(for_all), tuple(sorted(bounds.items())), arith)
        if key not in self._built:
            self._built = {k: v for k, v in self._built.items() if k[:4] == key[:4]}
            self._built[key] = Encoder(model, scope, for_all, bounds, arith=arith)
        return self._built[key]


def _domains(model: Model, scope: Scope) -> dict[tuple[str, str], list[Param]]:
    """(command, parameter) -> its domain in ``scope``, for the commands enabled there."""
    out: dict[tuple[str, str], list[Param]] = {}
    for c in model.commands:
        if c.enabled_in(scope):
            out[(c.name, "")] = []
            for name, dom in c.params:
                out[(c.name, name)] = list(dom(scope))
    return out


def _int_tuple_width(values: Sequence[Param]) -> int | None:
    """0 for a domain of integers, n for one of n-tuples of integers, None otherwise."""
    if all(type(x) is int for x in values):
        return 0
    if not values or not all(type(x) is tuple for x in values):
        return None
    width = len(values[0])
    if width == 0 or any(len(x) != width or not all(type(y) is int for y in x) for x in values):
        return None
    return width


def _component_lows(values: Sequence[Param], width: int) -> tuple[int, ...]:
    """The least value of each element (one for integers, ``width`` for tuples)."""
    if width == 0:
        return (min(values),)
    return tuple(min(x[i] for x in values) for i in range(width))


def conjunction(parts: Sequence[z3.BoolRef]) -> z3.BoolRef:
    """``z3.And(*parts)`` for z3 Booleans, built by one C call: z3.And re-checks each part's sort
    in Python, which was most of the encoding time at 30+ ordinals (hundreds of thousands of parts)."""
    if not parts:
        return z3.BoolVal(True)
    ctx = parts[0].ctx
    array = (z3.Ast * len(parts))()
    for i, p in enumerate(parts):
        array[i] = p.as_ast()
    return z3.BoolRef(z3.Z3_mk_and(ctx.ref(), len(parts), array), ctx)


def dag_size(e: z3.ExprRef) -> int:
    """Distinct subterms of a z3 expression (its size as a shared DAG)."""
    seen: set[int] = set()
    stack = [e]
    while stack:
        t = stack.pop()
        i = t.get_id()
        if i in seen:
            continue
        seen.add(i)
        stack.extend(t.children())
    return len(seen)


def _number(v: z3.ExprRef) -> int:
    return v.as_signed_long() if z3.is_bv_value(v) else v.as_long()


def as_bool(x: Value) -> z3.BoolRef:
    """A z3 Boolean for a guard or predicate that came out as a Python bool (constant-folded)."""
    return z3.BoolVal(x) if isinstance(x, bool) else x


def _eq(var: z3.ExprRef, value: Value) -> z3.BoolRef:
    if z3.is_bool(var):
        return var == as_bool(value) if not isinstance(value, bool) else (var if value else z3.Not(var))
    return var == value
