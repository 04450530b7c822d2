"""Registration service logic: validation and the registration rule. No boto3 here.

The service talks to storage and notification through two small interfaces (:class:`UserStore`,
:class:`Notifier`), so it runs the same against DynamoDB and SNS (``adapters``) or in-memory fakes.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from patterns.faas.exceptions import DuplicateUserError, InvalidRegistrationError

__all__ = [
    "InMemoryUserStore",
    "Notifier",
    "RecordingNotifier",
    "Registration",
    "User",
    "UserStore",
    "parse_registration",
    "register_user",
]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254
MAX_NAME = 100


@dataclass(frozen=True)
class Registration:
    """A validated registration request."""

    email: str
    name: str
    company: str | None = None


@dataclass(frozen=True)
class User:
    """A registered user, as stored."""

    email: str
    name: str
    company: str | None
    registered_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class UserStore(Protocol):
    def add(self, user: User) -> None:
        """Store ``user``; raise :class:`DuplicateUserError` if the email is taken."""
        ...

    def get(self, email: str) -> User | None: ...


class Notifier(Protocol):
    def user_registered(self, user: User) -> None: ...


def parse_registration(body: str | None) -> Registration:
    """Validate a JSON request body; raise :class:`InvalidRegistrationError` listing every problem."""
    if body is None or not body.strip():
        raise InvalidRegistrationError(["the request has no body: send a JSON object with email and name"])
    try:
        data = json.loads(body)
    except json.JSONDecodeError as error:
        raise InvalidRegistrationError(
            [f"the body is not valid JSON ({error.msg} at position {error.pos})"]
        ) from None
    if not isinstance(data, dict):
        raise InvalidRegistrationError([f"the body must be a JSON object, got {type(data).__name__}"])
    problems = []
    email, name, company = data.get("email"), data.get("name"), data.get("company")
    if email is None:
        problems.append("email is required")
    elif not isinstance(email, str):
        problems.append(f"email must be a string, got {type(email).__name__}")
    elif len(email) > MAX_EMAIL or not EMAIL.match(email.strip()):
        problems.append(f"email {email!r} is not a valid address")
    if name is None:
        problems.append("name is required")
    elif not isinstance(name, str):
        problems.append(f"name must be a string, got {type(name).__name__}")
    elif not name.strip() or len(name) > MAX_NAME:
        problems.append(f"name must be 1-{MAX_NAME} characters")
    if company is not None and not isinstance(company, str):
        problems.append(f"company must be a string, got {type(company).__name__}")
    if problems:
        raise InvalidRegistrationError(problems)
    assert isinstance(email, str)
    assert isinstance(name, str)
    return Registration(email.strip().lower(), name.strip(), company.strip() if company else None)


def register_user(
    registration: Registration, users: UserStore, notifier: Notifier, now: datetime | None = None
) -> User:
    """Store the user (the store decides duplicates atomically), then announce the registration."""
    moment = now or datetime.now(UTC)
    user = User(registration.email, registration.name, registration.company, moment.isoformat())
    users.add(user)
    notifier.user_registered(user)
    return user


class InMemoryUserStore:
    """A fake :class:`UserStore` for unit tests."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}

    def add(self, user: User) -> None:
        if user.email in self.users:
            raise DuplicateUserError(user.email)
        self.users[user.email] = user

    def get(self, email: str) -> User | None:
        return self.users.get(email)


class RecordingNotifier:
    """A fake :class:`Notifier` that remembers what it announced."""

    def __init__(self) -> None:
        self.announced: list[User] = []

    def user_registered(self, user: User) -> None:
        self.announced.append(user)
