"""Baseline: a hand-written breadth-first search of a simple rollout counter model.

No kubecheck imports. The model is a simplified Deployment rolling update with two
ReplicaSets (old, new), pods counted per phase, in the style one would write by hand for speed:
a state is one flat tuple and the successor function is plain Python on it.

State ``(old_spec, new_spec, *old_pods, *new_pods)``, where each ReplicaSet's pods are counted
as (unscheduled, pending, running, available, terminating). Transitions:

* deployment controller: scale the new ReplicaSet up within ``replicas + surge``; scale the
  old one down while more than ``replicas - unavailable`` pods are available;
* ReplicaSet controller (per ReplicaSet): create the missing pods (unscheduled) or delete the
  excess, lowest-ranked first (unscheduled pods vanish, others terminate);
* scheduler and kubelet (per ReplicaSet): bind, start, ready, terminated.

The search keeps the same bookkeeping as :func:`kubecheck.checker.explicit.bfs.check` (a list of
states, a dict from state to index, a parent index and an action id per state, transition
count), so comparing the two measures the cost of the kernel's indirection, not of features.
"""

from __future__ import annotations

import time

SURGE = 1
UNAVAILABLE = 1
# offsets of each ReplicaSet's pod counts in the state tuple
U, P, RUN, AV, T = range(5)
OLD, NEW = 2, 7


def initial(replicas: int) -> tuple:
    return (replicas, 0, 0, 0, 0, replicas, 0, 0, 0, 0, 0, 0)


def _sync_rs(s: tuple, spec: int, base: int) -> tuple | None:
    """One ReplicaSet sync: create or delete toward spec (None when nothing to do)."""
    u, p, r, a, t = s[base : base + 5]
    active = u + p + r + a
    if active == spec:
        return None
    if active < spec:
        pods = (u + spec - active, p, r, a, t)
    else:
        excess = active - spec
        du = min(excess, u)
        excess -= du
        dp = min(excess, p)
        excess -= dp
        dr = min(excess, r)
        excess -= dr
        pods = (u - du, p - dp, r - dr, a - excess, t + dp + dr + excess)
    return s[:base] + pods + s[base + 5 :]


def successors(replicas: int, s: tuple) -> list[tuple[int, tuple]]:
    """(action id, next state) for every enabled action, in a fixed order."""
    out = []
    old_spec, new_spec = s[0], s[1]
    # deployment controller
    room = replicas + SURGE - old_spec - new_spec
    if new_spec < replicas and room > 0:
        out.append((0, (old_spec, min(replicas, new_spec + room)) + s[2:]))
    available = s[OLD + AV] + s[NEW + AV]
    budget = available - (replicas - UNAVAILABLE) - (new_spec - s[NEW + AV])
    if old_spec > 0 and budget > 0:
        out.append((1, (old_spec - min(old_spec, budget),) + s[1:]))
    # replicaset controller
    for k, (spec, base) in enumerate(((old_spec, OLD), (new_spec, NEW))):
        t = _sync_rs(s, spec, base)
        if t is not None:
            out.append((2 + k, t))
    # scheduler and kubelet: bind (U->P), start (P->RUN), ready (RUN->AV) move a pod to the
    # adjacent counter; terminated removes one
    for k, base in enumerate((OLD, NEW)):
        for n, j in enumerate((base + U, base + P, base + RUN)):
            if s[j]:
                out.append((4 + 4 * k + n, s[:j] + (s[j] - 1, s[j + 1] + 1) + s[j + 2 :]))
        j = base + T
        if s[j]:
            out.append((7 + 4 * k, s[:j] + (s[j] - 1,) + s[j + 1 :]))
    return out


def bfs(replicas: int) -> dict[str, float]:
    """Explore every reachable state; returns states, transitions, depth, seconds and CPU seconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    init = initial(replicas)
    states = [init]
    index = {init: 0}
    parent = [-1]
    via = [-1]
    transitions = 0
    depth = 0
    level_end = 1
    i = 0
    while i < len(states):
        if i == level_end:
            depth += 1
            level_end = len(states)
        s = states[i]
        for a, t in successors(replicas, s):
            transitions += 1
            if t not in index:
                index[t] = len(states)
                states.append(t)
                parent.append(i)
                via.append(a)
        i += 1
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"states": len(states), "transitions": transitions, "depth": depth, "seconds": seconds, "cpu": cpu}


if __name__ == "__main__":
    import sys

    r = bfs(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
    print(
        f"{r['states']} states, {r['transitions']} transitions, depth {r['depth']}, "
        f"{r['seconds']:.2f} s, {r['states'] / r['seconds']:,.0f} states/s"
    )
