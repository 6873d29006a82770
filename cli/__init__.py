"""kubecheck.cli — the ``kubecheck`` command: click parsing and text/JSON/ITF rendering, no logic."""
