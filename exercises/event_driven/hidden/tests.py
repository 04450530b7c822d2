"""Hidden tests of the event-driven exercise: one per rule the README states (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks
from ..checks import event

AMOUNT_BOUNDS = [
    event("payments", "RefundRequested", amount=0),
    event("payments", "RefundRequested", amount=0.01),
    event("payments", "RefundRequested", amount=500),
    event("payments", "RefundRequested", amount=500.01),
    event("payments", "RefundRequested", amount=-20),
]
AMOUNT_NOT_A_NUMBER = [
    event("payments", "RefundRequested", amount="100"),
    event("payments", "RefundRequested", orderId="o-9"),
    event("payments", "RefundRequested", amount=250, currency="EUR"),
    event("payments.eu", "RefundRequested", amount=250),
]
TOTAL_BOUNDS = [
    event("orders", "OrderCreated", tier="silver", total=999.99),
    event("orders", "OrderCreated", tier="silver", total=1000),
    event("orders", "OrderCreated", tier="gold", total=5000),
    event("orders", "OrderCreated", tier="Gold", total=10),
    event("orders", "OrderCreated", total=1200),
]
PRIORITY_SOURCES = [
    event("orders.test", "OrderCreated", tier="gold", total=20),
    event("shop", "OrderCreated", tier="gold", total=2000),
    event("orders", "OrderCreated", tier="gold"),
    event("orders", "OrderCancelled", tier="gold", total=2000),
]
ALERT_SOURCES = [
    event("shop.", "Failed", error="x", environment="prod"),
    event("shopping", "Failed", error="x", environment="prod"),
    event("my.shop.cart", "Failed", error="x", environment="prod"),
    event("shop.pay.v2", "Anything", error="card", environment="staging"),
]
ALERT_FIELDS = [
    event("shop.cart", "Failed", error="", environment="prod"),
    event("shop.cart", "Failed", error=0, environment="dev"),
    event("shop.cart", "Failed", errors=["x"], environment="prod"),
    event("shop.cart", "Failed", error="x", environment="TEST"),
    event("shop.cart", "Failed", error="x", environment="test"),
]

TESTS = [
    Test(
        "refunds: amount > 0 and <= 500, at the bounds",
        1,
        "route",
        {"function": "refund_pattern", "events": AMOUNT_BOUNDS},
        checks.delivers(AMOUNT_BOUNDS, [1, 2]),
    ),
    Test(
        "refunds: a string or missing amount does not pass; only source payments",
        1,
        "route",
        {"function": "refund_pattern", "events": AMOUNT_NOT_A_NUMBER},
        checks.delivers(AMOUNT_NOT_A_NUMBER, [2]),
    ),
    Test(
        "priority: total >= 1000 at the bound; tier exactly gold",
        2,
        "route",
        {"function": "priority_pattern", "events": TOTAL_BOUNDS},
        checks.delivers(TOTAL_BOUNDS, [1, 2, 4]),
    ),
    Test(
        "priority: only OrderCreated from orders",
        2,
        "route",
        {"function": "priority_pattern", "events": PRIORITY_SOURCES},
        checks.delivers(PRIORITY_SOURCES, [2]),
    ),
    Test(
        "alerts: sources that start with shop.",
        3,
        "route",
        {"function": "alert_pattern", "events": ALERT_SOURCES},
        checks.delivers(ALERT_SOURCES, [0, 3]),
    ),
    Test(
        "alerts: an error field of any value, every environment but test",
        3,
        "route",
        {"function": "alert_pattern", "events": ALERT_FIELDS},
        checks.delivers(ALERT_FIELDS, [0, 1, 3]),
    ),
]
