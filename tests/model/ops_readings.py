"""The explicit engine's reading of a helper written with ``ops``, for tests that check that every
reading of the arithmetic agrees (ints, z3 terms, and the Python the compiler emits)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubecheck.checker.explicit.compile import Emitter, Expr, SourceOps, code


def compiled(fn: Callable[..., Any], arity: int) -> Callable[..., Any]:
    """``fn`` through SourceOps, the emitted lines run as Python: a function of ``arity`` plain values."""
    em = Emitter()
    out = fn(SourceOps(em), *[Expr(f"a{i}", em) for i in range(arity)])
    outs = out if isinstance(out, tuple) else (out,)
    params = ", ".join(f"a{i}" for i in range(arity))
    source = "\n".join([f"def f({params}):", *em.lines, f"    return ({', '.join(code(o) for o in outs)},)"])
    namespace: dict = {}
    exec(source, namespace)
    return lambda *args: (lambda r: r if isinstance(out, tuple) else r[0])(namespace["f"](*args))
