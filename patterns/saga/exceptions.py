"""Errors of the saga pattern. Each derives from :class:`patterns.lab.exceptions.LabError`.

Step handlers raise :class:`InjectedFaultError` and :class:`InvalidOrderError`; Lambda reports the class
name as the ``errorType`` of its error payload, which is what a state machine's ``Catch`` matches.
"""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = ["InjectedFaultError", "InvalidOrderError", "OrchestratorCrashedError", "SagaError"]


class SagaError(LabError):
    """Base class for the saga pattern's errors."""


class InvalidOrderError(SagaError, ValueError):
    """A step or compensation event is not shaped as the handlers expect; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid saga event: " + "; ".join(problems))
        self.problems = problems


class InjectedFaultError(SagaError):
    """A failure injected on purpose (the event's ``faults`` asked this action to fail)."""

    def __init__(self, action: str, attempt: int) -> None:
        super().__init__(f"injected fault: {action} fails on attempt {attempt}")
        self.action = action
        self.attempt = attempt


class OrchestratorCrashedError(SagaError):
    """The orchestrator stopped at a planned crash point; the saga log tells a new run where to resume."""

    def __init__(self, checkpoint: int, label: str) -> None:
        super().__init__(f"orchestrator crashed at checkpoint {checkpoint} ({label})")
        self.checkpoint = checkpoint
        self.label = label
