"""``kubecheck.testing.machine_for``: hypothesis walks of a user's manifest at its real size.

The machine is built from ``check -f``'s front end (the workload's model and scope at the
manifest's numbers, its property selection): one rule per command, one invariant per safety
property, one walk per scope the properties speak about. It can fail: on the DaemonSet example,
whose ``no_pod_on_ineligible_node`` check -f reports VIOLATED, a walk finds the violation, and
the message is a kubecheck trace whose saved file ``kubecheck replay`` reproduces. And the
README's example runs as written on a StatefulSet of 50 (the thorough tier).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from kubecheck.cli.main import cli
from kubecheck.manifest import sizing
from kubecheck.testing import assert_reproduces, load_workload, machine_for
from kubecheck.testing.machines import python_name

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DAEMONSET = EXAMPLES / "log-collector-daemonset.yaml"
DATABASE_50 = Path(__file__).with_name("manifests") / "database-50.yaml"


def rules_and_invariants(machine: type) -> tuple[set[str], set[str]]:
    state = machine.setup_state()  # type: ignore[attr-defined]
    return {r.function.__name__ for r in state.rules}, {i.function.__name__ for i in state.invariants}


def test_the_machine_walks_the_manifest_at_its_real_size_with_each_property_an_invariant() -> None:
    machine = machine_for(DATABASE_50)
    workload = load_workload(DATABASE_50)
    assert machine.scope == workload.scope and machine.scope.replicas == 50  # type: ignore[attr-defined]
    walked = [p for p in sizing.select(workload)[0] if p.kind in ("always", "step", "terminal")]
    assert walked and not any(sizing.is_caveat(p) for p in walked)
    rules, invariants = rules_and_invariants(machine)
    assert invariants == {python_name(p.name) for p in walked} | {"states_stay_in_their_domains"}
    assert {"statefulset_controller__create_pod", "kubelet__pod_ready", "user__edit_template"} <= rules
    # one walk per scope the properties speak about (pods_removed_in_reverse_order's has no set deletion, …)
    scopes = {p.adjust(workload.scope) for p in walked}
    assert len(machine.walk_scopes or [None]) == len(scopes) >= 2


def test_strict_adds_the_caveats_and_properties_narrows() -> None:
    default = rules_and_invariants(machine_for(DAEMONSET))[1]
    strict = rules_and_invariants(machine_for(DAEMONSET, strict=True))[1]
    assert "daemonset__no_pod_on_ineligible_node" in strict - default
    narrowed = rules_and_invariants(machine_for(DAEMONSET, properties=["no_pod_on_ineligible_node"]))[1]
    assert narrowed == {"daemonset__no_pod_on_ineligible_node", "states_stay_in_their_domains"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workload": "nginx"}, r"no workload 'nginx' in the manifests \(they hold daemonset/fluent-bit\)"),
        ({"properties": ["new_node_gets_pod"]}, r"not sometimes"),
        ({"properties": ["no_such_property"]}, r"no_such_property"),
    ],
)
def test_what_a_walk_cannot_check_is_refused_in_one_line(kwargs: dict, message: str) -> None:
    with pytest.raises(Exception, match=message):
        machine_for(DAEMONSET, **kwargs)


def test_a_violated_always_property_is_found_and_printed_as_a_kubecheck_trace(tmp_path: Path) -> None:
    """check -f reports no_pod_on_ineligible_node VIOLATED on the example; a walk finds it too."""
    expected = json.loads(DAEMONSET.with_suffix(".expected.json").read_text())
    assert expected["workloads"]["daemonset/fluent-bit"]["daemonset.no_pod_on_ineligible_node"] == "VIOLATED"
    machine = machine_for(DAEMONSET, properties=["no_pod_on_ineligible_node"], trace_dir=tmp_path)
    walks = settings(
        max_examples=100,
        stateful_step_count=20,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    with pytest.raises(AssertionError) as failure:
        run_state_machine_as_test(machine, settings=walks)
    message = str(failure.value)
    lines = message.splitlines()
    assert re.fullmatch(
        r"daemonset\.no_pod_on_ineligible_node VIOLATED after \d+ steps? of a random walk of daemonset/fluent-bit "
        r"\(.*log-collector-daemonset\.yaml \(document 1\)\)",
        lines[0],
    )
    # the steps in Kubernetes words (the describer), the last state's values, the reproduce lines
    assert "  0  initial state" in message and "pod/fluent-bit-node-a Ready on node-a" in message
    assert "[user] relabel_node(node=node-" in message and "⇒ violated at step" in message
    saved = tmp_path / "daemonset-fluent-bit.no_pod_on_ineligible_node.trace.json"
    assert f"  reproduce: kubecheck replay {saved}" in lines
    assert f"  keep it:   kubecheck export-test {saved} > test_fluent_bit_no_pod_on_ineligible_node.py" in lines
    # the saved trace is the walk's, and it reproduces
    replayed = CliRunner().invoke(cli, ["replay", str(saved)])
    assert replayed.exit_code == 0, replayed.output
    assert "verdict reproduced: VIOLATED" in replayed.stdout
    assert_reproduces(saved.read_text())
    steps = int(re.search(r"after (\d+) step", lines[0]).group(1))  # type: ignore[union-attr]
    assert len(json.loads(saved.read_text())["steps"]) == steps


def readme_example() -> str:
    """The Python block of the README's section "Random walks at real size in your own tests"."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Random walks at real size in your own tests", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None
    return found.group(1)


def test_the_readme_example_is_ten_lines_of_code() -> None:
    code = [line for line in readme_example().splitlines() if line.strip()]
    assert len(code) <= 10, code
    assert 'machine_for("k8s/database.yaml", "statefulset/db")' in readme_example()


@pytest.mark.slow
def test_the_readme_example_walks_a_statefulset_of_50() -> None:
    """The README's test, as written, on a StatefulSet of 50 replicas (thorough tier: ~20 s)."""
    namespace: dict = {}
    exec(compile(readme_example().replace("k8s/database.yaml", str(DATABASE_50)), "README.md", "exec"), namespace)
    machine = namespace["DatabaseMachine"]
    assert machine.scope.replicas == 50 and machine.workload.ref == "statefulset/db"
    namespace["test_random_walks_of_the_database_at_its_real_size"]()
