"""The engine cross-checks shared by the workload models.

Explicit search, k-induction, BMC and PDR compared on a catalog model's safety properties
(``always``/``step``), each in the scope the property adjusts the preset to. Plain functions
over the model's catalog name: the per-model files (``test_crosscheck_statefulset.py``,
``test_crosscheck_daemonset.py``) keep their tables, pins, skip markers and parametrization,
and call :func:`check_kinduction`, :func:`check_bmc` and :func:`check_pdr` with them.

The engines are compared as such (``strengthen=False``): their lemma discovery samples states
by explicit search, which would make the comparison circular.

The test files register this module for pytest's assertion rewriting before importing it, so
a failing assert here reports its operands as it would in a test file.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Iterable

import pytest

from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import bmc, kinduction, pdr
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.properties import catalog

IS_SLOW = bool(os.environ.get("KUBECHECK_SLOW"))
SLOW = pytest.mark.skipif(not IS_SLOW, reason="minutes; set KUBECHECK_SLOW=1")
POSITIVE = {Verdict.HOLDS, Verdict.PROVED}
#: BMC on a property that holds goes this deep (instead of to the diameter) where a test asks for no full depth.
DEFAULT_BMC_DEPTH = 5
KIND_DEPTH = {"tiny": 1, "small": 4}


def safety(workload: str) -> list[str]:
    """The short names of the model's safety properties, in catalog order."""
    return [p.short for p in catalog.properties(workload) if p.kind in ("always", "step")]


def cases(names: Iterable[str], preset: str, slow: Collection[tuple[str, str]] = frozenset()) -> list:
    """``(preset, name)`` for each name: behind :data:`SLOW` if listed in ``slow`` or if the preset is not ``tiny``."""
    return [
        pytest.param(preset, n, marks=SLOW) if (preset, n) in slow or preset != "tiny" else (preset, n) for n in names
    ]


def prop(workload: str, name: str):
    return catalog.properties(workload, [name])[0]


def scope(workload: str, name: str, preset: str):
    return prop(workload, name).adjust(catalog.model(workload).presets[preset])


def encoder(workload: str, name: str, preset: str, **kwargs) -> Encoder:
    return Encoder(catalog.model(workload), scope(workload, name, preset), **kwargs)


@functools.cache
def bfs(workload: str, name: str, preset: str):
    """Breadth-first search (stops at the first counterexample: the shortest one)."""
    [result] = explicit.explore(
        catalog.model(workload), scope(workload, name, preset), [prop(workload, name)], stop_when_decided=True
    )
    assert result.verdict in (Verdict.HOLDS, Verdict.VIOLATED), result
    return result


def assert_agrees(expected, got) -> None:
    assert got.verdict is Verdict.INCONCLUSIVE or (got.verdict in POSITIVE) == (expected.verdict in POSITIVE), (
        f"{got.engine} says {got.verdict.value}, explicit search {expected.verdict.value}: {got.note}"
    )


def check_kinduction(workload: str, preset: str, name: str, one_inductive: Collection[str] | None = None) -> None:
    """k-induction (k = :data:`KIND_DEPTH`) never contradicts explicit search; a base-case
    counterexample is a shortest one.

    ``one_inductive``, if given, pins at ``tiny`` exactly which properties k = 1 proves.
    """
    expected = bfs(workload, name, preset)
    got = kinduction.decide(
        encoder(workload, name, preset), prop(workload, name), KIND_DEPTH[preset], timeout=120, strengthen=False
    )
    assert_agrees(expected, got)
    if got.verdict is Verdict.VIOLATED:  # a base-case counterexample is a shortest one too
        assert len(got.trace.steps) == len(expected.trace.steps)
    if one_inductive is not None and preset == "tiny":
        assert (got.verdict is Verdict.PROVED and got.stats.depth == 1) == (name in one_inductive), got.note


def check_bmc(workload: str, preset: str, name: str, *, full_depth: bool, may_time_out: bool) -> None:
    """A counterexample: BMC's first is as long as BFS's (and breaks the property for the interpreter too).

    None: BMC finds none up to the diameter (``full_depth``) or to :data:`DEFAULT_BMC_DEPTH`; it must
    reach that bound within 600 s, or, where it ``may_time_out`` (unsatisfiable unrollings stall past
    depth ~20), say INCONCLUSIVE within 120 s.
    """
    expected = bfs(workload, name, preset)
    if expected.verdict is Verdict.VIOLATED:
        depth = len(expected.trace.steps)
    else:
        depth = expected.stats.depth if full_depth else min(expected.stats.depth, DEFAULT_BMC_DEPTH)
    got = bmc.decide(encoder(workload, name, preset), prop(workload, name), depth, timeout=120 if may_time_out else 600)
    if expected.verdict is Verdict.VIOLATED:
        assert got.verdict is Verdict.VIOLATED, got.note
        assert len(got.trace.steps) == depth
        [again] = explicit.explore(
            catalog.model(workload), got.trace.scope, [prop(workload, name)]
        )  # the certified trace
        assert again.verdict is Verdict.VIOLATED
    elif not may_time_out:
        assert got.verdict is Verdict.INCONCLUSIVE and got.stats.stop_reason == "bound", got.note
    else:  # a timeout is no contradiction
        assert got.verdict is Verdict.INCONCLUSIVE, got.note


def check_pdr(workload: str, preset: str, name: str, *, may_time_out: bool = False) -> None:
    """PDR gives the explicit verdict within 600 s (or, where it ``may_time_out``, possibly INCONCLUSIVE at 120 s).

    A proof re-checks and claims this instance; a counterexample is a shortest one (PDR's trace comes
    from shortest-first BMC).
    """
    expected = bfs(workload, name, preset)
    got = pdr.decide(
        encoder(workload, name, preset, arith="linear"),
        prop(workload, name),
        timeout=120 if may_time_out else 600,
        strengthen=False,
    )
    proof = got.evidence
    assert_agrees(expected, got)
    if not may_time_out:
        assert got.verdict is not Verdict.INCONCLUSIVE, got.note
    if got.verdict is Verdict.PROVED:
        assert proof.check.ok and proof.scope_claim == "this instance"
    elif got.verdict is not Verdict.INCONCLUSIVE:
        assert len(got.trace.steps) == len(expected.trace.steps)
