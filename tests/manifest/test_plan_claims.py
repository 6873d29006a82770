"""check -f rows name what a verdict covers from its claim (issue 15, item 1): "all values of
replicas" only for a proof that left replicas symbolic, with the fields it held."""

from __future__ import annotations

import attrs

from kubecheck.checker.result import ALL_VALUES, INSTANCE, NOTHING, Claim, Result, Stats, Verdict
from kubecheck.checker.task import Task
from kubecheck.manifest.plan import Step
from kubecheck.properties import catalog


def _step_and_result(claim: Claim, verdict: Verdict = Verdict.PROVED) -> tuple[Step, Result]:
    model = catalog.model("deployment")
    [prop] = catalog.properties("deployment", ["replicas_within_surge"])
    scope = model.presets["tiny"]
    task = Task(model, scope, [prop], engine="pdr", for_all=("replicas",))
    step = Step(task, ("replicas=2",), proved_size="replicas: all values")
    return step, Result(prop, verdict, scope, "pdr", Stats(0, 0, 0, 0.0, True, "proved"), claim=claim)


def test_a_proof_for_every_value_names_the_parameters_and_the_range():
    step, result = _step_and_result(Claim(ALL_VALUES, ("replicas",)))
    assert step.method(result) == "pdr (all values of replicas)"
    assert step.size(result.property, result) == "replicas: all values"


def test_held_fields_are_named_in_the_method():
    step, result = _step_and_result(Claim(ALL_VALUES, ("replicas",), held=(("scale-to", "49"),)))
    assert step.method(result) == "pdr (all values of replicas; scale-to=49 held)"


def test_a_result_that_does_not_claim_every_value_names_its_instance():
    for claim in (Claim(INSTANCE), Claim(NOTHING)):
        step, result = _step_and_result(claim)
        assert step.method(result) == "pdr"
        assert step.size(result.property, result) == "replicas=2"
    step, result = _step_and_result(Claim(ALL_VALUES, ("replicas",)), Verdict.VIOLATED)
    assert step.size(result.property, attrs.evolve(result)) == "replicas=2"
