"""How a trace words the HorizontalPodAutoscaler (model/controllers/hpa.py ``trace_lines``,
``describe_load``): the load level, the pods the selector lists and the recommendations in the
stabilization window (pkg/controller/podautoscaler/horizontal.go ``stabilizeRecommendation``
keeps them for --horizontal-pod-autoscaler-downscale-stabilization); a run starts at the first load
level. Kills hpa ``_queue`` 4, ``initial_fields`` 16 and
``describe_load`` 2 (no behavioural test read these words).
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import hpa
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.scopes import with_settings

SCOPE = with_settings(MODEL.presets["tiny"], {"replicas": "4", "hpa-max-replicas": "8", "hpa-loads": "120"})


def test_the_initial_state_shows_the_spec_the_load_and_the_window() -> None:
    lines = hpa.trace_lines(SCOPE, MODEL.init(SCOPE), MODEL.init(SCOPE), initial=True)
    assert lines[0] == "horizontalpodautoscaler/web minReplicas 1, maxReplicas 8, CPU target 100%"
    assert "load 120%" in lines[1] and lines[1].endswith("recommendations in the window [4]")  # the current count


def test_a_recorded_recommendation_is_shown_in_the_window() -> None:
    before = MODEL.init(SCOPE)
    after = attrs.evolve(before, hpa_window=(4, 5) + before.hpa_window[2:], hpa_window_size=2)
    assert hpa.trace_lines(SCOPE, before, after, initial=False) == [
        "horizontalpodautoscaler/web recommendations in the window [4] → [4, 5]"
    ]
    assert hpa.describe_load(SCOPE, after) == (
        "load 120% (per-pod), spec.replicas 4, selector lists 4 Ready, 0 unready, 0 ignored; window [4, 5]"
    )


def test_a_run_starts_at_the_first_load_level() -> None:
    # initial_fields: hpa_load 0, the first of the scope's hpa-loads (default 60, 120, 200)
    scope = with_settings(MODEL.presets["tiny"], {"replicas": "4", "hpa-max-replicas": "8"})
    assert scope.hpa_loads[0] == 60 and len(scope.hpa_loads) > 1
    lines = hpa.trace_lines(scope, MODEL.init(scope), MODEL.init(scope), initial=True)
    assert "load 60% (" in lines[1]


BEHAVIOR = with_settings(
    MODEL.presets["tiny"],
    {
        "replicas": "2",
        "hpa-max-replicas": "4",
        "hpa-scale-up": "60s,max,1pods/15s",
        "hpa-scale-down": "300s,min,1pods/60s,50%/15s",
    },
)


def test_the_initial_state_shows_spec_behavior_and_the_scale_up_window() -> None:
    lines = hpa.trace_lines(BEHAVIOR, MODEL.init(BEHAVIOR), MODEL.init(BEHAVIOR), initial=True)
    assert lines[2].strip() == (
        "spec.behavior scaleUp 60s,max,1pods/15s, scaleDown 300s,min,1pods/60s,50%/15s, in the scale-up window [2]"
    )


def test_scale_events_are_shown_with_the_age_their_stage_stands_for() -> None:
    """Stage 0: younger than the shortest period (15 s); stage 1: between 15 s and 60 s."""
    before = MODEL.init(BEHAVIOR)
    after = attrs.evolve(before, hpa_events=(1, -1, 0), hpa_event_stages=(1, 0, 0))
    assert hpa.trace_lines(BEHAVIOR, before, after, initial=False) == [
        "horizontalpodautoscaler/web scale events [] → [+1 (15s..60s), -1 (<15s)]"
    ]
