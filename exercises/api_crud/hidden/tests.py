"""Hidden tests of the api-crud exercise: every rule of the README, edge cases (not shipped to learners)."""

import json

from exercises.grader.model import Test

from .. import checks

LAMP = {"id": "i-1", "name": "lamp", "price_cents": 1999, "version": 1}
DESK_LAMP = {"name": "desk lamp", "price_cents": 2499}

TESTS = [
    Test(
        "a price in cents with a fraction is refused, not rounded",
        1,
        "check_body",
        {"body": json.dumps({"name": "lamp", "price_cents": 19.99})},
        checks.rejected(1),
    ),
    Test(
        "true is not a price",
        1,
        "check_body",
        {"body": json.dumps({"name": "lamp", "price_cents": True})},
        checks.rejected(1),
    ),
    Test(
        "a name of 101 characters is refused",
        1,
        "check_body",
        {"body": json.dumps({"name": "x" * 101, "price_cents": 1})},
        checks.rejected(1),
    ),
    Test("a JSON list is not an item", 1, "check_body", {"body": "[1, 2]"}, checks.rejected(1)),
    Test("a request without a body is refused", 1, "check_body", {"body": None}, checks.rejected(1)),
    Test(
        "four updates of version 1 at once: exactly one is stored",
        2,
        "update",
        {
            "items": [LAMP],
            "updates": [["i-1", {"name": f"lamp {n}", "price_cents": n}, 1] for n in range(4)],
            "concurrent": True,
        },
        checks.one_winner(4),
    ),
    Test(
        "an update of a missing item raises StaleWrite(None) and stores nothing",
        2,
        "update",
        {"items": [LAMP], "updates": [["i-9", DESK_LAMP, 1]]},
        checks.updated([{"stale": None}], [LAMP]),
    ),
    Test(
        "PUT of a missing item gets 404",
        3,
        "put",
        {"items": [LAMP], "requests": [{"id": "i-9", "if_match": '"v1"', "body": json.dumps(DESK_LAMP)}]},
        checks.statuses([404]),
    ),
    Test(
        "PUT with an invalid body gets 400 listing the problems, and changes nothing",
        3,
        "put",
        {"items": [LAMP], "requests": [{"id": "i-1", "if_match": '"v1"', "body": json.dumps({"name": ""})}]},
        checks.lists_problems(0),
    ),
    Test(
        "PUT with an If-Match that is not one of the API's ETags gets 412 and changes nothing",
        3,
        "put",
        {"items": [LAMP], "requests": [{"id": "i-1", "if_match": "*", "body": json.dumps(DESK_LAMP)}]},
        checks.table_is([LAMP]),
    ),
]
