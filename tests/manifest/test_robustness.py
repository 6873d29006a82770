"""Malformed and adversarial YAML: a one-line ManifestError with the field path, or a correct report.

Never a traceback (any other exception fails the test), never a hang (size limits in
kubecheck.manifest.loader; exploration bounded by a state budget here).
"""

from __future__ import annotations

import copy

import yaml
from hypothesis import given
from hypothesis import strategies as st
from manifest_texts import deployment, statefulset

from kubecheck.checker.explicit.bfs import Budget
from kubecheck.manifest import ManifestError, check_manifests

DS = (
    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: a}}\n"
    "  template:\n    metadata: {labels: {app: a}}\n"
    "    spec: {nodeSelector: {x: y}, containers: [{name: a, image: x}]}\n"
)
BASES = [yaml.safe_load(t) for t in (deployment(replicas=2), statefulset(replicas=2), DS)]
PATHS = [
    ("spec", "replicas"),
    ("spec", "strategy"),
    ("spec", "strategy", "rollingUpdate", "maxSurge"),
    ("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),
    ("spec", "updateStrategy", "rollingUpdate", "partition"),
    ("spec", "podManagementPolicy"),
    ("spec", "selector"),
    ("spec", "template", "metadata", "labels"),
    ("spec", "template", "spec", "containers"),
    ("spec", "template", "spec", "volumes"),
    ("metadata", "name"),
    ("metadata",),
    ("spec",),
    ("kind",),
    ("apiVersion",),
    ("spec", "volumeClaimTemplates"),
    ("spec", "minReadySeconds"),
    ("spec", "template", "spec", "nodeSelector"),
]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=10**18, max_value=10**40),
    st.text(max_size=12),
    st.sampled_from(["25%", "0%", "101%", "-5%", "OrderedReady", "Parallel", "Recreate", "None", "1e9"]),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(0, 3), max_size=2),
    st.floats(allow_nan=True),
    st.sampled_from(["Unknown", "ConfigMap", "List"]),
)


def _set(obj: dict, path: tuple[str, ...], value) -> dict:
    out = copy.deepcopy(obj)
    node = out
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    return out


def _outcome(text: str | bytes) -> None:
    try:
        report = check_manifests(["-"], stdin_text=text, engine="explicit", budget=Budget(max_states=3000, timeout=20))
    except ManifestError as err:
        message = str(err)
        assert message and "\n" not in message and "Traceback" not in message
        return
    assert report.workloads
    for wr in report.workloads:
        assert wr.rows
        for row in wr.rows:
            assert row.reduced == bool(row.sizing_note)


@given(st.sampled_from(BASES), st.lists(st.tuples(st.sampled_from(PATHS), VALUES), min_size=1, max_size=3))
def test_mutated_manifests(base: dict, edits) -> None:
    obj = base
    for path, value in edits:
        obj = _set(obj, path, value)
    try:
        text = yaml.safe_dump(obj)
    except yaml.YAMLError:
        return
    _outcome(text)


@given(st.binary(max_size=200))
def test_arbitrary_bytes(data: bytes) -> None:
    _outcome(data)


TOKENS = list("ab:-&*[]{}!|>'\"\n #%@`,?") + [
    "---\n",
    "  ",
    "kind: Deployment\n",
    "apiVersion: apps/v1\n",
    "&a ",
    "*a",
    "!!binary ",
    "metadata: {name: x}\n",
    "spec:\n",
    "  replicas: ",
]


@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_yaml_syntax_soup(text: str) -> None:
    _outcome(text)


def test_alias_bomb_and_empty_documents() -> None:
    bomb = 'x: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"x{i}: &a{i} [" + ",".join([f"*{'a' if i == 0 else f'a{i - 1}'}"] * 10) + "]\n" for i in range(9)
    )
    for text in (bomb, "", "---\n---\n", "\n\n", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"):
        _outcome(text)
