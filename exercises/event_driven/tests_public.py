"""Public tests of the event-driven exercise: run them with ``python -m exercises check event-driven``."""

from exercises.grader.model import Test

from . import checks
from .checks import event

REFUNDS = [
    event("payments", "RefundRequested", orderId="o-1", amount=120),
    event("payments", "RefundRequested", orderId="o-2", amount=900),
    event("payments", "PaymentFailed", orderId="o-3", amount=50),
    event("orders", "RefundRequested", orderId="o-4", amount=50),
]
PRIORITY = [
    event("orders", "OrderCreated", orderId="o-1", tier="gold", total=20),
    event("orders", "OrderCreated", orderId="o-2", tier="silver", total=1500),
    event("orders", "OrderCreated", orderId="o-3", tier="silver", total=80),
    event("orders", "OrderUpdated", orderId="o-4", tier="gold", total=2000),
]
ALERTS = [
    event("shop.cart", "CheckoutFailed", error="timeout", environment="prod"),
    event("shop.cart", "CheckoutFailed", error="timeout", environment="test"),
    event("shop.search", "SearchDone", environment="prod"),
    event("billing", "InvoiceFailed", error="db", environment="prod"),
]

TESTS = [
    Test(
        "refunds: a small refund passes, a large one and other events do not",
        1,
        "route",
        {"function": "refund_pattern", "events": REFUNDS},
        checks.delivers(REFUNDS, [0]),
    ),
    Test(
        "priority: a gold customer or a large total",
        2,
        "route",
        {"function": "priority_pattern", "events": PRIORITY},
        checks.delivers(PRIORITY, [0, 1]),
    ),
    Test(
        "alerts: shop.* errors outside test",
        3,
        "route",
        {"function": "alert_pattern", "events": ALERTS},
        checks.delivers(ALERTS, [0]),
    ),
]
