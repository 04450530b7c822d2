"""Public tests of the CQRS exercise: run them with ``python -m exercises check cqrs``."""

from exercises.grader.model import Test

from . import checks

PLACED = [1, "OrderPlaced", {"customer": "ana", "lines": [{"sku": "lamp"}, {"sku": "mug"}]}]
ADDED = [2, "ItemAdded", {"sku": "chair"}]
CANCELLED = [2, "OrderCancelled", {"reason": "changed my mind"}]
SHIPPED = [3, "OrderShipped", {}]

TESTS = [
    Test(
        "two events at versions 1 and 2 are both stored",
        1,
        "append",
        {"calls": [PLACED, ADDED]},
        checks.appended([True, True], [PLACED, ADDED]),
    ),
    Test(
        "a second event at a version already stored is refused and overwrites nothing",
        1,
        "append",
        {"calls": [PLACED, ADDED, CANCELLED]},
        checks.appended([True, True, False], [PLACED, ADDED]),
    ),
    Test(
        "two commands append version 2 at the same moment: exactly one wins",
        1,
        "append_together",
        {"before": [PLACED], "together": [ADDED, CANCELLED]},
        checks.one_append_wins(2, [ADDED, CANCELLED], before=[True], kept=[PLACED]),
    ),
    Test(
        "placed, item added, cancelled: the view follows",
        2,
        "project",
        {"events": [PLACED, ADDED, [3, "OrderCancelled", {"reason": "late"}]]},
        checks.projected(
            [True, True, True], {"order_id": "o-1", "version": 3, "status": "cancelled", "item_count": 3}
        ),
    ),
    Test(
        "an event delivered twice is applied once",
        2,
        "project",
        {"events": [PLACED, ADDED, ADDED]},
        checks.projected(
            [True, True, False], {"order_id": "o-1", "version": 2, "status": "placed", "item_count": 3}
        ),
    ),
    Test(
        "the same event delivered twice at the same moment: applied once",
        2,
        "project_together",
        {"before": [PLACED], "together": [ADDED, ADDED]},
        checks.projected_once(
            2, before=[True], view={"order_id": "o-1", "version": 2, "status": "placed", "item_count": 3}
        ),
    ),
]
