"""Kubernetes names for the Deployment model's objects, shared by traces and property explanations.

The Deployment is ``deployment/web``. ReplicaSet slot ``t`` (the ReplicaSet of pod template
``t``) is ``web-<pod-template-hash>``, with a deterministic stand-in for the hash: ten
characters of upstream's safe-encoding alphabet (``rand.SafeEncodeString``) drawn from
``sha1("web/<t>")``.
"""

from __future__ import annotations

import hashlib

NAME = "web"
DEPLOYMENT = f"deployment/{NAME}"
ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def pod_template_hash(t: int) -> str:
    """A stable stand-in for the pod-template-hash of template ``t``."""
    digest = hashlib.sha1(f"{NAME}/{t}".encode()).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:10])


def replicaset_name(t: int) -> str:
    return f"{NAME}-{pod_template_hash(t)}"
