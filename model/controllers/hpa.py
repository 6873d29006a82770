"""The HorizontalPodAutoscaler as an actor of the Deployment model (issue 16 item 3).

Kubernetes v1.35, default feature gates, one CPU Utilization metric, ``spec.behavior`` nil or as written. The
arithmetic is :mod:`kubecheck.model.controllers.hpa_util`'s (ports of upstream's functions, tested
against upstream's tables there); this module only reads the Deployment's pod counters and writes
its ``spec.replicas``. Upstream files and functions modelled, in our words:

* ``pkg/controller/podautoscaler/horizontal.go``: ``reconcileAutoscaler`` reads the target's
  ``/scale`` (``currentReplicas`` = the Deployment's spec.replicas, its selector), does nothing
  when spec.replicas is 0 and minReplicas is not, writes maxReplicas / minReplicas without asking
  the metrics when spec.replicas is outside them, and otherwise normalises the metric's proposal
  (``normalizeDesiredReplicas``: ``stabilizeRecommendation`` over the 300 s downscale window, then
  ``convertDesiredReplicasWithRules``) and writes it through ``/scale`` when it differs — the same
  write as ``kubectl scale``: a new generation the Deployment controller then observes.
  ``recordInitialRecommendation`` seeds the window with spec.replicas when the autoscaler starts.
  With ``spec.behavior`` (scope ``hpa-scale-up`` / ``hpa-scale-down``, each direction with the API's
  defaults filled in) ``normalizeDesiredReplicasWithBehaviors`` replaces that:
  ``stabilizeRecommendationWithBehaviors`` over both windows, ``convertDesiredReplicasWithBehaviorRate``
  with ``calculateScaleUpLimitWithScalingRules`` / ``calculateScaleDownLimitWithBehaviors`` over the
  scale events ``storeScaleEvent`` records after every write (selectPolicy Disabled: the limit is
  currentReplicas, no scaling that way).
* ``pkg/controller/podautoscaler/replica_calculator.go``: ``GetResourceReplicas`` lists the pods by
  the target's *selector* — for a Deployment every ReplicaSet's pods, so a rollout's surge and old
  pods count while ``currentReplicas`` stays spec.replicas — and ``groupPods`` sorts them: pods
  being deleted (Terminating here) or Failed are ignored; Pending pods (unscheduled, bound,
  starting) are unready; Running pods that are not Ready are unready (the CPU rule within
  ``cpuInitializationPeriod``, 5 min by the controller's defaults: a rollout's new pods); Ready
  pods have a metric sample or are *missing*.

Abstractions, each sound for the properties stated (papers/disruption-actors.md, sections 2.4
and 3):

* **Which Ready pods have no sample** (metrics-server's scrape timing) is a choice of each sync,
  the command's parameter ``missing`` (0 up to every Ready pod but one, or the scope's
  ``hpa-missing-metrics``), shown in the trace label (``hpa.reconcile(missing=1)``). A sync in which
  no Ready pod has a sample fails upstream ("did not receive metrics for targeted pods") and writes
  nothing: it is left out, as is every sync that changes nothing (a stutter).
* **Load** is the environment's: an index into the scope's levels (``hpa-loads``), changed by
  ``env.load_changes`` at most ``hpa-load-changes`` times, never required. ``per-pod``: every
  Ready pod runs at the level, however many there are (a CPU-bound background load);
  ``total-demand``: level x spec.replicas of demand shared evenly by the Ready pods (a request
  rate served by whoever is Ready), the utilisation an integer as upstream's.
* **The window** is a strictly decreasing queue (``hpa_util.window_record``), proved equal to
  upstream's log of timestamped recommendations in tests/model/test_hpa_util.py. The oldest record
  leaves when 300 s have passed since it was made: ``time.recommendation_expires`` at any moment,
  weakly fair (time passes); the newest record never expires before the next sync, since syncs are
  15 s apart. Recommendations are recorded capped at maxReplicas: the window is read only through
  the stabilised maximum, and that only through ``convertDesiredReplicasWithRules``, which gives
  min(maxReplicas, scale-up limit) for every value at or above maxReplicas; min(·, maxReplicas) is
  monotone, so it commutes with the maximum and with the queue's drop rule (a capped record that
  drops an older one at the cap leaves a younger one that holds the same value longer): every
  write is the one the uncapped window gives, and the queue needs maxReplicas + 1 slots.
* **spec.behavior** (papers/disruption-actors.md 3.7). The scale-down window is the queue above with
  scaleDown's window (none at 0 s; its newest record may expire before the next sync when the window is
  at most the 15 s sync period; longer, it is assumed to outlast the gap to the next sync, as the nil path
  assumes of 300 s); the scale-up window is a strictly *increasing* queue
  (``hpa_util.up_window_record``: its minimum is what counts) expiring by
  ``time.scale_up_recommendation_expires``, independently of the other — upstream's one log with two
  cutoffs is one of the model's timings, so this over-approximates. The scale events are a queue of
  signed changes, one slot per write the scope allows (``hpa-rescales``: every write is an event, so none
  is lost), each with a *stage*: how many of the policies' distinct periods it has outlived; it counts
  toward a policy while its stage is below that period's rank. ``time.scale_event_ages`` moves one event a
  stage on at any moment, never past an older one, weakly fair; past the longest period the event is gone.
  Every real timing is a sequence of such moves (sound); the number of syncs within a period is not
  tracked, so a 60 s period can pass between two syncs — a counterexample may rely on that, and its trace
  shows the ``time.scale_event_ages`` steps. ``hpa.forget_outdated_event`` (only when the two directions'
  longest periods differ; not fair) drops an event past its own direction's longest period at any
  moment: upstream reuses that slot at the next event of the direction, and the other direction's longer
  period then stops counting it. The Percent policies' float64 results come from tabulated errors over
  the bounded period start (hpa_util.percent_up / percent_down). Not modelled: the loss of the in-memory logs
  when the controller restarts.
* **The per-direction tolerance** (KEP-4951; scope ``hpa-scale-up-tolerance`` / ``hpa-scale-down-tolerance``,
  Quantities as written). The ``HPAConfigurableTolerance`` gate is Beta and on by default in v1.35
  (``pkg/features/kube_features.go``), so the API server keeps the field (its ``dropDisabledFields`` clears it
  only with the gate off) and ``tolerancesForHpa`` gives the calculator each direction's tolerance where
  spec.behavior sets one, the controller's ``--horizontal-pod-autoscaler-tolerance`` (0.1) where not; the usage
  ratio is within when ``1 − scaleDown ≤ ratio ≤ 1 + scaleUp`` in float64, each side with its own tolerance.
  :attr:`DeploymentScope.hpa_tolerances` is that function; the calculator's guards compare counts with the
  integer band of utilizations the float64 test accepts (hpa_util, with AsApproximateFloat64's roundings).
* Not modelled: a Running pod that was Ready, lost Ready past the initialization period and so
  counts as ready again for CPU (a crash fault; off in the autoscaler's scopes), Ready pods whose
  sample predates their readiness (the rule within the initialization period: taken as missing,
  which the choice covers on a scale-up), other metric types, the
  ``ScalingActive`` / ``AbleToScale`` conditions (no decision reads them).

* **How often the autoscaler writes** is a bound of the scope (``hpa-rescales``, 3 by default), as
  ``scales`` bounds ``kubectl scale``: pods Terminating during a rollout are ignored, so a sync can
  see fewer Ready pods than spec.replicas and scale down (the direct branch of the calculator has
  no check against the direction), and then up again when the replacements are Ready; every cycle
  leaves Terminating pods the kubelet may not have finished, so without a bound the pod counters
  are unbounded. A verdict holds for runs with at most that many writes (the rows say so); a sync
  that would write with no write left is not taken.

``user.apply_manifest`` (``applies`` > 0) is ``kubectl apply`` of a manifest that sets
spec.replicas: it writes the manifest's value over the autoscaler's (the apply/HPA fight). A
re-apply that finds the manifest's value in place changes nothing and is left out.

Traces: :func:`trace_lines` words the autoscaler's state (``horizontalpodautoscaler/<name>``: load,
windows, scale events with the span of age their stage stands for), :data:`FIELDS` names its fields for a
describer.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubecheck.model.controllers import hpa_util as hu
from kubecheck.model.controllers.deployment_scope import PER_POD, DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.commands import Command
from kubecheck.model.kernel.ops import CONCRETE, Z3, Ops, Value


def initial_fields(sc: DeploymentScope, replicas: Value) -> dict:
    """The autoscaler's fields at the start: the first load level, the window seeded with spec.replicas
    (recordInitialRecommendation), every load change and re-apply left; {} where they are constant."""
    out: dict = {"applies_left": sc.applies} if sc.applies else {}
    if not sc.has_hpa:
        return out
    slots = sc.hpa_window_top + 1
    ops = CONCRETE if isinstance(replicas, int) else Z3  # replicas is a z3 term when the encoder leaves it symbolic
    seed = (ops.min_(replicas, sc.hpa_window_top),)
    out |= {
        "hpa_load": 0,
        "hpa_load_changes_left": sc.hpa_load_changes,
        "hpa_rescales_left": sc.hpa_rescales,
        "hpa_window": seed + (0,) * (slots - 1),
        "hpa_window_size": 1 if _down_window(sc) else 0,
    }
    if not sc.has_hpa_behavior:
        return out
    up = sc.hpa_up_window_slots
    return out | {
        "hpa_up_window": (seed + (0,) * (up - 1)) if up else (),
        "hpa_up_window_size": 1 if up else 0,
        "hpa_events": (0,) * sc.hpa_rescales,
        "hpa_event_stages": (0,) * sc.hpa_rescales,
    }


def _down_window(sc: DeploymentScope) -> int:
    """The scale-down window in seconds: the controller's 300 s without spec.behavior, else scaleDown's."""
    return hu.DOWNSCALE_STABILIZATION_SECONDS if sc.hpa_scale_down is None else sc.hpa_scale_down.window


def _behavior(sc: DeploymentScope) -> hu.BehaviorArgs:
    assert sc.hpa_scale_up is not None and sc.hpa_scale_down is not None
    return hu.BehaviorArgs(sc.hpa_scale_up, sc.hpa_scale_down, sc.hpa_min_replicas, sc.hpa_window_top)


def events(sc: DeploymentScope, s: DeploymentState) -> hu.EventQueue:
    """The scale events as hpa_util's staged queue."""
    return hu.EventQueue(s.hpa_events, s.hpa_event_stages, hu.periods_of(sc.hpa_scale_up, sc.hpa_scale_down))


def _span(sc: DeploymentScope) -> int:
    """The largest |replicas at a period's start| (current − added + deleted) the Percent tables cover."""
    return (sc.hpa_rescales + 1) * sc.max_replicas


# -- what the selector lists (groupPods) -------------------------------------------------------


def ready_pods(ops: Ops, s: DeploymentState) -> Value:
    """Ready pods of every ReplicaSet, not being deleted (a sample or missing)."""
    return ops.sum_(s.ready) + ops.sum_(s.available)


def unready_pods(ops: Ops, s: DeploymentState) -> Value:
    """Pending pods (unscheduled, starting) and Running pods not yet Ready, of every ReplicaSet."""
    return ops.sum_(s.unscheduled) + ops.sum_(s.pending) + ops.sum_(s.running)


def ignored_pods(ops: Ops, s: DeploymentState) -> Value:
    """Pods being deleted (Terminating) or Failed."""
    return ops.sum_(s.terminating) + ops.sum_(s.failed)


# -- the calculator under the scope's load model ---------------------------------------------


def _per_pod(ops: Ops, sc: DeploymentScope, s: DeploymentState, counts: tuple) -> Value:
    """Every Ready pod at the level. The proposal is read only through min(·, maxReplicas) (the window records it
    capped; normalisation clamps it to at most maxReplicas) and only when spec.replicas is at most maxReplicas
    (outside the range the metrics are not asked), so the float64 excess is tabulated up to the ready count at
    which the exact ceiling passes maxReplicas (hpa_util.excess_bound) and the refill branch is computed capped
    (``top``), not over the scope's pod bound: no table depends on the Deployment's replicas or surge, which may
    then be left symbolic (--for-all), and the explicit semantics is unchanged."""
    target, top = sc.hpa_target_utilization, sc.hpa_window_top

    def at(level: int) -> Value:
        bound = hu.excess_bound(level, target, top)
        return hu.resource_replicas_uniform(ops, level, target, sc.hpa_tolerances, counts, bound, top)

    return hu.by_load(ops, s.hpa_load, sc.hpa_loads, at)


def _total_demand(ops: Ops, sc: DeploymentScope, s: DeploymentState, counts: tuple) -> Value:
    """Level x spec.replicas shared by the Ready pods: each reports floor(level x current / Ready) %.
    The utilisation is a constant inside each branch of a case split over (level, current, Ready)
    grouped by the utilisation they give, so the calculator's products stay linear. Read as :func:`_per_pod`'s
    proposal is (through min(·, maxReplicas), in range), so its refill branch is computed capped too."""
    current, ready, _, missing = counts
    target, bound, top = sc.hpa_target_utilization, sc.hpa_pod_bound, sc.hpa_window_top
    serving = ready + missing
    pairs = [(c, n) for c in range(sc.hpa_min_replicas, sc.hpa_window_top + 1) for n in range(1, bound + 1)]

    def at(level: int) -> Value:
        groups: dict[int, list[tuple[int, int]]] = {}
        for c, n in pairs:
            groups.setdefault(level * c // n, []).append((c, n))
        result: Value = current  # outside the reconciled range the proposal is not read
        for u, members in sorted(groups.items(), reverse=True):
            hit = ops.or_(*[ops.and_(current == c, serving == n) for c, n in members])
            recommended = hu.resource_replicas_uniform(ops, u, target, sc.hpa_tolerances, counts, bound, top)
            result = ops.ite(hit, recommended, result)
        return result

    return hu.by_load(ops, s.hpa_load, sc.hpa_loads, at)


def proposal(ops: Ops, sc: DeploymentScope, s: DeploymentState, counts: tuple) -> Value:
    """GetResourceReplicas for ``counts`` = (currentReplicas, ready with a sample, unready, missing)."""
    return (_per_pod if sc.hpa_load_model == PER_POD else _total_demand)(ops, sc, s, counts)


def in_range(ops: Ops, sc: DeploymentScope, replicas: Value) -> Value:
    """reconcileAutoscaler asks the metrics: scaling enabled and minReplicas <= spec.replicas <= maxReplicas."""
    return ops.and_(sc.hpa_min_replicas <= replicas, replicas <= sc.hpa_max_replicas)


def window(s: DeploymentState) -> tuple[Sequence[Value], list[Value]]:
    """The window's slots and which of them hold a record."""
    return s.hpa_window, [i < s.hpa_window_size for i in range(len(s.hpa_window))]


def up_window(s: DeploymentState) -> tuple[Sequence[Value], list[Value]]:
    """The scale-up window's slots and which of them hold a record."""
    return s.hpa_up_window, [i < s.hpa_up_window_size for i in range(len(s.hpa_up_window))]


def _normalized_with_behavior(ops: Ops, sc: DeploymentScope, s: DeploymentState, raw: Value) -> Value:
    """normalizeDesiredReplicasWithBehaviors on the proposal capped at maxReplicas (as recorded; the header says
    why the cap changes no write): both windows, then the rate policies over the scale events."""
    desired = ops.min_(raw, sc.hpa_window_top)
    stabilized = hu.stabilized_with_behaviors(
        ops,
        s.replicas,
        desired,
        up_window(s) if sc.hpa_up_window_slots else ((), ()),
        window(s) if _down_window(sc) else ((), ()),
    )
    return hu.behavior_rate(ops, _behavior(sc), s.replicas, stabilized, events(sc, s), _span(sc))


def decision(ops: Ops, sc: DeploymentScope, s: DeploymentState, counts: tuple) -> tuple[Value, Value, Value]:
    """(rescale, desired, proposal) of one sync that sees ``counts``."""
    raw = proposal(ops, sc, s, counts)
    if sc.has_hpa_behavior:
        normalized = _normalized_with_behavior(ops, sc, s, raw)
    else:
        normalized = hu.normalize_desired_replicas(
            ops, s.replicas, raw, (sc.hpa_min_replicas, sc.hpa_window_top), window(s)
        )
    rescale, desired = hu.reconcile_desired(ops, s.replicas, sc.hpa_min_replicas, sc.hpa_window_top, normalized)
    return rescale, desired, raw


def observed_counts(ops: Ops, s: DeploymentState, missing: Value) -> tuple:
    """(currentReplicas, ready with a sample, unready, missing) as a sync with ``missing`` unsampled pods sees them."""
    return (s.replicas, ready_pods(ops, s) - missing, unready_pods(ops, s), missing)


def steady_counts(s: DeploymentState) -> tuple:
    """The counts of a settled Deployment at the same spec: spec.replicas Ready pods, each with a sample."""
    return (s.replicas, s.replicas, 0, 0)


# -- commands ------------------------------------------------------------------------------------


def _sync(ops: Ops, sc: DeploymentScope, s: DeploymentState, missing: Value) -> tuple[Value, dict]:
    """(whether the sync writes anything, what it writes)."""
    asks = in_range(ops, sc, s.replicas)
    rescale, desired, raw = decision(ops, sc, s, observed_counts(ops, s, missing))
    capped = ops.min_(raw, sc.hpa_window_top)
    changes: dict = {
        "replicas": ops.ite(rescale, desired, s.replicas),
        "hpa_rescales_left": ops.ite(rescale, s.hpa_rescales_left - 1, s.hpa_rescales_left),
        "observed": ops.and_(s.observed, ops.not_(rescale)),
    }
    recorded: list[Value] = []
    queues = [("hpa_window", "hpa_window_size", hu.window_record)] if _down_window(sc) else []
    if sc.hpa_up_window_slots:
        queues.append(("hpa_up_window", "hpa_up_window_size", hu.up_window_record))
    for slots_field, size_field, record in queues:
        old, old_size = getattr(s, slots_field), getattr(s, size_field)
        slots, size = record(ops, old, old_size, capped)
        moved = ops.or_(size != old_size, *[a != b for a, b in zip(slots, old)])
        recorded.append(ops.and_(asks, moved))
        changes[slots_field] = tuple(ops.ite(asks, a, b) for a, b in zip(slots, old))
        changes[size_field] = ops.ite(asks, size, old_size)
    if sc.has_hpa_behavior:  # storeScaleEvent after every write
        changed, stages = hu.event_record(ops, events(sc, s), desired - s.replicas, rescale)
        changes |= {"hpa_events": tuple(changed), "hpa_event_stages": tuple(stages)}
    # a sync that would rescale with no write left in the scope's bound is not taken
    return ops.and_(ops.or_(rescale, *recorded), ops.or_(ops.not_(rescale), s.hpa_rescales_left > 0)), changes


def _has_samples(ops: Ops, sc: DeploymentScope, s: DeploymentState, missing: Value) -> Value:
    """The choice is possible: within range at least one Ready pod has a sample; outside it the
    metrics are not asked (one action, missing=0)."""
    none = ops.or_(ops.not_(in_range(ops, sc, s.replicas)), ready_pods(ops, s) >= 1)
    some = ops.and_(in_range(ops, sc, s.replicas), ready_pods(ops, s) >= missing + 1)
    if sc.hpa_missing_metrics is not None:  # the domain's own bound, for a choice left open (--for-all)
        some = ops.and_(some, missing <= sc.hpa_missing_metrics)
    return ops.ite(missing == 0, none, some)


def _reconcile_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, missing: Value) -> Value:
    return ops.and_(_has_samples(ops, sc, s, missing), _sync(ops, sc, s, missing)[0])


def _reconcile_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, missing: Value) -> dict:
    return _sync(ops, sc, s, missing)[1]


def _missing_domain(sc: DeploymentScope) -> range:
    most = sc.hpa_pod_bound - 1 if sc.hpa_missing_metrics is None else sc.hpa_missing_metrics
    return range(0, max(0, min(most, sc.hpa_pod_bound - 1)) + 1)


def _kept(window_seconds: int) -> int:
    """Records that stay until the next sync: the newest when the window is longer than the 15 s sync period
    (assumed, as for the nil path's 300 s: the next sync comes within the window; at 15 s or less a record
    is out of the window by the next sync)."""
    return 1 if window_seconds > hu.SYNC_PERIOD_SECONDS else 0


def _expire_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return s.hpa_window_size > _kept(_down_window(sc))


def _expire_up_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    assert sc.hpa_scale_up is not None
    return s.hpa_up_window_size > _kept(sc.hpa_scale_up.window)


def _expire_up_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    slots, size = hu.window_expire(ops, s.hpa_up_window, s.hpa_up_window_size)
    return {"hpa_up_window": tuple(slots), "hpa_up_window_size": size}


def _event_slots(sc: DeploymentScope) -> range:
    return range(sc.hpa_rescales if sc.has_hpa_behavior else 0)


def _age_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, event: int) -> Value:
    """Event ``event`` outlives its next period; ages keep the queue's order (an older event is at least as old)."""
    stages = s.hpa_event_stages
    if event == 0:
        return s.hpa_events[0] != 0
    return ops.and_(s.hpa_events[event] != 0, stages[event - 1] > stages[event])


def _age_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, event: int) -> dict:
    stages = list(s.hpa_event_stages)
    stages[event] = stages[event] + 1
    if event > 0:  # an older event is younger than every period's end only while this one is
        return {"hpa_event_stages": tuple(stages)}
    gone = stages[0] == len(hu.periods_of(sc.hpa_scale_up, sc.hpa_scale_down))
    kept_changes, kept_stages = hu.event_remove(s.hpa_events, stages, 0)
    return {
        "hpa_events": tuple(ops.ite(gone, a, b) for a, b in zip(kept_changes, s.hpa_events)),
        "hpa_event_stages": tuple(ops.ite(gone, a, b) for a, b in zip(kept_stages, stages)),
    }


def _outdated_stage(sc: DeploymentScope, rules: hu.ScalingRules | None) -> int:
    """The stage at which an event has outlived the longest period of its own direction's rules."""
    periods = hu.periods_of(sc.hpa_scale_up, sc.hpa_scale_down)
    return periods.index(rules.longest_period) + 1 if rules is not None else len(periods)


def _forget_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, event: int) -> Value:
    change, stage = s.hpa_events[event], s.hpa_event_stages[event]
    return ops.or_(
        ops.and_(change > 0, stage >= _outdated_stage(sc, sc.hpa_scale_up)),
        ops.and_(change < 0, stage >= _outdated_stage(sc, sc.hpa_scale_down)),
    )


def _forget_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, event: int) -> dict:
    changes, stages = hu.event_remove(s.hpa_events, s.hpa_event_stages, event)
    return {"hpa_events": tuple(changes), "hpa_event_stages": tuple(stages)}


def _longest_periods_differ(sc: DeploymentScope) -> bool:
    up, down = sc.hpa_scale_up, sc.hpa_scale_down
    return sc.has_hpa_behavior and up is not None and down is not None and up.longest_period != down.longest_period


def _expire_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    slots, size = hu.window_expire(ops, s.hpa_window, s.hpa_window_size)
    return {"hpa_window": tuple(slots), "hpa_window_size": size}


def _load_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, to: int) -> Value:
    return ops.and_(s.hpa_load_changes_left > 0, s.hpa_load != to)


def _load_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, to: int) -> dict:
    return {"hpa_load": to, "hpa_load_changes_left": s.hpa_load_changes_left - 1}


def _apply_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    # an apply that finds the manifest's value in place writes nothing (no new generation): left out
    return ops.and_(s.applies_left > 0, s.replicas != sc.replicas)


def _apply_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    return {"replicas": sc.replicas, "applies_left": s.applies_left - 1, "observed": False}


def _on(sc: DeploymentScope) -> bool:
    return sc.has_hpa


def _levels(sc: DeploymentScope) -> range:
    return range(len(sc.hpa_loads))


COMMANDS = (
    Command(
        "hpa.reconcile",
        _reconcile_guard,
        _reconcile_effect,
        "reconcileAutoscaler: list the pods by the Deployment's selector (every ReplicaSet's), compute the CPU "
        "proposal with `missing` Ready pods not yet scraped, stabilise it over the 300 s window, clamp it to "
        "[minReplicas, maxReplicas] and the scale-up limit (with spec.behavior: both windows and the rate "
        "policies over the recent scale events), and write spec.replicas through /scale if it changed",
        params=(("missing", _missing_domain),),
        enabled_in=_on,
        fair_by=(),
    ),
    Command(
        "time.recommendation_expires",
        _expire_guard,
        _expire_effect,
        "300 s (--horizontal-pod-autoscaler-downscale-stabilization; with spec.behavior, scaleDown's "
        "stabilizationWindowSeconds) pass since the oldest recommendation in the window was recorded: it no longer "
        "holds a scale-down back",
        enabled_in=_on,
    ),
    Command(
        "time.scale_up_recommendation_expires",
        _expire_up_guard,
        _expire_up_effect,
        "spec.behavior.scaleUp.stabilizationWindowSeconds pass since the oldest recommendation in the scale-up "
        "window was recorded: it no longer holds a scale-up back",
        enabled_in=lambda sc: sc.hpa_up_window_slots > 0,
    ),
    Command(
        "time.scale_event_ages",
        _age_guard,
        _age_effect,
        "the autoscaler's scale event outlives the next of the policies' periods (periodSeconds): it stops counting "
        "toward the policies of that period; past the longest it is gone",
        params=(("event", _event_slots),),
        enabled_in=lambda sc: sc.has_hpa_behavior,
    ),
    Command(
        "hpa.forget_outdated_event",
        _forget_guard,
        _forget_effect,
        "a scale event older than its own direction's longest period is dropped (storeScaleEvent reuses its slot for "
        "the next event that way), though the other direction's longer period still counted it",
        params=(("event", _event_slots),),
        enabled_in=_longest_periods_differ,
        fair_by=(),
    ),
    Command(
        "env.load_changes",
        _load_guard,
        _load_effect,
        "the pods' CPU load moves to another of the scope's levels (hpa-loads)",
        kind="user",
        params=(("to", _levels),),
        enabled_in=lambda sc: sc.has_hpa and sc.hpa_load_changes > 0,
    ),
    Command(
        "user.apply_manifest",
        _apply_guard,
        _apply_effect,
        "kubectl apply of the manifest, which sets spec.replicas: the manifest's value replaces the autoscaler's",
        kind="user",
        enabled_in=lambda sc: sc.applies > 0,
    ),
)


#: The state fields of this actor (a trace describer words them with :func:`trace_lines`).
FIELDS = (
    "hpa_load",
    "hpa_load_changes_left",
    "hpa_window",
    "hpa_window_size",
    "hpa_rescales_left",
    "applies_left",
    "hpa_up_window",
    "hpa_up_window_size",
    "hpa_events",
    "hpa_event_stages",
)


def _level(sc: DeploymentScope, s: DeploymentState) -> str:
    return f"{sc.hpa_loads[s.hpa_load]}%"


def _queue(s: DeploymentState) -> str:
    return "[" + ", ".join(str(v) for v in s.hpa_window[: s.hpa_window_size]) + "]"


def _up_queue(s: DeploymentState) -> str:
    return "[" + ", ".join(str(v) for v in s.hpa_up_window[: s.hpa_up_window_size]) + "]"


def _events(sc: DeploymentScope, s: DeploymentState) -> str:
    """``[+2 (<15s), -1 (15s..60s)]``: each event's change and the span of age its stage stands for."""
    periods = hu.periods_of(sc.hpa_scale_up, sc.hpa_scale_down)
    bounds = ["0s", *(f"{p}s" for p in periods)]
    words = [
        f"{c:+d} (<{bounds[1]})" if k == 0 else f"{c:+d} ({bounds[k]}..{bounds[k + 1]})"
        for c, k in zip(s.hpa_events, s.hpa_event_stages)
        if c
    ]
    return "[" + ", ".join(words) + "]"


def _tolerance(value: hu.Quantity | None) -> str:
    return "" if value is None else f" tolerance {value}"


def trace_lines(sc: DeploymentScope, before: DeploymentState, after: DeploymentState, initial: bool) -> list[str]:
    """The autoscaler's state in Kubernetes words for a trace: all of it at the initial state, what moved
    at a step ([] without an autoscaler; budgets left are not worded: the actions that spend them are named)."""
    if not sc.has_hpa:
        return []
    title = f"horizontalpodautoscaler/{sc.name}"
    if initial:
        spec = f"minReplicas {sc.hpa_min_replicas}, maxReplicas {sc.hpa_max_replicas}"
        spec += f", CPU target {sc.hpa_target_utilization}%"
        load = f"load {_level(sc, after)} ({sc.hpa_load_model}; levels {', '.join(f'{v}%' for v in sc.hpa_loads)})"
        lines = [f"{title} {spec}", f"{' ' * len(title)} {load}, recommendations in the window {_queue(after)}"]
        if sc.has_hpa_behavior:
            up = f", in the scale-up window {_up_queue(after)}" if sc.hpa_up_window_slots else ""
            up_rules = f"{sc.hpa_scale_up}{_tolerance(sc.hpa_scale_up_tolerance)}"
            down_rules = f"{sc.hpa_scale_down}{_tolerance(sc.hpa_scale_down_tolerance)}"
            behavior = f"spec.behavior scaleUp {up_rules}, scaleDown {down_rules}{up}"
            lines.append(f"{' ' * len(title)} {behavior}")
        return lines
    moved = []
    if before.hpa_load != after.hpa_load:
        moved.append(f"load {_level(sc, before)} → {_level(sc, after)}")
    if (before.hpa_window, before.hpa_window_size) != (after.hpa_window, after.hpa_window_size):
        moved.append(f"recommendations in the window {_queue(before)} → {_queue(after)}")
    if (before.hpa_up_window, before.hpa_up_window_size) != (after.hpa_up_window, after.hpa_up_window_size):
        moved.append(f"in the scale-up window {_up_queue(before)} → {_up_queue(after)}")
    if (before.hpa_events, before.hpa_event_stages) != (after.hpa_events, after.hpa_event_stages):
        moved.append(f"scale events {_events(sc, before)} → {_events(sc, after)}")
    return [f"{title} {', '.join(moved)}"] if moved else []


def describe_load(sc: DeploymentScope, s: DeploymentState) -> str:
    """The load and what the selector lists, in words (for traces and explanations)."""
    c = CONCRETE
    level = sc.hpa_loads[s.hpa_load] if sc.has_hpa else 0
    return (
        f"load {level}% ({sc.hpa_load_model}), spec.replicas {s.replicas}, selector lists {ready_pods(c, s)} Ready, "
        f"{unready_pods(c, s)} unready, {ignored_pods(c, s)} ignored; window "
        f"{list(s.hpa_window[: s.hpa_window_size])}"
    )
