"""Public tests of the api-crud exercise: run them with ``python -m exercises check api-crud``."""

import json

from exercises.grader.model import Test

from . import checks

LAMP = {"id": "i-1", "name": "lamp", "price_cents": 1999, "version": 1}
DESK_LAMP = {"name": "desk lamp", "price_cents": 2499}

TESTS = [
    Test(
        "a valid body is parsed, its name trimmed",
        1,
        "check_body",
        {"body": json.dumps({"name": " desk lamp ", "price_cents": 2499})},
        checks.validated(DESK_LAMP),
    ),
    Test("a body that is not JSON is rejected", 1, "check_body", {"body": "{not json"}, checks.rejected(1)),
    Test(
        "every problem is listed: empty name, negative price, unknown field",
        1,
        "check_body",
        {"body": json.dumps({"name": "", "price_cents": -1, "colour": "red"})},
        checks.rejected(3),
    ),
    Test(
        "an update from the current version is stored as the next version",
        2,
        "update",
        {"items": [LAMP], "updates": [["i-1", DESK_LAMP, 1]]},
        checks.updated(
            [{"stored": {"id": "i-1", **DESK_LAMP, "version": 2}}], [{"id": "i-1", **DESK_LAMP, "version": 2}]
        ),
    ),
    Test(
        "a second update from the same old version is refused with the current version",
        2,
        "update",
        {"items": [LAMP], "updates": [["i-1", DESK_LAMP, 1], ["i-1", {"name": "lamp", "price_cents": 1}, 1]]},
        checks.updated(
            [{"stored": {"id": "i-1", **DESK_LAMP, "version": 2}}, {"stale": 2}],
            [{"id": "i-1", **DESK_LAMP, "version": 2}],
        ),
    ),
    Test(
        "PUT with the current ETag gets 200, the item and the next ETag",
        3,
        "put",
        {"items": [LAMP], "requests": [{"id": "i-1", "if_match": '"v1"', "body": json.dumps(DESK_LAMP)}]},
        checks.response(0, 200, {"id": "i-1", **DESK_LAMP, "version": 2}, '"v2"'),
    ),
    Test(
        "PUT without If-Match gets 428 and changes nothing",
        3,
        "put",
        {"items": [LAMP], "requests": [{"id": "i-1", "if_match": None, "body": json.dumps(DESK_LAMP)}]},
        checks.statuses([428]),
    ),
    Test(
        "PUT with a stale ETag gets 412",
        3,
        "put",
        {
            "items": [LAMP],
            "requests": [
                {"id": "i-1", "if_match": '"v1"', "body": json.dumps(DESK_LAMP)},
                {"id": "i-1", "if_match": '"v1"', "body": json.dumps({"name": "x", "price_cents": 1})},
            ],
        },
        checks.statuses([200, 412]),
    ),
]
