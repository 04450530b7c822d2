"""Your registration handler. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations

from typing import Any


class InvalidRegistration(ValueError):
    """The body is not a valid registration; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_registration(body: str | None) -> dict[str, Any]:
    """Task 1: validate the JSON body; return {"email", "name", "company"} or raise InvalidRegistration."""
    raise NotImplementedError("Task 1: parse_registration is not written yet")


def save_user(table_name: str, user: dict[str, Any]) -> bool:
    """Task 2: store the user with a conditional write; True if stored, False if the email is taken."""
    raise NotImplementedError("Task 2: save_user is not written yet")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 3: POST /users behind API Gateway: 201, 400 or 409, and one SNS message per new user."""
    raise NotImplementedError("Task 3: handler is not written yet")
