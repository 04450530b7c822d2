"""Pattern 04 - Externalised state and caching.

**Intent.** Keep state that must be shared or must survive outside the function, and keep in memory
only what may be per environment and stale: caches and connections.

**Problem.** Lambda runs a function in as many execution environments as traffic needs, reuses each
for an unknown time and shares nothing between them. A module global then counts only its own
environment's requests, a per-container "already handled" set lets a retry in another environment run
twice, a cache serves old values after a change, and each environment's database connection takes a
slot of a server that allows a fixed number.

**Solution.**

* shared state in DynamoDB: sessions with a TTL attribute, filtered on read (DynamoDB deletes expired
  items only eventually), counters updated with ``ADD``, duplicates refused by a conditional write;
* a per-environment TTL cache where staleness is acceptable, bounded by its TTL;
* database connections through a pooler (RDS Proxy; PgBouncer here), or reserved concurrency at the
  connection limit, instead of one connection per environment or per call.

**Where it runs here.** DynamoDB in moto, with the lab's TTL sweeper (:mod:`patterns.lab.ttl`) playing
DynamoDB's background deletion on the virtual clock; a real PostgreSQL and PgBouncer started by the lab
(:mod:`patterns.lab.databases`); requests spread over warm environments in turn (``routing="spread"``).

**Layers.** :mod:`.handlers` -> :mod:`.service` (no boto3) -> :mod:`.adapters` (DynamoDB, PostgreSQL).
"""

from patterns.state.exceptions import InvalidSessionRequestError, StateError
from patterns.state.service import Session, TtlCache, is_live, parse_session_request, request_time

__all__ = [
    "InvalidSessionRequestError",
    "Session",
    "StateError",
    "TtlCache",
    "is_live",
    "parse_session_request",
    "request_time",
]
