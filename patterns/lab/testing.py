"""pytest plugin for the course's tests and exercises: the ``sandbox`` fixture and a network guard.

Enable with ``pytest_plugins = ["patterns.lab.testing"]`` in a conftest. Every test runs with the
network guard on, and fails if any code in it tried to reach beyond this machine (even code that
swallowed the refusal). The ``sandbox`` fixture always uses moto in-process, whatever the shell's
``LAB_AWS_*`` opt-in says: the test suite never talks to an endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from patterns.lab.network import NetworkGuard
from patterns.lab.sandbox import Backend, Sandbox, aws_sandbox

__all__ = ["network_guard", "no_connection_leaves_the_machine", "sandbox"]


@pytest.fixture(scope="session")
def network_guard() -> Iterator[NetworkGuard]:
    """One guard for the whole session; loopback and Unix sockets only."""
    with NetworkGuard().active() as guard:
        yield guard


@pytest.fixture(autouse=True)
def no_connection_leaves_the_machine(network_guard: NetworkGuard) -> Iterator[None]:
    """Fail the test if anything in it tried to open a connection off this machine."""
    before = len(network_guard.attempts)
    yield
    attempts = network_guard.attempts[before:]
    if attempts:
        tried = ", ".join(f"{a.operation} {a.target}" for a in attempts)
        pytest.fail(f"the test tried to leave the machine: {tried}", pytrace=False)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A fresh moto sandbox with the local Lambda runtime, stopped after the test."""
    with aws_sandbox(backend=Backend()) as running:
        yield running
