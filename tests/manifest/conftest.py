"""Fixtures of the manifest tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def write(tmp_path):
    def _write(name: str, text: str | bytes):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        return path

    return _write
