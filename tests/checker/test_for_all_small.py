"""Symbolic parameters at the ``small`` preset, where ``check deployment --engine pdr --for-all`` runs.

At ``small`` (minReadySeconds 10) the ReplicaSet sync chooses how many Ready-but-not-available
pods its deletions hit (``from_ready`` in 0..pod_cap), a range that grows with replicas: the
encoder folds those actions into one per ReplicaSet with a per-step choice variable. These
tests pin that folding (labels decode with the chosen value and replay), the stated-lemma proof
of the surge bound (and that stated lemmas are never trusted), and BMC's least parameters.
"""

from __future__ import annotations

import attrs
import pytest
import z3
from click.testing import CliRunner

from kubecheck.checker.certify import run_smtlib
from kubecheck.checker.discovery import samples
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import bmc, lasso, pdr
from kubecheck.checker.symbolic.encoder import Encoder, EncodingError
from kubecheck.cli.main import cli
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.properties.deployment import PROPERTIES

BY_NAME = {p.name.split(".", 1)[1]: p for p in PROPERTIES}
ALL = ("replicas", "max_surge", "max_unavailable")
SMALL = MODEL.presets["small"]


def encoder(prop, arith: str = "int", scope=SMALL) -> Encoder:
    return Encoder(MODEL, prop.adjust(scope), for_all=ALL, arith=arith)


def test_from_ready_is_folded_into_one_action_per_replicaset_with_a_choice_variable() -> None:
    e = encoder(BY_NAME["replicas_within_surge"])
    syncs = [i for i, a in enumerate(e.actions) if a.name == "replicaset-controller.sync_replicaset"]
    assert len(syncs) == 2  # one per ReplicaSet slot, not one per (slot, from_ready)
    assert all(e.choice_names[i] == ("from_ready",) for i in syncs)
    assert e.choice_lo == {"from_ready": 0}
    assert [str(c) for c in e.choices(3)] == ["choice.from_ready@3"]
    # a concrete scope keeps one action per value (nothing is folded without --for-all)
    plain = Encoder(MODEL, SMALL)
    assert not plain.choice_names
    assert sum(a.name == "replicaset-controller.sync_replicaset" for a in plain.actions) == 2 * (SMALL.pod_cap + 1)


def test_a_parameter_whose_tuple_domain_depends_on_replicas_is_folded_per_element() -> None:
    placed = attrs.evolve(SMALL, nodes=2, min_ready_seconds=0)  # spread: tuples over 0..pod_cap
    e = Encoder(MODEL, placed, for_all=("replicas",))
    assert e.choice_width == {"spread": 3}
    assert e.choice_lo == {"spread[0]": 0, "spread[1]": 0, "spread[2]": 0}


def test_liveness_engines_refuse_folded_actions_with_the_reason() -> None:
    e = encoder(BY_NAME["rollout_eventually_completes"])
    with pytest.raises(EncodingError, match="a lasso search needs one action per parameter value"):
        lasso.decide(e, BY_NAME["rollout_eventually_completes"], 4)


def test_bmc_trace_decodes_the_chosen_values_replays_and_has_the_least_parameters() -> None:
    prop = BY_NAME["live_pods_within_surge"]
    result = bmc.decide(encoder(prop), prop, 8, timeout=120)
    assert result.verdict is Verdict.VIOLATED
    assert len(result.trace.steps) == 4  # the explicit search's depth at these values
    chosen = {n: getattr(result.trace.scope, n) for n in ALL}
    assert chosen["replicas"] == 1 and chosen["max_surge"].value == 0  # the least: 2 pods > 1 + 0
    syncs = [s.action.label for s in result.trace.steps if s.action.name.endswith("sync_replicaset")]
    assert syncs and all("from_ready=" in label for label in syncs)  # the decoded choice


def test_least_parameters_lowers_a_model_the_solver_chose_high() -> None:
    prop = BY_NAME["live_pods_within_surge"]
    e = encoder(prop)
    u = bmc.Unroller(e)
    bad = e.bad(prop, 4)
    params = list(e.param_terms(e.state(0)).values())
    assert u.check_at(z3.And(bad, params[0] >= 500), 4, None) == z3.sat
    high = u.solver.model()
    low = bmc.least_parameters(u, e, bad, 4, high, 60)
    assert low.eval(params[0]).as_long() < 500


def test_surge_bound_proved_for_all_values_at_small_by_its_stated_lemmas() -> None:
    prop = BY_NAME["replicas_within_surge"]
    e = encoder(prop, "linear")
    result = pdr.decide(e, prop, timeout=120)
    proof = result.evidence
    assert result.verdict is Verdict.PROVED, result.note
    assert proof.method == "stated" and proof.check.ok
    assert proof.scope_claim == "all values of replicas, max_surge, max_unavailable"
    assert (
        proof.lemmas[0]
        == "deployment.replicas_within_surge: rs_replicas[0] + rs_replicas[1] ≤ param.max_surge + replicas"
    )
    assert "¬paused" in proof.lemmas
    assert run_smtlib(proof.smtlib(e, prop)) == ["unsat", "unsat", "unsat"]


def test_stated_lemmas_are_not_trusted() -> None:
    prop = BY_NAME["replicas_within_surge"]

    def with_a_false_lemma(ops, sc, s):
        return [*prop.lemmas(ops, sc, s), s.rs_replicas[1] == 0]  # false once the rollout starts

    wrong = attrs.evolve(prop, lemmas=with_a_false_lemma)
    result = pdr.decide(encoder(wrong, "linear"), wrong, timeout=120)
    proof = result.evidence
    assert result.verdict is Verdict.PROVED and proof.method == "stated"
    assert "rs_replicas[1] = 0" not in " ".join(proof.lemmas)  # Houdini dropped it
    assert "7 of the 8 lemma(s)" in result.note

    # the same lemmas cannot prove a bound that does not hold: one below replicas + maxSurge
    def tighter(ops, sc, s):
        return d.spec_total(ops, s) <= s.replicas + d.max_surge(ops, sc, s) - 1

    too_tight = attrs.evolve(prop, name="deployment.replicas_within_surge_minus_one", predicate=tighter)
    result = pdr.decide(encoder(too_tight, "linear"), too_tight, timeout=120)
    proof = result.evidence
    assert result.verdict is Verdict.VIOLATED and proof is None


def test_the_acceptance_command_at_the_default_scope(tmp_path) -> None:
    cert = tmp_path / "surge.smt2"
    out = CliRunner().invoke(
        cli,
        [
            "check",
            "deployment",
            "deployment.replicas_within_surge",
            "--engine",
            "pdr",
            "--for-all",
            "replicas,max-surge,max-unavailable",
            "--certificate",
            str(cert),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "scope     small" in out.output
    assert "PROVED (all values of replicas, max_surge, max_unavailable)" in out.output
    assert (
        "re-checked by fresh solvers" in out.output
        and "initiation unsat, consecution (domain kept) unsat, safety unsat" in out.output
    )
    assert run_smtlib(cert.read_text()) == ["unsat", "unsat", "unsat"]


def test_pdr_sampling_finds_the_least_violation_the_grid_skips_without_compiling() -> None:
    """active_pods_within_surge breaks at replicas=1, maxSurge=0, maxUnavailable=1 (the new pod is created
    while the old one is still active), an instance the seeded grid leaves out: the least instances are
    explored too, by the reference interpreter, so the row names the least values, not replicas=2."""
    prop = BY_NAME["active_pods_within_surge"]
    e = encoder(prop, arith="linear")
    least = {"replicas": 1, "max_surge": 0, "max_unavailable": 1}
    assert least not in samples.grid_points(e) and least in samples.least_points(e)
    rows = samples.sample(e, prop, timeout=60)
    assert rows.decided_in == least and rows.decided_least
    assert rows.decided_compiled is None  # found by the reference interpreter: nothing compiled
    result = pdr.decide(e, prop, timeout=60)
    assert result.verdict is Verdict.VIOLATED, result.note
    assert (result.trace.scope.replicas, result.trace.scope.max_surge.value) == (1, 0)
    assert len(result.trace.steps) == 4  # the explicit search's depth at these values
    assert "the least values by their sum" in result.note


def test_the_least_instances_explored_only_to_decide_give_no_rows_for_lemma_discovery() -> None:
    """A property that holds: the instances explored only because their values are least are not rows
    (lemma discovery sees the seeded grid's instances, as before they were explored)."""
    prop = BY_NAME["replicas_within_surge"]
    e = encoder(prop, arith="linear")
    small = {"replicas": (0, 1), "max_surge": (0, 1), "max_unavailable": (0, 1)}
    rows = samples.sample(e, prop, grid=small, timeout=60)
    assert rows.decided_in is None and not rows.decided_least
    grid = samples.grid_points(e, small)
    assert {"replicas": 0, "max_surge": 2, "max_unavailable": 0} not in grid  # least, explored, no row
    assert rows.instances and all(v in grid for v in rows.instances)
    assert len(rows.instances) == 7  # the scope's own and the 8 points, less the two rejected (both bounds 0)
