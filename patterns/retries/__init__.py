"""Pattern 16 · Retries, backoff and dead-letter queues.

**What it is.** A call that fails for a moment (throttled, a 5xx, a dependency restarting) is tried
again after a wait that grows with every failure (exponential backoff), randomised (jitter) so that
clients that failed together do not come back together. Errors a retry cannot fix (a validation error)
are not retried. What still fails after the last attempt goes somewhere it is kept: a dead-letter
queue or an on-failure destination.

**What the example does.** A discrete-event simulation on virtual time sends N clients against a
dependency that is down and then serves a fixed number of calls per second, with backoff without jitter
and with full, equal and decorrelated jitter (:mod:`patterns.retries.service`): total calls, calls per
second over time, time until every client succeeded, set beside the findings of "Exponential Backoff And
Jitter" (AWS Architecture Blog, 2015). Then real boto3 calls against a throttling stand-in
(:mod:`patterns.lab.faults`): the hand-built retry loop retries throttling and 5xx, not validation; the
SDK's legacy, standard and adaptive modes make their own numbers of attempts. One failing event goes
through each of the platform's retrying callers (Lambda async invoke, SQS redrive, a Kinesis mapping,
an EventBridge target, a Step Functions Retry), and a chain of three functions that each retry three
times calls the bottom one 27 times.

**When to use it.** Retry transient errors, with capped exponential backoff and full jitter, in one
layer only (usually the outermost or the one closest to the failing call), with a bounded number of
attempts and a dead-letter queue for what is left.

**Trade-offs.** Retries add load on a dependency that is already struggling and latency for the
caller; retried calls must be idempotent (pattern 17); retries at several layers multiply; the
platform retries for you in places you may not expect (async invokes, queues, streams), so a function
that also retries inside adds to them.

**References.** Exponential Backoff And Jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/),
Timeouts, retries and backoff with jitter (https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/),
botocore retries (https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html),
Lambda async error handling (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html),
Step Functions error handling (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).

**TL;DR.** Retry only what is transient, with capped full jitter, in one layer, a few times; know which
service already retries for you; park the rest in a DLQ.
Run it: ``python -m patterns.retries``; explore it: ``notebooks/16-retries.ipynb``.
"""

from patterns.retries.exceptions import DependencyDownError, DownstreamFailedError, RetriesExhaustedError
from patterns.retries.service import (
    RetryPolicy,
    SimulationResult,
    Strategy,
    call_with_retries,
    calls_per_second,
    classify,
    next_delay,
    simulate,
)

__all__ = [
    "DependencyDownError",
    "DownstreamFailedError",
    "RetriesExhaustedError",
    "RetryPolicy",
    "SimulationResult",
    "Strategy",
    "call_with_retries",
    "calls_per_second",
    "classify",
    "next_delay",
    "simulate",
]
