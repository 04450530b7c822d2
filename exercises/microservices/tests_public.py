"""Public tests of the microservices exercise: run them with ``python -m exercises check microservices``."""

from exercises.grader.model import Test

from . import checks

ADA = {"customer_id": "c-1", "name": "Ada", "credit_status": "good", "version": 1}
ADA_3 = {**ADA, "credit_status": "on-hold", "version": 3}
ADA_2 = {**ADA, "version": 2}
BOB = {"customer_id": "c-2", "name": "Bob", "credit_status": "on-hold", "version": 4}

TESTS = [
    Test(
        "a CustomerUpdated record gives its copy (and nothing else: email is left out)",
        1,
        "contract",
        {"delivery": {"detail": {**ADA, "email": "ada@example.com"}}},
        checks.accepted(ADA),
    ),
    Test(
        "an OrderPlaced record is not a customer event",
        1,
        "contract",
        {"delivery": {"detail": ADA, "detail_type": "OrderPlaced"}},
        checks.rejected(),
    ),
    Test(
        "a version sent as a string is refused",
        1,
        "contract",
        {"delivery": {"detail": {**ADA, "version": "1"}}},
        checks.rejected(),
    ),
    Test("the first copy is stored", 2, "apply", {"copies": [ADA]}, checks.applied([True], [ADA])),
    Test(
        "versions 1, 3, 2, 3 in turn: the late 2 and the repeated 3 change nothing",
        2,
        "apply",
        {"copies": [ADA, ADA_3, ADA_2, ADA_3]},
        checks.applied([True, True, False, False], [ADA_3]),
    ),
    Test(
        "a batch of two customers: no failures, both copied",
        3,
        "deliver",
        {"batches": [[{"detail": ADA, "id": "m-1"}, {"detail": BOB, "id": "m-2"}]]},
        checks.answered([[]], [ADA, BOB]),
    ),
    Test(
        "a record that is not JSON fails alone; the others are applied",
        3,
        "deliver",
        {
            "batches": [
                [{"detail": ADA, "id": "m-1"}, {"raw": "not json", "id": "m-2"}, {"detail": BOB, "id": "m-3"}]
            ]
        },
        checks.answered([["m-2"]], [ADA, BOB]),
    ),
    Test(
        "a late event (version 2 after 3) is not a failure: it is ignored",
        3,
        "deliver",
        {"batches": [[{"detail": ADA_3, "id": "m-1"}], [{"detail": ADA_2, "id": "m-2"}]]},
        checks.answered([[], []], [ADA_3]),
    ),
]
