"""Pod failure modes, defined once for every workload model: what the kubelet shows of a bad pod.

Kubernetes v1.35. A *failure mode* says how the pods it hits fail, as ``kubectl get pods`` and the
kubelet show it; a *target* says which pods it hits (the edited revision, the current one, or one
ordinal / node); an *onset* says whether they fail from the moment they are created (a bad
release) or from some moment on (a dependency goes down, a disk fills: a fault step); a *repair*
says whether it is permanent or a user action ends it ("fix the dependency", "push the image").

The modes, and the upstream behaviour each stands for (paraphrased):

* ``never-start`` — the image cannot be pulled (``pkg/kubelet/images``: ErrImagePull, then
  ImagePullBackOff): the pod is bound and stays Pending, ContainerCreating in ``kubectl get
  pods``, for ever; ``kubelet.start_pod`` is refused for it.
* ``never-ready`` — the readiness probe fails (``pkg/kubelet/prober``): the containers run, the
  pod is Running and never Ready; ``kubelet.pod_ready`` is refused. With the later onset the
  probe starts failing at the fault step, so Ready pods it hits lose Ready there.
* ``crash-before-ready`` — a container exits before the pod is Ready and is restarted with
  back-off (CrashLoopBackOff). With restartPolicy Always the phase stays Running; what differs
  from ``never-ready`` is the restart count, which no controller decision modelled here reads
  (``isRunningAndReady``, ``IsPodAvailable`` and the DaemonSet's availability read phase and the
  Ready condition only), so it is ``never-ready`` in the state and differs in words only.
* ``crash-after-ready`` — the container exits after the pod was Ready and comes back
  (CrashLoopBackOff after a while in service): ``kubelet.container_crashes`` takes a Ready pod
  it hits back to Running, not Ready, weakly fair per pod (the crash always comes back);
  ``kubelet.pod_ready`` makes it Ready again.
* ``evicted`` — node-pressure eviction (``pkg/kubelet/eviction``: the release's memory use
  always brings its node under pressure): the kubelet kills a started pod it hits and sets
  phase Failed (``cluster.FAILED``; the object stays, not terminating). Controllers delete
  Failed pods and create replacements: the StatefulSet in ``processReplica`` ("Delete and
  recreate pods which finished running"), the DaemonSet in ``podsShouldBeOnNode`` ("If a daemon
  pod failed, delete it", with a back-off that is time, abstracted away).

Targets (scope ``failing-revision``): ``update`` — pods of any template the user's edits wrote
(revision > 0: an edited release is bad; a revert to the first template is a good release);
``current`` — pods of the first template (revision 0, status.currentRevision of a set no edit has
touched; the Deployment calls it ``first``, accepted here as a synonym); ``any`` — every pod.
A model adds its own slot filter (``failing-ordinal`` / ``failing-node``: one pod identity).

Onset (scope ``failure-onset``): ``created`` (the pods fail from creation; the state starts with
the failure active) or ``later`` (``fault.failure_begins``: never required to happen).
Repair (scope ``failure-repair``): ``never`` or ``user`` (``user.repair_failure``: never required
to happen; liveness properties that speak about recovery take the repair as their premise).

The failure's life is one state field, ``failure_state`` (dormant, active, repaired): it only
moves forward, so with the modes off it stays at its initial value and every pinned state count
is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.kernel.commands import Command
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.schema import int_field
from kubecheck.model.kernel.scopes import ScopeError, param, parse_choice

# -- the vocabulary (names a scope, a manifest --faults value and a trace share) -----------------

NONE = "none"
NEVER_START, NEVER_READY, CRASH_BEFORE_READY = "never-start", "never-ready", "crash-before-ready"
CRASH_AFTER_READY, EVICTED = "crash-after-ready", "evicted"
MODES = (NONE, NEVER_START, NEVER_READY, CRASH_BEFORE_READY, CRASH_AFTER_READY, EVICTED)
#: How each mode looks to a user (``kubectl get pods`` / ``kubectl describe pod``).
MODE_WORDS = {
    NEVER_START: "the image cannot be pulled: ContainerCreating (ImagePullBackOff) for ever",
    NEVER_READY: "the readiness probe fails: Running, never Ready",
    CRASH_BEFORE_READY: "a container exits before the pod is Ready: Running, not Ready (CrashLoopBackOff)",
    CRASH_AFTER_READY: "a container exits after the pod was Ready and restarts (CrashLoopBackOff)",
    EVICTED: "the kubelet evicts the pod under node pressure: Failed (Evicted)",
}
#: What the user does to end each mode (``failure-repair=user``).
REPAIR_WORDS = {
    NEVER_START: "the image becomes pullable (pushed, or the registry credentials fixed)",
    NEVER_READY: "the dependency is fixed: the readiness probe passes again",
    CRASH_BEFORE_READY: "the configuration is fixed: the container stays up",
    CRASH_AFTER_READY: "the configuration is fixed: the container stays up",
    EVICTED: "the node pressure is relieved (memory limit raised)",
}
#: Modes in which the readiness probe never passes (a pod they hit stays Running, not Ready).
NOT_READY_MODES = (NEVER_READY, CRASH_BEFORE_READY)

UPDATE, CURRENT, ANY = "update", "current", "any"
FIRST = "first"  # the Deployment's word for CURRENT
REVISIONS = (UPDATE, CURRENT, ANY)
CREATED, LATER = "created", "later"
ONSETS = (CREATED, LATER)
NEVER, USER = "never", "user"
REPAIRS = (NEVER, USER)

# failure_state values
DORMANT, ACTIVE, REPAIRED = 0, 1, 2
STATE_WORDS = ("not yet", "active", "repaired")


def parse_mode(raw: str) -> str:
    """A failure mode by name (``none`` or one of MODES)."""
    text = str(raw).strip()
    if text not in MODES:
        raise ScopeError(f"expected one of {', '.join(MODES)}, got {text!r}")
    return text


parse_mode.__doc__ = " | ".join(MODES)


def parse_revision(raw: str) -> str:
    """update | current | any (``first`` is read as current: the Deployment's word)."""
    text = str(raw).strip()
    if text == FIRST:
        return CURRENT
    if text not in REVISIONS:
        raise ScopeError(f"expected one of {', '.join(REVISIONS)} (or first, the same as current), got {text!r}")
    return text


parse_revision.__doc__ = "update | current | any"


def mode_param() -> str:
    """Scope parameter ``failure``: the failure mode (the same name and words in every placed model)."""
    return param(
        "failure",
        "how the pods the failure hits fail: never-start (image pull error: ContainerCreating for ever), never-ready "
        "(readiness probe fails: Running, never Ready), crash-before-ready (CrashLoopBackOff before Ready), "
        "crash-after-ready (CrashLoopBackOff after Ready), evicted (node-pressure eviction: Failed)",
        parse_mode,
        NONE,
    )


def revision_param() -> str:
    return param(
        "failing-revision",
        "which revision's pods fail: update (templates the edits write), current (the first template; 'first' "
        "is read the same), any",
        parse_revision,
        UPDATE,
    )


def onset_param() -> str:
    return param(
        "failure-onset",
        "created (pods fail from creation: a bad release) or later (a fault step starts the failure: a dependency "
        "goes down)",
        parse_choice(ONSETS),
        CREATED,
    )


def repair_param() -> str:
    return param(
        "failure-repair",
        "never (permanent) or user (the user may repair the cause: fix the dependency, make the image pullable)",
        parse_choice(REPAIRS),
        NEVER,
    )


class FailureScope(Protocol):
    """What a placed model's scope says of its failure (see StatefulSetScope): the mode and revision
    in effect (a model may keep an older switch, such as ``broken-release``, that sets them), onset
    and repair; ``nodes`` for the kubelet commands' node parameter."""

    @property
    def nodes(self) -> int: ...

    @property
    def failure_mode(self) -> str: ...

    @property
    def failure_revision(self) -> str: ...

    @property
    def failure_onset(self) -> str: ...

    @property
    def failure_repair(self) -> str: ...


class FailureState(cl.PlacedState, Protocol):
    @property
    def failure_state(self) -> int: ...

    @property
    def pod_rev(self) -> tuple: ...


def failure_state_field() -> int:
    return int_field(DORMANT, REPAIRED, doc="the failure mode's life: 0 not yet, 1 active, 2 repaired")


def initial_failure_state(sc: FailureScope) -> int:
    """Active from the start when pods fail from creation; dormant otherwise (also with no mode)."""
    return ACTIVE if sc.failure_mode != NONE and sc.failure_onset == CREATED else DORMANT


def validate(sc: FailureScope) -> None:
    """One clear line for settings that make no sense together."""
    if sc.failure_mode == NONE and (sc.failure_onset != CREATED or sc.failure_repair != NEVER):
        raise ScopeError(
            f"failure-onset/failure-repair: expected the defaults (created, never) when failure=none, got "
            f"{sc.failure_onset}/{sc.failure_repair}"
        )


def revision_hit(sc: FailureScope, rev: Value) -> Value:
    """The pod's revision (template index) is one the failure hits."""
    if sc.failure_revision == UPDATE:
        return rev != 0
    if sc.failure_revision == CURRENT:
        return rev == 0
    return True


def _node_ready(ops: Ops, s: FailureState, k: int, n: int) -> Value:
    return ops.and_(cl.bound_to(ops, s, k, n), s.node_state[n] == cl.NODE_READY, ops.not_(s.pod_terminating[k]))


def _set(values: tuple, k: int, value: Value) -> tuple:
    return values[:k] + (value,) + values[k + 1 :]


@attrs.frozen
class Failures:
    """The failure modes over one placed model's pod slots.

    ``slots(sc)``: the slot indices; ``slot_hit(sc, k)``: slot k is one the failure may hit (the
    model's ``failing-ordinal`` / ``failing-node``; a concrete bool, read while building). The
    guards :meth:`may_start` and :meth:`may_become_ready` plug into :class:`cluster.PodTable`'s
    ``can_start`` / ``can_ready``; :meth:`commands` are the kubelet's, the fault's and the user's.
    """

    slots: Callable[..., range]
    slot_hit: Callable[..., bool]

    def could_hit(self, ops: Ops, sc: FailureScope, s: FailureState, k: int) -> Value:
        """Slot k's pod is one the failure hits while it is active (its revision and identity)."""
        if sc.failure_mode == NONE or not self.slot_hit(sc, k):
            return False
        return revision_hit(sc, s.pod_rev[k])

    def hits(self, ops: Ops, sc: FailureScope, s: FailureState, k: int) -> Value:
        """Slot k's pod fails now: the failure is active and hits it."""
        hit = self.could_hit(ops, sc, s, k)
        if hit is False:
            return False
        return ops.and_(s.failure_state == ACTIVE, hit)

    def may_start(self, ops: Ops, sc: FailureScope, s: FailureState, k: int, n: int) -> Value:
        """kubelet.start_pod's extra precondition: the image can be pulled."""
        if sc.failure_mode != NEVER_START:
            return True
        return ops.not_(self.hits(ops, sc, s, k))

    def may_become_ready(self, ops: Ops, sc: FailureScope, s: FailureState, k: int, n: int) -> Value:
        """kubelet.pod_ready's extra precondition: the readiness probe can pass."""
        if sc.failure_mode not in NOT_READY_MODES:
            return True
        return ops.not_(self.hits(ops, sc, s, k))

    def commands(self) -> tuple[Command, ...]:
        """fault.failure_begins, user.repair_failure, kubelet.container_crashes, kubelet.evict_pod_under_pressure."""
        slot = ("pod", self.slots)
        node = ("node", lambda sc: range(sc.nodes))

        def begins_g(ops: Ops, sc: FailureScope, s: FailureState) -> Value:
            return s.failure_state == DORMANT

        def begins_e(ops: Ops, sc: FailureScope, s: FailureState) -> dict[str, Value]:
            out: dict[str, Value] = {"failure_state": ACTIVE}
            if sc.failure_mode in NOT_READY_MODES:
                out["pod_phase"] = tuple(
                    ops.ite(ops.and_(self.could_hit(ops, sc, s, k), s.pod_phase[k] >= cl.READY), cl.RUNNING, p)
                    for k, p in enumerate(s.pod_phase)
                )
            return out

        def repair_g(ops: Ops, sc: FailureScope, s: FailureState) -> Value:
            return s.failure_state == ACTIVE

        def repair_e(ops: Ops, sc: FailureScope, s: FailureState) -> dict[str, Value]:
            return {"failure_state": REPAIRED}

        def crash_g(ops: Ops, sc: FailureScope, s: FailureState, pod: int, node: int) -> Value:
            return ops.and_(self.hits(ops, sc, s, pod), s.pod_phase[pod] >= cl.READY, _node_ready(ops, s, pod, node))

        def crash_e(ops: Ops, sc: FailureScope, s: FailureState, pod: int, node: int) -> dict[str, Value]:
            return {"pod_phase": _set(s.pod_phase, pod, cl.RUNNING)}

        def evict_g(ops: Ops, sc: FailureScope, s: FailureState, pod: int, node: int) -> Value:
            return ops.and_(self.hits(ops, sc, s, pod), s.pod_phase[pod] >= cl.RUNNING, _node_ready(ops, s, pod, node))

        def evict_e(ops: Ops, sc: FailureScope, s: FailureState, pod: int, node: int) -> dict[str, Value]:
            return {"pod_phase": _set(s.pod_phase, pod, cl.FAILED)}

        def mode_is(mode: str) -> Callable[[FailureScope], bool]:
            return lambda sc: sc.failure_mode == mode

        return (
            Command(
                "fault.failure_begins",
                begins_g,
                begins_e,
                "the failure mode starts hitting its pods (a dependency goes down, a disk fills, the registry "
                "loses the image): failure-onset=later",
                kind="fault",
                enabled_in=lambda sc: sc.failure_mode != NONE and sc.failure_onset == LATER,
            ),
            Command(
                "user.repair_failure",
                repair_g,
                repair_e,
                "the user repairs the cause (fixes the dependency, pushes the image, relieves the node): "
                "failure-repair=user",
                kind="user",
                enabled_in=lambda sc: sc.failure_mode != NONE and sc.failure_repair == USER,
            ),
            Command(
                "kubelet.container_crashes",
                crash_g,
                crash_e,
                "a container of a pod the failure hits exits after the pod was Ready and is restarted "
                "(CrashLoopBackOff): Running, not Ready",
                params=(slot, node),
                enabled_in=mode_is(CRASH_AFTER_READY),
                fair_by=("pod",),
            ),
            Command(
                "kubelet.evict_pod_under_pressure",
                evict_g,
                evict_e,
                "node-pressure eviction of a started pod the failure hits: containers killed, phase Failed "
                "(the object stays until its controller deletes it)",
                params=(slot, node),
                enabled_in=mode_is(EVICTED),
                fair_by=("pod",),
            ),
        )


def describe(sc: FailureScope, target: str = "") -> str:
    """One line for a report: the mode, whom it hits, its onset and repair (empty with no mode)."""
    if sc.failure_mode == NONE:
        return ""
    whom = {UPDATE: "pods of edited templates", CURRENT: "pods of the first template", ANY: "every pod"}[
        sc.failure_revision
    ]
    if target:
        whom += f" ({target})"
    onset = "from creation" if sc.failure_onset == CREATED else "from a fault step on"
    repair = (
        "permanent" if sc.failure_repair == NEVER else f"until the user repairs it ({REPAIR_WORDS[sc.failure_mode]})"
    )
    return f"{sc.failure_mode}: {MODE_WORDS[sc.failure_mode]}; {whom}; {onset}; {repair}"
