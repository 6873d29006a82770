"""kubecheck.cli — the ``kubecheck`` command: click parsing and text/JSON/JUnit/ITF rendering, no logic."""
