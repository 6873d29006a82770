"""Action labels: what traces print and what replay looks up."""

from __future__ import annotations

from kubecheck.model.kernel.commands import Action, Command, find_action


def _noop(ops, sc, s, **p):
    return {}


CMD = Command(
    "replicaset-controller.sync_replicaset",
    _noop,
    _noop,
    "doc",
    params=(("rs", lambda sc: range(2)), ("spread", lambda sc: [None])),
)


def test_label_names_parameters_in_declaration_order():
    assert (
        Action(CMD, (("rs", 1), ("spread", (0, 1)))).label
        == "replicaset-controller.sync_replicaset(rs=1, spread=(0, 1))"
    )


def test_a_parameter_bound_to_none_is_left_out_and_still_found():
    actions = [Action(CMD, b) for b in CMD.bindings(None)]
    assert [a.label for a in actions] == [
        "replicaset-controller.sync_replicaset(rs=0)",
        "replicaset-controller.sync_replicaset(rs=1)",
    ]
    assert find_action(actions, "replicaset-controller.sync_replicaset(rs=1)") is actions[1]


def test_no_parameters_no_parentheses():
    only_none = Command("user.pause", _noop, _noop, "doc", params=(("spread", lambda sc: [None]),))
    assert Action(only_none, (("spread", None),)).label == "user.pause"
    assert Action(Command("user.resume", _noop, _noop, "doc")).label == "user.resume"
