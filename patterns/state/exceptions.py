"""Errors of the state pattern's service logic."""

from __future__ import annotations

__all__ = ["InvalidSessionRequestError", "StateError"]


class StateError(Exception):
    """Base class of the state pattern's errors."""


class InvalidSessionRequestError(StateError, ValueError):
    """A session request without a usable user name."""
