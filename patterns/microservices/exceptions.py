"""Errors of the three services; each carries what the HTTP layer needs to answer."""

from __future__ import annotations

__all__ = [
    "ContractError",
    "DuplicateEmailError",
    "InvalidRequestError",
    "MicroserviceError",
    "NotFoundError",
    "OrderRefusedError",
    "ServiceDownError",
]


class MicroserviceError(Exception):
    """Base class of the pattern's errors."""

    status = 500


class InvalidRequestError(MicroserviceError, ValueError):
    """A request body with problems: ``problems`` lists every one."""

    status = 400

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class NotFoundError(MicroserviceError, LookupError):
    status = 404

    def __init__(self, kind: str, key: str) -> None:
        self.kind, self.key = kind, key
        super().__init__(f"no {kind} {key!r}")


class DuplicateEmailError(MicroserviceError):
    """A customer with this email exists (decided by a conditional write, not by a query first)."""

    status = 409

    def __init__(self, email: str) -> None:
        self.email = email
        super().__init__(f"a customer with email {email!r} exists")


class OrderRefusedError(MicroserviceError):
    """The order service refuses an order from what its own copy of the customer says."""

    status = 422

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class ServiceDownError(MicroserviceError):
    """A service is down (the demonstration's outage switch), or a service it calls synchronously is."""

    status = 503

    def __init__(self, service: str) -> None:
        self.service = service
        super().__init__(f"the {service} service is unavailable")


class ContractError(MicroserviceError, ValueError):
    """An event that does not keep its published contract."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))
