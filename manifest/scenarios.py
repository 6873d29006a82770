"""Recovery scenarios for ``check -f``: what happens around a workload, by name, as scope parameters.

A manifest says what the user deploys; it does not say what happens afterwards. A *scenario* names
one thing that does — an operator reverting a bad release, a node failing, a drain — and maps it,
per model, to the scope parameters of the model that stand for it (the ``--set`` spelling, so the
scope's own parsers and the API server's rules in ``validate()`` check the values). The lead's
``--scenario NAME`` option applies one to a run's workloads with :func:`apply` (each workload with
:func:`with_scenario`) and hands the name to :func:`kubecheck.manifest.sizing.select`;
:func:`scenario_params` is the table's one look-up.

The scenarios and the upstream behaviour each stands for (Kubernetes v1.35; paraphrased):

* ``revert`` — the forced-rollback procedure of the StatefulSet documentation ("Forced rollback":
  revert the template, then delete the pods the bad release left stuck), for a release whose pods
  never become Ready. ``pkg/controller/statefulset/stateful_set_control.go:updateStatefulSet``
  (OrderedReady) waits for the unhealthy pod before it replaces it, hence the manual delete.
  For a Deployment: ``kubectl rollout undo`` of the bad release (``rollback.go``: the old template
  is copied back; the controller scales the old ReplicaSet up again, no manual step).
* ``revert-only`` — the same revert without the manual delete (the StatefulSet's counterexample:
  the stuck pod is never replaced).
* ``unhealthy-pod``, ``unhealthy-pod-for-ever`` — from some moment on the first pod of the current
  revision fails its readiness probe (a dependency down, a disk full), repaired by the user later
  or never. ``stateful_set_control.go`` (OrderedReady): scale-down and the rolling update halt
  behind an unhealthy pod and resume once it is Ready again.
* ``node-return`` — one node goes down; it may come back (never required), and nobody taints it
  ``node.kubernetes.io/out-of-service``
  (``pkg/controller/nodelifecycle``, ``pkg/controller/podgc/gc_controller.go:gcTerminating``).
* ``out-of-service`` — one node goes down and the administrator may taint it out-of-service:
  PodGC force-deletes its terminating pods and the controllers replace them elsewhere.
* ``drain``, ``node-upgrade`` — the Deployment model's own ``scenario`` parameter (issue 16):
  ``kubectl drain node-a`` (``staging/src/k8s.io/kubectl/pkg/drain``: cordon, evict through the
  eviction API, retry on 429), and a node-pool upgrade (drain, replace, uncordon, node by node).
  Both are the StatefulSet model's ``scenario`` parameter too (its pods are placed already;
  :mod:`kubecheck.model.controllers.statefulset_disruption`: waitForDelete counts a pod gone once its
  name holds another UID, so the drain does not wait for the recreated ``web-1``; the upgrade replaces
  a machine only once its volumes are detached, and the claims stay Bound), and the DaemonSet model's
  (:mod:`kubecheck.model.controllers.daemonset_disruption`: the drain leaves the daemon pods with
  ``--ignore-daemonsets``; the upgrade's replaced machine takes them, and the controller starts one on
  the fresh node).

A scenario fixes the parameters it names: a property whose adjustment would change one of them
speaks about another configuration and is left out (:func:`kubecheck.manifest.sizing.select` with
``scenario``), as with the manifest's own fields. Its faults are the user's: a property that needs
them is no longer left out for "needs faults".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from kubecheck.manifest.workloads import Workload
from kubecheck.model.controllers import failures as fm
from kubecheck.model.kernel.scopes import ScopeError, params, with_settings


class UnknownScenario(ValueError):
    """A scenario the table does not have, or one it has but not for this model; the message is one line."""


@attrs.frozen
class Scenario:
    """One row of the table: ``name``, a one-line ``description`` a report can print, and per model
    the scope parameters (``--set`` spelling) that stand for it."""

    name: str
    description: str
    settings: Mapping[str, Mapping[str, str]]
    #: the scenario's own properties are checked in it and the others as written (like --faults),
    #: instead of every property in it: a drain under every property is millions of states
    #: (replicas_within_surge at replicas 3 on two nodes: 612 states as written, 4,188,765 in a drain)
    also: bool = False

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(self.settings)


_NODE_FAILURE = {"faults": "node-failure", "fault-budget": "1"}
#: The Deployment is a counter system until it is placed: its node scenarios place it on two nodes
#: (the most its placed model has; ``deployment_scope.validate``).
_PLACED = {"nodes": "2"}
_UNHEALTHY_FIRST_POD = {
    "failure": "never-ready",
    "failing-revision": "current",
    "failing-ordinal": "0",
    "failure-onset": "later",
}
_NEVER_READY_SET = {"failure": "never-ready", "failing-revision": "update", "failure-onset": "created"}

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="revert",
        description="the edited release never becomes Ready; the user reverts the template and deletes the pod "
        "the bad release left stuck (the documented forced rollback)",
        settings={
            "statefulset": {
                "edits": "1",
                "reverts": "1",
                **_NEVER_READY_SET,
                "failure-repair": "never",
                "forced-rollback": "true",
            },
            "deployment": {"edits": "1", "rollbacks": "1", "pod-failure": "never-ready", "failing-revision": "update"},
        },
    ),
    Scenario(
        name="revert-only",
        description="the edited release never becomes Ready; the user reverts the template and deletes nothing",
        settings={
            "statefulset": {
                "edits": "1",
                "reverts": "1",
                **_NEVER_READY_SET,
                "failure-repair": "never",
                "forced-rollback": "false",
            },
        },
    ),
    Scenario(
        name="unhealthy-pod",
        description="from some moment on the first pod of the current revision fails its readiness probe (a "
        "dependency down); the user repairs it later",
        settings={"statefulset": {**_UNHEALTHY_FIRST_POD, "failure-repair": "user"}},
    ),
    Scenario(
        name="unhealthy-pod-for-ever",
        description="from some moment on the first pod of the current revision fails its readiness probe, and "
        "nobody repairs it",
        settings={"statefulset": {**_UNHEALTHY_FIRST_POD, "failure-repair": "never"}},
    ),
    Scenario(
        name="node-return",
        description="one node goes down; it may come back, and nobody taints it out-of-service",
        settings={
            "statefulset": {**_NODE_FAILURE, "out-of-service": "false"},
            "daemonset": {**_NODE_FAILURE, "out-of-service": "false"},
            "deployment": {**_PLACED, **_NODE_FAILURE, "out-of-service": "false"},
        },
    ),
    Scenario(
        name="out-of-service",
        description="one node goes down and the administrator may taint it node.kubernetes.io/out-of-service",
        settings={
            "statefulset": {**_NODE_FAILURE, "out-of-service": "true"},
            "daemonset": {**_NODE_FAILURE, "out-of-service": "true"},
            "deployment": {**_PLACED, **_NODE_FAILURE, "out-of-service": "true"},
        },
    ),
    Scenario(
        name="drain",
        description="the user runs kubectl drain node-a (cordon, then evict every pod through the eviction API)",
        settings={
            "deployment": {**_PLACED, "scenario": "drain"},
            "statefulset": {"scenario": "drain"},
            "daemonset": {"scenario": "drain"},
        },
        also=True,
    ),
    Scenario(
        name="node-upgrade",
        description="a node-pool upgrade: drain, replace and uncordon the nodes one by one",
        settings={
            "deployment": {**_PLACED, "scenario": "node-upgrade"},
            "statefulset": {"scenario": "node-upgrade"},
            "daemonset": {"scenario": "node-upgrade"},
        },
        also=True,
    ),
)
NAMES = tuple(s.name for s in SCENARIOS)
_BY_NAME = {s.name: s for s in SCENARIOS}


def scenario(name: str) -> Scenario:
    """The row named ``name``; UnknownScenario naming the valid names."""
    if name not in _BY_NAME:
        raise UnknownScenario(f"--scenario: expected one of {', '.join(NAMES)}, got {name!r}")
    return _BY_NAME[name]


def scenario_params(model_name: str, name: str) -> dict[str, str]:
    """The ``--set`` parameters of ``model_name`` that stand for scenario ``name`` (a fresh dict);
    UnknownScenario for an unknown name, or one the model does not have (naming those it has)."""
    row = scenario(name)
    if model_name not in row.settings:
        has = [s.name for s in SCENARIOS if model_name in s.settings]
        raise UnknownScenario(
            f"--scenario {name}: not modelled for a {model_name} (it is for {', '.join(row.models)}); "
            f"a {model_name} takes {', '.join(has) or 'none'}"
        )
    return dict(row.settings[model_name])


def takes(model_name: str, name: str) -> bool:
    """Whether ``model_name`` has scenario ``name`` (UnknownScenario for an unknown name)."""
    return model_name in scenario(name).settings


def is_in(workload: Workload, name: str) -> bool:
    """Whether ``workload``'s scope is in scenario ``name`` (its model takes it and applying it changes
    nothing: :func:`apply` leaves a workload the scenario does not fit as written)."""
    if not takes(workload.model, name):
        return False
    try:
        return with_settings(workload.scope, scenario_params(workload.model, name)) == workload.scope
    except ScopeError:
        return False


def scenario_fields(workload: Workload, name: str) -> tuple[str, ...]:
    """The scope fields (attribute names) scenario ``name`` fixes for ``workload``, except ``faults``
    (a scenario's faults are allowed, not fixed: :func:`scenario_faults`); none for a workload that is
    not in it (:func:`is_in`)."""
    if not is_in(workload, name):
        return ()
    by_cli = {info.cli: field for field, info in params(type(workload.scope))}
    return tuple(by_cli[k] for k in scenario_params(workload.model, name) if k != "faults")


def scenario_faults(workload: Workload, name: str) -> frozenset[str]:
    """The faults scenario ``name`` switches on for ``workload`` (they count as the user's ``--faults``);
    none for a workload that is not in it (:func:`is_in`)."""
    if not is_in(workload, name):
        return frozenset()
    raw = scenario_params(workload.model, name).get("faults", "")
    return frozenset(f for f in raw.split(",") if f)


def allowed_changes(workload: Workload) -> dict[str, object]:
    """For a workload whose run has an ``also`` scenario: scope field -> the value a property may set it to
    (the scenario's) and still speak about this manifest; empty otherwise. ScopeError, naming the
    scenario, when the manifest's numbers rule the scenario out."""
    name = workload.scenario
    if not name or not _BY_NAME[name].also or not takes(workload.model, name):
        return {}
    settings = scenario_params(workload.model, name)
    try:
        target = with_settings(workload.scope, settings)
    except ScopeError as err:
        raise ScopeError(f"--scenario {name}: {err}") from None
    by_cli = {info.cli: field for field, info in params(type(workload.scope))}
    return {by_cli[k]: getattr(target, by_cli[k]) for k in settings if k != "faults"}


def with_scenario(workload: Workload, name: str) -> Workload:
    """``workload`` in scenario ``name``: its scope with the scenario's parameters (parsed and validated
    by the scope), said in its assumption. UnknownScenario for an unknown or inapplicable name;
    ScopeError, naming the scenario, when the manifest's numbers rule it out. A scenario whose release
    never becomes Ready is not applied to a template without a readinessProbe; a note says why (as
    ``--faults never-ready``: :func:`kubecheck.manifest.workloads.with_failure`)."""
    settings = scenario_params(workload.model, name)
    if _BY_NAME[name].also:  # the scope stays as written; select lets the scenario's own properties into it
        allowed_changes(attrs.evolve(workload, scenario=name))  # a manifest that rules it out: ScopeError here
        note = f"--scenario {name}: the properties about it are checked in it (their rows say so), the others as "
        note += "written"
        if not getattr(workload.scope, "has_budget", True):  # its rows are the budget's: none is let in
            note = (
                f"--scenario {name}: no row is about it here (its rows are a PodDisruptionBudget's, and none in "
                "these manifests selects this workload's pods); checked as written"
            )
        return attrs.evolve(workload, scenario=name, notes=(*workload.notes, note))
    if fm.NEVER_READY in settings.values() and not workload.obj.template.has_readiness_probe:
        note = (
            f"--scenario {name}: not applied, the pod template has no readinessProbe (a pod without one is Ready "
            "once its containers run, so a release that never becomes Ready cannot be written)"
        )
        return attrs.evolve(workload, notes=(*workload.notes, note))
    try:
        scope = with_settings(workload.scope, settings)
    except ScopeError as err:
        raise ScopeError(f"--scenario {name}: {err}") from None
    text = f"scenario {name}: {_BY_NAME[name].description} (--scenario {name})"
    assumption = "; ".join(x for x in (workload.assumption, text) if x)
    return attrs.evolve(workload, scope=scope, assumption=assumption, scenario=name)


def apply(found: Sequence[Workload], name: str) -> tuple[Workload, ...]:
    """``--scenario name`` over the workloads of a run: each workload whose model takes it in the scenario
    (:func:`with_scenario`); the others as written, with a note saying why (a model without the scenario,
    or a manifest whose numbers rule it out: the ScopeError's line). UnknownScenario for an unknown name,
    or one that no workload's model has (an input error: it could change nothing)."""
    row = scenario(name)
    out = []
    for w in found:
        if not takes(w.model, name):
            note = f"--scenario {name}: not modelled for a {w.model} (it is for {', '.join(row.models)})"
            out.append(attrs.evolve(w, notes=(*w.notes, f"{note}; checked without it")))
            continue
        try:
            out.append(with_scenario(w, name))
        except ScopeError as err:
            out.append(attrs.evolve(w, notes=(*w.notes, f"{err}; checked without it")))
    if found and not any(takes(w.model, name) for w in found):
        models = ", ".join(sorted({w.model for w in found}))
        raise UnknownScenario(f"--scenario {name}: not modelled for {models} (it is for {', '.join(row.models)})")
    return tuple(out)
