"""The event-driven exercise's check: exact types, AWS's validation, and messages that name the events."""

import pytest

from exercises.event_driven import checks
from exercises.event_driven.checks import event
from exercises.grader.model import Outcome

pytestmark = pytest.mark.unit

EVENTS = [event("payments", "RefundRequested", amount=10), event("orders", "RefundRequested", amount=10)]
CALL = "route(function='refund_pattern', events=[...])"


def run(value: object) -> None:
    checks.delivers(EVENTS, [0])(Outcome(value, CALL))


def test_exactly_the_expected_deliveries_pass() -> None:
    run({"returned_type": "dict", "pattern": {}, "delivered": [0]})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"returned_type": "str"}, "a dict \\(an event pattern\\)"),
        ({"returned_type": "dict", "not_json": "bytes"}, "JSON data"),
        ({"returned_type": "dict", "problems": ["source: unknown operator 'prefx'"]}, "PutRule would refuse"),
        ({"returned_type": "dict", "delivered": (0,)}, "the list of delivered events"),
        (
            {"returned_type": "dict", "delivered": [0, 1]},
            "delivered but should not be.*orders / RefundRequested",
        ),
        (
            {"returned_type": "dict", "delivered": []},
            "not delivered but should be.*payments / RefundRequested",
        ),
        ("not a dict", "a dict \\(an event pattern\\)"),
    ],
)
def test_anything_else_fails_with_a_message_that_says_what(value: object, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        run(value)
