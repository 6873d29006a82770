"""PodDisruptionBudgets, evictions, drains and node-pool upgrades around a Deployment (issue 16 item 4).

The questions users ask: "will ``kubectl drain`` finish on this node?", "does my budget keep my
floor during a drain, and during a rollout at the same time?", "does a node-pool upgrade finish?",
"can my budget ever allow an eviction?". The actors are :mod:`kubecheck.model.controllers.disruption`
(the budget's controller, the eviction API through kubectl drain, the upgrade), over the Deployment's
pods placed on nodes (two unless set) with minReadySeconds 0 (the placed model's limit).

Upstream (v1.35; kubectl v0.35.0), as the ports in ``disruption_util.py`` and ``drain_util.py`` read it:
``pkg/registry/core/pod/storage/eviction.go`` (checkAndDecrement refuses with 429 when
disruptionsAllowed is 0 or the status is not yet observed, else writes disruptionsAllowed − 1 and
deletes the pod), ``pkg/controller/disruption/disruption.go`` (updatePdbStatus recomputes the
status from the pods, event-driven, hence with lag), kubectl ``pkg/drain/drain.go`` (evictPods
retries a 429 every 5 s for ever with the default ``--timeout`` 0; the node is cordoned first, so
replacements schedule elsewhere) and the controllers' own deletions, which never consult a budget
(``replica_set.go:manageReplicas`` deletes pods directly).

The floor is the budget's desiredHealthy as getExpectedPodCount computes it over the current pods
(minAvailable as written for an integer; from the Deployment's spec.replicas otherwise); healthy
is countHealthyPods' count (Ready and not terminating). What upstream guarantees is that evictions do not
*take* the healthy pods below it (checkAndDecrement approves one only while disruptionsAllowed > 0 and
decrements it; updatePdbStatus writes currentHealthy − desiredHealthy, 0 when negative): a Deployment whose
spec.replicas cannot meet the floor (replicas 0 under minAvailable 1) is below it from the start, and
every eviction is refused. So the floor properties speak about the Deployments that reach it
(:func:`within_reach`, stated in their rows), and with the parameters open they are decided for every value
of replicas, maxSurge and maxUnavailable by stated lemmas (:func:`floor_lemmas`,
:func:`edited_budget_lemmas`) or at the least values that break them.
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import disruption as dr
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property

# -- scopes -----------------------------------------------------------------------------------


def _with_budget(sc: DeploymentScope) -> DeploymentScope:
    """A budget (minAvailable 1 unless the user wrote one) over the pods on nodes (two unless set),
    minReadySeconds 0 and no shared claim (the placed model's limits)."""
    least = sc.pdb_min_available if sc.has_budget else IntOrPercent(1)
    return attrs.evolve(sc, nodes=sc.nodes or 2, min_ready_seconds=0, claims=False, pdb_min_available=least)


def _only_evictions(sc: DeploymentScope) -> DeploymentScope:
    """Nothing disrupts the pods but evictions: no template edit, scale, undo, fault or failing release."""
    return attrs.evolve(
        sc,
        edits=0,
        edit_to=(),
        scale_to=(),
        rollbacks=0,
        faults=frozenset(),
        pod_failure="none",
        broken_release=False,
    )


def drain_alone(sc: DeploymentScope) -> DeploymentScope:
    """``kubectl drain node-a`` (scenario drain unless set) with a budget, and only evictions disrupting."""
    scenario = sc.scenario if sc.scenario != "none" else "drain"
    return _only_evictions(attrs.evolve(_with_budget(sc), scenario=scenario))


def drain_during_rollout(sc: DeploymentScope) -> DeploymentScope:
    """As :func:`drain_alone`, with at least one template edit: a rollout may run during the drain."""
    return attrs.evolve(drain_alone(sc), edits=max(1, sc.edits), edit_to=sc.edit_to)


def node_upgrade(sc: DeploymentScope) -> DeploymentScope:
    """A node-pool upgrade over the nodes (two unless set) with a budget, only evictions disrupting."""
    return attrs.evolve(drain_alone(sc), scenario="node-upgrade")


def budget_alone(sc: DeploymentScope) -> DeploymentScope:
    """A budget over the Deployment's pods (minAvailable 1 unless written) and no user action or fault.

    Fairness never requires a user action or a fault, so they cannot make the budget allow an
    eviction on every fair run; and the run that takes none of them is fair. Leaving them out keeps
    the verdict and spares the search the rollouts (10 million states at ``small`` on two nodes)."""
    least = sc.pdb_min_available if sc.has_budget else IntOrPercent(1)
    return _only_evictions(attrs.evolve(sc, pdb_min_available=least))


_ASSUMES_DRAIN = (
    "a PodDisruptionBudget (minAvailable 1 unless set) selecting the Deployment's pods; pods placed on nodes (two "
    "unless set), minReadySeconds 0; kubectl drain node-a; no template edit, scale, undo or fault (only evictions "
    "disrupt, and other workloads' pods behind the budget stay Ready unless pdb-other-churn is set); every Ready, "
    "schedulable node fits a pod"
)
_ASSUMES_ROLLOUT = _ASSUMES_DRAIN.replace("no template edit, scale", "at least one template edit; no scale")
_ASSUMES_UPGRADE = _ASSUMES_DRAIN.replace(
    "kubectl drain node-a", "a node-pool upgrade (drain, replace, uncordon, node by node)"
)
_ASSUMES_SHARED = _ASSUMES_DRAIN.replace(
    "selecting the Deployment's pods;",
    "selecting the Deployment's pods and Ready pods of other workloads (one unless pdb-other-pods is set; they stay "
    "Ready unless pdb-other-churn is set, then up to that many go NotReady and come back, weakly fair; they are not "
    "on node-a, so the drain never evicts them);",
).replace(", and other workloads' pods behind the budget stay Ready unless pdb-other-churn is set", "")
_ASSUMES_RELAXED = _ASSUMES_DRAIN.replace(
    "a PodDisruptionBudget (minAvailable 1 unless set)",
    "a PodDisruptionBudget (minAvailable = spec.replicas unless set) that the user edits once during the drain (to "
    "minAvailable 1 unless pdb-edit-to is set)",
)
_ASSUMES_TIGHTENED = _ASSUMES_DRAIN.replace(
    "a PodDisruptionBudget (minAvailable 1 unless set)",
    "a PodDisruptionBudget (minAvailable 1 unless set) that the user tightens once during the drain (minAvailable "
    "to spec.replicas or maxUnavailable to 0, unless pdb-edit-to is set)",
)
#: The floor properties' range: what eviction.go guarantees is that evictions do not take the pods below the
#: floor, so a Deployment that cannot meet it (spec.replicas below an integer minAvailable) is left out.
_FLOOR_IN_REACH = (
    "; the floor is claimed where spec.replicas (with the other workloads' Ready pods) reach desiredHealthy (at "
    "replicas 0 under minAvailable 1 the budget is unmet from the start and refuses every eviction)"
)
_ASSUMES_BUDGET = (
    "a PodDisruptionBudget (minAvailable 1 unless set) selecting the Deployment's pods; no template edit, scale, "
    "undo or fault (fairness requires none of them)"
)

# -- predicates -------------------------------------------------------------------------------


def budget_floor(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """Healthy pods (Ready, not terminating) are at least the budget's desiredHealthy, wherever the
    Deployment's spec.replicas reach it (:func:`within_reach`)."""
    if not sc.has_budget:
        return ops.and_()
    _expected, desired = dr.expected_and_desired(ops, sc, s)
    return ops.implies(within_reach(ops, sc, s, desired), dr.budget_healthy(ops, sc, s) >= desired)


def own_floor(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The Deployment's own healthy pods are at least the desiredHealthy the same budget spec would give
    it if it selected the Deployment's pods only, wherever its spec.replicas reach it."""
    if not sc.has_budget:
        return ops.and_()
    _expected, desired = dr.expected_and_desired(ops, sc, s, alone=True)
    return ops.implies(s.replicas >= desired, dr.healthy_pods(ops, s) >= desired)


def within_reach(ops: Ops, sc: DeploymentScope, s: DeploymentState, desired: Value) -> Value:
    """The budget's desiredHealthy is a floor the selected pods can meet: at most the Deployment's
    spec.replicas plus the other workloads' Ready pods behind the budget.

    Upstream guarantees no more: a budget whose integer minAvailable exceeds the pods there are
    (minAvailable 1 over replicas 0) is unmet from the start, disruption.go:updatePdbStatus writes
    disruptionsAllowed 0 and the DisruptionAllowed condition False (InsufficientPods), and every
    eviction gets 429; nothing takes a healthy pod away and nothing puts one back. What
    eviction.go:checkAndDecrement guarantees is that evictions do not *take* the pods below the
    floor, so the floor properties speak about the Deployments that can meet it."""
    return s.replicas + sc.pdb_other_pods >= desired


def floor_lemmas(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """Why the floor holds while only evictions disrupt (candidates; see Property.lemmas).

    Healthy pods never fall below desiredHealthy plus the disruptionsAllowed last written. The
    budget exists before the check starts, its status synced over the settled pods
    (disruption.go:updatePdbStatus: disruptionsAllowed = currentHealthy − desiredHealthy, 0 when that
    is negative or no pod is expected), so it starts with equality where the floor is within reach;
    every later sync writes it again from the pods of that moment. A pod becoming Ready only adds
    to the healthy side. The only step that takes a healthy pod away is an eviction of it, which
    eviction.go:checkAndDecrement approves only while disruptionsAllowed > 0 and which writes
    disruptionsAllowed − 1 with the deletion: both sides drop by one. An evicted pod that was not
    Ready (the unhealthy-pod path) takes nothing from the healthy side. Nothing else deletes a
    Ready pod: no edit, scale, undo or fault, so the ReplicaSet controller only replaces the evicted
    pods (manageReplicas counts terminating pods out), and a node-pool upgrade's machine
    replacement finds its drained node empty. disruptionsAllowed is never negative, so the floor
    follows.
    """
    if not sc.has_budget:
        return []
    steady = _steady_desired(ops, sc, s)
    above = dr.budget_healthy(ops, sc, s) >= steady + s.pdb_allowed
    return [ops.implies(within_reach(ops, sc, s, steady), above)] + _no_other_deletion(ops, sc, s)


def _steady_desired(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """desiredHealthy while the Deployment has a pod: a percentage or maxUnavailable reads its spec.replicas
    (getExpectedScale counts a controller only while a selected pod resolves to it; with none, 0). The lemma
    keeps the healthy pods above this value, so they never all go and it is the floor of every reachable
    state; an integer minAvailable is the floor as written either way."""
    total = s.replicas + sc.pdb_other_pods
    return dsu.get_expected_pod_count(ops, sc.pdb_min_available, sc.pdb_max_unavailable, total, total)[1]


def _no_other_deletion(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """With no edit, scale, undo or fault nobody but the eviction API deletes a Ready pod: one template, so one
    ReplicaSet, at spec.replicas, with no more active pods than that (an evicted pod is terminating, counted out:
    replica_set.go:manageReplicas creates its replacement and has nothing in excess to delete); and the budget's
    disruptionsAllowed is never negative."""
    out = [
        s.pdb_allowed >= 0,
        s.templates_used == 1,
        s.rs_exists[0],
        ops.not_(s.paused),
        s.rs_replicas[0] == s.replicas,
        d.active_pods(s, 0) <= s.rs_replicas[0],
    ]
    for t in range(1, len(s.rs_exists)):
        out += [ops.not_(s.rs_exists[t]), s.rs_replicas[t] == 0, d.active_pods(s, t) == 0]
    return out


def edited_budget_lemmas(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """Why no eviction is approved that the edited spec would refuse (candidates; see Property.lemmas).

    While the status has observed the spec (not stale) and allows a disruption, healthy pods are at
    least desiredHealthy of the current spec plus disruptionsAllowed: the sync that wrote a positive
    disruptionsAllowed wrote currentHealthy − desiredHealthy from the pods and the spec of that moment
    (disruption.go:updatePdbStatus); a pod becoming Ready adds to the healthy side; an approved
    eviction of a Ready pod takes one from each side (eviction.go:checkAndDecrement), and one of a pod
    that is not Ready takes nothing from the healthy side; the user's edit makes the status stale
    (observedGeneration behind), and a stale status refuses every eviction (429) until the next sync.
    Nothing else deletes a Ready pod (as :func:`floor_lemmas`). So an eviction that takes a healthy
    pod, approved only with disruptionsAllowed > 0 on an observed status, starts above the floor.
    """
    if not sc.has_budget:
        return []
    _expected, desired = dr.expected_and_desired(ops, sc, s)
    allowing = ops.and_(ops.not_(s.pdb_stale), s.pdb_allowed > 0)
    above = dr.budget_healthy(ops, sc, s) >= desired + s.pdb_allowed
    return [ops.implies(allowing, above)] + _no_other_deletion(ops, sc, s)


def shared_drain(sc: DeploymentScope) -> DeploymentScope:
    """As :func:`drain_alone`, with one Ready pod of another workload behind the budget unless the scope
    says how many (``pdb-other-pods``); ``pdb-other-churn`` lets that many of them go NotReady and come back."""
    return attrs.evolve(drain_alone(sc), pdb_other_pods=sc.pdb_other_pods or 1)


def relaxed_budget(sc: DeploymentScope) -> DeploymentScope:
    """A drain under a budget at the replicas (minAvailable = spec.replicas unless a bound is written) that
    the user relaxes once (to minAvailable 1 unless ``pdb-edit-to`` is set)."""
    blocked = sc if sc.has_budget else attrs.evolve(sc, pdb_min_available=IntOrPercent(sc.replicas))
    edit = sc.pdb_edit_to if sc.pdb_edit_to is not None else IntOrPercent(1)
    return attrs.evolve(drain_alone(blocked), pdb_edit_to=edit)


def tightened_budget(sc: DeploymentScope) -> DeploymentScope:
    """A drain under a budget (minAvailable 1 unless written) that the user tightens once (unless
    ``pdb-edit-to`` is set: minAvailable to spec.replicas, or maxUnavailable to 0)."""
    drained = drain_alone(sc)
    tight = IntOrPercent(0) if drained.pdb_max_unavailable is not None else IntOrPercent(sc.replicas)
    return attrs.evolve(drained, pdb_edit_to=sc.pdb_edit_to if sc.pdb_edit_to is not None else tight)


def edited_and_draining(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The user's budget edit is applied and kubectl drain is evicting."""
    return ops.and_(s.pdb_edited == 1, s.drain_state == dr.EVICTING)


def eviction_within_current_spec(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """A step that takes a healthy pod away during a drain (with only evictions disrupting: an approved
    eviction) starts where the budget's current spec allows one: healthy pods above its desiredHealthy."""
    if not sc.has_budget:
        return ops.and_()
    lost = ops.and_(s.drain_state == dr.EVICTING, dr.healthy_pods(ops, t) < dr.healthy_pods(ops, s))
    _expected, desired = dr.expected_and_desired(ops, sc, s)
    return ops.implies(lost, dr.budget_healthy(ops, sc, s) > desired)


def draining(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """kubectl drain is evicting (the node is cordoned and its pods listed)."""
    return s.drain_state == dr.EVICTING


def drained(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """kubectl drain printed node/<node> drained."""
    return s.drain_state == dr.DRAINED


def upgrade_done(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The node-pool upgrade has drained, replaced and uncordoned every node."""
    return s.upgrade_node == sc.nodes if sc.is_upgrade else ops.and_()


def budget_allows(ops: Ops, sc: DeploymentScope | StatefulSetScope, s: DeploymentState | StatefulSetState) -> Value:
    """The budget's status says disruptionsAllowed > 0 (DisruptionAllowed condition True); the
    Deployment's and the StatefulSet's budget fields have the same names."""
    if not sc.has_budget:
        return ops.and_()
    return s.pdb_allowed > 0


def status_words(s: DeploymentState | StatefulSetState, healthy: Value, desired: Value) -> str:
    """The budget's status as last written, and the healthy pods and floor at ``s``."""
    return (
        f"the PodDisruptionBudget: disruptionsAllowed {s.pdb_allowed}, currentHealthy "
        f"{s.pdb_current_healthy}, desiredHealthy {s.pdb_desired_healthy} (status as last written); "
        f"{healthy} pods healthy now, floor {desired}"
    )


def second_budget_words(sc: DeploymentScope | StatefulSetScope) -> list[str]:
    """The words for a second budget over the same pods (``pdb-second-budget``); none without it."""
    if not (sc.has_budget and sc.pdb_second_budget):
        return []
    return [
        "a second PodDisruptionBudget selects the same pods: the eviction API answers 500 (more than one "
        "PodDisruptionBudget) for every pod it does not delete outright, and kubectl drain fails"
    ]


def explain(sc: DeploymentScope, s: DeploymentState) -> str:
    """The budget's status, the floor at ``s`` and where the drain is."""
    c = CONCRETE
    parts = []
    if sc.has_budget:
        _e, desired = dr.expected_and_desired(c, sc, s)
        parts.append(status_words(s, dr.budget_healthy(c, sc, s), desired))
        if sc.pdb_other_pods:
            _e, alone = dr.expected_and_desired(c, sc, s, alone=True)
            others = f"{sc.pdb_other_pods - s.pdb_other_not_ready} of other workloads"
            if sc.has_other_churn:
                others += f" ({s.pdb_other_not_ready} more of theirs not Ready)"
            parts.append(
                f"of them {others}; the Deployment's own: {dr.healthy_pods(c, s)} "
                f"healthy, floor {alone} if the budget selected its pods alone"
            )
        parts += second_budget_words(sc)
    if sc.has_drain:
        node = dr.drained_node(sc, s)
        if sc.is_upgrade and node >= sc.nodes:
            parts.append("node-pool upgrade done")
        else:
            cordoned = ", ".join(cl.node_name(n) for n in range(sc.nodes) if s.node_cordoned[n]) or "none"
            parts.append(
                f"drain of {cl.node_name(node)}: {dr.DRAIN_STATE_NAMES[s.drain_state]}, "
                f"{dr.pods_on_node(c, s, node)} listed pods still there; cordoned: {cordoned}"
            )
    return "; ".join(parts)


_FAIR = WEAK_FAIRNESS + "; kubectl's eviction retries (kubectl.evict_pod) and the budget's sync are among them"

PROPERTIES = (
    Property(
        name="deployment.drain_eventually_completes",
        meaningful={"pdb-min-available": "2"},  # where it fails: a budget at the replicas
        kind="leads_to",
        doc="once kubectl drain node-a runs, it eventually prints node/node-a drained: every pod is evicted (429s "
        "retried) and gone",
        upstream="kubectl pkg/drain/drain.go:evictPods retries 429 TooManyRequests every 5 s with no limit "
        "(--timeout 0); eviction.go:checkAndDecrement answers 429 while disruptionsAllowed is 0; replacements "
        "schedule only on uncordoned nodes (the scheduler's NodeUnschedulable filter)",
        predicate=draining,
        target=drained,
        adjust=drain_alone,
        assumes=_ASSUMES_DRAIN,
        explain=explain,
        fairness=_FAIR,
    ),
    Property(
        name="deployment.budget_floor_holds_under_evictions",
        meaningful={},  # its adjustment of tiny drains under a budget
        kind="always",
        doc="while only evictions disrupt, healthy pods never drop below the budget's desiredHealthy (wherever "
        "spec.replicas reach it)",
        upstream="eviction.go:checkAndDecrement approves an eviction only while the observed status allows one and "
        "writes disruptionsAllowed − 1 with it; disruption.go:updatePdbStatus recomputes the status from the pods "
        "before it allows again; the unhealthy-pod path removes only pods that are not Ready",
        predicate=budget_floor,
        adjust=drain_alone,
        assumes=_ASSUMES_DRAIN + _FLOOR_IN_REACH,
        explain=explain,
        lemmas=floor_lemmas,
    ),
    Property(
        name="deployment.budget_floor_under_evictions_and_rollout",
        meaningful={},  # its adjustment of tiny drains during a rollout
        kind="always",
        doc="with a rollout during the drain, healthy pods never drop below the budget's desiredHealthy (wherever "
        "spec.replicas reach it; not guaranteed upstream)",
        upstream="not guaranteed: the ReplicaSet controller deletes old pods without consulting any budget "
        "(replica_set.go:manageReplicas), and the budget's status lags those deletions until "
        "disruption.go:updatePdbStatus runs, so eviction.go approves evictions on a stale disruptionsAllowed",
        predicate=budget_floor,
        adjust=drain_during_rollout,
        assumes=_ASSUMES_ROLLOUT + _FLOOR_IN_REACH,
        explain=explain,
    ),
    Property(
        name="deployment.shared_budget_keeps_own_floor",
        meaningful={},  # its adjustment puts another workload's pod behind the budget
        kind="always",
        doc="with several workloads behind one budget, evictions never take the Deployment below the floor the same "
        "budget would give it alone (not guaranteed upstream)",
        upstream="not guaranteed: disruption.go:getExpectedPodCount and countHealthyPods count every pod the selector "
        "matches, whatever its controller (getExpectedScale sums the scales of all their controllers), so "
        "eviction.go:checkAndDecrement approves evictions of one workload's pods while the others' Ready pods keep "
        "the budget's currentHealthy above desiredHealthy",
        predicate=own_floor,
        adjust=shared_drain,
        assumes=_ASSUMES_SHARED + _FLOOR_IN_REACH,
        explain=explain,
    ),
    Property(
        name="deployment.drain_completes_once_budget_relaxed",
        meaningful={},  # its adjustment blocks the drain, then relaxes the budget
        kind="leads_to",
        doc="once the user has relaxed a budget that blocked kubectl drain node-a, the drain eventually completes",
        upstream="eviction.go:checkAndDecrement answers 429 while status.observedGeneration < metadata.generation; "
        "disruption.go:updatePdbStatus then recomputes desiredHealthy and disruptionsAllowed from the edited spec and "
        "writes observedGeneration; kubectl's evictPods retries every 5 s",
        predicate=edited_and_draining,
        target=drained,
        adjust=relaxed_budget,
        assumes=_ASSUMES_RELAXED,
        explain=explain,
        fairness=_FAIR,
    ),
    Property(
        name="deployment.eviction_respects_edited_budget",
        meaningful={},  # its adjustment tightens the budget during the drain
        kind="step",
        doc="after the user edits the budget, no eviction is approved that the edited spec would refuse: healthy "
        "pods are above its desiredHealthy whenever one is taken",
        upstream="eviction.go:checkAndDecrement refuses (429) while the status has not observed the new generation, "
        "and otherwise decrements the status the disruption controller computed from the current spec",
        predicate=eviction_within_current_spec,
        adjust=tightened_budget,
        assumes=_ASSUMES_TIGHTENED,
        explain=explain,
        lemmas=edited_budget_lemmas,
    ),
    Property(
        name="deployment.upgrade_completes",
        meaningful={"pdb-min-available": "2"},  # where it fails: a budget at the replicas
        kind="eventually",
        doc="a node-pool upgrade eventually drains, replaces and uncordons every node",
        upstream="each node's drain as kubectl pkg/drain/drain.go (429 retried for ever); an evicted pod's "
        "replacement schedules on an uncordoned node; the upgrade proceeds node by node",
        predicate=upgrade_done,
        adjust=node_upgrade,
        assumes=_ASSUMES_UPGRADE,
        explain=explain,
        fairness=_FAIR + "; the upgrade's stages (node-pool-upgrade.*) too",
    ),
    Property(
        name="deployment.upgrade_keeps_floor",
        meaningful={},  # its adjustment of tiny upgrades under a budget
        kind="always",
        doc="during a node-pool upgrade, healthy pods never drop below the budget's desiredHealthy (wherever "
        "spec.replicas reach it)",
        upstream="every pod leaves a node through eviction.go:checkAndDecrement (the drain); "
        "disruption.go:updatePdbStatus recomputes before allowing again",
        predicate=budget_floor,
        adjust=node_upgrade,
        assumes=_ASSUMES_UPGRADE + _FLOOR_IN_REACH,
        explain=explain,
        lemmas=floor_lemmas,
    ),
    Property(
        name="deployment.budget_can_allow_an_eviction",
        meaningful={"pdb-min-available": "2"},  # where it fails: desiredHealthy = replicas
        kind="eventually",
        doc="the budget eventually allows an eviction (disruptionsAllowed > 0); a budget that never does blocks "
        "every voluntary disruption",
        upstream="disruption.go:updatePdbStatus: disruptionsAllowed = max(currentHealthy − desiredHealthy, 0), and 0 "
        "when expectedPods is 0; eviction.go refuses every eviction with 429 while it is 0",
        predicate=budget_allows,
        adjust=budget_alone,
        assumes=_ASSUMES_BUDGET,
        explain=explain,
        fairness=WEAK_FAIRNESS,
    ),
)
