"""The autoscaler's calculator for pod counts of any size (issue 15 item 2: the Deployment's replicas, maxSurge
and maxUnavailable left symbolic, so the pods the selector lists have no bound).

``hpa_util.resource_replicas_uniform`` with ``top`` set (the autoscaler's maxReplicas, as model/controllers/hpa.py
calls it) is read through min(·, top) at currentReplicas ≤ top; there it must equal upstream's float64
``GetResourceReplicas`` (the port ``hpa_util.get_resource_replicas``) for every pod mix, well beyond the
excess table's bound (``hpa_util.excess_bound``) and the refill tables' split. The refill branch with ``top``
None is exact for every count. Each form is read three ways: ConcreteOps, the compiled SourceOps and z3 terms.
"""

from __future__ import annotations

import itertools

import pytest
import z3
from ops_readings import compiled

from kubecheck.model.controllers import hpa_util as hu
from kubecheck.model.controllers.hpa_util import PodSample, Tolerances
from kubecheck.model.kernel.ops import CONCRETE, Z3

# the grid: small counts, and counts past every table (ready above the excess bound, members above the split)
READY = (*range(1, 13), 20, 29, 40, 97)
UNREADY = (0, 1, 3, 9)
MISSING = (0, 1, 2, 5, 13)
LOADS = (0, 30, 60, 90, 100, 109, 110, 120, 200, 290)
TARGETS = (50, 70, 100)


def _pods(load: int, ready: int, unready: int, missing: int) -> list[PodSample]:
    pods = [PodSample(hu.READY, 1000, 10 * load) for _ in range(ready)]
    pods += [PodSample(hu.UNREADY, 1000, 10 * load) for _ in range(unready)]
    pods += [PodSample(hu.MISSING, 1000) for _ in range(missing)]
    return pods


def _upstream(current: int, target: int, tolerances: Tolerances, load: int, ready: int, unready: int, missing: int):
    return hu.get_resource_replicas(current, target, tolerances, _pods(load, ready, unready, missing)).replicas


@pytest.mark.parametrize("top", [2, 4, 7])
@pytest.mark.parametrize("target", TARGETS)
def test_capped_form_read_through_top_equals_the_float_port_for_any_pod_count(target: int, top: int) -> None:
    tolerances = Tolerances()
    for load in LOADS:
        bound = hu.excess_bound(load, target, top)

        def form(ops, *c, load=load, bound=bound):
            return hu.resource_replicas_uniform(ops, load, target, tolerances, c, bound, top)

        fast = compiled(form, 4)
        for current, ready, unready, missing in itertools.product(range(1, top + 1), READY, UNREADY, MISSING):
            want = min(_upstream(current, target, tolerances, load, ready, unready, missing), top)
            counts = (current, ready, unready, missing)
            assert min(form(CONCRETE, *counts), top) == want, (load, counts)
            assert min(fast(*counts), top) == want, (load, counts)


@pytest.mark.parametrize("load", [60, 120, 290])
def test_the_refill_branch_is_exact_for_any_pod_count(load: int) -> None:
    """``top`` None: no cap, and no table over the counts (the excess bound is the largest ready count)."""
    target, tolerances = 70, Tolerances(0.05, 0.2)
    for current, ready, unready, missing in itertools.product((1, 3, 50), READY, UNREADY, MISSING):
        want = _upstream(current, target, tolerances, load, ready, unready, missing)
        got = hu.resource_replicas_uniform(
            CONCRETE, load, target, tolerances, (current, ready, unready, missing), max(READY)
        )
        assert got == want, (current, ready, unready, missing)


def _ground(term, subs) -> int:
    if isinstance(term, int):
        return term
    return z3.simplify(z3.substitute(term, *subs)).as_long()


def _linear(term: z3.ExprRef) -> bool:
    """Every product has at most one non-constant factor and every division a constant divisor."""
    seen: set[int] = set()
    todo = [term]
    while todo:
        t = todo.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        kind = t.decl().kind() if z3.is_app(t) else None
        args = t.children()
        if kind == z3.Z3_OP_MUL and sum(not z3.is_int_value(a) for a in args) > 1:
            return False
        if kind in (z3.Z3_OP_IDIV, z3.Z3_OP_MOD, z3.Z3_OP_DIV) and not z3.is_int_value(args[1]):
            return False
        todo.extend(args)
    return True


@pytest.mark.parametrize("top", [None, 4])
@pytest.mark.parametrize("load,target", [(60, 100), (120, 100), (200, 100), (290, 70)])
def test_the_forms_on_z3_terms_are_linear_and_agree(load: int, target: int, top: int | None) -> None:
    """On z3 terms the calculator multiplies and divides counts by constants only (linear integer arithmetic, what
    the symbolic engines need with the pods unbounded), and grounds to the concrete value."""
    names = z3.Ints("current ready unready missing")
    bound = hu.excess_bound(load, target, 4)
    term = hu.resource_replicas_uniform(Z3, load, target, Tolerances(), tuple(names), bound, top)
    assert _linear(term)
    for counts in [(3, 7, 0, 0), (3, 2, 1, 0), (4, 40, 9, 13), (2, 1, 2, 2), (1, 97, 0, 5), (4, 29, 3, 1)]:
        subs = [(n, z3.IntVal(c)) for n, c in zip(names, counts)]
        assert _ground(term, subs) == hu.resource_replicas_uniform(
            CONCRETE, load, target, Tolerances(), counts, bound, top
        ), counts
