"""The front door as a real HTTP server on loopback, so ``curl`` and a browser reach the local functions.

Standard library only (``http.server``), one thread per connection. It binds to loopback addresses only:
the course never listens where another machine could reach it. Use :func:`serving` in tests and
notebooks (a background thread, stopped on exit) and :func:`serve_until_interrupted` from a command line
(Ctrl-C stops it cleanly).
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from patterns.lab import limits
from patterns.lab.exceptions import ConfigurationError, PortInUseError
from patterns.lab.gateway.front_door import FrontDoor, HttpResponse
from patterns.lab.network import is_local_host

if TYPE_CHECKING:
    from patterns.lab.sandbox import Sandbox

__all__ = ["LoopbackServer", "serve_pattern", "serve_until_interrupted", "serving"]

AccessLog = Callable[[str, str, HttpResponse], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops bursts of connections (a 1 s SYN retry for each)


class LoopbackServer:
    """A running HTTP server in front of a :class:`FrontDoor`; ``url`` is where it listens."""

    def __init__(
        self,
        front_door: FrontDoor,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log: AccessLog | None = None,
        after_request: Callable[[], object] | None = None,
    ) -> None:
        """``after_request`` runs after each answer, requests then taking turns (e.g. ``sandbox.settle``)."""
        if not is_local_host(host):
            raise ConfigurationError(
                f"the front door listens on loopback only (127.0.0.1, ::1), not {host!r}"
            )
        handler = _handler_class(front_door, log, after_request)
        try:
            self._server = _Server((host, port), handler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUseError(
                    f"port {port} on {host} is already in use: stop what listens there, or choose another "
                    "port (--port)"
                ) from error
            raise
        self._thread: threading.Thread | None = None
        self.front_door = front_door

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = str(self._server.server_address[0])
        return f"http://{host}:{self.port}"

    def start(self) -> LoopbackServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, name="lab-front-door", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` is called from another (or Ctrl-C)."""
        self._server.serve_forever()

    def stop(self) -> None:
        """Stop serving, close the socket and wait for the serving thread."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()


@contextmanager
def serving(
    front_door: FrontDoor, *, host: str = "127.0.0.1", port: int = 0, log: AccessLog | None = None
) -> Iterator[LoopbackServer]:
    """Serve ``front_door`` in the background for the block (port 0: a free port); stop after."""
    server = LoopbackServer(front_door, host=host, port=port, log=log).start()
    try:
        yield server
    finally:
        server.stop()


def serve_until_interrupted(
    front_door: FrontDoor,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    announce: Callable[[str], None] = print,
    after_request: Callable[[], object] | None = None,
) -> None:
    """Serve in the foreground, print each request, and stop cleanly on Ctrl-C."""
    server = LoopbackServer(
        front_door,
        host=host,
        port=port,
        log=lambda method, url, response: announce(f"{method} {url} -> {response.status}"),
        after_request=after_request,
    )
    routes = ", ".join(route.key for route in front_door.routes.routes)
    announce(f"{front_door.kind} front door on {server.url} (routes: {routes}); Ctrl-C stops it")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        announce("stopped")
    finally:
        server.stop()


def serve_pattern(
    deploy: Callable[[Sandbox], FrontDoor],
    *,
    port: int,
    example: str = "",
    announce: Callable[[str], None] = print,
) -> int:
    """A pattern's ``serve`` command: start the sandbox, ``deploy`` the pattern's API, serve it on
    127.0.0.1 until Ctrl-C. After each request the sandbox settles, so the events a request caused
    (queues, streams, asynchronous invocations) flow before the next one. ``example`` (a ``curl`` line,
    ``{port}`` filled in) is printed first. Returns the exit code: 2, with one line, if the port is taken.
    """
    import sys

    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        door = deploy(sandbox)
        if example:
            announce("try: " + example.format(port=port))
        try:
            serve_until_interrupted(door, port=port, announce=announce, after_request=sandbox.settle)
        except PortInUseError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    return 0


def _handler_class(
    front_door: FrontDoor, log: AccessLog | None, after_request: Callable[[], object] | None
) -> type[BaseHTTPRequestHandler]:
    turns = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "lab-front-door"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > limits.APIGW_PAYLOAD_BYTES:
                self._send(413, {"Content-Type": "application/json"}, b'{"message": "Request Too Long"}')
                self.close_connection = True
                return
            body = self.rfile.read(length) if length else None
            headers: dict[str, Any] = {}
            for name, value in self.headers.items():
                headers.setdefault(name, []).append(value)
            if after_request is None:
                response = front_door.request(self.command, self.path, headers=headers, body=body)
            else:
                with turns:
                    response = front_door.request(self.command, self.path, headers=headers, body=body)
                    after_request()
            if log is not None:  # before the answer leaves: a client that has it finds it logged
                log(self.command, self.path, response)
            self._send(response.status, dict(response.headers), response.body, response.set_cookies)

        def _send(
            self, status: int, headers: dict[str, str], body: bytes, cookies: tuple[str, ...] = ()
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                    self.send_header(name, value)
            for cookie in cookies:
                self.send_header("Set-Cookie", cookie)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _answer

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: the access log goes to ``log`` instead of stderr."""

    return Handler
