"""PgBouncer in front of the lab's PostgreSQL: the stand-in for RDS Proxy.

Many short-lived clients (a Lambda invocation each) connect to the pooler, which shares a few server
connections among them: a server connection is a client's for as long as it stays connected
(``pool_mode = session``: transaction pooling would break the unnamed prepared statements pg8000 and
most drivers use, and this PgBouncer, 1.18, cannot track them), and a client that finds every server
connection busy waits for one instead of being refused. PgBouncer is Debian's package (``make test``
installs it); where it is missing, :func:`pgbouncer` raises :class:`PoolerUnavailableError` with the
command that installs it. It listens on 127.0.0.1 only, on a free port.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from patterns.lab.databases.postgres import APP_USER, LabPostgres
from patterns.lab.exceptions import LabError

__all__ = ["LabPgBouncer", "PoolerUnavailableError", "pgbouncer", "pgbouncer_binary"]

_DATABASE = "lab"
_START_TIMEOUT_S = 10.0


class PoolerUnavailableError(LabError):
    """PgBouncer is not installed on this machine."""


def pgbouncer_binary() -> str | None:
    """Where PgBouncer is, or None."""
    return shutil.which("pgbouncer") or next(
        (path for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.access(path, os.X_OK)), None
    )


@dataclass(frozen=True)
class LabPgBouncer:
    """A running pooler: its port on 127.0.0.1 and how many server connections it may open."""

    port: int
    pool_size: int

    def connect(self, **options: Any) -> Any:
        """A new ``pg8000.native.Connection`` to the pooler (it lends a server connection per transaction)."""
        import pg8000.native

        return pg8000.native.Connection(
            APP_USER, host="127.0.0.1", port=self.port, database=_DATABASE, **options
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def pgbouncer(server: LabPostgres, *, pool_size: int) -> Iterator[LabPgBouncer]:
    """Run PgBouncer for the block, pooling at most ``pool_size`` connections to ``server``."""
    binary = pgbouncer_binary()
    if binary is None:
        raise PoolerUnavailableError(
            "PgBouncer is not installed here; install it with `sudo apt-get install pgbouncer` "
            "(Debian, Ubuntu) to run the pooled variant"
        )
    if not 1 <= pool_size <= server.max_connections:
        raise LabError(
            f"pool_size must be 1 to {server.max_connections} (the server's slots), got {pool_size}"
        )
    folder = Path(tempfile.mkdtemp(prefix="lab-pgbouncer-"))
    port = _free_port()
    (folder / "users.txt").write_text(f'"{APP_USER}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{_DATABASE} = host={server.directory} port=5432 dbname=postgres user={APP_USER}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        f"pool_mode = session\ndefault_pool_size = {pool_size}\nmax_db_connections = {pool_size}\n"
        "max_client_conn = 1000\nserver_login_retry = 1\nquery_wait_timeout = 30\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )
    folder.chmod(0o755)
    command = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root: as the user the PostgreSQL server runs as
        owner = pwd.getpwuid(server.directory.stat().st_uid).pw_name
        command[1:1] = ["-u", owner]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until_listening(port, process)
        yield LabPgBouncer(port, pool_size)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_listening(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise LabError(f"PgBouncer exited at start ({process.returncode}):\n{output[-1500:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise LabError(f"PgBouncer did not listen on 127.0.0.1:{port} within {_START_TIMEOUT_S:g} s")
