"""Shared option decorators: each adds a group of click options and hands the command one typed value.

A decorator adds its options (in the order ``--help`` shows them) and wraps the command so that
the group arrives as one value instead of several keyword arguments::

    manifest_options  -f/--filename, --nodes, --strict, --verbose  -> manifests: ManifestRequest
    scope_options     --scope, --set, --faults                      -> scope: ScopeRequest
    budget_options    --max-states, --timeout                       -> budget: checker.task.Budget
    engine_options    --engine, --for-all, --depth, --certificate   -> engine: EngineRequest
    output_options    --format, --out[, --quiet]                    -> output: cli.output.Output
    ray_option        --ray [ADDRESS]                               -> ray_address: str | None

A new command takes the groups it needs; a new option of a group reaches every command that
takes the group.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import click

from kubecheck.checker.task import ENGINES, Budget
from kubecheck.cli.output import Output
from kubecheck.manifest.objects import ACCESS_MODES
from kubecheck.manifest.scenarios import NAMES as SCENARIO_NAMES
from kubecheck.manifest.validation import VALIDATE_MODES

F = TypeVar("F", bound=Callable[..., Any])

#: Output formats of every command; ``check -f`` adds ``junit``, ``sarif``, ``github`` and ``html``
#: (reports of manifests: ``check MODEL`` refuses them).
FORMATS = ("text", "json", "itf")
MANIFEST_FORMATS = ("junit", "sarif", "github", "html")
CHECK_FORMATS = (*FORMATS, *MANIFEST_FORMATS)


@attrs.frozen
class ManifestRequest:
    """``check -f``: the manifests (files, directories, ``-`` for stdin) and how to read them."""

    files: tuple[str, ...] = ()
    nodes: int | None = None
    strict: bool = False
    verbose: bool = False
    assume_access_mode: str | None = None  # --assume-access-mode: for claims whose access mode the input does not give
    validate: str = "strict"  # --validate: unknown fields refuse the document (strict), are told (warn) or not (ignore)
    jobs: int = 1  # --jobs: workloads checked at once, each in its own process
    fixes: bool = False  # --suggest-fixes: the nearest configuration under which each violation holds
    scenario: str = ""  # --scenario: drain, node-upgrade, revert, … (manifest/scenarios.py)


@attrs.frozen
class ScopeRequest:
    """``--scope PRESET``, the ``--set NAME=VALUE`` pairs and ``--faults`` (None: not given)."""

    preset: str = "small"
    pairs: tuple[str, ...] = ()
    faults: str | None = None


@attrs.frozen
class EngineRequest:
    """``--engine``, ``--for-all`` (as typed), ``--depth`` and ``--certificate FILE``."""

    engine: str = "explicit"
    for_all: str | None = None
    depth: int | None = None
    certificate: str | None = None
    walks: int | None = None  # --walks (swarm)
    seed: int = 0  # --seed (swarm)


def _grouped(
    options: list[Callable[[F], F]], name: str, build: Callable[[dict[str, Any]], object], keys: tuple[str, ...]
) -> Callable[[F], F]:
    """A decorator adding ``options`` whose values ``keys`` reach the command as ``name=build(values)``."""

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def command(*args: Any, **kwargs: Any) -> Any:
            values = {key: kwargs.pop(key) for key in keys}
            return f(*args, **kwargs, **{name: build(values)})

        for option in reversed(options):
            command = option(command)
        return command  # type: ignore[return-value]

    return decorate


manifest_options = _grouped(
    [
        click.option(
            "-f",
            "--filename",
            "files",
            multiple=True,
            metavar="FILE|DIR|-",
            help="check Kubernetes manifests instead of a built-in model (files, directories, - for stdin)",
        ),
        click.option(
            "--nodes",
            type=click.IntRange(1, 64),
            metavar="N",
            help="with -f: cluster nodes for StatefulSets/DaemonSets",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="count vacuous verdicts (the behaviour a property constrains never happened: exit 14); with -f "
            "also violations of properties upstream does not guarantee",
        ),
        click.option(
            "--verbose", "-v", is_flag=True, help="with -f: unknown fields, properties not checked, witness traces"
        ),
        click.option(
            "--assume-access-mode",
            type=click.Choice(ACCESS_MODES),
            metavar="MODE",
            help="with -f: the access mode of a claim the manifests do not define (default: check every mode; "
            "the row names the assumption)",
        ),
        click.option(
            "--validate",
            type=click.Choice(VALIDATE_MODES),
            default="strict",
            show_default=True,
            help="with -f: an unknown field refuses its document, as kubectl apply (strict), "
            "is told on stderr and dropped (warn), or dropped (ignore)",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(1, 64),
            default=1,
            show_default=True,
            metavar="N",
            help="with -f: check N workloads at once, each in its own process (the report is the same)",
        ),
        click.option(
            "--suggest-fixes",
            "fixes",
            is_flag=True,
            help="with -f: for each violation, search the nearest settings (strategy, maxSurge, maxUnavailable, "
            "partition, replicas…) under which it holds, re-check them, and print the kubectl patch",
        ),
        click.option(
            "--scenario",
            type=click.Choice(SCENARIO_NAMES),
            metavar="NAME",
            help="with -f: put the workloads in a scenario and check the properties that speak about it: "
            + ", ".join(SCENARIO_NAMES)
            + " (kubecheck help scenarios)",
        ),
    ],
    "manifests",
    lambda v: ManifestRequest(
        tuple(v["files"]),
        v["nodes"],
        v["strict"],
        v["verbose"],
        v["assume_access_mode"],
        v["validate"],
        v["jobs"],
        v["fixes"],
        v["scenario"] or "",
    ),
    ("files", "nodes", "strict", "verbose", "assume_access_mode", "validate", "jobs", "fixes", "scenario"),
)

scope_options = _grouped(
    [
        click.option(
            "--scope",
            "preset",
            default="small",
            show_default=True,
            metavar="PRESET",
            help="without -f: named scope preset (kubecheck list shows them)",
        ),
        click.option(
            "--set", "pairs", multiple=True, metavar="NAME=VALUE", help="without -f: set a scope parameter (repeatable)"
        ),
        click.option(
            "--faults",
            metavar="crash,evict|none",
            help="faults that may happen (same as --set faults=…); with -f, also check the properties that assume them",
        ),
    ],
    "scope",
    lambda v: ScopeRequest(v["preset"], tuple(v["pairs"]), v["faults"]),
    ("preset", "pairs", "faults"),
)

budget_options = _grouped(
    [
        click.option(
            "--max-states", type=click.IntRange(min=1), metavar="N", help="stop after N distinct states (INCONCLUSIVE)"
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            metavar="SECONDS",
            help="stop the whole run after SECONDS (what is undecided is INCONCLUSIVE)",
        ),
        click.option(
            "--workers",
            type=click.IntRange(1, 64),
            default=1,
            show_default=True,
            metavar="N",
            help="explicit safety search: processes sharing the search (states partitioned by hash; same counts "
            "and verdicts, a shortest trace of the same length); swarm: processes sharing the walks",
        ),
    ],
    "budget",
    lambda v: Budget(v["max_states"], v["timeout"], v["workers"]),
    ("max_states", "timeout", "workers"),
)

engine_options = _grouped(
    [
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default="explicit",
            show_default=True,
            help="explicit search, bmc, kind (k-induction), pdr (IC3/PDR), auto (what fits; it says what it ran), "
            "or swarm (seeded random walks: finds violations at sizes exhaustive search cannot finish, never HOLDS)",
        ),
        click.option(
            "--for-all",
            "for_all",
            metavar="NAME[=LO..HI],...",
            help="without -f: leave these parameters symbolic (e.g. replicas): a proof then holds for every value "
            "(in LO..HI if given; a model that cannot leave one open checks each value of the range)",
        ),
        click.option(
            "--depth",
            type=click.IntRange(min=1),
            metavar="N",
            help="without -f: bound of bmc / kind / each swarm walk (default 30 / 5 / 200)",
        ),
        click.option(
            "--walks",
            type=click.IntRange(min=1),
            metavar="N",
            help="without -f, with --engine swarm: how many random walks (default 1000)",
        ),
        click.option(
            "--seed",
            type=click.IntRange(min=0),
            default=0,
            show_default=True,
            metavar="N",
            help="without -f, with --engine swarm: the seed (walk i of seed s is the same on every run)",
        ),
        click.option(
            "--certificate",
            metavar="FILE",
            help="without -f: write each proof's invariant and its three checks as SMT-LIB 2 "
            "(re-runnable with any SMT solver)",
        ),
    ],
    "engine",
    lambda v: EngineRequest(v["engine"], v["for_all"], v["depth"], v["certificate"], v["walks"], v["seed"]),
    ("engine", "for_all", "depth", "certificate", "walks", "seed"),
)


def output_options(formats: tuple[str, ...], help: str, quiet: bool = True) -> Callable[[F], F]:
    """``--format`` (one of ``formats``), ``--out FILE`` and, when ``quiet``, ``--quiet``/``-q``."""
    options: list[Callable[[F], F]] = [
        click.option("--format", "fmt", type=click.Choice(formats), default="text", show_default=True, help=help),
        click.option("--out", metavar="FILE", help="write to FILE instead of standard output"),
    ]
    keys: tuple[str, ...] = ("fmt", "out")
    if quiet:
        options.append(click.option("--quiet", "-q", is_flag=True, help="no progress line and no messages on stderr"))
        keys += ("quiet",)
    return _grouped(options, "output", lambda v: Output(v["fmt"], v["out"], v.get("quiet", False)), keys)


#: ``--ray`` given without an ADDRESS: a local Ray head, in a private network namespace.
RAY_LOCAL = "local"

ray_option = click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value=RAY_LOCAL,
    default=None,
    metavar="[ADDRESS]",
    help="run on Ray (pip install 'kubecheck[ray]'): with -f, the workloads as Ray tasks (--jobs: tasks in flight, "
    "default the cluster's CPUs); without -f, the --workers partitions of the explicit safety search as Ray actors "
    "(liveness stays in this process), or the swarm's --workers shares of walks as Ray tasks. "
    "ADDRESS (host:port or ray://host:port; give --ray last or as --ray=ADDRESS) "
    "is your running cluster; without it a local head starts in a private network namespace (only loopback) "
    "and stops at exit",
)
