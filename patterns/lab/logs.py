"""A CloudWatch Logs stand-in: what each local execution environment writes, per invocation.

On Lambda, whatever a function writes to stdout or stderr becomes log events in its log group
(``/aws/lambda/<name>``), one stream per execution environment, framed by the platform's ``START``,
``END`` and ``REPORT`` lines. The lab's environments are threads of one process, so while a
:class:`LogCapture` runs, ``sys.stdout`` and ``sys.stderr`` are replaced by streams that route each
write by the writing thread: a write from an execution environment's thread is kept as a log line of
that environment; every other write passes through untouched.

**Which invocation wrote a line.** An environment runs one request at a time and the runtime records
a request's report before the environment takes the next one, so a line belongs to the environment's
invocation number *n*, where *n* is the number of reports of that environment recorded when the line
was written (init-time lines go to the first invocation, as Lambda puts them before its ``START``).

**What threads share.** Third-party modules and ``logging``'s loggers are process-wide, not per
environment: a library that keeps per-invocation state in them (Powertools Logger's appended keys and
level, its ``cold_start`` flag) mixes it between environments that run at the same moment, which cannot
happen on Lambda. The attribution here is by thread, so the lines are right; what they say may not be.

Timestamps are the sandbox's virtual clock. :meth:`LogCapture.publish` puts the events into CloudWatch
Logs (moto's, or the endpoint's), so ``filter_log_events`` can search them as on AWS; moto does no more
with them (no metric filters, no Logs Insights): :mod:`patterns.lab.emf` reads the metrics in them.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Literal

from patterns.lab.lambda_runtime import InvocationReport

if TYPE_CHECKING:
    from patterns.lab.sandbox import Sandbox

__all__ = ["LogCapture", "LogEvent", "capture_logs"]

Kind = Literal["platform", "function"]


@dataclass(frozen=True)
class LogEvent:
    """One log event of a function's log group."""

    function_name: str
    request_id: str
    environment_id: str
    timestamp: datetime
    message: str
    kind: Kind
    """``platform`` for START/END/REPORT lines, ``function`` for what the code wrote."""

    @property
    def log_group(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def size(self) -> int:
        """Bytes CloudWatch Logs bills for ingesting it: the UTF-8 message plus 26 bytes per event."""
        return len(self.message.encode()) + _EVENT_OVERHEAD_BYTES


_EVENT_OVERHEAD_BYTES = 26  # what PutLogEvents counts per event towards its batch size


@dataclass
class _Line:
    environment_id: str
    invocation_index: int
    timestamp: datetime
    text: str


class _RoutingStream:
    """``sys.stdout`` or ``sys.stderr`` while captures run: keeps environment threads' writes for the
    running captures and passes every other write to the stream it replaced.

    One per stream name for the whole process: a logging handler made in one capture (Powertools keeps
    one per logger name for the process) still reaches the next capture through it.
    """

    def __init__(self, name: Literal["stdout", "stderr"]) -> None:
        self.name = name
        self.replaced: IO[str] | None = None

    def _target(self) -> IO[str]:
        current: Any = getattr(sys, self.name)
        if current is not self:
            found: IO[str] = current
            return found
        replaced: IO[str] | None = self.replaced
        if replaced is not None and not replaced.closed:
            return replaced
        original: IO[str] = getattr(sys, f"__{self.name}__")
        return original

    def write(self, text: str) -> int:
        for capture in list(_active):
            if capture.take(text):
                return len(text)
        return self._target().write(text)

    def flush(self) -> None:
        self._target().flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)


_routers = {"stdout": _RoutingStream("stdout"), "stderr": _RoutingStream("stderr")}
_active: list[LogCapture] = []
_install_lock = threading.Lock()


def _install(capture: LogCapture) -> None:
    with _install_lock:
        for name, router in _routers.items():
            current = getattr(sys, name)
            if current is not router:
                router.replaced = current
                setattr(sys, name, router)
        _active.append(capture)


def _uninstall(capture: LogCapture) -> None:
    with _install_lock:
        if capture in _active:
            _active.remove(capture)
        if not _active:
            for name, router in _routers.items():
                if getattr(sys, name) is router and router.replaced is not None:
                    setattr(sys, name, router.replaced)


class LogCapture:
    """The log lines of every invocation in a sandbox, while :meth:`start` ... :meth:`stop`."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self._lock = threading.Lock()
        self._lines: list[_Line] = []
        self._partial: dict[str, str] = {}
        self._reports_seen = 0
        self._reports_per_environment: Counter[str] = Counter()
        self._running = False
        self.started_at_report = len(sandbox.lambdas.reports)
        self.stopped_at_report: int | None = None

    # ---- capturing -------------------------------------------------------------------------------

    def start(self) -> LogCapture:
        if not self._running:
            self._running = True
            _install(self)
        return self

    def stop(self) -> None:
        """Stop capturing; the last capture to stop puts the streams back."""
        if self._running:
            self._running = False
            _uninstall(self)
            self.stopped_at_report = len(self._sandbox.lambdas.reports)
        with self._lock:
            for environment_id, rest in list(self._partial.items()):
                if rest:
                    self._keep(environment_id, rest)
            self._partial.clear()

    def take(self, text: str) -> bool:
        """Keep ``text`` when an execution environment's thread wrote it; False for any other thread."""
        if not self._running:
            return False
        environment_id = threading.current_thread().name
        if not self._is_environment(environment_id):
            return False
        with self._lock:
            pending = self._partial.get(environment_id, "") + text
            *complete, rest = pending.split("\n")
            self._partial[environment_id] = rest
            for line in complete:
                self._keep(environment_id, line)
        return True

    def _keep(self, environment_id: str, text: str) -> None:
        reports = self._sandbox.lambdas.reports
        for report in reports[self._reports_seen :]:
            self._reports_per_environment[report.environment_id] += 1
        self._reports_seen = len(reports)
        index = self._reports_per_environment[environment_id]
        self._lines.append(_Line(environment_id, index, self._sandbox.clock.now(), text))

    def _is_environment(self, name: str) -> bool:
        return any(
            env.environment_id == name
            for function in self._sandbox.lambdas.functions()
            for env in function.environments
        )

    # ---- reading ---------------------------------------------------------------------------------

    def reports(self) -> list[InvocationReport]:
        """The reports of the invocations between the capture's start and its stop."""
        return list(self._sandbox.lambdas.reports[self.started_at_report : self.stopped_at_report])

    def events(
        self,
        function_name: str | None = None,
        *,
        request_id: str | None = None,
        platform_lines: bool = True,
    ) -> list[LogEvent]:
        """Every finished invocation's log events, in invocation order: ``START``, what the code wrote
        (init lines of a cold start first), ``END``, ``REPORT``."""
        with self._lock:
            by_invocation: dict[tuple[str, int], list[_Line]] = {}
            for line in self._lines:
                by_invocation.setdefault((line.environment_id, line.invocation_index), []).append(line)
        counts: Counter[str] = Counter(
            report.environment_id for report in self._sandbox.lambdas.reports[: self.started_at_report]
        )
        events: list[LogEvent] = []
        for report in self.reports():
            index = counts[report.environment_id]
            counts[report.environment_id] += 1
            if function_name is not None and report.function_name != function_name:
                continue
            if request_id is not None and report.request_id != request_id:
                continue
            lines = by_invocation.get((report.environment_id, index), [])
            events.extend(_framed(report, lines, platform_lines=platform_lines))
        return events

    def bytes_by_request(self, function_name: str | None = None) -> dict[str, int]:
        """Ingested bytes per request id (platform lines included)."""
        sizes: Counter[str] = Counter()
        for event in self.events(function_name):
            sizes[event.request_id] += event.size
        return dict(sizes)

    def publish(self, client: Any | None = None) -> int:
        """Put every event into CloudWatch Logs (one log group per function, one stream per
        environment); return the number of events put."""
        logs = client or self._sandbox.client("logs")
        by_stream: dict[tuple[str, str], list[LogEvent]] = {}
        for event in self.events():
            by_stream.setdefault((event.log_group, event.environment_id), []).append(event)
        groups = {group for group, _ in by_stream}
        existing = set()
        for group in groups:
            found = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
            existing |= {g["logGroupName"] for g in found}
        for group in sorted(groups - existing):
            logs.create_log_group(logGroupName=group)
        put = 0
        for (group, environment_id), events in by_stream.items():
            stream = f"{events[0].timestamp:%Y/%m/%d}/[$LATEST]{environment_id}"
            streams = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix=stream)
            if not streams["logStreams"]:
                logs.create_log_stream(logGroupName=group, logStreamName=stream)
            for start in range(0, len(events), 1000):
                chunk = events[start : start + 1000]
                logs.put_log_events(
                    logGroupName=group,
                    logStreamName=stream,
                    logEvents=[
                        {"timestamp": int(e.timestamp.timestamp() * 1000), "message": e.message}
                        for e in chunk
                    ],
                )
                put += len(chunk)
        return put


def _framed(report: InvocationReport, lines: list[_Line], *, platform_lines: bool) -> Iterator[LogEvent]:
    def event(message: str, kind: Kind, timestamp: datetime) -> LogEvent:
        return LogEvent(
            report.function_name, report.request_id, report.environment_id, timestamp, message, kind
        )

    started = report.started_at
    if platform_lines:
        yield event(f"START RequestId: {report.request_id} Version: $LATEST", "platform", started)
    for line in lines:
        if line.text.strip():
            yield event(line.text, "function", line.timestamp)
    if platform_lines:
        yield event(f"END RequestId: {report.request_id}", "platform", started)
        yield event(report.line(), "platform", started)


@contextmanager
def capture_logs(sandbox: Sandbox) -> Iterator[LogCapture]:
    """Capture the log lines of every invocation in ``sandbox`` during the block."""
    capture = LogCapture(sandbox).start()
    try:
        yield capture
    finally:
        capture.stop()
