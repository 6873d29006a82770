"""``kubecheck check MODEL``: StatefulSet and DaemonSet traces in Kubernetes words, pinned."""

from __future__ import annotations

import re

import pytest
from cli_helpers import assert_expected, kubecheck, normalized, one_error_line

from kubecheck.cli import trace_text
from kubecheck.cli.check_model import build_scope
from kubecheck.cli.options import ScopeRequest

# -- statefulset -----------------------------------------------------------------------------


def test_check_statefulset_force_delete_trace_is_pinned():
    """The split brain after a force delete, in Kubernetes words."""
    result = kubecheck("check", "statefulset", "at_most_one_running_instance_with_force_delete", "--scope", "tiny")
    assert result.exit_code == 12
    assert result.stderr == ""
    assert_expected("check_statefulset_tiny_force_delete.txt", normalized(result.stdout))


def test_check_statefulset_broken_release_lasso_is_pinned():
    """A rolling update that waits for ever, and the user action nobody takes."""
    result = kubecheck(
        "check", "statefulset", "rolling_update_eventually_completes_with_broken_release", "--scope", "tiny"
    )
    assert result.exit_code == 13
    assert_expected("check_statefulset_tiny_broken_release.txt", normalized(result.stdout))
    assert "↺ stays here for ever: no controller, kubelet or scheduler action is enabled" in result.stdout
    assert "kubectl delete pod web-1" in result.stdout
    assert result.stdout.rstrip().endswith("exit 13 (liveness violation)")


@pytest.mark.parametrize(
    ("props", "code"),
    [
        (["pods_created_in_ordinal_order", "pod_mounts_own_claim"], 0),
        (["rolling_update_eventually_completes", "scale_eventually_completes"], 0),
        (["set_deletion_is_unordered"], 0),
        (["pods_created_in_ordinal_order_under_parallel"], 12),
        (["condemned_claims_eventually_deleted"], 13),
        (["pods_created_in_ordinal_order_under_parallel", "condemned_claims_eventually_deleted"], 12),
    ],
)
def test_check_statefulset_exit_codes(props, code):
    result = kubecheck("check", "statefulset", *props, "--scope", "tiny")
    assert result.exit_code == code, result.stdout
    for prop in props:
        assert re.search(rf"(?m)^{prop} +(HOLDS|VIOLATED|WITNESSED) ", result.stdout)


def test_check_statefulset_speaks_kubernetes():
    result = kubecheck(
        "check",
        "statefulset",
        "pods_created_in_ordinal_order_under_parallel",
        "--scope",
        "tiny",
        "--set",
        "ordinals-start=3",
    )
    assert result.exit_code == 12
    assert "pod/web-3 created at revision web-" in result.stdout and "pod/web-4 created" in result.stdout
    assert "pvc/data-web-3 created (Bound)" in result.stdout
    assert "spec.ordinals.start 3" in result.stdout
    assert "pod_phase" not in result.stdout  # no raw field dumps


def test_statefulset_trace_shows_nodes_orphans_and_claims():
    result = kubecheck(
        "check",
        "statefulset",
        "at_most_one_running_instance_with_node_delete",
        "in_range_claims_kept",
        "--scope",
        "tiny",
    )
    assert result.exit_code == 12
    out = result.stdout
    for line in [
        "      nodes node-a Ready, node-b Ready\n",
        "  [fault] partition_node(node=node-a)\n"
        "      node/node-a Ready → partitioned (unreachable, containers still run)\n",
        "      node/node-a Node object deleted\n",
        "  [pod-gc] delete_orphaned_pod(pod=web-0, node=node-a)\n"
        "      pod/web-0 removed (was Running, not Ready on node-a)\n"
        "      containers of web-0 still run on node-a (pod object gone)\n",
        "      pvc/data-web-1 ownerReference → pod web-1 (whenScaled Delete)\n",
        "  [garbage-collector] delete_claim(claim=data-web-1)\n      pvc/data-web-1 deleted (garbage collector)\n",
    ]:
        assert line in out, line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--set", "partition=-1"],
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
        ),
        (["--set", "broken-release=maybe"], "parameter broken-release: expected true or false, got 'maybe'"),
        (
            ["--faults", "meteor"],
            "parameter faults: unknown fault 'meteor'; valid faults: crash, evict, force-delete, "
            "partition, node-failure, node-delete (or none)",
        ),
    ],
)
def test_check_statefulset_bad_input_is_exit_2(args, message):
    result = kubecheck("check", "statefulset", *args)
    assert result.exit_code == 2
    assert one_error_line(result) == message


# -- daemonset -------------------------------------------------------------------------------


def test_check_daemonset_surge_eviction_trace_is_pinned():
    """Three pod objects on one node: an eviction while a surge rolls out, in DaemonSet words."""
    result = kubecheck(
        "check", "daemonset", "at_most_two_pods_per_node_while_surging_with_evictions", "--scope", "tiny"
    )
    assert result.exit_code == 12
    assert result.stderr == ""
    assert_expected("check_daemonset_tiny_surge_eviction.txt", normalized(result.stdout))
    assert "pod/agent-node-b-2 created for node-b at revision agent-" in result.stdout
    assert "(surge: beside agent-node-b)" in result.stdout


def test_check_daemonset_relabel_lasso_is_pinned():
    """A rollout stuck behind a Pending pod on a node that got a NoSchedule taint, and the delete nobody issues."""
    result = kubecheck(
        "check", "daemonset", "runs_on_every_eligible_node_with_relabels", "--scope", "tiny", "--set", "pod-deletes=1"
    )
    assert result.exit_code == 13
    assert_expected("check_daemonset_tiny_relabel_lasso.txt", normalized(result.stdout))
    assert "node/node-a tainted dedicated=infra:NoSchedule" in result.stdout
    assert "fairness requires none of them: kubectl delete pod agent-node-a" in result.stdout
    assert result.stdout.rstrip().endswith("exit 13 (liveness violation)")


def test_daemonset_traces_speak_kubernetes():
    result = kubecheck(
        "check",
        "daemonset",
        "new_node_gets_pod",
        "no_pod_on_ineligible_node",
        "runs_on_every_eligible_node_with_partition",
        "--scope",
        "small",
    )
    assert result.exit_code == 12  # a safety violation outranks the liveness one
    out = result.stdout
    for line in [
        "     nodes node-a Ready, node-b Ready, node-c not joined yet\n",
        "  1  [cluster] add_node(node=node-c)\n     node/node-c joined: Ready\n",
        "     pod/agent-node-c created for node-c at revision agent-",
        "  1  [user] relabel_node(node=node-a, to=ineligible)\n"
        "     node/node-a label daemon removed: agent pods there are to be deleted\n",
        "     node/node-a Ready → partitioned (unreachable, containers still run)\n",
        "fairness requires none of them: node-a\n"
        "    reconnecting, kubectl apply of a new template, node-c joining the cluster.\n",
    ]:
        assert line in out, line
    assert "node-c reconnecting" not in out  # a node that never joined is no machine to come back
    assert "pod_phase" not in out and "node_class" not in out  # no raw field dumps


def test_daemonset_user_commands_are_what_a_person_types():
    from kubecheck.model.kernel.commands import find_action
    from kubecheck.properties import catalog as cat

    model = cat.model("daemonset")
    scope = build_scope(
        model, ScopeRequest("tiny", ("relabels=2", "leaves=1", "pod-deletes=1", "faults=force-delete,partition"))
    )
    d = trace_text.describer(model, scope)
    actions = model.actions(scope)
    words = {
        label: d.user_command(find_action(actions, label))
        for label in [
            "user.relabel_node(node=1, to=1)",
            "user.relabel_node(node=1, to=2)",
            "user.relabel_node(node=1, to=0)",
            "user.remove_node(node=0)",
            "user.delete_pod(pod=2)",
            "fault.force_delete_pod(pod=0)",
            "node.reconnect(node=1)",
        ]
    }
    assert words == {
        "user.relabel_node(node=1, to=1)": "kubectl taint node node-b dedicated=infra:NoSchedule",
        "user.relabel_node(node=1, to=2)": "kubectl label node node-b daemon-",
        "user.relabel_node(node=1, to=0)": (
            "kubectl label node node-b daemon=agent (or kubectl taint node node-b dedicated=infra:NoSchedule-)"
        ),
        "user.remove_node(node=0)": "kubectl delete node node-a (decommissioning the machine)",
        "user.delete_pod(pod=2)": "kubectl delete pod agent-node-b",
        "fault.force_delete_pod(pod=0)": "kubectl delete pod agent-node-a --grace-period=0 --force",
        "node.reconnect(node=1)": "node-b reconnecting",
    }
