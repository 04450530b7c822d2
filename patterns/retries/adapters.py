"""AWS adapters of the retries pattern: boto3 clients with an explicit retry configuration, the
hand-built retry loop applied to boto3 calls, and a function invoking the layer below it with retries.

The lab's sandbox sets ``AWS_MAX_ATTEMPTS=1`` and ``AWS_RETRY_MODE=standard`` (so that nothing retries
behind a demonstration's back). :func:`sdk_client` makes a client that ignores those two variables and
takes its retry settings from ``botocore.config.Config(retries=...)`` alone: leave ``max_attempts`` out
and you get the mode's own default, as on a machine with nothing configured.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from patterns.lab.sandbox import Sandbox
from patterns.retries.exceptions import DownstreamFailedError
from patterns.retries.service import Attempt, Outcome, RetryPolicy, call_with_retries, classify

__all__ = [
    "RetryMode",
    "invoke_with_retries",
    "is_transient",
    "sdk_client",
]

RetryMode = Literal["legacy", "standard", "adaptive"]
_RETRY_VARIABLES = ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE")


@contextmanager
def _without_retry_variables() -> Iterator[None]:
    saved = {name: os.environ.pop(name) for name in _RETRY_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def sdk_client(
    sandbox: Sandbox, service: str, mode: RetryMode, *, total_max_attempts: int | None = None
) -> Any:
    """A boto3 client for ``sandbox`` whose retries are ``mode`` (and ``total_max_attempts``, the
    first attempt included, when given), whatever the environment says."""
    retries: dict[str, Any] = {"mode": mode}
    if total_max_attempts is not None:
        retries["total_max_attempts"] = total_max_attempts
    with _without_retry_variables():
        session = boto3.session.Session()
        return session.client(  # type: ignore[call-overload]
            service,
            region_name=sandbox.region,
            endpoint_url=sandbox.backend.endpoint_url,
            config=Config(retries=retries),  # type: ignore[arg-type]
        )


def is_transient(error: Exception) -> bool:
    """A boto3 error worth a retry: throttling or a server error (:func:`service.classify`)."""
    if isinstance(error, DownstreamFailedError):
        return True
    if not isinstance(error, ClientError):
        return False
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
    code = str(error.response.get("Error", {}).get("Code", ""))
    return classify(status, code) is Outcome.RETRY


def invoke_with_retries(
    function_name: str, event: Any, policy: RetryPolicy, *, client: Any = None
) -> tuple[Any, list[Attempt]]:
    """Invoke ``function_name`` synchronously until it answers without a function error, at most
    ``policy.max_attempts`` times. Returns its payload and the attempts.

    The waits between attempts are computed but not slept: the lab's clock does not move while a
    handler runs, and the counts do not depend on them."""
    lambdas = client or boto3.client("lambda")
    attempts: list[Attempt] = []

    def once() -> Any:
        response = lambdas.invoke(FunctionName=function_name, Payload=json.dumps(event).encode())
        payload = json.loads(response["Payload"].read() or b"null")
        if response.get("FunctionError"):
            raise DownstreamFailedError(function_name, payload)
        return payload

    result = call_with_retries(
        once,
        policy,
        is_transient=is_transient,
        sleep=lambda _s: None,
        rng=random.Random(0),
        attempts=attempts,
    )
    return result, attempts
