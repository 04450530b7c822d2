"""Exceptions raised by the lab runtime. Every one says what was given and what was expected."""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "FunctionNotDeployedError",
    "LabError",
    "NetworkBlockedError",
    "PortInUseError",
    "PricingError",
    "SandboxError",
    "ScheduleExpressionError",
    "TooManyRequestsError",
]


class LabError(Exception):
    """Base class for every error the lab runtime raises on purpose."""


class SandboxError(LabError):
    """The AWS sandbox was used wrongly (not started, or the backend opt-in is malformed)."""


class NetworkBlockedError(LabError, ConnectionError):
    """Code inside the sandbox tried to open a connection that would leave this machine."""


class ConfigurationError(LabError, ValueError):
    """A function, event source or schedule was configured with a value AWS would reject."""


class FunctionNotDeployedError(LabError, LookupError):
    """A Lambda function was invoked that the local runtime does not know."""


class TooManyRequestsError(LabError):
    """The function's concurrency limit was reached (Lambda's 429 TooManyRequestsException)."""


class PricingError(LabError, ValueError):
    """A cost function was called with a quantity AWS does not bill (negative, unknown architecture)."""


class ScheduleExpressionError(LabError, ValueError):
    """A cron() or rate() expression that EventBridge would reject."""


class PortInUseError(LabError, OSError):
    """A lab server was asked to listen on a port that something else already uses."""
