"""Errors of the scheduled-job and webhook logic; each carries what its caller needs to answer."""

from __future__ import annotations

__all__ = ["ScheduledWebhookError", "WebhookRejected"]


class ScheduledWebhookError(Exception):
    """Base class of this pattern's errors."""


class WebhookRejected(ScheduledWebhookError):
    """A webhook request refused before anything was processed: ``status`` is 400 or 401, ``attack`` names
    the check that refused it (``missing-signature``, ``bad-signature``, ``stale-timestamp``, ``replay``,
    ``oversized-body``, ``malformed``)."""

    def __init__(self, status: int, attack: str, message: str) -> None:
        self.status = status
        self.attack = attack
        super().__init__(message)
