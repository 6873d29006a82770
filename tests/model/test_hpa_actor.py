"""The HorizontalPodAutoscaler actor of the Deployment model (model/controllers/hpa.py).

The worked example of papers/disruption-actors.md 3.4, through the model's own functions: a
Deployment of 4 at 120% of a 100% target recommends 5 with its 4 Ready pods, 6 once a fifth
(surge) pod is Ready — the selector counts it (replica_calculator.go: GetResourceReplicas lists
pods by the target's selector) — and 4 while that pod is not Ready yet (filled at 0 on a
scale-up: 480/5 = 96%, inside the tolerance); under total demand the fifth Ready pod lowers every
pod's share to 96% and the recommendation stays 4. Each is cross-checked with the float port of
upstream's calculator (hpa_util.get_resource_replicas).
"""

from __future__ import annotations

import attrs
import pytest

from kubecheck.model.controllers import hpa
from kubecheck.model.controllers import hpa_util as hu
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.commands import enabled, successors
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import ScopeError, with_settings

HPA_FIELDS = ("hpa_load", "hpa_load_changes_left", "hpa_window", "hpa_window_size", "hpa_rescales_left", "applies_left")


def scope(**settings: str):
    base = {"replicas": "4", "hpa-max-replicas": "8", "hpa-loads": "120"}
    return with_settings(MODEL.presets["tiny"], base | settings)


def with_pods(sc, available: tuple[int, int], running: tuple[int, int] = (0, 0)):
    return attrs.evolve(MODEL.init(sc), available=available, running=running)


def _float_port(ready: int, unready: int, level: int) -> int:
    pods = [hu.PodSample(hu.READY, 100, level)] * ready + [hu.PodSample(hu.UNREADY, 100)] * unready
    return hu.get_resource_replicas(4, 100, hu.Tolerances(), pods).replicas


@pytest.mark.parametrize(
    ("available", "running", "model", "written", "float_level"),
    [
        ((4, 0), (0, 0), "per-pod", 5, 120),  # settled: ceil(1.2 x 4)
        ((4, 1), (0, 0), "per-pod", 6, 120),  # the surge pod Ready and counted: ceil(1.2 x 5)
        ((4, 0), (0, 1), "per-pod", 4, 120),  # the surge pod unready: filled at 0, 96% is inside the tolerance
        ((4, 1), (0, 0), "total-demand", 4, 96),  # 480% over 5 Ready pods: 96% each
    ],
)
def test_worked_example_of_the_paper(available, running, model, written, float_level) -> None:
    sc = scope(**{"hpa-load-model": model})
    s = with_pods(sc, available, running)
    rescale, desired, _ = hpa.decision(CONCRETE, sc, s, hpa.observed_counts(CONCRETE, s, 0))
    assert (bool(rescale), desired) == (written != 4, written)
    assert _float_port(sum(available), sum(running), float_level) == written


def test_the_sync_writes_spec_replicas_like_kubectl_scale_and_records_the_window() -> None:
    sc = scope()
    s = with_pods(sc, (4, 1))
    [(action, t)] = [(a, t) for a, t in successors(MODEL, sc, s) if a.name == "hpa.reconcile"]
    # with a pod unsampled the scale-up fills it at 0: 480/5 = 96%, no change, so that sync is a stutter (left out)
    assert action.label == "hpa.reconcile(missing=0)"
    assert (t.replicas, t.observed, t.hpa_rescales_left) == (6, False, s.hpa_rescales_left - 1)
    assert t.hpa_window[: t.hpa_window_size] == (6,)


def test_each_missing_metrics_choice_is_its_own_action_and_shown_in_the_label() -> None:
    sc = scope(**{"hpa-loads": "60"})  # scale-down: missing pods are filled at 100%
    s = attrs.evolve(with_pods(sc, (4, 0)), hpa_window=(0,) * 9, hpa_window_size=0)
    labels = {
        a.label: (t.replicas, t.hpa_window[: t.hpa_window_size])
        for a, t in successors(MODEL, sc, s)
        if a.name == "hpa.reconcile"
    }
    # 0 missing: ceil(0.6 x 4) = 3; 1 missing: (3 x 60 + 100) / 4 = 70% -> ceil(0.7 x 4) = 3;
    # 2 missing: (2 x 60 + 200) / 4 = 80% -> 3.2 -> 4 = current: no write, the recommendation 4 is recorded;
    # 3 missing: (60 + 300) / 4 = 90%, inside the tolerance: current, recorded. Every pod unsampled: no sync.
    assert labels == {
        "hpa.reconcile(missing=0)": (3, (3,)),
        "hpa.reconcile(missing=1)": (3, (3,)),
        "hpa.reconcile(missing=2)": (4, (4,)),
        "hpa.reconcile(missing=3)": (4, (4,)),
    }


def test_outside_min_max_the_bound_is_written_without_metrics() -> None:
    sc = scope(**{"hpa-max-replicas": "3"})
    s = with_pods(sc, (4, 0))
    actions = [(a.label, t.replicas) for a, t in successors(MODEL, sc, s) if a.name == "hpa.reconcile"]
    assert actions == [("hpa.reconcile(missing=0)", 3)]


def test_the_newest_recommendation_never_expires_before_the_next_sync() -> None:
    sc = scope()
    s = MODEL.init(sc)
    assert s.hpa_window_size == 1
    assert "time.recommendation_expires" not in [a.name for a in enabled(MODEL, sc, s)]
    two = attrs.evolve(s, hpa_window=(5, 4) + (0,) * 7, hpa_window_size=2)
    [t] = [t for a, t in successors(MODEL, sc, two) if a.name == "time.recommendation_expires"]
    assert (t.hpa_window[:2], t.hpa_window_size) == ((4, 0), 1)


def test_apply_writes_the_manifest_only_over_another_value() -> None:
    sc = scope(applies="1")
    s = MODEL.init(sc)
    assert "user.apply_manifest" not in [a.name for a in enabled(MODEL, sc, s)]
    [t] = [t for a, t in successors(MODEL, sc, attrs.evolve(s, replicas=6)) if a.name == "user.apply_manifest"]
    assert (t.replicas, t.applies_left, t.observed) == (4, 0, False)


@pytest.mark.parametrize("preset", list(MODEL.presets))
def test_every_autoscaler_field_is_constant_without_an_autoscaler(preset: str) -> None:
    schema = Schema(MODEL.state_cls, MODEL.presets[preset])
    assert [(x.field, x.lo, x.hi) for x in schema.slots if x.field in HPA_FIELDS and x.lo != x.hi] == []
    assert not [
        c for c in MODEL.commands if c.name.split(".")[0] in ("hpa", "env") and c.bindings(MODEL.presets[preset])
    ]


def test_window_holds_values_up_to_max_replicas() -> None:
    sc = scope(**{"hpa-max-replicas": "5"})
    schema = Schema(MODEL.state_cls, sc)
    window = [x for x in schema.slots if x.field == "hpa_window"]
    assert len(window) == 6 and {(x.lo, x.hi) for x in window} == {(0, 5)}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"hpa-max-replicas": "2", "hpa-min-replicas": "3"},
            "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`",
        ),
        (
            {"hpa-max-replicas": "2", "hpa-min-replicas": "0"},
            "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
        ),
        ({"hpa-max-replicas": "0"}, "parameter hpa-max-replicas: expected an integer from 1 to 1000, got 0"),
        ({"hpa-load-model": "bursty"}, "parameter hpa-load-model: expected one of per-pod, total-demand, got 'bursty'"),
    ],
)
def test_bad_autoscaler_settings_are_refused_with_one_line(settings: dict, message: str) -> None:
    with pytest.raises(ScopeError) as err:
        with_settings(MODEL.presets["tiny"], settings)
    assert str(err.value) == message
