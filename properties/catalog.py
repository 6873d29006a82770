"""The built-in models and their property tables, by name (an explicit table, no registration magic)."""

from __future__ import annotations

from collections.abc import Sequence

from kubecheck.model.controllers import daemonset, deployment, statefulset
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.property import Property
from kubecheck.properties import daemonset as daemonset_properties
from kubecheck.properties import daemonset_disruption as daemonset_disruption_properties
from kubecheck.properties import deployment as deployment_properties
from kubecheck.properties import deployment_nodes as deployment_node_properties
from kubecheck.properties import deployment_volumes as deployment_volume_properties
from kubecheck.properties import disruption as disruption_properties
from kubecheck.properties import hpa as hpa_properties
from kubecheck.properties import statefulset as statefulset_properties
from kubecheck.properties import statefulset_disruption as statefulset_disruption_properties
from kubecheck.properties import statefulset_ownership as statefulset_ownership_properties
from kubecheck.properties import volumes as volume_properties
from kubecheck.properties.triggers import with_triggers

MODELS: dict[str, Model] = {
    "deployment": deployment.MODEL,
    "statefulset": statefulset.MODEL,
    "daemonset": daemonset.MODEL,
}
PROPERTIES: dict[str, tuple[Property, ...]] = {  # each row with its trigger (vacuity), if triggers.py has one
    "deployment": with_triggers(
        deployment_properties.PROPERTIES
        + deployment_volume_properties.PROPERTIES
        + deployment_node_properties.PROPERTIES
        + disruption_properties.PROPERTIES
        + hpa_properties.PROPERTIES  # the HorizontalPodAutoscaler (issue 16)
    ),
    "statefulset": with_triggers(
        statefulset_properties.PROPERTIES
        + volume_properties.PROPERTIES
        + statefulset_ownership_properties.PROPERTIES
        + statefulset_disruption_properties.PROPERTIES  # issue 16: budget, eviction, drain
    ),
    "daemonset": with_triggers(
        daemonset_properties.PROPERTIES + daemonset_disruption_properties.PROPERTIES  # issue 16: budget, drain
    ),
}


#: Names that select a group of a model's rows at once (``kubecheck check deployment disruption``).
GROUPS: dict[str, dict[str, tuple[Property, ...]]] = {
    "deployment": {"disruption": disruption_properties.PROPERTIES},  # issue 16: budgets, drains, upgrades
    "statefulset": {"disruption": statefulset_disruption_properties.PROPERTIES},  # issue 16: budget, drain
    "daemonset": {"disruption": daemonset_disruption_properties.PROPERTIES},  # issue 16: budget, drain, upgrade
}


class UnknownName(LookupError):
    """An unknown model or property name; the message lists the valid ones."""


def model(name: str) -> Model:
    if name not in MODELS:
        raise UnknownName(f"unknown model {name!r}; models: {', '.join(MODELS)}")
    return MODELS[name]


def properties(model_name: str, names: Sequence[str] = ()) -> list[Property]:
    """The named properties of a model (all of them when ``names`` is empty), in table order.

    A name may be given with or without the model prefix (``replicas_within_surge``; ``hpa.replicas_within_max``
    for ``deployment.hpa.replicas_within_max``), or be a group of :data:`GROUPS` (``disruption``: its
    rows, in table order).
    """
    table = PROPERTIES[model_name]
    if not names:
        return list(table)
    by_name = {p.name: p for p in table}
    groups = GROUPS.get(model_name, {})
    names = [n for name in names for n in ([p.name for p in groups[name]] if name in groups else [name])]
    chosen = []
    for name in names:
        full = name if name in by_name else f"{model_name}.{name}"  # prefix optional (also for hpa.* of a deployment)
        if full not in by_name:
            raise UnknownName(f"unknown property {name!r} of model {model_name}; properties: {', '.join(by_name)}")
        if by_name[full] not in chosen:
            chosen.append(by_name[full])
    return chosen
