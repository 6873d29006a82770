"""Vacuity of a symbolic verdict: can the behaviour a property constrains happen at all?

A PROVED from k-induction or PDR says nothing about the property's
:class:`~kubecheck.model.kernel.property.Trigger` — whether the scale-down a scale-down ordering
speaks about ever happens. That is a safety question of its own, "the trigger never occurs",
asked here of the same encodings (:meth:`kubecheck.checker.task.Task.encoder`) within a small time
cap (:data:`SECONDS`), one part of the trigger at a time, each posed as a property:

* the antecedent ``when``: the ``always`` property "``when`` is false in every reachable state"
  (for a ``step`` property, the ``step`` property "``when`` is false on every real step");
* the commands: the ``always`` property "no action of these commands is enabled" (a command
  fires where one of its actions is enabled: explicit search expands every reachable state).

Each part is searched by BMC first (:mod:`kubecheck.checker.symbolic.bmc`, shortest first, to
:data:`DEPTH` steps, with half the cap; both engines are asked through their ``check(task)``): a
trace where it occurs is replayed through the reference semantics
(:func:`kubecheck.checker.certify.certify_trace`) and the part evaluated again on ints at its last
state or step (a difference is an :class:`EncoderBug`) — it occurred ("a pod creation occurs at
depth 1 (BMC, trace replayed)"). Otherwise PDR decides the same question
(:mod:`kubecheck.checker.symbolic.pdr`): PROVED, an inductive invariant re-checked by fresh
solvers, means the part never occurs — the verdict is vacuous ("… never happens: proved
unreachable by PDR"); a trace PDR returns (by BMC, or by explicit search of a sampled instance,
replayed) is an occurrence too. Anything else — the depth bound, a solver ``unknown``, the cap —
leaves the vacuity unchecked with the reason: never claimed either way.

As in explicit search (:func:`kubecheck.checker.explicit.bfs._vacuity`), the behaviour occurred
when every part occurred (each somewhere), and the verdict is vacuous when one part never does.

**What it covers.** With ``--for-all`` parameters open, a BMC occurrence is at the values the
solver chose, and the reason names them ("with replicas=1"): one value where the behaviour
happens is enough to call a proof for every value non-vacuous. Vacuity for every value needs
PDR's proof with the parameters open, which covers what the verdict's proof covers (the reason
says "for every value of replicas"). ``prove=False`` (instances beyond explicit search, where
the runner does not run PDR; the ordinal reading, whose scope cannot leave ``replicas`` open)
asks BMC only: a part not reached there stays unchecked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import attrs

from kubecheck.checker.certify import EncoderBug
from kubecheck.checker.result import Result, Vacuity, Verdict
from kubecheck.checker.symbolic import bmc, pdr
from kubecheck.checker.symbolic.encoder import EncodingError
from kubecheck.checker.task import Budget, Engine, Task
from kubecheck.model.kernel.commands import Action
from kubecheck.model.kernel.ops import CONCRETE, Ops, Value
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import State
from kubecheck.model.kernel.scopes import Scope, describe, params
from kubecheck.model.kernel.traces import Trace

#: Seconds the vacuity question of one verdict may take at most, for the trigger's parts in turn
#: (each gets what the ones before left; of that BMC takes at most half, PDR the rest).
SECONDS = 10.0
#: BMC's depth bound for the trigger (shallower than a counterexample search: triggers come early).
DEPTH = 12


@attrs.frozen
class Part:
    """One part of a trigger posed as a property whose violation is an occurrence of the part."""

    what: str  # "a pod creation", "a `rollout undo` (user.rollout_undo enabled)"
    never: Property  # "it never occurs": violated exactly where the part occurs
    occurs: Callable[[Trace], bool]  # the part re-evaluated on ints at the trace's last state or step
    firing: bool = False  # a commands part: the command fires one step after the state BMC reaches


def parts(task: Task, prop: Property) -> list[Part] | str:
    """The parts of ``prop``'s trigger in ``task``'s model and scope, or why one cannot be posed. The
    encoding is built only when a commands part has ``for_all`` open (to see its folded actions)."""
    trigger = prop.trigger
    assert trigger is not None
    out = []
    name = f"{prop.name}:trigger"
    when = trigger.when
    if when is not None:

        def never(ops: Ops, sc: Scope, *states: State) -> Value:
            return ops.not_(when(ops, sc, *states))

        def seen(trace: Trace) -> bool:
            states = trace.states
            if prop.kind == "step":
                return len(states) > 1 and bool(when(CONCRETE, trace.scope, states[-2], states[-1]))
            return bool(when(CONCRETE, trace.scope, states[-1]))

        never_when = Property(
            name=name, kind=prop.kind, doc=f"{trigger.what} never happens", upstream="", predicate=never
        )
        out.append(Part(trigger.what, never_when, seen))
    if trigger.commands:
        commands = trigger.commands
        actions: Sequence[Action] = [a for a in task.model.actions(task.scope) if a.name in commands]
        if task.for_all:  # an action whose parameter range grows with them is folded: no one guard to ask
            encoder = task.encoder()
            folded = [a.name for i, a in enumerate(encoder.actions) if a.name in commands and i in encoder.choice_names]
            if folded:
                return f"the actions of {', '.join(dict.fromkeys(folded))} depend on {', '.join(task.for_all)}"

        def disabled(ops: Ops, sc: Scope, s: State) -> Value:
            return ops.not_(ops.or_(*[a.guard(ops, sc, s) for a in actions])) if actions else True

        def enabled(trace: Trace) -> bool:
            model, scope = trace.model, trace.scope
            return any(a.guard(CONCRETE, scope, trace.last) for a in model.actions(scope) if a.name in commands)

        never_fires = Property(
            name=name, kind="always", doc=f"{' or '.join(commands)} never enabled", upstream="", predicate=disabled
        )
        what = f"{' or '.join(commands)} firing" if when is not None else trigger.what
        out.append(Part(what, never_fires, enabled, firing=True))
    return out


def decide(
    task: Task,
    prop: Property,
    seconds: float | None = None,
    prove: bool = True,
    status: Callable[[str], None] | None = None,
) -> Vacuity:
    """Whether ``prop``'s trigger occurs in ``task``'s model and scope (its ``for_all`` open), within
    ``seconds`` (at most :data:`SECONDS`, and that without it); ``prove``: ask PDR for a proof that a
    part never occurs."""
    started = time.perf_counter()
    cap = SECONDS if seconds is None else min(seconds, SECONDS)
    if cap <= 0:
        return Vacuity(False, False, "not checked: no time left")
    try:
        posed = parts(task, prop)
    except EncodingError as err:
        return Vacuity(False, False, f"not checked: {err}")
    if isinstance(posed, str):
        return Vacuity(False, False, f"not checked: {posed}")
    occurred: list[str] = []
    never: list[str] = []
    open_: list[str] = []
    for part in posed:
        found, why = _part(task, part, cap - (time.perf_counter() - started), prove, status)
        (occurred if found is True else never if found is False else open_).append(why)
        if found is False:  # one part that never occurs makes the verdict vacuous: the others cannot change it
            break
    if never:
        return Vacuity(True, False, "; ".join(never))
    if not open_:
        return Vacuity(True, True, "; ".join(occurred))
    return Vacuity(False, False, "not checked: " + "; ".join(open_))


def _ask(
    engine: Engine, task: Task, never: Property, seconds: float, depth: int | None, say: Callable[[str], None]
) -> Result:
    """One engine on the part's property, through the engine contract (``check(task)``), within ``seconds``."""
    step = attrs.evolve(task, properties=(never,), budget=Budget(timeout=seconds), depth=depth, status=say)
    [result] = engine.check(step)
    return result


def _part(
    task: Task, part: Part, seconds: float, prove: bool, status: Callable[[str], None] | None
) -> tuple[bool | None, str]:
    """(True: it occurs, False: proved never to, None: undecided; the reason in words)."""
    started = time.perf_counter()

    def say(what: str) -> None:
        if status is not None:
            status(f"vacuity: {what}")

    if seconds <= 0.1:
        return None, f"{part.what}: no time left"
    try:
        reached = _ask(bmc, task, part.never, seconds / 2 if prove else seconds, DEPTH, say)
    except EncodingError as err:
        return None, f"{part.what}: {err}"
    if reached.verdict is Verdict.VIOLATED and reached.trace is not None:
        return True, _occurs(part, reached.trace, reached.stats.depth, "BMC", task)
    bound = reached.stats.stop_reason == "bound"
    searched = f"not reached within depth {DEPTH} by BMC" if bound else "not reached by BMC in its time"
    if not prove:
        return None, f"{part.what} {searched}"
    left = seconds - (time.perf_counter() - started)
    if left <= 0.1:
        return None, f"{part.what} {searched}, no time left for PDR"
    try:
        result = _ask(pdr, task, part.never, left, None, say)
    except EncodingError as err:
        return None, f"{part.what} {searched}; PDR: {err}"
    if result.verdict is Verdict.PROVED:
        where = "" if not task.for_all else f" for every value of {_open(task)}"
        return False, f"{part.what} never happens{where}: proved unreachable by PDR"
    if result.verdict is Verdict.VIOLATED and result.trace is not None:
        return True, _occurs(part, result.trace, len(result.trace.steps), "PDR", task)
    return None, f"{part.what} {searched} nor proved unreachable by PDR ({result.stats.stop_reason})"


def _occurs(part: Part, trace: Trace, depth: int, how: str, task: Task) -> str:
    """The reason for an occurrence found at ``depth`` (the trace replayed already), after checking the
    part on ints at the trace's end: a difference is an encoder bug."""
    if not part.occurs(trace):
        raise EncoderBug(f"{how}'s trace for the trigger of {part.never.name} does not show it when replayed")
    at = depth + 1 if part.firing else depth
    values = ""
    if task.for_all:
        shown = dict(describe(trace.scope))
        cli = _cli(trace.scope)
        values = " with " + " ".join(f"{cli[n]}={shown[cli[n]]}" for n in task.for_all)
    return f"{part.what} occurs at depth {at}{values} ({how}, trace replayed)"


def _cli(scope: Scope) -> dict[str, str]:
    return {name: info.cli for name, info in params(type(scope))}


def _open(task: Task) -> str:
    """The ``for_all`` parameters by their command-line names, with the user's bounds: "replicas 1..20"."""
    cli = _cli(task.scope)
    out = []
    for name in task.for_all:
        lo, hi = task.bounds.get(name, (None, None))
        span = "" if lo is None and hi is None else f" {'' if lo is None else lo}..{'' if hi is None else hi}"
        out.append(cli[name] + span)
    return ", ".join(out)
