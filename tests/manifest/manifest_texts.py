"""Small manifests as text, for the manifest tests."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import yaml


def deployment(name: str = "web", replicas: int | str = 3, extra_spec: str = "", strategy: str = "") -> str:
    """A valid Deployment; ``strategy`` is extra spec lines (YAML, indented by two spaces here)."""
    spec_lines = "".join(f"  {line}\n" for line in strategy.splitlines())
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n"
        + spec_lines
        + f"  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n"
        + "    spec:\n      containers: [{name: app, image: nginx}]\n"
        + extra_spec
    )


def statefulset(name: str = "db", replicas: int = 3, extra: str = "") -> str:
    return (
        textwrap.dedent(f"""\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {{name: {name}}}
        spec:
          serviceName: {name}
          replicas: {replicas}
          selector: {{matchLabels: {{app: {name}}}}}
          template:
            metadata: {{labels: {{app: {name}}}}}
            spec:
              containers: [{{name: app, image: postgres, volumeMounts: [{{name: data, mountPath: /d}}]}}]
          volumeClaimTemplates:
            - metadata: {{name: data}}
              spec:
                accessModes: [ReadWriteOnce]
                resources: {{requests: {{storage: 1Gi}}}}
        """)
        + extra
    )


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch (what ``kubectl patch --type merge`` applies): null removes a field."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def patched(path: Path, kind: str, name: str, patch: dict) -> str:
    """The manifests of ``path`` with ``patch`` merged into the object of that kind and name."""
    docs = list(yaml.safe_load_all(path.read_text()))
    docs = [merge_patch(d, patch) if d and d.get("kind") == kind and d["metadata"]["name"] == name else d for d in docs]
    return yaml.safe_dump_all(docs)
