"""``kubecheck help``: the topics, ``help verdicts`` (every verdict, mark and exit code), bad topics."""

from __future__ import annotations

from cli_helpers import kubecheck, one_error_line

from kubecheck.checker.result import Verdict
from kubecheck.cli.help_command import VERDICTS


def test_help_verdicts_prints_the_verdicts_text():
    result = kubecheck("help", "verdicts")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == VERDICTS


def test_help_verdicts_explains_every_verdict_the_checker_returns_and_n_a():
    lines = kubecheck("help", "verdicts").stdout.splitlines()
    terms = [line.split()[0] for line in lines if line.startswith("  ") and not line.startswith("   ")]
    assert [t for t in terms if t.isupper() and not t.isdigit()] == [v.value for v in Verdict] + ["N/A"]
    assert "  *             caveat: a property Kubernetes does not guarantee upstream, shown so you see" in lines
    assert "  strong fairness" in lines


def test_help_verdicts_lists_every_exit_code_once():
    out = kubecheck("help", "verdicts").stdout
    codes = out.split("Exit codes (the worst result decides)\n\n", 1)[1].splitlines()
    assert [line.split()[0] for line in codes] == ["0", "1", "2", "3", "10", "12", "13", "14"]
    assert "  3   replay: the trace does not reproduce (one line says what differs)" in codes
    fourteen = "  14  a witness is unreachable (with -f only under --strict, else N/A), or a vacuous verdict under "
    fourteen += "--strict"
    assert fourteen in codes


def test_help_verdicts_says_n_a_and_the_caveat_count_only_with_strict():
    out = " ".join(kubecheck("help", "verdicts").stdout.split())
    assert "a witness the manifest's own configuration cannot reach" in out
    assert "It fails the run (exit 14) only with --strict." in out
    assert "Its violations count in the exit code only with --strict." in out


def test_help_without_a_topic_lists_the_topics():
    result = kubecheck("help")
    assert result.exit_code == 0
    assert result.stdout == "Topics (kubecheck help TOPIC):\n  verdicts\n  scenarios\n"


def test_help_of_an_unknown_topic_is_one_line_and_exit_2():
    result = kubecheck("help", "verdict")
    assert result.exit_code == 2
    assert one_error_line(result) == "help: unknown topic 'verdict'; topics: verdicts, scenarios"


def test_help_is_a_command_of_the_group():
    out = kubecheck("--help").stdout
    assert "  help         Explain the terms of a report: kubecheck help verdicts.\n" in out


def test_check_help_points_to_help_verdicts():
    out = " ".join(kubecheck("check", "--help").stdout.split())
    assert "1 (an internal error, or the output could not be written). kubecheck help verdicts explains them." in out


def test_a_check_model_report_explains_once_the_terms_it_uses_as_help_verdicts_does():
    from kubecheck.cli.help_command import FOOTER_END, term

    out = kubecheck("check", "deployment", "rollout_can_complete", "replicas_within_surge", "--scope", "tiny").stdout
    assert out.count("WITNESSED: ") == 1 and f"WITNESSED: {term('WITNESSED')}" in " ".join(out.split())
    assert f"\n{FOOTER_END}\n\nsummary: " in out
    for unused in ("UNREACHABLE: ", "INCONCLUSIVE: ", "strong fairness: "):
        assert unused not in out
    held = kubecheck("check", "deployment", "replicas_within_surge", "--scope", "tiny").stdout
    assert FOOTER_END not in held  # nothing to explain: no footer


def test_footer_terms_are_said_as_help_verdicts_says_them():
    from kubecheck.cli.help_command import MARK_TERMS, VERDICT_TERMS, term

    verdicts = " ".join(kubecheck("help", "verdicts").stdout.split())
    for name, _, _ in VERDICT_TERMS + MARK_TERMS:
        assert term(name).rstrip(".") in verdicts, name


def test_help_scenarios_lists_every_scenario_with_its_settings_per_model():
    from kubecheck.manifest.scenarios import SCENARIOS

    result = kubecheck("help", "scenarios")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    for row in SCENARIOS:
        assert any(line.startswith(f"  {row.name} ") and row.description in line for line in lines)
    assert "deployment: nodes=2 scenario=drain" in [line.strip() for line in lines]


def test_check_f_refuses_an_unknown_scenario_with_exit_2_naming_the_choices():
    result = kubecheck("check", "-f", "examples/web-deployment.yaml", "--scenario", "drian")
    assert result.exit_code == 2
    assert result.stdout == "" and result.stderr.splitlines()[-1].startswith(
        "Error: Invalid value for '--scenario': 'drian' is not one of 'revert', 'revert-only', "
    )


def test_scenario_goes_with_f_only():
    result = kubecheck("check", "deployment", "--scenario", "drain")
    assert result.exit_code == 2
    said = one_error_line(result)
    assert said.endswith("--scenario goes with -f manifests, not with check MODEL (which would ignore it)")
