"""Pattern 18 - Circuit breaker: stop calling a dependency that is down, answer at once, probe for recovery.

**Intent.** When a dependency (a payment provider) stops answering, stop sending it requests for a
while: answer callers at once with a fallback, and let one request at a time find out whether it is
back.

**Problem.** A dependency that is down does not refuse quickly; it does not answer, and each caller
waits for its timeout. On Lambda that wait is billed duration, holds an execution environment (so
concurrency climbs), and is latency the user sees; retries multiply it, and the dependency gets no rest
in which to recover. A breaker kept in a module global is per execution environment: with N warm
environments it must trip N times, and N environments probe at once when it half-opens.

**Solution.**

* three states: **closed** (calls go through; failures counted over a window), **open** (calls get
  the fallback at once, for a set time), **half-open** (one probe goes through; its success closes the
  breaker, its failure opens it again);
* a **failure-rate threshold over a window**, with a minimum number of calls, so one failure among a
  few calls does not trip it;
* the state in **one DynamoDB item** shared by every environment, each change a conditional write on a
  version number: two environments that read the same state cannot both take the probe;
* a **fallback response** (503 with ``retry_after_s``) instead of a 2-second timeout;
* when the breaker's table fails, the breaker **fails open** (the call goes through unguarded).

**Trade-offs.** The shared breaker costs DynamoDB requests on every call (a read, and a write while
closed), and milliseconds of latency; a per-environment breaker costs nothing but learns N times more
slowly. Powertools 3.37 ships its own (``aws_lambda_powertools.utilities.circuit_breaker``: consecutive
failures counted per environment, the state written to DynamoDB only on transitions): ADR 0019.

**Layers.** :mod:`.handlers` (parse, answer) -> :mod:`.service` (the state machine, no boto3) ->
:mod:`.adapters` (DynamoDB). The provider is a :mod:`patterns.lab.dependency` model on the virtual clock.

Run it: ``python -m patterns.circuit_breaker``; explore it: ``notebooks/18-circuit-breaker.ipynb``.
"""

from patterns.circuit_breaker.exceptions import (
    BreakerConfigError,
    CircuitBreakerError,
    StoreContentionError,
    StoreUnavailableError,
)
from patterns.circuit_breaker.service import (
    CLOSED,
    HALF_OPEN,
    OPEN,
    UNAVAILABLE,
    BreakerPolicy,
    BreakerState,
    BreakerStore,
    CallOutcome,
    CircuitBreaker,
    InMemoryBreakerStore,
    admit,
    modelled_ms,
    record,
    retry_after_s,
)

__all__ = [
    "CLOSED",
    "HALF_OPEN",
    "OPEN",
    "UNAVAILABLE",
    "BreakerConfigError",
    "BreakerPolicy",
    "BreakerState",
    "BreakerStore",
    "CallOutcome",
    "CircuitBreaker",
    "CircuitBreakerError",
    "InMemoryBreakerStore",
    "StoreContentionError",
    "StoreUnavailableError",
    "admit",
    "modelled_ms",
    "record",
    "retry_after_s",
]
