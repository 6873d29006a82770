"""The cross-check helpers' asserts are rewritten by pytest (registered before any test module imports them)."""

import pytest

pytest.register_assert_rewrite("crosscheck", "liveness_crosscheck")
