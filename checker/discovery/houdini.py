"""Houdini: the largest inductive subset of candidate invariants; the part a property needs.

:func:`discover` is lemma discovery end to end: sampled states (:mod:`kubecheck.checker.discovery.samples`)
→ template candidates true in every sample (:mod:`kubecheck.checker.discovery.candidates`) → Houdini
(Flanagan & Leino, "Houdini, an annotation assistant for ESC/Java", FME 2001):

* drop every candidate that fails at an initial state (one query: the solver's model falsifies
  a batch at a time);
* for each action in turn, assume every surviving candidate, take the action, and drop the
  candidates the model falsifies in the successor; repeat until a whole round drops nothing.
  The survivors form an inductive invariant of the encoded system. The domain is not assumed:
  its bounds are candidates like any other. Those that survive are the domain the proof
  certifies (no reachable step leaves it); those that do not, typically encoding caps such as
  ``terminating[0] ≤ 21``, are *lifted*: neither assumed nor checked, the proof then being about
  the model without them (see :mod:`kubecheck.checker.certify`).

An action is asked only about candidates that mention a variable it may write (its effect is
not syntactically ``x' = x``), and one incremental solver serves every action (each behind its
own literal) with the candidates behind assumption literals, so rounds reuse what the solver
learnt; an action whose last "nothing falsifiable" answer used (unsat core)
no candidate dropped since is not asked again.

:func:`support` then keeps only what a goal needs: unsat cores of "the lemmas in the pre-state,
one action, a goal false in the successor", to a fixpoint. The goals plus the support are
inductive by construction; the certificate (:mod:`kubecheck.checker.certify`) re-checks that
with a fresh solver anyway.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Sequence

import attrs
import z3

from kubecheck.checker.certify import Bound
from kubecheck.checker.discovery.candidates import PROPERTY, Clause, Templates, _constants
from kubecheck.checker.discovery.clause_text import text
from kubecheck.checker.discovery.samples import Samples, sample
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.model.kernel.property import Property


@attrs.frozen
class Discovery:
    """Lemmas proved by Houdini, with their clauses (for text) and what it took."""

    lemmas: tuple[z3.BoolRef, ...]  # formulas over encoder.state(0); their conjunction is inductive
    clauses: tuple[Clause, ...]
    templates: Templates
    samples: Samples
    generated: int  # candidates built from templates
    sampled: int  # candidates true in every sampled state
    rounds: int
    status: str  # "ok", or why Houdini stopped ("timeout", "unknown"): then lemmas is empty
    seconds: float
    lifted: tuple[Bound, ...] = ()  # domain bounds that are not inductive with the lemmas

    def text(self, i: int) -> str:
        return text(self.templates, self.clauses[i])


#: ``written`` per encoder and action, computed once (Houdini runs several times on one encoding).
_WRITTEN: weakref.WeakKeyDictionary[Encoder, dict[int, set[int]]] = weakref.WeakKeyDictionary()


def written(encoder: Encoder, a: int) -> set[int]:
    """Indices of the variables action ``a`` may change (its effect is not syntactically x' = x)."""
    known = _WRITTEN.setdefault(encoder, {})
    if a not in known:
        x, y = encoder.state(0), encoder.state(1)
        ctx = x[0].ctx
        ref = ctx.ref()
        xid = [v.get_id() for v in x]
        same: set[int] = set()
        pos = {y[i].get_id(): i for i in range(len(x))}
        d = encoder.disjunct(a, 0).as_ast()
        # z3's C API directly: the Python wrappers (children, arg) were most of the time here
        for k in range(z3.Z3_get_app_num_args(ref, d)):
            c = z3.Z3_get_app_arg(ref, d, k)
            if z3.Z3_get_ast_kind(ref, c) != z3.Z3_APP_AST:
                continue
            if z3.Z3_get_decl_kind(ref, z3.Z3_get_app_decl(ref, c)) != z3.Z3_OP_EQ:
                continue
            i = pos.get(z3.Z3_get_ast_id(ref, z3.Z3_get_app_arg(ref, c, 0)))
            if i is None:
                continue
            rhs = z3.Z3_get_app_arg(ref, c, 1)
            if z3.Z3_get_ast_id(ref, rhs) == xid[i] or z3.simplify(z3.ExprRef(rhs, ctx)).get_id() == xid[i]:
                same.add(i)
        known[a] = {i for i in range(len(x)) if i not in same}
    return set(known[a])


#: Per encoder, each step-0 variable's z3 id → its index, built once.
_POSITIONS: weakref.WeakKeyDictionary[Encoder, dict[int, int]] = weakref.WeakKeyDictionary()


def variables(encoder: Encoder, f: z3.ExprRef) -> set[int]:
    """Indices of the step-0 variables ``f`` mentions."""
    pos = _POSITIONS.get(encoder)
    if pos is None:
        pos = _POSITIONS[encoder] = {x.get_id(): i for i, x in enumerate(encoder.state(0))}
    return {pos[c.get_id()] for c in _constants(f) if c.get_id() in pos}


def houdini(
    encoder: Encoder,
    candidates: Sequence[z3.BoolRef],
    timeout: float | None = None,
    assumptions: Sequence[z3.BoolRef] = (),
    needed: int | None = None,
) -> tuple[list[int], int, str]:
    """The largest inductive subset of ``candidates`` (formulas over state(0)): (indices, rounds, status).

    ``status`` is "ok", or "timeout"/"unknown" when a query did not answer (the subset returned
    is then not known to be inductive), or "dropped" as soon as the candidate ``needed`` is
    dropped (a caller that needs it stops there). ``assumptions`` are already-proved invariants. An action
    is only asked about the candidates that mention a variable it may write; one incremental solver
    serves every action (each enabled by its own literal), candidates enabled by assumption literals,
    and an action whose last answer used no candidate dropped since is not asked again.
    """
    started = time.perf_counter()
    e = encoder
    x, y = e.state(0), e.state(1)
    alive = list(range(len(candidates)))
    # one substitution for them all (one call per candidate was a third of a second for 73 bounds)
    nexts = list(z3.substitute(z3.And(*candidates), *zip(x, y)).children()) if len(candidates) > 1 else []
    if len(nexts) != len(candidates):  # And flattened or simplified something: one at a time
        nexts = [z3.substitute(c, *zip(x, y)) for c in candidates]
    assume_y = [z3.substitute(a, *zip(x, y)) for a in assumptions]
    mentions = [variables(e, c) for c in candidates]
    flags = [z3.Bool(f"houdini#{i}") for i in range(len(candidates))]
    queries = 0

    def left_ms() -> int | None:
        if timeout is None:
            return None
        return int((timeout - (time.perf_counter() - started)) * 1000)

    flag_index = {f.get_id(): i for i, f in enumerate(flags)}
    core: set[int] = set()  # the candidates the last unsat query of prune used

    def prune(
        s: z3.Solver, targets: list[int], pre: bool, action: z3.BoolRef | None = None
    ) -> tuple[list[int] | None, str]:
        """Drop the candidates the solver's model falsifies; None if nothing is falsifiable (then
        ``core`` holds the candidates that answer needed)."""
        nonlocal queries
        if not targets:
            core.clear()
            return None, "ok"
        ms = left_ms()
        if ms is not None:
            if ms <= 0:
                return [], "timeout"
            s.set("timeout", ms)
        goal = z3.Bool(f"houdini-query#{queries}")
        queries += 1
        terms = [candidates[i] if pre else nexts[i] for i in targets]
        s.add(z3.Implies(goal, z3.Or(*[z3.Not(t) for t in terms])))
        answer = s.check(goal, *([] if action is None else [action]), *[flags[i] for i in alive])
        if answer == z3.unsat:
            core.clear()
            if not pre:
                core.update(flag_index[f.get_id()] for f in s.unsat_core() if f.get_id() in flag_index)
            return None, "ok"
        if answer == z3.unknown:
            why = s.reason_unknown()
            return [], "timeout" if "timeout" in why or "canceled" in why else "unknown"
        m = s.model()
        return [i for i, t in zip(targets, terms) if z3.is_false(m.eval(t, model_completion=True))], "ok"

    rounds = 0
    init = z3.Solver()
    init.add(e.init(x))
    while alive:  # initiation (the flags are not asserted: no candidate is assumed)
        drop, status = prune(init, list(alive), True)
        if status != "ok":
            return alive, rounds, status
        if drop is None:
            break
        gone = set(drop)
        alive = [i for i in alive if i not in gone]
        if needed is not None and needed in gone:
            return alive, rounds, "dropped"
    # one solver for every action, each behind its own literal: the candidates are internalized once
    # and what the solver learns about them serves every action
    shared = z3.Solver()
    shared.add(*assumptions, *assume_y, *[z3.Implies(f, c) for f, c in zip(flags, candidates)])
    acts = [z3.Bool(f"houdini-action#{a}") for a in range(e.n)]
    shared.add(*[z3.Implies(acts[a], e.disjunct(a, 0)) for a in range(e.n)])
    solvers = [(acts[a], written(e, a)) for a in range(e.n)]
    # per action, the candidates its last "nothing falsifiable" answer assumed (its unsat core): while
    # none of them is dropped the answer stands (fewer candidates assumed nothing new, fewer asked about
    # only fewer ways to fail), so a later round does not ask that action again
    used: list[set[int] | None] = [None] * len(solvers)
    dropped: set[int] = set()
    stable = False
    while not stable:  # consecution, one action at a time
        rounds += 1
        stable = True
        for a, (act, writes) in enumerate(solvers):
            kept = used[a]
            if kept is not None and not (kept & dropped):
                continue
            while alive:
                touched = [i for i in alive if mentions[i] & writes]
                drop, status = prune(shared, touched, False, act)
                if status != "ok":
                    return alive, rounds, status
                if drop is None:
                    used[a] = set(core)
                    break
                gone = set(drop)
                dropped |= gone
                alive = [i for i in alive if i not in gone]
                stable = False
                if needed is not None and needed in gone:
                    return alive, rounds, "dropped"
    return alive, rounds, "ok"


def support(
    encoder: Encoder,
    goals: Sequence[z3.BoolRef],
    lemmas: Sequence[z3.BoolRef],
    timeout: float | None = None,
    minimize_cores: bool = True,
) -> list[int] | None:
    """A subset of ``lemmas`` (an inductive set) that, with ``goals``, is itself inductive.

    Unsat cores: the lemmas each action needs in its pre-state to preserve the goals, then the
    lemmas those need, to a fixpoint. None if some goal is not preserved even with every lemma
    (or a query did not answer).
    """
    started = time.perf_counter()
    e = encoder
    x, y = e.state(0), e.state(1)
    flags = [z3.Bool(f"lemma#{i}") for i in range(len(lemmas))]
    flag_index = {f.get_id(): i for i, f in enumerate(flags)}
    mentions = [variables(e, lem) for lem in lemmas]
    goal_mentions = [variables(e, g) for g in goals]
    writes = [written(e, a) for a in range(e.n)]
    solvers = []
    for a in range(e.n):
        s = z3.Solver()
        s.set("core.minimize", minimize_cores)
        s.add(e.disjunct(a, 0), *goals)
        s.add(*[z3.Implies(f, lem) for f, lem in zip(flags, lemmas)])
        solvers.append(s)
    needed: set[int] = set()
    todo_goals = list(goals)
    todo_lemmas: list[int] = []
    checked: set[int] = set()
    first = True
    while first or todo_lemmas:
        targets = list(zip(todo_goals, goal_mentions)) if first else [(lemmas[i], mentions[i]) for i in todo_lemmas]
        first = False
        checked.update(todo_lemmas)
        todo_lemmas = []
        for a in range(e.n):
            relevant = [t for t, used in targets if used & writes[a]]
            if not relevant:
                continue
            s = solvers[a]
            s.push()
            if timeout is not None:
                s.set("timeout", max(1, int((timeout - (time.perf_counter() - started)) * 1000)))
            s.add(z3.Or(*[z3.Not(z3.substitute(t, *zip(x, y))) for t in relevant]))
            answer = s.check(*flags)
            core = s.unsat_core() if answer == z3.unsat else None
            s.pop()
            if core is None:
                return None
            for f in core:
                k = flag_index[f.get_id()]
                if k not in needed:
                    needed.add(k)
                    if k not in checked:
                        todo_lemmas.append(k)
        todo_lemmas = sorted(set(todo_lemmas) - checked)
    return sorted(needed)


def discover(
    encoder: Encoder,
    prop: Property | None = None,
    grid: dict[str, Sequence[int]] | None = None,
    max_rows: int = 4000,
    timeout: float | None = None,
    rows: Samples | None = None,
) -> Discovery:
    """Lemmas for ``encoder`` proved by Houdini over template candidates (see the module docstring).

    ``prop`` adds the mutations of its atoms to the templates and is checked on every sampled
    state (``Discovery.samples.decided_in`` names an instance where it fails).
    Only an ``always`` property is itself a candidate.
    """
    started = time.perf_counter()
    rows = rows if rows is not None else sample(encoder, prop, grid, max_rows)
    templates = Templates(encoder, rows, prop)
    clauses, generated = templates.candidates()
    bounds = templates.domain_clauses()
    clauses += [c for c, _ in bounds if c not in set(clauses)]
    formulas = [templates.clause_formula(c) for c in clauses]
    if prop is not None and prop.kind == "always" and rows.decided_in is None:
        clauses.append(PROPERTY)  # if the property survives, it is inductive together with the rest
        formulas.append(encoder.predicate(prop, encoder.state(0)))
    left = None if timeout is None else max(0.1, timeout - (time.perf_counter() - started))
    alive, rounds, status = houdini(encoder, formulas, left)
    if status != "ok":
        alive = []
    kept = {clauses[i] for i in alive}
    lifted = tuple(b for c, b in bounds if c not in kept)
    return Discovery(
        tuple(formulas[i] for i in alive),
        tuple(clauses[i] for i in alive),
        templates,
        rows,
        generated,
        len(clauses),
        rounds,
        status,
        time.perf_counter() - started,
        lifted,
    )
