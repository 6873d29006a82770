"""``kubecheck replay``: read saved traces, replay them, re-check the verdict they claim.

:func:`load` accepts a ``kubecheck.trace/1`` document, an ITF trace, or a
``kubecheck.report/1`` report (each of its traces). :func:`kubecheck.model.kernel.traces.load`
replays every action through the reference semantics and compares every recorded field with the
re-run (TraceMismatch, with a one-line reason, for a step that is not enabled or a field that
differs; TraceError for a file that is not a readable trace). A trace without steps is read
only when it names a property its initial state already shows (``check`` writes such traces).
When the trace names a property, the verdict is checked at the last state: VIOLATED ``always``
— the predicate is false there; WITNESSED ``sometimes`` — it is true there; ``step`` — the last
transition breaks it; ``terminal`` — nothing is enabled and the predicate is false.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import attrs

from kubecheck.cli import documents, report_text, text, trace_text
from kubecheck.model.kernel import traces
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import describe
from kubecheck.model.kernel.traces import Json, Trace, TraceError, TraceMismatch
from kubecheck.properties import catalog

META_KEYS = ("property", "kind", "verdict", "preset")


@attrs.define
class Replayed:
    """One replayed trace, the property it names (or None) and whether its verdict holds again."""

    where: str
    trace: Trace
    meta: Mapping[str, Json]
    prop: Property | None
    verdict: str | None
    preset: str
    reproduced: bool

    @property
    def short(self) -> str:
        return self.prop.short if self.prop is not None else "trace"

    @property
    def extra(self) -> dict[str, Json]:
        out = {k: self.meta[k] for k in META_KEYS if k in self.meta}
        out["preset"] = self.preset
        if self.verdict is not None:
            out["verdict"] = self.verdict
        return out


def _claim(meta: Mapping[str, Json], trace: Trace) -> tuple[Property | None, str | None]:
    """The property a trace names and the verdict it claims (VIOLATED or WITNESSED).

    The recorded ``kind`` must be the property's and the recorded scope one the property is
    checked in (its ``adjust`` leaves it unchanged): TraceMismatch otherwise.
    """
    name = meta.get("property")
    for key in ("property", "kind", "verdict"):
        if key in meta and not isinstance(meta[key], str):
            raise TraceError(f"field {key}: expected a string, got {json.dumps(meta[key])[:40]}")
    if name is None:
        for key in ("kind", "verdict"):
            if key in meta:
                raise TraceError(f"field {key}: given without the field property it is about")
        return None, None
    [prop] = catalog.properties(trace.model.name, [name])
    expected = "WITNESSED" if prop.kind == "sometimes" else "VIOLATED"
    claimed = meta.get("verdict", expected)
    if claimed not in ("VIOLATED", "WITNESSED"):
        raise TraceError(f"field verdict: expected VIOLATED or WITNESSED, got {claimed!r}")
    if claimed != expected:
        raise TraceMismatch(
            f"field verdict: a trace of the {prop.kind} property {prop.name} shows {expected}, got {claimed!r}"
        )
    if meta.get("kind", prop.kind) != prop.kind:
        raise TraceMismatch(f"field kind: {prop.name} is of kind {prop.kind}, the file says {meta['kind']!r}")
    adjusted = dict(describe(prop.adjust(trace.scope)))
    for key, value in describe(trace.scope):
        if adjusted[key] != value:
            raise TraceMismatch(
                f"field scope.{key}: {prop.name} is checked with {key}={adjusted[key]}, the file says {value!r}"
            )
    return prop, expected


def _preset(meta: Mapping[str, Json], trace: Trace) -> str:
    """The recorded preset (for the reproduce line), else the one the scope is nearest to."""
    if "preset" not in meta:
        return trace_text.nearest_preset(trace.model, trace.scope)
    preset = meta["preset"]
    if not isinstance(preset, str) or preset not in trace.model.presets:
        raise TraceError(
            f"field preset: expected one of {', '.join(trace.model.presets)}, got {json.dumps(preset)[:40]}"
        )
    return preset


RESULT_KEYS = ("property", "kind", "verdict", "scope")


def _same_as_result(doc: Json, where: str, meta: Mapping[str, Json]) -> None:
    """In a report, the result's own property, kind, verdict and scope must be its trace's."""
    found = re.fullmatch(r"results\[(\d+)\]\.trace", where)
    if found is None:
        return
    result = doc["results"][int(found.group(1))]
    for key in RESULT_KEYS:
        if key == "scope" and isinstance(result.get(key), dict) and isinstance(meta.get(key), dict):
            ours, theirs = result[key], meta[key]
            for name in list(ours) + [k for k in theirs if k not in ours]:
                if ours.get(name) != theirs.get(name):
                    raise TraceMismatch(
                        f"field scope.{name}: the result says {_short(ours.get(name))}, "
                        f"its trace says {_short(theirs.get(name))}"
                    )
        elif key in result and result[key] != meta.get(key):
            raise TraceMismatch(
                f"field {key}: the result says {_short(result[key])}, its trace says {_short(meta.get(key))}"
            )


def _short(v: Json) -> str:
    text = json.dumps(v)
    return text if len(text) <= 80 else text[:77] + "..."


def load(file: str, content: str, models: Mapping[str, Model]) -> list[Replayed]:
    """Every trace in the file, replayed and with its claim checked."""
    try:
        doc = traces.parse_json(content)
        found = documents.trace_documents(doc)
    except TraceError as err:
        raise TraceError(f"{file}: {err}") from None
    out = []
    for where, trace_doc in found:
        label = f"{file} {where}" if where else file
        try:
            trace, meta = traces.load(json.dumps(trace_doc), models)
            _same_as_result(doc, where, meta)
            prop, verdict = _claim(meta, trace)
            preset = _preset(meta, trace)
            if not trace.steps and (prop is None or not trace_text.evaluate(prop, trace)):
                shows = "" if prop is None else f" ({prop.name} is not {verdict} at the initial state)"
                raise TraceError(f"field steps: expected at least one step{shows}, got none")
        except (TraceError, catalog.UnknownName) as err:
            raise (TraceMismatch if isinstance(err, TraceMismatch) else TraceError)(f"{label}: {err}") from None
        reproduced = prop is None or trace_text.evaluate(prop, trace)
        out.append(Replayed(label, trace, meta, prop, verdict, preset, reproduced))
    return out


def block(r: Replayed) -> list[str]:
    trace, model = r.trace, r.trace.model
    changes = trace_text.scope_changes(trace.scope, model.presets[r.preset])
    lines = report_text.header(model, r.preset, trace.scope, changes) + [""]
    steps = text.plural(len(trace.steps), "step")
    if r.prop is None:
        return lines + [f"trace ({steps}; it names no property)"] + trace_text.steps(trace)
    prop = r.prop
    lines += [f"{r.verdict}  {prop.name} ({steps})"] + trace_text.property_lines(prop) + trace_text.steps(trace)
    if r.reproduced:
        lines += trace_text.conclusion_lines(prop, r.verdict or "", trace)
        lines.append(f"  verdict reproduced: {r.verdict}")
    else:
        shows = "holds" if prop.kind != "sometimes" else "is not reached"
        lines.append(
            f"  ⇒ verdict NOT reproduced: the trace claims {r.verdict}, but {prop.name} {shows} at its last state"
        )
    lines.append(f"  reproduce: {trace_text.check_command(model, [prop.name], r.preset, changes)}")
    return lines


def render(replays: Sequence[Replayed], code: int) -> str:
    """The text of ``kubecheck replay``: each trace as ``check`` shows it, then a summary."""
    lines: list[str] = []
    for r in replays:
        lines += [f"replayed  {r.where}: every step is enabled and every recorded field is what the re-run gives"]
        lines += block(r) + [""]
    named = [r for r in replays if r.prop is not None]
    ok = sum(r.reproduced for r in named)
    verdicts = f"{ok} of {len(named)} verdicts reproduced" if named else "no verdict to check"
    lines.append(f"summary: {text.plural(len(replays), 'trace')} replayed, {verdicts} · exit {code}")
    return "\n".join(lines) + "\n"
