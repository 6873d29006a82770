"""Hypothesis state machines generated from a model's command table (the generic part lives in
:mod:`kubecheck.testing.machines`, which users' own tests use too; this module keeps the names
kubecheck's tests import).

``machine_for(model, scope, invariants)`` is :func:`kubecheck.testing.machines.model_machine`:
one ``@rule`` per command (a ``@precondition`` that some binding is enabled, then a drawn
binding), the reference step, and after every step the declared domains, the ``always`` /
``step`` / ``terminal`` properties and — certification — the compiled successor function against
the reference one. A failure message ends with the action labels taken, which ``kubecheck
replay`` and :func:`kubecheck.model.kernel.traces.replay` accept.
"""

from __future__ import annotations

from kubecheck.testing.machines import ModelMachine, Walk, machines_for, python_name
from kubecheck.testing.machines import model_machine as machine_for

__all__ = ["ModelMachine", "Walk", "machine_for", "machines_for", "python_name"]
