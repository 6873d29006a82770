"""What a Kubernetes user is told about inputs that are not what the API server accepts.

Unrendered Helm templates, removed API versions, misspelt kinds, duplicate keys, selectors
whose ``matchExpressions`` miss the template's labels, empty ``containers``: each is one line
naming the file, the field, what was expected and what came, and exit 2 (issue 12, item 6).
The known-bad files of the public corpus (``tests/corpus/manifests/bad/``) are used as they are.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from manifest_texts import deployment

from kubecheck.cli.main import cli

BAD = Path(__file__).resolve().parents[1] / "corpus" / "manifests" / "bad"
HELM = "render it first with `helm template`"


def error_line(*args: str, stdin: str | None = None) -> str:
    """The one ``Error: …`` line of ``kubecheck ARGS`` (exit 2, nothing on stdout)."""
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0][len("Error: ") :]


# -- unrendered Helm ------------------------------------------------------------------------


def test_an_unrendered_helm_chart_is_named_as_such() -> None:
    path = BAD / "metrics-server-helm-template-deployment.yaml"
    assert error_line("check", "-f", str(path)) == (
        f"{path}: looks like an unrendered Helm template "
        f'(line 7: {{{{- include "metrics-server.labels" . | nindent 4 }}}}); {HELM}'
    )


def test_a_helm_value_as_a_mapping_key_is_not_an_unhashable_key() -> None:
    text = deployment().replace("replicas: 3", "replicas: {{ .Values.replicas }}")
    assert error_line("check", "-f", "-", stdin=text) == (
        f"<stdin>: looks like an unrendered Helm template (line 5: {{{{ .Values.replicas }}}}); {HELM}"
    )


def test_a_quoted_helm_value_is_named_where_its_type_is_wrong() -> None:
    text = deployment().replace("replicas: 3", 'replicas: "{{ .Values.replicas }}"')
    assert error_line("check", "-f", "-", stdin=text) == (
        "<stdin> (document 1): deployment/web: spec.replicas: expected an integer, got the string "
        f"'{{{{ .Values.replicas }}}}' (looks like an unrendered Helm template; {HELM})"
    )


def test_invalid_yaml_without_template_actions_is_still_invalid_yaml() -> None:
    assert error_line("check", "-f", "-", stdin="a: [1, 2\n").startswith("<stdin>: invalid YAML at line 2")
