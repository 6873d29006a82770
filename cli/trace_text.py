"""A trace as text: the initial state, then one block per step with only what changed.

The wording comes from a *describer*: model-specific ones speak Kubernetes
(:mod:`kubecheck.cli.describe_deployment`); :class:`GenericDescriber` speaks the schema's field
docs and serves every other model. A describer has four methods:

* ``legend()`` — lines explaining the vocabulary (may be empty);
* ``initial(state)`` — lines describing the initial state;
* ``action(action)`` — the action as a reader names it, without the actor;
* ``changes(before, after, changed)`` — lines describing one step's changed fields.
"""

from __future__ import annotations

import shlex
from typing import Any, Sequence

from kubecheck.cli import text
from kubecheck.cli.describe_deployment import DeploymentDescriber
from kubecheck.model.kernel.commands import Action, enabled
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import describe
from kubecheck.model.kernel.traces import Trace


class GenericDescriber:
    """Field docs and values, for models without Kubernetes wording of their own."""

    def __init__(self, model: Any, scope: Any):
        self.schema = model.schema(scope)

    def _name(self, field: str) -> str:
        doc = self.schema.docs.get(field) or ""
        return f"{doc} ({field})" if doc else field

    def legend(self) -> list[str]:
        return []

    def initial(self, state: Any) -> list[str]:
        return [f"{self._name(f)} = {text.value(getattr(state, f))}" for f in self.schema.fields]

    def action(self, action: Action) -> str:
        return action.label.split(".", 1)[1]

    def changes(self, before: Any, after: Any, changed: dict[str, tuple[Any, Any]]) -> list[str]:
        lines = []
        for field, (a, b) in changed.items():
            if isinstance(a, tuple):
                parts = [f"[{i}] {text.change(x, y)}" for i, (x, y) in enumerate(zip(a, b)) if x != y]
                lines.append(f"{self._name(field)} {', '.join(parts)}")
            else:
                lines.append(f"{self._name(field)} {text.change(a, b)}")
        return lines


DESCRIBERS = {"deployment": DeploymentDescriber}


def describer(model: Any, scope: Any) -> Any:
    """The model's own describer, or the generic one."""
    return DESCRIBERS.get(model.name, GenericDescriber)(model, scope)


def steps(trace: Trace, indent: str = "  ") -> list[str]:
    """The initial state and every step (actor, action, changed fields), numbered."""
    d = describer(trace.model, trace.scope)
    width = len(str(len(trace.steps)))
    body = indent + " " * (width + 2)
    lines = [indent + line for line in d.legend()]
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


def _ending(trace: Trace) -> str:
    """How a liveness counterexample goes on for ever."""
    if trace.loop is None:
        return (f"stops after {_state_name(len(trace.steps))}: only user actions or faults could follow, "
                "and none is required to happen")
    back = f"the state after step {trace.loop}" if trace.loop else "the initial state"
    return f"loops back to {back} for ever"


def _holds(pred: Any, trace: Trace, state: Any) -> bool:
    return bool(pred(CONCRETE, trace.scope, state))


def conclusion(prop: Any, verdict: str, trace: Trace) -> str:
    """What the last state shows: the property's values there (Property.explain)."""
    n = len(trace.steps)
    where = f"at step {n}" if n else "in the initial state"
    explain = prop.explain(trace.scope, trace.last) if prop.explain is not None else ""
    if prop.kind == "eventually":
        return f"the run {_ending(trace)}, and the property never holds"
    if prop.kind == "leads_to":
        start = next((i for i, s in enumerate(trace.states) if _holds(prop.predicate, trace, s)), None)
        at = f"at {_state_name(start)}" if start is not None else "nowhere (?)"
        return f"the condition holds {at}; the run then {_ending(trace)}, and the target never holds"
    if prop.kind == "sometimes":
        head = f"reached {where}"
    elif prop.kind == "terminal":
        head = f"stuck {where}: nothing more can happen, and the property fails there"
    elif prop.kind == "step":
        head = f"violated by step {n}"
    else:
        head = f"violated {where}"
    return f"{head}: {explain}" if explain else head


def evaluate(prop: Any, trace: Trace) -> bool:
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


def _shows_lasso(prop: Any, trace: Trace) -> bool:
    """A liveness counterexample's shape: the goal never holds on the path and its loop.

    Fairness of the loop is not re-checked here (the engine's certification does that).
    """
    states = trace.states
    if trace.loop is None:
        # the run stutters in its last state: no system action may be left enabled there
        if any(a.command.kind == "system" for a in enabled(trace.model, trace.scope, trace.last)):
            return False
        cycle = states[-1:]
    else:
        cycle = states[trace.loop:]
    if prop.kind == "eventually":
        return not any(_holds(prop.predicate, trace, s) for s in states)
    for i, s in enumerate(states):
        if _holds(prop.predicate, trace, s) and not any(_holds(prop.target, trace, t) for t in states[i:] + cycle):
            return True
    return False


def scope_changes(scope: Any, preset_scope: Any) -> list[tuple[str, str]]:
    """(cli name, value) of the parameters where ``scope`` differs from the preset's."""
    base = dict(describe(preset_scope))
    return [(k, v) for k, v in describe(scope) if base.get(k) != v]


def nearest_preset(model: Any, scope: Any) -> str:
    """The preset a scope differs least from (ties: small, then table order)."""
    names = sorted(model.presets, key=lambda n: (len(scope_changes(scope, model.presets[n])), n != "small"))
    return names[0]


def check_command(model: Any, properties: Sequence[str], preset: str, changes: Sequence[tuple[str, str]]) -> str:
    """The ``kubecheck check`` command line that reproduces a run."""
    words = ["kubecheck", "check", model.name, *properties, "--scope", preset]
    for k, v in changes:
        words += ["--set", f"{k}={v}"]
    return " ".join(shlex.quote(w) for w in words)


def reproduce(model: Any, prop: Any, preset: str, changes: Sequence[tuple[str, str]], indent: str = "  ") -> list[str]:
    """The reproduce line and how to save and replay the trace."""
    cmd = check_command(model, [prop.name], preset, changes)
    return [
        f"{indent}reproduce: {cmd}",
        f"{indent}save:      {cmd} --format json --out trace.json",
        f"{indent}replay:    kubecheck replay trace.json",
    ]
