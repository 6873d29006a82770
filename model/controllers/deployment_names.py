"""Kubernetes names for the Deployment model's objects, shared by traces and property explanations.

The Deployment is ``deployment/<name>`` (the scope's ``name``, ``web`` by default; every function
takes it, so no caller can fall back on the built-in model's name). ReplicaSet
slot ``t`` (the ReplicaSet of pod template ``t``) is ``<name>-<pod-template-hash>``, with a
deterministic stand-in for the hash: ten characters of upstream's safe-encoding alphabet
(``rand.SafeEncodeString``) drawn from ``sha1("<name>/<t>")``.
"""

from __future__ import annotations

from kubecheck.model.controllers.cluster import stand_in_hash

NAME = "web"


def deployment_ref(name: str) -> str:
    return f"deployment/{name}"


def pod_template_hash(t: int, name: str) -> str:
    """A stable stand-in for the pod-template-hash of template ``t``."""
    return stand_in_hash(f"{name}/{t}")


def replicaset_name(t: int, name: str) -> str:
    return f"{name}-{pod_template_hash(t, name)}"
