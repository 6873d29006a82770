"""The explicit compiler substitutes a temp read by one line into that line (``compile.py``
:func:`inline_single_use`): the generated code computes the same values with fewer lines.

The model-level check is ``tests/model/test_compiled_semantics.py`` (compiled successors against
the reference interpreter) and the pinned state counts; here the transformation itself, on
small programs of the shape the compiler emits, run before and after on every input.
"""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from kubecheck.checker.explicit.compile import MAX_NESTING, inline_single_use

PROGRAM = [
    "    t0 = s0 == 0",
    "    t1 = s1 == 0",
    "    t2 = (t0 and t1)",
    "    t3 = (1 if t2 else 0)",
    "    t4 = s0 + s1",
    "    t5 = t3 + t4",
    "    t6 = (t5 if t5 < s2 else s2)",  # min: t5 read twice, kept
    "    t7 = not t0",
    "    if t7:",
    "        t8 = s2 - t6",
    "        out.append(t8)",
    "    out.append(t6)",
]


def _run(lines: list[str], s0: int, s1: int, s2: int) -> list[int]:
    namespace: dict = {}
    exec("def f(s0, s1, s2):\n    out = []\n" + "\n".join(lines) + "\n    return out\n", namespace)
    return namespace["f"](s0, s1, s2)


def test_single_reads_are_substituted_and_a_value_read_twice_is_kept() -> None:
    out = inline_single_use(PROGRAM)
    assert out == [
        "    t0 = s0 == 0",
        "    t5 = (1 if (t0 and (s1 == 0)) else 0) + (s0 + s1)",
        "    t6 = (t5 if t5 < s2 else s2)",
        "    if (not t0):",
        "        out.append((s2 - t6))",
        "    out.append(t6)",
    ]


@given(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3))
def test_the_inlined_program_computes_the_same_values(s0: int, s1: int, s2: int) -> None:
    assert _run(inline_single_use(PROGRAM), s0, s1, s2) == _run(PROGRAM, s0, s1, s2)


def test_a_chain_stops_where_the_line_would_nest_too_deep() -> None:
    depth = 2 * MAX_NESTING
    chain = ["    t0 = s0 + 1"] + [f"    t{i} = (t{i - 1} if s1 else s2)" for i in range(1, depth)]
    chain.append(f"    out.append(t{depth - 1})")
    out = inline_single_use(chain)
    assert 1 < len(out) < len(chain)
    assert all(line.count("(") <= MAX_NESTING + 1 for line in out)
    for s0, s1, s2 in itertools.product((0, 5), (True, False), (7,)):
        assert _run(out, s0, s1, s2) == _run(chain, s0, s1, s2)
