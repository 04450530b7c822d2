"""Errors of the anti-patterns pattern."""

from __future__ import annotations

from patterns.lab.exceptions import LabError

__all__ = ["AntiPatternError", "MalformedS3EventError"]


class AntiPatternError(LabError):
    """Base class for the pattern's errors."""


class MalformedS3EventError(AntiPatternError, ValueError):
    """An event is not an S3 notification with at least one record naming a bucket and a key."""
