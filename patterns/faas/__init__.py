"""Pattern 01 - Function as a Service: single-purpose functions.

**Intent.** One small function per job, each behind its own route or event, with its own memory,
timeout, permissions and metrics.

**Problem.** The seeds' multi-purpose handler switches on the event's type: every job gets the largest
job's memory and permissions, one bug takes every route down, and nothing scales apart. Their
registration reads, then writes: two concurrent sign-ups with one email both succeed.

**Solution.** ``register`` (POST /users: 201, 400 listing every problem, 409 decided by a DynamoDB
conditional write, one SNS message per new user), ``get_user`` and ``export_users`` as separate
functions, each deployed with what it needs; the monolith (:mod:`.monolith`) is kept to compare.

**Layers.** :mod:`.handlers` -> :mod:`.service` (no boto3) -> :mod:`.adapters` (DynamoDB, SNS).
"""

from patterns.faas.exceptions import DuplicateUserError, InvalidRegistrationError, RegistrationError

__all__ = ["DuplicateUserError", "InvalidRegistrationError", "RegistrationError"]
