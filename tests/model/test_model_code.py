"""Model code never branches on state values with Python (DESIGN.md, "A model is written once and read twice").

Guards, effects, property predicates and the pure helpers take an ``ops`` first and must use
``ops.ite``/``and_``/``or_``/``not_``/``min_``/``max_``/``floor_div`` wherever a value comes from
the state: Python's ``if``, conditional expressions, ``and``/``or``, ``not``, ``min``/``max`` and
``//`` force a truth value or pick a branch, which a z3 term cannot do (and z3's ``==`` even
*has* a truth value — structural equality — so such code would be silently wrong).

Two checks:

* **static**: an AST walk over ``model/controllers/*.py`` and ``properties/*.py`` (not
  ``properties/base.py``) of every function whose first parameter is ``ops``;
* **dynamic**: compiling a model runs every guard and effect on values that refuse to be a
  truth value (:class:`kubecheck.checker.explicit.compile.Expr`), so a branch on state raises
  :class:`~kubecheck.checker.explicit.compile.ModelCodeError`.

Scope values are concrete, and DESIGN.md lets model code branch on them (``if sc.strategy ==
ROLLING_UPDATE``). So the static check is a small taint analysis rather than a ban on the
syntax: a construct is rejected when its deciding operand (the test of an ``if``/``IfExp``, the
operands of ``and``/``or``/``not``/``min``/``max``/``//``) depends on a *state-derived* value.
State-derived are the function's parameters other than ``ops`` and the scope (a parameter
named ``sc``/``scope``, or annotated with a concrete type such as ``int``, ``str``,
``IntOrPercent``), every name assigned from a state-derived expression or from an ``ops``
call, and loop variables over state-derived iterables. ``len(...)`` is concrete (tuple fields
have fixed lengths).
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import attrs
import pytest

from kubecheck.checker.explicit.compile import ModelCodeError, compile_model
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.schema import int_field

ROOT = Path(__file__).resolve().parents[2]

#: Parameter names that hold the scope (concrete) in model code.
SCOPE_NAMES = {"sc", "scope", "self"}
#: Type names that make an annotated parameter concrete (command parameters, scope constants):
#: a parameter is concrete when every name in its annotation is one of these or ends in "Scope"
#: (``rs: int``, ``max_unavailable: IntOrPercent | None``, ``kinds: tuple[str, ...]``).
CONCRETE_TYPES = {"int", "str", "bool", "float", "None", "IntOrPercent", "tuple", "frozenset", "ScalingRules"}
# ScalingRules: an autoscaler's spec.behavior direction after defaulting (hpa_util), a scope constant
#: Functions whose result is concrete whatever their argument.
CONCRETE_CALLS = {"len", "range", "isinstance", "type"}


def model_files() -> list[Path]:
    files = sorted((ROOT / "model" / "controllers").glob("*.py"))
    files += [p for p in sorted((ROOT / "properties").glob("*.py")) if p.name != "base.py"]
    return files


def _params(fn: ast.FunctionDef | ast.Lambda) -> list[ast.arg]:
    a = fn.args
    out = a.posonlyargs + a.args + a.kwonlyargs
    if a.vararg:
        out.append(a.vararg)
    if a.kwarg:
        out.append(a.kwarg)
    return out


def _is_concrete_param(arg: ast.arg) -> bool:
    if arg.arg in SCOPE_NAMES:
        return True
    if arg.annotation is None or ast.unparse(arg.annotation) == "tuple":
        return False
    names = [n.id for n in ast.walk(arg.annotation) if isinstance(n, ast.Name)]
    return bool(names) and all(n in CONCRETE_TYPES or n.endswith("Scope") for n in names)


def _names(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


class _Checker:
    """Taint analysis of one function whose first parameter is ``ops``."""

    def __init__(self, path: str, tainted: set[str]):
        self.path = path
        self.tainted = set(tainted)
        self.problems: list[str] = []

    # -- which expressions are state-derived ----------------------------------------------

    def is_state(self, node: ast.AST | None) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Name):
            return node.id in self.tainted
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in CONCRETE_CALLS:
                return False
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "ops":
                return True  # ops builds terms: its results are symbolic
            return any(self.is_state(x) for x in [func, *node.args, *[k.value for k in node.keywords]])
        if isinstance(node, (ast.Lambda, ast.FunctionDef)):
            return False
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            saved = set(self.tainted)
            self.bind_comprehensions(node.generators)
            elts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            result = any(self.is_state(e) for e in elts)
            self.tainted = saved
            return result
        return any(self.is_state(child) for child in ast.iter_child_nodes(node))

    def bind(self, target: ast.AST, state: bool) -> None:
        for name in _names(target):
            if state:
                self.tainted.add(name)
            else:
                self.tainted.discard(name)

    def bind_comprehensions(self, generators: list[ast.comprehension]) -> None:
        for gen in generators:
            self.bind(gen.target, self.is_state(gen.iter))

    # -- the rejected constructs ----------------------------------------------------------

    def report(self, node: ast.AST, what: str) -> None:
        self.problems.append(f"{self.path}:{node.lineno}: {what} on a state-derived value: {ast.unparse(node)[:70]}")

    def inspect(self, node: ast.AST) -> None:
        """Report rejected constructs inside one expression (comprehensions bind their variables)."""
        if isinstance(node, (ast.Lambda, ast.FunctionDef)):
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            saved = set(self.tainted)
            for gen in node.generators:
                self.inspect(gen.iter)
                self.bind(gen.target, self.is_state(gen.iter))
                for cond in gen.ifs:
                    if self.is_state(cond):
                        self.report(cond, "comprehension `if`")
                    self.inspect(cond)
            for e in [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]:
                self.inspect(e)
            self.tainted = saved
            return
        if isinstance(node, ast.IfExp) and self.is_state(node.test):
            self.report(node, "conditional expression (x if c else y)")
        elif isinstance(node, ast.BoolOp) and any(self.is_state(v) for v in node.values):
            self.report(node, f"`{'and' if isinstance(node.op, ast.And) else 'or'}`")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and self.is_state(node.operand):
            self.report(node, "`not`")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("min", "max")
            and any(self.is_state(a) for a in node.args)
        ):
            self.report(node, f"builtin `{node.func.id}`")
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.FloorDiv)
            and (self.is_state(node.left) or self.is_state(node.right))
        ):
            self.report(node, "`//`")
        elif isinstance(node, ast.Compare) and len(node.ops) > 1 and self.is_state(node):
            self.report(node, "chained comparison")
        for child in ast.iter_child_nodes(node):
            self.inspect(child)

    # -- statements ------------------------------------------------------------------------

    def run(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if _first_param(stmt) == "ops":
                return  # checked on its own
            inner = _Checker(self.path, self.tainted | {a.arg for a in _params(stmt) if not _is_concrete_param(a)})
            inner.run(stmt.body)
            self.problems += inner.problems
            return
        if isinstance(stmt, ast.If):
            if self.is_state(stmt.test):
                self.report(stmt, "`if` statement")
            self.inspect(stmt.test)
            self.run(stmt.body)
            self.run(stmt.orelse)
            return
        if isinstance(stmt, ast.While):
            if self.is_state(stmt.test):
                self.report(stmt, "`while` loop")
            self.inspect(stmt.test)
            self.run(stmt.body)
            self.run(stmt.orelse)
            return
        if isinstance(stmt, ast.For):
            self.inspect(stmt.iter)
            self.bind(stmt.target, self.is_state(stmt.iter))
            self.run(stmt.body)
            self.run(stmt.orelse)
            return
        if isinstance(stmt, ast.Assert):
            if self.is_state(stmt.test):
                self.report(stmt, "`assert`")
            self.inspect(stmt.test)
            return
        if isinstance(stmt, ast.Assign):
            self.inspect(stmt.value)
            state = self.is_state(stmt.value)
            for target in stmt.targets:
                self._assign(target, stmt.value, state)
            return
        if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            if stmt.value is not None:
                self.inspect(stmt.value)
                state = self.is_state(stmt.value) or (isinstance(stmt, ast.AugAssign) and self.is_state(stmt.target))
                self.bind(stmt.target, state) if isinstance(stmt.target, ast.Name) else None
            return
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.stmt):
                self.statement(child)
            else:
                self.inspect(child)

    def _assign(self, target: ast.AST, value: ast.AST, state: bool) -> None:
        # `a, b = x, y` taints element-wise; everything else taints every name it binds
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            for t, v in zip(target.elts, value.elts):
                self._assign(t, v, self.is_state(v))
        elif isinstance(target, ast.Name):
            self.bind(target, state)
        elif isinstance(target, (ast.Tuple, ast.List)):
            self.bind(target, state)
        # subscript / attribute targets (w["x"][t] = ...) bind no name


def _first_param(fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> str | None:
    params = fn.args.posonlyargs + fn.args.args
    return params[0].arg if params else None


def check_source(source: str, path: str = "<snippet>") -> list[str]:
    """Problems in every function (or lambda) whose first parameter is ``ops``, as ``file:line: ...``."""
    tree = ast.parse(source)
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and _first_param(node) == "ops":
            tainted = {a.arg for a in _params(node) if a.arg != "ops" and not _is_concrete_param(a)}
            checker = _Checker(path, tainted)
            if isinstance(node, ast.Lambda):
                checker.inspect(node.body)
            else:
                checker.run(node.body)
            problems += checker.problems
    return problems


def _ops_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    return [
        getattr(n, "name", "<lambda>")
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and _first_param(n) == "ops"
    ]


# -- the real model code -------------------------------------------------------------------


def test_model_files_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in model_files()}
    assert {
        "model/controllers/deployment.py",
        "model/controllers/deployment_sync.py",
        "model/controllers/deployment_util.py",
        "properties/deployment.py",
    } <= names
    assert "properties/base.py" not in names


@pytest.mark.parametrize("path", model_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_model_code_does_not_branch_on_state(path: Path) -> None:
    problems = check_source(path.read_text(), path.relative_to(ROOT).as_posix())
    assert not problems, "model code uses Python control flow on state values; use ops:\n" + "\n".join(problems)


def test_the_walk_reaches_the_guards_effects_and_predicates() -> None:
    """The check is not vacuous: it visits the functions that matter."""
    seen = {name for p in model_files() for name in _ops_functions(p)}
    assert {
        "_rs_guard",
        "_rs_effect",
        "_create_guard",
        "_scale_guard",
        "_undo_guard",
        "replicas_within_surge",
        "availability_floor",
        "revisions_unique",
        "resolve_fenceposts",
        "new_rs_new_replicas",
        "get_proportion",
        "rollout_complete",
        "quiescent",
    } <= seen


# -- the checker flags what it must --------------------------------------------------------

BAD_SNIPPETS = {
    "`if` statement": """
        def guard(ops, sc, s):
            if s.count > 0:
                return True
            return False
        """,
    "conditional expression": """
        def effect(ops, sc, s):
            return {"count": 0 if s.count > 2 else s.count + 1}
        """,
    "`and`": """
        def guard(ops, sc, s):
            return s.count > 0 and s.flag
        """,
    "`or`": """
        def guard(ops, sc, s):
            return s.flag or s.count > 0
        """,
    "`not`": """
        def guard(ops, sc, s):
            return not s.flag
        """,
    "builtin `min`": """
        def effect(ops, sc, s):
            return {"count": min(s.count + 1, sc.limit)}
        """,
    "builtin `max`": """
        def effect(ops, sc, s):
            return {"count": max(s.count - 1, 0)}
        """,
    "`//`": """
        def effect(ops, sc, s):
            return {"count": s.count // 2}
        """,
    "chained comparison": """
        def guard(ops, sc, s):
            return 0 < s.count < sc.limit
        """,
    "lambda": """
        guard = lambda ops, sc, s: s.count > 0 and s.flag
        """,
    "through a local": """
        def guard(ops, sc, s):
            total = ops.sum_(s.counts)
            half = total // 2
            return half > 1
        """,
    "through an ops result": """
        def guard(ops, sc, s):
            big = ops.max_(s.a, s.b)
            if big:
                return True
            return False
        """,
    "through a helper call": """
        def guard(ops, sc, s):
            plan = make_plan(ops, sc, s)
            return plan.ready or plan.done
        """,
    "through a loop variable": """
        def guard(ops, sc, s):
            for value in s.counts:
                if value > 0:
                    return True
            return False
        """,
    "in a comprehension": """
        def guard(ops, sc, s):
            return ops.or_(*[x > 0 for x in s.counts if x])
        """,
    "a symbolic helper argument": """
        def max_surge(ops, strategy: str, desired, replicas):
            return desired if replicas > 0 else 0
        """,
    "in a nested helper": """
        def effect(ops, sc, s):
            def bump(v):
                return v + 1 if v < 3 else v
            return {"count": bump(s.count)}
        """,
}


@pytest.mark.parametrize("snippet", list(BAD_SNIPPETS.values()), ids=list(BAD_SNIPPETS))
def test_checker_flags_state_dependent_python_control_flow(snippet: str) -> None:
    problems = check_source(textwrap.dedent(snippet), "toy.py")
    assert problems, "the checker missed a construct on a state value"
    assert all(p.startswith("toy.py:") for p in problems)


def test_checker_reports_file_and_line() -> None:
    source = textwrap.dedent("""
        def guard(ops, sc, s):
            x = s.count
            return x > 0 and s.flag
        """)
    assert check_source(source, "model/controllers/toy.py") == [
        "model/controllers/toy.py:4: `and` on a state-derived value: x > 0 and s.flag"
    ]


GOOD_SNIPPETS = {
    "branch on the scope": """
        def guard(ops, sc, s):
            if sc.strategy == "RollingUpdate":
                return s.count > 0
            return s.count > 1
        """,
    "branch on a concrete command parameter": """
        def guard(ops, sc, s, rs: int, phase: str):
            if rs == 0 and phase != "ready":
                return s.count > 0
            return ops.and_(s.count > 1, s.flag)
        """,
    "branch on a scope constant of a helper": """
        def max_surge(ops, strategy: str, surge: IntOrPercent, replicas):
            if strategy != "RollingUpdate":
                return 0
            return ops.scaled_value(surge, replicas, round_up=True)
        """,
    "lengths are concrete": """
        def guard(ops, sc, s):
            k = len(s.rs_exists)
            if k > 1:
                return ops.or_(*[s.rs_exists[t] for t in range(k) if t > 0])
            return s.rs_exists[0]
        """,
    "functions without ops are not model code": """
        def describe(sc, s):
            return "busy" if s.count > 0 and not s.flag else "idle"
        """,
    "ops spelled out": """
        def effect(ops, sc, s):
            return {"count": ops.ite(s.count > 2, 0, ops.min_(s.count + 1, sc.limit)),
                    "half": ops.floor_div(s.count, 2), "on": ops.and_(s.flag, ops.not_(s.off))}
        """,
}


@pytest.mark.parametrize("snippet", list(GOOD_SNIPPETS.values()), ids=list(GOOD_SNIPPETS))
def test_checker_allows_concrete_control_flow(snippet: str) -> None:
    assert check_source(textwrap.dedent(snippet)) == []


# -- dynamic detection: compiling refuses a branch on state --------------------------------


@attrs.frozen
class _Scope:
    limit: int = 3


@attrs.frozen
class _State:
    count: int = int_field(0, lambda sc: sc.limit)
    other: int = int_field(0, lambda sc: sc.limit)


def _step(ops, sc, s):
    return {"count": ops.min_(s.count + 1, sc.limit)}


DYNAMIC = {
    "if": (lambda ops, sc, s: _if_guard(s), _step),
    "and": (lambda ops, sc, s: s.count < sc.limit and s.other == 0, _step),
    "or": (lambda ops, sc, s: s.count < sc.limit or s.other > 0, _step),
    "not": (lambda ops, sc, s: not s.count, _step),
    "min": (lambda ops, sc, s: s.count < sc.limit, lambda ops, sc, s: {"count": min(s.count + 1, sc.limit)}),
    "max": (lambda ops, sc, s: s.count < sc.limit, lambda ops, sc, s: {"count": max(s.count, s.other)}),
    "floordiv": (lambda ops, sc, s: s.count < sc.limit, lambda ops, sc, s: {"count": s.count // 2}),
    "ifexp": (lambda ops, sc, s: s.count < sc.limit, lambda ops, sc, s: {"count": 0 if s.count else 1}),
    "chained": (lambda ops, sc, s: 0 <= s.count < sc.limit, _step),
    "index": (lambda ops, sc, s: s.count < sc.limit, lambda ops, sc, s: {"count": (0, 1, 2, 3)[s.count]}),
}


def _if_guard(s):
    if s.count < 3:
        return True
    return False


def _toy(guard, effect) -> Model:
    return Model(
        name="toy",
        title="toy",
        kubernetes="-",
        state_cls=_State,
        scope_cls=_Scope,
        init=lambda sc: _State(0, 0),
        commands=(Command("controller.step", guard, effect, "step"),),
        quiescent=lambda ops, sc, s: True,
        presets={"tiny": _Scope()},
    )


@pytest.mark.parametrize("construct", list(DYNAMIC))
def test_compiling_a_branch_on_state_raises_model_code_error(construct: str) -> None:
    guard, effect = DYNAMIC[construct]
    model = _toy(guard, effect)
    # the reference interpreter happily evaluates it on ints ...
    assert model.actions(_Scope())[0].guard(CONCRETE, _Scope(), _State(1, 0)) in (True, False)
    # ... but every symbolic reading refuses it
    with pytest.raises(ModelCodeError):
        compile_model(model, _Scope())


def test_compiling_ops_spelled_model_code_succeeds() -> None:
    model = _toy(lambda ops, sc, s: ops.and_(s.count < sc.limit, ops.not_(s.other > 0)), _step)
    compiled = compile_model(model, _Scope())
    assert compiled.successors((0, 0)) == [(0, (1, 0))]
    assert compiled.successors((3, 0)) == []
    assert compiled.successors((1, 1)) == []


@pytest.mark.parametrize(
    ("signature", "concrete"),
    [
        ("rs: int", True),
        ("phase: str", True),
        ("max_unavailable: IntOrPercent | None", True),
        ("sc: Any", True),
        ("kinds: tuple[str, ...]", True),
        ("scope: DeploymentScope", True),
        ("s: Any", False),
        ("replicas", False),
        ("values: tuple", False),
        ("before: Sequence[Sequence[Any]]", False),
        ("w: dict[str, list]", False),
    ],
)
def test_which_parameters_count_as_concrete(signature: str, concrete: bool) -> None:
    fn = ast.parse(f"def f(ops, {signature}): pass").body[0]
    assert _is_concrete_param(_params(fn)[1]) is concrete
