"""Errors of the cost pattern: a tuning input or a workload the calculators cannot price."""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = ["CostError", "InvalidWorkloadError", "TuningError"]


class CostError(LabError):
    """Base class for the pattern's errors."""


class TuningError(CostError, ValueError):
    """A power-tuning input is unusable: too few samples, an unknown strategy, a bad weight."""


class InvalidWorkloadError(CostError, ValueError):
    """A workload the calculator cannot price (a negative count, a batch over the payload limit...)."""
