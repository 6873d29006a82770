"""Emit Promela from a kubecheck kernel model, so that SPIN checks the same system.

    python benchmarks/spin/promela.py 3 DIR   # per-pod Deployment, replicas 3: DIR/model.pml, DIR/kc_model.h

The model is read the way the explicit engine reads it (:mod:`kubecheck.checker.explicit.compile`:
guards and effects run once on symbolic values that record the code computing them), and every
action becomes one option of a single ``do`` loop::

    active proctype system() {
      do
      :: d_step { c_expr { G5 } -> c_code { e5(&now); } }   /* kubelet.pod_ready(pod=1), G5: g5(&now) */
      ...
      od
    }

The state is the model's flat state, one global per slot (``byte``/``short``/``bool``); the
guards and effects are C functions over it (Promela's embedded C: ``c_expr``/``c_code``), one
line of C per line the compiler generated, so a deep guard such as the Deployment controller's
sync plan is computed once per evaluation rather than inlined into a Promela expression. The
temporaries are C locals, outside SPIN's state vector. A ``d_step`` is one transition with no
intermediate state, and the single process's control point is the same in every state (the
loop head), so SPIN's stored states are the model's states one to one: ``states, stored``
must equal the explicit engine's distinct states. A state where no action is enabled is a
valid end of the model, an "invalid end state" to SPIN: pan runs with ``-E``.

Domain checks are not emitted (the explicit engine checks every write; the two searches are
compared on counts). Floor division is C's truncating division corrected for negative
operands.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from kubecheck.checker.explicit.compile import Emitter, Expr, SourceOps, _writes, code, eliminate_dead, state_view
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.scopes import Scope

_ATOM = r"-?\w+"
_TERNARY = re.compile(r"^\((.+) if (.+) else (.+)\)$")
_FLOORDIV = re.compile(rf"^({_ATOM}) // ({_ATOM})$")
_CEILDIV = re.compile(rf"^-\(\(-({_ATOM})\) // ({_ATOM})\)$")


def _atom(text: str) -> str:
    text = text.strip()
    if text == "True":
        return "1"
    if text == "False":
        return "0"
    m = re.fullmatch(r"s(\d+)", text)
    if m:
        return f"now->s{m.group(1)}"
    return text


def c_expression(source: str) -> str:
    """The C of one generated Python expression (the compiler's forms: one operator over atoms)."""
    source = source.strip()
    if m := _TERNARY.match(source):
        return f"(({c_expression(m.group(2))}) ? ({c_expression(m.group(1))}) : ({c_expression(m.group(3))}))"
    if m := _CEILDIV.match(source):
        return f"-floordiv(-({_atom(m.group(1))}), {_atom(m.group(2))})"
    if m := _FLOORDIV.match(source):
        return f"floordiv({_atom(m.group(1))}, {_atom(m.group(2))})"
    if source.startswith("(") and source.endswith(")") and (" and " in source or " or " in source):
        inner = source[1:-1]
        op = " and " if " and " in inner else " or "
        return "(" + (" && " if op == " and " else " || ").join(c_expression(p) for p in inner.split(op)) + ")"
    if source.startswith("not "):
        return f"!({c_expression(source[4:])})"
    tokens = source.split(" ")
    out = []
    for tok in tokens:
        if tok in ("+", "-", "*", "<", "<=", ">", ">=", "==", "!="):
            out.append(tok)
        elif tok.startswith("-") and len(tok) > 1 and not tok[1:].isdigit():
            out.append(f"-{_atom(tok[1:])}")
        else:
            out.append(_atom(tok))
    return " ".join(out)


def _c_lines(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        name, _, source = line.strip().partition(" = ")
        if not re.fullmatch(r"t\d+", name):
            raise ValueError(f"unexpected generated line: {line!r}")
        out.append(f"    int {name} = {c_expression(source)};")
    return out


def promela(model: Model, scope: Scope, header: str = "kc_model.h", shared: bool = True) -> tuple[str, str]:
    """The Promela text of ``model`` in ``scope`` and the C of its guards and effects (file ``header``).

    SPIN limits the text of one ``c_code`` block, so the C functions live in ``header``, which
    the Promela includes. With ``shared`` (the default) the guards of all actions are computed
    by one C function, common subexpressions once (as kubecheck's compiler shares them within a
    guard group), and cached for the last state they were computed for: pan evaluates the
    options of one state one after the other. Without it each guard is its own function.
    """
    schema = model.schema(scope)
    actions = list(model.actions(scope))
    init = schema.flatten(model.init(scope))
    decls = []
    for slot, value in zip(schema.slots, init):
        if slot.kind == "bool":
            decls.append(f"bool s{slot.index} = {int(value)};  /* {slot.label} */")
        else:
            kind = "byte" if 0 <= slot.lo and slot.hi <= 255 else "short"
            decls.append(f"{kind} s{slot.index} = {value};  /* {slot.label} */")
    c_funcs = [
        "static int floordiv(int a, int b) { int q = a / b; if ((a % b != 0) && ((a < 0) != (b < 0))) q--; return q; }"
    ]
    options = []
    live: list[tuple[int, Any]] = []
    shared_em = Emitter()
    shared_ops, shared_view = SourceOps(shared_em), state_view(schema, shared_em, "s")
    for k, action in enumerate(actions):
        em = shared_em if shared else Emitter()
        ops, view = (shared_ops, shared_view) if shared else (SourceOps(em), state_view(schema, em, "s"))
        guard = action.guard(ops, scope, view)
        if not isinstance(guard, Expr) and not guard:
            continue  # never enabled in this scope
        live.append((k, guard))
        if not shared:
            final = code(guard)
            lines = [line for line in eliminate_dead(em.lines + [final]) if line != final]
            c_funcs.append(f"static int g{k}(State *now) {{")
            c_funcs += _c_lines(lines)
            c_funcs.append(f"    return {c_expression(final) if isinstance(guard, Expr) else 1};")
            c_funcs.append("}")
            c_funcs.append(f"#define G{k} g{k}(&now)")  # spin -a takes a call inside c_expr for a side effect
        else:
            c_funcs.append(f"#define G{k} (kc_guards(&now), kc_mask[{len(live) - 1}])")
        em = Emitter()
        writes = _writes(schema, action.label, action.effect(SourceOps(em), scope, state_view(schema, em, "s")))
        finals = "".join(f"{code(v)}\n" for _, v in writes)
        lines = [line for line in eliminate_dead(em.lines + [finals]) if line != finals]
        c_funcs.append(f"static void e{k}(State *now) {{")
        c_funcs += _c_lines(lines)
        for n, (_, value) in enumerate(writes):
            c_funcs.append(f"    int w{n} = {c_expression(code(value))};")
        for n, (index, _) in enumerate(writes):
            c_funcs.append(f"    now->s{index} = w{n};")
        c_funcs.append("}")
        options.append(f"  :: d_step {{ c_expr {{ G{k} }} -> c_code {{ e{k}(&now); }} }}  /* {action.label} */")
    if shared:
        finals = "".join(f"{code(g)}\n" for _, g in live)
        lines = [line for line in eliminate_dead(shared_em.lines + [finals]) if line != finals]
        body = [
            f"static unsigned char kc_mask[{max(1, len(live))}];",
            "static State kc_last;",
            "static int kc_valid = 0;",
            "static void kc_guards(State *now) {",
            "    if (kc_valid && memcmp(&kc_last, now, sizeof(State)) == 0) return;",
        ]
        body += _c_lines(lines)
        body += [f"    kc_mask[{n}] = {c_expression(code(g))};" for n, (_, g) in enumerate(live)]
        body += ["    kc_last = *now;", "    kc_valid = 1;", "}"]
        c_funcs[1:1] = body
    size = f"{len(schema.slots)} slots, {len(actions)} actions"
    title = f"/* generated by benchmarks/spin/promela.py: {model.name}, {size} */"
    pml = "\n".join(
        [title]
        + decls
        + [f'c_code {{ \\#include "{header}" }}', "", "active proctype system() {", "  do"]
        + options
        + ["  od", "}", ""]
    )
    return pml, "\n".join([title] + c_funcs + [""])


def per_pod_scope(replicas: int) -> Any:
    """The per-pod benchmark's scope at ``replicas`` (``run.py``'s scaling scope, slots fitted)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import per_pod_deployment as pp
    import run

    return pp.fitted_scope(run.scaling_scope(replicas))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import per_pod_deployment as pp

    pml, c = promela(pp.MODEL, per_pod_scope(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
    out = Path(sys.argv[2] if len(sys.argv) > 2 else ".")
    (out / "model.pml").write_text(pml)
    (out / "kc_model.h").write_text(c)
