"""The Deployment model without symmetry reduction: one state slot per pod.

Benchmark companion of :mod:`kubecheck.model.controllers.deployment`, written to measure what
that model's counter representation saves. Same semantics, different encoding:

* pods are slots ``i = 0 .. scope.slots-1``: ``pod_rs[i]`` is the ReplicaSet (template index)
  of the pod in slot i, or ``NO_POD`` (-1) for a free slot; ``pod_phase[i]`` is one of
  ``PHASES`` (a free slot holds phase 0, so each set of pods has one encoding per placement);
* the Deployment, its ReplicaSets and the user are the counter model's own commands, run on a
  *counter view* (:func:`counter_view`): a ``DeploymentState`` whose pod counts are
  ``ops.count`` expressions over the slots. Nothing of ``deployment_sync`` is rewritten;
* the ReplicaSet controller, scheduler, kubelet and clock act on individual pods: the
  scheduler binds pod i, the kubelet readies pod i. A ReplicaSet sync creates its pods in any
  free slots and deletes any pods of the lowest-ranked phases (upstream's
  ``ActivePodsWithRanks`` with Ready and available pods tied, as the counter model's
  ``from_ready`` split allows): each choice of slots is its own action, with no
  canonicalisation — what a per-pod model without symmetry reduction explores.

Projecting a per-pod state to counts (:func:`project`) gives a counter-model state; the
benchmark checks that the projections of the reachable per-pod states are exactly the counter
model's reachable states (``check_projection``).

Bounds: ``slots`` (how many pod objects may exist at once, terminating ones included) and
``batch`` (how many pods one ReplicaSet sync may create or delete) are read off the counter
model's reachable states by :func:`fitted_scope`. With them no per-pod transition is ever
blocked for want of a slot or a large enough choice, so the per-pod model is not a truncation.

Faults are not modelled here (the benchmark scopes have none).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from kubecheck.checker.explicit.compile import Compiled, compile_model
from kubecheck.model.controllers import deployment as dep
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.ops import Ops
from kubecheck.model.kernel.schema import int_field, tuple_field

NO_POD = -1
PHASES = ("unscheduled", "pending", "running", "ready", "available", "terminating")
UNSCHEDULED, PENDING, RUNNING, READY, AVAILABLE, TERMINATING = range(len(PHASES))
#: Deletion rank of each active phase (controller_utils.go ActivePodsWithRanks.Less):
#: unscheduled < pending < not ready < ready; Ready and available pods tie.
RANK = (0, 1, 2, 3, 3)


@attrs.frozen
class PerPodScope(DeploymentScope):
    """A Deployment scope plus the per-pod encoding's two bounds."""

    slots: int = attrs.field(default=0)
    batch: int = attrs.field(default=1)


_COUNTER_FIELDS = attrs.fields_dict(dep.DeploymentState)
#: The Deployment and ReplicaSet object fields, shared verbatim with the counter model.
SHARED = tuple(name for name in _COUNTER_FIELDS if name not in PHASES)


def _state_fields() -> dict[str, Any]:
    """The counter state's fields but the pod counts (same names, domains and order), then the pod slots."""
    fields: dict[str, Any] = {
        name: attrs.field(metadata=f.metadata) for name, f in _COUNTER_FIELDS.items() if name not in PHASES
    }
    fields["pod_rs"] = tuple_field(
        int_field(NO_POD, lambda sc: sc.templates - 1),
        length=lambda sc: sc.slots,
        doc="the pod's ReplicaSet (template index), -1 for a free slot",
    )
    fields["pod_phase"] = tuple_field(
        int_field(0, len(PHASES) - 1), length=lambda sc: sc.slots, doc="index into PHASES (0 in a free slot)"
    )
    return fields


#: The counter model's Deployment and ReplicaSet fields, then one (rs, phase) per pod slot. Built from
#: the counter state's own fields, so a field added there (a condition, an annotation) is carried here.
PerPodState: Any = attrs.make_class("PerPodState", _state_fields(), frozen=True)


# -- the counter view ----------------------------------------------------------------------


def pod_count(ops: Ops, s: Any, rs: int, phase: int) -> Any:
    """How many pods of ReplicaSet ``rs`` are in ``phase``."""
    return ops.count(ops.and_(s.pod_rs[i] == rs, s.pod_phase[i] == phase) for i in range(len(s.pod_rs)))


def counter_view(ops: Ops, sc: PerPodScope, s: Any) -> dep.DeploymentState:
    """The counter-model state this per-pod state stands for (counts as ops expressions)."""
    kwargs = {name: getattr(s, name) for name in SHARED}
    for phase, name in enumerate(PHASES):
        kwargs[name] = tuple(pod_count(ops, s, t, phase) for t in range(sc.templates))
    return dep.DeploymentState(**kwargs)


def from_counter(sc: PerPodScope, c: dep.DeploymentState) -> PerPodState:
    """One per-pod state of a concrete counter state: pods fill slots 0, 1, … in (rs, phase) order."""
    pods = [
        (t, phase) for t in range(sc.templates) for phase, name in enumerate(PHASES) for _ in range(getattr(c, name)[t])
    ]
    if len(pods) > sc.slots:
        raise ValueError(f"{len(pods)} pods do not fit in {sc.slots} slots")
    pods += [(NO_POD, 0)] * (sc.slots - len(pods))
    return PerPodState(
        **{name: getattr(c, name) for name in SHARED},
        pod_rs=tuple(t for t, _ in pods),
        pod_phase=tuple(p for _, p in pods),
    )


def initial_state(sc: PerPodScope) -> PerPodState:
    return from_counter(sc, dep.initial_state(sc))


# -- Deployment controller and user: the counter model's commands on the counter view --------


def _delete_pods_of(ops: Ops, s: Any, gone: list[Any]) -> dict[str, tuple]:
    """Pods of deleted ReplicaSets: unscheduled ones vanish, scheduled ones start terminating."""
    new_rs, new_phase = [], []
    for i in range(len(s.pod_rs)):
        dead = ops.or_(*[ops.and_(gone[t], s.pod_rs[i] == t) for t in range(len(gone))])
        unscheduled = s.pod_phase[i] == UNSCHEDULED
        new_rs.append(ops.ite(ops.and_(dead, unscheduled), NO_POD, s.pod_rs[i]))
        new_phase.append(ops.ite(ops.and_(dead, ops.not_(unscheduled)), TERMINATING, s.pod_phase[i]))
    return {"pod_rs": tuple(new_rs), "pod_phase": tuple(new_phase)}


def _lift(command: Command) -> Command:
    """A counter-model command that reads pods only through counts, run on the counter view.

    Its effect may write pod counts only by deleting ReplicaSets (Plan.delete: the garbage
    collector deletes their pods), which is translated to the pods of those ReplicaSets.
    """

    def guard(ops: Ops, sc: PerPodScope, s: Any, **p: Any) -> Any:
        return command.guard(ops, sc, counter_view(ops, sc, s), **p)

    def effect(ops: Ops, sc: PerPodScope, s: Any, **p: Any) -> dict:
        view = counter_view(ops, sc, s)
        changes = command.effect(ops, sc, view, **p)
        out = {name: value for name, value in changes.items() if name not in PHASES}
        if any(name in changes for name in PHASES):
            after = changes.get("rs_exists", view.rs_exists)
            gone = [ops.and_(view.rs_exists[t], ops.not_(after[t])) for t in range(sc.templates)]
            out.update(_delete_pods_of(ops, s, gone))
        return out

    return Command(command.name, guard, effect, command.doc, command.params, command.kind, command.enabled_in)


# -- ReplicaSet controller: one syncReplicaSet, with the pods it creates or deletes chosen -----


def _rs_status(ops: Ops, s: Any, rs: int, counts: list[Any]) -> dict[str, tuple]:
    """The status a sync publishes (from the pods listed before it acts)."""
    return {
        "rs_status_replicas": dep._set(s.rs_status_replicas, rs, ops.sum_(counts[:TERMINATING])),
        "rs_status_available": dep._set(s.rs_status_available, rs, counts[AVAILABLE]),
        "rs_synced": dep._set(s.rs_synced, rs, True),
    }


def _counts(ops: Ops, s: Any, rs: int) -> list[Any]:
    return [pod_count(ops, s, rs, phase) for phase in range(len(PHASES))]


def _publish_guard(ops: Ops, sc: PerPodScope, s: Any, rs: int) -> Any:
    counts = _counts(ops, s, rs)
    active = ops.sum_(counts[:TERMINATING])
    stale = ops.or_(
        s.rs_status_replicas[rs] != active, s.rs_status_available[rs] != counts[AVAILABLE], ops.not_(s.rs_synced[rs])
    )
    return ops.and_(s.rs_exists[rs], active == s.rs_replicas[rs], stale)


def _publish_effect(ops: Ops, sc: PerPodScope, s: Any, rs: int) -> dict:
    return _rs_status(ops, s, rs, _counts(ops, s, rs))


def _create_guard(ops: Ops, sc: PerPodScope, s: Any, rs: int, slots: tuple[int, ...]) -> Any:
    active = ops.sum_(_counts(ops, s, rs)[:TERMINATING])
    return ops.and_(s.rs_exists[rs], s.rs_replicas[rs] - active == len(slots), *[s.pod_rs[i] == NO_POD for i in slots])


def _create_effect(ops: Ops, sc: PerPodScope, s: Any, rs: int, slots: tuple[int, ...]) -> dict:
    pod_rs, pod_phase = list(s.pod_rs), list(s.pod_phase)
    for i in slots:
        pod_rs[i], pod_phase[i] = rs, UNSCHEDULED
    return {**_rs_status(ops, s, rs, _counts(ops, s, rs)), "pod_rs": tuple(pod_rs), "pod_phase": tuple(pod_phase)}


def _rank(ops: Ops, s: Any, rs: int, i: int) -> tuple[Any, Any]:
    """(is pod i an active pod of rs, its deletion rank)."""
    member = ops.and_(s.pod_rs[i] == rs, s.pod_phase[i] != TERMINATING)
    return member, ops.min_(s.pod_phase[i], RANK[-1])


def _delete_guard(ops: Ops, sc: PerPodScope, s: Any, rs: int, pods: tuple[int, ...]) -> Any:
    """The chosen pods are ``excess`` active pods of rs of the lowest ranks.

    Greedy by rank stops in class ``b``, the least rank whose pods, with all lower-ranked ones,
    number at least ``excess``: a choice is right when it holds only ranks <= b and every pod
    ranked below b.
    """
    counts = _counts(ops, s, rs)
    active = ops.sum_(counts[:TERMINATING])
    excess = active - s.rs_replicas[rs]
    cum0 = counts[UNSCHEDULED]
    cum1 = cum0 + counts[PENDING]
    cum2 = cum1 + counts[RUNNING]
    b = ops.ite(cum0 >= excess, 0, ops.ite(cum1 >= excess, 1, ops.ite(cum2 >= excess, 2, 3)))
    below = ops.ite(b == 0, 0, ops.ite(b == 1, cum0, ops.ite(b == 2, cum1, cum2)))
    ok, low = [], []
    for i in pods:
        member, rank = _rank(ops, s, rs, i)
        ok.append(ops.and_(member, rank <= b))
        low.append(ops.ite(rank < b, 1, 0))
    return ops.and_(s.rs_exists[rs], excess == len(pods), *ok, ops.sum_(low) == below)


def _delete_effect(ops: Ops, sc: PerPodScope, s: Any, rs: int, pods: tuple[int, ...]) -> dict:
    pod_rs, pod_phase = list(s.pod_rs), list(s.pod_phase)
    for i in pods:
        unscheduled = s.pod_phase[i] == UNSCHEDULED  # deleted at once; others terminate gracefully
        pod_rs[i] = ops.ite(unscheduled, NO_POD, s.pod_rs[i])
        pod_phase[i] = ops.ite(unscheduled, UNSCHEDULED, TERMINATING)
    return {**_rs_status(ops, s, rs, _counts(ops, s, rs)), "pod_rs": tuple(pod_rs), "pod_phase": tuple(pod_phase)}


def _choices(sc: PerPodScope) -> list[tuple[int, ...]]:
    """Every set of 1..batch slots, smallest first."""
    return [c for m in range(1, sc.batch + 1) for c in itertools.combinations(range(sc.slots), m)]


# -- scheduler, kubelet and clock: one pod at a time ---------------------------------------


def _step(src: int, dst: Callable[[PerPodScope], int]) -> tuple[Callable[..., Any], Callable[..., dict]]:
    def guard(ops: Ops, sc: PerPodScope, s: Any, pod: int) -> Any:
        if src == UNSCHEDULED:  # a free slot also holds phase 0
            return ops.and_(s.pod_rs[pod] != NO_POD, s.pod_phase[pod] == src)
        return s.pod_phase[pod] == src

    def effect(ops: Ops, sc: PerPodScope, s: Any, pod: int) -> dict:
        return {"pod_phase": dep._set(s.pod_phase, pod, dst(sc))}

    return guard, effect


def _terminated_guard(ops: Ops, sc: PerPodScope, s: Any, pod: int) -> Any:
    return s.pod_phase[pod] == TERMINATING


def _terminated_effect(ops: Ops, sc: PerPodScope, s: Any, pod: int) -> dict:
    return {"pod_rs": dep._set(s.pod_rs, pod, NO_POD), "pod_phase": dep._set(s.pod_phase, pod, UNSCHEDULED)}


def _pods(sc: PerPodScope) -> range:
    return range(sc.slots)


def _templates(sc: PerPodScope) -> range:
    return range(sc.templates)


_POD = (("pod", _pods),)
_bind = _step(UNSCHEDULED, lambda sc: PENDING)
_start = _step(PENDING, lambda sc: RUNNING)
_ready = _step(RUNNING, lambda sc: READY if sc.has_min_ready else AVAILABLE)
_min_ready = _step(READY, lambda sc: AVAILABLE)

_CONTROLLER = tuple(_lift(c) for c in dep.COMMANDS if c.actor == "deployment-controller")
_USER = tuple(_lift(c) for c in dep.COMMANDS if c.actor == "user")
#: In the counter model's order: Deployment controller, pod-level commands, then the user.
COMMANDS = (
    _CONTROLLER
    + (
        Command(
            "replicaset-controller.publish_status",
            _publish_guard,
            _publish_effect,
            "syncReplicaSet with nothing to create or delete: publish status",
            params=(("rs", _templates),),
        ),
        Command(
            "replicaset-controller.create_pods",
            _create_guard,
            _create_effect,
            "syncReplicaSet: publish status, create the missing pods in these free slots",
            params=(("rs", _templates), ("slots", _choices)),
        ),
        Command(
            "replicaset-controller.delete_pods",
            _delete_guard,
            _delete_effect,
            "syncReplicaSet: publish status, delete these lowest-ranked pods",
            params=(("rs", _templates), ("pods", _choices)),
        ),
        Command("scheduler.bind_pod", *_bind, "bind an unscheduled pod to a node", params=_POD),
        Command("kubelet.start_pod", *_start, "start the containers of a bound pod", params=_POD),
        Command("kubelet.pod_ready", *_ready, "readiness probe passes", params=_POD),
        Command(
            "clock.pass_min_ready_seconds",
            *_min_ready,
            "minReadySeconds pass: a Ready pod becomes available",
            params=_POD,
            enabled_in=lambda sc: sc.has_min_ready,
        ),
        Command(
            "kubelet.pod_terminated", _terminated_guard, _terminated_effect, "a terminating pod is gone", params=_POD
        ),
    )
    + _USER
)


MODEL = Model(
    name="deployment-per-pod",
    title="Deployment rolling updates, one state slot per pod (no symmetry reduction)",
    kubernetes=dep.KUBERNETES,
    state_cls=PerPodState,
    scope_cls=PerPodScope,
    init=initial_state,
    commands=COMMANDS,
    quiescent=lambda ops, sc, s: dep.quiescent(ops, sc, counter_view(ops, sc, s)),
    presets={},
)


# -- bounds, projection and the equivalence check -----------------------------------------


def reachable(compiled: Compiled, limit: int | None = None) -> list[tuple]:
    """Every reachable flat state, breadth-first (at most ``limit``; None for all)."""
    return compiled.reachable(limit)


def counter_bounds(scope: DeploymentScope, states: Iterable[tuple]) -> tuple[int, int]:
    """(most pods existing at once, most pods one ReplicaSet sync creates or deletes)."""
    schema = dep.MODEL.schema(scope)
    slices = {name: schema.field_slots[name] for name in PHASES + ("rs_exists", "rs_replicas")}
    live = batch = 0
    for flat in states:
        per_phase = {name: flat[r.start : r.stop] for name, r in slices.items()}
        live = max(live, sum(sum(per_phase[name]) for name in PHASES))
        for t in range(scope.templates):
            if per_phase["rs_exists"][t]:
                active = sum(per_phase[name][t] for name in PHASES[:TERMINATING])
                batch = max(batch, abs(active - per_phase["rs_replicas"][t]))
    return live, max(batch, 1)


def fitted_scope(scope: DeploymentScope, counter_states: Iterable[tuple] | None = None) -> PerPodScope:
    """The per-pod scope of a Deployment scope, with slots and batch fitted to the counter model."""
    if scope.faults and scope.fault_budget:
        raise ValueError("the per-pod benchmark model has no faults; use a scope with faults=none")
    if counter_states is None:
        counter_states = reachable(compile_model(dep.MODEL, scope))
    slots, batch = counter_bounds(scope, counter_states)
    return PerPodScope(**attrs.asdict(scope, recurse=False), slots=slots, batch=batch)


def projector(scope: PerPodScope) -> Callable[[tuple], tuple]:
    """A function from flat per-pod states to flat counter-model states (pods counted).

    The counter state's fields are laid out in its own order (pod counts sit between shared
    fields, e.g. before ``failed``), so each counter field is taken from the per-pod state's slice
    of the same name or, for a pod phase, from the counts.
    """
    schema = MODEL.schema(scope)
    counter_schema = dep.MODEL.schema(scope)
    rs0, ph0, n, k = (
        schema.field_slots["pod_rs"].start,
        schema.field_slots["pod_phase"].start,
        scope.slots,
        scope.templates,
    )
    pieces: list[tuple[str, Any]] = []  # ("shared", slice) or ("phase", index), in counter order
    for name in counter_schema.field_slots:
        if name in PHASES:
            pieces.append(("phase", PHASES.index(name)))
        else:
            pieces.append(("shared", schema.field_slots[name]))

    def project(flat: tuple) -> tuple:
        counts = [0] * (len(PHASES) * k)
        for rs, phase in zip(flat[rs0 : rs0 + n], flat[ph0 : ph0 + n]):
            if rs != NO_POD:
                counts[phase * k + rs] += 1
        out: list = []
        for what, where in pieces:
            if what == "phase":
                out.extend(counts[where * k : (where + 1) * k])
            else:
                out.extend(flat[where.start : where.stop])
        return tuple(out)

    return project


def check_projection(scope: DeploymentScope) -> dict[str, int]:
    """Assert that per-pod reachable states, counted, are exactly the counter model's.

    Returns the two state counts. Raises AssertionError with the first differences otherwise.
    """
    counter_compiled = compile_model(dep.MODEL, scope)
    counter = reachable(counter_compiled)
    pp_scope = fitted_scope(scope, counter)
    per_pod = reachable(compile_model(MODEL, pp_scope))
    project = projector(pp_scope)
    projected = {project(s) for s in per_pod}
    counter_set = set(counter)
    if projected != counter_set:
        schema = counter_compiled.schema
        extra = sorted(projected - counter_set)[:3]
        missing = sorted(counter_set - projected)[:3]
        raise AssertionError(
            f"per-pod and counter models disagree for {scope}: "
            f"{len(projected - counter_set)} projected states the counter model lacks, e.g. "
            f"{[schema.unflatten(x) for x in extra]}; {len(counter_set - projected)} counter states "
            f"never reached per pod, e.g. {[schema.unflatten(x) for x in missing]}"
        )
    return {"counter": len(counter), "per_pod": len(per_pod), "slots": pp_scope.slots, "batch": pp_scope.batch}


def orbit_total(scope: DeploymentScope, counter_states: Iterable[tuple], slots: int) -> int:
    """How many per-pod states (placements in ``slots`` slots) project to these counter states.

    An upper bound on the per-pod state count: every placement of each counter state's pods.
    """
    from math import factorial

    schema = dep.MODEL.schema(scope)
    phase_slots = [i for name in PHASES for i in schema.field_slots[name]]
    fact = [factorial(i) for i in range(slots + 1)]
    total = 0
    for flat in counter_states:
        counts = [flat[i] for i in phase_slots]
        ways = fact[slots] // fact[slots - sum(counts)]
        for c in counts:
            ways //= fact[c]
        total += ways
    return total
