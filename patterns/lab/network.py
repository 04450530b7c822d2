"""A network guard: while the sandbox runs in-process, no connection may leave this machine.

moto intercepts botocore before any request is sent, so a correct course never opens a socket to AWS.
The guard makes that a checked fact rather than a hope: connecting to (or resolving) anything but a
loopback address or a Unix socket raises :class:`NetworkBlockedError`, and every attempt is recorded.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from patterns.lab.exceptions import NetworkBlockedError

__all__ = ["BlockedAttempt", "NetworkGuard", "is_local_host"]

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_local_host(host: str) -> bool:
    """True for loopback names and addresses (127.0.0.0/8, ::1, localhost)."""
    name = host.strip("[]").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class BlockedAttempt:
    """One refused attempt: what was tried and where."""

    operation: str
    target: str


@dataclass
class NetworkGuard:
    """Patches ``socket`` so only loopback and Unix-socket connections go through.

    Guards nest: the sockets stay patched until the outermost guard stops.
    """

    attempts: list[BlockedAttempt] = field(default_factory=list)

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _active: ClassVar[list[NetworkGuard]] = []
    _originals: ClassVar[dict[str, Callable[..., Any]]] = {}

    def start(self) -> None:
        with self._lock:
            if not NetworkGuard._active:
                _patch_socket()
            NetworkGuard._active.append(self)

    def stop(self) -> None:
        with self._lock:
            if self in NetworkGuard._active:
                NetworkGuard._active.remove(self)
            if not NetworkGuard._active:
                _restore_socket()

    @contextmanager
    def active(self) -> Iterator[NetworkGuard]:
        self.start()
        try:
            yield self
        finally:
            self.stop()

    @classmethod
    def refuse(cls, operation: str, target: str) -> NetworkBlockedError:
        attempt = BlockedAttempt(operation, target)
        for guard in cls._active:
            guard.attempts.append(attempt)
        return NetworkBlockedError(
            f"blocked {operation} to {target}: the lab sandbox keeps every request on this machine. "
            "To use a real endpoint, opt in explicitly "
            "(see the README, 'Pointing the course at a real endpoint')."
        )


def _address_host(address: Any) -> str | None:
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        return address[0]
    return None


def _patch_socket() -> None:
    originals = NetworkGuard._originals
    originals["connect"] = socket.socket.connect
    originals["connect_ex"] = socket.socket.connect_ex
    originals["getaddrinfo"] = socket.getaddrinfo
    originals["sendto"] = socket.socket.sendto

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        host = _address_host(address)
        if sock.family != socket.AF_UNIX and host is not None and not is_local_host(host):
            raise NetworkGuard.refuse("connect", f"{host}:{address[1]}")
        originals["connect"](sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        host = _address_host(address)
        if sock.family != socket.AF_UNIX and host is not None and not is_local_host(host):
            raise NetworkGuard.refuse("connect", f"{host}:{address[1]}")
        result: int = originals["connect_ex"](sock, address)
        return result

    def guarded_sendto(sock: socket.socket, data: bytes, *args: Any) -> int:
        host = _address_host(args[-1]) if args else None
        if host is not None and not is_local_host(host):
            raise NetworkGuard.refuse("sendto", f"{host}:{args[-1][1]}")
        result: int = originals["sendto"](sock, data, *args)
        return result

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if isinstance(name, str) and not is_local_host(name):
            raise NetworkGuard.refuse("name lookup", name)
        return originals["getaddrinfo"](host, *args, **kwargs)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign,assignment]
    socket.socket.sendto = guarded_sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = guarded_getaddrinfo


def _restore_socket() -> None:
    originals = NetworkGuard._originals
    socket.socket.connect = originals.pop("connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = originals.pop("connect_ex")  # type: ignore[method-assign]
    socket.socket.sendto = originals.pop("sendto")  # type: ignore[method-assign]
    socket.getaddrinfo = originals.pop("getaddrinfo")
