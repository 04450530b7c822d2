"""Hidden tests of the CQRS exercise: edge cases of the same rules (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks
from ..tests_public import ADDED, CANCELLED, PLACED, SHIPPED

NESTED = [3, "ItemAdded", {"sku": "desk", "options": {"colour": "oak", "legs": 4}, "tags": ["sale", "new"]}]

TESTS = [
    Test(
        "an event's data comes back as it was given (nested objects and lists)",
        1,
        "append",
        {"calls": [PLACED, ADDED, NESTED]},
        checks.appended([True, True, True], [PLACED, ADDED, NESTED]),
    ),
    Test(
        "version 1 appended three times: the first stays",
        1,
        "append",
        {"calls": [PLACED, [1, "OrderCancelled", {}], [1, "OrderPlaced", {"customer": "bo", "lines": []}]]},
        checks.appended([True, False, False], [PLACED]),
    ),
    Test(
        "five commands append version 3 at the same moment: exactly one wins",
        1,
        "append_together",
        {
            "before": [PLACED, ADDED],
            "together": [[3, "ItemAdded", {"sku": f"s{n}"}] for n in range(4)] + [SHIPPED],
        },
        checks.one_append_wins(
            5,
            [[3, "ItemAdded", {"sku": f"s{n}"}] for n in range(4)] + [SHIPPED],
            before=[True, True],
            kept=[PLACED, ADDED],
        ),
    ),
    Test(
        "an event that comes early (version 3 before 2) is not applied; in order, both are",
        2,
        "project",
        {"events": [PLACED, SHIPPED, ADDED, SHIPPED]},
        checks.projected(
            [True, False, True, True], {"order_id": "o-1", "version": 3, "status": "shipped", "item_count": 3}
        ),
    ),
    Test(
        "an older event delivered again after later ones changes nothing",
        2,
        "project",
        {"events": [PLACED, CANCELLED, PLACED, CANCELLED]},
        checks.projected(
            [True, True, False, False],
            {"order_id": "o-1", "version": 2, "status": "cancelled", "item_count": 2},
        ),
    ),
    Test(
        "an event before its order was placed is not applied",
        2,
        "project",
        {"events": [ADDED, PLACED]},
        checks.projected(
            [False, True], {"order_id": "o-1", "version": 1, "status": "placed", "item_count": 2}
        ),
    ),
    Test(
        "four deliveries of a cancellation at the same moment: applied once",
        2,
        "project_together",
        {"before": [PLACED, ADDED], "together": [[3, "OrderCancelled", {"reason": "x"}]] * 4},
        checks.projected_once(
            4,
            before=[True, True],
            view={"order_id": "o-1", "version": 3, "status": "cancelled", "item_count": 3},
        ),
    ),
]
