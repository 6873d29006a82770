"""Saved traces as regression tests: :func:`assert_reproduces`, which the files ``kubecheck export-test`` writes call.

A trace kubecheck found (a violation of the user's manifest, a witness) is replayed through the
model's reference semantics with ``kubecheck replay``'s reader (:func:`kubecheck.cli.replay_text.load`):
every step must be enabled, every recorded field (the scope, the initial state, each step's
changes) must be what the re-run computes, and a trace that names a property must show its
verdict again at its last state (VIOLATED: the property fails there; WITNESSED: it is reached).
So a found bug stays found: a change of the model or of kubecheck that loses it fails the test,
and the message is the replay (what differs, or the trace and the verdict not shown again).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kubecheck.cli import replay_text
from kubecheck.cli.replay_command import NOT_REPRODUCED
from kubecheck.model.kernel.traces import TraceError
from kubecheck.properties import catalog


def assert_reproduces(trace: str | Mapping[str, Any], source: str = "trace") -> None:
    """Replay ``trace`` (the JSON text or the parsed document: ``kubecheck.trace/1``, ITF, or a
    ``kubecheck.report/1`` report) and check every verdict it claims; AssertionError saying what
    does not reproduce."""
    text = trace if isinstance(trace, str) else json.dumps(trace)
    try:
        replays = replay_text.load(source, text, catalog.MODELS)
    except (TraceError, catalog.UnknownName) as err:
        raise AssertionError(f"the trace does not replay: {err}") from None
    if not all(r.reproduced for r in replays):
        raise AssertionError("the verdict is not reproduced:\n" + replay_text.render(replays, NOT_REPRODUCED))
