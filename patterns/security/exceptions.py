"""Errors of the security pattern; each says what was refused and why."""

from __future__ import annotations

__all__ = ["SecurityPatternError", "TokenRejectedError"]


class SecurityPatternError(Exception):
    """Base class of the pattern's errors."""


class TokenRejectedError(SecurityPatternError):
    """A token the authorizer refuses; ``reason`` is one word a table can group by."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"token rejected ({reason}): {detail}")
