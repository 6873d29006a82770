"""Candidate invariants from templates, kept only where every sampled state satisfies them.

The templates know nothing about Kubernetes, only the shape of a state (scalars, parameters,
tuple fields whose element t belongs to one object) and the property's own arithmetic:

* literals and bounds: ``b``, ``¬b``, ``x ≥ lo``, ``x = c``; variables equal in every sample
  collapse onto one representative (a parameter where there is one: ``replicas = param.replicas``);
* pairs ``x ≤ y`` of integers of one element, scalars and parameters (``rs_replicas[1] ≤
  replicas``), transitively reduced; strict order between the elements of one field;
* interval sums: Σ of consecutive integer fields that count from one least value (the pod
  phases of one ReplicaSet) compared with another integer of that element (and, in a fixed
  scope, with the greatest sampled value);
* guarded atoms ``g ⇒ a``: ``g`` a Boolean of element t and ``a`` an atom about element t or
  scalars; or ``g`` a scalar Boolean or ``x = c`` for a scalar with few values (``template =
  1``) and ``a`` any atom; ``a`` may also be a bound that holds where ``g`` does (``x ≤ c``
  with c the greatest sampled value of x under ``g``). Atoms that pin a variable to its least
  value under ``g`` make the other atoms about that variable under ``g`` redundant; they are
  left out;
* minima ``x ≥ min(y, z)`` (``x ≥ y ∨ x ≥ z``) within one element;
* mutations of the property: each linear atom of an ``always`` property with every variable of
  element t replaced by each integer of element t (``available[0] + available[1] ≥ m`` gives
  ``rs_replicas[0] + rs_status_available[1] ≥ m``, …). Non-linear terms over scalars and
  parameters (``m`` = minAvailable) stay opaque and are evaluated per distinct assignment.

Each candidate is a clause of :class:`Atom` s. A bit mask per atom over the sampled rows decides
in one ``|`` whether a clause holds in every sample. Nothing here proves anything: Houdini
(:mod:`kubecheck.checker.discovery.houdini`) does, and the certificate re-checks what it keeps.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import attrs
import z3

from kubecheck.checker.discovery.samples import Samples
from kubecheck.checker.symbolic.encoder import Encoder, subterms
from kubecheck.model.kernel.property import Property


@attrs.frozen
class Atom:
    """``Σ coef·x + const + opaque ≥ 0`` (op ``>=``), or a literal (op ``bool``: ((index, polarity),))."""

    op: str
    coefs: tuple[tuple[int, int], ...]
    const: int = 0
    opaque: int | None = None  # index into Templates.opaque: a non-linear term over scalars and parameters


Clause = tuple  # tuple[Atom, ...]: a disjunction
#: The clause that stands for the property itself among the candidates (it is not a template).
PROPERTY: Clause = ("property",)


class Templates:
    """Candidate clauses for one encoder (and optionally one property) over sampled rows."""

    def __init__(self, encoder: Encoder, samples: Samples, prop: Property | None = None):
        self.e, self.prop = encoder, prop
        self.x = encoder.state(0)
        self.rows = samples.rows
        self.full = (1 << len(self.rows)) - 1
        self.columns = list(zip(*self.rows)) if self.rows else [() for _ in encoder.vars]
        self.info: list[tuple[str, int | None]] = []  # (field, element)
        for v in encoder.vars:
            slot = encoder.schema.slots[v.slot] if v.slot is not None else None
            self.info.append((slot.field, slot.element) if slot else (v.label, None))
        self.ints = [i for i, v in enumerate(encoder.vars) if v.kind == "int"]
        self.bools = [i for i, v in enumerate(encoder.vars) if v.kind == "bool"]
        self.elements = sorted({el for _, el in self.info if el is not None})
        self.opaque: list[z3.ExprRef] = []
        self._opaque_ids: dict[int, int] = {}
        self._opaque_values: list[list[int]] = []
        self._masks: dict[Atom, int] = {}

    # -- atoms, masks, formulas ------------------------------------------------------------

    def register(self, term: z3.ExprRef) -> int:
        """An opaque term over scalars and parameters; z3 evaluates it once per distinct assignment."""
        key = term.get_id()
        if key not in self._opaque_ids:
            pos = {x.get_id(): i for i, x in enumerate(self.x)}
            used = sorted({pos[c.get_id()] for c in _constants(term)})
            memo: dict[tuple, int] = {}
            values = []
            for row in self.rows:
                k = tuple(row[i] for i in used)
                if k not in memo:
                    sub = [
                        (self.x[i], z3.BoolVal(bool(v)) if self.e.vars[i].kind == "bool" else z3.IntVal(v))
                        for i, v in zip(used, k)
                    ]
                    memo[k] = z3.simplify(z3.substitute(term, *sub) if sub else term).as_long()
                values.append(memo[k])
            self._opaque_ids[key] = len(self.opaque)
            self.opaque.append(term)
            self._opaque_values.append(values)
        return self._opaque_ids[key]

    def mask(self, a: Atom) -> int:
        """Bit r is set where atom ``a`` holds in sampled row r."""
        m = self._masks.get(a)
        if m is not None:
            return m
        if a.op == "bool":
            ((i, pol),) = a.coefs
            bits = ["1" if bool(v) == bool(pol) else "0" for v in self.columns[i]]
        else:
            totals = [a.const] * len(self.rows)
            for i, c in a.coefs:
                totals = [t + c * v for t, v in zip(totals, self.columns[i])]
            if a.opaque is not None:
                totals = [t + v for t, v in zip(totals, self._opaque_values[a.opaque])]
            bits = ["1" if t >= 0 else "0" for t in totals]
        m = int("".join(reversed(bits)), 2) if bits else 0
        self._masks[a] = m
        return m

    def holds(self, clause: Clause) -> bool:
        m = 0
        for a in clause:
            m |= self.mask(a)
        return m == self.full

    def formula(self, a: Atom) -> z3.BoolRef:
        x = self.x
        if a.op == "bool":
            ((i, pol),) = a.coefs
            return x[i] if pol else z3.Not(x[i])
        terms = [x[i] if c == 1 else c * x[i] for i, c in a.coefs]
        if a.opaque is not None:
            terms.append(self.opaque[a.opaque])
        lhs = z3.Sum(*terms) if len(terms) > 1 else terms[0]
        return lhs >= -a.const

    def clause_formula(self, clause: Clause) -> z3.BoolRef:
        parts = [self.formula(a) for a in clause]
        return parts[0] if len(parts) == 1 else z3.Or(*parts)

    def _element(self, i: int) -> int | None:
        return self.info[i][1]

    def _compatible(self, *idx: int) -> bool:
        return len({self._element(i) for i in idx} - {None}) <= 1

    @staticmethod
    def le(lhs: Sequence[int], rhs: Sequence[int], const: int = 0) -> Atom | None:
        """Σ lhs + const ≤ Σ rhs (None when every variable cancels)."""
        coefs: dict[int, int] = {}
        for i in rhs:
            coefs[i] = coefs.get(i, 0) + 1
        for i in lhs:
            coefs[i] = coefs.get(i, 0) - 1
        terms = tuple(sorted((i, c) for i, c in coefs.items() if c))
        return Atom(">=", terms, -const) if terms else None

    def _runs(self) -> list[list[str]]:
        """Runs of consecutive integer tuple fields with one declared least value (counters from 0)."""
        schema = self.e.schema
        runs: list[list[str]] = []
        last = None
        for name in schema.fields:
            rng = schema.field_slots[name]
            key = None
            if schema.lengths[name] and len(rng):
                s = schema.slots[rng.start]
                key = s.lo if s.kind == "int" else None
            if key is not None and key == last:
                runs[-1].append(name)
            elif key is not None:
                runs.append([name])
            last = key
        return [r for r in runs if len(r) > 1]

    # -- stage 1: literals, bounds, pairs; equal variables collapse ------------------------

    def _stage1(self) -> tuple[list[Atom], dict[int, int], dict[int, int]]:
        """(unit atoms true in every sample, constant values, representative of each variable)."""
        atoms: list[Atom | None] = []
        const: dict[int, int] = {}
        for i in self.bools:
            values = set(self.columns[i])
            if len(values) == 1:
                const[i] = values.pop()
                atoms.append(Atom("bool", ((i, const[i]),)))
        for i in self.ints:
            col = self.columns[i]
            if not col:
                continue
            lo, hi = min(col), max(col)
            v = self.e.vars[i]
            if lo == hi:
                const[i] = lo
                atoms += [Atom(">=", ((i, 1),), -lo), Atom(">=", ((i, -1),), lo)]
                continue
            if v.lo is None or lo > v.lo:
                atoms.append(Atom(">=", ((i, 1),), -lo))
            if v.hi is not None and hi < v.hi:
                atoms.append(Atom(">=", ((i, -1),), hi))
        live = [i for i in self.ints if i not in const]
        le = {
            (i, j)
            for i, j in itertools.permutations(live, 2)
            if self._compatible(i, j) and self.holds((self.le([i], [j]),))
        }
        order = sorted(live, key=lambda i: (self.e.vars[i].slot is not None, i))  # parameters first
        rank = {i: k for k, i in enumerate(order)}
        rep = {i: i for i in live}

        def find(i: int) -> int:
            while rep[i] != i:
                i = rep[i]
            return i

        for i, j in itertools.combinations(order, 2):
            if (i, j) in le and (j, i) in le:
                ri, rj = find(i), find(j)
                if ri != rj:
                    rep[max(ri, rj, key=rank.__getitem__)] = min(ri, rj, key=rank.__getitem__)
        rep = {i: find(i) for i in live}
        for i in live:
            if rep[i] != i:
                atoms += [self.le([i], [rep[i]]), self.le([rep[i]], [i])]
        reps = [i for i in live if rep[i] == i]
        keep = {(i, j) for i, j in le if i in rep and rep[i] == i and rep[j] == j}
        for i, j in sorted(keep):
            if not any((i, k) in keep and (k, j) in keep for k in reps if k not in (i, j)):
                atoms.append(self.le([i], [j]))
        for i, j in itertools.permutations(reps, 2):
            if self.info[i][0] == self.info[j][0] and not self._compatible(i, j):
                a = self.le([i], [j], 1)  # one field, two elements: strict order
                if a is not None and self.holds((a,)):
                    atoms.append(a)
        return [a for a in atoms if a is not None], const, rep

    # -- stage 2: richer templates over the representatives ---------------------------------

    def _interval_atoms(self, reps: list[int]) -> list[tuple[int, int, Atom]]:
        index = {info: i for i, info in enumerate(self.info)}
        out = []
        seen: set[tuple[int, ...]] = set()
        rep_set = set(reps)
        for run in self._runs():
            for el in self.elements:
                for a, b in itertools.combinations(range(len(run) + 1), 2):
                    summed = [index[(f, el)] for f in run[a:b] if index.get((f, el)) in rep_set]
                    if len(summed) < 2 or tuple(summed) in seen:
                        continue
                    seen.add(tuple(summed))
                    if not self.e.params:  # a fixed scope: the sum's greatest sampled value
                        top = max((sum(row[i] for i in summed) for row in self.rows), default=0)
                        out.append((summed[0], summed[0], Atom(">=", tuple((i, -1) for i in summed), top)))
                    for j in reps:
                        if j not in summed and self._compatible(summed[0], j):
                            for atom in (self.le(summed, [j]), self.le([j], summed)):
                                if atom is not None:
                                    out.append((summed[0], j, atom))
        return out

    def _local_atoms(self, reps: list[int], live_bools: list[int]) -> dict[int | None, list[Atom]]:
        """Atoms about one element (key t) or about scalars and parameters only (key None)."""
        local: dict[int | None, list[Atom]] = {el: [] for el in self.elements}
        local[None] = []

        def add(a: Atom | None, *idx: int) -> None:
            if a is not None:
                els = {self._element(i) for i in idx} - {None}
                local[next(iter(els)) if els else None].append(a)

        for i in live_bools:
            add(Atom("bool", ((i, 1),)), i)
            add(Atom("bool", ((i, 0),)), i)
        for i in reps:
            add(Atom(">=", ((i, -1),), min(self.columns[i])), i)  # x ≤ lo: "x is at its least"
            if not self.e.params:  # a fixed scope has no parameter to compare with: "x is at its greatest"
                add(Atom(">=", ((i, 1),), -max(self.columns[i])), i)
        for i, j in itertools.permutations(reps, 2):
            if self._compatible(i, j):
                add(self.le([i], [j]), i, j)
        for i, j, a in self._interval_atoms(reps):
            add(a, i, j)
        return local

    def _bounds_under(self, excuse_mask: int, reps: list[int]) -> list[Atom]:
        """``x ≤ c`` / ``x ≥ c`` with c the greatest / least value of x where the guard holds."""
        where = [r for r in range(len(self.rows)) if not (excuse_mask >> r) & 1]
        out = []
        for i in reps:
            col = self.columns[i]
            values = [col[r] for r in where]
            lo, hi = min(values), max(values)
            if hi < max(col):
                out.append(Atom(">=", ((i, -1),), hi))
            if lo > min(col):
                out.append(Atom(">=", ((i, 1),), -lo))
        return out

    def guards(self, live_bools: list[int], const: dict[int, int]) -> list[tuple[tuple[Atom, ...], int | None]]:
        """Each guard as the atoms that *excuse* a guarded clause (¬g), with its element.

        ``b ⇒ a`` is the clause ``¬b ∨ a``; for a scalar ``x`` with few values, ``x = c ⇒ a`` is
        ``x ≤ c - 1 ∨ x ≥ c + 1 ∨ a``.
        """
        out: list[tuple[tuple[Atom, ...], int | None]] = []
        for i in live_bools:
            out.append(((Atom("bool", ((i, 0),)),), self._element(i)))
            out.append(((Atom("bool", ((i, 1),)),), self._element(i)))
        for i in self.ints:
            if self._element(i) is not None or self.e.vars[i].slot is None or i in const:
                continue
            values = sorted(set(self.columns[i]))
            if len(values) <= 4:
                for c in values:
                    out.append(((Atom(">=", ((i, -1),), c - 1), Atom(">=", ((i, 1),), -c - 1)), None))
        return out

    def mutations(self, pool: list[int], limit: int = 4000) -> list[Atom]:
        """The property's linear atoms with each element-t variable replaced by others of element t."""
        if self.prop is None or self.prop.kind != "always":
            return []
        found: list[Atom] = []
        pos = {x.get_id(): i for i, x in enumerate(self.x)}
        scalars = {self.x[i].get_id() for i in range(len(self.x)) if self._element(i) is None}
        f = self.e.predicate(self.prop, self.x)
        for lhs, rhs in (
            pair
            for part in (f.children() if z3.is_and(f) else [f])
            if z3.is_app(part) and part.decl().kind() in _COMPARISONS
            for pair in _linear_atoms(part)
        ):
            split = _split(lhs - rhs, pos, scalars)
            if split is None:
                continue
            coefs, const, opaque = split
            oid = self.register(opaque) if opaque is not None else None
            choices = [
                [(i, c)] if self._element(i) is None else [(j, c) for j in pool if self._element(j) == self._element(i)]
                for i, c in coefs.items()
            ]
            for combo in itertools.islice(itertools.product(*choices), limit):
                merged: dict[int, int] = {}
                for i, c in combo:
                    merged[i] = merged.get(i, 0) + c
                terms = tuple(sorted((i, c) for i, c in merged.items() if c))
                if terms:
                    found.append(Atom(">=", terms, const, oid))
        return found

    def domain_clauses(self) -> list[tuple[Clause, tuple[str, str]]]:
        """The encoder's domain bounds as clauses (``x ≥ lo``, ``x ≤ hi``), each with its bound."""
        out: list[tuple[Clause, tuple[str, str]]] = []
        for i in self.ints:
            v = self.e.vars[i]
            if v.lo is not None:
                out.append(((Atom(">=", ((i, 1),), -v.lo),), (v.label, "lo")))
            if v.hi is not None:
                out.append(((Atom(">=", ((i, -1),), v.hi),), (v.label, "hi")))
        return out

    def candidates(self) -> tuple[list[Clause], int]:
        """Clauses true in every sampled state, and how many were generated."""
        units, const, rep = self._stage1()
        generated = len(units)
        out: list[Clause] = [(a,) for a in units]
        unit_set = set(units)
        reps = [i for i in self.ints if rep.get(i) == i]
        live_bools = [i for i in self.bools if i not in const]
        extra = [a for _, _, a in self._interval_atoms(reps)] + self.mutations(
            [i for i in self.ints if rep.get(i, i) == i]
        )
        for a in extra:
            generated += 1
            if a not in unit_set and self.holds((a,)):
                unit_set.add(a)
                out.append((a,))
        local = self._local_atoms(reps, live_bools)
        everything = [a for atoms in local.values() for a in atoms]
        for excuse, el in self.guards(live_bools, const):
            em = 0
            for a in excuse:
                em |= self.mask(a)
            if em == self.full:
                continue  # the guard is never true
            pool = everything if el is None else local.get(el, []) + local[None]
            pool = pool + self._bounds_under(em, reps)
            kept = []
            pinned: set[int] = set()
            for a in pool:
                generated += 1
                if a in unit_set or a in excuse or (em | self.mask(a)) != self.full:
                    continue
                if _is_pin(a):
                    pinned.add(a.coefs[0][0])
                kept.append(a)
            for a in kept:
                if _is_pin(a) or a.op == "bool" or len(a.coefs) == 1 or not ({i for i, _ in a.coefs} & pinned):
                    out.append(excuse + (a,))
        for el in self.elements:
            ints = [i for i in reps if self._element(i) == el]
            for i in ints:
                for j, k in itertools.combinations([j for j in ints if j != i], 2):
                    generated += 1
                    left, right = self.le([j], [i]), self.le([k], [i])
                    if left is None or right is None or left in unit_set or right in unit_set:
                        continue
                    if (self.mask(left) | self.mask(right)) == self.full:
                        out.append((left, right))
        return out, generated

    # -- the property as clauses (for its text) --------------------------------------------

    def goal_clauses(self) -> list[Clause] | None:
        """The property as clauses of atoms, when it is a conjunction of linear comparisons."""
        if self.prop is None or self.prop.kind != "always":
            return None
        f = self.e.predicate(self.prop, self.x)
        parts = f.children() if z3.is_and(f) else [f]
        pos = {x.get_id(): i for i, x in enumerate(self.x)}
        scalars = {self.x[i].get_id() for i in range(len(self.x)) if self._element(i) is None}
        out: list[Clause] = []
        for part in parts:
            pairs = list(_linear_atoms(part))
            if not pairs or len(pairs) > 2 or not (z3.is_app(part) and part.decl().kind() in _COMPARISONS):
                return None
            for lhs, rhs in pairs:
                split = _split(lhs - rhs, pos, scalars)
                if split is None:
                    return None
                coefs, const, opaque = split
                terms = tuple(sorted((i, c) for i, c in coefs.items() if c))
                out.append((Atom(">=", terms, const, self.register(opaque) if opaque is not None else None),))
        return out


_COMPARISONS = (z3.Z3_OP_LE, z3.Z3_OP_GE, z3.Z3_OP_LT, z3.Z3_OP_GT, z3.Z3_OP_EQ)


def _is_pin(a: Atom) -> bool:
    return a.op == ">=" and len(a.coefs) == 1 and a.coefs[0][1] == -1


def _linear_atoms(f: z3.BoolRef) -> Iterable[tuple[z3.ArithRef, z3.ArithRef]]:
    """Integer comparisons of a formula as (lhs, rhs) meaning lhs ≥ rhs (an equality gives both)."""
    seen: set[int] = set()
    stack = [f]
    while stack:
        t = stack.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.is_app(t) and len(t.children()) == 2 and z3.is_int(t.children()[0]):
            a, b = t.children()
            k = t.decl().kind()
            if k == z3.Z3_OP_GE:
                yield a, b
            elif k == z3.Z3_OP_LE:
                yield b, a
            elif k == z3.Z3_OP_GT:
                yield a, b + 1
            elif k == z3.Z3_OP_LT:
                yield b, a + 1
            elif k == z3.Z3_OP_EQ:
                yield a, b
                yield b, a
            continue
        if z3.is_bool(t):
            stack.extend(t.children())


def _split(
    term: z3.ArithRef, pos: dict[int, int], scalars: set[int]
) -> tuple[dict[int, int], int, z3.ArithRef | None] | None:
    """term = Σ coef·x + const + opaque (a non-linear term over ``scalars``), or None."""
    coefs: dict[int, int] = {}
    rest: list[z3.ArithRef] = []
    const = 0

    def walk(t: z3.ArithRef, scale: int) -> bool:
        nonlocal const
        if z3.is_int_value(t):
            const += scale * t.as_long()
            return True
        if z3.is_const(t) and t.get_id() in pos:
            coefs[pos[t.get_id()]] = coefs.get(pos[t.get_id()], 0) + scale
            return True
        if z3.is_add(t):
            return all(walk(c, scale) for c in t.children())
        if z3.is_sub(t):
            first, *others = t.children()
            return walk(first, scale) and all(walk(c, -scale) for c in others)
        if z3.is_mul(t) and len(t.children()) == 2 and z3.is_int_value(t.children()[0]):
            return walk(t.children()[1], scale * t.children()[0].as_long())
        if all(c.get_id() in scalars for c in _constants(t)):
            rest.append(t if scale == 1 else scale * t)
            return True
        return False

    if not walk(term, 1):
        return None
    opaque = None
    if rest:
        opaque = z3.simplify(z3.Sum(*rest)) if len(rest) > 1 else rest[0]
    return coefs, const, opaque


def _constants(t: z3.ExprRef) -> list[z3.ExprRef]:
    return [s for s in subterms(t) if z3.is_const(s) and s.decl().kind() == z3.Z3_OP_UNINTERPRETED]
