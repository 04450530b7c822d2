"""Handlers of the retries pattern (thin: parse the configuration, delegate).

* :func:`charge_payment` calls a payments dependency that is down: it always raises. The platform's
  own retries (async invoke, SQS, EventBridge, Step Functions, streams) are counted against it.
* :func:`layer` is one layer of a call chain: it invokes ``NEXT_FUNCTION`` with up to ``ATTEMPTS``
  attempts (:func:`patterns.retries.adapters.invoke_with_retries`); the bottom layer (no
  ``NEXT_FUNCTION``) calls the dependency, which is down.
"""

from __future__ import annotations

import os
from typing import Any

from patterns.retries.adapters import invoke_with_retries
from patterns.retries.exceptions import DependencyDownError
from patterns.retries.service import RetryPolicy

__all__ = ["charge_payment", "layer"]


def charge_payment(event: Any, context: Any) -> Any:
    """The payments dependency is down: every call fails."""
    raise DependencyDownError("payments dependency unavailable (503)")


def layer(event: Any, context: Any) -> Any:
    """Invoke ``NEXT_FUNCTION`` with ``ATTEMPTS`` attempts; the bottom layer calls the dependency."""
    below = os.environ.get("NEXT_FUNCTION", "")
    if not below:
        raise DependencyDownError("payments dependency unavailable (503)")
    policy = RetryPolicy(max_attempts=int(os.environ.get("ATTEMPTS", "1")))
    result, _attempts = invoke_with_retries(below, event, policy)
    return result
