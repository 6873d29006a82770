"""Traces: steps with diffs, replayed through the reference semantics; JSON and ITF forms.

A :class:`Trace` is an initial state and a list of :class:`Step` (the action taken, its actor,
the resulting state and the fields that changed), with an optional ``loop`` index for lassos
(the state the last state loops back to). Traces are only ever built by :func:`replay`, which
re-executes actions with the reference interpreter and refuses a step whose guard is false, so
every trace printed is a real execution of the model.

Two serialisations:

* JSON (``kubecheck.trace/1``), documented in ``docs/trace-format.md``: model, scope settings,
  the property and its verdict, the initial state and each step's action and changed fields;
* ITF, the Informal Trace Format of Apalache and Quint (ADR-015): every state in full, integers
  as ``{"#bigint": "3"}``, the action in each state's ``#meta`` and in ``mbt::actionTaken``.

Both are read back by :func:`load`, which rebuilds the scope and replays the actions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from kubecheck.model.kernel.commands import Action, Model, apply, find_action
from kubecheck.model.kernel.ops import Value
from kubecheck.model.kernel.schema import State
from kubecheck.model.kernel.scopes import Scope, ScopeError, describe, with_settings

JSON_FORMAT = "kubecheck.trace/1"
ITF_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html"

#: A JSON value as ``json.loads`` returns it: any shape until the reader has checked it.
Json = Any


class TraceError(ValueError):
    """A trace that does not replay or cannot be read; the message is one line for the user."""


@attrs.frozen
class Step:
    action: Action
    state: State
    changes: Mapping[str, tuple[Value, Value]]


@attrs.frozen
class Trace:
    model: Model
    scope: Scope
    initial: State
    steps: tuple[Step, ...]
    loop: int | None = None

    @property
    def states(self) -> list[State]:
        return [self.initial] + [s.state for s in self.steps]

    @property
    def last(self) -> State:
        return self.steps[-1].state if self.steps else self.initial

    def labels(self) -> list[str]:
        return [s.action.label for s in self.steps]


def replay(model: Model, scope: Scope, labels: Iterable[str], loop: int | None = None) -> Trace:
    """Re-execute actions (by label) from the initial state; TraceError if one is not enabled."""
    actions = model.actions(scope)
    schema = model.schema(scope)
    state = model.init(scope)
    steps = []
    for i, label in enumerate(labels, start=1):
        try:
            action = find_action(actions, label)
        except KeyError:
            raise TraceError(f"step {i}: {label!r} is not an action of model {model.name} in this scope") from None
        nxt = apply(action, scope, state)
        if nxt is None:
            raise TraceError(f"step {i}: {label} is not enabled in the state before it")
        bad = schema.out_of_domain(nxt)
        if bad:
            raise TraceError(f"step {i}: {label} leaves the declared domains: {'; '.join(bad)}")
        steps.append(Step(action, nxt, schema.diff(state, nxt)))
        state = nxt
    if loop is not None and not 0 <= loop <= len(steps):
        raise TraceError(f"loop index {loop} is outside the trace (0..{len(steps)})")
    return Trace(model, scope, model.init(scope), tuple(steps), loop)


def _value(v: Value) -> Value:
    return list(v) if isinstance(v, tuple) else v


def to_json(trace: Trace, extra: Mapping[str, Json] | None = None) -> dict[str, Json]:
    """The trace as a ``kubecheck.trace/1`` document."""
    schema = trace.model.schema(trace.scope)
    doc: dict[str, Json] = {
        "format": JSON_FORMAT,
        "model": trace.model.name,
        "kubernetes": trace.model.kubernetes,
        "scope": dict(describe(trace.scope)),
    }
    doc.update(extra or {})
    doc["initial"] = {f: _value(getattr(trace.initial, f)) for f in schema.fields}
    doc["steps"] = [
        {
            "index": i,
            "action": step.action.label,
            "actor": step.action.actor,
            "kind": step.action.command.kind,
            "changes": {f: [_value(a), _value(b)] for f, (a, b) in step.changes.items()},
        }
        for i, step in enumerate(trace.steps, start=1)
    ]
    doc["loop"] = trace.loop
    return doc


def _itf(v: Json) -> Json:
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return {"#bigint": str(v)}
    if isinstance(v, tuple):
        return [_itf(x) for x in v]
    return v


def _from_itf(v: Json) -> Json:
    if isinstance(v, dict) and "#bigint" in v:
        return int(v["#bigint"])
    if isinstance(v, list):
        return tuple(_from_itf(x) for x in v)
    return v


def to_itf(trace: Trace, extra: Mapping[str, Json] | None = None) -> dict[str, Json]:
    """The trace in the Informal Trace Format (ADR-015)."""
    schema = trace.model.schema(trace.scope)
    meta = {
        "format": "ITF",
        "format-description": ITF_DESCRIPTION,
        "source": f"kubecheck {trace.model.name}",
        "model": trace.model.name,
        "kubernetes": trace.model.kubernetes,
        "scope": dict(describe(trace.scope)),
    }
    meta.update(extra or {})
    states = []
    labels = ["init"] + trace.labels()
    for i, state in enumerate(trace.states):
        item: dict[str, Json] = {"#meta": {"index": i, "action": labels[i]}}
        if i:
            item["#meta"]["actor"] = trace.steps[i - 1].action.actor
        for f in schema.fields:
            item[f] = _itf(getattr(state, f))
        item["mbt::actionTaken"] = labels[i]
        states.append(item)
    doc: dict[str, Json] = {"#meta": meta, "vars": list(schema.fields) + ["mbt::actionTaken"], "states": states}
    if trace.loop is not None:
        doc["loop"] = trace.loop
    return doc


def dumps(doc: Mapping[str, Json]) -> str:
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


def load(text: str, models: Mapping[str, Model]) -> tuple[Trace, dict[str, Json]]:
    """Read a JSON or ITF trace and replay it; returns the trace and the document's metadata."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise TraceError(f"not a JSON document: {err}") from None
    if not isinstance(doc, dict):
        raise TraceError(f"expected a JSON object at the top level, got {type(doc).__name__}")
    is_itf = "states" in doc and "#meta" in doc
    meta = doc["#meta"] if is_itf else doc
    if not isinstance(meta, dict):
        raise TraceError("field #meta: expected an object")
    if not is_itf and doc.get("format") != JSON_FORMAT:
        raise TraceError(f"field format: expected {JSON_FORMAT!r} or an ITF document, got {doc.get('format')!r}")
    name = meta.get("model")
    if not isinstance(name, str) or name not in models:
        raise TraceError(f"field model: expected one of {', '.join(sorted(models))}, got {name!r}")
    model = models[name]
    settings = meta.get("scope")
    if not isinstance(settings, dict):
        raise TraceError("field scope: expected an object of parameter settings")
    try:
        scope = with_settings(model.presets["small"], {str(k): str(v) for k, v in settings.items()})
    except ScopeError as err:
        raise TraceError(f"field scope: {err}") from None
    if is_itf:
        labels, loop = _itf_labels(doc, model, scope)
    else:
        steps = doc.get("steps")
        if not isinstance(steps, list) or not all(
            isinstance(s, dict) and isinstance(s.get("action"), str) for s in steps
        ):
            raise TraceError("field steps: expected a list of objects with an 'action' string")
        labels = [s["action"] for s in steps]
        loop = doc.get("loop")
        if loop is not None and not isinstance(loop, int):
            raise TraceError(f"field loop: expected an integer or null, got {loop!r}")
    trace = replay(model, scope, labels, loop)
    if is_itf:
        _check_itf_states(doc, trace)
    return trace, meta


def _itf_labels(doc: dict[str, Json], model: Model, scope: Scope) -> tuple[list[str], int | None]:
    states = doc.get("states")
    if not isinstance(states, list) or not states:
        raise TraceError("field states: expected a non-empty list")
    labels = []
    for i, st in enumerate(states[1:], start=1):
        label = st.get("mbt::actionTaken") if isinstance(st, dict) else None
        if not isinstance(label, str):
            raise TraceError(f"states[{i}]: expected 'mbt::actionTaken' naming the action")
        labels.append(label)
    loop = doc.get("loop")
    if loop is not None and not isinstance(loop, int):
        raise TraceError(f"field loop: expected an integer, got {loop!r}")
    return labels, loop


def _check_itf_states(doc: dict[str, Json], trace: Trace) -> None:
    schema = trace.model.schema(trace.scope)
    for i, (st, state) in enumerate(zip(doc["states"], trace.states)):
        for f in schema.fields:
            if f in st and _from_itf(st[f]) != getattr(state, f):
                raise TraceError(
                    f"states[{i}].{f}: the file says {_from_itf(st[f])!r}, the model computes {getattr(state, f)!r}"
                )
