#!/bin/bash
# Check a kill both ways: run tests with one mutant switched on, in a campaign's tree.
#
#   benchmarks/mutation/kill.sh WORK MUTANT TEST...      (from the repository root)
#
# Copies the checkout's tests/ (with the tests written after the campaign's stats run) and
# pyproject.toml to WORK/kill-tests (never into the campaign's own tree, which a running campaign
# still reads), then runs pytest on TEST... (paths as in the checkout: tests/behaviour/...) from
# WORK/behaviour/mutants with MUTANT_UNDER_TEST=MUTANT, so kubecheck is mutmut's trampolined copy.
# MUTANT "" runs the unmutated code of the same tree. Prints pytest's last line; exits with
# pytest's status.
set -u
WORK=$(cd "$1" && pwd) MUTANT=$2
shift 2
ROOT=$(pwd)
TREE="$WORK/behaviour/mutants"
[ -d "$TREE" ] || { echo "no campaign tree at $TREE" >&2; exit 2; }
TESTS="$WORK/kill-tests"
rm -rf "$TESTS" && mkdir -p "$TESTS"
cp -r "$ROOT/tests" "$TESTS/tests" && cp "$ROOT/pyproject.toml" "$TESTS/"
find "$TESTS" -name __pycache__ -prune -exec rm -rf {} +
ARGS=()
for t in "$@"; do ARGS+=("$TESTS/$t"); done
cd "$TREE" || exit 2
MUTANT_UNDER_TEST=$MUTANT timeout 900 "$ROOT/.venv/bin/python" -c "
import sys; sys.path.insert(0, '.')
import pytest; sys.exit(pytest.main(['-x', '-q', '-p', 'no:cacheprovider', '--hypothesis-seed=0', *sys.argv[1:]]))" "${ARGS[@]}" 2>&1 | tail -1
exit "${PIPESTATUS[0]}"
