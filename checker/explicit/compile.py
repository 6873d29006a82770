"""Compile a model into plain Python for the explicit engine.

The explicit engine must visit tens of thousands of states a second, and calling guards and
effects through an ``ops`` object on attrs instances costs far more than that allows. So the
kernel reads the model a third time: :class:`SourceOps` runs every guard, effect and predicate
once on symbolic :class:`Expr` values that record what was computed as lines of Python. The
result is one straight-line function over the flat state tuple::

    def successors(s):
        s0, s1, s2 = s
        out = []
        t0 = s1 > 0                     # guard of action 0
        if t0:
            t1 = s1 - 1
            out.append((0, (s0, t1, s2)))
        ...
        return out

Parameters, scope values and everything else concrete are folded into constants while the
model is read, so an action whose guard is false for the whole scope costs nothing at all.
Identical subexpressions within a block are computed once. Because :class:`Expr` refuses to be
used as a truth value, model code that branches on state with ``if``/``and``/``or``/``not``
fails here with a clear message, as it would under z3.

The compiled functions are checked against the reference interpreter
(:func:`kubecheck.model.kernel.commands.successors`) by tests and by the replay of every trace.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from kubecheck.model.kernel.commands import Action, Model
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.schema import Schema, State
from kubecheck.model.kernel.scopes import Scope

#: Guard groups and effects longer than this many generated lines are memoized (the default of
#: :func:`compile_model`): 20 rather than 40 memoizes the Deployment ReplicaSet controller's
#: effects, whose few slots repeat (small: 1.4x states per CPU second; StatefulSet and DaemonSet
#: medium within the noise of the measurement; benchmarks/explicit_speed.py, the levers).
MEMO_LINES = 20


class ModelCodeError(TypeError):
    """Model code did something the symbolic readings cannot follow."""


class Expr:
    """A value computed at run time of the compiled function: its code is a local name."""

    __slots__ = ("code", "em")

    def __init__(self, code: str, em: Emitter):
        self.code = code
        self.em = em

    def __bool__(self) -> bool:
        raise ModelCodeError(
            "model code used a state-derived value as a Python truth value "
            "(if / and / or / not / min / max / chained comparison); use ops.ite, ops.and_, "
            "ops.or_, ops.not_, ops.min_, ops.max_ instead"
        )

    def __index__(self) -> int:
        raise ModelCodeError("a state-derived value cannot index a tuple; use a command parameter")

    def __floordiv__(self, other: Value) -> Value:
        raise ModelCodeError("use ops.floor_div instead of // on state-derived values")

    __rfloordiv__ = __floordiv__
    __hash__ = None  # type: ignore[assignment]

    def _bin(self, op: str, a: Value, b: Value) -> Expr:
        return self.em.emit(f"{code(a)} {op} {code(b)}")

    def __add__(self, o: Value) -> Expr:
        return self._bin("+", self, o)

    def __radd__(self, o: Value) -> Expr:
        return self._bin("+", o, self)

    def __sub__(self, o: Value) -> Expr:
        return self._bin("-", self, o)

    def __rsub__(self, o: Value) -> Expr:
        return self._bin("-", o, self)

    def __mul__(self, o: Value) -> Expr:
        return self._bin("*", self, o)

    def __rmul__(self, o: Value) -> Expr:
        return self._bin("*", o, self)

    def __neg__(self) -> Expr:
        return self.em.emit(f"-{self.code}")

    def __lt__(self, o: Value) -> Expr:
        return self._bin("<", self, o)

    def __le__(self, o: Value) -> Expr:
        return self._bin("<=", self, o)

    def __gt__(self, o: Value) -> Expr:
        return self._bin(">", self, o)

    def __ge__(self, o: Value) -> Expr:
        return self._bin(">=", self, o)

    def __eq__(self, o: Value) -> Expr:  # type: ignore[override]
        return self._bin("==", self, o)

    def __ne__(self, o: Value) -> Expr:  # type: ignore[override]
        return self._bin("!=", self, o)


def code(x: Value) -> str:
    """Python source of a value: an Expr's name or a literal."""
    if isinstance(x, Expr):
        return x.code
    if isinstance(x, (bool, int)):
        return repr(x)
    raise ModelCodeError(f"cannot compile a value of type {type(x).__name__}: {x!r}")


class Emitter:
    """Collects the lines of one generated function, with per-block common subexpressions."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1
        self.counter = 0
        self.caches: list[dict[str, Expr]] = [{}]
        self.defs: dict[str, str] = {}  # temp -> the source it was computed from

    def emit(self, source: str) -> Expr:
        for cache in reversed(self.caches):
            hit = cache.get(source)
            if hit is not None:
                return hit
        name = f"t{self.counter}"
        self.counter += 1
        self.line(f"{name} = {source}")
        self.defs[name] = source
        expr = Expr(name, self)
        self.caches[-1][source] = expr
        return expr

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    def open(self, header: str) -> None:
        self.line(header)
        self.depth += 1
        self.caches.append({})

    def close(self) -> None:
        self.depth -= 1
        self.caches.pop()


class SourceOps(Ops):
    """Ops that fold constants and emit Python for everything that depends on the state."""

    name = "source"
    symbolic = True

    def __init__(self, em: Emitter):
        self.em = em

    def and_(self, *xs: Value) -> Value:
        rest = []
        for x in xs:
            if isinstance(x, Expr):
                rest.append(x)
            elif not x:
                return False
        if not rest:
            return True
        if len(rest) == 1:
            return rest[0]
        return self.em.emit("(" + " and ".join(r.code for r in rest) + ")")

    def or_(self, *xs: Value) -> Value:
        rest = []
        for x in xs:
            if isinstance(x, Expr):
                rest.append(x)
            elif x:
                return True
        if not rest:
            return False
        if len(rest) == 1:
            return rest[0]
        return self.em.emit("(" + " or ".join(r.code for r in rest) + ")")

    def not_(self, x: Value) -> Value:
        if not isinstance(x, Expr):
            return not x
        return self.em.emit(f"not {x.code}")

    def ite(self, cond: Value, then: Value, other: Value) -> Value:
        if not isinstance(cond, Expr):
            return then if cond else other
        if isinstance(then, tuple):
            return tuple(self.ite(cond, a, b) for a, b in zip(then, other, strict=True))
        if code(then) == code(other):
            return then
        return self.em.emit(f"({code(then)} if {cond.code} else {code(other)})")

    def _fold(self, fn: Callable[..., Value], name: str, xs: Sequence[Value]) -> Value:
        consts = [x for x in xs if not isinstance(x, Expr)]
        exprs = [x for x in xs if isinstance(x, Expr)]
        if not exprs:
            return fn(consts)
        parts = [x.code for x in exprs] + ([repr(fn(consts))] if consts else [])
        # min(a, b, ...) as Python computes it, without the call: the running value is replaced
        # by the next argument only if that one is strictly smaller (larger, for max)
        better = "<" if name == "min" else ">"
        acc = parts[0]
        for part in parts[1:]:
            acc = self.em.emit(f"({part} if {part} {better} {acc} else {acc})").code
        return exprs[0] if len(parts) == 1 else Expr(acc, self.em)

    def min_(self, *xs: Value) -> Value:
        return self._fold(min, "min", xs)

    def max_(self, *xs: Value) -> Value:
        return self._fold(max, "max", xs)

    def sum_(self, xs: Value) -> Value:
        items = list(xs)
        const = sum(x for x in items if not isinstance(x, Expr))
        exprs = [x for x in items if isinstance(x, Expr)]
        if not exprs:
            return const
        parts = [x.code for x in exprs] + ([repr(const)] if const else [])
        return exprs[0] if len(parts) == 1 else self.em.emit(" + ".join(parts))

    def floor_div(self, a: Value, b: Value) -> Value:
        if not isinstance(a, Expr) and not isinstance(b, Expr):
            return a // b
        return self.em.emit(f"{code(a)} // {code(b)}")

    def ceil_div(self, a: Value, b: Value) -> Value:
        if not isinstance(a, Expr) and not isinstance(b, Expr):
            return -((-a) // b)
        return self.em.emit(f"-((-{code(a)}) // {code(b)})")


def state_view(schema: Schema, em: Emitter, prefix: str = "s") -> State:
    """A state object whose fields are the unpacked locals ``s0, s1, …`` of the function."""
    exprs = [Expr(f"{prefix}{i}", em) for i in range(len(schema.slots))]
    return schema.state_cls(**schema.view_kwargs(exprs))


def _unpack(schema: Schema, prefix: str, var: str) -> str:
    names = [f"{prefix}{i}" for i in range(len(schema.slots))]
    if len(names) == 1:
        return f"{names[0]}, = {var}"
    return f"{', '.join(names)} = {var}"


class DomainError(ValueError):
    """An effect wrote a value outside the field's declared domain (a model bug)."""

    def __init__(self, action: int, slot: int, value: Value):
        super().__init__(action, slot, value)
        self.action, self.slot, self.value = action, slot, value

    def explain(self, compiled: Compiled) -> str:
        """One line for the user: the action, the field, the value and what was expected."""
        slot = compiled.schema.slots[self.slot]
        wrote = f"model bug: {compiled.actions[self.action].label} writes {slot.label}={self.value!r}"
        if slot.kind == "bool":
            return f"{wrote} (expected a bool)"
        if isinstance(self.value, bool):
            return f"{wrote} (expected an integer {slot.lo}..{slot.hi}, not a bool)"
        return f"{wrote} outside its domain {slot.lo}..{slot.hi}"


def _define(source: str, name: str, env: dict[str, Any]) -> Callable[..., Any]:  # exec: any namespace
    namespace = dict(env)
    exec(compile(source, f"<kubecheck:{name}>", "exec"), namespace)
    return namespace[name]


@attrs.frozen
class Compiled:
    """A model compiled for one scope: flat initial state, successor and predicate functions."""

    model: Model
    scope: Scope
    schema: Schema
    actions: tuple[Action, ...]
    initial: tuple
    successors: Callable[[tuple], list]
    source: str
    memo_lines: int = MEMO_LINES
    #: Derived forms built on first use (the packed form of :mod:`.packed`); not part of the value.
    cache: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def reachable(self, limit: int | None = None) -> list[tuple]:
        """Reachable flat states in breadth-first order (the first ``limit``; None for all)."""
        seen = {self.initial}
        queue = [self.initial]
        successors = self.successors
        for s in queue:
            if limit is not None and len(queue) >= limit:
                break
            for _, t in successors(s):
                if t not in seen:
                    seen.add(t)
                    queue.append(t)
        return queue if limit is None else queue[:limit]

    def predicate_function(
        self, predicates: Sequence[Callable[..., Value]], step: bool = False
    ) -> Callable[..., list[int]]:
        """One function returning the positions of ``predicates`` that are true of a state.

        With ``step=True`` the predicates take (ops, scope, s, t) and the function (s, t).
        """
        em = Emitter()
        ops = SourceOps(em)
        s = state_view(self.schema, em, "s")
        em.line(_unpack(self.schema, "s", "s_"))
        args = "s_"
        if step:
            t = state_view(self.schema, em, "n")
            em.line(_unpack(self.schema, "n", "n_"))
            args = "s_, n_"
        em.line("hit = []")
        for i, pred in enumerate(predicates):
            value = pred(ops, self.scope, s, t) if step else pred(ops, self.scope, s)
            if isinstance(value, Expr):
                em.open(f"if {value.code}:")
                em.line(f"hit.append({i})")
                em.close()
            elif value:
                em.line(f"hit.append({i})")
        em.line("return hit")
        source = f"def predicates({args}):\n" + "\n".join(eliminate_dead(em.lines)) + "\n"
        return _define(source, "predicates", {})


_SLOT = re.compile(r"\bs(\d+)\b")
_TEMP = re.compile(r"\bt\d+\b")
_DEF = re.compile(r"^\s*(t\d+) = ")


def eliminate_dead(lines: list[str]) -> list[str]:
    """Drop assignments ``tN = ...`` whose temp no other line reads (the code is SSA)."""
    while True:
        uses: dict[str, int] = {}
        for line in lines:
            m = _DEF.match(line)
            rhs = line[m.end() :] if m else line
            for name in _TEMP.findall(rhs):
                uses[name] = uses.get(name, 0) + 1
        kept = [line for line in lines if not ((m := _DEF.match(line)) and m.group(1) not in uses)]
        if len(kept) == len(lines):
            return kept
        lines = kept


_WHOLE = re.compile(r"-?\w+|\(.*\)")
#: Deepest nesting of parentheses :func:`inline_single_use` builds (CPython's parser allows 200).
MAX_NESTING = 40


def _nesting(text: str) -> int:
    """The deepest nesting of parentheses in ``text``, or -1 if an outer pair does not enclose all of it."""
    depth = deepest = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
            if depth == 0 and i < len(text) - 1 and text[0] == "(":
                return -1
    return deepest


def inline_single_use(lines: list[str]) -> list[str]:
    """Substitute each temp read by exactly one line into that line, parenthesized.

    The generated code is SSA and pure (a temp is assigned once, from temps and slots, and the
    line reading it runs after it in the same block or a nested one), so the value is the same
    computed where it is read. Fewer stores and loads, and what sits under ``and``/``or``/``if``
    is computed only when needed (a count used only by one guard, after its ReplicaSet exists).
    Not where the line would nest parentheses deeper than ``MAX_NESTING``.
    """
    reads: dict[str, int] = {}
    reader: dict[str, int] = {}
    for n, line in enumerate(lines):
        if line.lstrip(" ").startswith("#"):
            continue
        m = _DEF.match(line)
        for name in _TEMP.findall(line[m.end() :] if m else line):
            reads[name] = reads.get(name, 0) + 1
            reader[name] = n
    out: list[str | None] = list(lines)
    moved: dict[int, int] = {}  # a line inlined into another: where its text went
    for n in range(len(out) - 1, -1, -1):
        here = out[n]
        m = _DEF.match(here) if here is not None else None
        if m is None or here is None or reads.get(m.group(1)) != 1 or reader[m.group(1)] <= n:
            continue
        j = reader[m.group(1)]
        while out[j] is None:
            j = moved[j]
        value = here[m.end() :]
        if not (_WHOLE.fullmatch(value) and _nesting(value) >= 0):
            value = f"({value})"
        target = out[j]
        assert target is not None
        at = re.search(rf"\b{m.group(1)}\b", target)
        assert at is not None
        text = target[: at.start()] + value + target[at.end() :]
        if _nesting(text.lstrip(" ")) > MAX_NESTING:
            continue
        out[j], out[n] = text, None
        moved[n] = j
    return [line for line in out if line is not None]


def _reads(lines: Sequence[str], exprs: Sequence[Value]) -> list[int]:
    """The state slots that generated lines (and final values) read, in slot order."""
    found: set[int] = set()
    for text in list(lines) + [code(e) for e in exprs if isinstance(e, (Expr, bool, int))]:
        found.update(int(m) for m in _SLOT.findall(text))
    return sorted(found)


def _key(slots: Sequence[int]) -> str:
    if not slots:
        return "()"
    return "(" + ", ".join(f"s{i}" for i in slots) + ",)"


def _writes(schema: Schema, label: str, changes: dict[str, Value]) -> list[tuple[int, Value]]:
    """(slot, value) for every slot an effect really changes; constants checked here."""
    out = []
    for index, value in schema.changes_to_slots(changes):
        slot = schema.slots[index]
        if isinstance(value, Expr):
            if value.code == f"s{index}":
                continue
        elif slot.kind == "bool" and not isinstance(value, bool):
            raise ModelCodeError(f"{label} writes {value!r} into bool field {slot.label}")
        elif slot.kind == "int" and (isinstance(value, bool) or not slot.lo <= value <= slot.hi):
            raise ModelCodeError(f"{label} writes {value!r} into {slot.label} ({slot.lo}..{slot.hi})")
        out.append((index, value))
    return out


_ATOM = r"(-?\w+)"
_ARITH = re.compile(rf"^{_ATOM} ([+-]) {_ATOM}$")
_INT_OP = re.compile(
    rf"^(-{_ATOM}|{_ATOM} \* {_ATOM}|{_ATOM} // {_ATOM}|-\(\(-{_ATOM}\) // {_ATOM}\)|{_ATOM}( \+ {_ATOM})+)$"
)
_BOOL_OP = re.compile(rf"^({_ATOM} (<|<=|>|>=|==|!=) {_ATOM}|not {_ATOM})$")
_TERNARY = re.compile(rf"^\({_ATOM} if {_ATOM}( (<|>) {_ATOM})? else {_ATOM}\)$")
#: What is known of a value before the program runs: its type, and its bounds (None: unknown).
Known = tuple[str, int | None, int | None]


def static_kind(text: str, em: Emitter, schema: Schema, depth: int = 0) -> Known | None:
    """The type and bounds of generated value ``text``, where the code that computes it shows them.

    Arithmetic always yields an int (``True + 1`` is 2), a comparison or ``not`` a bool; a slot
    holds its declared domain (every write is checked); a conditional yields one of its two
    values. Bounds follow ``+``/``-`` of bounded operands. None where nothing is known.
    """
    if text in ("True", "False"):
        return ("bool", 0, 1)
    if re.fullmatch(r"-?\d+", text):
        return ("int", int(text), int(text))
    slot = _SLOT.fullmatch(text)
    if slot:
        s = schema.slots[int(slot.group(1))]
        return (s.kind, s.lo, s.hi)
    source = em.defs.get(text)
    if source is None or depth > 20:
        return None
    if m := _ARITH.match(source):
        a = static_kind(m.group(1), em, schema, depth + 1)
        b = static_kind(m.group(3), em, schema, depth + 1)
        if a and b and a[0] == b[0] == "int" and None not in (a[1], a[2], b[1], b[2]):
            if m.group(2) == "+":
                return ("int", a[1] + b[1], a[2] + b[2])  # type: ignore[operator]
            return ("int", a[1] - b[2], a[2] - b[1])  # type: ignore[operator]
        return ("int", None, None)
    if _INT_OP.match(source):
        return ("int", None, None)
    if _BOOL_OP.match(source):
        return ("bool", 0, 1)
    if m := _TERNARY.match(source):
        a = static_kind(m.group(1), em, schema, depth + 1)
        b = static_kind(m.group(6), em, schema, depth + 1)
        if a and b and a[0] == b[0]:
            lo = None if a[1] is None or b[1] is None else min(a[1], b[1])
            hi = None if a[2] is None or b[2] is None else max(a[2], b[2])
            return (a[0], lo, hi)
    return None


def _domain_checks(em: Emitter, schema: Schema, k: int, writes: list[tuple[int, Value]]) -> None:
    """Raise DomainError where a state-derived value leaves its slot's domain or type.

    The type matters: True == 1 and both hash alike, so an int written into a bool slot (or a
    bool into an int slot) would otherwise pass unnoticed and merge distinct states. A test the
    code that computes the value already decides (:func:`static_kind`) is left out.
    """
    for index, value in writes:
        slot = schema.slots[index]
        if not isinstance(value, Expr):
            continue
        known = static_kind(value.code, em, schema)
        kind, lo, hi = known if known is not None else (None, None, None)
        typed = kind == slot.kind
        if slot.kind == "int":
            bounded = typed and lo is not None and hi is not None and slot.lo <= lo and hi <= slot.hi
            if bounded:
                continue
            test = f"not {slot.lo} <= {value.code} <= {slot.hi}"
            em.open(f"if {test}:" if typed else f"if {value.code}.__class__ is not int or {test}:")
        else:
            if typed:
                continue
            em.open(f"if {value.code}.__class__ is not bool:")
        em.line(f"raise DomainError({k}, {index}, {value.code})")
        em.close()


_FLAG = re.compile(r"^( *)if u(\d+):$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def select_memo(lines: list[str], use: Sequence[bool]) -> list[str]:
    """The generated code with memo table n used where ``use[n]``: of each ``if u<n>: … else: …``
    the branch that reads the table or the one that computes the same code inline, dedented in place."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _FLAG.match(lines[i])
        if m is None:
            out.append(lines[i])
            i += 1
            continue
        indent = len(m.group(1))
        j = i + 1
        while _indent(lines[j]) > indent:
            j += 1
        if lines[j] != " " * indent + "else:":
            raise AssertionError(f"generated memo site without its inline branch at line {j}: {lines[j]!r}")
        k = j + 1
        while k < len(lines) and _indent(lines[k]) > indent:
            k += 1
        chosen = lines[i + 1 : j] if use[int(m.group(2))] else lines[j + 1 : k]
        out += select_memo([line[4:] for line in chosen], use)
        i = k
    return out


class _Builder:
    """Generates the successor function; large guard groups and effects are memoized.

    Guards and effects are pure functions of the slots they read. Where the code of a group of
    guards (one actor's commands, which typically share a computation such as the Deployment
    controller's sync plan) or of one effect is long, it becomes a separate function whose
    results are cached on the tuple of slots it reads: states that differ only in fields the
    code does not read (pod phases, for a controller that reads ReplicaSet spec and status)
    share one evaluation. This changes speed only, never results. A memoized guard group is
    emitted twice, with its table and inline (``if u<n>: … else: …``, :func:`select_memo`), so
    that the search can drop a table whose keys hardly repeat (:class:`~.packed.MemoSwitch`); an
    effect is memoized only if the code it adds to what its guards computed is long.
    """

    def __init__(self, model: Model, scope: Scope, schema: Schema, actions: Sequence[Action], memo_lines: int):
        self.model, self.scope, self.schema, self.actions = model, scope, schema, actions
        self.memo_lines = memo_lines
        self.env: dict[str, Any] = {"DomainError": DomainError}  # the generated code's globals
        self.em = Emitter()
        self.ops = SourceOps(self.em)
        self.view = state_view(schema, self.em, "s")
        self.n_slots = len(schema.slots)
        #: The memo tables of guard groups, by name: the code of group n is emitted twice, under
        #: ``if u<n>:`` (with the table) and ``else:`` (the same guards inline); :func:`select_memo`
        #: keeps one of the two.
        self.sites: list[str] = []

    def trace_guards(self, ids: Sequence[int]) -> tuple[Emitter, list[Value]]:
        em = Emitter()
        ops, view = SourceOps(em), state_view(self.schema, em, "s")
        return em, [self.actions[k].guard(ops, self.scope, view) for k in ids]

    def _effect_probe(self, k: int, known: Emitter | None) -> tuple[Emitter, list[tuple[int, Value]]]:
        """The effect of action k traced apart: its lines (dead ones dropped) and writes. With
        ``known``, values the enclosing blocks of ``known`` already computed are reused, not counted."""
        schema, action = self.schema, self.actions[k]
        probe = Emitter()
        probe.depth = self.em.depth
        if known is not None:
            probe.caches = [{src: Expr(e.code, probe) for src, e in cache.items()} for cache in known.caches]
        writes = _writes(
            schema, action.label, action.effect(SourceOps(probe), self.scope, state_view(schema, probe, "s"))
        )
        finals = "".join(f"{code(v)}\n" for _, v in writes)
        probe.lines = [line for line in eliminate_dead(probe.lines + [finals]) if line != finals]
        return probe, writes

    def emit_effect(self, k: int) -> None:
        """Effect code of action k at the current position (inside its guard's block).

        Inline when the code it adds to what the guards above already computed (the counts a
        ReplicaSet sync both tests and publishes) is at most ``memo_lines`` long, else memoized.
        """
        em, schema, action = self.em, self.schema, self.actions[k]
        extra, _ = self._effect_probe(k, em)
        if len(extra.lines) <= self.memo_lines:
            self.inline_effect(k)
            return
        probe, probe_writes = self._effect_probe(k, None)
        fn = f"effect_{k}"
        reads = _reads(probe.lines, [v for _, v in probe_writes])
        if fn not in self.env:  # an effect under a memoized guard group is emitted twice (see group)
            body = Emitter()
            body.line(self.unpack_key(reads))
            writes = _writes(
                schema, action.label, action.effect(SourceOps(body), self.scope, state_view(schema, body, "s"))
            )
            _domain_checks(body, schema, k, writes)
            body.line(self.effect_return([(index, code(v)) for index, v in writes]))
            self.env[fn] = _define(f"def {fn}(k_):\n" + "\n".join(eliminate_dead(body.lines)) + "\n", fn, self.env)
            self.env[f"memo_{fn}"] = {}
        em.line(f"key = {self.key(reads)}")
        em.line(f"w = memo_{fn}.get(key)")
        em.open("if w is None:")
        em.line(f"w = memo_{fn}[key] = {fn}(key)")
        em.close()
        self.memo_successor(k, [index for index, _ in probe_writes])

    def inline_effect(self, k: int) -> None:
        """Effect code of action k inline: domain checks, then the successor."""
        action = self.actions[k]
        writes = _writes(self.schema, action.label, action.effect(self.ops, self.scope, self.view))
        _domain_checks(self.em, self.schema, k, writes)
        self.successor(k, [(index, code(value)) for index, value in writes])

    # -- how states are represented: flat tuples here, packed ints in a subclass (packed.py) --

    def prologue(self) -> str:
        """The first line of the successor function: every slot as a local ``sN``."""
        return _unpack(self.schema, "s", "s_")

    def key(self, reads: Sequence[int]) -> str:
        """The memo key of code that reads the slots ``reads`` (the locals, as a tuple)."""
        return _key(reads)

    def unpack_key(self, reads: Sequence[int]) -> str:
        """The first line of a memoized function: its key ``k_`` back into the locals it reads."""
        return f"{', '.join(f's{i}' for i in reads)}, = k_" if reads else "pass"

    def effect_return(self, writes: Sequence[tuple[int, str]]) -> str:
        """The last line of a memoized effect: the written values, in slot order."""
        return "return (" + "".join(f"{value}, " for _, value in writes) + ")"

    def successor(self, k: int, writes: Sequence[tuple[int, str]]) -> None:
        """Emit the successor of action k whose slots ``writes`` take new values (code)."""
        slots = [f"s{i}" for i in range(self.n_slots)]
        for index, value in writes:
            slots[index] = value
        self.em.line(f"out.append(({k}, ({', '.join(slots)},)))")

    def memo_successor(self, k: int, written: Sequence[int]) -> None:
        """Emit the successor of action k whose slots ``written`` take the values ``w`` holds."""
        self.successor(k, [(index, f"w[{n}]") for n, index in enumerate(written)])

    def group(self, ids: Sequence[int]) -> None:
        em = self.em
        probe, guards = self.trace_guards(ids)
        live = [(k, g) for k, g in zip(ids, guards) if isinstance(g, Expr) or g]
        if not live:
            return
        finals = "".join(f"{code(g)}\n" for _, g in live)
        probe.lines = [line for line in eliminate_dead(probe.lines + [finals]) if line != finals]
        if len(probe.lines) <= self.memo_lines:
            self.inline_group(ids)
            return
        # memoized guard group: one function computes a bit mask of enabled actions
        first = ids[0]
        fn = f"guards_{first}"
        site = len(self.sites)
        self.sites.append(f"memo_{fn}")
        reads = _reads(probe.lines, [g for _, g in live])
        body = ["    " + self.unpack_key(reads)]
        body += probe.lines
        body.append("    m = 0")
        for bit, (_, g) in enumerate(live):
            if isinstance(g, Expr):
                body.append(f"    if {g.code}:")
                body.append(f"        m |= {1 << bit}")
            else:
                body.append(f"    m |= {1 << bit}")
        body.append("    return m")
        self.env[fn] = _define(f"def {fn}(k_):\n" + "\n".join(body) + "\n", fn, self.env)
        self.env[f"memo_{fn}"] = {}
        em.line(f"# {first}..{ids[-1]}: {self.actions[first].command.actor} (memoized guards)")
        em.open(f"if u{site}:")
        em.line(f"key = {self.key(reads)}")
        em.line(f"m = memo_{fn}.get(key)")
        em.open("if m is None:")
        em.line(f"m = memo_{fn}[key] = {fn}(key)")
        em.close()
        em.open("if m:")
        for bit, (k, _) in enumerate(live):
            em.open(f"if m & {1 << bit}:")
            self.emit_effect(k)
            em.close()
        em.close()
        em.close()
        em.open("else:")  # the table switched off: the same guards, inline
        self.inline_group(ids)
        em.close()

    def inline_group(self, ids: Sequence[int]) -> None:
        """The guards of actions ``ids`` inline, each action's effect under its guard."""
        em = self.em
        for k in ids:
            em.line(f"# {k}: {self.actions[k].label}")
            guard = self.actions[k].guard(self.ops, self.scope, self.view)
            if isinstance(guard, Expr):
                em.open(f"if {guard.code}:")
                self.emit_effect(k)
                em.close()
            elif guard:
                self.emit_effect(k)

    def body(self) -> list[str]:
        """The lines of the successor function's body (guards, effects, memo look-ups)."""
        em = self.em
        em.line(self.prologue())
        em.line("out = []")
        groups: list[list[int]] = []
        for k, action in enumerate(self.actions):
            if groups and self.actions[groups[-1][0]].actor == action.actor:
                groups[-1].append(k)
            else:
                groups.append([k])
        for ids in groups:
            self.group(ids)
        em.line("return out")
        return eliminate_dead(em.lines)

    def build(self) -> Callable[[tuple], list]:
        body = inline_single_use(eliminate_dead(select_memo(self.body(), [True] * len(self.sites))))
        self.source = "def successors(s_):\n" + "\n".join(body) + "\n"
        return _define(self.source, "successors", self.env)


def compile_model(model: Model, scope: Scope, memo_lines: int = MEMO_LINES) -> Compiled:
    """Compile the model's command table for ``scope`` into one successor function.

    ``memo_lines``: guard groups and effects longer than this many generated lines are
    memoized on the slots they read (0 memoizes everything, a huge number nothing).
    """
    schema = model.schema(scope)
    actions = tuple(model.actions(scope))
    builder = _Builder(model, scope, schema, actions, memo_lines)
    fn = builder.build()
    initial = schema.flatten(model.init(scope))
    return Compiled(model, scope, schema, actions, initial, fn, builder.source, memo_lines)
