"""IC3/PDR through z3's Horn-clause engine (Spacer).

The property is posed as constrained Horn clauses over one predicate ``Inv`` whose arguments are
every state variable and every symbolic parameter (parameters are copied unchanged by every
transition, so an invariant may relate them to the state: ``Σ spec ≤ replicas + maxSurge``)::

    init(x) ∧ D(x)                          → Inv(x)
    Inv(x) ∧ D(x) ∧ T_a(x, x') ∧ D(x')      → Inv(x')       one clause per action a
    Inv(x) ∧ D(x) ∧ ¬P(x)                   → false         (step: Inv ∧ T_a ∧ ¬P(x, x'))

``sat`` means the clauses have a model: Spacer's interpretation of ``Inv`` is an inductive
invariant that implies the property — PROVED, with that invariant printed in the model's field
names and re-checked by a fresh solver (:func:`kubecheck.checker.certify.check_invariant`; a
failed re-check raises, it is never reported as a proof). ``unsat`` means a bad state is
reachable: the trace is recovered by shortest-first BMC (:mod:`kubecheck.checker.symbolic.bmc`) and
certified by replay. ``unknown`` or a timeout is INCONCLUSIVE.

A ``sometimes`` property is decided the same way on its negation: a proof that the predicate is
unreachable gives UNREACHABLE, a reachable predicate gives WITNESSED with a BMC witness.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Sequence

import attrs
import z3

from kubecheck.checker.certify import (
    Bound,
    EncoderBug,
    InvariantCheck,
    bound_text,
    bounds,
    certificate_smtlib,
    check_invariant,
    domain,
)
from kubecheck.checker.discovery import houdini, samples
from kubecheck.checker.discovery.clause_text import listing
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.symbolic import bmc
from kubecheck.checker.symbolic.encoder import Encoder, as_bool
from kubecheck.checker.task import Deadline, Task
from kubecheck.model.kernel.property import Property

#: The engine name results carry, and what a status line calls it.
ENGINE = LABEL = "pdr"
#: Lemma discovery's templates grow with the square of the state's size; beyond this many
#: variables (a StatefulSet with many ordinals) PDR runs Spacer alone. The built-in presets stay
#: within it; the most is the Deployment on two nodes with a node fault and its three parameters
#: open (81: its sampling finds availability_floor_under_node_failure's violation in about 2 s,
#: where Spacer alone took 19 s).
MAX_DISCOVERY_VARIABLES = 96
#: A value of a Spacer option (``fp.spacer.*``, ``fp.xform.*``).
SolverOption = bool | int | float | str


@attrs.frozen
class Proof:
    """Evidence of a PROVED verdict: the invariant, its readable form and its re-check."""

    invariant: z3.BoolRef  # over encoder.state(0)
    text: str
    check: InvariantCheck
    scope_claim: str  # "this instance" or "all values of replicas, max_surge"
    method: str = "spacer"  # "stated" (the property plus its stated lemmas), "houdini" (plus lemmas found by
    # Houdini) or "spacer" (with or without them)
    lemmas: tuple[str, ...] = ()  # the invariant's conjuncts as lines in the model's field names (method "houdini")
    lifted: tuple[Bound, ...] = ()  # domain bounds neither assumed nor checked (see kubecheck.checker.certify)

    def smtlib(self, encoder: Encoder, prop: Property) -> str:
        return certificate_smtlib(encoder, prop, self.invariant, self.text, self.lifted)


def horn_clauses(
    encoder: Encoder, prop: Property, lemmas: Sequence[z3.BoolRef] = (), lifted: Sequence[Bound] | None = None
) -> tuple[list[z3.BoolRef], z3.FuncDeclRef]:
    """The Horn clauses of ``prop`` and the predicate symbol ``Inv``.

    ``lemmas`` (proved invariants over ``encoder.state(0)``) are assumed in every clause body, in
    the pre-state and the post-state: Spacer then only has to find what the property needs
    beyond them. With ``lifted`` (a tuple, possibly empty) the domain is not assumed of a
    successor: ``Inv ∧ ¬D → false`` makes every interpretation of ``Inv`` imply the domain
    without the lifted bounds, so an effect that leaves it is found — the form the certificate
    checks (:mod:`kubecheck.checker.certify`). With ``lifted=None`` (callers that re-check in
    their own way, such as :mod:`kubecheck.checker.symbolic.ranking`) the successor's domain is
    assumed, as it always was.
    """
    if encoder.arith == "bv":
        raise ValueError("PDR needs an integer encoding (arith='int' or 'linear')")
    x, y = encoder.state(0), encoder.state(1) + encoder.havoc + encoder.choices(0)
    ys = y[: len(x)]
    inv = z3.Function("Inv", *[v.sort() for v in x], z3.BoolSort())
    closed = lifted is not None
    dx = domain(encoder, x, lifted or ())
    dy = z3.BoolVal(True) if closed else domain(encoder, ys)
    lx = list(lemmas)
    ly = [z3.substitute(lem, *zip(x, ys)) for lem in lx]
    clauses = [z3.ForAll(x, z3.Implies(z3.And(encoder.init(x), *lx, *([] if closed else [dx])), inv(*x)))]
    for i in range(encoder.n):
        clauses.append(
            z3.ForAll(x + y, z3.Implies(z3.And(inv(*x), dx, *lx, encoder.disjunct(i, 0), dy, *ly), inv(*ys)))
        )
    if closed:
        clauses.append(z3.ForAll(x, z3.Implies(z3.And(inv(*x), z3.Not(dx)), False)))
    if prop.kind == "step":
        for i in range(encoder.n):
            bad = z3.And(inv(*x), dx, *lx, encoder.disjunct(i, 0), dy, *ly, z3.Not(encoder.predicate(prop, x, ys)))
            clauses.append(z3.ForAll(x + y, z3.Implies(bad, False)))
    elif prop.kind == "sometimes":
        clauses.append(z3.ForAll(x, z3.Implies(z3.And(inv(*x), dx, *lx, encoder.predicate(prop, x)), False)))
    else:
        clauses.append(z3.ForAll(x, z3.Implies(z3.And(inv(*x), dx, *lx, z3.Not(encoder.predicate(prop, x))), False)))
    return clauses, inv


def solve(
    encoder: Encoder,
    prop: Property,
    timeout: float | None = None,
    options: dict[str, SolverOption] | None = None,
    lemmas: Sequence[z3.BoolRef] = (),
    lifted: Sequence[Bound] | None = None,
) -> tuple[str, z3.BoolRef | None, str]:
    """Run Spacer: ("sat", invariant over state(0), "") / ("unsat", None, "") / ("unknown", None, reason)."""
    clauses, inv = horn_clauses(encoder, prop, lemmas, lifted)
    s = z3.SolverFor("HORN")
    if timeout is not None:
        s.set("timeout", max(1, int(timeout * 1000)))
    for key, value in (options or {}).items():
        s.set(key, value)
    s.add(*clauses)
    answer = s.check()
    if answer == z3.sat:
        x = encoder.state(0)
        return "sat", eliminate_quantifiers(s.model().eval(inv(*x))), ""
    if answer == z3.unsat:
        return "unsat", None, ""
    return "unknown", None, s.reason_unknown()


def check(task: Task) -> list[Result]:
    """PDR on each always/step/sometimes property of ``task`` (linear encoding); a PROVED result's
    ``evidence`` is its :class:`Proof`."""
    deadline = Deadline(task.budget.timeout)
    results = []
    for prop in task.properties:
        timeout = deadline.left()  # before encoding, which the timeout does not count
        task.say("encoding")
        results.append(decide(task.encoder("linear"), prop, timeout, status=task.status))
    return results


def decide(
    encoder: Encoder,
    prop: Property,
    timeout: float | None = None,
    max_trace_depth: int = 200,
    options: dict[str, SolverOption] | None = None,
    strengthen: bool = True,
    stated: bool = True,
    status: Callable[[str], None] | None = None,
) -> Result:
    """Decide one always/step/sometimes property: stated lemmas, lemma discovery, then Spacer; a
    proof comes re-checked, as the result's ``evidence``.

    With ``stated`` and a property that states its lemmas (``Property.lemmas``), Houdini first
    runs on those clauses, the property and the domain bounds alone (:func:`stated_proof`); if
    the property survives, that is the proof, and nothing else runs. Then (with ``strengthen``,
    always and step properties, at most ``MAX_DISCOVERY_VARIABLES`` variables) the property over
    the domain alone (:func:`domain_proof`): a step property that holds from every in-domain
    state needs no lemma.
    With ``strengthen`` (``always`` properties), :func:`kubecheck.checker.discovery.houdini.discover` first
    proves lemmas from templates. If the property follows from them, the proof is the property
    plus the lemmas it needs (:func:`kubecheck.checker.discovery.houdini.support`) and Spacer is not run;
    otherwise Spacer runs with the lemmas assumed, and its invariant is conjoined with them. A
    sampled instance that violates the property gives its shortest counterexample, the sampling's
    own breadth-first path (replayed; :func:`kubecheck.checker.discovery.samples.decided`). Every
    invariant is re-checked by :func:`check_invariant` before PROVED.
    """
    if prop.kind not in ("always", "step", "sometimes"):
        raise ValueError(f"PDR decides always, step and sometimes properties, not {prop.kind} ({prop.name})")
    started = time.perf_counter()
    claim = encoder.claim

    def left() -> float | None:
        return None if timeout is None else max(0.1, timeout - (time.perf_counter() - started))

    def say(what: str) -> None:
        if status is not None:
            status(what)

    if stated and strengthen and prop.kind in ("always", "step") and prop.lemmas is not None:
        say("Houdini on the stated lemmas")
        done = stated_proof(encoder, prop, claim, started, left())
        if done is not None:
            return done
    if strengthen and prop.kind in ("always", "step") and len(encoder.vars) <= MAX_DISCOVERY_VARIABLES:
        say("the property over the domain alone")
        done = domain_proof(encoder, prop, claim, started, left())
        if done is not None:
            return done
    lemmas: tuple[z3.BoolRef, ...] = ()
    lifted: tuple[Bound, ...] = ()
    found = None
    if strengthen and len(encoder.vars) <= MAX_DISCOVERY_VARIABLES:
        say("sampling instances for lemma discovery")
        rows = samples.sample(encoder, prop, timeout=None if timeout is None else timeout / 4)
        if rows.decided_in is not None:
            return samples.decided(
                encoder,
                prop,
                rows.decided_in,
                ENGINE,
                started,
                left(),
                rows.decided_compiled,
                rows.decided_labels,
                rows.decided_states,
                rows.decided_least,
            )
        if rows.rows:
            say("Houdini on template candidates")
            found = houdini.discover(encoder, prop, timeout=None if timeout is None else (left() or 0.1) / 2, rows=rows)
    if found is not None:
        lemmas, lifted = found.lemmas, found.lifted
    if found is not None and prop.kind == "always":
        x = encoder.state(0)
        goal, dom = encoder.predicate(prop, x), domain(encoder, x, lifted)
        follows = z3.Solver()
        if timeout is not None:
            follows.set("timeout", max(1, int((left() or 0.1) * 1000)))
        follows.add(dom, *lemmas, z3.Not(goal))
        if lemmas and follows.check() == z3.unsat:
            keep = houdini.support(encoder, [goal, dom], lemmas, timeout=left())
            if keep is not None:
                goal_clauses = found.templates.goal_clauses()
                head = () if goal_clauses is not None else (f"{prop.name}: {render(encoder, goal)}",)
                texts: tuple[str, ...] = head + tuple(
                    listing(found.templates, [found.clauses[i] for i in keep], goal_clauses or ())
                )
                invariant = z3.And(goal, *[lemmas[i] for i in keep])
                how = (
                    f"the property and {len(keep)} lemma(s) found by Houdini ({found.sampled} template candidates true "
                    f"in {len(rows.rows)} sampled states of {len(rows.instances)} instance(s); "
                    f"{len(lemmas)} inductive; {found.seconds:.2f} s)"
                )
                return _proved(
                    encoder, prop, invariant, " ∧ ".join(texts), claim, "houdini", texts, how, started, lifted
                )
    say("Spacer" + (f" with {len(lemmas)} lemma(s)" if lemmas else ""))
    answer, invariant, reason = solve(encoder, prop, left(), options, lemmas, lifted)
    solved = time.perf_counter() - started
    if answer == "sat":
        inv_text = render(encoder, invariant)
        texts = ()
        full = invariant
        how = f"Spacer ({solved:.2f} s)"
        if lemmas and found is not None:
            x = encoder.state(0)
            goals = [invariant, domain(encoder, x, lifted)]
            if prop.kind != "step":  # the safety query used every lemma: keep the property (its negation) as a goal too
                goals.append(
                    encoder.predicate(prop, x) if prop.kind == "always" else z3.Not(encoder.predicate(prop, x))
                )
                keep = houdini.support(encoder, goals, lemmas, timeout=left())
            else:
                keep = None
            if keep is None:
                keep = list(range(len(lemmas)))
            else:
                full = z3.And(invariant, goals[-1])
            texts = (f"Spacer's part: {inv_text}",) + tuple(listing(found.templates, [found.clauses[i] for i in keep]))
            full = z3.And(full, *[lemmas[i] for i in keep])
            how += f", assuming lemmas proved by Houdini ({len(keep)} of {len(lemmas)} needed)"
        text = inv_text if not texts else " ∧ ".join((inv_text,) + texts[1:])
        return _proved(encoder, prop, full, text, claim, "spacer", texts, how, started, lifted)
    if answer == "unsat":
        exact = encoder if encoder.exact else Encoder(encoder.model, encoder.scope, encoder.params, encoder.bounds)
        verdict, depth, trace, why = bmc.search(exact, prop, max_trace_depth, left())
        seconds = time.perf_counter() - started
        stats = Stats(0, 0, max(depth, 0), seconds, trace is not None, why)
        if trace is None:
            where = "" if encoder.exact else " in the linear over-approximation"
            return Result(
                prop,
                Verdict.INCONCLUSIVE,
                encoder.scope,
                ENGINE,
                stats,
                None,
                None,
                f"Spacer found the property reachable{where} in {solved:.2f} s but BMC found no trace within "
                f"depth {max_trace_depth} ({why}); not reported without a certified trace",
            )
        return Result(
            prop,
            verdict,
            trace.scope,
            ENGINE,
            stats,
            trace,
            None,
            f"Spacer: reachable ({solved:.2f} s); trace of depth {depth} by BMC, certified by replay",
        )
    stats = Stats(0, 0, 0, solved, False, "timeout" if "timeout" in reason or "canceled" in reason else "unknown")
    tried = f" (with {len(lemmas)} lemma(s) from Houdini)" if lemmas else ""
    return Result(
        prop,
        Verdict.INCONCLUSIVE,
        encoder.scope,
        ENGINE,
        stats,
        None,
        None,
        f"Spacer answered unknown after {solved:.2f} s{tried} ({reason})",
    )


def stated_proof(
    encoder: Encoder, prop: Property, claim: str, started: float, timeout: float | None = None
) -> Result | None:
    """PROVED by the property's stated lemmas, or None (then nothing is concluded from them).

    Houdini runs on the stated clauses, the property (``always``) and each domain bound: the
    greatest subset that is inductive. If the property is in it, the invariant is the property with
    the stated clauses that survived (the bounds that did not are lifted, as in discovery); a
    ``step`` property is proved when no action takes a state of the surviving clauses and bounds
    to a step that breaks it. Either way the invariant is re-checked by fresh solvers like every proof.
    """
    assert prop.lemmas is not None  # the caller asks only of a property that states lemmas
    t0 = time.perf_counter()
    x = encoder.state(0)
    clauses = [as_bool(f) for f in prop.lemmas(encoder.ops, encoder.scope_of(x), encoder.view(x))]
    goal = [encoder.predicate(prop, x)] if prop.kind == "always" else []
    caps = bounds(encoder, x)
    alive, _, status = houdini.houdini(encoder, clauses + goal + [f for _, f in caps], timeout)
    if status != "ok" or (goal and len(clauses) not in alive):
        return None
    kept = [i for i in alive if i < len(clauses)]
    first_cap = len(clauses) + len(goal)
    lifted = tuple(b for j, (b, _) in enumerate(caps) if first_cap + j not in alive)
    if not goal:
        domain_kept = [f for j, (_, f) in enumerate(caps) if first_cap + j in alive]
        seconds = 60.0 if timeout is None else timeout - (time.perf_counter() - t0)
        if not kept_by_every_action(encoder, prop, [clauses[i] for i in kept] + domain_kept, seconds):
            return None
    head = f"{prop.name}: {render(encoder, goal[0])}" if goal else f"{prop.name}: every step from a state of the lemmas"
    texts = (head,) + tuple(render(encoder, clauses[i]) for i in kept)
    how = (
        f"the property and {len(kept)} of the {len(clauses)} lemma(s) stated with it "
        f"(Houdini kept them; {time.perf_counter() - t0:.2f} s)"
    )
    result = _proved(
        encoder,
        prop,
        z3.And(*goal, *[clauses[i] for i in kept]),
        " ∧ ".join(texts),
        claim,
        "stated",
        texts,
        how,
        started,
        lifted,
    )
    return result if result.evidence is not None else None


def kept_by_every_action(encoder: Encoder, prop: Property, assumed: Sequence[z3.BoolRef], seconds: float) -> bool:
    """No action takes a state of ``assumed`` to a step that breaks the step property (the always
    property: to a state that breaks it), each answered unsat within ``seconds`` in all."""
    x, y = encoder.state(0), encoder.state(1)
    check = z3.Solver()
    check.set("timeout", max(1, int(seconds * 1000)))
    broken = encoder.predicate(prop, x, y) if prop.kind == "step" else encoder.predicate(prop, y)
    check.add(*assumed, z3.Not(broken))
    for i in range(encoder.n):
        check.push()
        check.add(encoder.disjunct(i, 0))
        answer = check.check()
        check.pop()
        if answer != z3.unsat:
            return False
    return True


#: Seconds the cheap first try (:func:`domain_proof`) may take at most, whatever the timeout.
DOMAIN_SECONDS = 10.0


def domain_proof(
    encoder: Encoder, prop: Property, claim: str, started: float, timeout: float | None = None
) -> Result | None:
    """PROVED when the property needs nothing but the domain, or None (nothing is concluded).

    The cheapest proof, tried before sampling: Houdini on the domain bounds (and, for an
    ``always`` property, the property itself) keeps the greatest inductive subset; the bounds it
    drops are lifted, as in discovery. An ``always`` property in that subset is proved by it; a
    ``step`` property is proved when no action takes a state of it to a step that breaks the
    property. Either way the invariant is re-checked by fresh solvers like every proof. Many
    step properties (what one reconcile may do) hold from every in-domain state, and their proof
    is then a few queries instead of lemma discovery and Spacer.
    """
    t0 = time.perf_counter()
    budget = DOMAIN_SECONDS if timeout is None else min(timeout, DOMAIN_SECONDS)
    x = encoder.state(0)
    caps = bounds(encoder, x)

    def step_kept(assumed: Sequence[z3.BoolRef]) -> bool:
        return kept_by_every_action(encoder, prop, assumed, budget - (time.perf_counter() - t0))

    goal = [encoder.predicate(prop, x)] if prop.kind == "always" else []
    # broken by one step from some in-domain state (of the property): then from a state of every
    # subset of the bounds too, so Houdini would drop the property: refused after one query per action
    if not step_kept(goal + [f for _, f in caps]):
        return None
    alive, _, status = houdini.houdini(encoder, goal + [f for _, f in caps], budget, needed=0 if goal else None)
    if status != "ok" or (goal and 0 not in alive):
        return None
    kept = [caps[j - len(goal)][1] for j in alive if j >= len(goal)]
    lifted = tuple(b for j, (b, _) in enumerate(caps) if j + len(goal) not in alive)
    invariant = z3.And(*goal, *kept)
    if prop.kind == "step" and not step_kept([invariant]):
        return None
    head = f"{prop.name}: {render(encoder, goal[0])}" if goal else f"{prop.name}: every step from a state of the domain"
    texts = (head, f"the domain bounds Houdini kept ({len(kept)} of {len(caps)})")
    how = f"the property over the domain alone (Houdini on its {len(caps)} bounds; {time.perf_counter() - t0:.2f} s)"
    result = _proved(encoder, prop, invariant, " ∧ ".join(texts), claim, "domain", texts, how, started, lifted)
    return result if result.evidence is not None else None


def _proved(
    encoder: Encoder,
    prop: Property,
    invariant: z3.BoolRef,
    text: str,
    claim: str,
    method: str,
    texts: tuple[str, ...],
    how: str,
    started: float,
    lifted: tuple[Bound, ...] = (),
) -> Result:
    """Re-check an invariant with fresh solvers; PROVED (with the :class:`Proof` as evidence) only if
    every check is unsat."""
    rechecked = check_invariant(encoder, prop, invariant, lifted=lifted)
    exact_note = ""
    if not rechecked.ok and not encoder.exact:
        # the linear over-approximation may leave the domain where the model does not: ask the exact relation
        exact = Encoder(encoder.model, encoder.scope, encoder.params, encoder.bounds)
        again = check_invariant(exact, prop, invariant, timeout=60, lifted=lifted)
        if again.ok:
            rechecked, exact_note = again, " (against the exact relation)"
    seconds = time.perf_counter() - started
    if not rechecked.ok:
        if encoder.exact:
            raise EncoderBug(f"the invariant for {prop.name} fails its re-check: {rechecked}")
        stats = Stats(0, 0, 0, seconds, False, "unknown")
        return Result(
            prop,
            Verdict.INCONCLUSIVE,
            encoder.scope,
            ENGINE,
            stats,
            None,
            None,
            f"an invariant was found by {how} but its re-check did not succeed ({rechecked}); not a proof",
        )
    verdict = Verdict.UNREACHABLE if prop.kind == "sometimes" else Verdict.PROVED
    listing = "\n    " + "\n    ".join(texts) if texts else " " + text
    caps = ""
    if lifted:
        caps = (
            f"\n  domain bounds lifted (not shown to be kept; the proof holds for the model without them): "
            f"{', '.join(bound_text(encoder, b) for b in lifted)}"
        )
    note = (
        f"PROVED ({claim}) in {seconds:.2f} s by {how}; inductive invariant:{listing}\n"
        f"  re-checked by fresh solvers{exact_note} in {rechecked.seconds:.2f} s: initiation {rechecked.initiation}, "
        f"consecution (domain kept) {rechecked.consecution}, safety {rechecked.safety}{caps}"
    )
    stats = Stats(0, 0, 0, seconds, True, "proved")
    proof = Proof(invariant, text, rechecked, claim, method, texts, lifted)
    return Result(prop, verdict, encoder.scope, ENGINE, stats, None, None, note, proof)


def eliminate_quantifiers(formula: z3.BoolRef) -> z3.BoolRef:
    """Spacer's interpretations may contain ∃ (projected variables): eliminate them when it can."""
    if not _has_quantifier(formula):
        return formula
    goals = z3.Then("qe", "simplify")(formula)
    result = z3.Or(*[g.as_expr() for g in goals]) if len(goals) != 1 else goals[0].as_expr()
    return formula if _has_quantifier(result) else result


def _has_quantifier(e: z3.ExprRef) -> bool:
    stack, seen = [e], set()
    while stack:
        t = stack.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.is_quantifier(t):
            return True
        stack.extend(t.children())
    return False


# -- rendering an invariant in the model's own field names ----------------------------------


#: Per encoder, its step-0 variables' names (z3's, unquoted) → field labels, built once (printing each
#: variable through z3's printer for every rendered clause was a tenth of a second per proof).
_NAMES: weakref.WeakKeyDictionary[Encoder, dict[str, str]] = weakref.WeakKeyDictionary()


def render(encoder: Encoder, formula: z3.BoolRef) -> str:
    """The invariant as text over field names (``rs_replicas[0] + rs_replicas[1] ≤ replicas + 1``)."""
    names = _NAMES.get(encoder)
    if names is None:
        names = _NAMES[encoder] = {x.decl().name(): v.label for x, v in zip(encoder.state(0), encoder.vars)}
    return _show(z3.simplify(formula), names, top=True)


def _const_name(e: z3.ExprRef) -> str | None:
    """The name of an uninterpreted constant (a state variable), else None."""
    return e.decl().name() if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED else None


_REL = {z3.Z3_OP_LE: "≤", z3.Z3_OP_GE: "≥", z3.Z3_OP_LT: "<", z3.Z3_OP_GT: ">", z3.Z3_OP_EQ: "="}
_FLIP = {"≤": "≥", "≥": "≤", "<": ">", ">": "<", "=": "=", "≠": "≠"}


def _show(e: z3.ExprRef, names: dict[str, str], top: bool = False) -> str:
    if z3.is_true(e):
        return "true"
    if z3.is_false(e):
        return "false"
    if z3.is_and(e):
        parts = [_show(c, names) for c in e.children()]
        return " ∧ ".join(parts) if top else "(" + " ∧ ".join(parts) + ")"
    if z3.is_or(e):
        return "(" + " ∨ ".join(_show(c, names) for c in e.children()) + ")"
    if z3.is_not(e):
        inner = e.children()[0]
        k = inner.decl().kind() if z3.is_app(inner) else None
        if k in (z3.Z3_OP_LE, z3.Z3_OP_GE, z3.Z3_OP_LT, z3.Z3_OP_GT) and z3.is_int(inner.children()[0]):
            neg = {
                z3.Z3_OP_LE: z3.Z3_OP_GT,
                z3.Z3_OP_GE: z3.Z3_OP_LT,
                z3.Z3_OP_LT: z3.Z3_OP_GE,
                z3.Z3_OP_GT: z3.Z3_OP_LE,
            }[k]
            return _relation(_REL[neg], inner.children()[0], inner.children()[1], names)
        if k == z3.Z3_OP_EQ and z3.is_int(inner.children()[0]):
            return _relation("≠", inner.children()[0], inner.children()[1], names)
        return "¬" + _show(inner, names)
    if z3.is_implies(e):
        a, b = e.children()
        return f"({_show(a, names)} ⇒ {_show(b, names)})"
    if z3.is_app(e) and e.decl().kind() in _REL and z3.is_int(e.children()[0]):
        return _relation(_REL[e.decl().kind()], e.children()[0], e.children()[1], names)
    if z3.is_app(e) and e.decl().kind() == z3.Z3_OP_EQ:
        return f"({_show(e.children()[0], names)} = {_show(e.children()[1], names)})"
    name = _const_name(e)
    if name is not None and name in names:
        return names[name]
    return _rename(e.sexpr(), names)


def _relation(op: str, lhs: z3.ExprRef, rhs: z3.ExprRef, names: dict[str, str]) -> str:
    """A linear relation with positive coefficients on each side: ``a + b ≤ c + 2``."""
    lterms: dict[str, int] = {}
    rterms: dict[str, int] = {}
    lconst, rconst = _linear(lhs, 1, lterms, names), _linear(rhs, 1, rterms, names)
    if lconst is None or rconst is None:
        return _rename(f"({op} {lhs.sexpr()} {rhs.sexpr()})", names)
    terms = dict(lterms)
    for k, c in rterms.items():
        terms[k] = terms.get(k, 0) - c
    c0 = rconst - lconst  # Σ terms  op  c0
    if op == "<":  # integers: a < c  ⇔  a ≤ c - 1
        op, c0 = "≤", c0 - 1
    elif op == ">":
        op, c0 = "≥", c0 + 1
    left = [(k, c) for k, c in terms.items() if c > 0]
    right = [(k, -c) for k, c in terms.items() if c < 0]
    if not left and right:
        left, right, c0, op = right, left, -c0, _FLIP[op]
    return f"{_sum(left, max(-c0, 0))} {op} {_sum(right, max(c0, 0))}"


def _sum(terms: list[tuple[str, int]], const: int) -> str:
    parts = [name if c == 1 else f"{c}·{name}" for name, c in sorted(terms)]
    if const or not parts:
        parts.append(str(const))
    return " + ".join(parts)


def _linear(e: z3.ExprRef, scale: int, terms: dict[str, int], names: dict[str, str]) -> int | None:
    """Add scale·e into ``terms``; return the constant part, or None if e is not linear."""
    if z3.is_int_value(e):
        return scale * e.as_long()
    name = _const_name(e)
    if name is not None and name in names:
        key = names[name]
        terms[key] = terms.get(key, 0) + scale
        return 0
    if z3.is_add(e):
        total = 0
        for c in e.children():
            part = _linear(c, scale, terms, names)
            if part is None:
                return None
            total += part
        return total
    if z3.is_sub(e):
        first, *rest = e.children()
        difference = _linear(first, scale, terms, names)
        for c in rest:
            part = _linear(c, -scale, terms, names)
            if difference is None or part is None:
                return None
            difference += part
        return difference
    if z3.is_mul(e) and len(e.children()) == 2 and z3.is_int_value(e.children()[0]):
        return _linear(e.children()[1], scale * e.children()[0].as_long(), terms, names)
    if z3.is_app(e) and e.decl().kind() == z3.Z3_OP_UMINUS:
        return _linear(e.children()[0], -scale, terms, names)
    return None


def _rename(text: str, names: dict[str, str]) -> str:
    for raw, label in sorted(names.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(f"|{raw}|", label).replace(raw, label)
    return text
