"""Measure every test and write the slow tier: ``tests/slow_tests.txt``.

    python benchmarks/test_tiers.py                 # run the whole suite once (--thorough), rewrite the list
    python benchmarks/test_tiers.py --threshold 1.5 # another cut (seconds of a test's call)
    python benchmarks/test_tiers.py --from FILE     # re-cut from a saved ``pytest --durations=0`` output
    python benchmarks/test_tiers.py --from FILE --merge  # FILE timed the fast tier only: add its slow tests

The README's test command (``python -m pytest``) runs the *fast tier*: every test except those
listed in ``tests/slow_tests.txt``, which ``tests/conftest.py`` marks ``slow`` and deselects
unless ``--thorough`` (what ``.ci/run`` passes) or an explicit ``-m`` is given. A test is slow
when its call took more than ``--threshold`` seconds in this measurement, under the default
hypothesis profile (the fast tier's). The list records the date, the machine's load average and
each test's seconds, so a later cut can be compared; the figures are measurements of one run
on a shared machine, not limits (no test asserts a time).

Node ids are written as pytest prints them; a parametrized id whose parameters contain spaces
is kept whole. Files under ``tests/`` whose every test is slow are written as one line (the
file's path), which also covers tests added to them later.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "slow_tests.txt"
LINE = re.compile(r"^(?P<secs>[\d.]+)s (?P<phase>call|setup|teardown)\s+(?P<id>.+?)\s*$")
COUNTS = re.compile(r"(\d+) (passed|failed|skipped|deselected|xfailed|xpassed|errors?)")


def measure(log: Path) -> None:
    """Run the whole suite once with per-test durations into ``log`` (default hypothesis profile)."""
    env = dict(os.environ)
    env.pop("HYPOTHESIS_PROFILE", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--thorough", "--durations=0"]
    with log.open("w") as out:
        subprocess.run(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)


def durations(log: Path) -> dict[str, float]:
    """Seconds per test id (setup + call + teardown) from a ``--durations=0`` output."""
    secs: dict[str, float] = collections.defaultdict(float)
    for line in log.read_text().splitlines():
        m = LINE.match(line)
        if m:
            secs[m["id"]] += float(m["secs"])
    return dict(secs)


def collected() -> dict[str, int]:
    """Tests per file, from the ``--collect-only -q`` listing of the suite."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "--thorough", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    per_file: collections.Counter[str] = collections.Counter()
    for line in out.splitlines():
        if "::" in line:
            per_file[line.split("::", 1)[0]] += 1
    return dict(per_file)


def listed() -> dict[str, float]:
    """The slow list as it is: {node id or file: measured seconds}."""
    out = {}
    for line in OUT.read_text().splitlines():
        entry, _, secs = line.partition("  # ")
        if entry.strip() and not entry.startswith("#"):
            out[entry.strip()] = float(secs or 0)
    return out


def write(secs: dict[str, float], threshold: float, merge: bool = False) -> tuple[int, float, float]:
    """Write the slow list; (lines, seconds in the slow tier, seconds left in the fast tier).

    ``merge``: ``secs`` timed the fast tier only (the listed tests did not run): keep the list and add to it."""
    slow = {t: s for t, s in secs.items() if s > threshold}
    if merge:
        slow = {**listed(), **slow}
    per_file = collected()
    slow_per_file = collections.Counter(t.split("::", 1)[0] for t in slow)
    whole = {f for f, n in slow_per_file.items() if n == per_file.get(f, -1)}
    load = os.getloadavg()
    lines = [
        "# The slow tier: tests/conftest.py marks these `slow`; `pytest` deselects them, `--thorough` runs them.",
        f"# Written by benchmarks/test_tiers.py on {datetime.date.today()} (threshold {threshold} s per test,",
        f"# default hypothesis profile, {os.cpu_count()} cores, load average at the end {load[0]:.1f}).",
        "# A line is a node id or a file; the figure after # is the measured seconds.",
    ]
    for f in sorted(whole):
        total = sum(s for t, s in slow.items() if t.startswith(f + "::"))
        lines.append(f"{f}  # {total:.1f}")
    for t in sorted(slow):
        if t.split("::", 1)[0] not in whole:
            lines.append(f"{t}  # {slow[t]:.1f}")
    OUT.write_text("\n".join(lines) + "\n")
    slow_secs = sum(slow.values())
    fast_secs = sum(s for t, s in secs.items() if t not in slow)
    return len(lines) - 4, slow_secs, fast_secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threshold", type=float, default=1.5, help="seconds above which a test is slow (1.5)")
    ap.add_argument("--from", dest="log", type=Path, help="a saved `pytest --durations=0` output to cut")
    ap.add_argument("--merge", action="store_true", help="the output timed the fast tier only: add to the list")
    args = ap.parse_args()
    log = args.log
    if log is None:
        log = Path(tempfile.mkdtemp()) / "durations.txt"
        print(f"running the whole suite once (--thorough, --durations=0) into {log} …", file=sys.stderr)
        measure(log)
    secs = durations(log)
    if not secs:
        sys.exit(f"{log}: no `--durations=0` lines found")
    n, slow, fast = write(secs, args.threshold, args.merge)
    summary = " ".join(f"{c} {w}" for c, w in COUNTS.findall(log.read_text().splitlines()[-1]))
    print(
        f"{OUT.relative_to(ROOT)}: {n} lines; slow tier {slow:.0f} s, fast tier {fast:.0f} s of test time ({summary})"
    )


if __name__ == "__main__":
    main()
