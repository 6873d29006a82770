"""Size honestly: check each workload at the manifest's own numbers, and say so when that is not possible.

For each workload the property table of its model is filtered (:func:`select`), then
:func:`check_workload` decides every property:

* **explicit at the real size** when the instance is small enough (``EXPLICIT_LIMITS``:
  Deployment replicas ≤ 5, StatefulSet replicas ≤ 3 on ≤ 3 nodes, DaemonSet ≤ 4 nodes) —
  exhaustive, HOLDS means "for this manifest";
* **a Deployment above the limit**: its always/step/sometimes properties go to IC3/PDR with
  ``replicas`` left symbolic (``for_all``), so a PROVED verdict holds for replicas 50 and for
  every other count; what PDR leaves open, and liveness, is explored at the limit and the row
  says ``explored with replicas=5 of 50``;
* **a StatefulSet above the limit**: its state is per ordinal, so no symbolic replica count
  exists (``StatefulSetScope.not_symbolic``); instead its always/step properties go to
  k-induction *at the real size* (``kind``, k = 1: one solver call each; up to
  ``SYMBOLIC_LIMITS``), and a PROVED row says ``k-induction`` at ``replicas=50, nodes=2``: a
  proof for this manifest's numbers, not for other replica counts. What is not 1-inductive
  (``pod_mounts_own_claim`` needs a strengthening PDR only finds at small sizes), and every
  sometimes/liveness/terminal property, is explored at the limit and the row says
  ``explored with replicas=3 of 50, nodes=2``;
* **a DaemonSet above the limit**: explored at the limit, ``explored with nodes=4 of 8``.
  Never silently.

Measured here (2 shared cores; papers/statefulset-symbolic.md): replicas 50, two nodes,
one template edit — building the encoding about 25 s, each 1-inductive proof 10–25 s.

Property selection: a property whose scope adjustment changes a field that came from the
manifest (it speaks about Parallel when the manifest says OrderedReady, about ReadWriteOncePod
when the claim is ReadWriteOnce) is left out as *another configuration*; one that switches on
faults is left out unless those faults were asked for (``faults``, the CLI's ``--faults``). User actions that properties
add (a rollback, a scale-down) stay: they are what a user of this manifest may do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from kubecheck.checker import run
from kubecheck.checker.explicit.bfs import Budget
from kubecheck.checker.result import Result, Verdict
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.properties import catalog
from kubecheck.checker.task import Task

#: The largest instance explored exhaustively, per model (above it: symbolic or reduced, and said so).
EXPLICIT_LIMITS = {"deployment": {"replicas": 5}, "statefulset": {"replicas": 3, "nodes": 3}, "daemonset": {"nodes": 4}}
#: Fields of each scope that come from the manifest (a property that changes one speaks about another configuration).
MANIFEST_FIELDS = {
    "deployment": (
        "replicas",
        "max_surge",
        "max_unavailable",
        "strategy",
        "min_ready_seconds",
        "revision_history_limit",
        "claims",
        "access_mode",
        "read_only_mount",
    ),
    "statefulset": (
        "replicas",
        "ordinals_start",
        "pod_management",
        "strategy",
        "partition",
        "max_unavailable",
        "min_ready_seconds",
        "when_deleted",
        "when_scaled",
        "claims",
        "access_mode",
        "read_only_mount",
        "broken_release",
    ),
    "daemonset": ("strategy", "max_unavailable", "max_surge", "min_ready_seconds", "node_classes", "start"),
}
PDR_SECONDS = 20.0
#: The largest StatefulSet checked symbolically at its own size (the encoding grows with ordinals × nodes,
#: quadratically in time: about 25 s to build at replicas 50 on two nodes).
SYMBOLIC_LIMITS = {"statefulset": {"replicas": 64, "nodes": 4}}
#: Per property, for the symbolic engines at a StatefulSet's real size (building the encoding not included).
KIND_SECONDS = 60.0


@attrs.frozen
class Row:
    """One property of one workload: the Result, how it was obtained, and its role."""

    result: Result
    method: str  # "explicit", "pdr (all values of replicas)", …
    size: str  # "replicas=3" or "replicas=5 of 50" …
    reduced: bool  # explored at a smaller scope than the manifest's
    caveat: bool  # upstream does not guarantee it: shown, never fails the run (unless strict)

    @property
    def sizing_note(self) -> str:
        return f"explored with {self.size}" if self.reduced else ""


@attrs.frozen
class Skipped:
    name: str
    reason: str


def is_caveat(prop: Any) -> bool:
    return prop.upstream.startswith("not guaranteed")


def _changed(model: str, scope: Any, adjusted: Any) -> list[str]:
    return [f for f in MANIFEST_FIELDS[model] if hasattr(scope, f) and getattr(scope, f) != getattr(adjusted, f)]


def select(workload: Workload, faults: frozenset[str] = frozenset()) -> tuple[list[Any], list[Skipped]]:
    """The properties that speak about this manifest, and the others with the reason they were left out."""
    chosen, skipped = [], []
    for prop in catalog.properties(workload.model):
        adjusted = prop.adjust(workload.scope)
        changed = _changed(workload.model, workload.scope, adjusted)
        if changed:
            skipped.append(
                Skipped(
                    prop.name,
                    "another configuration: "
                    + ", ".join(f"{c.replace('_', '-')}={getattr(adjusted, c)}" for c in changed),
                )
            )
        elif not adjusted.faults <= faults:
            needed = ",".join(sorted(adjusted.faults))
            skipped.append(Skipped(prop.name, f"needs faults: {needed} (--faults {needed})"))
        else:
            chosen.append(prop)
    return chosen, skipped


def _sizes(workload: Workload) -> dict[str, int]:
    sc = workload.scope
    if workload.model == "deployment":
        return {"replicas": sc.replicas}
    if workload.model == "statefulset":
        return {"replicas": sc.replicas, "nodes": workload.nodes_given}
    return {"nodes": workload.nodes_given}


def _reduced_scope(workload: Workload) -> tuple[Any, dict[str, tuple[int, int]]]:
    """The scope at the explicit limits, and {field: (explored, real)} for the fields that shrank."""
    limits = EXPLICIT_LIMITS[workload.model]
    shrunk = {k: (limits[k], v) for k, v in _sizes(workload).items() if v > limits[k]}
    sc = workload.scope
    changes: dict[str, Any] = {k: lo for k, (lo, _) in shrunk.items()}
    if workload.model == "deployment" and "replicas" in shrunk:
        r = changes["replicas"]
        for f in ("max_surge", "max_unavailable"):
            v = getattr(sc, f)
            if not v.is_percent and v.value > r:
                changes[f] = IntOrPercent(r)
    if workload.model == "statefulset" and "replicas" in shrunk:
        changes["partition"] = min(sc.partition, changes["replicas"])
    if workload.model == "daemonset" and "nodes" in shrunk and sc.node_classes:
        n = changes["nodes"]
        changes["node_classes"] = sc.node_classes[: n - 1] + sc.node_classes[-1:]
    if "nodes" in changes and workload.model == "statefulset":
        pass
    return attrs.evolve(sc, **changes), shrunk


def _real_scope(workload: Workload) -> Any:
    """The manifest's scope with the node count the model can take (≤ its parameter's maximum)."""
    return workload.scope


def _size_text(scope: Any, model: str, shrunk: dict[str, tuple[int, int]]) -> str:
    keys = ("replicas", "nodes") if model == "statefulset" else (("replicas",) if model == "deployment" else ("nodes",))
    parts = []
    for k in keys:
        if k in shrunk:
            parts.append(f"{k}={shrunk[k][0]} of {shrunk[k][1]}")
        else:
            parts.append(f"{k}={getattr(scope, k)}")
    return ", ".join(parts)


_ENGINE_NAMES = {"kind": "k-induction"}


def _method(result: Result, for_all: Sequence[str]) -> str:
    if result.verdict is Verdict.PROVED and for_all and "all values" in result.note:
        return f"{result.engine} (all values of {', '.join(for_all)})"
    return _ENGINE_NAMES.get(result.engine, result.engine)


def _within_symbolic_limits(workload: Workload) -> bool:
    limits = SYMBOLIC_LIMITS.get(workload.model)
    return limits is not None and all(v <= limits[k] for k, v in _sizes(workload).items())


def _statefulset_at_size(
    workload: Workload,
    props: Sequence[Any],
    engine: str,
    budget: Budget,
    progress: Callable[[Any], None] | None,
    rows: dict[str, Row],
) -> list[Any]:
    """Always/step properties of a large StatefulSet by a symbolic engine at the manifest's size; the rest stay open.

    ``auto`` means k-induction with k = 1 (one solver call per property: a 1-inductive property is
    proved, anything else is left to the reduced explicit search). Decided rows go into ``rows``.
    """
    model = catalog.model(workload.model)
    real = _real_scope(workload)
    sym = [p for p in props if p.kind in ("always", "step")]
    if not sym or not _within_symbolic_limits(workload):
        return list(props)
    eng = "kind" if engine == "auto" else engine
    depth = 0 if eng == "kind" else None
    seconds = KIND_SECONDS if eng == "kind" else PDR_SECONDS
    cap = seconds * len(sym)
    part = attrs.evolve(budget, timeout=min(budget.timeout, cap) if budget.timeout else cap)
    results = run.check(Task(model, real, sym, budget=part, progress=progress, engine=eng, depth=depth))
    open_props = [p for p in props if p not in sym]
    for p, r in zip(sym, results):
        if r.verdict is not Verdict.INCONCLUSIVE:
            rows[p.name] = Row(r, _method(r, ()), _size_text(r.scope, workload.model, {}), False, is_caveat(p))
            continue
        why = (
            "not 1-inductive"
            if eng == "kind" and r.stats.stop_reason == "bound"
            else (r.stats.stop_reason or "unknown")
        )
        rows[p.name] = Row(
            r, f"{_ENGINE_NAMES.get(eng, eng)} at {_size_text(real, workload.model, {})}: {why}", "", True, is_caveat(p)
        )
        open_props.append(p)
    return [p for p in props if p in open_props]


def check_workload(
    workload: Workload,
    props: Sequence[Any],
    engine: str = "auto",
    budget: Budget = Budget(),
    progress: Callable[[Any], None] | None = None,
    strict: bool = False,
) -> list[Row]:
    """Every property of ``props`` decided for ``workload``, sized as the module docstring says (table order)."""
    reduced, shrunk = _reduced_scope(workload)
    model = catalog.model(workload.model)
    real = _real_scope(workload)
    rows: dict[str, Row] = {}
    symbolic_kinds = ("always", "step", "sometimes")
    if not shrunk:
        eng = "explicit" if engine == "auto" else engine
        results = run.check(Task(model, real, props, budget=budget, progress=progress, engine=eng))
        size = _size_text(real, workload.model, {})
        for p, r in zip(props, results):
            rows[p.name] = Row(r, _method(r, ()), size, False, is_caveat(p))
        return [rows[p.name] for p in props]
    open_props = list(props)
    if workload.model == "statefulset" and engine != "explicit":
        open_props = _statefulset_at_size(workload, props, engine, budget, progress, rows)
    if workload.model == "deployment" and engine != "explicit":
        for_all = ("replicas",) if engine in ("auto", "pdr") else ()
        eng = "pdr" if engine == "auto" else engine
        sym = [p for p in props if p.kind in symbolic_kinds]
        for p in sym:
            part = attrs.evolve(budget, timeout=min(budget.timeout or PDR_SECONDS, PDR_SECONDS))
            started = time.perf_counter()
            r = run.check(Task(model, real, [p], budget=part, progress=progress, engine=eng, for_all=for_all))[0]
            if r.verdict is not Verdict.INCONCLUSIVE:
                size = (
                    "replicas: all values"
                    if for_all and r.verdict is Verdict.PROVED
                    else _size_text(real, "deployment", {})
                )
                rows[p.name] = Row(r, _method(r, for_all), size, False, is_caveat(p))
                open_props.remove(p)
            else:
                waited = time.perf_counter() - started
                rows[p.name] = Row(r, f"{eng}: unknown after {waited:.0f} s", "", True, is_caveat(p))
    if open_props:
        results = run.check(Task(model, reduced, open_props, budget=budget, progress=progress, engine="explicit"))
        size = _size_text(reduced, workload.model, shrunk)
        for p, r in zip(open_props, results):
            tried = rows.get(p.name)
            method = r.engine + (f" ({tried.method})" if tried is not None else "")
            rows[p.name] = Row(r, method, size, True, is_caveat(p))
    return [rows[p.name] for p in props]
