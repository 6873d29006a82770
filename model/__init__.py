"""kubecheck.model — the world: a model-agnostic kernel and the controller models.

A model is written once and read by every engine. Here is a toy checked end to end: a counter
that a "controller" increments up to a limit and a "user" resets::

    import attrs
    from kubecheck.model.kernel.commands import Command, Model
    from kubecheck.model.kernel.schema import int_field
    from kubecheck.checker.explicit import bfs
    from kubecheck.checker.task import Task
    from kubecheck.model.kernel.property import Property

    @attrs.frozen
    class Scope:
        limit: int = 3

    @attrs.frozen
    class State:
        count: int = int_field(0, lambda sc: sc.limit)

    def can_step(ops, sc, s):             # guards and effects take ops: the same code runs
        return s.count < sc.limit          # on ints, compiled Python and z3 terms

    def step(ops, sc, s):
        return {"count": s.count + 1}      # only the fields that change

    toy = Model(name="toy", title="counter", kubernetes="-", state_cls=State, scope_cls=Scope,
                init=lambda sc: State(0),
                commands=(Command("controller.increment", can_step, step, "count up"),
                          Command("user.reset", lambda ops, sc, s: s.count > 0,
                                  lambda ops, sc, s: {"count": 0}, "reset", kind="user")),
                quiescent=lambda ops, sc, s: True, presets={"tiny": Scope()})
    bounded = Property(name="toy.bounded", kind="always", doc="count stays within the limit",
                       upstream="-", predicate=lambda ops, sc, s: s.count <= sc.limit)
    [result] = bfs.check(Task(model=toy, scope=Scope(), properties=[bounded]))
    assert result.verdict.value == "HOLDS" and result.stats.states == 4

Guards never use ``if``/``and``/``or``/``min``/``max``/``//`` on state values; they call
``ops`` (see :mod:`kubecheck.model.kernel.ops`). ``tests/model/test_model_code.py`` enforces it.

Layout: ``kernel/`` (ops, schema, commands, the Property type, scopes, traces, intstr) and
``controllers/`` (per kind: ``<kind>.py`` commands, ``<kind>_sync.py``, ``<kind>_util.py`` pure
helpers, ``<kind>_scope.py`` constants and named presets, ``<kind>_state.py`` the state class;
the shared cluster and volumes).
"""
