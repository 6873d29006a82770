"""``kubecheck list``: the models, presets, parameters and properties; ``python -m kubecheck.cli``."""

from __future__ import annotations

import pytest
from cli_helpers import assert_expected, kubecheck, one_error_line

from kubecheck.model.kernel import scopes
from kubecheck.properties import catalog

# -- list ----------------------------------------------------------------------------------


def test_list_output_is_pinned():
    result = kubecheck("list")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert_expected("list.txt", result.stdout)


@pytest.mark.parametrize("name", sorted(catalog.MODELS))
def test_list_of_one_model_is_its_section_of_the_listing(name):
    one = kubecheck("list", name)
    assert one.exit_code == 0
    table, section = one.stdout.split("\n\n", 1)
    assert table.splitlines()[1].startswith(f"{name} ") and len(table.splitlines()) == 2
    assert section in kubecheck("list").stdout


def test_list_statefulset_shows_its_liveness_properties_with_their_fairness():
    out = kubecheck("list", "statefulset").stdout
    assert "  statefulset.rolling_update_eventually_completes  (leads_to)\n" in out
    assert "  statefulset.scale_eventually_completes  (leads_to)\n" in out
    assert "      fairness: weak fairness of controller, kubelet and scheduler actions" in out
    assert "  broken-release " in out


def test_list_unknown_model_lists_the_models():
    result = kubecheck("list", "statefull")
    assert result.exit_code == 2
    assert one_error_line(result) == f"unknown model 'statefull'; models: {', '.join(catalog.MODELS)}"


@pytest.mark.parametrize("name", sorted(catalog.MODELS))
def test_list_parameters_show_the_values_of_the_default_preset(name):
    model = catalog.model(name)
    out = kubecheck("list", name).stdout
    table = out.split("Parameters (--set NAME=VALUE):\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert table[0].split()[:3] == ["parameter", "default", "(small)"]
    start, end = table[0].index("default"), table[0].index("meaning")
    shown = {line.split()[0]: line[start:end].strip() for line in table[1:] if not line.startswith("    ")}
    small = model.presets["small"]
    for field, info in scopes.params(model.scope_cls):
        assert shown[info.cli] == (info.show(getattr(small, field)) or "''"), info.cli


def test_list_deployment_max_surge_is_small_presets_1_not_the_class_default():
    out = kubecheck("list", "deployment").stdout
    assert "  max-surge                 1                spec.strategy.rollingUpdate.maxSurge" in out
