"""Errors of pattern 23 (deployment and testing)."""

from __future__ import annotations

__all__ = ["DeployTestError", "IncompleteStackError", "TemplateError"]


class DeployTestError(Exception):
    """Base class of this pattern's errors."""


class TemplateError(DeployTestError, ValueError):
    """A template that cannot be deployed: the message says where and why, in one paragraph."""


class IncompleteStackError(DeployTestError):
    """A stack reported complete, yet some declared resources do not exist."""
