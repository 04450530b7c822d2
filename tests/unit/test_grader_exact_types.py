"""Exact types before values: ``support.same``/``expect_equal`` and the child's strict JSON refuse what
only imitates the expected value (1 for True, 2.0 for 2, a tuple for a list, a subclass)."""

import pytest

from exercises.grader.child import _strict_json
from exercises.grader.model import Outcome
from exercises.grader.support import expect_equal, same

OUTCOME = Outcome(None, "probe(x=1)")


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (1, True),
        (0, False),
        (2.0, 2),
        (2, 2.0),
        ([1, 0], [True, False]),
        ({"status": 201.0}, {"status": 201}),
        ((1, 2), [1, 2]),
        ({"a": [1, {"b": True}]}, {"a": [1, {"b": 1}]}),
        ([1, 2], [1, 2, 3]),
        ({"a": 1}, {"a": 1, "b": 2}),
    ],
)
def test_values_that_are_equal_in_python_but_not_of_the_same_type_differ(actual, expected):
    assert not same(actual, expected)


@pytest.mark.parametrize(
    "value", [None, True, 3, 2.5, "x", [], {}, [1, [True, None]], {"a": {"b": [1.5, "c"]}}]
)
def test_plain_data_is_the_same_as_itself(value):
    assert same(value, value)


def test_expect_equal_names_where_the_types_differ():
    outcome = Outcome({"returned": [True, 1]}, "save(users=[...])")
    with pytest.raises(AssertionError) as failure:
        expect_equal(outcome, "returned", [True, True], "what save_user returned")
    message = str(failure.value)
    assert "called save(users=[...])" in message
    assert "at [1]: an int, expected a bool" in message


class _FakeList(list[int]):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__  # type: ignore[assignment]


class _FakeFloat(float):
    pass


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ({"returned": _FakeList([1])}, "result['returned'] is a"),
        ({"returned": _FakeList([1])}, "it imitates a list, but is not one"),
        ([_FakeFloat(1.5)], "it imitates a float, but is not one"),
        ({"returned": (1, 2)}, "is a tuple"),
        ({1: "x"}, "has a key of type int"),
        (float("nan"), "which JSON cannot carry"),
        (object(), "not plain JSON data"),
    ],
)
def test_the_child_refuses_what_is_not_plain_json_data(value, says):
    with pytest.raises(TypeError, match=r"^result") as refused:
        _strict_json(value)
    assert says in str(refused.value)
