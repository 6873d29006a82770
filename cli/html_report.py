"""The HTML report of ``kubecheck check -f … --format html``: one self-contained page with pictures.

The page holds what the text report holds (:mod:`kubecheck.cli.manifest_text`): per workload the
scope, the verdict table (property, verdict, method, checked at, states, seconds, trace) and the
notes; then one block per trace the text report prints (one per group of violations,
:mod:`kubecheck.manifest.grouping`, and one per witness under ``--verbose``). Each block draws the
run as a **timeline** in inline SVG, with the text trace beside it — the very lines ``check -f``
prints (the legend, the numbered steps, the ``⇒`` lines of :data:`manifest_text.trace_lines`).

The timeline has one column per state (0 = the initial state, then one per step):

* **all pods**: every pod of the workload stacked by phase (Available at the bottom, then Ready,
  Running, ContainerCreating, Pending, Failed, Terminating), against the bounds of the kind where
  one applies, drawn as step lines: a RollingUpdate Deployment's surge bound ``replicas +
  maxSurge`` (compare the whole bar: ``live_pods_within_surge``) and availability floor
  ``replicas − maxUnavailable`` (compare the Available band: ``availability_floor``), both as the
  model computes them in that state (``deployment.max_surge`` / ``min_available``: ResolveFenceposts,
  after any strategy edit); a RollingUpdate DaemonSet's floor in *nodes*, nodes that should run a
  pod − maxUnavailable (``properties.daemonset.max_unavailable``; the tooltip gives the nodes
  without an available pod), and its surge bound when maxSurge resolves above 0; a StatefulSet's
  ``spec.replicas`` as a reference (it never surges; no floor is checked);
* **one lane per ReplicaSet** (Deployment: its spec.replicas as a tick), **per ordinal**
  (StatefulSet) or **per node** (DaemonSet), the same bars for that object alone, its cell
  shaded where the object is gone or its node is tainted, excluded, unreachable or down, and
  marked ``old``/``upd`` where pods are not / are at the update revision;
* under the axis the actor of each step; every column's ``<title>`` (a tooltip) names the step
  and its counts;
* the state where the property breaks (the last one: the shown trace of a group ends where it
  breaks each of its properties) boxed and labelled — ``violated``, ``stays here for ever`` (a
  run that stutters), or a band from the state a lasso loops back to; a witness's last state
  ``witnessed``.

The drawing is generic: a per-kind *adapter* (:data:`ADAPTERS`) maps a model state to
:class:`Lane` columns (label, counts per :data:`PHASES`) and :class:`Bound` values; a model
without one gets its text trace only. The page loads nothing (inline CSS, no script, no font, a
Content-Security-Policy of ``default-src 'none'``), escapes every string it did not write itself,
and each chart carries ``role="img"``, a ``<title>`` and a ``<desc>``, and a data table of the same
counts for readers who cannot see it.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from kubecheck.checker.result import Verdict
from kubecheck.cli import manifest_text, text, trace_text
from kubecheck.cli.manifest_text import TraceLines, footer, scope_line, verdict_column
from kubecheck.manifest.grouping import TraceGroup, group_numbers, trace_groups
from kubecheck.manifest.report import KUBERNETES, ManifestReport
from kubecheck.manifest.sizing import Row
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset as dsm
from kubecheck.model.controllers import daemonset_util as dsu
from kubecheck.model.controllers import deployment as dep
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers.deployment_names import replicaset_name
from kubecheck.model.kernel.ops import CONCRETE as C
from kubecheck.model.kernel.traces import Trace
from kubecheck.properties import daemonset as dsp

# -- what a chart shows -------------------------------------------------------------------------


@attrs.frozen
class Phase:
    key: str
    label: str
    colour: str


#: Pod phases, bottom of a bar first (Okabe–Ito colours, told apart without red–green vision).
PHASES = (
    Phase("available", "Available", "#009E73"),
    Phase("ready", "Ready, not yet available", "#56B4E9"),
    Phase("running", "Running, not Ready", "#0072B2"),
    Phase("creating", "ContainerCreating (bound, starting)", "#E69F00"),
    Phase("unscheduled", "Pending (not bound to a node)", "#F0E442"),
    Phase("failed", "Failed", "#D55E00"),
    Phase("terminating", "Terminating (deleted, still running)", "#8C8C8C"),
    Phase("orphaned", "orphaned containers (pod object gone, containers run)", "#CC79A7"),
)
KEYS = tuple(p.key for p in PHASES)
#: The cluster layer's pod phases (StatefulSet, DaemonSet) as chart phases.
CLUSTER_PHASES = {
    cl.UNSCHEDULED: "unscheduled",
    cl.CREATING: "creating",
    cl.FAILED: "failed",
    cl.RUNNING: "running",
    cl.READY: "ready",
    cl.AVAILABLE: "available",
}
#: Cell shadings, drawn hatched: key -> (background, stripe, what it means).
SHADES = {
    "deleted": ("#ececec", "#c4c4c4", "ReplicaSet does not exist"),
    "absent": ("#e2e2e2", "#a8a8a8", "no Node object"),
    "down": ("#f9dede", "#d98080", "node down"),
    "unreachable": ("#fde9d6", "#e0a060", "node unreachable (partitioned)"),
    "excluded": ("#eeeeee", "#b0b0b0", "node excluded (labels or a NoExecute taint): its pods are deleted"),
    "noschedule": ("#fff6d9", "#d9a520", "node tainted NoSchedule: a running pod stays, none starts"),
}
#: The bound lines: key -> (colour, dash pattern, the word at the line's right end).
LINES = {
    "surge": ("#B3261E", "7 3", "surge"),
    "floor": ("#1B3A8C", "3 2", "floor"),
    "replicas": ("#444444", "1 2", "replicas"),
}


@attrs.frozen
class Lane:
    """One object's column in one state: its label, its pods per :data:`KEYS`, and how the cell reads."""

    label: str
    counts: tuple[int, ...]
    detail: str = ""  # the tooltip: the object in this state
    mark: str = ""  # a few characters under the bar (revisions: old / upd)
    shade: str = ""  # a key of SHADES, or ''
    target: int | None = None  # a tick at this count (a ReplicaSet's spec.replicas)
    shown: bool = True  # False: the object does not exist here (a lane is drawn if shown in some state)


@attrs.frozen
class Bound:
    """A bound line in one state: which (a key of LINES), its words, its value, what it is compared with."""

    key: str
    label: str
    value: int
    detail: str = ""  # how the value comes about in this state (the tooltip)
    compare: str = ""  # what in the chart it bounds (the legend)


@attrs.frozen
class Adapter:
    """How a model's states are drawn: what a lane is, the lanes and the bounds of a state."""

    lane_kind: str
    lanes: Callable[[Any, Any], list[Lane]]
    bounds: Callable[[Any, Any], list[Bound]]


def _counts(pairs: dict[str, int]) -> tuple[int, ...]:
    return tuple(int(pairs.get(k, 0)) for k in KEYS)


def _words(counts: Sequence[int], labels: dict[str, str]) -> str:
    said = [f"{labels[k]} {n}" for k, n in zip(KEYS, counts) if n]
    return ", ".join(said) or "no pod"


def phase_labels(scope: Any) -> dict[str, str]:
    """Phase words in this scope: without minReadySeconds a Ready pod is available at once ("Ready")."""
    labels = {p.key: p.label for p in PHASES}
    if not getattr(scope, "has_min_ready", False):
        labels["available"] = "Ready (available)"
    return labels


# -- adapters: Deployment, StatefulSet, DaemonSet ---------------------------------------------------

_DEPLOYMENT_FIELDS = {
    "available": "available",
    "ready": "ready",
    "running": "running",
    "creating": "pending",
    "unscheduled": "unscheduled",
    "failed": "failed",
    "terminating": "terminating",
}


def deployment_lanes(sc: Any, s: Any) -> list[Lane]:
    """One lane per ReplicaSet slot: its pods per phase (``deployment.in_phase``), spec.replicas as the tick."""
    labels = phase_labels(sc)
    out = []
    for t in range(len(s.rs_exists)):
        counts = _counts({k: dep.in_phase(s, f, t) for k, f in _DEPLOYMENT_FIELDS.items()})
        name = replicaset_name(sc.template_value(t), sc.name)
        if s.rs_exists[t]:
            detail = f"ReplicaSet {name} (rev {s.rs_revision[t]}) spec.replicas {s.rs_replicas[t]}: "
        else:
            detail = f"ReplicaSet {name}: does not exist; "
        out.append(
            Lane(
                name,
                counts,
                detail + _words(counts, labels) + _deployment_nodes(sc, s, t, labels),
                shade="" if s.rs_exists[t] else "deleted",
                target=s.rs_replicas[t] if s.rs_exists[t] else None,
                shown=bool(s.rs_exists[t]) or any(counts),
            )
        )
    return out


def _deployment_nodes(sc: Any, s: Any, t: int, labels: dict[str, str]) -> str:
    """Where ReplicaSet t's bound pods are, when the scope places pods on nodes ('' otherwise)."""
    if not sc.nodes:
        return ""
    where = [
        f"{labels[k]} {c} on {cl.node_name(n)}"
        for k, f in _DEPLOYMENT_FIELDS.items()
        if f not in dep.PER_REPLICASET
        for n, c in enumerate(dep.on_nodes(s, f, t))
        if c
    ]
    return f" ({'; '.join(where)})" if where else ""


def deployment_bounds(sc: Any, s: Any) -> list[Bound]:
    """A RollingUpdate Deployment's surge bound and availability floor as the controller computes them in ``s``."""
    if sc.strategy != du.ROLLING_UPDATE:
        return []
    surge, floor = dep.max_surge(C, sc, s), dep.min_available(C, sc, s)
    return [
        Bound(
            "surge",
            "replicas + maxSurge",
            s.replicas + surge,
            f"{s.replicas} + {surge}",
            "compare the whole bar: every pod, Terminating and Failed too",
        ),
        Bound(
            "floor",
            "replicas − maxUnavailable",
            floor,
            f"{s.replicas} − {s.replicas - floor}",
            "compare the Available pods at the bottom of the bar",
        ),
    ]


def _pod_phase(s: Any, k: int) -> str:
    """Chart phase of pod slot k ('' when no pod object)."""
    if s.pod_phase[k] == cl.NONE:
        return ""
    return "terminating" if s.pod_terminating[k] else CLUSTER_PHASES[s.pod_phase[k]]


def _slot_counts(s: Any, slots: Sequence[int]) -> tuple[int, ...]:
    found: dict[str, int] = {}
    for k in slots:
        phase = _pod_phase(s, k)
        if phase:
            found[phase] = found.get(phase, 0) + 1
        if s.pod_ghost[k]:
            found["orphaned"] = found.get("orphaned", 0) + 1
    return _counts(found)


def _revision_mark(s: Any, slots: Sequence[int]) -> str:
    """``upd`` / ``old`` per live pod of ``slots``: at the update revision (spec.template) or an earlier one."""
    marks = ["upd" if s.pod_rev[k] == s.template else "old" for k in slots if s.pod_phase[k] != cl.NONE]
    return "+".join(m[0] for m in marks) if len(marks) > 1 else "".join(marks)


def _has_old(mark: str) -> bool:
    """A revision mark names a pod at an earlier revision (``old``, or ``o`` in ``u+o``)."""
    return any(part in ("old", "o") for part in mark.split("+"))


def _node_shade(s: Any, n: int) -> str:
    if not s.node_exists[n]:
        return "absent"
    return {cl.NODE_DOWN: "down", cl.NODE_PARTITIONED: "unreachable"}.get(s.node_state[n], "")


def _pod_words(sc: Any, s: Any, naming: Any, k: int, labels: dict[str, str]) -> str:
    phase = _pod_phase(s, k)
    if not phase:
        return f"{naming.pod(sc, k)}: no pod" + (", orphaned containers run" if s.pod_ghost[k] else "")
    where = f" on {cl.node_name(s.pod_node[k])}" if s.pod_phase[k] >= cl.CREATING else ""
    words = labels["terminating"] if phase == "terminating" else labels[phase]
    ghost = "; orphaned containers run" if s.pod_ghost[k] else ""
    return f"{naming.pod(sc, k)} {words}{where} at {naming.revision(sc, s.pod_rev[k])}{ghost}"


def statefulset_adapter(naming: Any) -> Adapter:
    """One lane per ordinal (a pod and its orphaned containers), shaded by its node; spec.replicas as a reference."""

    def lanes(sc: Any, s: Any) -> list[Lane]:
        labels = phase_labels(sc)
        out = []
        for i in range(len(s.pod_phase)):
            counts = _slot_counts(s, [i])
            shade = _node_shade(s, s.pod_node[i]) if s.pod_phase[i] >= cl.CREATING else ""
            detail = _pod_words(sc, s, naming, i, labels) + (f" ({SHADES[shade][2]})" if shade else "")
            out.append(Lane(naming.pod(sc, i), counts, detail, _revision_mark(s, [i]), shade, shown=any(counts)))
        return out

    def bounds(sc: Any, s: Any) -> list[Bound]:
        return [Bound("replicas", "spec.replicas", s.replicas, compare="a reference: one pod per ordinal below it")]

    return Adapter("ordinal", lanes, bounds)


def daemonset_adapter(naming: Any) -> Adapter:
    """One lane per node (its pod slots), shaded by the node's class and state; the floor and surge in nodes."""

    def lanes(sc: Any, s: Any) -> list[Lane]:
        labels = phase_labels(sc)
        out = []
        for n in range(len(s.node_class)):
            slots = list(dsm.node_slots(sc, n))
            shade = _node_shade(s, n) or {dsu.NO_SCHEDULE: "noschedule", dsu.INELIGIBLE: "excluded"}.get(
                s.node_class[n], ""
            )
            pods = [_pod_words(sc, s, naming, k, labels) for k in slots if s.pod_phase[k] != cl.NONE or s.pod_ghost[k]]
            head = (
                f"{naming.node(sc, n)} ({dsu.CLASS_NAMES[s.node_class[n]]}{', ' + SHADES[shade][2] if shade else ''})"
            )
            detail = f"{head}: {'; '.join(pods) or 'no pod'}"
            out.append(Lane(naming.node(sc, n), _slot_counts(s, slots), detail, _revision_mark(s, slots), shade))
        return out

    def bounds(sc: Any, s: Any) -> list[Bound]:
        if sc.strategy != dsu.ROLLING_UPDATE:
            return []
        nodes = range(len(s.node_class))
        desired = sum(1 for n in nodes if dsm.should_run(C, s, n, sc.tolerates_no_schedule))
        unavailable, mu = dsp.unavailable_nodes(C, sc, s), dsp.max_unavailable(C, sc, s)
        surge, _ = dsu.updated_desired_node_counts(C, sc.strategy, sc.max_surge, sc.max_unavailable, desired)
        out = [
            Bound(
                "floor",
                "nodes to run − maxUnavailable",
                desired - mu,
                f"{desired} − {mu} nodes; {desired - unavailable} of the {desired} nodes that should run a pod have "
                "an available one",
                "in nodes: compare the nodes that should run a pod and have an Available one (tooltip)",
            )
        ]
        if surge:
            out.append(
                Bound("surge", "nodes to run + maxSurge", desired + surge, f"{desired} + {surge}", "compare every pod")
            )
        return out

    return Adapter("node", lanes, bounds)


#: The models a timeline is drawn for: model name -> its adapter, given the model's naming (the others get
#: their text trace only).
ADAPTERS: dict[str, Callable[[Any], Adapter]] = {
    "deployment": lambda naming: Adapter("ReplicaSet", deployment_lanes, deployment_bounds),
    "statefulset": statefulset_adapter,
    "daemonset": daemonset_adapter,
}


def adapter(trace: Trace) -> Adapter | None:
    """The trace's model's adapter, or None (then the trace is shown as text only)."""
    make = ADAPTERS.get(trace.model.name)
    return make(trace.model.naming) if make is not None else None


# -- escaping -----------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value: object) -> str:
    """``value`` as HTML/XML text or attribute value: ``& < > " '`` escaped, control characters dropped."""
    return html.escape(_CONTROL.sub("", str(value)), quote=True)


# -- the timeline (inline SVG) ----------------------------------------------------------------------

LEFT, STEP_W, BAR_W, RIGHT = 150, 40, 22, 96
TOP, TOTAL_H, LANE_GAP, AXIS_H = 34, 120, 22, 130


@attrs.frozen
class Marking:
    """How the end of a trace is marked: ``violation`` or ``witness``, the label, and the state a lasso
    loops back to (a band from there to the last state; None for a run that ends or stays in its last state)."""

    kind: str
    label: str
    loop: int | None = None


def marking(trace: Trace, rows: Sequence[Row], verdict: Verdict) -> Marking:
    """The mark of a trace shown for ``rows`` (a group of violations, or one witness)."""
    if verdict is Verdict.WITNESSED:
        return Marking("witness", "witnessed")
    props = [r.result.property for r in rows]
    if any(p.is_liveness for p in props):
        if trace_text.is_stutter(trace):
            return Marking("violation", "stays here for ever")
        return Marking("violation", f"loops back to state {trace.loop} for ever", trace.loop)
    if all(p.kind == "terminal" for p in props):
        return Marking("violation", "stuck: nothing more happens")
    return Marking("violation", "violated")


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


class _Svg:
    """An SVG document under construction (every attribute and text escaped)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, tag: str, body: str = "", **attrs_: object) -> None:
        self.parts.append(self.element(tag, body, **attrs_))

    @staticmethod
    def element(tag: str, body: str = "", **attrs_: object) -> str:
        shown = "".join(
            f' {k.rstrip("_").replace("_", "-")}="{esc(_num(v) if isinstance(v, float) else v)}"'
            for k, v in attrs_.items()
        )
        return f"<{tag}{shown}>{body}</{tag}>" if body else f"<{tag}{shown}/>"

    def open(self, tag: str, title: str = "", **attrs_: object) -> None:
        start = self.element(tag, "", **attrs_)[:-2] + ">"  # <tag .../> opened: its children follow
        self.parts.append(start + (f"<title>{esc(title)}</title>" if title else ""))

    def close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")


@attrs.frozen
class Timeline:
    """The drawn data of one trace: per state its lanes and bounds, the lanes kept, the totals."""

    trace: Trace
    adapter: Adapter
    lanes: list[list[Lane]]
    bounds: list[list[Bound]]
    kept: list[int]
    totals: list[tuple[int, ...]]
    #: each state as its tooltip and table name it: ``initial state``, ``step 3 [kubelet] pod_ready(…)``
    words: list[str]

    @classmethod
    def of(cls, trace: Trace, a: Adapter) -> Timeline:
        states = trace.states
        lanes = [a.lanes(trace.scope, s) for s in states]
        bounds = [a.bounds(trace.scope, s) for s in states]
        kept = [j for j in range(len(lanes[0])) if any(row[j].shown for row in lanes)]
        totals = [tuple(sum(lane.counts[p] for lane in row) for p in range(len(KEYS))) for row in lanes]
        if not any(_has_old(lane.mark) for row in lanes for lane in row):
            # every pod is at the update revision all along: no rollout in play, the marks would only repeat "upd"
            lanes = [[attrs.evolve(lane, mark="") for lane in row] for row in lanes]
        d = trace_text.describer(trace.model, trace.scope)
        words = ["initial state"] + [
            f"step {i} [{step.action.actor}] {d.action(step.action)}" for i, step in enumerate(trace.steps, start=1)
        ]
        return cls(trace, a, lanes, bounds, kept, totals, words)

    def phases(self) -> list[str]:
        """The phases some state has a pod in (the legend's)."""
        return [k for p, k in enumerate(KEYS) if any(t[p] for t in self.totals) or self._in_lanes(p)]

    def _in_lanes(self, p: int) -> bool:
        return any(row[j].counts[p] for row in self.lanes for j in self.kept)

    def bound_keys(self) -> list[str]:
        return list(dict.fromkeys(b.key for row in self.bounds for b in row))

    def shades(self) -> list[str]:
        return list(dict.fromkeys(row[j].shade for row in self.lanes for j in self.kept if row[j].shade))

    def step_words(self, i: int) -> str:
        """State i as its tooltip and table name it: ``step 3 [kubelet] pod_ready(…)`` or ``initial state``."""
        return self.words[i]


def timeline_svg(tl: Timeline, mark: Marking, title: str, desc: str, ident: str) -> str:
    """The timeline of ``tl`` as an inline ``<svg>`` (see the module docstring)."""
    n = len(tl.totals)
    labels = phase_labels(tl.trace.scope)
    peak = max([sum(t) for t in tl.totals] + [b.value for row in tl.bounds for b in row] + [1])
    scale = TOTAL_H / peak
    lane_peak = max(
        [sum(row[j].counts) for row in tl.lanes for j in tl.kept]
        + [row[j].target or 0 for row in tl.lanes for j in tl.kept]
        + [1]
    )
    unit = min(12.0, 60.0 / lane_peak)  # a lane is at most 60 px of pods, whatever the replica count
    lane_h = round(lane_peak * unit) + 18
    lanes_top = TOP + TOTAL_H + LANE_GAP
    axis_top = lanes_top + len(tl.kept) * (lane_h + 4)
    width, height = LEFT + n * STEP_W + RIGHT, axis_top + AXIS_H
    svg = _Svg()
    svg.open(
        "svg",
        class_="timeline",
        id=ident,
        role="img",
        aria_labelledby=f"{ident}-title {ident}-desc",
        width=width,
        height=height,
        viewBox=f"0 0 {width} {height}",
        font_family="sans-serif",
        font_size=11,
    )
    svg.add("title", esc(title), id=f"{ident}-title")
    svg.add("desc", esc(desc), id=f"{ident}-desc")
    svg.add("defs", "".join(_hatch(f"{ident}-{key}", *SHADES[key][:2]) for key in tl.shades()))
    svg.add("rect", x=0, y=0, width=width, height=height, fill="#ffffff")

    def y_total(v: float) -> float:
        return TOP + TOTAL_H - v * scale

    def col(i: int) -> int:
        return LEFT + i * STEP_W

    # the all-pods panel: grid and ticks
    svg.add("text", "all pods", x=8, y=TOP + 12, font_weight="bold", fill="#1a1a1a")
    svg.add("text", "by phase", x=8, y=TOP + 26, fill="#1a1a1a")
    every = max(1, math.ceil(peak / 5))
    for v in range(0, peak + 1, every):
        svg.add("line", x1=LEFT, x2=col(n), y1=y_total(v), y2=y_total(v), stroke="#dddddd")
        svg.add("text", str(v), x=LEFT - 6, y=y_total(v) + 4, text_anchor="end", fill="#1a1a1a")
    # the loop band, under everything else
    if mark.loop is not None:
        svg.add(
            "rect",
            class_="loop",
            x=col(mark.loop),
            y=TOP - 6,
            width=(n - mark.loop) * STEP_W,
            height=axis_top - TOP + 12,
            fill="#B3261E",
            fill_opacity=0.08,
        )
    # one group per state: its tooltip, its all-pods bar, its axis labels
    for i in range(n):
        tip = [tl.step_words(i), "all pods: " + _words(tl.totals[i], labels)]
        tip += [f"{b.label} = {b.value} ({b.detail})" if b.detail else f"{b.label} = {b.value}" for b in tl.bounds[i]]
        svg.open("g", "\n".join(tip), class_="step", data_step=i)
        svg.add("rect", x=col(i), y=TOP, width=STEP_W, height=TOTAL_H, fill="#ffffff", fill_opacity=0)
        base = 0
        for p, key in enumerate(KEYS):
            c = tl.totals[i][p]
            if c:
                x = col(i) + (STEP_W - BAR_W) / 2
                svg.add(
                    "rect",
                    class_=f"phase-{key}",
                    x=x,
                    y=y_total(base + c),
                    width=BAR_W,
                    height=c * scale,
                    fill=PHASES[p].colour,
                    stroke="#ffffff",
                    stroke_width=0.5,
                )
                base += c
        xc = col(i) + STEP_W / 2
        svg.add("text", str(i), x=xc, y=axis_top + 12, text_anchor="middle", fill="#1a1a1a")
        actor = tl.trace.steps[i - 1].action.actor if i else "initial"
        svg.add(
            "text",
            esc(actor),
            class_="actor",
            transform=f"translate({_num(xc + 3)},{axis_top + 24}) rotate(-60)",
            text_anchor="end",
            fill="#1a1a1a",
        )
        svg.close("g")
    _bound_lines(svg, tl, y_total, col)
    # the lanes
    for idx, j in enumerate(tl.kept):
        y0 = lanes_top + idx * (lane_h + 4)
        label = tl.lanes[0][j].label
        short = label if len(label) <= 22 else label[:21] + "…"
        svg.add(
            "text",
            f"<title>{esc(label)}</title>{esc(short)}",
            x=LEFT - 6,
            y=y0 + lane_h / 2 + 4,
            text_anchor="end",
            fill="#1a1a1a",
            class_="lane-label",
        )
        for i in range(n):
            _lane_cell(svg, tl.lanes[i][j], col(i), y0, lane_h, unit, f"{tl.step_words(i)}\n", ident)
    svg.add(
        "text", f"{tl.adapter.lane_kind}s" if tl.kept else "", x=8, y=lanes_top + 12, font_weight="bold", fill="#1a1a1a"
    )
    svg.add("text", "state", x=LEFT - 6, y=axis_top + 12, text_anchor="end", fill="#1a1a1a")
    svg.add("text", "actor", x=LEFT - 6, y=axis_top + 30, text_anchor="end", fill="#1a1a1a")
    # the mark of the end
    colour = "#B3261E" if mark.kind == "violation" else "#1E6B3A"
    last = n - 1
    svg.open("g", f"{mark.label} at state {last}", class_=mark.kind, data_step=last)
    svg.add(
        "rect",
        x=col(last) + 1,
        y=TOP - 6,
        width=STEP_W - 2,
        height=axis_top - TOP + 10,
        fill="none",
        stroke=colour,
        stroke_width=2.5,
    )
    svg.add("text", esc(mark.label), x=col(n), y=TOP - 12, text_anchor="end", fill=colour, font_weight="bold")
    svg.close("g")
    svg.close("svg")
    return "".join(svg.parts)


def _hatch(ident: str, base: str, stripe: str) -> str:
    """A diagonal hatch (an SVG pattern) for a shaded cell."""
    return _Svg.element(
        "pattern",
        _Svg.element("rect", width=6, height=6, fill=base)
        + _Svg.element("line", x1=0, y1=0, x2=0, y2=6, stroke=stripe, stroke_width=2),
        id=ident,
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )


def _bound_lines(svg: _Svg, tl: Timeline, y: Callable[[float], float], col: Callable[[int], int]) -> None:
    """Each bound as a step line over the all-pods panel, labelled at its right end with its last value."""
    used: list[float] = []
    n = len(tl.bounds)
    for key in tl.bound_keys():
        colour, dash, word = LINES[key]
        path, label, last_y = [], "", 0.0
        open_ = False
        for i in range(n):
            found = [b for b in tl.bounds[i] if b.key == key]
            if not found:
                open_ = False
                continue
            b = found[0]
            yy = y(b.value)
            path.append(f"V {_num(yy)} H {col(i + 1)}" if open_ else f"M {col(i)} {_num(yy)} H {col(i + 1)}")
            open_, label, last_y = True, f"{word} {b.value}", yy
        svg.add(
            "path",
            class_=f"bound-{key}",
            d=" ".join(path),
            fill="none",
            stroke=colour,
            stroke_width=2,
            stroke_dasharray=dash,
        )
        ly = last_y + 4
        while any(abs(ly - u) < 12 for u in used):
            ly += 12
        used.append(ly)
        svg.add("text", esc(label), x=col(n) + 6, y=ly, fill=colour, font_weight="bold")


def _lane_cell(svg: _Svg, lane: Lane, x: int, y0: int, lane_h: int, unit: float, head: str, ident: str) -> None:
    """One lane in one state: its shade, its stacked pods, its tick and mark, under one tooltip."""
    svg.open("g", head + lane.detail, class_="cell")
    fill = f"url(#{ident}-{lane.shade})" if lane.shade else "#f7f7f7"
    svg.add("rect", x=x + 1, y=y0, width=STEP_W - 2, height=lane_h, fill=fill, class_=f"shade-{lane.shade or 'none'}")
    bottom = y0 + lane_h - 13
    base = 0
    for p, c in enumerate(lane.counts):
        if c:
            svg.add(
                "rect",
                x=x + (STEP_W - BAR_W) / 2,
                y=bottom - (base + c) * unit,
                width=BAR_W,
                height=c * unit,
                fill=PHASES[p].colour,
                stroke="#333333",  # outlined: a pod stays visible on a hatched cell
                stroke_width=0.6,
            )
            base += c
    if lane.target is not None:
        ty = bottom - lane.target * unit
        svg.add("line", x1=x + 4, x2=x + STEP_W - 4, y1=ty, y2=ty, stroke="#1a1a1a", stroke_width=1.5, class_="target")
    if lane.mark:
        svg.add(
            "text",
            esc(lane.mark),
            x=x + STEP_W / 2,
            y=y0 + lane_h - 3,
            text_anchor="middle",
            font_size=9,
            fill="#1a1a1a",
        )
    svg.close("g")


# -- the page -----------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff;margin:1.5rem;
line-height:1.4}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:1.6rem 0 .3rem}h3{font-size:1rem;margin:1.4rem 0 .3rem}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
table{border-collapse:collapse;margin:.4rem 0}th,td{border:1px solid #c8c8c8;padding:2px 8px;text-align:left;
vertical-align:top}table.verdicts td{white-space:nowrap}th{background:#eeeeee}td.num{text-align:right}
.verdict{font-weight:bold;white-space:nowrap}.v-HOLDS,.v-WITNESSED{color:#14532d;background:#e3f4e8}
.v-VIOLATED{color:#8a1111;background:#fde4e4}.v-INCONCLUSIVE{color:#6b4200;background:#fff0c7}
.v-UNREACHABLE{color:#3d2c6b;background:#ece6fa}.v-NA{color:#4a4a4a;background:#f0f0f0}
.pair{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}.pair figure{margin:0;max-width:100%;overflow-x:auto}
pre.trace{font-size:11px;margin:0;padding:.5rem;background:#f6f6f6;border:1px solid #dddddd;white-space:pre;
overflow-x:auto;max-width:100%}
ul.legend{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.2rem 1rem;font-size:12px;
max-width:760px}
.swatch{display:inline-block;width:12px;height:12px;border:1px solid #555;vertical-align:-2px;margin-right:4px}
.sample{display:inline-block;width:22px;height:0;border-top-width:2px;vertical-align:3px;margin-right:4px}
caption{text-align:left}.notes li,.meta{font-size:13px}summary{cursor:pointer;font-size:13px}
table.counts{font-size:12px}
"""


def _verdict_cell(row: Row, report: ManifestReport) -> tuple[str, str]:
    """(text, CSS class) of a row's verdict, as the text table shows it (``N/A``, ``*`` for a caveat, the vacuity)."""
    st = report.standing(row)
    na = not st.applicable and not st.counted
    return verdict_column(row, st), "v-NA" if na else f"v-{st.verdict.value}"


def _cells(cells: Sequence[tuple[str, str]], tag: str = "td") -> str:
    """A table row of (escaped HTML, class) cells."""
    return (
        "<tr>"
        + "".join(f'<{tag} class="{c}">{body}</{tag}>' if c else f"<{tag}>{body}</{tag}>" for body, c in cells)
        + "</tr>"
    )


def _table(report: ManifestReport, w: int, anchors: dict[tuple[int, int], tuple[str, str]]) -> str:
    head = ["property", "verdict", "method", "checked at", "states", "seconds", "trace"]
    out = [
        f'<table class="verdicts"><caption class="meta">{esc(report.workloads[w].workload.ref)}: one row per property'
        "</caption><thead>" + _cells([(esc(h), "") for h in head], "th") + "</thead><tbody>"
    ]
    for i, r in enumerate(report.workloads[w].rows):
        verdict, cls = _verdict_cell(r, report)
        link = anchors.get((w, i))
        s = r.result.stats
        out.append(
            _cells(
                [
                    (f"<code>{esc(r.result.property.name)}</code>", ""),
                    (esc(verdict), f"verdict {cls}"),
                    (esc(r.method), ""),
                    (esc(r.sizing_note or r.size), ""),
                    (esc(f"{s.states:,}" if s.states else "-"), "num"),
                    (esc(f"{s.seconds:.2f}"), "num"),
                    (f'<a href="#{esc(link[0])}">{esc(link[1])}</a>' if link else "", ""),
                ]
            )
        )
    return "".join(out) + "</tbody></table>"


def _list(items: Sequence[str], cls: str = "notes") -> str:
    return f'<ul class="{cls}">' + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>" if items else ""


def _workload(report: ManifestReport, w: int, anchors: dict[tuple[int, int], tuple[str, str]]) -> str:
    wr = report.workloads[w]
    wl = wr.workload
    out = [
        f'<section class="workload" id="workload-{w + 1}"><h2>{esc(wl.ref)}</h2>',
        f'<p class="meta">{esc(wl.obj.meta.where)}; model {esc(wl.model)}; {wr.seconds:.1f} s<br>'
        f"scope: <code>{esc(scope_line(wl))}</code>"
        + (f"<br>assumes: {esc(wl.assumption)}" if wl.assumption else "")
        + "</p>",
        _table(report, w, anchors),
    ]
    notes = [f"{r.result.property.name}: {report.standing(r).note}" for r in wr.rows if report.standing(r).note]
    notes += [f"not modelled: {x}" for x in wl.not_modelled] + [f"note: {x}" for x in wl.notes]
    if report.verbose:
        notes += [f"not checked: {s.name} ({s.reason})" for s in wr.skipped]
    out.append(_list(notes))
    if report.verbose and wr.plan:
        out.append(f'<details><summary>plan</summary><pre class="plan">{esc(wr.plan)}</pre></details>')
    return "".join(out) + "</section>"


def _legend(tl: Timeline) -> str:
    labels = phase_labels(tl.trace.scope)
    items = [
        f'<li><span class="swatch" style="background:{PHASES[KEYS.index(k)].colour}"></span>{esc(labels[k])}</li>'
        for k in tl.phases()
    ]
    first = {b.key: b for row in reversed(tl.bounds) for b in row}
    for key in tl.bound_keys():
        colour, _, word = LINES[key]
        style = "dotted" if key == "replicas" else "dashed"
        said = f"{word}: {first[key].label}" + (f" ({first[key].compare})" if first[key].compare else "")
        items.append(
            f'<li><span class="sample" style="border-top-style:{style};border-color:{colour}"></span>{esc(said)}</li>'
        )
    if any(row[j].target is not None for row in tl.lanes for j in tl.kept):
        items.append(
            '<li><span class="sample" style="border-top-style:solid;border-color:#1a1a1a"></span>'
            "ReplicaSet spec.replicas</li>"
        )
    for key in tl.shades():
        base, stripe, words_ = SHADES[key]
        hatch = f"repeating-linear-gradient(45deg,{stripe} 0 2px,{base} 2px 6px)"
        items.append(f'<li><span class="swatch" style="background:{hatch}"></span>{esc(words_)}</li>')
    if any(row[j].mark for row in tl.lanes for j in tl.kept):
        items.append("<li><b>upd</b> / <b>old</b> (u+o): pods at the update revision / an earlier one</li>")
    return '<ul class="legend">' + "".join(items) + "</ul>"


def _counts_table(tl: Timeline) -> str:
    """The chart's numbers as a table (for readers who cannot see the picture)."""
    labels = phase_labels(tl.trace.scope)
    keys = tl.bound_keys()
    head = (
        ["state", "all pods"]
        + [tl.lanes[0][j].label for j in tl.kept]
        + [next(b.label for row in tl.bounds for b in row if b.key == k) for k in keys]
    )
    rows = [_cells([(esc(h), "") for h in head], "th")]
    for i in range(len(tl.totals)):
        values = {b.key: str(b.value) for b in tl.bounds[i]}
        cells = [tl.step_words(i), _words(tl.totals[i], labels)]
        cells += [tl.lanes[i][j].detail for j in tl.kept] + [values.get(k, "") for k in keys]
        rows.append(_cells([(esc(c), "") for c in cells]))
    return (
        "<details><summary>the chart's numbers as a table</summary>"
        f'<table class="counts">{"".join(rows)}</table></details>'
    )


def _trace_block(
    ident: str, head: list[str], rows: Sequence[Row], verdict: Verdict, trace: Trace, body: list[str], ref: str
) -> str:
    """One trace: its heading lines, the timeline with its legend and table, and the text trace beside it."""
    a = adapter(trace)
    title = head[0]
    out = [f'<article class="trace-block" id="{esc(ident)}"><h3>{esc(title)}</h3>']
    out += [f'<p class="meta mono">{esc(line)}</p>' for line in head[1:]]
    out.append('<div class="pair">')
    if a is not None:
        tl = Timeline.of(trace, a)
        mark = marking(trace, rows, verdict)
        lanes = f"{len(tl.kept)} {a.lane_kind}{'s' if len(tl.kept) != 1 else ''}"
        bounds = ", ".join(tl.bound_keys()) or "no bound lines"
        desc = (
            f"{ref}: pods by phase at each of the {len(tl.totals)} states of the run, in all and per {a.lane_kind} "
            f"({lanes}); lines: {bounds}; {mark.label} at state {len(tl.totals) - 1}."
        )
        chart = timeline_svg(tl, mark, f"{title}: timeline", desc, f"timeline-{ident}")
        width = max(LEFT + len(tl.totals) * STEP_W + RIGHT, 380)
        out.append(
            f'<figure style="width:{width}px">{chart}<figcaption>{_legend(tl)}</figcaption>{_counts_table(tl)}</figure>'
        )
    else:
        out.append(f'<p class="meta">no picture for model {esc(trace.model.name)}: the text trace only</p>')
    out.append(f'<pre class="trace">{esc(chr(10).join(body))}</pre></div></article>')
    return "".join(out)


def _heading(row: Row, mark: bool = True) -> str:
    """A property as the text report's trace headings name it."""
    res = row.result
    label = " (caveat)" if row.caveat and mark else ""
    return f"{res.property.name}{label} — {res.property.doc}" + (f" [{row.sizing_note}]" if row.reduced else "")


def _group(report: ManifestReport, g: TraceGroup, words: TraceLines) -> str:
    wr = report.workloads[g.workload]
    rows = [wr.rows[i] for i in g.rows]
    trace, verdict = g.trace, Verdict.VIOLATED
    if len(rows) == 1:
        caveat = " (caveat)" if rows[0].caveat else ""
        head = [f"trace {g.number}  {verdict.value}{caveat}  {wr.workload.ref}: {_heading(rows[0], mark=False)}"]
        ends = words.conclusion(rows[0].result.property, verdict.value, trace)
    else:
        head = [f"trace {g.number}  {verdict.value}  {wr.workload.ref}: one run breaks {len(rows)} properties"]
        head += [("breaks: " if k == 0 else "        ") + _heading(r) for k, r in enumerate(rows)]
        ends = [
            x for r in rows for x in words.conclusion(r.result.property, verdict.value, trace, r.result.property.short)
        ]
    if wr.workload.assumption:
        head.append(f"assumes: {wr.workload.assumption}")
    body = words.legend(trace) + words.steps(trace) + ends
    return _trace_block(f"trace-{g.number}", head, rows, verdict, trace, body, wr.workload.ref)


def _witness(report: ManifestReport, w: int, i: int, words: TraceLines) -> str:
    wr = report.workloads[w]
    row = wr.rows[i]
    res = row.result
    assert res.trace is not None
    head = [f"{res.verdict.value}  {wr.workload.ref}: {_heading(row)}"]
    if wr.workload.assumption:
        head.append(f"assumes: {wr.workload.assumption}")
    body = (
        words.legend(res.trace) + words.steps(res.trace) + words.conclusion(res.property, res.verdict.value, res.trace)
    )
    return _trace_block(f"witness-{w + 1}-{i + 1}", head, [row], res.verdict, res.trace, body, wr.workload.ref)


def _witnesses(report: ManifestReport, w: int) -> list[int]:
    if not report.verbose:
        return []
    return [
        i
        for i, r in enumerate(report.workloads[w].rows)
        if r.result.trace is not None and r.result.verdict is Verdict.WITNESSED
    ]


def _summary(report: ManifestReport) -> str:
    labels = []
    for wr in report.workloads:
        for r in wr.rows:
            st = report.standing(r)
            labels.append("not applicable" if not st.applicable and not st.counted else st.verdict.value)
    order = [k.value for k in Verdict] + ["not applicable"]
    counts = ", ".join(f"{labels.count(k)} {k}" for k in order if k in labels)
    return f"summary: {counts} in {report.seconds:.1f} s; exit {report.exit_code}"


def render(report: ManifestReport, words: TraceLines = manifest_text.trace_lines) -> str:
    """The report as one self-contained HTML page: the verdict tables, then per trace its timeline and text."""
    groups = trace_groups(report.workloads)
    numbers = group_numbers(groups)
    anchors = {key: (f"trace-{n}", f"trace {n}") for key, n in numbers.items()}
    for w in range(len(report.workloads)):
        for i in _witnesses(report, w):
            anchors.setdefault((w, i), (f"witness-{w + 1}-{i + 1}", "witness"))
    n_props = sum(len(w.rows) for w in report.workloads)
    sources = " ".join(report.sources)
    counts = f"{text.plural(len(report.workloads), 'workload')}, {text.plural(n_props, 'property', 'properties')}"
    faults = "faults: " + ",".join(sorted(report.faults)) if report.faults else "faults off"
    out = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>kubecheck check -f {esc(sources)}</title><style>{CSS}</style></head><body>",
        f'<header><h1>kubecheck check -f {esc(sources)}</h1><p class="meta">{esc(counts)} (Kubernetes '
        f"{KUBERNETES} semantics; user: one template edit; {esc(faults)})</p>",
        f'<p class="summary"><strong>{esc(_summary(report))}</strong></p></header><main>',
    ]
    out += [_workload(report, w, anchors) for w in range(len(report.workloads))]
    if report.rejected:
        out.append("<h2>rejected documents (not checked; the run exits 2)</h2>" + _list(report.rejected))
    if report.ignored:
        out.append('<p class="meta">ignored: ' + esc("; ".join(report.ignored)) + "</p>")
    if report.verbose and report.unknown_fields:
        out.append('<p class="meta">unknown fields (ignored): ' + esc("; ".join(report.unknown_fields)) + "</p>")
    blocks: list[str] = []
    for w in range(len(report.workloads)):
        mine: list[tuple[int, str]] = [(g.rows[0], _group(report, g, words)) for g in groups if g.workload == w]
        mine += [(i, _witness(report, w, i, words)) for i in _witnesses(report, w)]
        blocks += [b for _, b in sorted(mine, key=lambda m: m[0])]
    if blocks:
        out.append('<section class="traces"><h2>traces</h2>' + "".join(blocks) + "</section>")
    terms = footer(report, groups)
    if terms:
        out.append(f'<section class="terms"><pre>{esc(chr(10).join(terms).strip())}</pre></section>')
    out.append("</main></body></html>\n")
    return "\n".join(out)
