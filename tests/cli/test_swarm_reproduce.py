"""The reproduce line of a swarm's trace keeps the flags that found it (an explicit search of the same
instance may never finish, which is why the swarm ran)."""

from __future__ import annotations

from cli_helpers import kubecheck, normalized


def test_the_reproduce_line_of_a_swarm_trace_runs_the_same_walks() -> None:
    result = kubecheck(
        "check", "deployment", "live_pods_within_surge", "--scope", "tiny", "--engine", "swarm", "--walks", "50"
    )
    assert result.exit_code == 12, result.output
    [line] = [x.strip() for x in result.stdout.splitlines() if x.strip().startswith("reproduce:")]
    assert line.endswith("--engine swarm --walks 50 --depth 200 --seed 0"), line
    again = kubecheck(*line.removeprefix("reproduce: kubecheck ").split())
    assert again.exit_code == 12 and normalized(again.stdout) == normalized(result.stdout)
