"""Small manifests as text, for the manifest tests."""

from __future__ import annotations

import textwrap


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
