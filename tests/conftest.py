"""Shared test configuration: the hypothesis profiles.

* ``default`` — fast, for a developer's edit-test loop (the whole suite in a few minutes);
* ``ci`` — thorough, for CI (``.ci/run`` sets ``HYPOTHESIS_PROFILE=ci``): ten times the
  examples and longer state-machine runs, derandomized so that a CI verdict is reproducible
  (the default profile stays random, so developers' runs keep finding new examples).

``HYPOTHESIS_PROFILE`` picks the profile; unknown names fail loudly (hypothesis raises).
Neither profile has a deadline: model evaluation time varies with the scope, and timing is
the benchmarks' business, not the tests'. Neither writes an example database into the
checkout, so a run never depends on what an earlier run found.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=200,
    stateful_step_count=100,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
