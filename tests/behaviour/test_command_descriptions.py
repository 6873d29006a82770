"""Every command of every model explains itself in one line.

The report's vacuity warning (cli/report_text.py ``coverage``) lists the commands an exhaustive
search never fired, each followed by its description (``Command.doc``), and ``kubecheck`` traces
label each step with the command; a command without a description breaks that report. The
models are the catalog's (properties/catalog.py ``MODELS``), their commands as the model builds
them (model/controllers/statefulset.py ``_controller``, volumes.py ``volume_commands``, ...).
Kills statefulset ``_controller`` 5 and volumes ``volume_commands`` 226 (a description dropped).
"""

from __future__ import annotations

import pytest

from kubecheck.properties.catalog import MODELS


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_every_command_has_a_one_line_description(kind: str) -> None:
    model = MODELS[kind]
    missing = [c.name for c in model.commands if not isinstance(c.doc, str) or not c.doc.strip()]
    assert not missing, f"{kind}: commands without a description: {missing}"
