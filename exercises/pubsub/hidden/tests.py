"""Hidden tests of the pubsub exercise: the rules of the README, at their edges (not shipped)."""

from exercises.grader.model import Test

from .. import checks
from ..checks import message

NEW_TYPE = [message("refunded", "OrderRefunded"), message("shipped", "OrderShipped")]
NO_ATTRIBUTE = [["no-attribute", {"country": "FR"}, {"type": "OrderPlaced", "order": {"id": "x"}}]]
ATTRIBUTE_DECIDES = [
    ["attr-placed", {"event_type": "OrderPlaced"}, {"type": "OrderShipped", "order": {"id": "a"}}],
    ["attr-shipped", {"event_type": "OrderShipped"}, {"type": "OrderPlaced", "order": {"id": "b"}}],
]
THRESHOLD = [
    message("exactly-1000", "OrderPlaced", total_cents=100_000),
    message("a-cent-less", "OrderPlaced", total_cents=99_999),
]
ANY_COUNTRY = [
    message("gb", "OrderPlaced", country="GB", total_cents=300_000),
    message("jp", "OrderPlaced", country="JP", total_cents=100_001),
    message("us", "OrderPlaced", country="US", total_cents=900_000),
]
BODY_DECIDES_FRAUD = [
    [
        "attrs-big-body-small",
        {"event_type": "OrderPlaced", "country": "FR", "total_cents": 500_000},
        {"type": "OrderPlaced", "order": {"id": "c", "total_cents": 5_000, "country": "FR"}},
    ],
    [
        "attrs-small-body-big",
        {"event_type": "OrderPlaced", "country": "FR", "total_cents": 5_000},
        {"type": "OrderPlaced", "order": {"id": "d", "total_cents": 500_000, "country": "FR"}},
    ],
]
NO_EMAIL = [
    message("gold-no-email", "OrderShipped", tier="gold"),
    message("gold-email", "OrderShipped", tier="gold", email="ada@example.com"),
]
BODY_DECIDES_LOYALTY = [
    [
        "attr-shipped-body-placed",
        {"event_type": "OrderShipped"},
        {"type": "OrderPlaced", "order": {"id": "e", "customer": {"tier": "gold", "email": "a@example.com"}}},
    ],
]
OTHER_GOLD_EVENTS = [
    message("gold-cancelled", "OrderCancelled", tier="gold", email="ada@example.com"),
    message("gold-refunded", "OrderRefunded", tier="gold", email="ada@example.com"),
]

TESTS = [
    Test(
        "billing receives a new event type too (anything but OrderShipped)",
        1,
        "deliveries",
        {"subscriber": "billing", "messages": NEW_TYPE},
        checks.receives("MessageAttributes", ["refunded"], NEW_TYPE),
    ),
    Test(
        "billing receives nothing without an event_type attribute",
        1,
        "deliveries",
        {"subscriber": "billing", "messages": NO_ATTRIBUTE},
        checks.receives("MessageAttributes", [], NO_ATTRIBUTE),
    ),
    Test(
        "billing decides by the attribute, not by the body",
        1,
        "deliveries",
        {"subscriber": "billing", "messages": ATTRIBUTE_DECIDES},
        checks.receives("MessageAttributes", ["attr-placed"], ATTRIBUTE_DECIDES),
    ),
    Test(
        "fraud review: exactly 1,000 USD counts, a cent less does not",
        2,
        "deliveries",
        {"subscriber": "fraud", "messages": THRESHOLD},
        checks.receives("MessageBody", ["exactly-1000"], THRESHOLD),
    ),
    Test(
        "fraud review: any country but the US",
        2,
        "deliveries",
        {"subscriber": "fraud", "messages": ANY_COUNTRY},
        checks.receives("MessageBody", ["gb", "jp"], ANY_COUNTRY),
    ),
    Test(
        "fraud review decides by the body, not by the attributes",
        2,
        "deliveries",
        {"subscriber": "fraud", "messages": BODY_DECIDES_FRAUD},
        checks.receives("MessageBody", ["attrs-small-body-big"], BODY_DECIDES_FRAUD),
    ),
    Test(
        "loyalty: a gold customer without an email receives nothing",
        3,
        "deliveries",
        {"subscriber": "loyalty", "messages": NO_EMAIL},
        checks.receives("MessageBody", ["gold-email"], NO_EMAIL),
    ),
    Test(
        "loyalty decides by the body, not by the attributes",
        3,
        "deliveries",
        {"subscriber": "loyalty", "messages": BODY_DECIDES_LOYALTY},
        checks.receives("MessageBody", [], BODY_DECIDES_LOYALTY),
    ),
    Test(
        "loyalty: other events of gold customers are not shipped orders",
        3,
        "deliveries",
        {"subscriber": "loyalty", "messages": OTHER_GOLD_EVENTS},
        checks.receives("MessageBody", [], OTHER_GOLD_EVENTS),
    ),
]
