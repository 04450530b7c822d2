"""Measure real cold starts: each one in a fresh Python process, split into its phases.

A cold start on Lambda is a new process: the runtime starts, imports the handler's module (running
its module-level code), then serves the first request; later requests in that environment are warm.
:func:`measure_cold_starts` reproduces that on this machine. For every repetition and variant it starts
a new interpreter (``sys.executable``) that

1. imports the handler module and times it (``__import__`` with ``time.perf_counter``),
2. starts the lab sandbox (moto in-process, fake credentials, network guard: nothing reaches AWS)
   and creates the quotes table with a separate boto3 session, so the handler's own client still
   starts cold; this set-up is timed but belongs to no phase,
3. invokes the handler once (the first, cold invocation), then ``warm_invocations`` times,
4. prints its timings as one JSON line on stdout and leaves with ``os._exit`` (no interpreter
   teardown, as a Lambda environment is not torn down after a request).

How each phase is measured:

* **interpreter start** = the parent's wall time around the whole child, minus the span the child
  timed itself (from its first statement to its report). It is therefore everything before the
  child's first line runs: creating the process, starting the interpreter, ``site`` and the
  ``.pth`` files, compiling the child's code (plus the process's exit, which ``os._exit`` keeps short).
  ``-X importtime`` could name the startup modules but not the process creation, so the subtraction
  is the fuller figure.
* **init** = the handler module's own body (its module-level code, without the modules it imports):
  the "self" column ``-X importtime`` reports for that module.
* **imports** = the time the import took minus init: the modules the handler brought in.
* **first invocation** and **warm invocation** = ``perf_counter`` around the handler call.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from patterns.cold_starts.exceptions import MeasurementError
from patterns.cold_starts.handlers import quote_event

__all__ = [
    "CHILD_SOURCE",
    "DEFAULT_REPETITIONS",
    "DEFAULT_WARM_INVOCATIONS",
    "PHASES",
    "REPORT_MARKER",
    "VARIANTS",
    "WATCHED_MODULES",
    "ChildReport",
    "ColdStartMeasurement",
    "ColdStartSample",
    "Phase",
    "Spread",
    "Variant",
    "VariantMeasurement",
    "handler_init_us",
    "measure_cold_starts",
    "parse_child_report",
    "percentile",
    "run_fresh_process",
    "stderr_tail",
]

DEFAULT_REPETITIONS = 2
DEFAULT_WARM_INVOCATIONS = 20
REPORT_MARKER = "COLD-START-REPORT "
# Modules whose presence the child reports after init and after the first request.
WATCHED_MODULES: tuple[str, ...] = ("boto3", "numpy", "matplotlib", "matplotlib.pyplot")
QUOTES_TABLE = "cold-starts-quotes"

Phase = Literal["interpreter", "imports", "init", "first_invocation", "cold_start", "warm_invocation"]
PHASES: tuple[Phase, ...] = (
    "interpreter",
    "imports",
    "init",
    "first_invocation",
    "cold_start",
    "warm_invocation",
)


@dataclass(frozen=True)
class Variant:
    """A handler variant to measure: its name, ``module.function`` and what sets it apart."""

    name: str
    handler: str
    summary: str
    compare_with: str | None = None

    @property
    def module(self) -> str:
        return self.handler.rpartition(".")[0]


_VARIANTS = "patterns.cold_starts.variants"
VARIANTS: tuple[Variant, ...] = (
    Variant(
        "narrow imports",
        f"{_VARIANTS}.narrow_imports.handler",
        "baseline: imports what every request needs; client once per environment; plain Python",
    ),
    Variant(
        "eager imports",
        f"{_VARIANTS}.eager_imports.handler",
        "imports matplotlib and numpy at module top, used by no ordinary request",
        compare_with="narrow imports",
    ),
    Variant(
        "client per call",
        f"{_VARIANTS}.client_per_call.handler",
        "creates a new DynamoDB client on every request",
        compare_with="narrow imports",
    ),
    Variant(
        "large dependency",
        f"{_VARIANTS}.large_dependency.handler",
        "does the arithmetic with numpy instead of plain Python",
        compare_with="narrow imports",
    ),
)

# The code the child runs (``python -X importtime -c CHILD_SOURCE SPEC_JSON``). It imports nothing
# of its own before the handler, so the handler's imports are timed from a bare interpreter.
CHILD_SOURCE = r"""
import time
_started = time.perf_counter()
import json
import os
import sys

spec = json.loads(sys.argv[1])
module_name, _, attribute = spec["handler"].rpartition(".")
before = set(sys.modules)
clock = time.perf_counter()
__import__(module_name)  # not importlib.import_module: -X importtime only sees import statements
import_ms = (time.perf_counter() - clock) * 1000
handler = getattr(sys.modules[module_name], attribute)
new_modules = len(set(sys.modules) - before)
loaded_at_init = [name for name in spec["watch"] if name in sys.modules]

import uuid
import boto3.session
from patterns.lab.lambda_runtime import LambdaContext
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Backend, aws_sandbox


def context():
    return LambdaContext(
        function_name="cold-start-probe", function_version="$LATEST",
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:cold-start-probe",
        memory_limit_in_mb=128, aws_request_id=str(uuid.uuid4()),
        log_group_name="/aws/lambda/cold-start-probe", log_stream_name="probe",
        deadline=time.perf_counter() + 60,
    )


def invoke():
    request = context()
    clock = time.perf_counter()
    response = handler(spec["event"], request)
    elapsed = (time.perf_counter() - clock) * 1000
    if not isinstance(response, dict) or response.get("statusCode") != 200:
        sys.stderr.write(f"the handler answered {response!r}, expected statusCode 200\n")
        sys.stderr.flush()
        os._exit(3)
    return elapsed


with aws_sandbox(backend=Backend()):
    ensure_table(spec["table"], hash_key="quote_id", client=boto3.session.Session().client("dynamodb"))
    os.environ["QUOTES_TABLE"] = spec["table"]
    first_ms = invoke()
    loaded_after_first = [name for name in spec["watch"] if name in sys.modules]
    warm_ms = [invoke() for _ in range(spec["warm"])]
    report = {
        "child_ms": (time.perf_counter() - _started) * 1000,
        "import_ms": import_ms,
        "new_modules": new_modules,
        "loaded_at_init": loaded_at_init,
        "loaded_after_first": loaded_after_first,
        "first_ms": first_ms,
        "warm_ms": warm_ms,
        "python": sys.version.split()[0],
    }
    sys.stdout.write(spec["marker"] + json.dumps(report) + "\n")
    sys.stdout.flush()
    os._exit(0)
"""


@dataclass(frozen=True)
class ChildReport:
    """What a child process reported about itself (milliseconds)."""

    child_ms: float
    import_ms: float
    new_modules: int
    loaded_at_init: tuple[str, ...]
    loaded_after_first: tuple[str, ...]
    first_ms: float
    warm_ms: tuple[float, ...]
    python: str


@dataclass(frozen=True)
class ColdStartSample:
    """One fresh process: the phases of its cold start, then its warm invocations (milliseconds)."""

    variant: str
    repetition: int
    wall_ms: float
    interpreter_ms: float
    imports_ms: float
    init_ms: float
    first_invocation_ms: float
    warm_ms: tuple[float, ...]
    harness_ms: float
    modules_imported: int
    loaded_at_init: tuple[str, ...]
    loaded_after_first: tuple[str, ...]

    @property
    def cold_start_ms(self) -> float:
        """Interpreter start + imports + init + first invocation: what the first caller waits."""
        return self.interpreter_ms + self.imports_ms + self.init_ms + self.first_invocation_ms

    def values(self, phase: Phase) -> list[float]:
        """The sample's values for one phase (several for ``warm_invocation``)."""
        if phase == "warm_invocation":
            return list(self.warm_ms)
        if phase == "cold_start":
            return [self.cold_start_ms]
        return [getattr(self, f"{phase}_ms")]


@dataclass(frozen=True)
class Spread:
    """Median, 90th percentile and range of some milliseconds."""

    count: int
    median_ms: float
    p90_ms: float
    min_ms: float
    max_ms: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("a spread needs at least one value, got none")
        return cls(len(values), percentile(values, 0.5), percentile(values, 0.9), min(values), max(values))


@dataclass(frozen=True)
class VariantMeasurement:
    """Every sample of one variant."""

    variant: Variant
    samples: tuple[ColdStartSample, ...]

    def values(self, phase: Phase) -> list[float]:
        return [value for sample in self.samples for value in sample.values(phase)]

    def spread(self, phase: Phase) -> Spread:
        return Spread.of(self.values(phase))

    def row(self) -> dict[str, Any]:
        """Medians (and p90 of the cold start and warm invocations) as one table row."""
        cold, warm = self.spread("cold_start"), self.spread("warm_invocation")
        return {
            "variant": self.variant.name,
            "interpreter_ms": self.spread("interpreter").median_ms,
            "imports_ms": self.spread("imports").median_ms,
            "init_ms": self.spread("init").median_ms,
            "first_invocation_ms": self.spread("first_invocation").median_ms,
            "cold_start_ms": cold.median_ms,
            "cold_start_p90_ms": cold.p90_ms,
            "warm_ms": warm.median_ms,
            "warm_p90_ms": warm.p90_ms,
            "modules_imported": round(sum(s.modules_imported for s in self.samples) / len(self.samples)),
        }


@dataclass(frozen=True)
class ColdStartMeasurement:
    """A whole run: every variant's samples, and where and when they were taken."""

    variants: tuple[VariantMeasurement, ...]
    repetitions: int
    warm_invocations: int
    python: str
    machine: str
    measured_at: datetime
    wall_s: float
    notes: tuple[str, ...] = field(default=())

    def variant(self, name: str) -> VariantMeasurement:
        for measured in self.variants:
            if measured.variant.name == name:
                return measured
        known = [measured.variant.name for measured in self.variants]
        raise KeyError(f"no variant named {name!r} was measured; measured: {known}")

    def rows(self) -> list[dict[str, Any]]:
        return [measured.row() for measured in self.variants]

    def label(self) -> str:
        """Where these figures come from, for a plot's title or a table's caption."""
        return (
            f"measured on this machine ({self.machine}, Python {self.python}), "
            f"{self.repetitions} fresh processes per variant, {self.warm_invocations} warm invocations each"
        )


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values``, interpolating linearly between the closest ranks.

    ``percentile(v, 0.5)`` is the median; with one value every quantile is that value.
    """
    if not values:
        raise ValueError("percentile() needs at least one value, got none")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def parse_child_report(stdout: str) -> ChildReport:
    """The child's report: the last stdout line that starts with :data:`REPORT_MARKER`."""
    lines = [line for line in stdout.splitlines() if line.startswith(REPORT_MARKER)]
    if not lines:
        raise ValueError(f"no line starting with {REPORT_MARKER.strip()!r} in the child's stdout")
    raw = json.loads(lines[-1][len(REPORT_MARKER) :])
    try:
        return ChildReport(
            child_ms=float(raw["child_ms"]),
            import_ms=float(raw["import_ms"]),
            new_modules=int(raw["new_modules"]),
            loaded_at_init=tuple(raw["loaded_at_init"]),
            loaded_after_first=tuple(raw["loaded_after_first"]),
            first_ms=float(raw["first_ms"]),
            warm_ms=tuple(float(value) for value in raw["warm_ms"]),
            python=str(raw["python"]),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"the child's report lacks or mistypes a field ({error!r}): {raw}") from None


def handler_init_us(importtime_stderr: str, module: str) -> int:
    """The module's own import time in microseconds (the "self" column of ``-X importtime``).

    That is its module-level code without the modules it imports: the handler's init work.
    """
    for line in reversed(importtime_stderr.splitlines()):
        if not line.startswith("import time:"):
            continue
        columns = line[len("import time:") :].split("|")
        if len(columns) == 3 and columns[2].strip() == module:
            return int(columns[0])
    raise ValueError(f"-X importtime output has no line for module {module!r}")


def stderr_tail(stderr: str, lines: int = 15) -> str:
    """The last ``lines`` lines of a child's stderr, without the ``-X importtime`` lines."""
    kept = [line for line in stderr.splitlines() if not line.startswith("import time:")]
    return "\n".join(kept[-lines:])


def _child_environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("LAB_AWS_")}
    environment["MPLBACKEND"] = "Agg"  # never the notebook's inline backend (it would import IPython)
    root = str(Path(__file__).resolve().parents[2])
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [root, environment.get("PYTHONPATH")]))
    return environment


def run_fresh_process(
    variant: Variant,
    *,
    repetition: int = 1,
    warm_invocations: int = DEFAULT_WARM_INVOCATIONS,
    event: dict[str, Any] | None = None,
    watch: Sequence[str] = WATCHED_MODULES,
    timeout_s: float = 60.0,
) -> ColdStartSample:
    """Start one fresh interpreter, cold-start ``variant`` in it, and return the phases it measured.

    Raises :class:`MeasurementError` (naming the variant, with the tail of the child's stderr) if
    the child fails, times out or reports nothing readable.
    """
    if warm_invocations < 0:
        raise ValueError(f"warm_invocations must be 0 or more, got {warm_invocations}")
    spec = {
        "handler": variant.handler,
        "event": event if event is not None else quote_event(),
        "warm": warm_invocations,
        "watch": list(watch),
        "table": QUOTES_TABLE,
        "marker": REPORT_MARKER,
    }
    command = [sys.executable, "-X", "importtime", "-c", CHILD_SOURCE, json.dumps(spec)]
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_s, env=_child_environment(), check=False
        )
    except subprocess.TimeoutExpired as expired:
        partial = expired.stderr.decode() if isinstance(expired.stderr, bytes) else (expired.stderr or "")
        raise MeasurementError(
            variant.name, f"the child did not finish within {timeout_s} s", stderr_tail(partial)
        ) from None
    wall_ms = (time.perf_counter() - started) * 1000
    if completed.returncode != 0:
        raise MeasurementError(
            variant.name,
            f"the child exited with code {completed.returncode} (expected 0)",
            stderr_tail(completed.stderr),
        )
    try:
        report = parse_child_report(completed.stdout)
        init_ms = handler_init_us(completed.stderr, variant.module) / 1000
    except ValueError as unreadable:
        raise MeasurementError(variant.name, str(unreadable), stderr_tail(completed.stderr)) from None
    invoked_ms = report.first_ms + sum(report.warm_ms)
    return ColdStartSample(
        variant=variant.name,
        repetition=repetition,
        wall_ms=wall_ms,
        interpreter_ms=max(0.0, wall_ms - report.child_ms),
        imports_ms=max(0.0, report.import_ms - init_ms),
        init_ms=init_ms,
        first_invocation_ms=report.first_ms,
        warm_ms=report.warm_ms,
        harness_ms=max(0.0, report.child_ms - report.import_ms - invoked_ms),
        modules_imported=report.new_modules,
        loaded_at_init=report.loaded_at_init,
        loaded_after_first=report.loaded_after_first,
    )


def measure_cold_starts(
    variants: Sequence[Variant] = VARIANTS,
    *,
    repetitions: int = DEFAULT_REPETITIONS,
    warm_invocations: int = DEFAULT_WARM_INVOCATIONS,
    progress: Callable[[int, int], None] | None = None,
    timeout_s: float = 60.0,
) -> ColdStartMeasurement:
    """Cold-start every variant ``repetitions`` times, each in a fresh process, one process at a time.

    The variants take turns (one repetition of each, then the next), so a change in the machine's
    load during the run spreads over all of them. ``progress(done, total)`` is called after each
    process (pass a :class:`patterns.lab.display.ProgressBar` in a notebook).
    """
    if repetitions < 1:
        raise ValueError(f"repetitions must be at least 1, got {repetitions}")
    if not variants:
        raise ValueError("measure_cold_starts() needs at least one variant, got none")
    started = time.perf_counter()
    samples: dict[str, list[ColdStartSample]] = {variant.name: [] for variant in variants}
    total, done = repetitions * len(variants), 0
    for repetition in range(1, repetitions + 1):
        for variant in variants:
            sample = run_fresh_process(
                variant, repetition=repetition, warm_invocations=warm_invocations, timeout_s=timeout_s
            )
            samples[variant.name].append(sample)
            done += 1
            if progress is not None:
                progress(done, total)
    return ColdStartMeasurement(
        variants=tuple(VariantMeasurement(variant, tuple(samples[variant.name])) for variant in variants),
        repetitions=repetitions,
        warm_invocations=warm_invocations,
        python=platform.python_version(),
        machine=f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        measured_at=datetime.now(UTC),
        wall_s=time.perf_counter() - started,
    )
