"""The HorizontalPodAutoscaler on a Deployment: what it writes to spec.replicas, during rollouts too.

The questions users ask: "can the HPA take my Deployment above maxReplicas?", "why did the HPA
scale my Deployment up during a rollout when the load did not change?" (kubernetes#72775), and
"why does every `kubectl apply` of my manifest reset the replica count?". The model is
:mod:`kubecheck.model.controllers.hpa` over the Deployment model; the arithmetic is
:mod:`kubecheck.model.controllers.hpa_util`'s.

Upstream (v1.35, ``pkg/controller/podautoscaler``): ``reconcileAutoscaler`` (horizontal.go)
writes maxReplicas when spec.replicas is above it and otherwise clamps the normalised proposal
with ``convertDesiredReplicasWithRules``; ``GetResourceReplicas`` (replica_calculator.go) lists the
pods by the target's *selector* — a rollout's surge pods and old pods count — while
``currentReplicas`` is the target's spec.replicas.

Every property speaks about a Deployment with an autoscaler that is the only writer of
spec.replicas besides the manifest's re-applies (``user.scale`` off; the scope's ``scale-to`` is
emptied). The rows whose search stops at a counterexample or a witness add one (maxReplicas 4)
when the scope has none; the two rows that must explore every state take the autoscaler the
scope sets (``hpa-max-replicas``) and hold vacuously without one — an autoscaler added to the
presets multiplies their states (small: about 3 million, minutes), so it is the user's to ask for.
The autoscaler writes at most ``hpa-rescales`` times (a bound of the scope, as ``scales`` bounds
``kubectl scale``).
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import hpa
from kubecheck.model.controllers.deployment_scope import PER_POD, TOTAL_DEMAND, DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import Property, Trigger
from kubecheck.properties.deployment import rollout_in_progress

#: maxReplicas of the autoscaler a property adds when the scope has none
DEFAULT_MAX = 4


def autoscaled(sc: DeploymentScope) -> DeploymentScope:
    """The user's Deployment with an autoscaler (maxReplicas 4 unless set), no `kubectl scale`."""
    return attrs.evolve(sc, hpa_max_replicas=sc.hpa_max_replicas or DEFAULT_MAX, scale_to=())


def with_set_autoscaler(sc: DeploymentScope) -> DeploymentScope:
    """The user's Deployment with the autoscaler the scope sets, if any (none: the row holds vacuously, and says
    so), no `kubectl scale`. For the rows that must explore every state: an autoscaler added to the presets
    multiplies their states (small: about 3 million), so it is the user's to ask for (hpa-max-replicas)."""
    return attrs.evolve(sc, scale_to=())


def autoscaled_with_apply(sc: DeploymentScope) -> DeploymentScope:
    """:func:`autoscaled`, and the manifest re-applied at least once."""
    return attrs.evolve(autoscaled(sc), applies=max(1, sc.applies))


def under_total_demand(sc: DeploymentScope) -> DeploymentScope:
    """:func:`with_set_autoscaler` with the load as a total demand shared by the Ready pods, and at most one Ready
    pod without a sample per sync unless set (the calculator is case-split by utilisation there: a scope bound
    for speed, stated in the row)."""
    if not sc.has_hpa:  # nothing to load: the scope of the other rows (one search for all of them)
        return with_set_autoscaler(sc)
    missing = 1 if sc.hpa_missing_metrics is None else sc.hpa_missing_metrics
    return attrs.evolve(with_set_autoscaler(sc), hpa_load_model=TOTAL_DEMAND, hpa_missing_metrics=missing)


def autoscaler_writes(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """spec.replicas changes in a step that is not a re-apply of the manifest: the autoscaler's write."""
    return ops.and_(t.replicas != s.replicas, t.applies_left == s.applies_left)


def replicas_within_max(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """Every write of spec.replicas other than a manifest re-apply is at most maxReplicas."""
    if not sc.has_hpa:
        return ops.and_()
    return ops.implies(autoscaler_writes(ops, sc, s, t), t.replicas <= sc.hpa_window_top)


def steady_desired(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """What the same sync would write if the selector listed exactly spec.replicas Ready pods, each with a
    sample, at the same load and window (a settled Deployment)."""
    return hpa.decision(ops, sc, s, hpa.steady_counts(s))[1]


def rollout_writes(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """The autoscaler writes spec.replicas while a rollout is in progress: a template edit was made and the
    rollout is not complete (the property's left side; a scaling event alone is not a rollout)."""
    return ops.and_(autoscaler_writes(ops, sc, s, t), s.templates_used > 1, rollout_in_progress(ops, sc, s))


def no_inflation_during_rollout(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """During a rollout the autoscaler writes no more replicas than it would for the settled Deployment at
    the same load: the rollout's extra pods do not inflate the count."""
    if not sc.has_hpa:
        return ops.and_()
    return ops.implies(rollout_writes(ops, sc, s, t), t.replicas <= steady_desired(ops, sc, s))


def autoscaler_undid_apply(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The manifest was re-applied over the autoscaler's count, and the autoscaler has written its own again."""
    return ops.and_(s.applies_left < sc.applies, s.replicas != sc.replicas)


def _explain(sc: DeploymentScope, s: DeploymentState) -> str:
    if not sc.has_hpa:
        return "no autoscaler"
    return hpa.describe_load(sc, s)


#: tolerancesForHpa with the HPAConfigurableTolerance gate at its v1.35 default (Beta, on): the gate changes the
#: answer wherever a tolerance is set, so the rows name it
_TOLERANCE = (
    "the usage-ratio tolerance of spec.behavior where set (hpa-scale-up-tolerance, hpa-scale-down-tolerance; "
    "HPAConfigurableTolerance, Beta and on by default in v1.35), else the controller's 0.1"
)
_ASSUMES = (
    "a HorizontalPodAutoscaler on CPU (maxReplicas 4 unless set, at most hpa-rescales writes), the load an "
    f"environment choice among hpa-loads; {_TOLERANCE}; no `kubectl scale`"
)
_SET_ASSUMES = (
    "the HorizontalPodAutoscaler hpa-max-replicas sets (none: no autoscaler, the row holds vacuously), on CPU, at "
    f"most hpa-rescales writes, the load an environment choice among hpa-loads; {_TOLERANCE}; no `kubectl scale`"
)
_INFLATION_UPSTREAM = (  # a caveat: shown with its trace, counted in the exit code only under --strict
    "not guaranteed: replica_calculator.go:GetResourceReplicas lists pods by the Deployment's selector (surge and "
    "old pods count) while currentReplicas is spec.replicas; kubernetes#72775"
)

PROPERTIES = (
    Property(
        name="deployment.hpa.replicas_within_max",
        meaningful={"hpa-max-replicas": "3", "hpa-loads": "200"},
        kind="step",
        doc="the autoscaler never writes spec.replicas above maxReplicas (a `kubectl apply` of a manifest with more "
        "replicas is written as it is, and the autoscaler's next sync brings it back to maxReplicas)",
        upstream="horizontal.go:reconcileAutoscaler writes maxReplicas above it, convertDesiredReplicasWithRules "
        "clamps every proposal to min(maxReplicas, scaleUpLimit)",
        predicate=replicas_within_max,
        adjust=with_set_autoscaler,
        assumes=_SET_ASSUMES + "; the premise: manifest re-applies (applies) are not the autoscaler's writes",
        explain=_explain,
    ),
    Property(
        name="deployment.hpa.no_inflation_during_rollout",
        meaningful={"hpa-max-replicas": "4", "hpa-loads": "120"},
        kind="step",
        doc="during a rollout the autoscaler writes no more replicas than it would for the settled Deployment at the "
        "same load, under the scope's load model (hpa-load-model; per-pod by default: every Ready pod at the level, "
        "where a Ready surge pod raises the proposal and the property is VIOLATED)",
        upstream=_INFLATION_UPSTREAM,
        predicate=no_inflation_during_rollout,
        adjust=autoscaled,
        assumes=_ASSUMES + f"; load model as set (hpa-load-model, {PER_POD} unless set)",
        explain=_explain,
    ),
    Property(
        name="deployment.hpa.no_inflation_under_total_demand",
        meaningful={"hpa-max-replicas": "4", "hpa-loads": "120"},
        kind="step",
        doc="during a rollout the autoscaler writes no more replicas than it would for the settled Deployment, when "
        "the load is a total demand (level x spec.replicas) shared by the Ready pods: more pods, less each",
        upstream=_INFLATION_UPSTREAM,
        predicate=no_inflation_during_rollout,
        adjust=under_total_demand,
        assumes=_SET_ASSUMES + f"; load model {TOTAL_DEMAND}; at most one Ready pod without a metrics sample per sync "
        "unless hpa-missing-metrics is set",
        explain=_explain,
    ),
    Property(
        name="deployment.hpa.autoscaler_undoes_apply",
        meaningful={"hpa-max-replicas": "4", "hpa-loads": "120"},
        kind="sometimes",
        doc="the apply/HPA fight: `kubectl apply` of a manifest that sets replicas overwrites the autoscaler's count, "
        "and the autoscaler writes its own again (remove spec.replicas from the manifest to stop it)",
        upstream="horizontal.go:reconcileAutoscaler rescales from the /scale it reads on every sync; kubectl apply "
        "writes every field the manifest sets",
        predicate=autoscaler_undid_apply,
        adjust=autoscaled_with_apply,
        assumes=_ASSUMES + "; the manifest re-applied at least once (applies >= 1)",
        explain=_explain,
    ),
)

TRIGGERS = {
    "deployment.hpa.replicas_within_max": Trigger(what="an autoscaler write of spec.replicas", when=autoscaler_writes),
    "deployment.hpa.no_inflation_during_rollout": Trigger(
        what="an autoscaler write of spec.replicas during a rollout", when=rollout_writes
    ),
    "deployment.hpa.no_inflation_under_total_demand": Trigger(
        what="an autoscaler write of spec.replicas during a rollout", when=rollout_writes
    ),
}
