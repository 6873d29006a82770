"""``python -m kubecheck.cli``: the same as the ``kubecheck`` command."""

from kubecheck.cli.main import main

if __name__ == "__main__":
    main()
