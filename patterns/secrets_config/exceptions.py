"""The errors of pattern 21: what a downstream, a configuration or a scan can refuse."""

from __future__ import annotations

__all__ = ["AuthenticationFailedError", "ConfigurationError", "SecretsConfigError"]


class SecretsConfigError(Exception):
    """Base class of this pattern's errors."""


class AuthenticationFailedError(SecretsConfigError):
    """The downstream refused the credentials presented (a rotated password, for instance)."""


class ConfigurationError(SecretsConfigError, ValueError):
    """A stage's configuration is missing a setting or holds a value of the wrong kind."""
