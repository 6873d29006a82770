"""kubecheck for users' own test suites: a pytest plugin and hypothesis machines built from manifests.

* ``pytest --kubecheck k8s/`` (:mod:`kubecheck.testing.pytest_plugin`, loaded by pytest through
  the ``pytest11`` entry point, inert without ``--kubecheck``): one test item per workload and
  property of the manifests, failing exactly where ``kubecheck check -f`` fails, with the trace.
* :func:`machine_for` (:mod:`kubecheck.testing.manifest_machine`): a hypothesis
  ``RuleBasedStateMachine`` that walks a workload of a manifest at its real size, every safety
  property an invariant; a violation reads as a kubecheck trace with a reproduce line.
* :func:`assert_reproduces` (:mod:`kubecheck.testing.regression`): replay a saved trace and check
  its verdict again — what the files ``kubecheck export-test`` writes call.
* :mod:`kubecheck.testing.machines`: the generic machines of a model and a scope (kubecheck's own
  tests use them).

The names are imported when first used: pytest loads the plugin in every run, and a run without
``--kubecheck`` should not pay for hypothesis and the checker.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubecheck.testing.manifest_machine import ManifestMachine, load_workload, machine_for
    from kubecheck.testing.regression import assert_reproduces

__all__ = ["ManifestMachine", "assert_reproduces", "load_workload", "machine_for"]

_WHERE = {
    "ManifestMachine": "manifest_machine",
    "load_workload": "manifest_machine",
    "machine_for": "manifest_machine",
    "assert_reproduces": "regression",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
