"""The user's names everywhere: no built-in default name leaks into the report of a manifest.

The built-in models name their objects after their default scope (``deployment/web`` with
ReplicaSets ``web-<hash>`` and claim ``data``, ``statefulset/web`` with pods ``web-<i>`` and
claims ``data-web-<i>``, ``daemonset/agent``). A manifest's objects have their own names, and
``kubecheck check -f`` must use them in every format: the text report with its traces and
summaries, the JSON document, the ITF traces, the JUnit failure messages. Each run renders with
``-v`` (witness traces too) and looks for a token whose first word is a default name the
manifest does not use itself (``web``, ``web-b7p4ncbwm6``, ``data-ledger-0``; not
``grafana-data``). Node names (``node-a``, …) are the model's own: a manifest does not name nodes.

The StatefulSet's claims are named after the manifest's claim template (scope parameter
``claim-template``), a Deployment without a claim names no claim of the built-in model, and the
StatefulSet properties' descriptions speak of ``<set>-i``, not of the built-in pods.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from cli_helpers import EXAMPLES, kubecheck

from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope

#: The default names of the built-in models' scopes.
DEFAULTS = frozenset(
    {
        DeploymentScope().name,
        DeploymentScope().claim_name,
        StatefulSetScope().name,
        StatefulSetScope().claim_template,
        DaemonSetScope().name,
    }
)

CHECKOUT = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: carts}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout}
spec:
  replicas: 2
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      containers: [{name: shop, image: shop:1, volumeMounts: [{name: cart-store, mountPath: /carts}]}]
      volumes: [{name: cart-store, persistentVolumeClaim: {claimName: carts}}]
"""

PAYMENTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: payments}
spec:
  replicas: 2
  selector: {matchLabels: {app: payments}}
  template:
    metadata: {labels: {app: payments}}
    spec:
      containers: [{name: pay, image: pay:1}]
"""

LEDGER = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ledger}
spec:
  serviceName: ledger
  replicas: 2
  selector: {matchLabels: {app: ledger}}
  template:
    metadata: {labels: {app: ledger}}
    spec:
      containers: [{name: book, image: book:1, volumeMounts: [{name: pages, mountPath: /pages}]}]
  volumeClaimTemplates:
    - metadata: {name: pages}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
"""

PROBE = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: probe}
spec:
  selector: {matchLabels: {app: probe}}
  template:
    metadata: {labels: {app: probe}}
    spec:
      containers: [{name: sensor, image: sensor:1}]
"""

TALLY = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: tally}
spec:
  serviceName: tally
  replicas: 1
  selector: {matchLabels: {app: tally}}
  template:
    metadata: {labels: {app: tally}}
    spec:
      containers: [{name: count, image: count:1}]
"""

CUSTOM = {"checkout": CHECKOUT, "payments": PAYMENTS, "ledger": LEDGER, "tally": TALLY, "probe": PROBE}
EXAMPLE_FILES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
FORMATS = ("text", "json", "itf", "junit")


def _names(node: Any) -> set[str]:
    """Every value of a ``name`` or ``claimName`` key in a manifest: the names the user chose."""
    out: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("name", "claimName") and isinstance(value, str):
                out.add(value)
            out |= _names(value)
    elif isinstance(node, list):
        for item in node:
            out |= _names(item)
    return out


def _leaks(output: str, manifest: str) -> set[str]:
    """Tokens of ``output`` that start with a default name the manifest does not use."""
    own = set().union(*(_names(doc) for doc in yaml.safe_load_all(manifest)))
    foreign = sorted(DEFAULTS - own)
    if not foreign:
        return set()
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(foreign)})(?:-[a-z0-9]+)*(?![\w-])")
    return set(pattern.findall(output))


Render = Callable[[str, str], tuple[str, str]]


@pytest.fixture(scope="module")
def render(tmp_path_factory: pytest.TempPathFactory) -> Render:
    """(output, manifest) of ``check -f CASE -v --format FMT``, each rendered once per module."""
    folder = tmp_path_factory.mktemp("user-names")
    cache: dict[tuple[str, str], tuple[str, str]] = {}

    def run(case: str, fmt: str) -> tuple[str, str]:
        if (case, fmt) not in cache:
            if case in CUSTOM:
                path = folder / f"{case}.yaml"
                path.write_text(CUSTOM[case], encoding="utf-8")
            else:
                path = EXAMPLES / f"{case}.yaml"
            result = kubecheck("check", "-f", str(path), "-v", "--format", fmt)
            assert result.exit_code in (0, 10, 12, 13, 14), result.stderr
            assert result.stdout
            cache[(case, fmt)] = (result.stdout, path.read_text(encoding="utf-8"))
        return cache[(case, fmt)]

    return run


CASES = [(case, fmt) for case in [*CUSTOM, *EXAMPLE_FILES] for fmt in FORMATS]


@pytest.mark.parametrize(("case", "fmt"), CASES)
def test_no_default_name_leaks(case: str, fmt: str, render: Render):
    output, manifest = render(case, fmt)
    assert _leaks(output, manifest) == set()


def test_custom_names_appear_where_the_defaults_would(render: Render):
    """The user's names are there: the set, its ReplicaSets, pods and claims."""
    out = {case: render(case, "text")[0] for case in ("checkout", "ledger", "probe")}
    assert "deployment/checkout" in out["checkout"]
    assert re.search(r"ReplicaSet checkout-[a-z0-9]{10} \(rev 1\)", out["checkout"])
    assert "PersistentVolumeClaim carts (ReadWriteOnce)" in out["checkout"]
    assert "statefulset/ledger" in out["ledger"] and "pod/ledger-0" in out["ledger"]
    assert "volumeClaimTemplates pages (ReadWriteOnce)" in out["ledger"] and "pages-ledger-0" in out["ledger"]
    assert "daemonset/probe" in out["probe"] and "pod/probe-node-a" in out["probe"]
