"""Running a pattern's demonstration as a learner would: ``python -m patterns.<package>``."""

from __future__ import annotations

import subprocess
import sys

__all__ = ["demonstration"]


def demonstration(package: str, *arguments: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run ``python -m patterns.<package> [arguments]``; fail the test unless it exits 0."""
    result = subprocess.run(
        [sys.executable, "-m", f"patterns.{package}", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"python -m patterns.{package} exited {result.returncode}:\n{result.stderr[-4000:]}"
    )
    return result
