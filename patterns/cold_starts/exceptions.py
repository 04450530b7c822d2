"""Errors of the cold-start measurements. (The handlers' own error, InvalidQuoteError, lives in
:mod:`patterns.cold_starts.service` so that importing a handler never loads the lab runtime.)"""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = ["MeasurementError"]


class MeasurementError(LabError):
    """A measuring child process failed, timed out or reported something unreadable.

    ``variant`` names the handler variant; ``stderr_tail`` holds the last lines the child wrote.
    """

    def __init__(self, variant: str, problem: str, stderr_tail: str = "") -> None:
        detail = f"\n--- last lines of the child's stderr ---\n{stderr_tail}" if stderr_tail else ""
        super().__init__(f"measuring variant {variant!r}: {problem}{detail}")
        self.variant = variant
        self.problem = problem
        self.stderr_tail = stderr_tail
