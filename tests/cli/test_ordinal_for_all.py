"""``--engine pdr`` (or ``kind``) with ``--for-all replicas`` on the StatefulSet: the ordinal reading runs,
and the row says so (issue 15, acceptance: PROVED for every replica count, the argument named).

The exact output is pinned in ``tests/cli/expected/statefulset_ordinal_pdr.txt`` (seconds replaced).
"""

from __future__ import annotations

from cli_helpers import assert_expected, kubecheck, normalized

ACCEPTANCE = (
    "check",
    "statefulset",
    "statefulset.pods_created_in_ordinal_order",
    "--engine",
    "pdr",
    "--for-all",
    "replicas",
)


def test_pdr_for_every_replica_count_proves_ordinal_order_by_the_ordinal_reading_and_names_it():
    result = kubecheck(*ACCEPTANCE)
    assert result.exit_code == 0, result.output
    assert_expected("statefulset_ordinal_pdr.txt", normalized(result.stdout))
    row = next(line for line in result.stdout.splitlines() if line.startswith("pods_created_in_ordinal_order "))
    assert row.split()[1:3] == ["PROVED", "ordinal"] and "all replicas 1.." in row  # a pod creation: not vacuous
    assert "--engine pdr with --for-all replicas runs the ordinal reading" in result.stdout
    assert "papers/statefulset-every-size.md" in result.stdout


def test_certificate_of_the_ordinal_proof_is_written_and_every_query_is_unsat_again(tmp_path) -> None:
    """--certificate on the acceptance command: the ordinal reading's queries as one SMT-LIB file,
    answered again by a fresh z3 (checker.certify.run_smtlib)."""
    from kubecheck.checker.certify import run_smtlib

    out = tmp_path / "order.smt2"
    result = kubecheck(
        "check", "statefulset", "statefulset.pods_created_in_ordinal_order", "--engine", "pdr", "--for-all",
        "replicas", "--certificate", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.count("(check-sat)") > 0
    assert set(run_smtlib(text)) == {"unsat"}
