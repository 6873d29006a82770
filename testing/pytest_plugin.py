"""The pytest plugin (entry point ``pytest11``): ``pytest --kubecheck DIR`` (being built, issue 17)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kubecheck")
    group.addoption(
        "--kubecheck",
        action="append",
        default=[],
        metavar="PATH",
        help="check the Kubernetes manifests under PATH with kubecheck (one test item per workload and property)",
    )
