"""``kubecheck help TOPIC``: the terms a report uses, explained once (today one topic, ``verdicts``).

``kubecheck help`` with no topic lists the topics; an unknown topic is a usage error (exit 2).
"""

from __future__ import annotations

import click

from kubecheck.cli.errors import InputError
from kubecheck.cli.output import emit

VERDICTS = """\
Verdicts (one per property, in the VERDICT column of a report)

  HOLDS         the search visited every reachable state of this instance and the property
                held in each of them (exhaustive, for this scope only).
  PROVED        an inductive invariant (pdr, kind) or a ranking proof shows the property for
                this instance, or for every value of the --for-all parameters.
  VIOLATED      a reachable run breaks the property; the report shows a shortest trace.
  WITNESSED     a `sometimes` property (something that should be possible) was reached; the
                report shows the run that reaches it.
  UNREACHABLE   a `sometimes` property that exhaustive search never reached: no run of this
                instance gets there.
  INCONCLUSIVE  a bound, --max-states, --timeout, Ctrl-C or a solver `unknown` stopped the
                search first. Never reported as holding.
  N/A           (check -f) not applicable: a witness the manifest's own configuration cannot
                reach (e.g. proportional scaling with replicas: 1), with the reason. It fails
                the run (exit 14) only with --strict.

Marks and terms

  *             caveat: a property Kubernetes does not guarantee upstream, shown so you see
                what can go wrong. Its violations count in the exit code only with --strict.
  fairness      a liveness property (eventually, leads_to) is checked over fair runs only:
                weak fairness of controller, kubelet and scheduler actions (an action enabled
                for ever is eventually taken); user actions and faults are never required.
  strong fairness
                an action enabled infinitely often, even intermittently, is eventually taken
                (e.g. a crash-looping pod's moments of readiness are seen). Properties that
                need it say so in their name (..._under_strong_fairness) and fairness line.

Exit codes (the worst result decides)

  0   every property holds or is proved, and every witness was found
  1   internal error, or the output could not be written
  2   usage or input error (one line on stderr names the cause)
  3   replay: the trace does not reproduce (one line says what differs)
  10  inconclusive: a budget or interruption stopped the search first
  12  safety violation (always, step, terminal)
  13  liveness violation (eventually, leads_to)
  14  a witness is unreachable (with -f, only under --strict; otherwise it is N/A)
"""

#: topic -> its text.
TOPICS = {"verdicts": VERDICTS}


@click.command("help")
@click.argument("topic", required=False)
def help_command(topic: str | None) -> None:
    """Explain the terms of a report: kubecheck help verdicts."""
    if topic is None:
        emit("Topics (kubecheck help TOPIC):\n" + "".join(f"  {name}\n" for name in TOPICS))
        return
    if topic not in TOPICS:
        raise InputError(f"help: unknown topic {topic!r}; topics: {', '.join(TOPICS)}")
    emit(TOPICS[topic])
