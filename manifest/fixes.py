"""The nearest fix: for a VIOLATED property of a manifest, the smallest change of its settings under
which the property holds, re-checked, as a patch the user can apply.

**What is searched.** Each workload kind has *knobs*: the manifest fields its model reads and a
user may change (:data:`KNOBS`): a Deployment's strategy, maxSurge, maxUnavailable,
minReadySeconds and replicas; a StatefulSet's update strategy, partition, maxUnavailable,
podManagementPolicy, minReadySeconds and replicas; a DaemonSet's update strategy, maxSurge,
maxUnavailable and minReadySeconds. A Deployment's or StatefulSet's PodDisruptionBudget (when exactly one selects its
pods, so its scope carries the budget: manifest/budgets.py) adds the budget's minAvailable,
maxUnavailable and unhealthyPodEvictionPolicy: values in the form the user wrote (an integer near
it, or a percent that the disruption controller resolves to a nearby count: getExpectedPodCount in
pkg/controller/disruption/disruption.go resolves a percent against the controller's scale, rounding
up), and the switch from one bound to the other (two fields: the API server refuses both,
ValidatePodDisruptionBudgetSpec in pkg/apis/policy/validation, so the patch's ``null`` removes the
one written, RFC 7386 as ``kubectl patch --type merge`` applies it). A budget's fix is a patch of the
budget object (``kubectl patch poddisruptionbudget NAME``), named from the manifest's records by
:func:`aim_at_budgets`; a candidate never mixes a budget field with a workload field. A knob
offers values near the manifest's (nearest first:
one more, one less, …; the other strategy). Candidates change one knob, then two; they are
tried in order of (fields changed, total distance, knob order: rollout settings, then the
budget's fields, before replicas),
at most :data:`MAX_CANDIDATES` per property, so the search is the same on every machine. A
candidate the API server would refuse (``validate`` of the scope: e.g. maxSurge and
maxUnavailable both 0) is skipped. Values are enumerated over these small ranges: the symbolic
encodings do not take a strategy or a template edit as a parameter, so a Z3 search over them
would cover only part of the knobs; the closing note of a run says which were searched.

**How a candidate is judged.** By the method that found the violation, at the same instance:
the explicit engine (safety or fair-cycle liveness) on the violated row's own scope with the
candidate's values, the property's own scope adjustment applied again (so a candidate cannot
change a setting the property fixes). It fixes the property when that run says HOLDS
(PROVED, or WITNESSED for a ``sometimes`` property). The first fix is then checked against
every other property of the workload that held at that instance: the ones it breaks are listed
(``breaks``); the search goes on (within its candidates) for a fix that breaks nothing and
returns the first such fix, else the first fix with what it breaks.

**What is claimed.** A fix says what was re-checked: the property HOLDS at the row's instance
(e.g. replicas=3) by the explicit engine — no more than the violation claimed. A row explored
at a reduced size says so in its size, and so does its fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from itertools import combinations
from typing import Any

import attrs

from kubecheck.checker import run
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Budget, Deadline, Task
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.disruption_util import UNHEALTHY_POD_EVICTION_POLICIES
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.property import Property, is_caveat
from kubecheck.model.kernel.scopes import ScopeError
from kubecheck.properties import catalog

#: Candidates tried per violated property (one knob, then two, nearest first).
MAX_CANDIDATES = 30
#: Each re-check's budget: a fix is only a fix if its run finished.
CHECK_BUDGET = Budget(max_states=200_000, timeout=20.0)
#: Seconds all fix searches of one workload may take together (a bound for slow re-checks; the
#: candidate count decides the search on any ordinary machine).
FIX_SECONDS = 30.0
#: Verdicts that mean the property is satisfied.
GOOD = (Verdict.HOLDS, Verdict.PROVED, Verdict.WITNESSED)


@attrs.frozen
class Knob:
    """A manifest field a fix may change: the scope field, its path in the object, nearby values."""

    field: str
    path: tuple[str, ...]
    values: Callable[[Any], list[Any]]  # candidate values for a scope, nearest first (never the current)
    applies: Callable[[Any], bool] = lambda sc: True
    note: str = ""  # said with the patch (e.g. an immutable field)
    #: the object the field is in: "" for the workload, else its kind (a PodDisruptionBudget's fields)
    target: str = ""
    #: other scope fields a value changes with it (switching a budget's bound removes the other one)
    also: Callable[[Any, Any], dict[str, Any]] = lambda sc, v: {}


@attrs.frozen
class Change:
    """One field changed: its path in the manifest, the value there, the value the fix writes."""

    path: tuple[str, ...]
    old: Any
    new: Any
    note: str = ""

    @property
    def where(self) -> str:
        return ".".join(self.path)


@attrs.frozen
class Fix:
    """The nearest configuration found (or ``changes == ()``: none in the searched range)."""

    prop: str  # the property's name
    changes: tuple[Change, ...]
    checked: str  # what re-checked it: "HOLDS at replicas=3 (explicit)"
    breaks: tuple[str, ...] = ()  # other properties that held and break under the fix
    searched: str = ""  # what was searched (always said; the whole story when nothing helps)
    kind: str = ""  # the kind (Deployment, …, PodDisruptionBudget) and name of the object the patch targets
    name: str = ""
    namespace: str = "default"

    @property
    def found(self) -> bool:
        return bool(self.changes)

    @property
    def object(self) -> str:
        """The patched object as kubectl names it: ``poddisruptionbudget/checkout``."""
        return f"{self.kind.lower()}/{self.name}"

    @property
    def on_budget(self) -> bool:
        """The patch targets the workload's PodDisruptionBudget, not the workload."""
        return self.kind == PDB

    @property
    def elsewhere(self) -> bool:
        """The patch targets another object than the workload (its budget or its autoscaler)."""
        return self.kind in (PDB, HPA)

    def merge_patch(self) -> dict[str, Any]:
        """The JSON merge patch (RFC 7386) of the changes; switching a Deployment to Recreate drops rollingUpdate."""
        patch: dict[str, Any] = {}
        for c in self.changes:
            node = patch
            for key in c.path[:-1]:
                node = node.setdefault(key, {})
            node[c.path[-1]] = c.new
            if c.path == ("spec", "strategy", "type") and c.new == "Recreate":
                patch["spec"]["strategy"]["rollingUpdate"] = None
        return patch

    def kubectl(self) -> str:
        """The ``kubectl patch`` line that applies the fix."""
        body = json.dumps(self.merge_patch(), separators=(",", ":"))
        ns = f" -n {self.namespace}" if self.namespace != "default" else ""
        return f"kubectl patch {self.kind.lower()} {self.name}{ns} --type merge -p '{body}'"

    def yaml_lines(self) -> list[str]:
        """The changed fields as the manifest would read them (``path: new  # was old``); a fix of
        another object than the workload (its budget) starts with a comment naming it."""
        lines = [f"# {self.object} (namespace {self.namespace})"] if self.elsewhere else []
        for c in self.changes:
            if c.new is None:
                lines.append(f"{c.where}: null  # was {_yaml(c.old)}; the merge patch's null removes the field")
            else:
                lines.append(f"{c.where}: {_yaml(c.new)}  # was {_yaml(c.old)}")
        return lines


def _yaml(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, str) and value.endswith("%"):
        return repr(value)
    return str(value)


def _manifest_value(value: Any) -> Any:
    """A scope value as the manifest writes it (IntOrPercent as 1 or "25%")."""
    if isinstance(value, IntOrPercent):
        return f"{value.value}%" if value.is_percent else value.value
    return value


# -- the knobs ---------------------------------------------------------------------------------


def _near_ints(current: int, low: int, high: int) -> list[int]:
    out = []
    for d in (1, 2, 3):
        for v in (current + d, current - d):
            if low <= v <= high and v not in out:
                out.append(v)
    return out


def _near_intstr(field: str, round_up: bool) -> Callable[[Any], list[Any]]:
    """Integers near the value the controller resolves (a percent of replicas rounded as upstream does)."""

    def values(sc: Any) -> list[Any]:
        current: IntOrPercent = getattr(sc, field)
        total = getattr(sc, "replicas", 0) or getattr(sc, "nodes", 0) or 1
        resolved = current.resolve(total, round_up) if current.is_percent else current.value
        out = [IntOrPercent(v) for v in _near_ints(resolved, 0, max(total, resolved + 1))]
        if current.is_percent and IntOrPercent(resolved) not in out:
            out.insert(0, IntOrPercent(resolved))  # the same number, written as an integer
        return [v for v in out if v != current]

    return values


def _choice(field: str, *choices: str) -> Callable[[Any], list[Any]]:
    return lambda sc: [c for c in choices if c != getattr(sc, field)]


def _min_ready(sc: Any) -> list[int]:
    return [0] if sc.min_ready_seconds else [10]


def _replicas(sc: Any) -> list[int]:
    return _near_ints(sc.replicas, 1, sc.replicas + 2)


def _rolling(sc: Any) -> bool:
    return getattr(sc, "strategy", "RollingUpdate") == "RollingUpdate"


def _has_budget(sc: Any) -> bool:
    """A PodDisruptionBudget with a bound selects the pods (budgets.py maps the manifest's onto the scope)."""
    return getattr(sc, "pdb_min_available", None) is not None or getattr(sc, "pdb_max_unavailable", None) is not None


def _percent_for(count: int, total: int, near: int) -> IntOrPercent | None:
    """The percent nearest ``near`` (a multiple of 5 when one fits) that the disruption controller
    resolves to ``count`` of ``total`` (GetScaledValueFromIntOrPercent, rounding up); None if none does."""
    fits = [p for p in range(101) if IntOrPercent(p, True).resolve(total, True) == count]
    round_ones = [p for p in fits if p % 5 == 0] or fits
    return IntOrPercent(min(round_ones, key=lambda p: (abs(p - near), p)), True) if round_ones else None


def _budget_bound(field: str, other: str) -> Callable[[Any], list[Any]]:
    """Values of a budget's ``field`` (minAvailable or maxUnavailable) near the manifest's, in the form
    the user wrote (integer or percent); when the budget sets the ``other`` bound, values of this one
    near the same floor (a switch: the fix also removes the other, see :func:`_drops`).

    The expected count a percent resolves against is the Deployment's replicas (getExpectedScale: the
    controller's scale), and both bounds round up (pkg/controller/disruption/disruption.go
    getExpectedPodCount). Values range over 0..replicas."""

    def values(sc: Any) -> list[Any]:
        total = sc.replicas
        current: IntOrPercent | None = getattr(sc, field)
        if current is not None:
            form, resolved, near = current, current.resolve(total, True), current.value
        else:
            written: IntOrPercent = getattr(sc, other)
            form, resolved = written, total - written.resolve(total, True)  # the same floor, the other way
            near = 100 - written.value
        counts = _near_ints(resolved, 0, total)
        out: list[IntOrPercent] = []
        for n in counts:
            value = _percent_for(n, total, near) if form.is_percent else IntOrPercent(n)
            if value is not None and value != current and value not in out:
                out.append(value)
        return out

    return values


def _drops(other: str) -> Callable[[Any, Any], dict[str, Any]]:
    """Setting one bound of a budget removes the other (the API server refuses both: validate_budget_spec)."""
    return lambda sc, v: {other: None} if getattr(sc, other, None) is not None else {}


PDB = "PodDisruptionBudget"
HPA = "HorizontalPodAutoscaler"


def _has_autoscaler(sc: Any) -> bool:
    """A HorizontalPodAutoscaler targets the Deployment (scope hpa-max-replicas set, issue 16 interface)."""
    return getattr(sc, "hpa_max_replicas", None) not in (None, "none")


def _hpa_min(sc: Any) -> list[int]:
    """minReplicas near the manifest's, 1..maxReplicas (0 needs the HPAScaleToZero gate, off by default:
    ValidateHorizontalPodAutoscalerSpec in pkg/apis/autoscaling/validation)."""
    return _near_ints(sc.hpa_min_replicas, 1, int(sc.hpa_max_replicas))


#: HOOK (issue 16 item 6): the autoscaler's minReplicas is a knob once the Deployment scope has the
#: hpa-min-replicas parameter (the autoscaler branch); until then it is not searched. Its patch targets the
#: autoscaler, named like a budget (:func:`aim_at_budgets`).
_HPA_KNOBS: tuple[Knob, ...] = (
    (Knob("hpa_min_replicas", ("spec", "minReplicas"), _hpa_min, _has_autoscaler, target=HPA),)
    if "hpa_min_replicas" in {f.name for f in attrs.fields(DeploymentScope)}
    else ()
)
#: The PodDisruptionBudget over the pods (patched as its own object; before replicas: a budget that
#: blocks evictions is the budget's problem, not the workload's size). The Deployment and StatefulSet
#: scopes name the budget's fields alike.
_BUDGET_KNOBS: tuple[Knob, ...] = (
    Knob(
        "pdb_min_available",
        ("spec", "minAvailable"),
        _budget_bound("pdb_min_available", "pdb_max_unavailable"),
        _has_budget,
        target=PDB,
        also=_drops("pdb_max_unavailable"),
    ),
    Knob(
        "pdb_max_unavailable",
        ("spec", "maxUnavailable"),
        _budget_bound("pdb_max_unavailable", "pdb_min_available"),
        _has_budget,
        target=PDB,
        also=_drops("pdb_min_available"),
    ),
    Knob(
        "pdb_unhealthy_policy",
        ("spec", "unhealthyPodEvictionPolicy"),
        _choice("pdb_unhealthy_policy", *UNHEALTHY_POD_EVICTION_POLICIES),
        _has_budget,
        target=PDB,
    ),
)
_ROLLING = ("spec", "strategy", "rollingUpdate")
_UPDATE = ("spec", "updateStrategy", "rollingUpdate")
#: Per model, the knobs in the order fixes prefer them (rollout settings first, replicas last).
KNOBS: dict[str, tuple[Knob, ...]] = {
    "deployment": (
        Knob("strategy", ("spec", "strategy", "type"), _choice("strategy", "RollingUpdate", "Recreate")),
        Knob("max_surge", (*_ROLLING, "maxSurge"), _near_intstr("max_surge", True), _rolling),
        Knob("max_unavailable", (*_ROLLING, "maxUnavailable"), _near_intstr("max_unavailable", False), _rolling),
        Knob("min_ready_seconds", ("spec", "minReadySeconds"), _min_ready),
        *_BUDGET_KNOBS,
        *_HPA_KNOBS,
        Knob("replicas", ("spec", "replicas"), _replicas),
    ),
    "statefulset": (
        Knob("strategy", ("spec", "updateStrategy", "type"), _choice("strategy", "RollingUpdate", "OnDelete")),
        Knob("partition", (*_UPDATE, "partition"), lambda sc: _near_ints(sc.partition, 0, sc.replicas), _rolling),
        Knob(
            "max_unavailable",
            (*_UPDATE, "maxUnavailable"),
            _near_intstr("max_unavailable", False),
            lambda sc: _rolling(sc) and sc.max_unavailable_gate,
        ),
        Knob(
            "pod_management",
            ("spec", "podManagementPolicy"),
            _choice("pod_management", "OrderedReady", "Parallel"),
            note="podManagementPolicy is immutable: delete the StatefulSet with --cascade=orphan and re-create it",
        ),
        Knob("min_ready_seconds", ("spec", "minReadySeconds"), _min_ready),
        *_BUDGET_KNOBS,
        Knob("replicas", ("spec", "replicas"), _replicas),
    ),
    "daemonset": (
        Knob("strategy", ("spec", "updateStrategy", "type"), _choice("strategy", "RollingUpdate", "OnDelete")),
        Knob("max_surge", (*_UPDATE, "maxSurge"), _near_intstr("max_surge", True), _rolling),
        Knob("max_unavailable", (*_UPDATE, "maxUnavailable"), _near_intstr("max_unavailable", True), _rolling),
        Knob("min_ready_seconds", ("spec", "minReadySeconds"), _min_ready),
    ),
}


#: Knobs whose values do not depend on the instance's size: the only ones a row explored at a reduced
#: size may change (a replica count or a number resolved from a percent there is not the manifest's).
SIZE_FREE = frozenset({"strategy", "pod_management", "min_ready_seconds", "pdb_unhealthy_policy"})


def knobs_for(model: str, sc: Any, reduced: bool = False) -> list[Knob]:
    """The knobs that apply to ``sc`` (at a reduced size: only :data:`SIZE_FREE` ones)."""
    return [k for k in KNOBS.get(model, ()) if k.applies(sc) and (not reduced or k.field in SIZE_FREE)]


def candidates(model: str, sc: Any, limit: int = MAX_CANDIDATES, reduced: bool = False) -> list[dict[str, Any]]:
    """Scope changes nearest first: one field, then two (a knob's value with the fields it changes too,
    e.g. a budget switched from minAvailable to maxUnavailable); each a dict field -> value. Two knobs
    combine only when they are fields of the same object (one patch each)."""
    knobs = knobs_for(model, sc, reduced)
    options = [
        (i, k, rank, {**k.also(sc, v), k.field: v}) for i, k in enumerate(knobs) for rank, v in enumerate(k.values(sc))
    ]
    out: list[tuple[tuple[int, int, int], dict[str, Any]]] = [((len(c), r, i), c) for i, _k, r, c in options]
    out += [
        ((len(a[3]) + len(b[3]), a[2] + b[2], a[0] + b[0]), {**a[3], **b[3]})
        for a, b in combinations(options, 2)
        if a[1].target == b[1].target and not set(a[3]) & set(b[3])
    ]
    out.sort(key=lambda p: p[0])
    return [changes for _, changes in out][:limit]


# -- the search --------------------------------------------------------------------------------


def _valid(sc: Any) -> bool:
    try:
        sc.validate()
    except ScopeError:
        return False
    return True


def _evolved(sc: Any, changes: dict[str, Any]) -> Any:
    """``sc`` with ``changes``, or None when the API server would refuse them."""
    try:
        out = attrs.evolve(sc, **changes)
    except (TypeError, ValueError):
        return None
    return out if _valid(out) else None


def _check(model: str, scope: Any, props: Sequence[Property], changes: dict[str, Any]) -> dict[str, Result]:
    """``props`` (which share ``scope``) re-checked on ``scope`` with ``changes``: name -> result
    (empty when the changes are refused)."""
    changed = _evolved(scope, changes)
    if changed is None:
        return {}
    task = Task(catalog.model(model), changed, tuple(props), budget=CHECK_BUDGET, engine="explicit")
    try:
        results = run.check(task)
    except ScopeError:
        return {}  # a property's own adjustment refuses the candidate
    return {r.property.name: r for r in results}


def _size(size: str) -> str:
    return f" at {size}" if size else ""


def _resized(size: str, changes: dict[str, Any]) -> str:
    """The row's instance (``replicas=3, nodes=2``) as the re-check ran it: with a changed replica count
    (never at a reduced size: the replica count is not a candidate there)."""
    if "replicas" in changes and "replicas=" in size:
        return re.sub(r"replicas=\d+", f"replicas={changes['replicas']}", size)
    return size


def _by_scope(results: Sequence[Result]) -> dict[Any, list[Result]]:
    groups: dict[Any, list[Result]] = {}
    for r in results:
        groups.setdefault(r.scope, []).append(r)
    return groups


def search_fixes(
    model: str,
    kind: str,
    name: str,
    namespace: str,
    violated: Sequence[Result],
    size: str,
    others: Sequence[Result] = (),
    limit: int = MAX_CANDIDATES,
    deadline: Deadline | None = None,
    objects: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, Fix]:
    """The nearest fix of each result of ``violated`` (property name -> Fix; see the module docstring).

    ``violated`` are one workload's VIOLATED rows explored at one instance (``size``), ``others`` its
    rows that held there (to tell what a fix breaks). Rows with the same scope are re-checked
    together: one search per candidate for all of them; scopes with a property upstream guarantees
    are searched before scopes of caveats only (the time budget is the workload's). ``objects`` maps
    the kind of another object a fix may patch (the PodDisruptionBudget over the workload's pods, its
    autoscaler) to its (name, namespace); a kind not there is named afterwards by :func:`aim_at_budgets`.
    """
    fixes: dict[str, Fix] = {}
    breaks_cache: dict[tuple, tuple[str, ...]] = {}
    groups = sorted(_by_scope(violated).items(), key=lambda g: all(is_caveat(r.property) for r in g[1]))
    for scope, group in groups:
        reduced = " of " in size  # explored at a smaller instance than the manifest's
        tried = candidates(model, scope, limit, reduced)
        knobs = sorted({_knob_name(k) for k in knobs_for(model, scope, reduced)})
        searched = (
            f"searched {len(tried)} configurations near the manifest's (one field, then two: {', '.join(knobs)}), "
            f"each re-checked by the explicit engine{_size(size)}"
            + ("; at a reduced size only the fields that do not depend on it" if reduced else "")
        )
        first: dict[str, Fix] = {}
        open_props = {r.property.name: r.property for r in group}
        for n, changes in enumerate(tried):
            if not open_props:
                break
            if deadline is not None and deadline.passed():
                searched = f"stopped by the time budget after {n} of {len(tried)}: " + searched
                break
            checked = _check(model, scope, list(open_props.values()), changes)
            for prop_name, r in checked.items():
                if r.verdict not in GOOD:
                    continue
                key = tuple(sorted(changes.items(), key=lambda kv: kv[0]))
                if key not in breaks_cache:
                    breaks_cache[key] = _breaks(model, others, changes)
                target = _target(model, changes)
                other_name, other_ns = (objects or {}).get(target, ("", namespace))
                fix = Fix(
                    prop_name,
                    _changes(model, scope, changes),
                    f"{r.verdict.value}{_size(_resized(size, changes))} (explicit, {r.stats.states:,} states)",
                    breaks_cache[key],
                    searched,
                    target or kind,
                    other_name if target else name,
                    other_ns if target else namespace,
                )
                if not fix.breaks:
                    fixes[prop_name] = fix
                    del open_props[prop_name]
                else:
                    first.setdefault(prop_name, fix)
        for r in group:
            if r.property.name in fixes:
                continue
            if r.property.name in first:
                fixes[r.property.name] = attrs.evolve(first[r.property.name], searched=searched)
            else:
                nothing = f"nothing helps: {searched}"
                fixes[r.property.name] = Fix(r.property.name, (), "", (), nothing, kind, name, namespace)
    return fixes


def _knob_name(k: Knob) -> str:
    """How the closing note names a knob: ``strategy.type``, ``budget minAvailable``."""
    where = ".".join(k.path[1:])
    return {PDB: f"budget {where}", HPA: f"autoscaler {where}"}.get(k.target, where)


def aim_at_budgets(report: Any, documents: Sequence[Any]) -> Any:
    """``report`` (a ManifestReport) with each fix of a budget's (or autoscaler's) fields aimed at that
    object: its name and namespace from the manifests' records (:func:`kubecheck.manifest.budgets.budgets_of`,
    ``autoscalers_of``; the scope takes one only when exactly one applies to the workload)."""
    from kubecheck.manifest import budgets, validation

    records = [r for _, r in validation.read_records(documents)[0]]
    out = []
    for wr in report.workloads:
        found = {
            PDB: budgets.budgets_of(wr.workload.obj, records),
            HPA: budgets.autoscalers_of(wr.workload.obj, records),
        }
        named = {kind: objs[0].meta for kind, objs in found.items() if len(objs) == 1}
        rows = tuple(
            attrs.evolve(r, fix=attrs.evolve(r.fix, name=named[r.fix.kind].name, namespace=named[r.fix.kind].namespace))
            if r.fix is not None and r.fix.elsewhere and not r.fix.name and r.fix.kind in named
            else r
            for r in wr.rows
        )
        out.append(attrs.evolve(wr, rows=rows))
    return attrs.evolve(report, workloads=tuple(out))


def _target(model: str, changes: dict[str, Any]) -> str:
    """The object ``changes`` patch: "" for the workload, else its kind (candidates never mix objects)."""
    by_field = {k.field: k for k in KNOBS[model]}
    return by_field[next(iter(changes))].target


def _changes(model: str, sc: Any, changes: dict[str, Any]) -> tuple[Change, ...]:
    by_field = {k.field: k for k in KNOBS[model]}
    return tuple(
        Change(by_field[f].path, _manifest_value(getattr(sc, f)), _manifest_value(v), by_field[f].note)
        for f, v in changes.items()
    )


#: A Deployment switched to Recreate keeps ``availability_floor`` holding only because Recreate promises no
#: floor (deployment_util.go:MinAvailable is 0 for it: every old pod stops before a new one starts), so a fix
#: making that switch is said to break the floor the manifest's RollingUpdate kept, instead of being offered as
#: breaking nothing (a user with maxUnavailable 25 % told to accept an outage on every rollout to silence a caveat).
_NO_FLOOR_UNDER = {"deployment": ("strategy", "Recreate", "deployment.availability_floor")}


def _breaks(model: str, others: Sequence[Result], changes: dict[str, Any]) -> tuple[str, ...]:
    """The properties of ``others`` (which held) that ``changes`` break (and the floor a switch to a
    strategy without one gives up: :data:`_NO_FLOOR_UNDER`)."""
    out = []
    for scope, group in _by_scope(others).items():
        checked = _check(model, scope, [r.property for r in group], changes)
        out += [n for n, r in checked.items() if r.verdict in (Verdict.VIOLATED, Verdict.UNREACHABLE)]
    if model in _NO_FLOOR_UNDER:
        knob, value, floor = _NO_FLOOR_UNDER[model]
        if changes.get(knob) == value and any(r.property.name == floor for r in others):
            out.append(floor)
    return tuple(sorted(set(out)))
