"""Errors of the idempotent payment handler; each says which key and what the caller should do."""

from __future__ import annotations

__all__ = [
    "AlreadyInProgressError",
    "IdempotencyError",
    "InvalidRequestError",
    "PayloadMismatchError",
    "SimulatedCrash",
]


class IdempotencyError(Exception):
    """Base class of the pattern's errors."""


class InvalidRequestError(IdempotencyError, ValueError):
    """A request without a usable idempotency key, order id or amount."""


class AlreadyInProgressError(IdempotencyError):
    """Another request with this key holds the in-progress record: retry later, do not run the work."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"a request with idempotency key {key!r} is in progress; retry later")


class PayloadMismatchError(IdempotencyError):
    """The key was used before with a different payload: refused, never replayed or re-run."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"idempotency key {key!r} was used with a different payload")


class SimulatedCrash(BaseException):
    """The execution environment dies here (a timeout, out of memory, the host lost).

    A ``BaseException``, so no ``except Exception`` cleanup runs, as none runs when a process is killed:
    what was written stays written, what was not never happens.
    """

    def __init__(self, point: str) -> None:
        self.point = point
        super().__init__(f"crashed at {point}")
