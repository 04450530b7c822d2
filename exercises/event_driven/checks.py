"""Checks shared by the public and hidden tests of the event-driven exercise (they run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect

Check = Callable[[Outcome], None]


def event(source: str, detail_type: str, **detail: Any) -> dict[str, Any]:
    """One event as the probe sends it."""
    return {"source": source, "detail-type": detail_type, "detail": detail}


def describe(sent: dict[str, Any]) -> str:
    return f"{sent['source']} / {sent['detail-type']} {sent['detail']}"


def delivers(events: list[dict[str, Any]], expected: list[int]) -> Check:
    """A dict AWS would accept, whose rule delivered exactly ``events[i]`` for each i in ``expected``."""

    def check(outcome: Outcome) -> None:
        value = outcome.value if type(outcome.value) is dict else {}
        returned = value.get("returned_type")
        expect(outcome, returned == "dict", "a dict (an event pattern)", {"returned": returned})
        expect(outcome, "not_json" not in value, "a pattern made of JSON data", value.get("not_json"))
        problems = value.get("problems") or []
        expect(
            outcome, not problems, "a pattern EventBridge accepts (PutRule would refuse this one)", problems
        )
        delivered = value.get("delivered")
        expect(outcome, type(delivered) is list, "the list of delivered events", value)
        assert type(delivered) is list
        missed = [describe(events[i]) for i in expected if i not in delivered]
        extra = [describe(events[i]) for i in delivered if i not in expected]
        expect(
            outcome,
            not missed and not extra,
            "exactly the events the task describes",
            {
                "pattern": value.get("pattern"),
                "not delivered but should be": missed,
                "delivered but should not be": extra,
            },
        )

    return check
