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

Both are read back by :func:`load`, which rebuilds the scope, replays the actions and compares
every recorded field with the re-run: TraceError for a file that cannot be read as a trace (its
message names the field, what was expected and what came), :class:`TraceMismatch` for a
well-formed trace the model does not reproduce.
"""

from __future__ import annotations

import json
import re
import sys
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


class TraceMismatch(TraceError):
    """A well-formed trace the re-run does not reproduce: a step is not enabled, or a recorded
    state, change, scope or claim differs from what the model computes."""


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
            raise TraceMismatch(f"step {i}: {label!r} is not an action of model {model.name} in this scope") from None
        nxt = apply(action, scope, state)
        if nxt is None:
            raise TraceMismatch(f"step {i}: {label} is not enabled in the state before it")
        bad = schema.out_of_domain(nxt)
        if bad:
            raise TraceMismatch(f"step {i}: {label} leaves the declared domains: {'; '.join(bad)}")
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


MAX_DIGITS = 30
"""The longest integer a trace may hold: every domain of every model is far smaller."""

_BIGINT = re.compile(r"-?[0-9]+")


def parse_json(text: str) -> Json:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise TraceError(f"not a JSON document: {err}") from None
    except ValueError:  # an integer literal beyond Python's digit limit
        limit = sys.get_int_max_str_digits()
        raise TraceError(f"not a JSON document kubecheck reads: a number has more than {limit} digits") from None
    except RecursionError:
        raise TraceError("not a JSON document kubecheck reads: nested too deeply") from None


def _kind(v: Json) -> str:
    """What a JSON value is, for messages."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return f"the number {v!r}"
    if isinstance(v, str):
        return f"the string {_short(v)}"
    if isinstance(v, list):
        return f"an array of {len(v)}"
    return "an object"


def _short(v: Json) -> str:
    text = json.dumps(v)
    return text if len(text) <= 80 else text[:77] + "..."


def _int(where: str, v: Json, itf: bool) -> int:
    if itf and isinstance(v, dict):
        if set(v) != {"#bigint"}:
            raise TraceError(f'{where}: expected {{"#bigint": "<decimal>"}}, got an object with keys {sorted(v)}')
        raw = v["#bigint"]
        if not isinstance(raw, str) or not _BIGINT.fullmatch(raw):
            raise TraceError(f"{where}: expected #bigint to be a decimal integer string, got {_short(raw)}")
        if len(raw.lstrip("-")) > MAX_DIGITS:
            raise TraceError(
                f"{where}: expected an integer of at most {MAX_DIGITS} digits, got one of {len(raw.lstrip('-'))}"
            )
        return int(raw)
    if isinstance(v, int) and not isinstance(v, bool):
        if len(str(abs(v))) > MAX_DIGITS:
            raise TraceError(
                f"{where}: expected an integer of at most {MAX_DIGITS} digits, got one of {len(str(abs(v)))}"
            )
        return v
    expected = '{"#bigint": "<decimal>"}' if itf else "an integer"
    raise TraceError(f"{where}: expected {expected}, got {_kind(v)}")


def _decode(where: str, like: Value, v: Json, itf: bool) -> Value:
    """A JSON value read as a value of the same type and length as ``like`` (the model's)."""
    if isinstance(like, bool):
        if not isinstance(v, bool):
            raise TraceError(f"{where}: expected a boolean, got {_kind(v)}")
        return v
    if isinstance(like, int):
        return _int(where, v, itf)
    if isinstance(like, tuple):
        if not isinstance(v, list) or len(v) != len(like):
            raise TraceError(f"{where}: expected an array of {len(like)}, got {_kind(v)}")
        return tuple(_decode(f"{where}[{j}]", x, y, itf) for j, (x, y) in enumerate(zip(like, v)))
    if not isinstance(v, type(like)):
        raise TraceError(f"{where}: expected {_kind(like)}, got {_kind(v)}")
    return v


def _like(where: str, like: int | str, v: Json) -> Json:
    """``v`` if it is an integer (not a boolean) or a string as ``like`` is; TraceError otherwise."""
    if isinstance(like, int) and (isinstance(v, bool) or not isinstance(v, int)):
        raise TraceError(f"{where}: expected an integer, got {_kind(v)}")
    if isinstance(like, str) and not isinstance(v, str):
        raise TraceError(f"{where}: expected a string, got {_kind(v)}")
    return v


def _same(a: Value, b: Value) -> bool:
    """Equal and of the same types (``True`` is not ``1`` here)."""
    return json.dumps(_plain(a)) == json.dumps(_plain(b))


def _plain(v: Value) -> Json:
    return [_plain(x) for x in v] if isinstance(v, tuple) else v


def _object(where: str, v: Json) -> dict[str, Json]:
    if not isinstance(v, dict):
        raise TraceError(f"{where}: expected an object, got {_kind(v)}")
    return v


def _string(where: str, v: Json) -> str:
    if not isinstance(v, str):
        raise TraceError(f"{where}: expected a string, got {_kind(v)}")
    return v


def _need(where: str, doc: dict[str, Json], key: str) -> Json:
    if key not in doc:
        raise TraceError(f"{where}: missing key {key!r}" if where else f"missing key {key!r}")
    return doc[key]


def load(text: str, models: Mapping[str, Model]) -> tuple[Trace, dict[str, Json]]:
    """Read a JSON or ITF trace, replay it and compare every recorded field with the re-run.

    TraceError (exit 2) for what cannot be read: bad JSON, shapes, types, numbers, missing keys.
    TraceMismatch when the re-run differs from what the file records. A trace without steps is
    read here; whether it may have none is the claim's business (:mod:`kubecheck.cli.replay_text`).
    """
    doc = parse_json(text)
    if not isinstance(doc, dict):
        raise TraceError(f"expected a JSON object at the top level, got {type(doc).__name__}")
    is_itf = "states" in doc and "#meta" in doc
    meta = _object("field #meta", doc["#meta"]) if is_itf else doc
    if not is_itf and doc.get("format") != JSON_FORMAT:
        raise TraceError(f"field format: expected {JSON_FORMAT!r} or an ITF document, got {doc.get('format')!r}")
    name = meta.get("model")
    if not isinstance(name, str) or name not in models:
        raise TraceError(f"field model: expected one of {', '.join(sorted(models))}, got {name!r}")
    model = models[name]
    scope = _scope(model, meta)
    if "kubernetes" in meta and meta["kubernetes"] != model.kubernetes:
        raise TraceMismatch(
            f"field kubernetes: the file says {_short(meta['kubernetes'])}, model {name} follows {model.kubernetes}"
        )
    labels, loop = _itf_labels(doc) if is_itf else _json_labels(doc)
    if loop is not None and not 0 <= loop <= len(labels):
        raise TraceError(f"field loop: expected an index from 0 to {len(labels)}, got {loop}")
    trace = replay(model, scope, labels, loop)
    if is_itf:
        _check_itf_states(doc, trace)
    else:
        _check_json(doc, trace)
    return trace, meta


def _scope(model: Model, meta: dict[str, Json]) -> Scope:
    settings = _object("field scope", _need("", meta, "scope"))
    small = model.presets["small"]
    names = [cli for cli, _ in describe(small)]
    for key, value in settings.items():
        if key in names:
            _string(f"field scope.{key}", value)
    missing = [n for n in names if n not in settings]
    try:
        scope = with_settings(small, settings)
    except ScopeError as err:
        raise TraceError(f"field scope: {err}") from None
    if missing:
        raise TraceError(f"field scope: missing parameter{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    return scope


def _json_labels(doc: dict[str, Json]) -> tuple[list[str], int | None]:
    steps = _need("", doc, "steps")
    if not isinstance(steps, list):
        raise TraceError(f"field steps: expected an array of steps, got {_kind(steps)}")
    labels = []
    for i, step in enumerate(steps, start=1):
        where = f"steps[{i - 1}]"
        step = _object(where, step)
        for key in ("index", "action", "actor", "kind", "changes"):
            _need(where, step, key)
        labels.append(_string(f"{where}.action", step["action"]))
    return labels, _loop(_need("", doc, "loop"))


def _loop(loop: Json) -> int | None:
    if loop is not None and (isinstance(loop, bool) or not isinstance(loop, int)):
        raise TraceError(f"field loop: expected an integer or null, got {_kind(loop)}")
    return loop


def _check_json(doc: dict[str, Json], trace: Trace) -> None:
    """The recorded initial state and every step's index, actor, kind and changes, against the re-run."""
    schema = trace.model.schema(trace.scope)
    initial = _object("field initial", _need("", doc, "initial"))
    _check_state("initial", initial, trace.initial, schema.fields, itf=False)
    for i, (raw, step) in enumerate(zip(doc["steps"], trace.steps), start=1):
        where = f"steps[{i - 1}]"
        recorded: dict[str, int | str] = {"index": i, "actor": step.action.actor, "kind": step.action.command.kind}
        for key, value in recorded.items():
            _like(f"{where}.{key}", value, raw[key])
            if raw[key] != value:
                raise TraceMismatch(
                    f"{where}.{key}: the file says {_short(raw[key])}, the re-run gives {_short(value)}"
                )
        changes = _object(f"{where}.changes", raw["changes"])
        for f, pair in changes.items():
            if f not in schema.fields:
                raise TraceError(f"{where}.changes: {f!r} is not a state field of model {trace.model.name}")
            if not isinstance(pair, list) or len(pair) != 2:
                raise TraceError(f"{where}.changes.{f}: expected [before, after], got {_kind(pair)}")
            old, new = (
                _decode(f"{where}.changes.{f}[{j}]", getattr(step.state, f), v, itf=False) for j, v in enumerate(pair)
            )
            if f not in step.changes:
                same = getattr(step.state, f)
                raise TraceMismatch(
                    f"{where}.changes.{f}: the file says {old!r} -> {new!r}, the re-run leaves it {same!r}"
                )
            a, b = step.changes[f]
            if not (_same(old, a) and _same(new, b)):
                raise TraceMismatch(
                    f"{where}.changes.{f}: the file says {old!r} -> {new!r}, the re-run gives {a!r} -> {b!r}"
                )
        for f, (old, new) in step.changes.items():
            if f not in changes:
                raise TraceMismatch(
                    f"{where}.changes: the file leaves out {f}, the re-run changes it {old!r} -> {new!r}"
                )


def _check_state(where: str, recorded: dict[str, Json], state: State, fields: Iterable[str], itf: bool) -> None:
    fields = list(fields)
    for f in fields:
        if f not in recorded:
            raise TraceError(f"{where}: missing state field {f!r}")
    extra = [k for k in recorded if k not in fields and not (itf and k in ("#meta", "mbt::actionTaken"))]
    if extra:
        raise TraceError(f"{where}: {extra[0]!r} is not a state field of this model")
    for f in fields:
        value = _decode(f"{where}.{f}", getattr(state, f), recorded[f], itf)
        if not _same(value, getattr(state, f)):
            raise TraceMismatch(f"{where}.{f}: the file says {value!r}, the model computes {getattr(state, f)!r}")


def _itf_labels(doc: dict[str, Json]) -> tuple[list[str], int | None]:
    states = doc["states"]
    if not isinstance(states, list):
        raise TraceError(f"field states: expected an array of states, got {_kind(states)}")
    if not states:
        raise TraceError("field states: expected the initial state and the state after each step, got none")
    labels = []
    for i, st in enumerate(states):
        st = _object(f"states[{i}]", st)
        label = _string(f"states[{i}].mbt::actionTaken", _need(f"states[{i}]", st, "mbt::actionTaken"))
        if i:
            labels.append(label)
        elif label != "init":
            raise TraceMismatch(
                f'states[0].mbt::actionTaken: the file says {_short(label)}, the initial state\'s is "init"'
            )
    return labels, _loop(doc.get("loop"))


def _check_itf_states(doc: dict[str, Json], trace: Trace) -> None:
    """Every state of the file, its ``#meta`` and ``vars``, against the re-run."""
    schema = trace.model.schema(trace.scope)
    want_vars = list(schema.fields) + ["mbt::actionTaken"]
    if "vars" in doc and doc["vars"] != want_vars:
        raise TraceMismatch(f"field vars: the file says {_short(doc['vars'])}, the model's are {_short(want_vars)}")
    labels = ["init"] + trace.labels()
    for i, (st, state) in enumerate(zip(doc["states"], trace.states)):
        where = f"states[{i}]"
        if "#meta" in st:
            m = _object(f"{where}.#meta", st["#meta"])
            recorded: dict[str, int | str] = {"index": i, "action": labels[i]}
            if i:
                recorded["actor"] = trace.steps[i - 1].action.actor
            for key, value in recorded.items():
                if key in m and _like(f"{where}.#meta.{key}", value, m[key]) != value:
                    raise TraceMismatch(
                        f"{where}.#meta.{key}: the file says {_short(m[key])}, the re-run gives {_short(value)}"
                    )
        _check_state(where, st, state, schema.fields, itf=True)
