"""A trace as text: the initial state, then one block per step with only what changed.

The wording comes from a *describer*: model-specific ones speak Kubernetes
(:mod:`kubecheck.cli.describe_deployment`, :mod:`kubecheck.cli.describe_statefulset`,
:mod:`kubecheck.cli.describe_daemonset`);
:class:`GenericDescriber` speaks the schema's field docs and serves every other model. A
describer has four methods, and may have a fifth:

* ``legend()`` — lines explaining the vocabulary (may be empty);
* ``initial(state)`` — lines describing the initial state;
* ``action(action)`` — the action as a reader names it, without the actor;
* ``changes(before, after, changed)`` — lines describing one step's changed fields;
* ``user_command(action)`` (optional) — a user action or fault as a person would type or see it
  (``kubectl delete pod web-1``), for the end of a liveness counterexample: the actions that
  could have ended the wait but that fairness never requires.

A liveness counterexample ends in a loop or in a *stutter*: a state where no controller,
kubelet or scheduler action is enabled, so the run stays there for ever (the engine marks it as
a loop back to the last state). Both endings name the user actions and faults that nobody takes.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from typing import Protocol

from kubecheck.cli import text
from kubecheck.cli.describe_daemonset import DaemonSetDescriber
from kubecheck.cli.describe_deployment import DeploymentDescriber
from kubecheck.cli.describe_statefulset import StatefulSetDescriber
from kubecheck.model.kernel.commands import Action, Model, enabled
from kubecheck.model.kernel.ops import CONCRETE, Value
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import State
from kubecheck.model.kernel.scopes import Scope, describe
from kubecheck.model.kernel.traces import Trace

#: A step's changed fields: field -> (value before, value after).
Changed = dict[str, tuple[object, object]]


class Describer(Protocol):
    """What a trace's text asks of a model's describer (see the module docstring)."""

    def legend(self) -> list[str]: ...

    def initial(self, state: State) -> list[str]: ...

    def action(self, action: Action) -> str: ...

    def changes(self, before: State, after: State, changed: Changed) -> list[str]: ...


class GenericDescriber:
    """Field docs and values, for models without Kubernetes wording of their own."""

    def __init__(self, model: Model, scope: Scope):
        self.schema = model.schema(scope)

    def _name(self, field: str) -> str:
        doc = self.schema.docs.get(field) or ""
        return f"{doc} ({field})" if doc else field

    def legend(self) -> list[str]:
        return []

    def initial(self, state: State) -> list[str]:
        return [f"{self._name(f)} = {text.value(getattr(state, f))}" for f in self.schema.fields]

    def action(self, action: Action) -> str:
        return action.label.split(".", 1)[1]

    def changes(self, before: State, after: State, changed: Changed) -> list[str]:
        lines = []
        for field, (a, b) in changed.items():
            if isinstance(a, tuple) and isinstance(b, tuple):
                parts = [f"[{i}] {text.change(x, y)}" for i, (x, y) in enumerate(zip(a, b)) if x != y]
                lines.append(f"{self._name(field)} {', '.join(parts)}")
            else:
                lines.append(f"{self._name(field)} {text.change(a, b)}")
        return lines


#: The models that have Kubernetes words of their own, by model name.
DESCRIBERS: dict[str, Callable[[Model, Scope], Describer]] = {
    "deployment": DeploymentDescriber,
    "statefulset": StatefulSetDescriber,
    "daemonset": DaemonSetDescriber,
}


def describer(model: Model, scope: Scope) -> Describer:
    """The model's own describer, or the generic one."""
    return DESCRIBERS.get(model.name, GenericDescriber)(model, scope)


def legend(trace: Trace, indent: str = "  ") -> list[str]:
    """The describer's vocabulary for the trace's model (e.g. the Deployment's pod phases; may be empty)."""
    return [indent + line for line in describer(trace.model, trace.scope).legend()]


def steps(trace: Trace, indent: str = "  ", with_legend: bool = True) -> list[str]:
    """The initial state and every step (actor, action, changed fields), numbered; the legend
    first unless ``with_legend`` is False (a report that prints it once)."""
    d = describer(trace.model, trace.scope)
    width = len(str(len(trace.steps)))
    body = indent + " " * (width + 2)
    lines = legend(trace, indent) if with_legend else []
    lines.append(f"{indent}{'0'.rjust(width)}  initial state")
    lines += [body + line for line in d.initial(trace.initial)]
    states = trace.states
    for i, step in enumerate(trace.steps, start=1):
        lines.append(f"{indent}{str(i).rjust(width)}  [{step.action.actor}] {d.action(step.action)}")
        described = d.changes(states[i - 1], step.state, dict(step.changes))
        lines += [body + line for line in described] or [body + "(no visible change)"]
    if trace.loop is not None:
        lines.append(f"{indent}{' ' * width}  ↺ {_ending(trace)}")
    return lines


def _state_name(i: int) -> str:
    return f"step {i}" if i else "the initial state"


def _after(i: int) -> str:
    return f"the state after step {i}" if i else "the initial state"


def is_stutter(trace: Trace) -> bool:
    """The run ends by staying in its last state (no loop, or the engine's loop back to the last state)."""
    return trace.loop is None or trace.loop == len(trace.steps)


def _ending(trace: Trace) -> str:
    """How a liveness counterexample goes on for ever (short: the marker under the steps)."""
    if is_stutter(trace):
        return "stays here for ever: no controller, kubelet or scheduler action is enabled"
    assert trace.loop is not None  # not a stutter: a loop
    return f"loops back to {_after(trace.loop)} for ever"


def idle_actions(trace: Trace) -> list[Action]:
    """User actions and faults that could go on from the run's end, and that nobody takes.

    A stutter: those enabled in the last state. A loop: those enabled in every state of the loop
    and never taken on it.
    """
    model, scope = trace.model, trace.scope
    if is_stutter(trace):
        return [a for a in enabled(model, scope, trace.last) if a.command.kind != "system"]
    taken = {s.action for s in trace.steps[trace.loop :]}
    common: list[Action] | None = None
    for state in trace.states[trace.loop : -1]:
        here = [a for a in enabled(model, scope, state) if a.command.kind != "system" and a not in taken]
        common = here if common is None else [a for a in common if a in here]
    return common or []


def _idle_words(trace: Trace) -> str:
    d = describer(trace.model, trace.scope)
    words = getattr(d, "user_command", None)
    return ", ".join(words(a) if words is not None else a.label for a in idle_actions(trace))


def ending(trace: Trace) -> str:
    """How a liveness counterexample goes on for ever."""
    if is_stutter(trace):
        return (
            f"stays in {_after(len(trace.steps))} for ever (no controller, kubelet or scheduler action is "
            "enabled there)"
        )
    assert trace.loop is not None  # not a stutter: a loop
    return f"loops back to {_after(trace.loop)} for ever"


def nobody_takes(trace: Trace) -> str:
    """A sentence naming the user actions and faults that could follow but that nobody takes ("" if none)."""
    idle = _idle_words(trace)
    if not idle:
        return ""
    if is_stutter(trace):
        return f"Only user actions or faults could follow, and fairness requires none of them: {idle}."
    return f"Nobody takes {idle}, enabled all along the loop: fairness requires no user action or fault."


def _holds(pred: Callable[..., Value], trace: Trace, state: State) -> bool:
    return bool(pred(CONCRETE, trace.scope, state))


def conclusion(prop: Property, verdict: str, trace: Trace) -> str:
    """What the last state shows: the property's values there (Property.explain)."""
    n = len(trace.steps)
    where = f"at step {n}" if n else "in the initial state"
    explain = prop.explain(trace.scope, trace.last) if prop.explain is not None else ""
    if prop.is_liveness:
        if prop.kind == "eventually":
            head = f"the run {ending(trace)}, and the property never holds"
        else:
            start = next((i for i, s in enumerate(trace.states) if _holds(prop.predicate, trace, s)), None)
            at = f"at {_state_name(start)}" if start is not None else "nowhere (?)"
            head = f"the condition holds {at}; the run then {ending(trace)}, and the target never holds"
        head = f"{head}: {explain}" if explain else head
        idle = nobody_takes(trace)
        return f"{head}. {idle}" if idle else head
    if prop.kind == "sometimes":
        head = f"reached {where}"
    elif prop.kind == "terminal":
        head = f"stuck {where}: nothing more can happen, and the property fails there"
    elif prop.kind == "step":
        head = f"violated by step {n}"
    else:
        head = f"violated {where}"
    return f"{head}: {explain}" if explain else head


def property_lines(prop: Property, indent: str = "  ") -> list[str]:
    """The property's doc and, for liveness, the fairness it assumes, wrapped to the page width."""
    lines = text.wrap_text(prop.doc, text.WIDTH, indent)
    if getattr(prop, "fairness", ""):
        lines += text.wrap_text(prop.fairness, text.WIDTH, f"{indent}assuming ", indent + " " * 9)
    return lines


def conclusion_lines(prop: Property, verdict: str, trace: Trace, indent: str = "  ", label: str = "") -> list[str]:
    """The conclusion as ``⇒ …`` (``⇒ label: …`` when a label is given) wrapped to the page width."""
    said = conclusion(prop, verdict, trace)
    return text.wrap_text(f"{label}: {said}" if label else said, text.WIDTH, f"{indent}⇒ ", indent + "  ")


def evaluate(prop: Property, trace: Trace) -> bool:
    """Whether the trace shows what a VIOLATED/WITNESSED verdict on ``prop`` claims."""
    scope, last = trace.scope, trace.last
    if prop.kind == "sometimes":
        return bool(prop.predicate(CONCRETE, scope, last))
    if prop.kind == "always":
        return not prop.predicate(CONCRETE, scope, last)
    if prop.kind == "step":
        return bool(trace.steps) and not prop.predicate(CONCRETE, scope, trace.states[-2], last)
    if prop.kind == "terminal":
        return not enabled(trace.model, scope, last) and not prop.predicate(CONCRETE, scope, last)
    if prop.kind in ("eventually", "leads_to"):
        return _shows_lasso(prop, trace)
    return False


def _shows_lasso(prop: Property, trace: Trace) -> bool:
    """A liveness counterexample's shape: the goal never holds on the path and its loop.

    Fairness of the loop is not re-checked here (the engine's certification does that).
    """
    states = trace.states
    if is_stutter(trace):
        # the run stutters in its last state: no system action may be left enabled there
        if any(a.command.kind == "system" for a in enabled(trace.model, trace.scope, trace.last)):
            return False
        cycle = states[-1:]
    else:
        cycle = states[trace.loop :]
    if prop.kind == "eventually":
        return not any(_holds(prop.predicate, trace, s) for s in states)
    target = prop.target
    assert target is not None  # leads_to: Property requires its target
    for i, s in enumerate(states):
        if _holds(prop.predicate, trace, s) and not any(_holds(target, trace, t) for t in states[i:] + cycle):
            return True
    return False


def scope_changes(scope: Scope, preset_scope: Scope) -> list[tuple[str, str]]:
    """(cli name, value) of the parameters where ``scope`` differs from the preset's."""
    base = dict(describe(preset_scope))
    return [(k, v) for k, v in describe(scope) if base.get(k) != v]


def nearest_preset(model: Model, scope: Scope) -> str:
    """The preset a scope differs least from (ties: small, then table order)."""
    names = sorted(model.presets, key=lambda n: (len(scope_changes(scope, model.presets[n])), n != "small"))
    return names[0]


def check_command(model: Model, properties: Sequence[str], preset: str, changes: Sequence[tuple[str, str]]) -> str:
    """The ``kubecheck check`` command line that reproduces a run."""
    words = ["kubecheck", "check", model.name, *properties, "--scope", preset]
    for k, v in changes:
        words += ["--set", f"{k}={v}"]
    return " ".join(shlex.quote(w) for w in words)


def reproduce(
    model: Model,
    prop: Property | Sequence[Property],
    preset: str,
    changes: Sequence[tuple[str, str]],
    indent: str = "  ",
    extra: Sequence[str] = (),
) -> list[str]:
    """The reproduce line (of one property, or of several that one run breaks) and how to save and
    replay the trace; ``extra``: engine flags the run needs (a swarm's ``--engine swarm --walks …``)."""
    props = [prop] if isinstance(prop, Property) else list(prop)
    cmd = " ".join([check_command(model, [p.name for p in props], preset, changes), *map(shlex.quote, extra)])
    return [
        f"{indent}reproduce: {cmd}",
        f"{indent}save:      {cmd} --format json --out trace.json",
        f"{indent}replay:    kubecheck replay trace.json",
    ]
