"""Claims whose access mode the manifests do not give (issue 12 item 4): checked under every mode
that can matter, or under ``--assume-access-mode``, each check naming its assumption.

A Deployment mounting a PersistentVolumeClaim defined in another file has no known access mode.
Without the option, ``workloads`` returns one variant per behaviour of the volume model
(``manifest.workloads.modes_to_check``): ReadWriteOnce, ReadWriteOncePod, ReadWriteMany, and
ReadOnlyMany apart unless the pods mount the claim readOnly (then it behaves as ReadWriteMany).
The tests drive ``load_workloads``/``check_manifests`` and the model's own checker, and show the
variants' verdicts differ where the model says they should.
"""

from __future__ import annotations

import attrs
import pytest
from click.testing import CliRunner
from manifest_texts import deployment

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.cli.main import cli
from kubecheck.manifest import ManifestError, check_manifests, load_workloads, read_workloads
from kubecheck.manifest.workloads import mode_behaviour, modes_to_check
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import Property
from kubecheck.properties import catalog

RWO, RWOP, RWX, ROX = vol.RWO, vol.RWOP, vol.RWX, vol.ROX


def _with_claim(read_only: bool = False, replicas: int = 2) -> str:
    """A Deployment whose pods share claim ``carts``, which no document defines."""
    flag = ", readOnly: true" if read_only else ""
    return deployment(
        name="checkout", replicas=replicas, strategy="strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"
    ).replace(
        "containers: [{name: app, image: nginx}]",
        "containers: [{name: app, image: nginx}]\n      volumes: [{name: store, persistentVolumeClaim: "
        f"{{claimName: carts{flag}}}}}]",
    )


CLAIM = (
    "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: carts}\n"
    "spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}\n"
)


def _variants(text: str, assume: str | None = None):
    found, _, _ = load_workloads(["-"], text, None, assume)
    return found


def test_without_the_option_every_mode_that_matters_is_a_variant_naming_its_assumption() -> None:
    found = _variants(_with_claim())
    assert [w.scope.access_mode for w in found] == [RWO, RWOP, RWX, ROX]
    assert {w.ref for w in found} == {"deployment/checkout"}
    assert [w.assumption for w in found] == [
        f"claim carts: access mode not in the manifests; checked as {m}" for m in (RWO, RWOP, RWX, ROX)
    ]
    # the variants differ in the access mode only
    assert {attrs.evolve(w.scope, access_mode=RWO) for w in found} == {found[0].scope}


def test_a_read_only_mount_collapses_read_only_many_into_read_write_many_and_says_so() -> None:
    found = _variants(_with_claim(read_only=True))
    assert [w.scope.access_mode for w in found] == [RWO, RWOP, RWX]
    assert found[2].assumption == (
        "claim carts: access mode not in the manifests; checked as ReadWriteMany (standing for ReadOnlyMany too: "
        "the model treats them alike here, pods mounting the claim readOnly)"
    )
    assert modes_to_check(True) == [(RWO, (RWO,)), (RWOP, (RWOP,)), (RWX, (RWX, ROX))]
    assert modes_to_check(False) == [(RWO, (RWO,)), (RWOP, (RWOP,)), (RWX, (RWX,)), (ROX, (ROX,))]


@pytest.mark.parametrize("mode", [RWO, RWOP, RWX, ROX])
def test_the_option_gives_one_workload_under_that_mode(mode: str) -> None:
    [w] = _variants(_with_claim(), mode)
    assert w.scope.access_mode == mode
    assert w.assumption == f"claim carts: {mode} assumed (--assume-access-mode)"


@pytest.mark.parametrize("assume", [None, RWO])
def test_a_claim_in_the_manifests_is_checked_at_its_own_mode_and_assumes_nothing(assume: str | None) -> None:
    [w] = _variants(_with_claim() + "---\n" + CLAIM, assume)
    assert (w.scope.access_mode, w.assumption) == (RWX, "")


def test_workloads_without_claims_have_no_variants() -> None:
    [w] = _variants(deployment(name="payments"))
    assert (w.scope.claims, w.assumption) == (False, "")
    assert w.scope.claim_name == "payments"  # never the built-in 'data'


def _rows(report) -> list[dict[str, Verdict]]:
    return [{r.result.property.name: r.result.verdict for r in wr.rows} for wr in report.workloads]


def test_variants_verdicts_differ_where_the_model_says_they_should() -> None:
    report = check_manifests(["-"], stdin_text=_with_claim())
    assert [wr.workload.scope.access_mode for wr in report.workloads] == [RWO, RWOP, RWX, ROX]
    rwo, rwop, rwx, rox = _rows(report)
    # ReadWriteOnce: the surge pod on the other node waits for the attach, and the rollout can stay stuck there
    assert rwo["deployment.rwo_volume_attached_to_one_node"] is Verdict.HOLDS
    assert rwo["deployment.pod_waits_for_multi_attach"] is Verdict.WITNESSED
    assert rwo["deployment.rollout_eventually_completes"] is Verdict.VIOLATED
    # ReadWriteMany attaches to both nodes: the rollout completes
    assert rwx["deployment.rollout_eventually_completes"] is Verdict.HOLDS
    assert "deployment.rwo_volume_attached_to_one_node" not in rwx
    # ReadWriteOncePod: one pod object at a time, so availability drops during the rollout
    assert rwop["deployment.rwop_claim_used_by_one_pod"] is Verdict.HOLDS
    assert rwop["deployment.availability_floor"] is Verdict.VIOLATED
    assert rwx["deployment.availability_floor"] is Verdict.HOLDS
    # ReadOnlyMany mounted read-write: nothing stops the writers (a caveat: upstream guarantees nothing)
    assert rox["deployment.no_writer_on_read_only_many"] is Verdict.VIOLATED
    assert "deployment.no_writer_on_read_only_many" not in rwx


def _one_node(ops: Ops, sc, s) -> Value:
    return vol.attached_nodes(ops, s, sc.nodes, 0) <= 1


ONE_NODE = Property(
    name="test.claim_volume_on_one_node",
    kind="always",
    doc="the shared claim's volume is attached to at most one node",
    upstream="test observation",
    predicate=_one_node,
)


def test_read_write_many_lets_pods_on_two_nodes_mount_the_claim_read_write_once_does_not() -> None:
    model = catalog.model("deployment")
    verdicts = {}
    for w in _variants(_with_claim()):
        [result] = run.check(Task(model, w.scope, [ONE_NODE]))
        verdicts[w.scope.access_mode] = result.verdict
    assert verdicts == {RWO: Verdict.HOLDS, RWOP: Verdict.HOLDS, RWX: Verdict.VIOLATED, ROX: Verdict.VIOLATED}


def test_collapsed_modes_get_the_same_verdicts() -> None:
    """With a readOnly mount, ReadOnlyMany and ReadWriteMany give the same rows (and the same state
    counts); ReadOnlyMany adds only no_writer_on_read_only_many, which then holds: the collapse hides nothing."""
    text = _with_claim(read_only=True)
    assert mode_behaviour(ROX, True) == mode_behaviour(RWX, True)
    by_mode = {
        mode: {r.result.property.name: (r.result.verdict, r.result.stats.states) for r in wr.rows}
        for mode in (RWX, ROX)
        for wr in check_manifests(["-"], stdin_text=text, assume_access_mode=mode).workloads
    }
    rox_only = by_mode[ROX].pop("deployment.no_writer_on_read_only_many")
    assert rox_only[0] is Verdict.HOLDS
    assert by_mode[RWX] == by_mode[ROX]


def test_a_bad_mode_on_the_command_line_exits_2_with_one_error_line(tmp_path) -> None:
    path = tmp_path / "checkout.yaml"
    path.write_text(_with_claim())
    result = CliRunner().invoke(cli, ["check", "-f", str(path), "--assume-access-mode", "ReadWriteSome"])
    assert result.exit_code == 2 and result.stdout == ""
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert "'--assume-access-mode'" in error and "'ReadWriteSome'" in error
    assert all(m in error for m in (RWO, RWOP, RWX, ROX))


def test_the_option_reaches_the_check_from_the_command_line(tmp_path) -> None:
    path = tmp_path / "checkout.yaml"
    path.write_text(_with_claim())
    result = CliRunner().invoke(cli, ["check", "-f", str(path), "--assume-access-mode", RWX, "--format", "json"])
    assert result.exit_code in (0, 10, 12, 13, 14), result.stderr
    assert result.stdout.count('"object": "deployment/checkout"') == 1
    assert '"access-mode": "ReadWriteMany"' in result.stdout


def test_variants_are_not_duplicates_but_a_second_deployment_of_the_name_still_is() -> None:
    twice = _with_claim() + "---\n" + _with_claim()
    m = read_workloads(["-"], twice)
    assert [w.scope.access_mode for w in m.workloads] == [RWO, RWOP, RWX, ROX]
    [rejected] = m.rejected
    assert "deployment/checkout is defined twice in namespace default" in rejected
    with pytest.raises(ManifestError, match="defined twice"):
        load_workloads(["-"], twice)
