"""Deployment rollouts: the Deployment and ReplicaSet controllers, the kubelet, the user.

Kubernetes v1.35, default feature gates: LogarithmicScaleDown (GA, locked on) and
PodDeletionCost (beta, on) shape the ReplicaSet's choice of pods to delete;
DeploymentReplicaSetTerminatingReplicas (beta, on) only adds a status field that no released
controller decision reads; DeploymentPodReplacementPolicy (KEP-5882) is unreleased, so
terminating pods never count toward maxSurge, as in every release so far.

Upstream files and functions modelled (paraphrased; facts in ``papers/README.md``):

* ``pkg/controller/deployment`` — the Deployment controller, one sync per command; see
  :mod:`kubecheck.model.controllers.deployment_sync` for the dispatch and each branch.
* ``pkg/controller/replicaset/replica_set.go:syncReplicaSet`` — one sync publishes status
  computed from the pods it listed *before* acting (so status lags its own creates and deletes)
  and then ``manageReplicas`` creates or deletes the difference; deletes follow
  ``controller_utils.go:ActivePodsWithRanks.Less``: unscheduled, then Pending, then not Ready,
  then Ready pods. Among Ready pods the order depends on node co-location, deletion cost and
  log2 buckets of ready time with UID tie-breaks, so a pod that is already *available* (ready
  longer than minReadySeconds) can go before one that is only *ready*: the model lets the
  ReplicaSet pick any split (parameter ``from_ready``).
* ``pkg/registry/core/pod/strategy.go`` — deleting a pod that was never scheduled removes it at
  once; a scheduled pod becomes *terminating* until the kubelet confirms it stopped.
* ``pkg/controller/controller_utils.go:FilterActivePods`` (``IsPodActive``) — a pod is active unless
  it is in phase Succeeded or Failed or has a deletionTimestamp: terminating and Failed pods are not
  active, so a ReplicaSet replaces them at once and its status.replicas does not count them
  (``active_pods``); ready and available are the kubelet's Ready condition and ``IsPodAvailable``.
* Failing releases (scope ``pod-failure``, on the templates of edits or, ``failing-revision=first``,
  on the first one, the Deployment then starting just created with no ReplicaSet): the kubelet
  never starts a pod whose image cannot be pulled (``never-start``: Pending, ErrImagePull /
  ImagePullBackOff; ``kubelet.start_pod`` has no action for that ReplicaSet); a pod whose
  readiness probe fails is Running and never Ready (``never-ready``: ``kubelet.pod_ready`` has
  none); a container that exits before the pod is Ready is restarted with back-off
  (``crash-before-ready``, CrashLoopBackOff: the pod stays Running, not Ready; with
  restartPolicy Always the phase never leaves Running, and the restart count it raises is read
  only by the deletion ranking's tie-breaks, which the model leaves free, so in counters this is
  exactly ``never-ready``); one that exits after it was Ready loses Ready and comes back
  (``crash-after-ready``, the old ``broken-release``: ``kubelet.container_crashes``, weakly fair
  per ReplicaSet); ``pkg/kubelet/eviction`` evicts a started pod under node pressure, ending it in
  phase Failed (``evicted``: ``kubelet.evict_pod_under_pressure``, weakly fair per ReplicaSet, as
  the release's memory use always brings the node under pressure). A Failed pod is not active, so
  its ReplicaSet replaces it at once and status.replicas leaves it out; nothing deletes it (the
  pod GC only past --terminated-pod-gc-threshold, 12,500), so it is counted per ReplicaSet in
  ``failed``, saturating at the pod cap (no command reads more than whether it is there, and a
  live-pod bound breaks before the count saturates), and removed with its ReplicaSet.
* ``pkg/api/v1/pod/util.go:IsPodAvailable`` — available = Ready for longer than
  minReadySeconds; with minReadySeconds > 0 that is its own step (``clock.pass_min_ready_seconds``).
* ``sync.go:scaleReplicaSet`` and ``util/deployment_util.go:SetReplicasAnnotations`` — every write of a
  ReplicaSet's size (and the creation of a ReplicaSet, ``SetNewReplicaSetAnnotations`` with
  exists=false) sets its ``desired-replicas`` annotation to spec.replicas and ``max-replicas`` to
  spec.replicas + MaxSurge of the Deployment *as it reads then*; both are state (``rs_desired``,
  ``rs_max``), read where upstream reads them: ``isScalingEvent`` and ``IsSaturated`` read
  desired-replicas, ``getReplicaSetFraction`` (proportional scaling) reads max-replicas. A user
  may edit maxSurge/maxUnavailable mid-rollout (``user.edit_strategy``, scope ``strategy-edits``):
  no new revision, the next sync uses the new values, annotations written before keep the old.
* ``kubectl rollout undo`` (``staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go``) —
  copies the chosen ReplicaSet's template into the Deployment; refused while paused; a no-op if
  the template already matches.

Representation: a counter system. Pods of one ReplicaSet in one phase are interchangeable —
no controller decision, no property and no transition reads anything that tells them apart
(names are random suffixes; the deletion ranking's remaining criteria are modelled as a
nondeterministic choice) — so a state stores *how many* pods each ReplicaSet has in each phase.
This is exact symmetry reduction: each counter state stands for the orbit of pod-level states
that differ only by a permutation of pod identities, and the counter transition relation is the
quotient of the pod-level one, so reachability and every property here are preserved. It is
also what makes the replica count a number that the symbolic engines can leave open.

ReplicaSets are slots indexed by the edit that wrote their pod template: slot 0 is the first
template, slot ``i`` the one edit ``i`` writes. Templates are values (scope ``edit-to``): edit ``i``
writes a new template (the default) or one an earlier slot already has (``kubectl apply`` of an
earlier image); slots of one value share the stand-in pod-template-hash, so their ReplicaSets
share a name, as upstream's ``ComputeHash`` of an equal template gives. ``FindNewReplicaSet``
(``util/deployment_util.go``) is read with values: the new ReplicaSet is the *oldest* existing
slot whose template equals the Deployment's (``EqualIgnoreHash``), every other one is old
(``FindOldReplicaSets``); ``getNewReplicaSet`` creates the slot of the Deployment's template only
when no ReplicaSet of its value exists, and reuses one that does, raising its revision to
MaxRevision(old)+1 and appending the old number to ``revision-history``
(``SetNewReplicaSetAnnotations``; the annotation is state, ``rs_history``, one bit per revision
number: the numbers a ReplicaSet carries only grow, so upstream's comma list has no repeats and
is sorted). ``rollout undo`` copies an existing ReplicaSet's template, and is skipped when it
already equals the Deployment's. The controller never creates a second ReplicaSet of a value
that has one, so slot order is creation order (what "oldest first" sorts by) and two
ReplicaSets of one template are reached only from a constructed state (upstream reaches them
after a hash-algorithm change or a collision); the oldest-wins rule is tested on such states. A
deleted ReplicaSet's slot is zeroed except for its terminating pods, which still exist until
the kubelet finishes them.

Nodes and a shared claim (scope ``nodes`` 1–2, ``shared-claim``): pods bound to a node are
counted per (ReplicaSet, node) — index ``t * nodes + n`` — and every pod mounts one claim,
because a Deployment's pods all come from one template. Upstream facts used (volumes.py has the
attach/detach side):

* ``pkg/scheduler`` — nothing in the default plugins looks at where a ReadWriteOnce volume is
  attached, so the node choice is free (``scheduler.bind_pod(node)``); the ``volumerestrictions``
  plugin refuses a ReadWriteOncePod claim while another scheduled pod references it.
* ``pkg/kubelet/volumemanager`` — a pod's containers start only after its volumes are attached
  and mounted; until then it is Pending (ContainerCreating).
* ``pkg/controller/replicaset/replica_set.go:getPodsToDelete`` — pods are ranked by
  ``getPodsRankedByRelatedPodsOnSameNode``: the number of active pods of *all* the Deployment's
  ReplicaSets on the pod's node; ``controller_utils.go:ActivePodsWithRanks.Less`` deletes
  unscheduled, then Pending, then not-Ready pods first and, within a class, higher ranks first
  (after deletion cost, which no pod here sets); ties fall to ready time, restarts and creation
  time, which the model does not track, so they may split either way (``spread``).

Placed pods are modelled with minReadySeconds 0 (the scope refuses other values), the initial
pods all run on node-a with the claim attached there (with ReadWriteOncePod only one of them
could be scheduled, so the others start unscheduled).

Nodes that fail (scope ``nodes`` 1–2 with a node fault: ``partition``, ``node-failure``,
``node-delete``, ``force-delete``; ``out-of-service``, ``tolerates-unreachable``): the cluster
layer's node lifecycle (:mod:`kubecheck.model.controllers.cluster`: node states, faults, their
words) over the pod counters, in :mod:`kubecheck.model.controllers.deployment_nodes`, whose
header cites upstream (``MarkPodsNotReady``, ``taint_eviction.go``, the DefaultTolerationSeconds
admission plugin, ``gc_controller.go`` gcOrphaned and gcTerminating). Here it only adds that the
scheduler binds to Ready nodes and that the kubelet of a lost node starts, readies and finishes
nothing (:func:`deployment_nodes.node_ready` in the guards); a shared claim with node faults is
refused by the scope.

Progress deadline and conditions (scope ``progress-deadline``; off in every preset). Upstream,
read for v1.35: ``progress.go`` (syncRolloutStatus, requeueStuckDeployment),
``util/deployment_util.go`` (DeploymentComplete, DeploymentProgressing, DeploymentTimedOut,
NewDeploymentCondition, SetDeploymentCondition, HasProgressDeadline), ``sync.go``
(checkPausedConditions, getNewReplicaSet's NewReplicaSetCreated / FoundNewReplicaSet,
syncDeploymentStatus and calculateStatus with the Available condition) and kubectl's
``polymorphichelpers/rollout_status.go`` (DeploymentStatusViewer.Status). With a deadline the
Deployment's status counts (replicas, updated, ready, available, as the last sync wrote them),
the Progressing condition's reason, the Available condition and ReplicaSet
status.readyReplicas (minReadySeconds > 0 only) are state; every Deployment sync ends by writing
them (:func:`deployment_sync.progress_status`), and a sync that writes no ReplicaSet
(``sync_status``) runs whenever that status would change, as the Deployment is resynced on every
ReplicaSet status change (``deployment_controller.go:updateReplicaSet``).

Time is abstracted to one boolean, ``deadline_passed``: "now is later than the Progressing
condition's lastUpdateTime + progressDeadlineSeconds". It is set by ``clock.progress_deadline_passes``,
enabled while the condition is one DeploymentTimedOut compares with the clock
(NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated, DeploymentResumed), and cleared
whenever a sync stamps a condition anew (NewDeploymentCondition sets lastUpdateTime = now; a
SetDeploymentCondition with the same reason keeps the old one). Why this is sound for the
properties stated: the controller reads the clock only through DeploymentTimedOut's comparison
(and requeueStuckDeployment, which only schedules the sync that makes it), and that comparison is
monotone in time: false until the deadline, then true until the condition is stamped again. Every
real run therefore maps to a model run in which the event fires where the real deadline falls, so
the model has at least the real behaviours (``always`` and ``leads_to`` verdicts that hold carry
over). The event may fire sooner after a stamp than real durations allow (the model has no
durations; e.g. before a pod that became Ready just before the stamp passes minReadySeconds,
which is shorter than the deadline): a counterexample or a witness must be read with that in
mind; the witnesses of the property table involve no such pod (their pods never become Ready).
Liveness needs the other direction: time diverges, so a condition that is never stamped again
does time out; ``clock.progress_deadline_passes`` is a system command (weakly fair), and
requeueStuckDeployment guarantees the sync that follows. Only "set or not" of the seconds matters.
``kubectl rollout status`` (:func:`rollout_status`) is a function of this stored status. Not
modelled: ReplicaSetCreateError (creation never fails here) and the ReplicaFailure condition
(copied from ReplicaSet conditions that quota errors set).

Not modelled: pod deletion cost annotations, quota failures, expectations (a sync's writes are
observed before the next sync), and burst limits (500 per sync, beyond any scope here).
"""

from __future__ import annotations

import itertools

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import deployment_nodes as dn
from kubecheck.model.controllers import deployment_scope as sdc
from kubecheck.model.controllers import deployment_sync as ds
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers import disruption, hpa
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.deployment_scope import PRESETS, DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState, claim_count
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.ops import CONCRETE, Z3, Ops, Value

KUBERNETES = "v1.35"


def initial_state(sc: DeploymentScope) -> DeploymentState:
    """A Deployment rolled out on template 0: one ReplicaSet, every pod available (on node-a where
    pods are placed, with the shared claim attached there). A ReadWriteOncePod claim admits one pod
    object at a time, so there the other replicas wait unschedulable, as the scheduler leaves them."""
    k, P = sc.templates, sc.placements

    def slot0(value: Value, rest: Value = 0) -> tuple:
        return (value,) + (rest,) * (k - 1)

    def placed0(value: Value) -> tuple:
        return (value,) + (0,) * (k * P - 1)

    R = sc.replicas
    ops = CONCRETE if isinstance(R, int) else Z3  # replicas is a z3 term when the encoder leaves it symbolic
    up = ops.min_(R, 1) if sc.claims and sc.access_mode == vol.RWOP else R
    if sc.starts_fresh:
        return _with_disruption(ops, sc, _just_created(sc))
    state = DeploymentState(
        replicas=R,
        template=0,
        templates_used=1,
        paused=False,
        strategy_edited=False,
        strategy_edits_left=sc.strategy_edits if sc.edits_strategy else 0,
        observed=True,
        scales_left=sc.scales if sc.scale_to else 0,
        rollbacks_left=sc.rollbacks,
        pauses_left=sc.pauses,
        faults_left=sc.fault_budget if sc.faults else 0,
        rs_exists=slot0(True, False),
        rs_revision=slot0(1),
        rs_history=slot0(0),
        rs_replicas=slot0(R),
        rs_desired=slot0(R),
        rs_max=slot0(R + du.max_surge(ops, sc.strategy, sc.max_surge, sc.max_unavailable, R)),
        rs_synced=slot0(True, False),
        rs_status_replicas=slot0(R),
        rs_status_available=slot0(up),
        unscheduled=slot0(R - up),
        pending=placed0(0),
        running=placed0(0),
        ready=placed0(0),
        available=placed0(up),
        terminating=placed0(0),
        failed=slot0(0),
        attached=(True,) + (False,) * (sc.nodes - 1) if sc.claims else (),
        claim_home=(1,) if sc.claims else (),
        **_healthy_nodes(sc),
        **_rolled_out_status(ops, sc, R, up),
        **hpa.initial_fields(sc, R),  # the HorizontalPodAutoscaler's fields (issue 16; {} without one)
    )
    return _with_disruption(ops, sc, state)


def _with_disruption(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> DeploymentState:
    """Issue 16: the budget's synced status and the nodes' cordons (unchanged without a budget or drain)."""
    return attrs.evolve(s, **disruption.initial_fields(ops, sc, s))


def _healthy_nodes(sc: DeploymentScope) -> dict:
    """Every node Ready, registered and untainted (only where a node fault is on: the fields exist)."""
    if not sc.has_node_faults:
        return {}
    n = sc.nodes
    return {
        "node_state": (cl.NODE_READY,) * n,
        "node_exists": (True,) * n,
        "node_oos": (False,) * n if sc.out_of_service else (),
    }


def _rolled_out_status(ops: Ops, sc: DeploymentScope, R: Value, up: Value) -> dict:
    """With a progress deadline: the status of a Deployment whose rollout finished: every replica
    updated, ``up`` of them available, Progressing True/NewReplicaSetAvailable, and the Available
    condition its counts give."""
    if not sc.has_progress_deadline:
        return {}
    max_unavailable = du.max_unavailable(ops, sc.strategy, sc.max_surge, sc.max_unavailable, R)
    return {
        "rs_status_ready": (up,) + (0,) * (sc.templates - 1) if sc.tracks_ready else (),
        "status_replicas": R,
        "status_updated": R,
        "status_ready": up,
        "status_available": up,
        "progressing": du.NEW_RS_AVAILABLE,
        "deadline_passed": False,
        "available_condition": du.available_condition(ops, up, R, max_unavailable),
    }


def _just_created(sc: DeploymentScope) -> DeploymentState:
    """A Deployment just created (``failing-revision=first``): no ReplicaSet, no pod, its spec not
    yet observed; the controller's first sync creates the first template's ReplicaSet."""
    k, P = sc.templates, sc.placements
    zeros, placed = (0,) * k, (0,) * (k * P)
    return DeploymentState(
        replicas=sc.replicas,
        template=0,
        templates_used=1,
        paused=False,
        strategy_edited=False,
        strategy_edits_left=sc.strategy_edits if sc.edits_strategy else 0,
        observed=False,
        scales_left=sc.scales if sc.scale_to else 0,
        rollbacks_left=sc.rollbacks,
        pauses_left=sc.pauses,
        faults_left=sc.fault_budget if sc.faults else 0,
        rs_exists=(False,) * k,
        rs_revision=zeros,
        rs_history=zeros,
        rs_replicas=zeros,
        rs_desired=zeros,
        rs_max=zeros,
        rs_synced=(False,) * k,
        rs_status_replicas=zeros,
        rs_status_available=zeros,
        unscheduled=zeros,
        pending=placed,
        running=placed,
        ready=placed,
        available=placed,
        terminating=placed,
        failed=zeros,
        attached=(False,) * sc.nodes if sc.claims else (),
        claim_home=(0,) if sc.claims else (),
        rs_status_ready=zeros if sc.tracks_ready else (),
        **_healthy_nodes(sc),
        **hpa.initial_fields(sc, sc.replicas),  # the HorizontalPodAutoscaler's fields (issue 16; {} without one)
    )


# -- derived quantities (used by commands, properties and traces) ----------------------------

PER_REPLICASET = ("unscheduled", "failed")
"""Pod counters kept per ReplicaSet, not per node: unscheduled pods have none; Failed pods run
nothing there (their containers are stopped and volumes released)."""

BOUND = ("pending", "running", "ready", "available")
"""Phases of a pod bound to a node and not deleted (the active pods a node holds)."""


def placements(s: DeploymentState) -> int:
    return len(s.pending) // len(s.rs_exists)


def on_nodes(s: DeploymentState, phase: str, t: int) -> tuple:
    """ReplicaSet ``t``'s counters of ``phase``, one per placement."""
    P = placements(s)
    return tuple(getattr(s, phase)[t * P : (t + 1) * P])


def _total(terms: Value) -> Value:
    terms = list(terms)
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def in_phase(s: DeploymentState, phase: str, t: int) -> Value:
    """How many pods of ReplicaSet ``t`` are in ``phase`` (on any node)."""
    return getattr(s, phase)[t] if phase in PER_REPLICASET else _total(on_nodes(s, phase, t))


def on_node(s: DeploymentState, n: int, phases: tuple[str, ...] = BOUND) -> Value:
    """Pods of every ReplicaSet in ``phases`` on placement ``n``."""
    P = placements(s)
    return _total(getattr(s, phase)[t * P + n] for t in range(len(s.rs_exists)) for phase in phases)


def active_pods(s: DeploymentState, t: int) -> Value:
    """controller.FilterActivePods: neither Failed/Succeeded nor deleted (terminating)."""
    return _total(in_phase(s, phase, t) for phase in ("unscheduled",) + BOUND)


def live_pods(ops: Ops, s: DeploymentState) -> Value:
    """Every pod object that exists: active, terminating and Failed ones."""
    return ops.sum_(active_pods(s, t) + in_phase(s, "terminating", t) + s.failed[t] for t in range(len(s.rs_exists)))


def available_pods(ops: Ops, s: DeploymentState) -> Value:
    return ops.sum_(s.available)


def spec_total(ops: Ops, s: DeploymentState) -> Value:
    """Σ spec.replicas over the ReplicaSets that exist (deleted slots hold 0)."""
    return ops.sum_(s.rs_replicas)


def max_surge(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """MaxSurge of the Deployment as it reads in ``s`` (after any strategy edit)."""
    return ds.in_force(ops, sc, s, du.max_surge, s.replicas)


def min_available(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """MinAvailable of the Deployment as it reads in ``s`` (after any strategy edit)."""
    return ds.in_force(ops, sc, s, du.min_available, s.replicas)


def min_available_as_written(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """replicas - maxUnavailable as the manifest reads (percent rounded down, no 0/0 fallback)."""
    return ds.in_force(ops, sc, s, du.min_available_as_written, s.replicas)


def rollout_complete(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The controller has observed the current spec; its ReplicaSet runs every replica, available
    and reported; nothing else runs (DeploymentComplete, plus the pods themselves)."""
    k = len(s.rs_exists)
    is_new = new_replicaset(ops, sc, s)
    new_ok = ops.or_(
        *[
            ops.and_(
                is_new[t],
                s.rs_exists[t],
                s.rs_replicas[t] == s.replicas,
                in_phase(s, "available", t) == s.replicas,
                active_pods(s, t) == s.replicas,
                s.rs_status_available[t] == s.replicas,
                s.rs_status_replicas[t] == s.replicas,
            )
            for t in range(k)
        ]
    )
    others_gone = ops.and_(
        *[ops.or_(is_new[t], ops.and_(s.rs_replicas[t] == 0, active_pods(s, t) == 0)) for t in range(k)]
    )
    return ops.and_(s.observed, new_ok, others_gone)


def rollout_status(sc: DeploymentScope, s: DeploymentState) -> tuple[str, bool, str] | None:
    """What ``kubectl rollout status deployment/<name>`` answers at ``s``: (message, done, error), from
    the Deployment's stored status (DeploymentStatusViewer.Status); None without a progress
    deadline, where that status is not state."""
    if not sc.has_progress_deadline:
        return None
    return du.deployment_status_viewer_status(
        sc.name,
        bool(s.observed),
        s.progressing,
        s.replicas,
        s.status_replicas,
        s.status_updated,
        s.status_available,
    )


def rollout_status_done(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """``kubectl rollout status`` says "successfully rolled out" (the viewer's last branch), as a predicate."""
    return ops.and_(
        s.observed,
        s.progressing != du.TIMED_OUT,
        s.status_updated >= s.replicas,
        s.status_replicas <= s.status_updated,
        s.status_available >= s.status_updated,
    )


def new_replicaset(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """Per slot: it is the Deployment's new ReplicaSet (FindNewReplicaSet: the oldest existing one
    whose template equals the Deployment's)."""
    return ds.new_replicaset(ops, sc, s)


def quiescent(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """Nothing left to do is fine when the rollout is complete or the Deployment is paused."""
    return ops.or_(s.paused, rollout_complete(ops, sc, s))


def _slots(sc: DeploymentScope) -> range:
    return range(sc.templates)


def _set(values: tuple, t: int, value: Value) -> tuple:
    return values[:t] + (value,) + values[t + 1 :]


def _add(values: tuple, t: int, delta: Value) -> tuple:
    return _set(values, t, values[t] + delta)


# -- deployment controller ---------------------------------------------------------------------


def _rolling(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> tuple[ds.Plan, dict, dict]:
    plan = ds.Plan(ops, sc, s)
    w, flags = (ds.sync_rolling if sc.strategy == du.ROLLING_UPDATE else ds.sync_recreate)(plan)
    return plan, w, flags


def _on_rollout_path(ops: Ops, plan: ds.Plan) -> Value:
    return ops.not_(plan.sync_path)


def _create_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    plan, _w, flags = _rolling(ops, sc, s)
    if sc.strategy == du.ROLLING_UPDATE:
        return ops.and_(_on_rollout_path(ops, plan), ops.not_(plan.new_exists))
    return ops.and_(_on_rollout_path(ops, plan), flags["created"])


def _scale_new_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    plan, _w, flags = _rolling(ops, sc, s)
    return ops.and_(_on_rollout_path(ops, plan), plan.new_exists, flags["scaled_new"])


def _scale_old_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    plan, _w, flags = _rolling(ops, sc, s)
    if sc.strategy == du.ROLLING_UPDATE:
        return ops.and_(_on_rollout_path(ops, plan), plan.new_exists, ops.not_(flags["scaled_new"]), flags["wrote_old"])
    return ops.and_(_on_rollout_path(ops, plan), flags["scaled_old"])


def _clean_up_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    plan, _w, flags = _rolling(ops, sc, s)
    if sc.strategy == du.ROLLING_UPDATE:
        quiet = ops.and_(plan.new_exists, ops.not_(flags["scaled_new"]), ops.not_(flags["wrote_old"]))
    else:
        quiet = ops.and_(plan.new_exists, ops.not_(flags["scaled_old"]), ops.not_(flags["scaled_new"]))
    return ops.and_(_on_rollout_path(ops, plan), quiet, flags["cleaned"])


def _rollout_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    plan, w, flags = _rolling(ops, sc, s)
    created = ops.not_(plan.new_exists) if sc.strategy == du.ROLLING_UPDATE else flags["created"]
    return {**ds.as_changes(w), "observed": True, **ds.progress_status(plan, w, True, created)}


def _scale_deployment_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    plan = ds.Plan(ops, sc, s)
    w, _changed = ds.sync_scale(plan)
    # a sync that only raises the revision is sync_revision's
    return ops.and_(plan.sync_path, ds.changed(ops, s, {**w, "rs_revision": list(s.rs_revision)}))


def _scale_deployment_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    plan = ds.Plan(ops, sc, s)
    w = ds.sync_scale(plan)[0]
    return {**ds.as_changes(w), "observed": True, **ds.progress_status(plan, w, False, False)}


def _sync_revision_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    plan = ds.Plan(ops, sc, s)
    others = ops.or_(
        _scale_deployment_guard(ops, sc, s),
        _create_guard(ops, sc, s),
        _scale_new_guard(ops, sc, s),
        _scale_old_guard(ops, sc, s),
        _clean_up_guard(ops, sc, s),
    )
    return ops.and_(plan.bump, ops.not_(others))


def _sync_revision_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    plan = ds.Plan(ops, sc, s)
    w = plan.start()
    status = ds.progress_status(plan, w, ops.not_(plan.sync_path), False)
    return {"rs_revision": tuple(w["rs_revision"]), "rs_history": tuple(w["rs_history"]), "observed": True, **status}


def _writes_objects(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """Whether this sync writes any ReplicaSet (the other Deployment-controller commands)."""
    return ops.or_(
        _scale_deployment_guard(ops, sc, s),
        _create_guard(ops, sc, s),
        _scale_new_guard(ops, sc, s),
        _scale_old_guard(ops, sc, s),
        _clean_up_guard(ops, sc, s),
        _sync_revision_guard(ops, sc, s),
    )


def _status_only(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    """The status a sync that writes no ReplicaSet writes (with a progress deadline; else nothing)."""
    if not sc.has_progress_deadline:
        return {}
    plan = ds.Plan(ops, sc, s)
    return ds.progress_status(plan, plan.start(), ops.not_(plan.sync_path), False)


def _sync_status_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    news = ops.or_(ops.not_(s.observed), ds.status_changes(ops, s, _status_only(ops, sc, s)))
    return ops.and_(news, ops.not_(_writes_objects(ops, sc, s)))


def _sync_status_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    return {"observed": True, **_status_only(ops, sc, s)}


def _deadline_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return ops.and_(ops.not_(s.deadline_passed), du.is_clocked(ops, s.progressing))


def _deadline_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    return {"deadline_passed": True}


# -- replicaset controller ---------------------------------------------------------------------

_DELETE_CLASSES = ("pending", "running", "available")
"""Where placed pods (minReadySeconds 0) are deleted from, in ActivePodsWithRanks order."""


def _rs_split(ops: Ops, s: DeploymentState, rs: int) -> tuple[Value, Value, Value, Value, Value]:
    """How a sync of ReplicaSet ``rs`` deletes: (from unscheduled, pending, running, ready group, create)."""
    active = active_pods(s, rs)
    excess = ops.max_(active - s.rs_replicas[rs], 0)
    create = ops.max_(s.rs_replicas[rs] - active, 0)
    take_u = ops.min_(excess, s.unscheduled[rs])
    take_p = ops.min_(excess - take_u, in_phase(s, "pending", rs))
    take_r = ops.min_(excess - take_u - take_p, in_phase(s, "running", rs))
    rest = excess - take_u - take_p - take_r
    return take_u, take_p, take_r, rest, create


def _spread_ok(ops: Ops, s: DeploymentState, rs: int, takes: tuple, spread: tuple) -> Value:
    """Two nodes: ``spread`` gives how many of each class's deletions come from node-b. Within a
    class, getPodsRankedByRelatedPodsOnSameNode ranks a pod by the active pods of the
    Deployment's ReplicaSets on its node, and ActivePodsWithRanks.Less deletes higher ranks
    first; equal ranks fall through to ready time, restarts and creation time, which the model
    does not track, so a tie may split either way."""
    rank_a, rank_b = on_node(s, 0), on_node(s, 1)
    conds = []
    for phase, take, x in zip(_DELETE_CLASSES, takes, spread):
        on_a, on_b = on_nodes(s, phase, rs)
        conds += [
            x <= on_b,
            take - x <= on_a,
            take - x >= 0,
            ops.implies(rank_a > rank_b, x == ops.max_(take - on_a, 0)),
            ops.implies(rank_b > rank_a, x == ops.min_(take, on_b)),
        ]
    return ops.and_(*conds)


def _ready_pods(s: DeploymentState, rs: int) -> Value:
    """Pods of ReplicaSet ``rs`` whose Ready condition is True (status.readyReplicas counts them)."""
    return in_phase(s, "ready", rs) + in_phase(s, "available", rs)


def _rs_guard(
    ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, from_ready: int, spread: tuple | None
) -> Value:
    _take_u, take_p, take_r, rest, _create = _rs_split(ops, s, rs)
    active = active_pods(s, rs)
    available = in_phase(s, "available", rs)
    stale = ops.or_(
        active != s.rs_replicas[rs],
        s.rs_status_replicas[rs] != active,
        s.rs_status_available[rs] != available,
        ops.not_(s.rs_synced[rs]),
        *([s.rs_status_ready[rs] != _ready_pods(s, rs)] if sc.tracks_ready else []),
    )
    split_ok = ops.and_(from_ready <= rest, from_ready <= in_phase(s, "ready", rs), rest - from_ready <= available)
    if spread is not None:
        split_ok = ops.and_(split_ok, _spread_ok(ops, s, rs, (take_p, take_r, rest), spread))
    return ops.and_(s.rs_exists[rs], stale, split_ok)


def _rs_effect(
    ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, from_ready: int, spread: tuple | None
) -> dict:
    take_u, take_p, take_r, rest, create = _rs_split(ops, s, rs)
    changes = {
        "rs_status_replicas": _set(s.rs_status_replicas, rs, active_pods(s, rs)),
        "rs_status_available": _set(s.rs_status_available, rs, in_phase(s, "available", rs)),
        "rs_synced": _set(s.rs_synced, rs, True),
        "unscheduled": _add(s.unscheduled, rs, create - take_u),
    }
    if sc.tracks_ready:
        changes["rs_status_ready"] = _set(s.rs_status_ready, rs, _ready_pods(s, rs))
    if spread is None:
        return {
            **changes,
            "pending": _add(s.pending, rs, -take_p),
            "running": _add(s.running, rs, -take_r),
            "ready": _add(s.ready, rs, -from_ready),
            "available": _add(s.available, rs, from_ready - rest),
            "terminating": _add(s.terminating, rs, take_p + take_r + rest),
        }
    terminating = s.terminating
    for phase, take, x in zip(_DELETE_CLASSES, (take_p, take_r, rest), spread):
        values = _add(_add(getattr(s, phase), 2 * rs, x - take), 2 * rs + 1, -x)
        changes[phase] = values
        terminating = _add(_add(terminating, 2 * rs, take - x), 2 * rs + 1, x)
    return {**changes, "terminating": terminating}


def _spread_domain(sc: DeploymentScope) -> list:
    """The node-b share of each deletion class's count (two nodes only; None otherwise)."""
    if sc.placements < 2:
        return [None]
    cap = sc.pod_cap
    return [x for x in itertools.product(range(cap + 1), repeat=len(_DELETE_CLASSES)) if sum(x) <= cap]


def _ready_split_domain(sc: DeploymentScope) -> range:
    return range(sc.pod_cap + 1) if sc.has_min_ready else range(1)


# -- scheduler, kubelet, attach/detach and clock ---------------------------------------------


def _nodes(sc: DeploymentScope) -> list:
    """The node a placed pod is on; None where pods are not placed (one counter per ReplicaSet)."""
    return list(range(sc.nodes)) if sc.nodes else [None]


def _at(s: DeploymentState, rs: int, node: int | None) -> int:
    return rs * placements(s) + (node or 0)


def _volume_ready(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int | None) -> Value:
    """The kubelet mounts the shared claim only once its volume is attached to the pod's node."""
    return vol.is_attached(s, sc.nodes, 0, node or 0) if sc.claims else True  # claims: node is set


def _rwop_free(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """volumerestrictions: a pod with a ReadWriteOncePod claim is unschedulable while another
    scheduled pod object (terminating ones included) references the claim."""
    if not (sc.claims and sc.access_mode == vol.RWOP):
        return True
    return _claim_users(ops, sc, s, 0) == 0


def _bind_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None) -> Value:
    # issue 16: never onto a cordoned node (disruption.is_schedulable; True without a drain scenario)
    schedulable = disruption.is_schedulable(ops, sc, s, node)
    return ops.and_(s.unscheduled[rs] > 0, _rwop_free(ops, sc, s), dn.node_ready(ops, sc, s, node), schedulable)


def _bind_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None) -> dict:
    i = _at(s, rs, node)
    return {"unscheduled": _add(s.unscheduled, rs, -1), "pending": _add(s.pending, i, 1)}


def _move(src: str, dst: str, needs_volume: bool = False) -> tuple[Value, Value]:
    def guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None) -> Value:
        here = ops.and_(getattr(s, src)[_at(s, rs, node)] > 0, dn.node_ready(ops, sc, s, node))
        return ops.and_(here, _volume_ready(ops, sc, s, node)) if needs_volume else here

    def effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None) -> dict:
        i = _at(s, rs, node)
        return {src: _add(getattr(s, src), i, -1), dst: _add(getattr(s, dst), i, 1)}

    return guard, effect


def _ready_target(sc: DeploymentScope) -> str:
    return "ready" if sc.has_min_ready else "available"


def _pod_ready_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None) -> Value:
    return ops.and_(s.running[_at(s, rs, node)] > 0, dn.node_ready(ops, sc, s, node))


def _pod_ready_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None) -> dict:
    dst, i = _ready_target(sc), _at(s, rs, node)
    return {"running": _add(s.running, i, -1), dst: _add(getattr(s, dst), i, 1)}


def _crashloop_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None, phase: str) -> Value:
    return ops.and_(getattr(s, phase)[_at(s, rs, node)] > 0, dn.node_ready(ops, sc, s, node))


def _crashloop_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None, phase: str) -> dict:
    i = _at(s, rs, node)
    return {phase: _add(getattr(s, phase), i, -1), "running": _add(s.running, i, 1)}


def _failing_in(*modes: str) -> Value:
    """The ReplicaSet slots whose pods fail in one of ``modes`` (none when the scope's mode is another)."""

    def domain(sc: DeploymentScope) -> tuple[int, ...]:
        return sc.failing_slots() if sc.failure_mode in modes else ()

    return domain


def _healthy_in(*modes: str) -> Value:
    """Every ReplicaSet slot but those whose pods fail in one of ``modes``."""

    def domain(sc: DeploymentScope) -> list[int]:
        failing = _failing_in(*modes)(sc)
        return [t for t in _slots(sc) if t not in failing]

    return domain


def _evict_under_pressure_guard(
    ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None, phase: str
) -> Value:
    return ops.and_(getattr(s, phase)[_at(s, rs, node)] > 0, dn.node_ready(ops, sc, s, node))


def _evict_under_pressure_effect(
    ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None, phase: str
) -> dict:
    """The kubelet evicts the pod (node-pressure eviction): containers killed, phase Failed. The
    counter saturates at the cap: beyond it only "that many or more" is kept, which no command,
    property or trace reads."""
    i = _at(s, rs, node)
    return {phase: _add(getattr(s, phase), i, -1), "failed": _set(s.failed, rs, ops.min_(s.failed[rs] + 1, sc.pod_cap))}


def _terminated_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None) -> Value:
    """Only a reachable kubelet confirms that the containers stopped: on a lost node the pod stays Terminating."""
    return ops.and_(s.terminating[_at(s, rs, node)] > 0, dn.node_ready(ops, sc, s, node))


def _terminated_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None) -> dict:
    return {"terminating": _add(s.terminating, _at(s, rs, node), -1)}


def _claim_users(ops: Ops, sc: DeploymentScope, s: DeploymentState, claim: int) -> Value:
    """Scheduled pod objects referencing the shared claim (every pod mounts it)."""
    return ops.sum_(on_node(s, n, BOUND + ("terminating",)) for n in range(sc.nodes))


def _wanted_on(ops: Ops, sc: DeploymentScope, s: DeploymentState, claim: int, node: int) -> Value:
    """The attach/detach controller's desired state: some pod object on the node uses the claim
    (a terminating pod's containers still hold the mount)."""
    return on_node(s, node, BOUND + ("terminating",)) > 0


def _claim_indices(sc: DeploymentScope) -> range:
    return range(claim_count(sc))


VOLUMES = vol.ClaimTable(claims=_claim_indices, wanted_on=_wanted_on, node_health=False)


# -- user -------------------------------------------------------------------------------------


def _edit_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return s.templates_used < sc.templates


def _edit_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    # an edit that writes the template already in force changes no spec: no new generation
    unchanged = ops.or_(
        *[ops.and_(s.templates_used == i, ds.template_matches(ops, sc, s.template, i)) for i in range(1, sc.templates)]
    )
    return {
        "template": s.templates_used,
        "templates_used": s.templates_used + 1,
        "observed": ops.and_(s.observed, unchanged),
    }


def _scale_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, to: int) -> Value:
    return ops.and_(s.scales_left > 0, s.replicas != to)


def _scale_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, to: int) -> dict:
    return {"replicas": to, "scales_left": s.scales_left - 1, "observed": False}


def _undo_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, to: int) -> Value:
    # rollback.go: "skipped rollback (current template already matches revision ...)"
    return ops.and_(
        s.rollbacks_left > 0,
        ops.not_(s.paused),
        s.rs_exists[to],
        ops.not_(ds.template_matches(ops, sc, s.template, to)),
    )


def _undo_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, to: int) -> dict:
    return {"template": to, "rollbacks_left": s.rollbacks_left - 1, "observed": False}


def _edit_strategy_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return s.strategy_edits_left > 0


def _edit_strategy_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    return {
        "strategy_edited": ops.not_(s.strategy_edited),
        "strategy_edits_left": s.strategy_edits_left - 1,
        "observed": False,
    }


def _pause_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return ops.and_(s.pauses_left > 0, ops.not_(s.paused))


def _pause_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    return {"paused": True, "pauses_left": s.pauses_left - 1, "observed": False}


def _resume_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return s.paused


def _resume_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    return {"paused": False, "observed": False}


# -- faults -----------------------------------------------------------------------------------


def _fault_phases(kinds: tuple[str, ...]) -> Value:
    def domain(sc: DeploymentScope) -> tuple[str, ...]:
        return tuple(k for k in kinds if k != "ready" or sc.has_min_ready)

    return domain


def _crash_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None, phase: str) -> Value:
    return ops.and_(s.faults_left > 0, getattr(s, phase)[_at(s, rs, node)] > 0)


def _crash_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None, phase: str) -> dict:
    i = _at(s, rs, node)
    return {"faults_left": s.faults_left - 1, phase: _add(getattr(s, phase), i, -1), "running": _add(s.running, i, 1)}


def _evict_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None, phase: str) -> Value:
    # issue 16: with a PodDisruptionBudget the eviction API may refuse (429): then nothing happens
    allowed = disruption.eviction_goes_through(ops, sc, s, phase)
    return ops.and_(s.faults_left > 0, getattr(s, phase)[_at(s, rs, node)] > 0, allowed)


def _evict_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int | None, phase: str) -> dict:
    i = _at(s, rs, node)
    return {
        "faults_left": s.faults_left - 1,
        phase: _add(getattr(s, phase), i, -1),
        "terminating": _add(s.terminating, i, 1),
        **disruption.budget_after_eviction(ops, sc, s, phase),  # issue 16: disruptionsAllowed − 1
    }


_RS = (("rs", _slots),)
_RS_NODE = _RS + (("node", _nodes),)
_start_guard, _start_effect = _move("pending", "running", needs_volume=True)
_NOT_READY = (sdc.NEVER_READY, sdc.CRASH_BEFORE_READY)
_avail_guard, _avail_effect = _move("ready", "available")

_OWN_COMMANDS = (
    Command(
        "deployment-controller.create_new_replicaset",
        _create_guard,
        _rollout_effect,
        "rolloutRolling/rolloutRecreate: create the ReplicaSet of the current template (and, rolling, scale old ones "
        "down in the same sync)",
    ),
    Command(
        "deployment-controller.scale_new_replicaset",
        _scale_new_guard,
        _rollout_effect,
        "reconcileNewReplicaSet / scaleUpNewReplicaSetForRecreate: scale the new ReplicaSet toward spec.replicas "
        "within maxSurge",
    ),
    Command(
        "deployment-controller.scale_down_old_replicasets",
        _scale_old_guard,
        _rollout_effect,
        "reconcileOldReplicaSets / scaleDownOldReplicaSetsForRecreate: scale old ReplicaSets down, oldest first, "
        "keeping minAvailable",
    ),
    Command(
        "deployment-controller.clean_up_replicasets",
        _clean_up_guard,
        _rollout_effect,
        "cleanupDeployment after a complete rollout: delete the oldest revisions beyond revisionHistoryLimit",
    ),
    Command(
        "deployment-controller.scale_deployment",
        _scale_deployment_guard,
        _scale_deployment_effect,
        "sync() for a scaling event or a paused Deployment: proportional scaling (and cleanup when paused)",
    ),
    Command(
        "deployment-controller.sync_revision",
        _sync_revision_guard,
        _sync_revision_effect,
        "getNewReplicaSet on a reused ReplicaSet: raise its revision to max(old)+1 (after rollout undo)",
    ),
    Command(
        "deployment-controller.sync_status",
        _sync_status_guard,
        _sync_status_effect,
        "a sync that writes no ReplicaSet: status (observedGeneration) catches up with the new spec; with a progress "
        "deadline, also its counts and conditions (syncRolloutStatus / syncDeploymentStatus)",
    ),
    Command(
        "replicaset-controller.sync_replicaset",
        _rs_guard,
        _rs_effect,
        "syncReplicaSet: publish status from the pods listed, then create or delete toward spec.replicas",
        params=_RS + (("from_ready", _ready_split_domain), ("spread", _spread_domain)),
        fair_by=("rs",),
    ),
    Command(
        "scheduler.bind_pod",
        _bind_guard,
        _bind_effect,
        "bind an unscheduled pod to a node (any node: nothing here restricts the choice)",
        params=_RS_NODE,
        fair_by=("rs",),
    ),
    Command(
        "kubelet.start_pod",
        _start_guard,
        _start_effect,
        "start the containers of a bound pod (phase Running, not Ready), once the shared claim's volume is attached to "
        "its node (never for a release whose image cannot be pulled: pod-failure=never-start)",
        params=(("rs", _healthy_in(sdc.NEVER_START)), ("node", _nodes)),
    ),
    Command(
        "kubelet.pod_ready",
        _pod_ready_guard,
        _pod_ready_effect,
        "readiness probe passes (Ready; never for pod-failure=never-ready or crash-before-ready)",
        params=(("rs", _healthy_in(*_NOT_READY)), ("node", _nodes)),
    ),
    Command(
        "clock.pass_min_ready_seconds",
        _avail_guard,
        _avail_effect,
        "minReadySeconds pass: a Ready pod becomes available",
        params=_RS_NODE,
        enabled_in=lambda sc: sc.has_min_ready,
    ),
    Command(
        "clock.progress_deadline_passes",
        _deadline_guard,
        _deadline_effect,
        "progressDeadlineSeconds pass since the Progressing condition's lastUpdateTime (a condition "
        "DeploymentTimedOut times: NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated, DeploymentResumed); "
        "requeueStuckDeployment has the Deployment synced then",
        enabled_in=lambda sc: sc.has_progress_deadline,
    ),
    Command(
        "kubelet.container_crashes",
        _crashloop_guard,
        _crashloop_effect,
        "a container of a broken release crashes after becoming Ready and is restarted (CrashLoopBackOff)",
        params=(
            ("rs", _failing_in(sdc.CRASH_AFTER_READY)),
            ("node", _nodes),
            ("phase", _fault_phases(("ready", "available"))),
        ),
        enabled_in=lambda sc: sc.failure_mode == sdc.CRASH_AFTER_READY,
        fair_by=("rs",),
    ),
    Command(
        "kubelet.evict_pod_under_pressure",
        _evict_under_pressure_guard,
        _evict_under_pressure_effect,
        "node-pressure eviction of a started pod of the failing release: containers killed, phase Failed (not "
        "active: its ReplicaSet creates a replacement; the Failed pod object stays)",
        params=(
            ("rs", _failing_in(sdc.EVICTED)),
            ("node", _nodes),
            ("phase", _fault_phases(("running", "ready", "available"))),
        ),
        enabled_in=lambda sc: sc.failure_mode == sdc.EVICTED,
        fair_by=("rs",),
    ),
    Command(
        "kubelet.pod_terminated",
        _terminated_guard,
        _terminated_effect,
        "a terminating pod's containers stop; the pod is gone",
        params=_RS_NODE,
    ),
    Command(
        "user.edit_template",
        _edit_guard,
        _edit_effect,
        "kubectl edit/apply: the pod template the scope's edit-to names (by default a new one: a new revision)",
        kind="user",
        enabled_in=lambda sc: sc.edits > 0,
    ),
    Command(
        "user.scale",
        _scale_guard,
        _scale_effect,
        "kubectl scale --replicas=N",
        kind="user",
        params=(("to", lambda sc: sc.scale_to),),
        enabled_in=lambda sc: sc.scales > 0,
    ),
    Command(
        "user.rollout_undo",
        _undo_guard,
        _undo_effect,
        "kubectl rollout undo --to-revision: the template of that ReplicaSet",
        kind="user",
        params=(("to", _slots),),
        enabled_in=lambda sc: sc.rollbacks > 0,
    ),
    Command(
        "user.edit_strategy",
        _edit_strategy_guard,
        _edit_strategy_effect,
        "kubectl edit/apply: spec.strategy.rollingUpdate switches between the manifest's maxSurge/maxUnavailable and "
        "the scope's edited values (no new revision: the pod template is unchanged)",
        kind="user",
        enabled_in=lambda sc: sc.edits_strategy,
    ),
    Command(
        "user.pause",
        _pause_guard,
        _pause_effect,
        "kubectl rollout pause",
        kind="user",
        enabled_in=lambda sc: sc.pauses > 0,
    ),
    Command(
        "user.resume",
        _resume_guard,
        _resume_effect,
        "kubectl rollout resume",
        kind="user",
        enabled_in=lambda sc: sc.pauses > 0,
    ),
    Command(
        "fault.crash_pod",
        _crash_guard,
        _crash_effect,
        "a Ready pod's container crashes: Running, not Ready",
        kind="fault",
        params=_RS_NODE + (("phase", _fault_phases(("ready", "available"))),),
        enabled_in=lambda sc: "crash" in sc.faults,
    ),
    Command(
        "fault.evict_pod",
        _evict_guard,
        _evict_effect,
        "the Eviction API deletes a scheduled pod gracefully (with a PodDisruptionBudget only when it allows: "
        "eviction.go checkAndDecrement)",
        kind="fault",
        params=_RS_NODE + (("phase", _fault_phases(("pending", "running", "ready", "available"))),),
        enabled_in=lambda sc: "evict" in sc.faults,
    ),
)
# the shared claim's attach/detach controller, then the cluster's node lifecycle over the pod counters
COMMANDS = _OWN_COMMANDS + vol.volume_commands(VOLUMES, lambda sc: sc.claims) + dn.NODE_COMMANDS
# issue 16: the PodDisruptionBudget's controller, the eviction API through kubectl drain, the node-pool upgrade
COMMANDS += disruption.COMMANDS
# the HorizontalPodAutoscaler, its load and the manifest's re-applies (issue 16 item 3; model/controllers/hpa.py)
COMMANDS += hpa.COMMANDS


MODEL = Model(
    name="deployment",
    title="Deployment rolling updates (Deployment + ReplicaSet controllers, kubelet, user)",
    kubernetes=KUBERNETES,
    state_cls=DeploymentState,
    scope_cls=DeploymentScope,
    init=initial_state,
    commands=COMMANDS,
    quiescent=quiescent,
    presets=PRESETS,
)
