"""Pattern 17 - Idempotent handlers: keyed conditional writes, so a duplicate never pays twice.

**Intent.** Let a client (or a retrying platform) send the same request any number of times, at any
moment, and have its effect happen once, with every copy getting the first copy's answer.

**Problem.** Lambda delivers at least once: async invocations are retried, queues and streams redeliver,
clients retry after timeouts. Seed 003's answer, "``cache.get(key)``; on a miss do the work and
``cache.set(key)``", is right only for duplicates that arrive one after another: concurrent copies all
read a miss and all do the work, a crash leaves nothing behind, and a different payload under a used key
is answered with the old result.

**Solution.**

* one conditional ``PutItem`` claims the key: an **in-progress** record (the lock) written only if there
  is no record, the record expired, or its lock ran out; the loser reads the old record from the refusal
  (``ReturnValuesOnConditionCheckFailure``) and needs no extra read;
* the result is stored in a **completed** record; a duplicate gets it back (a replay) and runs nothing;
* a **payload hash** in the record: the same key with a different payload is refused (422);
* a request that arrives while the lock is held is told to retry (409); the lock lasts the function's
  remaining time, so a crashed request's lock frees itself and a later retry completes; completed
  records expire (DynamoDB TTL, :mod:`patterns.lab.ttl` on the virtual clock);
* the same handler on Powertools' ``@idempotent`` with its DynamoDB persistence layer, answering alike.

**Limit.** A crash *after* the side effect and *before* the completed record is written makes the retry
do the effect again: pass the key on to the downstream API (most payment APIs accept one).

**Layers.** :mod:`.handlers` (parse, answer) -> :mod:`.service` (the rules, no boto3) ->
:mod:`.adapters` (DynamoDB; Powertools on the lab's clock).
"""

from patterns.idempotency.exceptions import (
    AlreadyInProgressError,
    IdempotencyError,
    InvalidRequestError,
    PayloadMismatchError,
    SimulatedCrash,
)
from patterns.idempotency.service import (
    CRASH_POINTS,
    CacheIdempotency,
    Execution,
    IdempotencyRecord,
    IdempotentExecutor,
    InMemoryCacheStore,
    InMemoryLedger,
    InMemoryRecordStore,
    PaymentRequest,
    crash_at,
    lock_is_free,
    parse_request,
    payload_hash,
)

__all__ = [
    "CRASH_POINTS",
    "AlreadyInProgressError",
    "CacheIdempotency",
    "Execution",
    "IdempotencyError",
    "IdempotencyRecord",
    "IdempotentExecutor",
    "InMemoryCacheStore",
    "InMemoryLedger",
    "InMemoryRecordStore",
    "InvalidRequestError",
    "PayloadMismatchError",
    "PaymentRequest",
    "SimulatedCrash",
    "crash_at",
    "lock_is_free",
    "parse_request",
    "payload_hash",
]
