"""What importing a module costs a fresh Python process: the import share of a cold start.

A Lambda cold start imports the handler's module in a new process. :func:`measure_import` starts a new
interpreter (``sys.executable -X importtime -c "import <module>"``) a few times and reads the module's
*cumulative* import time (itself and everything it brought in that was not already loaded) from the
``-X importtime`` report. Measured on this machine, so compare modules with each other, not with AWS.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from dataclasses import dataclass

from patterns.lab.exceptions import LabError

__all__ = ["ImportCost", "measure_import"]


@dataclass(frozen=True)
class ImportCost:
    """Cumulative import time of ``module`` in fresh processes, in milliseconds."""

    module: str
    samples_ms: tuple[float, ...]
    modules_loaded: int  # modules the import loaded (lines of the importtime report), first sample

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)


def measure_import(module: str, *, repetitions: int = 3, timeout_s: float = 60.0) -> ImportCost:
    """Import ``module`` in ``repetitions`` fresh interpreters; its cumulative import time in each."""
    if repetitions < 1:
        raise LabError(f"repetitions must be at least 1, got {repetitions}")
    samples: list[float] = []
    loaded = 0
    for _ in range(repetitions):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if result.returncode != 0:
            tail = "\n".join(result.stderr.strip().splitlines()[-5:])
            raise LabError(f"importing {module!r} in a fresh process failed:\n{tail}")
        cumulative_us, count = _cumulative_us(result.stderr, module)
        samples.append(cumulative_us / 1000)
        loaded = loaded or count
    return ImportCost(module, tuple(samples), loaded)


def _cumulative_us(report: str, module: str) -> tuple[int, int]:
    """The module's cumulative microseconds, and how many modules were imported up to it."""
    count = 0
    for line in report.splitlines():
        if not line.startswith("import time:") or "|" not in line or "self [us]" in line:
            continue
        count += 1
        _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        if name == module:
            return int(cumulative), count
    raise LabError(f"the -X importtime report has no line for {module!r}")
