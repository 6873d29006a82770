"""One sync of the DaemonSet controller (``syncDaemonSet``), as a pure function of the state.

Paraphrase of ``pkg/controller/daemon/daemon_controller.go`` and ``update.go`` (Kubernetes
v1.35; papers/daemonset-notes.md has the snapshots read):

1. ``manage``: for every Node object (``podsShouldBeOnNode``), with the node's pods grouped by
   their target node (nodeName, else the nodeAffinity the controller wrote), skipping nothing
   but terminal deleted pods (the model has no terminal pods):
   * shouldRun and no pod object at all (a Terminating one counts) → create one;
   * shouldContinueRunning → over the non-deleting pods: without surge, more than one → delete
     all but the oldest (scheduled first, then created first); with surge, none and shouldRun
     → create; two or more → keep the oldest updated and the oldest old pod, delete the rest,
     then delete the old one if it is not Ready or if the updated one is available;
   * not shouldContinueRunning → delete every non-deleting pod on the node;
   * unscheduled pods whose target Node object is gone are deleted.
2. ``syncNodes`` sets expectations for what it created and deleted. Back in
   ``updateDaemonSet``, ``rollingUpdate`` runs only if expectations are satisfied — so a sync
   whose manage step wrote anything ends there; the model's sync does either the manage
   writes or the rolling-update writes, never both.
3. ``rollingUpdate`` (RollingUpdate only; OnDelete does nothing): ``updatedDesiredNodeCounts``
   adds an empty entry for every node that should run a pod; then, iterating the node→pods
   *map* (Go map order is random, so which candidates come first is a nondeterministic choice
   — the command parameter ``pick``):
   * maxSurge = 0: excess pods, no pod, or old+new on a node count as unavailable; an updated
     pod counts if not available; an old unavailable pod is replaced now (counted); old
     available pods are candidates; delete the replacements and the first
     max(0, maxUnavailable − numUnavailable) candidates. Note: this path does not look at
     shouldRun — a node that carries only a Terminating pod is an entry and counts as
     unavailable, and an old pod on a NoSchedule node is a candidate like any other.
   * maxSurge > 0: excess pods count as surge; availability is summed over every entry; an
     old unavailable pod gets a new pod beside it (or is deleted where the node should not
     run), an old available pod on a node that should run is a surge candidate, on a node that
     should not run a deletion candidate; old+new with the new available → delete the old one,
     not available → surge. Deletion candidates go only while numAvailable − desired > 0;
     creates are the replacements plus max(0, maxSurge − numSurge) candidates. A node listed
     in the map but without a Node object makes ``nodeLister.Get`` fail: the whole rolling
     update returns an error and writes nothing.

Because the number of candidates taken is decided after the loop, and numUnavailable (numSurge)
only grows, a positive remainder means every old available pod was a candidate: the choice is
exactly "any subset of that size" (argued in papers/daemonset-notes.md).
"""

from __future__ import annotations

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.controllers.daemonset_state import DaemonSetState
from kubecheck.model.kernel.ops import Ops, Value


def _older(ops: Ops, s: DaemonSetState, a: int, b: int) -> Value:
    """podByCreationTimestampAndPhase: pod a sorts before pod b (scheduled first, then created first).

    Among the non-deleting pods of one node, revisions are distinct and a later revision was
    created later (templates only move forward), so revision order is creation order; the
    slot index stands for the name tie-break.
    """
    sa, sb = cl.is_bound(s, a), cl.is_bound(s, b)
    earlier = ops.or_(s.pod_rev[a] < s.pod_rev[b], ops.and_(s.pod_rev[a] == s.pod_rev[b], a < b))
    return ops.or_(ops.and_(sa, ops.not_(sb)), ops.and_(sa == sb, earlier))


class Plan:
    """Every decision of one sync: per node and per pod slot (lists indexed by node / slot)."""

    def __init__(self, ops: Ops, sc: DaemonSetScope, s: DaemonSetState):
        self.ops, self.sc, self.s = ops, sc, s
        self.nodes = range(sc.nodes)
        self.slots = {n: [n * sc.slots_per_node + j for j in range(sc.slots_per_node)] for n in self.nodes}
        ex = [cl.exists(s, k) for k in range(sc.pod_slots)]
        self.live = [ops.and_(ex[k], ops.not_(s.pod_terminating[k])) for k in range(sc.pod_slots)]
        self.new = [ops.and_(self.live[k], du.is_pod_updated(s.pod_rev[k], s.template)) for k in range(sc.pod_slots)]
        self.old = [
            ops.and_(self.live[k], ops.not_(du.is_pod_updated(s.pod_rev[k], s.template))) for k in range(sc.pod_slots)
        ]
        self.avail = [s.pod_phase[k] == cl.AVAILABLE for k in range(sc.pod_slots)]
        ready = [s.pod_phase[k] >= cl.READY for k in range(sc.pod_slots)]
        self.ex = ex
        self.has_pods = [ops.or_(*[ex[k] for k in self.slots[n]]) for n in self.nodes]
        self.should_run, self.should_continue = [], []
        for n in self.nodes:
            run, cont = du.node_should_run_daemon_pod(
                ops, s.node_class[n], s.node_state[n] != cl.NODE_READY, sc.tolerates_no_schedule
            )
            # the out-of-service NoExecute taint, when the template does not tolerate it: neither run nor stay
            oos = s.node_oos[n] if sc.out_of_service and not sc.tolerates_out_of_service else False
            self.should_run.append(ops.and_(s.node_exists[n], run, ops.not_(oos)))
            self.should_continue.append(ops.and_(s.node_exists[n], cont, ops.not_(oos)))
        # podsShouldBeOnNode: a Failed daemon pod is deleted (its failedPodsBackoff is time, abstracted
        # away) and is not one of the daemonPodsRunning the rest of the case reads
        evicted = sc.failure_mode == "evicted"
        self.failed = [
            ops.and_(self.live[k], s.pod_phase[k] == cl.FAILED) if evicted else False for k in range(sc.pod_slots)
        ]
        self.create_m = [False] * sc.nodes
        self.delete_m: list[Value] = [False] * sc.pod_slots
        for n in self.nodes:
            self._manage_node(n, ready)
        self.manage_work = ops.or_(*self.create_m, *self.delete_m)
        self._rolling_update()

    # -- manage ------------------------------------------------------------------------------

    def _oldest(self, n: int, among: list) -> list:
        """For each slot of node n: it is the oldest pod of the ``among`` set."""
        ops, s = self.ops, self.s
        return [
            ops.and_(among[k], *[ops.implies(among[o], _older(ops, s, k, o)) for o in self.slots[n] if o != k])
            for k in self.slots[n]
        ]

    def _manage_node(self, n: int, ready: list) -> None:
        ops, s, sc = self.ops, self.s, self.sc
        slots = self.slots[n]
        exists = s.node_exists[n]
        case_create = ops.and_(self.should_run[n], ops.not_(self.has_pods[n]))
        case_continue = ops.and_(ops.not_(case_create), self.should_continue[n])
        case_remove = ops.and_(exists, ops.not_(case_create), ops.not_(self.should_continue[n]), self.has_pods[n])
        running = [ops.and_(self.live[k], ops.not_(self.failed[k])) for k in range(sc.pod_slots)]
        live_count = ops.count(running[k] for k in slots)
        create = case_create
        delete: dict[int, Value] = {
            k: ops.or_(ops.and_(case_remove, self.live[k]), ops.and_(case_continue, self.failed[k])) for k in slots
        }
        if not sc.surge:
            keep = self._oldest(n, running)
            for i, k in enumerate(slots):
                delete[k] = ops.or_(delete[k], ops.and_(case_continue, live_count > 1, running[k], ops.not_(keep[i])))
        else:
            create = ops.or_(create, ops.and_(case_continue, live_count == 0, self.should_run[n]))
            keep_new = self._oldest(n, [ops.and_(self.new[k], ops.not_(self.failed[k])) for k in range(sc.pod_slots)])
            keep_old = self._oldest(n, [ops.and_(self.old[k], ops.not_(self.failed[k])) for k in range(sc.pod_slots)])
            both = ops.and_(ops.or_(*keep_new), ops.or_(*keep_old))
            new_available = ops.or_(*[ops.and_(keep_new[i], self.avail[k]) for i, k in enumerate(slots)])
            for i, k in enumerate(slots):
                crowded = ops.and_(case_continue, live_count >= 2)
                extra = ops.and_(running[k], ops.not_(keep_new[i]), ops.not_(keep_old[i]))
                replace_old = ops.and_(keep_old[i], both, ops.or_(ops.not_(ready[k]), new_available))
                delete[k] = ops.or_(delete[k], ops.and_(crowded, ops.or_(extra, replace_old)))
        for k in slots:
            # getUnscheduledPodsWithoutNode: Pending pods whose target Node object is gone
            delete[k] = ops.or_(delete[k], ops.and_(ops.not_(exists), s.pod_phase[k] == cl.UNSCHEDULED))
            self.delete_m[k] = delete[k]
        self.create_m[n] = create

    # -- rolling update ----------------------------------------------------------------------

    def _rolling_update(self) -> None:
        ops, s, sc = self.ops, self.s, self.sc
        n_all = sc.nodes
        self.create_r: list[Value] = [False] * n_all
        self.delete_r: list[Value] = [False] * sc.pod_slots
        self.cand: list[Value] = [False] * n_all  # nodes whose old pod may be picked (no surge) / get a surge pod
        self.prune: list[Value] = [False] * n_all  # surge: old available pods on nodes that should not run
        self.take, self.take_prune = 0, 0  # how many of each the sync takes
        self.surge_zero: Value = True
        if sc.strategy != du.ROLLING_UPDATE:
            return
        desired = ops.count(self.should_run)
        max_surge, max_unavailable = du.updated_desired_node_counts(
            ops, sc.strategy, sc.max_surge, sc.max_unavailable, desired
        )
        entry, ok, has_new, has_old, new_av, old_av, old_del = [], [], [], [], [], [], []
        for n in self.nodes:
            slots = self.slots[n]
            n_new = ops.count(self.new[k] for k in slots)
            n_old = ops.count(self.old[k] for k in slots)
            entry.append(ops.or_(self.has_pods[n], self.should_run[n]))
            ok.append(ops.and_(n_new <= 1, n_old <= 1))
            has_new.append(n_new >= 1)
            has_old.append(n_old >= 1)
            new_av.append(ops.or_(*[ops.and_(self.new[k], self.avail[k]) for k in slots]))
            old_av.append(ops.or_(*[ops.and_(self.old[k], self.avail[k]) for k in slots]))
            old_del.append({k: self.old[k] for k in slots})
        fine = [ops.and_(entry[n], ok[n]) for n in self.nodes]
        old_only = [ops.and_(fine[n], has_old[n], ops.not_(has_new[n])) for n in self.nodes]
        surge_zero = max_surge == 0

        # maxSurge == 0
        unavailable = ops.count(
            ops.and_(
                entry[n],
                ops.or_(
                    ops.not_(ok[n]),
                    has_old[n] == has_new[n],
                    ops.and_(has_new[n], ops.not_(has_old[n]), ops.not_(new_av[n])),
                    ops.and_(old_only[n], ops.not_(old_av[n])),
                ),
            )
            for n in self.nodes
        )
        replace = [ops.and_(old_only[n], ops.not_(old_av[n])) for n in self.nodes]
        cand0 = [ops.and_(old_only[n], old_av[n]) for n in self.nodes]
        take0 = ops.max_(0, ops.min_(max_unavailable - unavailable, ops.count(cand0)))

        # maxSurge > 0
        num_surge = ops.sum_(
            ops.ite(
                ops.and_(
                    entry[n], ops.or_(ops.not_(ok[n]), ops.and_(ok[n], has_old[n], has_new[n], ops.not_(new_av[n])))
                ),
                1,
                0,
            )
            for n in self.nodes
        )
        num_available = ops.count(
            ops.and_(fine[n], ops.ite(has_old[n], old_av[n], ops.and_(has_new[n], new_av[n]))) for n in self.nodes
        )
        abort = ops.or_(*[ops.and_(old_only[n], ops.not_(s.node_exists[n])) for n in self.nodes])
        del_unavail = [ops.and_(old_only[n], ops.not_(old_av[n]), ops.not_(self.should_run[n])) for n in self.nodes]
        allowed_new = [ops.and_(old_only[n], ops.not_(old_av[n]), self.should_run[n]) for n in self.nodes]
        prune = [ops.and_(old_only[n], old_av[n], ops.not_(self.should_run[n])) for n in self.nodes]
        cand1 = [ops.and_(old_only[n], old_av[n], self.should_run[n]) for n in self.nodes]
        replaced = [ops.and_(fine[n], has_old[n], has_new[n], new_av[n]) for n in self.nodes]
        take1 = ops.max_(0, ops.min_(max_surge - num_surge, ops.count(cand1)))
        take_prune = ops.max_(0, ops.min_(num_available - desired, ops.count(prune)))

        go = ops.not_(abort)
        for n in self.nodes:
            self.cand[n] = ops.ite(surge_zero, cand0[n], cand1[n])
            self.prune[n] = ops.and_(ops.not_(surge_zero), prune[n])
            self.create_r[n] = ops.and_(ops.not_(surge_zero), go, allowed_new[n])
            for k, is_old in old_del[n].items():
                self.delete_r[k] = ops.and_(
                    is_old, ops.ite(surge_zero, replace[n], ops.and_(go, ops.or_(del_unavail[n], replaced[n])))
                )
        self.take = ops.ite(surge_zero, take0, ops.ite(go, take1, 0))
        self.take_prune = ops.ite(surge_zero, 0, ops.ite(go, take_prune, 0))
        self.surge_zero = surge_zero

    def pick_valid(self, pick: int) -> Value:
        """The candidates in ``pick`` (a node bit mask) are a valid Go-map-order choice."""
        ops = self.ops
        chosen = [bool(pick >> n & 1) for n in self.nodes]
        inside = ops.and_(*[ops.or_(self.cand[n], self.prune[n]) for n in self.nodes if chosen[n]])
        taken = ops.count(ops.and_(self.cand[n], chosen[n]) for n in self.nodes)
        pruned = ops.count(ops.and_(self.prune[n], chosen[n]) for n in self.nodes)
        return ops.and_(inside, taken == self.take, pruned == self.take_prune)

    def rolling_update_work(self) -> Value:
        """The rolling update writes something (creates, deletes, or takes candidates)."""
        ops = self.ops
        return ops.or_(*self.create_r, *self.delete_r, self.take > 0, self.take_prune > 0)

    # -- the sync's writes -------------------------------------------------------------------

    def _writes(self, create: list, delete: list) -> dict:
        ops, s = self.ops, self.s
        phase, term, rev, node = list(s.pod_phase), list(s.pod_terminating), list(s.pod_rev), list(s.pod_node)
        for n in self.nodes:
            slots = self.slots[n]
            for i, k in enumerate(slots):
                first_free = ops.and_(ops.not_(self.ex[k]), *[self.ex[o] for o in slots[:i]])
                made = ops.and_(create[n], first_free)
                p, t = cl.graceful_delete(ops, s, k, delete[k])
                gone = ops.and_(delete[k], s.pod_phase[k] == cl.UNSCHEDULED)
                phase[k] = ops.ite(made, cl.UNSCHEDULED, p)
                term[k] = t
                rev[k] = ops.ite(made, s.template, ops.ite(gone, 0, s.pod_rev[k]))
                node[k] = ops.ite(gone, 0, s.pod_node[k])
        return {
            "pod_phase": tuple(phase),
            "pod_terminating": tuple(term),
            "pod_rev": tuple(rev),
            "pod_node": tuple(node),
        }

    def manage_changes(self) -> dict:
        return self._writes(self.create_m, self.delete_m)

    def rolling_update_changes(self, pick: int) -> dict:
        ops = self.ops
        chosen = [bool(pick >> n & 1) for n in self.nodes]
        create = [
            ops.or_(self.create_r[n], ops.and_(chosen[n], ops.not_(self.surge_zero), self.cand[n])) for n in self.nodes
        ]
        delete = list(self.delete_r)
        for n in self.nodes:
            if not chosen[n]:
                continue
            for k in self.slots[n]:
                picked_old = ops.and_(self.old[k], ops.or_(ops.and_(self.surge_zero, self.cand[n]), self.prune[n]))
                delete[k] = ops.or_(delete[k], picked_old)
        return self._writes(create, delete)

    def creates_possible(self) -> Value:
        """Every create (manage or rolling update) finds a free slot on its node (a model sanity check)."""
        ops = self.ops
        return ops.and_(
            *[
                ops.implies(
                    ops.or_(self.create_m[n], self.create_r[n], ops.and_(ops.not_(self.surge_zero), self.cand[n])),
                    ops.or_(*[ops.not_(self.ex[k]) for k in self.slots[n]]),
                )
                for n in self.nodes
            ]
        )
