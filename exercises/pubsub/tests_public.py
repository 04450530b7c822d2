"""Public tests of the pubsub exercise: run them with ``python -m exercises check pubsub``."""

from exercises.grader.model import Test

from . import checks
from .checks import message

BILLING = [
    message("placed", "OrderPlaced"),
    message("shipped", "OrderShipped"),
    message("cancelled", "OrderCancelled"),
]
FRAUD = [
    message("big-fr", "OrderPlaced", total_cents=150_000),
    message("small-fr", "OrderPlaced", total_cents=5_000),
    message("big-us", "OrderPlaced", country="US", total_cents=150_000),
    message("big-shipped", "OrderShipped", country="DE", total_cents=200_000),
]
LOYALTY = [
    message("gold-shipped", "OrderShipped", tier="gold", email="ada@example.com"),
    message("standard-shipped", "OrderShipped", tier="standard", email="sam@example.com"),
    message("gold-placed", "OrderPlaced", tier="gold", email="ada@example.com"),
]

TESTS = [
    Test(
        "billing: two strings, attribute scope",
        1,
        "attributes",
        {"subscriber": "billing"},
        checks.subscription_attributes("MessageAttributes"),
    ),
    Test(
        "billing receives placed and cancelled orders, not shipped ones",
        1,
        "deliveries",
        {"subscriber": "billing", "messages": BILLING},
        checks.receives("MessageAttributes", ["placed", "cancelled"], BILLING),
    ),
    Test(
        "fraud review: two strings, body scope",
        2,
        "attributes",
        {"subscriber": "fraud"},
        checks.subscription_attributes("MessageBody"),
    ),
    Test(
        "fraud review receives a large order placed outside the US, nothing else",
        2,
        "deliveries",
        {"subscriber": "fraud", "messages": FRAUD},
        checks.receives("MessageBody", ["big-fr"], FRAUD),
    ),
    Test(
        "loyalty: two strings, body scope",
        3,
        "attributes",
        {"subscriber": "loyalty"},
        checks.subscription_attributes("MessageBody"),
    ),
    Test(
        "loyalty receives shipped orders of gold customers only",
        3,
        "deliveries",
        {"subscriber": "loyalty", "messages": LOYALTY},
        checks.receives("MessageBody", ["gold-shipped"], LOYALTY),
    ),
]
