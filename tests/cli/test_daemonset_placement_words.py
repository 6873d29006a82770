"""DaemonSet traces name the template's own nodeSelector (or none) and a taint it does not tolerate.

The built-in model keeps its illustrative ``daemon=agent`` selector (pinned in the golden traces);
a scope read from a manifest sets ``node-selector``, ``tolerates`` and ``taint``, and the trace
never shows an invented selector.
"""

from __future__ import annotations

from cli_helpers import kubecheck


def _trace(*settings: str) -> list[str]:
    args = ["check", "daemonset", "no_pod_on_ineligible_node", "--scope", "tiny"]
    for s in settings:
        args += ["--set", s]
    result = kubecheck(*args)
    assert result.exit_code == 12, result.output
    return [line.strip() for line in result.stdout.splitlines()]


def test_no_node_selector_is_never_invented():
    lines = _trace("node-selector=none", "tolerates=NoSchedule")
    text = "\n".join(lines)
    assert "daemon=" not in text
    assert "template revision agent-lgj75vjh9k, no nodeSelector" in lines
    assert "node/node-a tainted dedicated=infra:NoExecute: agent pods there are to be deleted" in lines
    assert "dedicated=infra:NoExecute taint deletes its pods; it tolerates every NoSchedule taint" in lines


def test_the_manifest_selector_is_shown():
    lines = _trace("node-selector=kubernetes.io/os=linux")
    assert "template revision agent-lgj75vjh9k, nodeSelector kubernetes.io/os=linux" in lines
    assert "1  [user] relabel_node(node=node-a, to=ineligible)" in lines
    assert "node/node-a label kubernetes.io/os removed: agent pods there are to be deleted" in lines
    assert "daemon=" not in "\n".join(lines)


def test_node_affinity_is_named_as_such():
    lines = _trace("node-selector=node affinity")
    assert "template revision agent-lgj75vjh9k, node affinity (no nodeSelector)" in lines
    assert "node/node-a labels no longer matching the node affinity: agent pods there are to be deleted" in lines


def test_a_bad_selector_is_one_line_and_exit_2():
    result = kubecheck("check", "daemonset", "--scope", "tiny", "--set", "node-selector=a")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "node-selector" in result.stderr
    assert "expected none, 'node affinity', daemon=<name> or key=value pairs separated by commas, got 'a'" in (
        result.stderr
    )


def test_an_unreachable_node_under_a_tolerated_lifecycle_taint_is_explained_as_such():
    result = kubecheck(
        "check",
        "daemonset",
        "runs_on_every_eligible_node_with_partition",
        "--scope",
        "tiny",
        "--set",
        "tolerates=NoSchedule",
    )
    assert result.exit_code == 13
    text = " ".join(result.stdout.split())
    assert (
        "node-a is unreachable: its pod is not Ready, and no new one starts there (the pod tolerates the "
        "node.kubernetes.io/unreachable NoSchedule taint, but no kubelet runs it) until it reconnects" in text
    )
