"""Shared test configuration: the hypothesis profiles.

* ``default`` — fast, for a developer's edit-test loop (the whole suite in a few minutes);
* ``ci`` — thorough, for CI (``.ci/run`` sets ``HYPOTHESIS_PROFILE=ci``): five times the
  examples and longer state-machine runs, derandomized so that a CI verdict is reproducible
  (the default profile stays random, so developers' runs keep finding new examples).

``HYPOTHESIS_PROFILE`` picks the profile; unknown names fail loudly (hypothesis raises).
Neither profile has a deadline: model evaluation time varies with the scope, and timing is
the benchmarks' business, not the tests'. Neither writes an example database into the
checkout, so a run never depends on what an earlier run found.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=100,
    stateful_step_count=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# --- the two tiers ----------------------------------------------------------------------------
#
# ``python -m pytest`` runs the fast tier: every test except the slow ones listed in
# tests/slow_tests.txt (measured and written by benchmarks/test_tiers.py), which are marked
# ``slow`` and deselected. ``--thorough`` (what .ci/run passes) runs them too; an explicit ``-m``
# expression decides by itself (``-m slow`` runs only them).

SLOW_LIST = Path(__file__).with_name("slow_tests.txt")


def _slow_ids() -> tuple[str, ...]:
    out = []
    for line in SLOW_LIST.read_text().splitlines():
        entry = line.split("  #", 1)[0].strip()
        if entry and not entry.startswith("#"):
            out.append(entry)
    return tuple(out)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--thorough",
        action="store_true",
        help="run the slow tier too (tests/slow_tests.txt); .ci/run passes it",
    )


def _is_slow(nodeid: str, slow: tuple[str, ...]) -> bool:
    return any(nodeid == s or nodeid.startswith(s + "::") or nodeid.startswith(s + "[") for s in slow)


MINUTES_LIST = Path(__file__).with_name("minutes_tests.txt")


def _ids(path: Path) -> tuple[str, ...]:
    out = []
    for line in path.read_text().splitlines():
        entry = line.split("  #", 1)[0].strip()
        if entry and not entry.startswith("#"):
            out.append(entry)
    return tuple(out)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = _slow_ids()
    minutes = _ids(MINUTES_LIST) if not os.environ.get("KUBECHECK_SLOW") else ()
    for item in items:
        if _is_slow(item.nodeid, slow):
            item.add_marker(pytest.mark.slow)
        if _is_slow(item.nodeid, minutes):
            item.add_marker(pytest.mark.skip(reason="minutes; set KUBECHECK_SLOW=1"))
    if config.getoption("--thorough") or config.getoption("markexpr"):
        return
    keep = [i for i in items if i.get_closest_marker("slow") is None]
    dropped = [i for i in items if i.get_closest_marker("slow") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_report_header(config: pytest.Config) -> str:
    if config.getoption("--thorough"):
        return "tier: thorough (the slow tests too)"
    if config.getoption("markexpr"):
        return f"tier: -m {config.getoption('markexpr')!r}"
    return "tier: fast (the slow tests of tests/slow_tests.txt are deselected; --thorough runs them)"
