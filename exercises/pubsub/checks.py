"""Checks shared by the public and hidden tests of the pubsub exercise (they run in the grader)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, type_name

Check = Callable[[Outcome], None]
Message = list[Any]  # [label, message attributes as plain values, body]


def message(
    label: str, event_type: str, *, country: str = "FR", total_cents: int = 5_000, **customer: str
) -> Message:
    """An order event as the publisher sends it: attributes ``event_type``, ``country``, ``total_cents``
    and the order in the body (``customer`` holds ``tier`` and ``email`` when given)."""
    body = {
        "type": event_type,
        "order": {"id": label, "total_cents": total_cents, "country": country, "customer": dict(customer)},
    }
    return [label, {"event_type": event_type, "country": country, "total_cents": total_cents}, body]


def subscription_attributes(scope: str) -> Check:
    """Exactly a dict of two strings: a JSON object as FilterPolicy, and ``scope``."""

    def check(outcome: Outcome) -> None:
        returned = outcome.value.get("returned") if isinstance(outcome.value, dict) else None
        expect(outcome, type(returned) is dict, "a dict (exactly a dict)", f"a {type_name(returned)}")
        assert type(returned) is dict
        expect(
            outcome,
            sorted(returned) == ["FilterPolicy", "FilterPolicyScope"],
            'exactly the keys "FilterPolicy" and "FilterPolicyScope"',
            sorted(returned),
        )
        for key, value in returned.items():
            expect(outcome, type(value) is str, f"{key} as a string (exactly a str)", f"a {type_name(value)}")
        try:
            policy = json.loads(returned["FilterPolicy"])
        except json.JSONDecodeError as error:
            policy = error
        expect(
            outcome,
            type(policy) is dict and bool(policy),
            "FilterPolicy: the policy as JSON text of a non-empty object (json.dumps of a dict)",
            returned["FilterPolicy"],
        )
        expect(outcome, returned["FilterPolicyScope"] == scope, f'FilterPolicyScope "{scope}"', returned)

    return check


def receives(scope: str, expected: list[str], published: list[Message]) -> Check:
    """The queue subscribed with the learner's attributes (of ``scope``) received exactly ``expected``
    (labels, in publish order) of the ``published`` messages."""

    def check(outcome: Outcome) -> None:
        value = outcome.value if isinstance(outcome.value, dict) else {}
        if "returned" in value:  # not a dict of strings: say what is wrong with it
            subscription_attributes(scope)(outcome)
        expect(outcome, "refused" not in value, "SNS to accept the subscription", value.get("refused"))
        received = value.get("received")
        expect(outcome, type(received) is list, "a list of the messages received", received)
        assert type(received) is list
        for label in [m[0] for m in published]:
            wanted, got = label in expected, label in received
            if wanted != got:
                what = next(m for m in published if m[0] == label)
                expect(
                    outcome,
                    False,
                    f"message {label!r} {'delivered' if wanted else 'filtered out'} "
                    f"(attributes {json.dumps(what[1])}, body {json.dumps(what[2])})",
                    f"it was {'delivered' if got else 'filtered out'}; received {received}",
                )
        expect(outcome, received == expected, f"exactly {expected}, once each", received)

    return check
