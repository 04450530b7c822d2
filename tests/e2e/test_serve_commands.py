"""Every pattern with a ``serve`` command refuses a port already in use with one line, not a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SERVING_PATTERNS = ("api_crud", "microservices", "security")
PATTERNS = Path(__file__).resolve().parents[2] / "patterns"


@pytest.mark.parametrize("package", SERVING_PATTERNS)
def test_serve_refuses_a_port_in_use_with_one_line(package: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", f"patterns.{package}", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"error: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_pattern_with_a_serve_command_is_listed() -> None:
    serving = sorted(p.parent.name for p in PATTERNS.glob("*/__main__.py") if '"serve"' in p.read_text())
    assert serving == sorted(SERVING_PATTERNS)
