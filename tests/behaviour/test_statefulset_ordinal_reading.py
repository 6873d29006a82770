"""The StatefulSet sync read per ordinal (model/controllers/statefulset_ordinal.py) against the sync itself.

Upstream: ``updateStatefulSet`` in ``pkg/controller/statefulset/stateful_set_control.go``
(Kubernetes v1.35). Under OrderedReady its replica scan (``processReplica`` with ``monotonic``)
returns at the first unhealthy replica, so a sync creates, deletes a Failed pod or fixes a claim
at ordinal i only when every ordinal below i is healthy, and creates only a replica that is not
created yet (``isCreated``); ``processCondemned`` deletes condemned pods (ordinals at or above
spec.replicas) highest first, and the rolling update deletes an outdated replica only when the
set is otherwise settled. :func:`decision_conditions` states a necessary condition per decision
and ordinal for the proofs over every number of ordinals; :func:`slot_writes` computes a sync's
writes at one ordinal on a one-slot window. Here both are read with concrete values on the states
the model reaches (tests/behaviour/reach.py) and compared with what ``statefulset_sync.Plan``
decides and writes on the whole state: every decision the sync takes satisfies its condition,
the one-slot writes are the whole sync's writes at that slot, and no creation is ever admitted
at an ordinal whose pod object exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest
from reach import steps

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_ordinal as sto
from kubecheck.model.controllers import statefulset_sync as sync
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.schema import Schema

MODEL = st.MODEL
TINY = MODEL.presets["tiny"]
#: Scopes the per-ordinal reading applies to (partition 0, no failing ordinal, no budget): each
#: management policy with whenScaled=Delete claims, and the eviction failure mode (Failed pods).
SCOPES = {
    "ordered-ready": attrs.evolve(TINY, when_scaled=su.DELETE),
    "parallel": attrs.evolve(TINY, pod_management=su.PARALLEL, when_scaled=su.DELETE),
    "ordered-ready-evicted": attrs.evolve(TINY, failure=fm.EVICTED),
    "parallel-evicted": attrs.evolve(TINY, pod_management=su.PARALLEL, failure=fm.EVICTED),
}
STATES = 600  # the first states of each scope, breadth first


def _per_slot(sc: Any) -> dict[str, int]:
    """The per-ordinal fields and their values per ordinal: the fields whose length grows with the ordinals."""
    one, two = (Schema(MODEL.state_cls, attrs.evolve(sc, replicas=k, scale_to=(k - 1,))).lengths for k in (1, 2))
    return {name: width for name, width in one.items() if width and two[name] == 2 * width}


def _windows(sc: Any) -> Callable[[Any], Callable[[int], Any]]:
    """``at`` for a concrete state: its one-slot window at an ordinal (per-ordinal fields cut to that slot)."""
    per_slot = _per_slot(sc).items()

    def of(s: Any) -> Callable[[int], Any]:
        def at(j: int) -> Any:
            return attrs.evolve(s, **{name: getattr(s, name)[j * w : (j + 1) * w] for name, w in per_slot})

        return at

    return of


def _states(sc: Any) -> Iterator[Any]:
    seen = {MODEL.init(sc)}
    yield MODEL.init(sc)
    for _, _, nxt in steps(MODEL, sc, STATES):
        if nxt not in seen:
            seen.add(nxt)
            yield nxt


@pytest.mark.parametrize("name", list(SCOPES))
def test_every_decision_the_sync_takes_satisfies_its_per_ordinal_condition(name: str) -> None:
    sc = SCOPES[name]
    assert sto.refusal(sc) is None
    windows, n = _windows(sc), sc.ordinals
    taken: set[str] = set()
    for s in _states(sc):
        plan, at = sync.Plan(CONCRETE, sc, s), windows(s)
        for i in range(n):
            decided = sto.plan_decisions(plan, i)
            conds = sto.decision_conditions(CONCRETE, sc, at, i, range(n), n)
            for d in sto.DECISIONS:
                if decided[d]:
                    taken.add(d)
                    assert conds[d], f"{d} at ordinal {i} of {s}"
    expected = {"create", "del_condemned", "del_update"} | (
        {"del_failed"} if sc.failure_mode == fm.EVICTED else {"mark"}
    )
    assert expected <= taken


@pytest.mark.parametrize("name", list(SCOPES))
def test_the_one_slot_writes_are_the_syncs_writes_at_that_ordinal(name: str) -> None:
    sc = SCOPES[name]
    per_slot = _per_slot(sc)
    windows, n = _windows(sc), sc.ordinals
    compared = 0
    for s in _states(sc):
        plan, at = sync.Plan(CONCRETE, sc, s), windows(s)
        whole = plan.changes()
        for i in range(n):
            writes = sto.slot_writes(
                CONCRETE, sc, at(i), sto.plan_decisions(plan, i), plan.new_current, plan.rev_number
            )
            for field, value in whole.items():
                if field in per_slot:
                    w = per_slot[field]
                    assert tuple(writes[field]) == tuple(value[i * w : (i + 1) * w]), (field, i, s)
                else:
                    assert writes[field] == value, (field, i, s)
                compared += 1
    assert compared


@pytest.mark.parametrize("name", ["ordered-ready", "parallel"])
def test_no_creation_is_admitted_at_an_ordinal_whose_pod_object_exists(name: str) -> None:
    # processReplica: `if !isCreated(replicas[i])` — a sync creates only a replica it has no pod for
    sc = SCOPES[name]
    windows, n = _windows(sc), sc.ordinals
    existing = 0
    for s in _states(sc):
        at = windows(s)
        for i in range(n):
            if cl.exists(at(i), 0):
                existing += 1
                assert not sto.decision_conditions(CONCRETE, sc, at, i, range(n), n)["create"], (i, s)
    assert existing
