"""Errors of the circuit-breaker pattern."""

from __future__ import annotations

__all__ = ["BreakerConfigError", "CircuitBreakerError", "StoreContentionError", "StoreUnavailableError"]


class CircuitBreakerError(Exception):
    """Base class of the pattern's errors."""


class BreakerConfigError(CircuitBreakerError, ValueError):
    """A policy that cannot work (a failure rate above 1, a window of zero seconds...)."""


class StoreContentionError(CircuitBreakerError):
    """The breaker's stored state kept changing under a compare-and-set loop: give up, loudly."""


class StoreUnavailableError(CircuitBreakerError):
    """The breaker's state could not be read or written (the table is throttled or down): fail open."""
