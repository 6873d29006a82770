"""Candidate clauses in the model's own field names, as a proof prints them.

``x ≥ y`` and ``y ≥ x`` under one guard print as ``x = y``; a bound at the domain's least value
as ``x = lo``; a guarded clause as ``rs_exists[1] ⇒ …`` or ``template = 0 ⇒ …``; each opaque
term (a non-linear term over scalars and parameters, such as the resolved maxUnavailable) is
named ``⟨k⟩`` and defined on a last ``where`` line.
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from kubecheck.checker.discovery.candidates import PROPERTY, Atom, Clause, Templates


def listing(templates: Templates, clauses: Sequence[Clause], goal: Sequence[Clause] = ()) -> list[str]:
    """Clauses as lines in the model's field names: ``x ≥ y`` and ``y ≥ x`` (same guard) give
    ``x = y``; a bound at the domain's least value gives ``x = lo``; each opaque term is
    named ``⟨k⟩`` and defined on a last line. ``goal`` clauses come first."""
    names = [v.label for v in templates.e.vars]
    clauses = list(goal) + [c for c in clauses if c not in set(goal)]
    present = set(clauses)
    shown: set[Clause] = set()
    lines: list[str] = []
    opaque_names: dict[int, str] = {}
    for clause in clauses:
        if clause in shown or clause == PROPERTY:
            continue
        shown.add(clause)
        guard, atoms = _guard(templates, clause, names)
        if len(atoms) == 1 and atoms[0].op == ">=" and atoms[0].opaque is None:
            a = atoms[0]
            flipped = clause[: len(clause) - 1] + (Atom(">=", tuple((i, -c) for i, c in a.coefs), -a.const),)
            if flipped in present:
                shown.add(flipped)
                lines.append(guard + _equation(a, names))
                continue
            if len(a.coefs) == 1 and a.coefs[0][1] == -1 and templates.e.vars[a.coefs[0][0]].lo == a.const:
                lines.append(f"{guard}{names[a.coefs[0][0]]} = {a.const}")
                continue
        lines.append(guard + " ∨ ".join(_atom_text(templates, a, names, opaque_names) for a in atoms))
    short = {str(x): n for x, n in zip(templates.x, names)}
    for k, name in sorted(opaque_names.items(), key=lambda kv: kv[1]):
        lines.append(f"where {name} = {term_text(_signed(templates.opaque[k])[1], short)}")
    return lines


def text(templates: Templates, clause: Clause) -> str:
    return listing(templates, [clause])[0]


def _guard(templates: Templates, clause: Clause, names: list[str]) -> tuple[str, list[Atom]]:
    atoms = list(clause)
    if len(atoms) >= 2 and atoms[0].op == "bool":
        ((i, pol),) = atoms[0].coefs
        return f"{'¬' if pol else ''}{names[i]} ⇒ ", atoms[1:]
    if (
        len(atoms) >= 3
        and all(a.op == ">=" and len(a.coefs) == 1 for a in atoms[:2])
        and atoms[0].coefs[0][0] == atoms[1].coefs[0][0]
        and atoms[0].coefs[0][1] == -1
    ):
        return f"{names[atoms[0].coefs[0][0]]} = {atoms[0].const + 1} ⇒ ", atoms[2:]
    return "", atoms


def _equation(a: Atom, names: list[str]) -> str:
    left = [(names[i], c) for i, c in a.coefs if c > 0]
    right = [(names[i], -c) for i, c in a.coefs if c < 0]
    if not left:
        left, right = right, []
        return f"{_sum(left, 0)} = {a.const}" if not right else ""
    return f"{_sum(left, max(a.const, 0))} = {_sum(right, max(-a.const, 0))}"


def _atom_text(templates: Templates, a: Atom, names: list[str], opaque_names: dict[int, str]) -> str:
    """``Σ coef·x + const + opaque ≥ 0`` written as ``Σ positive ≥ Σ negative - const - ⟨k⟩``."""
    if a.op == "bool":
        ((i, pol),) = a.coefs
        return names[i] if pol else f"¬{names[i]}"
    left = [(names[i], c) for i, c in a.coefs if c > 0]
    right = [(names[i], -c) for i, c in a.coefs if c < 0]
    if not left and a.opaque is None:  # -Σ + const ≥ 0: write Σ ≤ const
        return f"{_sum(right, max(-a.const, 0))} ≤ {max(a.const, 0)}"
    rhs = " + ".join(n if c == 1 else f"{c}·{n}" for n, c in sorted(right))
    if a.const < 0:
        rhs = f"{rhs} + {-a.const}" if rhs else str(-a.const)
    lhs = _sum(left, max(a.const, 0))
    if a.opaque is not None:  # opaque = sign·T is written on the right as -sign·⟨T⟩
        name = opaque_names.setdefault(a.opaque, f"⟨{len(opaque_names) + 1}⟩")
        if _signed(templates.opaque[a.opaque])[0] < 0:
            rhs = f"{rhs} + {name}" if rhs else name
        else:
            rhs = f"{rhs} - {name}" if rhs else f"-{name}"
    return f"{lhs} ≥ {rhs or '0'}"


def _signed(t: z3.ExprRef) -> tuple[int, z3.ExprRef]:
    """(sign, T) with t = sign·T, taking apart -T and -1·T."""
    if z3.is_app(t) and t.decl().kind() == z3.Z3_OP_UMINUS:
        return -1, t.children()[0]
    if z3.is_mul(t) and len(t.children()) == 2 and z3.is_int_value(t.children()[0]) and t.children()[0].as_long() == -1:
        return -1, t.children()[1]
    return 1, t


def _sum(terms: list[tuple[str, int]], const: int) -> str:
    parts = [n if c == 1 else f"{c}·{n}" for n, c in sorted(terms)]
    if const or not parts:
        parts.append(str(const))
    return " + ".join(parts)


def term_text(t: z3.ExprRef, names: dict[str, str]) -> str:
    """A non-linear term in readable form: min/max recognised, other ite as ``if … then … else``."""
    if z3.is_int_value(t):
        return str(t.as_long())
    if z3.is_const(t):
        return names.get(str(t), str(t))
    if z3.is_app(t):
        k, ch = t.decl().kind(), t.children()
        if k == z3.Z3_OP_ITE:
            c, a, b = ch
            ck = c.decl().kind() if z3.is_app(c) else None
            if ck in (z3.Z3_OP_LE, z3.Z3_OP_LT) and c.children()[0].eq(a) and c.children()[1].eq(b):
                return f"min({term_text(a, names)}, {term_text(b, names)})"
            if ck in (z3.Z3_OP_GE, z3.Z3_OP_GT) and c.children()[0].eq(a) and c.children()[1].eq(b):
                return f"max({term_text(a, names)}, {term_text(b, names)})"
            return f"(if {term_text(c, names)} then {term_text(a, names)} else {term_text(b, names)})"
        ops = {
            z3.Z3_OP_ADD: " + ",
            z3.Z3_OP_MUL: "·",
            z3.Z3_OP_SUB: " - ",
            z3.Z3_OP_IDIV: " div ",
            z3.Z3_OP_AND: " ∧ ",
            z3.Z3_OP_OR: " ∨ ",
            z3.Z3_OP_EQ: " = ",
            z3.Z3_OP_LE: " ≤ ",
            z3.Z3_OP_GE: " ≥ ",
            z3.Z3_OP_LT: " < ",
            z3.Z3_OP_GT: " > ",
        }
        if k in ops:
            return "(" + ops[k].join(term_text(c, names) for c in ch) + ")"
        if k == z3.Z3_OP_UMINUS:
            return f"-{term_text(ch[0], names)}"
        if k == z3.Z3_OP_NOT:
            return f"¬{term_text(ch[0], names)}"
    return str(t)
