"""The endpoint tier's fixtures: one moto server on loopback, emptied before every test.

A new pattern joins the tier in three steps:

1. ``patterns/<package>/demo.py`` declares what its demonstration checks with ``sandbox.unavailable``
   (and lists ``"DEMO_NEEDS"`` in its ``__all__``)::

       DEMO_NEEDS: tuple[Capability, ...] = ()  # or (Capability.PUSH_DELIVERIES,) ...

2. ``tests/endpoint/test_<package>.py`` runs it, one call and assertions on what it printed::

       pytestmark = pytest.mark.endpoint

       def test_<package>_runs_against_a_moto_server(moto_server):
           result = run_demonstration("<package>", moto_server)
           assert "..." in result.stdout
           assert_skipped(result, Capability.PUSH_DELIVERIES)  # or assert_skipped(result): none

3. README.md's backend table gets the row ``test_readme_table.py`` prints when it is missing.

The demonstration runs as ``python -m patterns.<package>`` in a subprocess with
``LAB_AWS_BACKEND=endpoint LAB_AWS_ENDPOINT_URL=http://127.0.0.1:<port>``, as a learner would run it;
``run_demonstration`` fails on a non-zero exit, a traceback, a hang, or skip lines that differ from
``DEMO_NEEDS``.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from patterns.lab.capabilities import BACKEND_KINDS, Capability, backend_supports

__all__ = [
    "DEMONSTRATION_TIMEOUT_S",
    "MotoEndpoint",
    "assert_skipped",
    "declared_needs",
    "demonstration_packages",
    "moto_server",
    "readme_row",
    "run_demonstration",
    "skip_lines",
    "skipped_capabilities",
]

ROOT = Path(__file__).resolve().parents[2]
DEMONSTRATION_TIMEOUT_S = 120.0  # a demonstration takes 1-8 s here: a hang fails, never waits forever
_SKIP_PREFIX = "skipped: "


@dataclass(frozen=True)
class MotoEndpoint:
    """A running moto server: its URL, and a way to empty every backend."""

    url: str

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoEndpoint]:
    """A moto server on 127.0.0.1 (a free port) for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield MotoEndpoint(f"http://{host}:{port}")
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _empty_server(moto_server: MotoEndpoint) -> None:
    """Every test starts on an empty server, whatever the previous one left."""
    moto_server.reset()


def _clean_environment(endpoint: MotoEndpoint) -> dict[str, str]:
    """The shell's environment without any AWS or lab opt-in, plus the endpoint opt-in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "LAB_AWS_"))}
    env.update(
        LAB_AWS_BACKEND="endpoint",
        LAB_AWS_ENDPOINT_URL=endpoint.url,
        MPLBACKEND="Agg",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_demonstration(package: str, server: MotoEndpoint) -> subprocess.CompletedProcess[str]:
    """Run ``python -m patterns.<package>`` against ``server``; fail unless it exits 0 with no traceback."""
    command = [sys.executable, "-m", f"patterns.{package}"]
    try:
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=_clean_environment(server),
            capture_output=True,
            text=True,
            timeout=DEMONSTRATION_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as hung:
        pytest.fail(
            f"`python -m patterns.{package}` against {server.url} hung for {DEMONSTRATION_TIMEOUT_S:g} s; "
            f"it printed:\n{_text(hung.stdout)}\n--- stderr ---\n{_text(hung.stderr)}",
            pytrace=False,
        )
    output = f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    if result.returncode != 0 or "Traceback" in result.stdout + result.stderr:
        pytest.fail(
            f"`python -m patterns.{package}` against {server.url} exited {result.returncode}"
            f"{' with a traceback' if 'Traceback' in output else ''}:\n{output}",
            pytrace=False,
        )
    declared = sorted(c.name for c in declared_needs(package))
    said = skipped_capabilities(result)
    assert said == declared, (
        f"patterns/{package}/demo.py declares DEMO_NEEDS = {declared}, but against the endpoint its "
        f"demonstration said it skipped what needs {said} (`sandbox.unavailable(...)` lines):\n{output}"
    )
    return result


def demonstration_packages() -> list[str]:
    """Every pattern package with a runnable demonstration (``patterns/<package>/__main__.py``)."""
    return sorted(
        path.parent.name
        for path in (ROOT / "patterns").glob("*/__main__.py")
        if path.parent.name != "lab" and (path.parent / "demo.py").is_file()
    )


def declared_needs(package: str) -> tuple[Capability, ...]:
    """``DEMO_NEEDS`` of ``patterns/<package>/demo.py``, read from its source (nothing is imported)."""
    path = ROOT / "patterns" / package / "demo.py"
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target: ast.expr
        value: ast.expr | None
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if not (isinstance(target, ast.Name) and target.id == "DEMO_NEEDS"):
            continue
        members = value.elts if isinstance(value, ast.Tuple) else None
        names = [
            e.attr
            for e in members or []
            if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id == "Capability"
        ]
        if members is None or len(names) != len(members):
            raise AssertionError(
                f"{path.relative_to(ROOT)}: DEMO_NEEDS must be a literal tuple of Capability members"
            )
        return tuple(Capability[name] for name in names)
    raise AssertionError(
        f"{path.relative_to(ROOT)} declares no DEMO_NEEDS: add, after its __all__ "
        '(and "DEMO_NEEDS" to __all__),\n'
        "    DEMO_NEEDS: tuple[Capability, ...] = ()  # or (Capability.PUSH_DELIVERIES,) ...\n"
        "listing every capability its demonstration checks with `sandbox.unavailable(...)`"
    )


def readme_row(package: str, needs: tuple[Capability, ...]) -> str:
    """The README backend table's row for ``package``: what its demonstration runs on each backend."""
    cells = [f"`{package}`"]
    for kind in BACKEND_KINDS:
        missing = [c.label for c in needs if not backend_supports(kind, c)]
        cells.append("all of it" if not missing else "all but " + ", ".join(missing) + " (it says so)")
    return "| " + " | ".join(cells) + " |"


def skip_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines where the demonstration said what the endpoint could not run."""
    return [
        line for line in result.stdout.splitlines() if line.startswith("[endpoint ") and _SKIP_PREFIX in line
    ]


def skipped_capabilities(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The names of the capabilities the skip lines named (each once), sorted.

    Every skip line must name exactly one capability: anything else is a malformed line.
    """
    named: set[str] = set()
    for line in skip_lines(result):
        found = [c.name for c in Capability if f"needs {c.description}, " in line]
        assert len(found) == 1, f"a skip line that names no capability: {line!r}"
        named.update(found)
    return sorted(named)


def assert_skipped(result: subprocess.CompletedProcess[str], *capabilities: Capability) -> None:
    """The demonstration said it skipped what needs ``capabilities`` (a line per part), nothing else."""
    expected = sorted(c.name for c in capabilities)
    said = skipped_capabilities(result)
    assert said == expected, (
        f"expected skip lines for exactly {expected}, got {skip_lines(result)}\n{result.stdout}"
    )


def _text(stream: str | bytes | None) -> str:
    if isinstance(stream, bytes):
        return stream.decode(errors="replace")
    return stream or ""
