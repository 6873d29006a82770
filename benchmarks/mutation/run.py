"""Mutation testing of the controller models (slow tier): mutmut over model/controllers/.

    .venv/bin/python benchmarks/mutation/run.py [--work build/mutation] [--jobs 1] [--fraction F]
                                                [--seed S] [--only NAME ...] [--names-file FILE]
                                                [--commit REV] [--no-pinned] [--list]

What it does, in a scratch tree (the checkout is never written):

1. copies the package folders (of the working tree, or of commit ``--commit REV`` through
   ``git archive``, so that edits in progress never reach a campaign) to
   ``WORK/tree/kubecheck/<package>`` — their import names.
   mutmut derives a mutant's module name from its path and puts its ``mutants/`` folder first on
   ``sys.path``; with this repository's package-dir layout (``model/`` is ``kubecheck.model``)
   the tests would otherwise import the unmutated checkout through the editable install;
2. lists every mutant mutmut generates for the files of ``config.toml`` ``[mutate]`` and keeps
   all of ``all`` and a seeded sample (``fraction``) of each ``sampled`` file. A file that
   existed at ``sample_commit`` keeps the sample drawn from its mutants at that commit (names
   number the mutants of a function, so the earlier campaigns' results stay comparable; a name
   that no longer exists is reported as gone); a newer file is drawn from today's mutants;
3. runs them with the behavioural test selection ``[tests] behavioural`` minus
   ``count_assertions`` (a mutated function gets the tests that called it in mutmut's stats run,
   widened for functions run at import time and for tests that share a cached result,
   ``cached_together``); each worker is forked from a server that has imported only third-party
   modules, so no test-level or model-level cache filled by an unmutated run leaks into a mutant;
4. runs the survivors again, in a second tree, with the pinned-count tests ``[tests] pinned``;
5. writes ``WORK/results.json`` (every mutant's status in both passes, the survivors' diffs) and
   prints the scores: killed / (mutants - equivalent), without and with the pinned counts.
   Equivalent mutants are listed with their argument in ``config.toml`` ``[equivalent]``.

Mutant names (``kubecheck.model.controllers.deployment_util.x_max_surge__mutmut_3``) number the
mutants of one function in order, so they are stable while that function's source is; ``mutmut
show NAME`` in ``WORK/tree`` prints a mutant's diff. Requires ``mutmut==3.8.1`` (an internal
function lists the mutants; see :func:`mutant_names`).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("config.toml")
PACKAGES = ("model", "checker", "properties", "manifest", "cli", "testing")
#: Files the tests read besides tests/ itself.
ALSO_COPY = ("examples", "pyproject.toml")
#: Imported once by mutmut's fork server; kubecheck itself is imported afresh by every worker.
PRELOAD = ("z3", "hypothesis", "hypothesis.strategies", "hypothesis.stateful", "attrs", "click", "yaml", "_pytest")
#: CPU seconds a mutant's tests may take: (their time in the stats run + constant) x multiplier x 2.
#: The constant covers the worker's own imports of kubecheck and the tests, which the stats miss.
TIMEOUTS = ("timeout_multiplier=3", "timeout_constant=30")
DETECTED = ("killed", "timeout", "segfault", "suspicious")


def load_config() -> dict[str, Any]:
    with CONFIG.open("rb") as f:
        return tomllib.load(f)


def source_root(work: Path, commit: str | None) -> Path:
    """The checkout (``commit`` None) or commit ``commit`` unpacked under ``work`` with ``git archive``."""
    if commit is None:
        return ROOT
    full = git("rev-parse", "--verify", f"{commit}^{{commit}}").strip()
    root = work / f"src-{full[:12]}"
    if not root.exists():
        scratch = work / f"src-{full[:12]}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", full], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)
        scratch.rename(root)
    return root


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout


def build_tree(tree: Path, selection: list[str], deselect: list[str], cfg: dict[str, Any], root: Path = ROOT) -> None:
    """A scratch copy of ``root`` laid out under import names, with mutmut's setup.cfg."""
    if tree.exists():
        shutil.rmtree(tree)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
    for package in PACKAGES:
        if (root / package).is_dir():
            shutil.copytree(root / package, tree / "kubecheck" / package, ignore=ignore)
    shutil.copytree(root / "tests", tree / "tests", ignore=ignore)
    for name in ALSO_COPY:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, tree / name)
    (tree / "preload.txt").write_text("\n".join(PRELOAD) + "\n")
    targets = cfg["mutate"]["all"] + cfg["mutate"]["sampled"]
    pytest_args = list(cfg["tests"]["pytest_args"]) + [f"--deselect={d}" for d in deselect]
    lines = [
        "[mutmut]",
        *TIMEOUTS,
        "source_paths=kubecheck/",
        "only_mutate=" + "\n    ".join("kubecheck/" + t for t in targets),
        "pytest_add_cli_args_test_selection=" + "\n    ".join(selection),
        "pytest_add_cli_args=" + "\n    ".join(pytest_args),
        "also_copy=" + "\n    ".join(ALSO_COPY),
        "process_isolation=forkserver",
        "forkserver_warmup=import",
        "preload_modules_file=preload.txt",
        "",
    ]
    (tree / "setup.cfg").write_text("\n".join(lines))


def set_timeouts(tree: Path) -> None:
    """Rewrite a tree's timeout settings (mutmut then re-runs only the mutants that timed out)."""
    lines = [line for line in (tree / "setup.cfg").read_text().splitlines() if not line.startswith("timeout_")]
    (tree / "setup.cfg").write_text("\n".join([lines[0], *TIMEOUTS, *lines[1:]]) + "\n")


def mutant_names(file: str, text: str | None = None) -> list[str]:
    """Every mutant mutmut generates for one file (``model/...``; its text at ``ROOT`` unless
    ``text`` is given), by name (mutmut's own generator)."""
    from mutmut.configuration import reset_config
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name

    relative = Path("kubecheck") / file
    # mutmut reads its settings (pragmas, patterns) from the working directory's setup.cfg and
    # refuses to guess where the code is: give it a minimal one in a scratch directory.
    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
        Path("setup.cfg").write_text("[mutmut]\nsource_paths=kubecheck/\n")
        reset_config()
        mutated = mutate_file_contents(str(relative), (ROOT / file).read_text() if text is None else text)
        reset_config()
    names = [get_mutant_name(relative, name) for name in mutated.mutant_names]
    return sorted(names, key=_natural)


def _natural(name: str) -> tuple[str, int]:
    head, _, number = name.rpartition("__mutmut_")
    return head, int(number)


def cached_names(file: str, text: str, cache: Path | None) -> list[str]:
    """:func:`mutant_names`, remembered in ``cache`` by the file's name and text (listing is slow)."""
    if cache is None:
        return mutant_names(file, text)
    key = hashlib.sha256(f"{file}\0{text}".encode()).hexdigest()[:20]
    path = cache / f"{key}.json"
    if path.exists():
        return list(json.loads(path.read_text()))
    names = mutant_names(file, text)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(names))
    return names


def file_at(commit: str, file: str) -> str | None:
    """``file``'s text at ``commit``, None where it did not exist yet."""
    out = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{file}"], capture_output=True, text=True)
    return out.stdout if out.returncode == 0 else None


def choose(
    cfg: dict[str, Any], fraction: float, seed: int, root: Path = ROOT, cache: Path | None = None
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The mutants to run, per file: all of ``all``, a seeded sample of ``sampled``; and the
    sampled names that no longer exist in ``root``'s copy of their file (gone).

    A file that existed at ``[mutate] sample_commit`` keeps the sample of its mutants at that
    commit (for ``all`` files: all of them then; mutants of functions added since are not in the
    sample); a newer file is sampled from its mutants in ``root``.
    """
    since = cfg["mutate"].get("sample_commit")
    chosen: dict[str, list[str]] = {}
    gone: dict[str, list[str]] = {}
    for file in cfg["mutate"]["all"] + cfg["mutate"]["sampled"]:
        today = cached_names(file, (root / file).read_text(), cache)
        then = None if since is None else file_at(since, file)
        names = today if then is None else cached_names(file, then, cache)
        if file not in cfg["mutate"]["all"]:
            rng = random.Random(f"{seed}:{file}")
            k = max(1, round(len(names) * fraction))
            names = sorted(rng.sample(names, k), key=_natural)
        present = set(today)
        chosen[file] = [n for n in names if n in present]
        gone[file] = [n for n in names if n not in present]
    return chosen, gone


def mutmut(tree: Path, args: list[str], budget: float | None = None) -> None:
    """``mutmut ARGS`` in ``tree``, stopped (its whole process group) after ``budget`` seconds."""
    command = [sys.executable, "-m", "mutmut", *args]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with (tree / "mutmut.log").open("a") as log:
        child = subprocess.Popen(
            command, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            child.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            print(f"  budget of {budget:.0f} s spent: mutants not run yet stay 'not checked'", flush=True)
            os.killpg(child.pid, signal.SIGTERM)
            child.wait()


def statuses(tree: Path) -> dict[str, str]:
    """Every mutant's status from mutmut's per-file records (``mutants/**/*.py.meta``)."""
    from mutmut.stats import status_by_exit_code

    found: dict[str, str] = {}
    for meta in sorted((tree / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        for name, code in data.get("exit_code_by_key", {}).items():
            found[name] = status_by_exit_code[code]
    return found


def forget(tree: Path, names: set[str]) -> int:
    """Mark ``names`` 'not checked' again in mutmut's records, so that a resumed pass runs them."""
    forgotten = 0
    for meta in sorted((tree / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        codes = data.get("exit_code_by_key", {})
        hit = [n for n in codes if n in names and codes[n] is not None]
        for n in hit:
            codes[n] = None
        if hit:
            meta.write_text(json.dumps(data, indent=4))
            forgotten += len(hit)
    return forgotten


def diff(tree: Path, name: str) -> str:
    out = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=tree, capture_output=True, text=True)
    return out.stdout


def widen_import_time_hits(tree: Path) -> int:
    """Give functions that run at import time every test that reaches their file.

    mutmut runs a mutant only with the tests that called its function during the stats run.
    A function called while the test modules are imported (a command table or state field
    built by a factory, a closure's maker) is recorded for the first test only, although every
    test of its model runs the closures it made. Such functions (their record holds the first
    test) get the union of the tests recorded for any function of the same file. Returns how
    many records grew.
    """
    path = tree / "mutants" / "mutmut-stats.json"
    stats = json.loads(path.read_text())
    tests_by_function: dict[str, list[str]] = stats["tests_by_mangled_function_name"]
    first = next(iter(stats["duration_by_test"]))

    def module(key: str) -> str:
        return key.rsplit(".", 1)[0]

    by_module: dict[str, set[str]] = {}
    for key, tests in tests_by_function.items():
        by_module.setdefault(module(key), set()).update(tests)
    grown = 0
    for key, tests in tests_by_function.items():
        if first in tests:
            wider = sorted(by_module[module(key)])
            grown += len(wider) > len(tests)
            tests_by_function[key] = wider
    path.write_text(json.dumps(stats, indent=4))
    return grown


def widen_cached_groups(tree: Path, prefixes: list[str]) -> int:
    """Give a function every test of a group that shares one cached computation.

    ``tests/behaviour/test_property_verdicts.py`` decides all properties of one case in one
    ``run.check`` and caches the verdicts: during the stats run only the case's first test calls
    the model, so mutmut records the model's functions for that test alone, and a mutant that
    breaks another property of the case is judged by a test that cannot see it (a rollout that
    never scales old ReplicaSets down "survived" on ``replicas_within_surge``). Test ids that
    start with one of ``prefixes`` ending in ``[`` are grouped by their parameter id up to its
    last ``-`` (the case); under any other prefix (a file whose tests share a ``functools.cache``d
    run or compilation) all tests form one group. A function recorded for one test of a group gets
    the whole group. Returns how many records grew.
    """
    path = tree / "mutants" / "mutmut-stats.json"
    stats = json.loads(path.read_text())
    tests_by_function: dict[str, list[str]] = stats["tests_by_mangled_function_name"]

    def group(test: str) -> str | None:
        for prefix in prefixes:
            if test.startswith(prefix):
                # "...::test_x[": one group per case (the parameter id up to its last "-");
                # otherwise every test under the prefix is one group (a file's shared cache).
                return test.rsplit("-", 1)[0] if prefix.endswith("[") else prefix
        return None

    members: dict[str, set[str]] = {}
    for test in stats["duration_by_test"]:
        key = group(test)
        if key is not None:
            members.setdefault(key, set()).add(test)
    grown = 0
    for function, tests in tests_by_function.items():
        wider = set(tests)
        for test in tests:
            key = group(test)
            if key is not None:
                wider |= members[key]
        if len(wider) > len(tests):
            grown += 1
            tests_by_function[function] = sorted(wider)
    path.write_text(json.dumps(stats, indent=4))
    return grown


def run_pass(
    tree: Path, names: list[str], jobs: int, resume: bool, budget: float | None, cached_together: list[str]
) -> dict[str, str]:
    """Run ``names`` in ``tree`` (after its stats run; when resuming, only those not run yet); their statuses."""
    started = time.monotonic()
    if not resume:
        mutmut(tree, ["run", "--max-children", str(jobs), names[0]])  # the stats run, and one mutant
        widened = widen_import_time_hits(tree)
        print(f"  stats: {widened} functions run at import time get their file's tests", flush=True)
    widened = widen_cached_groups(tree, cached_together)
    print(f"  stats: {widened} functions get every test of a cached group", flush=True)
    if not resume:
        todo = names
    else:
        found = statuses(tree)
        todo = [n for n in names if found.get(n, "not checked") == "not checked"]
    if todo:
        left = None if budget is None else max(1.0, budget - (time.monotonic() - started))
        mutmut(tree, ["run", "--max-children", str(jobs), *todo], left)
    print(f"  {len(names)} mutants in {time.monotonic() - started:.0f} s ({tree})", flush=True)
    found = statuses(tree)
    return {n: found.get(n, "not checked") for n in names}


def score(names: list[str], detected: set[str], equivalent: set[str]) -> tuple[int, int, float]:
    semantic = [n for n in names if n not in equivalent]
    killed = sum(n in detected for n in semantic)
    return killed, len(semantic), 100.0 * killed / max(1, len(semantic))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "mutation")
    parser.add_argument("--jobs", type=int, default=1, help="mutmut worker processes")
    parser.add_argument("--fraction", type=float, help="override config.toml [mutate] fraction")
    parser.add_argument("--seed", type=int, help="override config.toml [mutate] seed")
    parser.add_argument("--only", nargs="*", help="run only these mutant names (fnmatch patterns allowed)")
    parser.add_argument("--names-file", type=Path, help="run only the mutant names listed in this file (one a line)")
    parser.add_argument(
        "--commit", help="build the trees from this commit (git archive), not the working tree; --resume reuses it"
    )
    parser.add_argument("--no-pinned", action="store_true", help="skip the pinned-count pass")
    parser.add_argument("--list", action="store_true", help="print the chosen mutants and stop")
    parser.add_argument(
        "--resume", action="store_true", help="reuse WORK's trees and stats; run only mutants not run yet"
    )
    parser.add_argument("--budget-minutes", type=float, help="stop each pass after this long (the rest: 'not checked')")
    parser.add_argument(
        "--skip-behaviour", action="store_true", help="with --resume: read the behavioural pass, run none"
    )
    parser.add_argument(
        "--pinned-only",
        action="store_true",
        help="take the chosen mutants as survivors of an earlier behavioural pass (its tree gone) and run"
        " only the pinned-count pass on them",
    )
    parser.add_argument(
        "--rerun-survivors",
        action="store_true",
        help="with --resume: run the chosen mutants that survived again (after the selection changed)",
    )
    args = parser.parse_args()

    cfg = load_config()
    fraction = cfg["mutate"]["fraction"] if args.fraction is None else args.fraction
    seed = cfg["mutate"]["seed"] if args.seed is None else args.seed
    commit_file = args.work / "commit.txt"
    commit = args.commit
    if commit is None and args.resume and commit_file.exists():
        commit = commit_file.read_text().strip() or None
    args.work.mkdir(parents=True, exist_ok=True)
    root = source_root(args.work, commit)
    chosen, gone = choose(cfg, fraction, seed, root, args.work / "names")
    names = [n for file_names in chosen.values() for n in file_names]
    if args.only:
        from fnmatch import fnmatch

        names = [n for n in names if any(fnmatch(n, p) for p in args.only)]
    if args.names_file:
        listed = {line.strip() for line in args.names_file.read_text().splitlines() if line.strip()}
        names = [n for n in names if n in listed]
    if not names:
        print("no mutant chosen", file=sys.stderr)
        return 2
    if args.list:
        print("\n".join(names))
        return 0
    print(f"{len(names)} mutants chosen (fraction {fraction} of the sampled files, seed {seed})", flush=True)
    for file, lost in gone.items():
        if lost:
            print(f"  {file}: {len(lost)} sampled names no longer exist (not run): {' '.join(lost)}", flush=True)

    tests = cfg["tests"]
    behaviour_tree = args.work / "behaviour"
    resume = args.resume and behaviour_tree.exists()
    deselect = tests["count_assertions"] + tests.get("readings_agreement", [])
    if args.pinned_only:
        commit_file.write_text((git("rev-parse", commit) if commit else "") + "\n")
    elif not resume:
        build_tree(behaviour_tree, tests["behavioural"], deselect, cfg, root)
        commit_file.write_text((git("rev-parse", commit) if commit else "") + "\n")
    else:
        set_timeouts(behaviour_tree)
        if args.rerun_survivors:
            found = statuses(behaviour_tree)
            again = forget(behaviour_tree, {n for n in names if found.get(n) == "survived"})
            print(f"  {again} survivors will run again", flush=True)
    budget = None if args.budget_minutes is None else 60 * args.budget_minutes
    if args.pinned_only:
        # The behavioural results come from an earlier campaign's records (e.g. a names file of
        # its survivors): every chosen mutant counts as a survivor; no behavioural tree is built.
        first = dict.fromkeys(names, "survived")
    elif resume and args.skip_behaviour:
        found = statuses(behaviour_tree)
        first = {n: found.get(n, "not checked") for n in names}
    else:
        first = run_pass(behaviour_tree, names, args.jobs, resume, budget, tests.get("cached_together", []))
    unchecked = [n for n in names if first[n] == "not checked"]
    if unchecked:
        print(f"  {len(unchecked)} chosen mutants were not run (budget); they are left out of the scores", flush=True)
        names = [n for n in names if first[n] != "not checked"]
    survivors = [n for n in names if first[n] not in DETECTED]

    second: dict[str, str] = {}
    if survivors and not args.no_pinned:
        pinned_tree = args.work / "pinned"
        resume = args.resume and pinned_tree.exists()
        if not resume:
            build_tree(pinned_tree, tests["pinned"], [], cfg, root)
        second = run_pass(pinned_tree, survivors, args.jobs, resume, budget, tests.get("cached_together", []))

    equivalent = set(cfg.get("equivalent", {}))
    by_behaviour = {n for n in names if first[n] in DETECTED}
    by_pinned = {n for n in survivors if second.get(n) in DETECTED}
    results = {
        "commit": commit_file.read_text().strip() if commit_file.exists() else None,
        "fraction": fraction,
        "seed": seed,
        "not_run": unchecked,
        "gone": gone,
        "mutants": {n: {"behaviour": first[n], "pinned": second.get(n)} for n in names},
        "survivor_diffs": {n: diff(args.work / "pinned" if args.pinned_only else behaviour_tree, n) for n in survivors},
    }
    (args.work / "results.json").write_text(json.dumps(results, indent=1) + "\n")

    print(f"\n{'file':40s} {'mutants':>8s} {'behaviour':>10s} {'+pinned':>8s} {'alive':>6s} {'equiv':>6s}")
    for file, file_names in chosen.items():
        file_names = [n for n in file_names if first.get(n, "not checked") != "not checked"]
        if not file_names:
            continue
        b = sum(n in by_behaviour for n in file_names)
        p = sum(n in by_pinned for n in file_names)
        e = sum(n in equivalent for n in file_names)
        print(f"{file:40s} {len(file_names):8d} {b:10d} {p:8d} {len(file_names) - b - p:6d} {e:6d}")
    k, total, pct = score(names, by_behaviour, equivalent)
    print(f"\nscore without pinned counts: {k}/{total} = {pct:.1f} % of non-equivalent mutants")
    k, total, pct = score(names, by_behaviour | by_pinned, equivalent)
    print(f"score with pinned counts:    {k}/{total} = {pct:.1f} %")
    alive = [n for n in survivors if n not in by_pinned and n not in equivalent]
    print(f"alive and not argued equivalent: {len(alive)}")
    for n in alive:
        print("  " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
