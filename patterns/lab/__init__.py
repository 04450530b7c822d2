"""The lab runtime: everything the patterns, notebooks, exercises and tests share.

* :func:`aws_sandbox` / :func:`start_sandbox` - moto in-process with fake credentials, a network guard,
  and the local Lambda runtime (``sandbox.lambdas``) on a controllable clock (``sandbox.clock``).
* :mod:`patterns.lab.pricing` - the dated, sourced price table and cost functions.
* :mod:`patterns.lab.events` - event builders shaped like the real AWS events.
* :mod:`patterns.lab.sources` - event sources (SQS, streams, EventBridge, schedules) driving handlers.
* :mod:`patterns.lab.races` - :func:`~patterns.lab.races.hold_reads` holds concurrent requests between
  their read and their write, so a race (idempotency, counters, check-then-act) happens every time.
* :mod:`patterns.lab.dependency` - a modelled remote dependency (latency, outages, the caller's timeout)
  on the virtual clock, reachable by name from every execution environment (pattern 18).
"""

from patterns.lab.capabilities import Capability
from patterns.lab.clock import LabClock
from patterns.lab.exceptions import LabError
from patterns.lab.lambda_runtime import (
    FunctionConfig,
    Invocation,
    InvocationReport,
    LambdaContext,
    LocalLambdaRuntime,
)
from patterns.lab.sandbox import (
    Backend,
    Sandbox,
    aws_sandbox,
    backend_from_environment,
    current_sandbox,
    start_sandbox,
    stop_sandbox,
)

__all__ = [
    "Backend",
    "Capability",
    "FunctionConfig",
    "Invocation",
    "InvocationReport",
    "LabClock",
    "LabError",
    "LambdaContext",
    "LocalLambdaRuntime",
    "Sandbox",
    "aws_sandbox",
    "backend_from_environment",
    "current_sandbox",
    "start_sandbox",
    "stop_sandbox",
]
