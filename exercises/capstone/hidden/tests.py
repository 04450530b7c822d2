"""Hidden tests of the capstone: end-to-end scenarios with duplicates, a failing payment and a crash
(not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

DONE = {"confirmations": "SENT", "inventory": "RESERVED", "payments": "CHARGED", "shipments": "CREATED"}
CREATED = {"status": 201, "body": {"order_id": "o-1", "status": "COMPLETED"}}
PAYMENT_FAILS = {"charge_payment": {"kind": "error"}}

TESTS = [
    Test(
        "the last step fails: all four compensations, in reverse order",
        1,
        "saga",
        {"faults": {"send_confirmation": {"kind": "error"}}},
        checks.saga_ended(
            "COMPENSATED",
            "send_confirmation",
            ["send_confirmation", "create_shipment", "charge_payment", "reserve_inventory"],
            {
                "confirmations": "RETRACTED",
                "inventory": "RELEASED",
                "payments": "REFUNDED",
                "shipments": "CANCELLED",
            },
        ),
    ),
    Test(
        "a cancelled order is announced as OrderCancelled, naming the failed step",
        2,
        "event",
        {"outcome": {"status": "COMPENSATED", "failed_step": "charge_payment", "compensated": []}},
        checks.event_is(
            "OrderCancelled",
            {
                "order_id": "o-7",
                "status": "COMPENSATED",
                "amount_cents": 1999,
                "failed_step": "charge_payment",
            },
        ),
    ),
    Test(
        "duplicates: the same key three times is one order, one charge, one event, the same answer",
        3,
        "scenario",
        {"steps": [{"order": "o-1", "key": "k-1"}] * 3},
        checks.all_of(
            checks.answers_were([CREATED] * 3),
            checks.services_are({service: {"o-1": status} for service, status in DONE.items()}),
            checks.events_were(1),
        ),
    ),
    Test(
        "no Idempotency-Key header: 400 and nothing happens",
        3,
        "scenario",
        {"steps": [{"order": "o-1", "key": None}]},
        checks.all_of(checks.statuses_were([400]), checks.view_is({}), checks.events_were(0)),
    ),
    Test(
        "the key's header in lower case (HTTP API, HTTP/2) is the same header",
        3,
        "scenario",
        {"steps": [{"order": "o-1", "key": "k-1", "header": "idempotency-key"}] * 2},
        checks.all_of(checks.answers_were([CREATED] * 2), checks.events_were(1)),
    ),
    Test(
        "an invalid order: 400",
        3,
        "scenario",
        {"steps": [{"order": "o-1", "key": "k-1", "body": '{"order_id": "o-1"}'}]},
        checks.all_of(checks.statuses_were([400]), checks.events_were(0)),
    ),
    Test(
        "the same key with another amount: 422",
        3,
        "scenario",
        {"steps": [{"order": "o-1", "key": "k-1"}, {"order": "o-1", "key": "k-1", "amount": 5}]},
        checks.statuses_were([201, 422]),
    ),
    Test(
        "a failing payment end to end: 409, everything undone, the read model says COMPENSATED",
        3,
        "scenario",
        {"steps": [{"order": "o-1", "key": "k-1", "faults": PAYMENT_FAILS}]},
        checks.all_of(
            checks.answers_were([{"status": 409, "body": {"order_id": "o-1", "status": "COMPENSATED"}}]),
            checks.services_are(
                {
                    "confirmations": {},
                    "inventory": {"o-1": "RELEASED"},
                    "payments": {"o-1": "REFUNDED"},
                    "shipments": {},
                }
            ),
            checks.view_is({"o-1": {"amount_cents": 1999, "status": "COMPENSATED"}}),
        ),
    ),
    Test(
        "a crash after the work: the retry is 409 in progress, then after the lock the same order once",
        3,
        "scenario",
        {
            "steps": [
                {"order": "o-1", "key": "k-1", "crash_at": "after-charge"},
                {"order": "o-1", "key": "k-1", "faults": {}},
                {"order": "o-1", "key": "k-1", "advance": 11},
            ]
        },
        checks.all_of(
            checks.answers_were(["crashed", {"status": 409, "body": {"error": "in-progress"}}, CREATED]),
            checks.services_are({service: {"o-1": status} for service, status in DONE.items()}),
        ),
    ),
    Test(
        "a redelivered event end to end: the read model holds the order once",
        3,
        "scenario",
        {
            "steps": [
                {"order": "o-1", "key": "k-1", "crash_at": "after-charge"},
                {"order": "o-1", "key": "k-1", "faults": {}, "advance": 11},
                {"order": "o-2", "key": "k-2"},
            ]
        },
        checks.all_of(
            checks.events_were(3),
            checks.view_is(
                {
                    "o-1": {"amount_cents": 1999, "status": "COMPLETED"},
                    "o-2": {"amount_cents": 1999, "status": "COMPLETED"},
                }
            ),
        ),
    ),
]

COMPLETED = {"order_id": "o-1", "status": "COMPLETED", "amount_cents": 1999, "failed_step": None}
CANCELLED = {"order_id": "o-2", "status": "COMPENSATED", "amount_cents": 500, "failed_step": "charge_payment"}

TESTS += [
    Test(
        "the same event delivered twice: applied once, then not",
        4,
        "projection",
        {"details": [COMPLETED, COMPLETED]},
        checks.all_of(
            checks.projected([{"applied": True}, {"applied": False}]),
            checks.view_is({"o-1": {"amount_cents": 1999, "status": "COMPLETED"}}),
        ),
    ),
    Test(
        "two orders, one cancelled: two rows",
        4,
        "projection",
        {"details": [COMPLETED, CANCELLED]},
        checks.view_is(
            {
                "o-1": {"amount_cents": 1999, "status": "COMPLETED"},
                "o-2": {"amount_cents": 500, "status": "COMPENSATED"},
            }
        ),
    ),
]
