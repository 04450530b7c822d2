"""Hidden tests of the microservices exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

GRACE = {"customer_id": "c-9", "name": "Grace", "credit_status": "good", "version": 5}

TESTS = [
    Test(
        "a CustomerRegistered record gives its copy too",
        1,
        "contract",
        {"delivery": {"detail": GRACE, "detail_type": "CustomerRegistered"}},
        checks.accepted(GRACE),
    ),
    Test(
        "a version of true (a bool is not an integer) is refused",
        1,
        "contract",
        {"delivery": {"detail": {**GRACE, "version": True}}},
        checks.rejected(),
    ),
    Test(
        "a detail that is not an object is refused",
        1,
        "contract",
        {"delivery": {"detail": [GRACE]}},
        checks.rejected(),
    ),
    Test(
        "name and credit_status both missing: every problem listed",
        1,
        "contract",
        {"delivery": {"detail": {"customer_id": "c-9", "version": 5}}},
        checks.rejected(at_least=2),
    ),
    Test(
        "eight simultaneous deliveries of one version: stored once",
        2,
        "apply",
        {"copies": [GRACE] * 8, "concurrency": 8, "stored": {**GRACE, "version": 4}},
        checks.applied_once(8, GRACE),
    ),
    Test(
        "versions 3, 9, 5, 7 at the same moment: 9 is what stays",
        2,
        "apply",
        {"copies": [{**GRACE, "version": v} for v in (3, 9, 5, 7)], "concurrency": 4},
        checks.newest_stored({**GRACE, "version": 9}),
    ),
    Test(
        "an older version than the stored one returns False and changes nothing",
        2,
        "apply",
        {"copies": [{**GRACE, "version": 4, "credit_status": "on-hold"}], "stored": GRACE},
        checks.applied([False], [GRACE]),
    ),
    Test(
        "a batch of broken records: every one reported, nothing stored",
        3,
        "deliver",
        {
            "batches": [
                [
                    {"raw": "{}", "id": "m-1"},
                    {"detail": {**GRACE, "version": "5"}, "id": "m-2"},
                    {"detail": GRACE, "detail_type": "StockReserved", "id": "m-3"},
                ]
            ]
        },
        checks.answered([["m-1", "m-2", "m-3"]], []),
    ),
    Test(
        "one event delivered three times in a batch: no failures, one copy",
        3,
        "deliver",
        {"batches": [[{"detail": GRACE, "id": f"m-{n}"} for n in range(3)]]},
        checks.answered([[]], [GRACE]),
    ),
]
