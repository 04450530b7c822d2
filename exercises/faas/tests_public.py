"""Public tests of the faas exercise: run them with ``python -m exercises check faas``."""

import json

from exercises.grader.model import Test

from . import checks

ADA = {"email": "ada@example.com", "name": "Ada Lovelace", "company": None}

TESTS = [
    Test(
        "a valid body is parsed and normalised",
        1,
        "parse",
        {"body": json.dumps({"email": " Ada@Example.com", "name": " Ada Lovelace "})},
        checks.parsed_as(ADA),
    ),
    Test("a body that is not JSON is rejected", 1, "parse", {"body": "{not json"}, checks.rejected()),
    Test("a missing email is rejected", 1, "parse", {"body": json.dumps({"name": "Ada"})}, checks.rejected()),
    Test("a missing body is rejected", 1, "parse", {"body": None}, checks.rejected()),
    Test(
        "a new user is stored and a second save of the email is refused",
        2,
        "save",
        {"users": [ADA, {**ADA, "name": "Someone Else"}]},
        checks.saved([True, False], ["ada@example.com"]),
    ),
    Test(
        "two different users are both stored",
        2,
        "save",
        {"users": [ADA, {"email": "grace@example.com", "name": "Grace Hopper", "company": "Navy"}]},
        checks.saved([True, True], ["ada@example.com", "grace@example.com"]),
    ),
    Test(
        "a new user gets 201, the same email again 409, one SNS message",
        3,
        "handle",
        {"bodies": [json.dumps({"email": "ada@example.com", "name": "Ada Lovelace"})] * 2},
        checks.responses([201, 409], messages=1),
    ),
    Test(
        "the 201 body and the SNS message are the user",
        3,
        "handle",
        {"bodies": [json.dumps({"email": "ada@example.com", "name": "Ada Lovelace"})]},
        checks.created_user(ADA),
    ),
    Test(
        "an invalid body gets 400 with its problems and publishes nothing",
        3,
        "handle",
        {"bodies": ['{"email": 42}']},
        checks.responses([400], messages=0),
    ),
]
