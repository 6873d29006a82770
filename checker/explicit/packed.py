"""Packed states: one Python int per state, and a breadth-first loop generated for the model.

The flat tuple of a state (:mod:`~kubecheck.checker.explicit.compile`) costs the explicit
search most of its time: a 43-slot tuple is built for every transition, hashed slot by slot in
the visited set, and memo keys are tuples again. Here every slot gets a bit field of an int
(``width = (hi - lo).bit_length()`` bits, the value stored as ``value - lo``), so that

* a successor is ``s_ & KEEP | new bits``: only the slots an action writes are touched;
* a memo key is ``s_ & MASK`` (the bits of the slots the memoized code reads), one operation,
  and a guard group's table whose keys hardly repeat is switched off during the search
  (:class:`MemoSwitch`: the loop is rendered again with those guards inline);
* hashing and comparing a state is hashing a small int;
* slots are unpacked lazily, just before the first line of a block that reads them
  (``s7 = s_ >> 12 & 3``; a bool slot as ``s_ & 64 != 0``, so it is a bool as in the tuple).

The model is read by the same builder as the tuple function (:class:`_PackedBuilder` only
changes how states are read and written), so guards, effects, domain checks and memoization are
the same code. :class:`Packed` renders it twice: ``successors(s) -> [(action, t)]`` on packed
ints, and :meth:`Packed.loop`, the whole breadth-first expansion loop of
:mod:`~kubecheck.checker.explicit.bfs` as one generated function (visited set, queue, parent
and action arrays, per-action counters in locals, property checks specialised to the kinds of
properties still undecided). Domain checks run before a value is packed, so a value out of its
domain never spills into a neighbouring field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from kubecheck.checker.explicit.compile import (
    MEMO_LINES,
    Compiled,
    DomainError,
    Emitter,
    Expr,
    SourceOps,
    _Builder,
    _define,
    eliminate_dead,
    inline_single_use,
    select_memo,
    state_view,
)
from kubecheck.model.kernel.ops import Value
from kubecheck.model.kernel.schema import Schema

_SUCC = "@SUCC "


class Layout:
    """Where each slot lives in the packed int: offset, width (bits) and the value stored as 0."""

    def __init__(self, schema: Schema):
        self.kinds = [slot.kind for slot in schema.slots]
        self.los = [0 if slot.kind == "bool" else slot.lo for slot in schema.slots]
        self.widths = [1 if slot.kind == "bool" else (slot.hi - slot.lo).bit_length() for slot in schema.slots]
        self.offsets = []
        at = 0
        for width in self.widths:
            self.offsets.append(at)
            at += width
        self.bits = at

    def mask(self, slots: Sequence[int]) -> int:
        """The bits of ``slots``."""
        out = 0
        for i in slots:
            out |= ((1 << self.widths[i]) - 1) << self.offsets[i]
        return out

    def read(self, i: int, var: str) -> str:
        """Code for the value of slot ``i`` of the packed int ``var`` (a bool for bool slots)."""
        off, width, lo = self.offsets[i], self.widths[i], self.los[i]
        if self.kinds[i] == "bool":
            return f"{var} & {1 << off} != 0"
        if width == 0:
            return repr(lo)
        shifted = f"{var} >> {off} & {(1 << width) - 1}" if off else f"{var} & {(1 << width) - 1}"
        return f"({shifted}) + {lo}" if lo else shifted

    def write(self, writes: Sequence[tuple[int, str]]) -> str:
        """Code for the bits of the slots ``writes`` (slot, value code) hold; constants folded."""
        const, parts = 0, []
        for i, value in writes:
            off, lo = self.offsets[i], self.los[i]
            if self.widths[i] == 0:
                continue
            if value in ("True", "False") or re.fullmatch(r"-?\d+", value):
                const |= (int(value == "True") if value in ("True", "False") else int(value) - lo) << off
                continue
            v = f"({value} - {lo})" if lo else value
            parts.append(f"{v} << {off}" if off else v)
        if const or not parts:
            parts.append(str(const))
        return " | ".join(parts)

    def successor(self, writes: Sequence[tuple[int, str]]) -> str:
        """Code for the packed successor of ``s_`` whose slots ``writes`` change."""
        if not writes:
            return "s_"
        keep = ((1 << self.bits) - 1) & ~self.mask([i for i, _ in writes])
        return f"s_ & {keep} | {self.write(writes)}"

    def pack(self, flat: Sequence[Value]) -> int:
        """The packed int of a flat tuple."""
        out = 0
        for v, off, lo in zip(flat, self.offsets, self.los):
            out |= (int(v) - lo) << off
        return out

    def unpack(self, packed: int) -> tuple:
        """The flat tuple of a packed int."""
        out: list[Value] = []
        for kind, off, width, lo in zip(self.kinds, self.offsets, self.widths, self.los):
            v = (packed >> off) & ((1 << width) - 1)
            out.append(v == 1 if kind == "bool" else v + lo)
        return tuple(out)


def lazy_unpack(lines: list[str], readers: dict[str, tuple[str, Layout]]) -> list[str]:
    """Insert ``sN = <read from s_>`` before the first line of each block that reads slot N.

    ``readers`` maps a local-name prefix (``s``, ``n``) to the packed variable it is read from.
    A definition made inside a block is forgotten when the block ends (the code is structured:
    a line less indented than the one before closes the deeper blocks).
    """
    pattern = re.compile(r"\b(" + "|".join(readers) + r")(\d+)\b")
    scopes: list[tuple[int, set[str]]] = []
    out = []
    for line in lines:
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        while scopes and scopes[-1][0] > indent:
            scopes.pop()
        if not scopes or scopes[-1][0] < indent:
            scopes.append((indent, set()))
        defined = set().union(*(names for _, names in scopes))
        m = re.match(r"(\w+) = ", body)
        text = body[m.end() :] if m else body
        for prefix, number in dict.fromkeys(pattern.findall(text)):
            name = f"{prefix}{number}"
            if name in defined:
                continue
            var, layout = readers[prefix]
            out.append(" " * indent + f"{name} = {layout.read(int(number), var)}")
            scopes[-1][1].add(name)
            defined.add(name)
        out.append(line)
    return out


class _PackedBuilder(_Builder):
    """The successor builder on packed ints (see the module docstring); ``@SUCC k expr`` marks each successor."""

    def __init__(self, compiled: Compiled, memo_lines: int):
        super().__init__(compiled.model, compiled.scope, compiled.schema, compiled.actions, memo_lines)
        self.layout = Layout(compiled.schema)

    def prologue(self) -> str:
        return "pass"

    def key(self, reads: Sequence[int]) -> str:
        return f"s_ & {self.layout.mask(reads)}"

    def unpack_key(self, reads: Sequence[int]) -> str:
        return "; ".join(f"s{i} = {self.layout.read(i, 'k_')}" for i in reads) if reads else "pass"

    def effect_return(self, writes: Sequence[tuple[int, str]]) -> str:
        return f"return {self.layout.write(writes)}"

    def successor(self, k: int, writes: Sequence[tuple[int, str]]) -> None:
        self.em.line(f"{_SUCC}{k} {self.layout.successor(writes)}")

    def memo_successor(self, k: int, written: Sequence[int]) -> None:
        keep = ((1 << self.layout.bits) - 1) & ~self.layout.mask(written)
        self.em.line(f"{_SUCC}{k} s_ & {keep} | w" if written else f"{_SUCC}{k} s_")

    def body(self) -> list[str]:
        """The successor code (one state ``s_``), successors marked, both branches of every memo site."""
        return [line for line in super().body() if line.strip() not in ("pass", "out = []", "return out")]


#: Per-successor code of the generated loop; ``{k}`` is the action, ``{expr}`` its successor.
_STEP = """t = {expr}
f{k} += 1
{flag}{step}if t not in seen:
    seen_add(t)
    queue_append(t)
    parent_append(i)
    via_append({k})
{state}    n += 1"""
_STEP_CHECK = "h = stf(s_, t)\nif h and on_hit(h, i, {k}):\n    brk = True\n"
_STATE_CHECK = "    h = sf(t)\n    if h and on_hit(h, n, None):\n        brk = True\n"


#: Per-successor code of a worker's loop (:mod:`~kubecheck.checker.explicit.workers`).
_WORKER_STEP = """t = {expr}
f{k} += 1
{flag}{step}o = t % SPREAD % workers
if o == me:
    if t not in seen:
        seen[t] = base + {k}
        nxt_append(t)
{state}else:
    box = out[o]
    if t not in box:
        box[t] = base + {k}"""
_WORKER_STEP_CHECK = "h = stf(s_, t)\nif h:\n    hits.append((depth + 1, h, s_, {k}))\n"
_WORKER_STATE_CHECK = "        h = sf(t)\n        if h:\n            hits.append((depth + 1, h, t, -1))\n"


class Packed:
    """A compiled model on packed states: layout, successor function, generated search loops."""

    def __init__(self, compiled: Compiled, memo_lines: int = MEMO_LINES):
        self.compiled = compiled
        builder = _PackedBuilder(compiled, memo_lines)
        self.layout = builder.layout
        self.env = builder.env
        self._raw = builder.body()
        #: The memo tables of guard groups, in the order of their flags (:class:`MemoSwitch`).
        self.memo_sites = tuple(builder.sites)
        self.all_memo = (True,) * len(self.memo_sites)
        self._code: dict[tuple[bool, ...], list[str]] = {}
        self.lines = self.code(self.all_memo)
        self.source = "\n".join(self.lines)
        self.initial = self.layout.pack(compiled.initial)
        self.n_actions = len(compiled.actions)
        self.successors: Callable[[int], list[tuple[int, int]]] = self._render_successors()
        self._loops: dict[tuple, Callable[..., None]] = {}

    def code(self, use: tuple[bool, ...]) -> list[str]:
        """The successor code with the guard-group memo tables ``use`` selects (:func:`select_memo`),
        slots unpacked where first read."""
        if use not in self._code:
            lines = inline_single_use(eliminate_dead(select_memo(self._raw, use)))
            self._code[use] = lazy_unpack(lines, {"s": ("s_", self.layout)})
        return self._code[use]

    def _expand(self, make: Callable[[int, str], str], use: tuple[bool, ...] | None = None) -> list[str]:
        out = []
        for line in self.code(self.all_memo if use is None else use):
            body = line.lstrip(" ")
            if body.startswith(_SUCC):
                indent = line[: len(line) - len(body)]
                k, expr = body[len(_SUCC) :].split(" ", 1)
                out += [indent + part for part in make(int(k), expr).splitlines()]
            else:
                out.append(line)
        return out

    def _render_successors(self) -> Callable[[int], list[tuple[int, int]]]:
        lines = self._expand(lambda k, expr: f"out.append(({k}, {expr}))")
        source = "def successors(s_):\n    out = []\n" + "\n".join(lines) + "\n    return out\n"
        return _define(source, "successors", self.env)

    def loop(self, state: bool, step: bool, terminal: bool, use: tuple[bool, ...] | None = None) -> Callable[..., None]:
        """The breadth-first loop, specialised to the checks it makes (see :func:`bfs.explore`) and
        to the guard-group memo tables it uses (``use``, by default all; :class:`MemoSwitch`).

        ``run(queue, seen, parent, via, pos, end, limit, fired, sf, stf, on_hit, on_term)``
        expands ``queue[pos[0]:end]`` in order, appending new states (and their parent index and
        action) and counting transitions per action into ``fired``. It stops after the state
        whose expansion recorded a new verdict (``on_hit``/``on_term`` returned True) or brought
        the queue to ``limit`` states, and leaves the next state to expand in ``pos[0]`` (also
        when interrupted).
        """
        use = self.all_memo if use is None else use
        key = (state, step, terminal, use)
        if key not in self._loops:
            self._loops[key] = self._render_loop(state, step, terminal, use)
        return self._loops[key]

    def _render_loop(self, state: bool, step: bool, terminal: bool, use: tuple[bool, ...]) -> Callable[..., None]:
        def make(k: int, expr: str) -> str:
            return _STEP.format(
                k=k,
                expr=expr,
                flag="e = 1\n" if terminal else "",
                step=_STEP_CHECK.format(k=k) if step else "",
                state=_STATE_CHECK if state else "",
            )

        counters = [f"f{k}" for k in range(self.n_actions)]
        head = [
            "def run(queue, seen, parent, via, pos, end, limit, fired, sf, stf, on_hit, on_term):",
            "    seen_add = seen.add",
            "    queue_append = queue.append",
            "    parent_append = parent.append",
            "    via_append = via.append",
            f"    {' = '.join(counters)} = 0" if counters else "    pass",
            "    n = len(queue)",
            "    i = pos[0]",
            "    brk = False",
            "    try:",
            "        while i < end:",
            "            s_ = queue[i]",
        ]
        if terminal:
            head.append("            e = 0")
        body = ["        " + line for line in self._expand(make, use)]
        tail = []
        if terminal:
            tail += ["            if not e and on_term(i, s_):", "                brk = True"]
        tail += [
            "            i += 1",
            "            if brk or n >= limit:",
            "                break",
            "    finally:",
            "        pos[0] = i",
        ]
        tail += [f"        fired[{k}] += f{k}" for k in range(self.n_actions)]
        return _define("\n".join(head + body + tail) + "\n", "run", self.env)

    def worker_loop(self, state: bool, step: bool, terminal: bool, spread: int) -> Callable[..., None]:
        """One worker's expansion of its part of a level (:mod:`~kubecheck.checker.explicit.workers`).

        ``run(part, seen, nxt, out, me, workers, fired, sf, stf, hits, depth, stuck)``: a successor
        this worker owns (``t % spread % workers == me``) and has not seen goes into ``seen``
        (with ``parent * n_actions + action``) and ``nxt``; another goes into ``out[owner]``
        (first parent kept). Hits are appended as (depth, positions, state, action or -1); states
        with no successor (when ``terminal``) to ``stuck``.
        """
        key = ("worker", state, step, terminal, spread)
        if key not in self._loops:
            self._loops[key] = self._render_worker_loop(state, step, terminal, spread)
        return self._loops[key]

    def _render_worker_loop(self, state: bool, step: bool, terminal: bool, spread: int) -> Callable[..., None]:
        def make(k: int, expr: str) -> str:
            return _WORKER_STEP.format(
                k=k,
                expr=expr,
                flag="e = 1\n" if terminal else "",
                step=_WORKER_STEP_CHECK.format(k=k) if step else "",
                state=_WORKER_STATE_CHECK if state else "",
            )

        counters = [f"f{k}" for k in range(self.n_actions)]
        head = [
            "def run(part, seen, nxt, out, me, workers, fired, sf, stf, hits, depth, stuck):",
            "    nxt_append = nxt.append",
            f"    SPREAD = {spread}",
            f"    {' = '.join(counters)} = 0" if counters else "    pass",
            "    try:",
            "        for s_ in part:",
            f"            base = s_ * {self.n_actions}",
        ]
        if terminal:
            head.append("            e = 0")
        body = ["        " + line for line in self._expand(make)]
        tail = ["            if not e:", "                stuck.append(s_)"] if terminal else []
        tail += ["    finally:"] + [f"        fired[{k}] += f{k}" for k in range(self.n_actions)] or ["        pass"]
        return _define("\n".join(head + body + tail) + "\n", "run", self.env)

    def predicate_function(
        self, predicates: Sequence[Callable[..., Value]], step: bool = False
    ) -> Callable[..., list[int]] | None:
        """:meth:`Compiled.predicate_function` on packed states: ``f(s)`` or, with ``step``, ``f(s, t)``.

        None when no predicate can be true (each is constant false in this scope): there is
        nothing to evaluate.
        """
        em = Emitter()
        ops = SourceOps(em)
        scope = self.compiled.scope
        s = state_view(self.compiled.schema, em, "s")
        t = state_view(self.compiled.schema, em, "n") if step else None
        em.line("hit = []")
        live = False
        for i, pred in enumerate(predicates):
            value = pred(ops, scope, s, t) if step else pred(ops, scope, s)
            if isinstance(value, Expr):
                em.open(f"if {value.code}:")
                em.line(f"hit.append({i})")
                em.close()
            elif value:
                em.line(f"hit.append({i})")
            live = live or isinstance(value, Expr) or bool(value)
        if not live:
            return None
        em.line("return hit")
        readers: dict[str, tuple[str, Layout]] = {"s": ("s_", self.layout)}
        if step:
            readers["n"] = ("n_", self.layout)
        lines = lazy_unpack(eliminate_dead(em.lines), readers)
        args = "s_, n_" if step else "s_"
        env: dict[str, Any] = {"DomainError": DomainError}
        return _define(f"def predicates({args}):\n" + "\n".join(lines) + "\n", "predicates", env)


#: Look-ups over which a memo table's hit rate is judged, and the share of them that may miss
#: before the table is switched off (:class:`MemoSwitch`).
MEMO_WINDOW = 2048
MEMO_MAX_MISS = 0.75


class MemoSwitch:
    """Which guard-group memo tables the search loop uses: a table whose look-ups mostly miss is switched off.

    A memo table pays where states share its key: the Deployment controller's guards read the
    Deployment and ReplicaSet fields, not the pods, and hit on 99 % of the states of the presets.
    Where nearly every key is new (the per-pod benchmark's ReplicaSet guards read every pod slot)
    a miss costs the mask, the hash, the call, the insert and a test of the mask's bit per
    action on top of the guards it was meant to save, and the table grows with the state space.
    So, after each stretch of the search, :meth:`update` takes each table's look-ups since its
    window opened (one per state expanded) and its misses (entries added): past ``MEMO_WINDOW``
    look-ups, a table with more than ``MEMO_MAX_MISS`` of them missed is switched off for the
    rest of the search (and emptied), else a new window opens; the loop is then rendered again
    without the table (:meth:`Packed.loop`). Results never depend on it: with the table off the
    generated loop computes the same guards inline. (Memoized effects keep their tables: an
    effect runs only when its action fires, and a loop with the long ones inline as well was
    seven times longer and slower on the per-pod benchmark.)
    """

    def __init__(self, pk: Packed):
        self.tables: list[dict[int, int]] = [pk.env[name] for name in pk.memo_sites]
        self.use = pk.all_memo
        self._start = [(0, len(table)) for table in self.tables]  # (look-ups, entries) when the window opened

    def update(self, expanded: int) -> bool:
        """Judge the tables whose window is full, ``expanded`` states into the search (one look-up
        each); True if one was switched off (:attr:`use` changed: the loop is to be rendered again)."""
        use = list(self.use)
        for n, table in enumerate(self.tables):
            start, entries = self._start[n]
            if not use[n] or expanded - start < MEMO_WINDOW:
                continue
            if len(table) - entries > MEMO_MAX_MISS * (expanded - start):
                use[n] = False
                table.clear()
            else:
                self._start[n] = (expanded, len(table))
        changed = tuple(use) != self.use
        self.use = tuple(use)
        return changed


def packed(compiled: Compiled) -> Packed:
    """The packed form of ``compiled`` (built once per compiled model, on first use)."""
    cache = compiled.cache
    if "packed" not in cache:
        cache["packed"] = Packed(compiled, compiled.memo_lines)
    return cache["packed"]
