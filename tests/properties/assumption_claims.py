"""What a property row claims about the scope it runs at, read from its words, and checked on the scope.

A row says in ``assumes`` (and sometimes in its doc) what the run has: faults that are on, a
number of nodes, an access mode, a policy. The words are for the reader; the adjusted scope is what
ran. :func:`unmet_claims` reads the phrases below in a row's text and returns those the scope does
not have, so a row that says "eviction on" while its adjustment drops the eviction fault is caught
(issue 19: the Deployment shared-volume rows did exactly that). A phrase is recognised only where
it is unambiguous; the vocabulary grows with the tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.property import Property

Check = Callable[[Any], bool]


def _faults_on(*names: str) -> Check:
    return lambda sc: set(names) <= set(sc.faults) and sc.fault_budget >= 1


def _no_faults(sc: Any) -> bool:
    return not sc.faults or sc.fault_budget == 0


def _is(field: str, value: object) -> Check:
    return lambda sc: getattr(sc, field) == value


def _at_least(field: str, value: int) -> Check:
    return lambda sc: getattr(sc, field) >= value


def _int_value(field: str, value: int) -> Check:
    def check(sc: Any) -> bool:
        v = getattr(sc, field)
        return isinstance(v, IntOrPercent) and not v.is_percent and v.value == value

    return check


def _named_faults(sc: Any, words: str) -> bool:
    """``faults: partition and force-delete (2)``: every named fault is on."""
    names = [w.strip() for w in re.split(r",| and ", words) if w.strip()]
    return _faults_on(*names)(sc)


#: (pattern, field of the row it is read in, check on the adjusted scope, what it claims)
PHRASES: tuple[tuple[str, str, Check, str], ...] = (
    (r"\beviction on\b|\bby eviction\b", "text", _faults_on("evict"), "the evict fault"),
    (r"\bone pod crash may happen\b", "assumes", _faults_on("crash"), "the crash fault"),
    (r"\bcrash and partition on\b", "assumes", _faults_on("crash", "partition"), "crash and partition"),
    (r"\bone partition\b", "assumes", _faults_on("partition"), "the partition fault"),
    (r"\bone node failure\b", "assumes", _faults_on("node-failure"), "the node-failure fault"),
    (r"\bno faults\b", "assumes", _no_faults, "no fault"),
    (r"(?<!at most )\btwo nodes\b", "assumes", lambda sc: sc.nodes >= 2, "two nodes or more"),
    (r"\bat most two nodes\b", "assumes", lambda sc: sc.nodes <= 2, "two nodes at most"),
    (r"\bReadWriteOncePod\b", "assumes", lambda sc: sc.claims and sc.access_mode == "ReadWriteOncePod", "RWOP"),
    (r"\bReadWriteOnce\b(?!Pod)", "assumes", lambda sc: sc.claims and sc.access_mode == "ReadWriteOnce", "RWO"),
    (r"\bReadOnlyMany\b", "assumes", lambda sc: sc.claims and sc.access_mode == "ReadOnlyMany", "ROX"),
    (r"\bminReadySeconds 0\b", "assumes", _is("min_ready_seconds", 0), "minReadySeconds 0"),
    (r"\bParallel\b", "assumes", _is("pod_management", "Parallel"), "podManagementPolicy Parallel"),
    (r"\bOrderedReady\b", "assumes", _is("pod_management", "OrderedReady"), "podManagementPolicy OrderedReady"),
    (r"\bRollingUpdate\b", "assumes", _is("strategy", "RollingUpdate"), "strategy RollingUpdate"),
    (r"\bwhenScaled=Delete\b", "assumes", _is("when_scaled", "Delete"), "whenScaled=Delete"),
    (r"\bat least one (template )?edit\b", "assumes", _at_least("edits", 1), "a template edit"),
    (r"\brevision-history on\b", "assumes", _is("revision_history", True), "revision-history"),
    (r"\bmaxSurge 0\b", "assumes", _int_value("max_surge", 0), "maxSurge 0"),
    (r"\bmaxSurge 1\b", "assumes", _int_value("max_surge", 1), "maxSurge 1"),
    (r"\bmaxUnavailable 0\b", "assumes", _int_value("max_unavailable", 0), "maxUnavailable 0"),
    (r"\bone rollout undo\b", "assumes", _at_least("rollbacks", 1), "a rollout undo"),
    (r"\bno rollout undo\b", "assumes", _is("rollbacks", 0), "no rollout undo"),
    (r"\bno pause\b", "assumes", _is("pauses", 0), "no pause"),
    (r"\ba pause\b", "assumes", _at_least("pauses", 1), "a pause"),
    (r"\ba progress deadline\b", "assumes", lambda sc: sc.has_progress_deadline, "a progress deadline"),
    (r"\breplicas not changed by the user\b", "assumes", lambda sc: sc.scales == 0 or not sc.scale_to, "no scale"),
    (r"\bthe user may delete the StatefulSet\b", "assumes", _is("set_deletion", True), "set deletion"),
    (r"\bno set deletion\b", "assumes", _is("set_deletion", False), "no set deletion"),
)

#: ``faults: a and b`` up to the first parenthesis or semicolon, read as a list of fault names
_FAULT = r"(?:crash|evict|force-delete|partition|node-failure|node-delete)\b"
_FAULT_LIST = re.compile(rf"\bfaults: ({_FAULT}(?:(?:, | and ){_FAULT})*)")


def claims(prop: Property) -> list[tuple[str, Check]]:
    """The claims a row's words make: (the phrase as written, its check on a scope)."""
    found: list[tuple[str, Check]] = []
    texts = {"assumes": prop.assumes, "text": f"{prop.assumes} {prop.doc}"}
    for pattern, where, check, _what in PHRASES:
        for m in re.finditer(pattern, texts[where]):
            found.append((m.group(0), check))
    for m in _FAULT_LIST.finditer(prop.assumes):
        words = m.group(1)
        found.append((m.group(0), lambda sc, w=words: _named_faults(sc, w)))
    return found


def unmet_claims(prop: Property, scope: Any) -> list[str]:
    """The phrases of ``prop``'s row that the scope its adjustment makes of ``scope`` does not have."""
    adjusted = prop.adjust(scope)
    return [phrase for phrase, check in claims(prop) if not check(adjusted)]
