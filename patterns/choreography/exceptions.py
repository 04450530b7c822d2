"""Errors of the choreography pattern: an invalid order, a broken event contract, a failing step."""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = [
    "ChoreographyError",
    "ContractViolationError",
    "DownstreamFailedError",
    "InvalidOrderError",
    "StepFailedError",
]


class ChoreographyError(LabError):
    """Base class for the pattern's errors."""


class InvalidOrderError(ChoreographyError, ValueError):
    """The order request is not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ContractViolationError(ChoreographyError, ValueError):
    """An event's detail does not match its published schema (refused before it reaches the bus)."""

    def __init__(self, detail_type: str, problems: list[str]) -> None:
        super().__init__(f"{detail_type} breaks its contract: " + "; ".join(problems))
        self.detail_type = detail_type
        self.problems = problems


class StepFailedError(ChoreographyError):
    """A step's own work failed (the demonstration's injected fault: its provider is down)."""

    def __init__(self, step: str) -> None:
        super().__init__(f"step {step!r} failed: its provider is unavailable (injected fault)")
        self.step = step


class DownstreamFailedError(ChoreographyError):
    """In the synchronous chain: the function this one invoked returned an error."""

    def __init__(self, function: str, error_type: str, message: str) -> None:
        super().__init__(f"{function} failed with {error_type}: {message}")
        self.function = function
        self.error_type = error_type
        self.error_message = message
