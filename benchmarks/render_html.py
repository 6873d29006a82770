"""Render the HTML report of manifests (the examples by default) and photograph it with headless Chromium.

    .venv/bin/python benchmarks/render_html.py                        # examples/ -> /tmp/kubecheck-report.{html,png}
    .venv/bin/python benchmarks/render_html.py examples/log-collector-daemonset.yaml --png /tmp/ds.png

The report is built the way ``kubecheck check -f`` builds it (:func:`kubecheck.manifest.check_manifests`,
auto engine, the default per-workload time) and rendered by :func:`kubecheck.cli.html_report.render`,
so the page is the one ``check -f … --format html --out report.html`` writes. The PNG is taken with
Debian's ``chromium`` (``apt-get install -y chromium``) with networking, sync and updates off, a
throw-away profile, and the window size given (``--window-size``: the screenshot is that window;
make it tall to see a whole page). The page loads nothing, so the picture is the page alone. The
script prints where it wrote both files, the exit code the report gives, and the size of the PNG;
it exits 2 when Chromium is missing (the HTML is still written).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kubecheck import manifest
from kubecheck.cli import html_report

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium(given: str | None) -> str | None:
    """The Chromium binary: the one given, else ``chromium`` / ``chromium-browser`` / ``google-chrome`` on PATH."""
    if given:
        return given
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def screenshot(binary: str, page: Path, png: Path, window: str) -> None:
    """A PNG of ``page`` as a ``window``-sized headless Chromium shows it (a fresh profile, nothing fetched)."""
    with tempfile.TemporaryDirectory(prefix="kubecheck-chromium-") as profile:
        args = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}"]
        args += [f"--window-size={window}", page.resolve().as_uri()]
        subprocess.run(args, check=True, timeout=180, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    examples = os.path.relpath(ROOT / "examples")  # "examples" from the checkout: the page's heading names it so
    parser.add_argument("sources", nargs="*", default=[examples], help="manifest files or directories")
    parser.add_argument("--html", type=Path, default=Path("/tmp/kubecheck-report.html"))
    parser.add_argument("--png", type=Path, default=Path("/tmp/kubecheck-report.png"))
    parser.add_argument("--window-size", default="1400,2000", help="WIDTH,HEIGHT of the screenshot")
    parser.add_argument("--chromium", help="the Chromium binary (default: chromium on PATH)")
    parser.add_argument("--verbose", action="store_true", help="the witness traces too (as check -f -v)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    report = manifest.check_manifests(args.sources, verbose=args.verbose)
    args.html.write_text(html_report.render(report), encoding="utf-8")
    print(
        f"{args.html}: report of {' '.join(args.sources)} (exit {report.exit_code}, "
        f"{time.perf_counter() - started:.1f} s)"
    )
    binary = chromium(args.chromium)
    if binary is None:
        print("no Chromium on PATH: apt-get install -y chromium (or --chromium PATH)", file=sys.stderr)
        return 2
    screenshot(binary, args.html, args.png, args.window_size)
    print(f"{args.png}: {args.png.stat().st_size:,} bytes ({args.window_size} window)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
