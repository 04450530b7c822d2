"""Errors of the registration service; the handler maps each to an HTTP status."""

from __future__ import annotations

__all__ = ["DuplicateUserError", "InvalidRegistrationError", "RegistrationError"]


class RegistrationError(Exception):
    """Base class for the registration service's errors."""


class InvalidRegistrationError(RegistrationError, ValueError):
    """The request body is not a valid registration (HTTP 400). ``problems`` lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class DuplicateUserError(RegistrationError):
    """A user with this email is already registered (HTTP 409)."""

    def __init__(self, email: str) -> None:
        super().__init__(f"a user with email {email!r} is already registered")
        self.email = email
