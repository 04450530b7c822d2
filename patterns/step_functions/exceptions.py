"""Errors of the step-functions pattern. Each derives from :class:`patterns.lab.exceptions.LabError`.

The order workflow's handlers raise the :class:`OrderWorkflowError` subclasses; Lambda reports the
class name as the ``errorType`` of its error payload, and that name is what a state machine's
``Retry`` and ``Catch`` match in ``ErrorEquals``.
"""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = [
    "AslValidationError",
    "ExecutionTimeoutError",
    "InvalidOrderError",
    "OrderWorkflowError",
    "OutOfStockError",
    "PaymentDeclinedError",
    "PaymentGatewayUnavailableError",
    "StepFunctionsError",
]


class StepFunctionsError(LabError):
    """Base class for the step-functions pattern's errors."""


class AslValidationError(StepFunctionsError, ValueError):
    """An Amazon States Language definition AWS would refuse; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid state machine definition:\n- " + "\n- ".join(problems))
        self.problems = problems


class ExecutionTimeoutError(StepFunctionsError):
    """An execution was still RUNNING when the caller stopped waiting for it."""


class OrderWorkflowError(StepFunctionsError):
    """Base class of the errors the order workflow's tasks raise (their names are ASL error names)."""


class InvalidOrderError(OrderWorkflowError, ValueError):
    """The order is malformed; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid order: " + "; ".join(problems))
        self.problems = problems


class OutOfStockError(OrderWorkflowError):
    """An item of the order is not in stock in the quantity asked for."""


class PaymentDeclinedError(OrderWorkflowError):
    """The card was declined: permanent, retrying cannot help."""


class PaymentGatewayUnavailableError(OrderWorkflowError):
    """The payment provider did not answer: transient, worth retrying with backoff."""
