"""faas service logic with in-memory fakes: validation and the registration rule."""

import pytest

from patterns.faas.exceptions import DuplicateUserError, InvalidRegistrationError
from patterns.faas.service import (
    InMemoryUserStore,
    RecordingNotifier,
    Registration,
    parse_registration,
    register_user,
)

pytestmark = pytest.mark.unit


def test_a_valid_body_is_normalised():
    parsed = parse_registration('{"email": " Ada@Example.com ", "name": " Ada ", "company": "Engines"}')
    assert parsed == Registration("ada@example.com", "Ada", "Engines")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (None, "no body"),
        ("   ", "no body"),
        ('{"email": ', "not valid JSON"),
        ("[1, 2]", "must be a JSON object, got list"),
        ('{"name": "Ada"}', "email is required"),
        ('{"email": "a@b.co"}', "name is required"),
        ('{"email": 7, "name": "Ada"}', "email must be a string, got int"),
        ('{"email": "a@b.co", "name": ""}', "name must be 1-100 characters"),
        ('{"email": "nope", "name": "Ada"}', "is not a valid address"),
        ('{"email": "a@b.co", "name": "Ada", "company": 3}', "company must be a string"),
    ],
)
def test_invalid_bodies_say_what_is_wrong(body, problem):
    with pytest.raises(InvalidRegistrationError) as raised:
        parse_registration(body)
    assert any(problem in p for p in raised.value.problems), raised.value.problems


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidRegistrationError) as raised:
        parse_registration('{"email": 1, "name": 2}')
    assert len(raised.value.problems) == 2


def test_registering_stores_and_announces_once():
    users, notifier = InMemoryUserStore(), RecordingNotifier()
    user = register_user(Registration("ada@example.com", "Ada"), users, notifier)
    assert users.get("ada@example.com") == user
    assert notifier.announced == [user]
    with pytest.raises(DuplicateUserError, match="already registered"):
        register_user(Registration("ada@example.com", "Ada again"), users, notifier)
    assert notifier.announced == [user], "a duplicate is not announced"
