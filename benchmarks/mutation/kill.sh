#!/bin/bash
# Check a kill both ways: run tests with one mutant switched on, in a campaign's tree.
#
#   benchmarks/mutation/kill.sh WORK MUTANT TEST...      (from the repository root)
#
# Copies the checkout's tests/behaviour into WORK/behaviour/mutants/tests/behaviour (the tests
# written after the campaign's stats run), then runs pytest on TEST... in WORK/behaviour/mutants
# with MUTANT_UNDER_TEST=MUTANT (mutmut's own trampolined copy of the code). MUTANT "" runs the
# unmutated code of the same tree. Prints pytest's last line; exit status is pytest's.
set -u
WORK=$1 MUTANT=$2
shift 2
ROOT=$(pwd)
TREE="$WORK/behaviour/mutants"
[ -d "$TREE" ] || { echo "no campaign tree at $TREE" >&2; exit 2; }
cp "$ROOT"/tests/behaviour/*.py "$TREE/tests/behaviour/"
cd "$TREE" || exit 2
MUTANT_UNDER_TEST=$MUTANT timeout 900 "$ROOT/.venv/bin/python" -c "
import sys; sys.path.insert(0, '.')
import pytest; sys.exit(pytest.main(['-x', '-q', '-p', 'no:cacheprovider', '--hypothesis-seed=0', *sys.argv[1:]]))" "$@" 2>&1 | tail -1
exit "${PIPESTATUS[0]}"
