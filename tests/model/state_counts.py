"""Pinned state-space sizes of every model: one table, read by ``test_state_counts.py``.

Each row is a scope — a model's preset with ``--set`` settings — and the distinct states,
transitions and BFS depth of an exhaustive explicit search of it (TLA+ Examples keep theirs in
a manifest, stateright in its examples). The numbers were computed once and written down.
**If one changes, the model's semantics changed**: a command now fires where it did not (or
no longer fires), an effect writes something else, a field was added or a domain widened, or a
preset changed. That can be right — but it must be deliberate: find the cause, say it in the
commit message, and update the row. Never update a number only to make the test pass.

Deployment states are canonical (pods of one ReplicaSet in one phase are counted, not named),
so its counts are already the symmetry-reduced ones. ``slow`` rows run in the thorough tier
only; ``reference`` rows are also explored by the reference interpreter alone (no compiled code).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

#: The acceptance scope of the README: `--set replicas=3 --set max-surge=1 --set max-unavailable=0`.
ACCEPTANCE = {"replicas": "3", "max-surge": "1", "max-unavailable": "0"}
#: The autoscaler with spec.behavior (model/controllers/hpa.py): a scale-up window and a 1-pod policy, a scale-down
#: window under the sync period and two policies of different periods, so every behavior command fires.
HPA_BEHAVIOR = {
    "replicas": "1",
    "edits": "0",
    "hpa-max-replicas": "2",
    "hpa-loads": "120,30",
    "hpa-scale-up": "30s,max,1pods/15s",
    "hpa-scale-down": "20s,min,1pods/60s,50%/15s",
}

#: spec.behavior's per-direction tolerances (hpa_util.tolerances_for_hpa): loads inside the default 10 % band both
#: ways, a scale-up tolerance of 0 that acts on 105 % and a scale-down tolerance of 0.45 that holds 60 %.
HPA_TOLERANCE = {
    "replicas": "1",
    "edits": "0",
    "hpa-max-replicas": "2",
    "hpa-loads": "105,60",
    "hpa-scale-up": "0s,max,4pods/15s,100%/15s",
    "hpa-scale-down": "300s,max,100%/15s",
    "hpa-scale-up-tolerance": "0",
    "hpa-scale-down-tolerance": "450m",
}


@attrs.frozen(kw_only=True)
class Row:
    """One pinned scope: model, preset and settings -> states, transitions, depth."""

    model: str
    preset: str
    settings: Mapping[str, str] = attrs.field(factory=dict)
    states: int
    transitions: int
    depth: int
    slow: bool = False
    reference: bool = False
    why: str = ""  # which tests or properties use this scope

    @property
    def id(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.settings.items())
        return f"{self.model}-{self.preset}" + (f"[{extra}]" if extra else "")

    @property
    def counts(self) -> tuple[int, int, int]:
        return self.states, self.transitions, self.depth


ROWS = (
    Row(model="deployment", preset="tiny", states=75, transitions=147, depth=21, reference=True),
    Row(model="deployment", preset="small", states=87_941, transitions=406_767, depth=51),
    Row(
        model="deployment",
        preset="small",
        settings=ACCEPTANCE,
        states=9_731,
        transitions=37_696,
        depth=62,
        why="replicas_within_surge on the README's scope",
    ),
    Row(
        model="deployment",
        preset="small",
        settings={"strategy": "Recreate"},
        states=874,
        transitions=2_482,
        depth=27,
        reference=True,
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"faults": "crash"},
        states=508,
        transitions=1_486,
        depth=24,
        reference=True,
        why="availability_floor_with_crashes adjusts tiny to it",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"rollbacks": "1"},
        states=1_940,
        transitions=6_417,
        depth=37,
        why="rollback_restores_template and rollback_can_happen adjust tiny to it",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"strategy-edits": "1", "edited-max-surge": "0", "edited-max-unavailable": "1"},
        states=544,
        transitions=1_378,
        depth=23,
        why="a maxSurge edit mid-rollout (issue 13 item 4): replicas_within_surge VIOLATED",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"edits": "2", "edit-to": "1,0"},
        states=1_940,
        transitions=6_417,
        depth=37,
        why="an edit back to the first template reuses its ReplicaSet (issue 13 item 4); the same counts as "
        "rollbacks=1: the edit back plays the undo's part, once",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"pod-failure": "never-start"},
        states=7,
        transitions=7,
        depth=5,
        reference=True,
        why="a release whose image never pulls (issue 13 item 1): the rollout is stuck",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"pod-failure": "never-ready"},
        states=9,
        transitions=10,
        depth=6,
        reference=True,
        why="availability_floor_with_failing_release adjusts tiny to it",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"pod-failure": "evicted"},
        states=2_336,
        transitions=8_244,
        depth=35,
        why="node-pressure eviction of the new release's pods (issue 13 item 1): failed_pod_replaced",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"pod-failure": "never-ready", "failing-revision": "first"},
        states=505,
        transitions=1_390,
        depth=22,
        why="a Deployment created with a release that is never Ready, then edited (issue 13 item 1)",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"replicas": "3", "max-surge": "0%", "max-unavailable": "10%"},
        states=271,
        transitions=664,
        depth=31,
        reference=True,
        why="the 0/0 fencepost: availability_floor_as_written VIOLATED, availability_floor HOLDS (issue 13 item 6)",
    ),
    # issue 13 item 2: a progress deadline (the Deployment's status counts and conditions are state)
    Row(
        model="deployment",
        preset="tiny",
        settings={"progress-deadline": "600"},
        states=414,
        transitions=1_136,
        depth=23,
        reference=True,
        why="complete_rollout_reported adjusts tiny to it (75 states without the deadline)",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"progress-deadline": "600", "pod-failure": "never-ready"},
        states=32,
        transitions=58,
        depth=9,
        reference=True,
        why="stuck_rollout_reported and timed_out_release_keeps_its_pods adjust tiny to it (9 without)",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"progress-deadline": "600", "pod-failure": "evicted"},
        states=40_483,
        transitions=186_878,
        depth=41,
        why="stuck_rollout_reported VIOLATED: evicted pods' replacements refresh the deadline (2,336 without)",
    ),
    Row(
        model="deployment",
        preset="small",
        settings={"progress-deadline": "600", "pod-failure": "never-ready"},
        states=15_495,
        transitions=65_204,
        depth=24,
        why="the acceptance run: a release never Ready at small, with its availability floor (1,569 without)",
    ),
    Row(
        model="deployment",
        preset="small",
        settings={"progress-deadline": "600", "rollbacks": "0"},
        states=17_324,
        transitions=67_004,
        depth=34,
        why="complete_rollout_reported adjusts small to it (1,256 without the deadline; with small's rollout undo "
        "the deadline scope has 3,284,670 states)",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"nodes": "1", "faults": "partition"},
        states=50_831,
        transitions=232_509,
        depth=36,
        why="the node-failure properties on one node (deployment_nodes.py): floor and liveness VIOLATED",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"nodes": "2", "faults": "partition"},
        states=289_301,
        transitions=1_471_772,
        depth=38,
        slow=True,
        why="deployment_nodes.py adjusts tiny to it: the engines' cross-check, rollout_completes_despite_lost_node",
    ),
    # -- the HorizontalPodAutoscaler (issue 16 item 3; model/controllers/hpa.py, properties/hpa.py) --
    Row(
        model="deployment",
        preset="tiny",
        settings={"replicas": "1", "edits": "0", "hpa-max-replicas": "2", "hpa-loads": "60,120", "applies": "1"},
        states=213,
        transitions=646,
        depth=16,
        reference=True,
        why="the autoscaler, a load change and a manifest re-apply, also explored by the reference interpreter",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"replicas": "1", "hpa-max-replicas": "2", "hpa-loads": "120", "hpa-rescales": "1"},
        states=453,
        transitions=1_078,
        depth=24,
        reference=True,
        why="the autoscaler during a rollout (surge pods counted), also explored by the reference interpreter",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings=HPA_BEHAVIOR,
        states=310,
        transitions=973,
        depth=19,
        reference=True,
        why="spec.behavior: both windows, the scale events' ages and the forgotten outdated event; compiled and "
        "symbolic semantics scopes tiny-hpa-behavior",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings=HPA_TOLERANCE,
        states=46,
        transitions=98,
        depth=9,
        reference=True,
        why="spec.behavior's tolerances (without them the autoscaler never writes here: 2 states); compiled and "
        "symbolic semantics scopes tiny-hpa-tolerance",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={
            "hpa-max-replicas": "4",
            "hpa-loads": "105",
            "hpa-scale-up": "0s,max,4pods/15s,100%/15s",
            "hpa-scale-down": "300s,max,100%/15s",
            "hpa-scale-up-tolerance": "0",
        },
        states=100_741,
        transitions=503_754,
        depth=49,
        why="tests/properties/test_hpa_tolerance_verdicts.py: 105 % inside the default band, a 0 scale-up tolerance "
        "acts on it (the default-tolerance scope is tiny's own 75 states)",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"hpa-max-replicas": "4"},
        states=50_477,
        transitions=214_018,
        depth=47,
        slow=True,
        why="properties/hpa.py at tiny with an autoscaler: replicas_within_max, no_inflation_during_rollout",
    ),
    Row(
        model="deployment",
        preset="tiny",
        settings={"hpa-max-replicas": "4", "hpa-load-model": "total-demand", "hpa-missing-metrics": "1"},
        states=14_717,
        transitions=47_971,
        depth=45,
        slow=True,
        why="properties/hpa.py's no_inflation_under_total_demand at tiny with hpa-max-replicas=4",
    ),
    Row(model="deployment", preset="medium", states=1_377_412, transitions=7_610_277, depth=72, slow=True),
    Row(model="statefulset", preset="tiny", states=169, transitions=292, depth=19),
    Row(model="statefulset", preset="small", states=1_362, transitions=2_549, depth=33),
    Row(
        model="statefulset",
        preset="tiny",
        settings={"revision-history": "true", "edits": "2", "undos": "1", "revision-history-limit": "1"},
        states=5_982,
        transitions=13_623,
        depth=43,
        reference=True,
        why="ControllerRevisions: history_truncated_oldest_first (issue 14 item 3)",
    ),
    Row(
        model="statefulset",
        preset="tiny",
        settings={"revision-history": "true", "edits": "2", "undos": "1", "revision-history-limit": "0"},
        states=5_664,
        transitions=12_908,
        depth=47,
        why="ControllerRevisions: live_revisions_kept at the tightest limit (issue 14 item 3)",
    ),
    # issue 14: the cluster layer's failure modes, the forced rollback, the out-of-service taint (all off in the
    # presets, whose rows above are unchanged)
    Row(
        model="statefulset",
        preset="tiny",
        settings={
            "failure": "never-ready",
            "failing-revision": "current",
            "failing-ordinal": "0",
            "failure-onset": "later",
            "failure-repair": "user",
        },
        states=567,
        transitions=1_331,
        depth=21,
        reference=True,
        why="web-0's readiness probe starts failing and may be repaired (scale_down_resumes_after_repair's mode)",
    ),
    Row(
        model="statefulset",
        preset="tiny",
        settings={"failure": "evicted", "failing-revision": "any"},
        states=1_578,
        transitions=4_636,
        depth=26,
        reference=True,
        why="node-pressure eviction to phase Failed; processReplica deletes and recreates",
    ),
    Row(
        model="statefulset",
        preset="tiny",
        settings={"broken-release": "true", "reverts": "1", "forced-rollback": "true"},
        states=296,
        transitions=629,
        depth=20,
        reference=True,
        why="the forced rollback's operator step (revert_converges_with_forced_rollback's scenario)",
    ),
    Row(
        model="statefulset",
        preset="tiny",
        settings={"nodes": "2", "faults": "node-failure", "out-of-service": "true"},
        states=20_992,
        transitions=69_318,
        depth=40,
        why="a node failure with the out-of-service taint (recovers_after_node_failure, with edits and scales)",
    ),
    Row(model="daemonset", preset="tiny", states=181, transitions=321, depth=14),
    Row(model="daemonset", preset="small", states=2_360, transitions=5_879, depth=24),
    Row(
        model="daemonset",
        preset="tiny",
        settings={"failure": "evicted", "failing-node": "0"},
        states=353,
        transitions=853,
        depth=19,
        reference=True,
        why="node-a's daemon pods are evicted to Failed; manage deletes them (TestDaemonKillFailedPods)",
    ),
    Row(
        model="daemonset",
        preset="tiny",
        settings={"faults": "node-failure", "out-of-service": "true"},
        states=1_726,
        transitions=5_505,
        depth=17,
        reference=True,
        why="a node failure with the out-of-service taint (recovers_after_node_failure, with an edit and a relabel)",
    ),
)


def row(model: str, preset: str, settings: Mapping[str, str] | None = None) -> Row:
    """The pinned row of a scope (KeyError when it is not pinned)."""
    for r in ROWS:
        if (r.model, r.preset, dict(r.settings)) == (model, preset, dict(settings or {})):
            return r
    raise KeyError(f"{model} {preset} {settings or {}} is not pinned")
