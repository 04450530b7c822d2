"""Hidden tests of the faas exercise: edge cases of the same tasks (not shipped to learners)."""

import json

from exercises.grader.model import Test

from .. import checks

GRACE = {"email": "grace@example.com", "name": "Grace Hopper", "company": "US Navy"}

TESTS = [
    Test(
        "company is trimmed and kept",
        1,
        "parse",
        {"body": json.dumps({"email": "GRACE@example.com ", "name": "Grace Hopper", "company": " US Navy "})},
        checks.parsed_as(GRACE),
    ),
    Test("a JSON array is rejected", 1, "parse", {"body": json.dumps([GRACE])}, checks.rejected()),
    Test(
        "every problem is listed at once",
        1,
        "parse",
        {"body": json.dumps({"email": 7, "name": ["x"], "company": 3})},
        checks.rejected(at_least=3),
    ),
    Test(
        "a blank name is rejected",
        1,
        "parse",
        {"body": json.dumps({"email": "a@b.co", "name": "   "})},
        checks.rejected(),
    ),
    Test(
        "twelve simultaneous saves of one email: exactly one wins",
        2,
        "save_concurrently",
        {"user": GRACE, "concurrency": 12},
        checks.exactly_one_winner(12),
    ),
    Test(
        "the company is stored",
        2,
        "save",
        {"users": [GRACE]},
        checks.saved([True], ["grace@example.com"]),
    ),
    Test(
        "eight simultaneous sign-ups of one email: one 201, seven 409, one message",
        3,
        "handle",
        {"bodies": [json.dumps({"email": "grace@example.com", "name": "Grace"})] * 8, "concurrency": 8},
        checks.concurrent_signups(8),
    ),
    Test("a 400 lists the problems", 3, "handle", {"bodies": ["[]"]}, checks.bad_request_lists_problems),
    Test(
        "emails differing only in case are one user",
        3,
        "handle",
        {
            "bodies": [
                json.dumps({"email": "Grace@Example.com", "name": "G"}),
                json.dumps({"email": "grace@example.com", "name": "G"}),
            ]
        },
        checks.responses([201, 409], messages=1),
    ),
]
