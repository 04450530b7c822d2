"""Execution history -> timeline, retries, state transitions and cost per execution; a Gantt plot.

Pure functions over the events ``get_execution_history`` returns. Each event points at the event it
follows (``previousEventId``), also inside Parallel branches and Map iterations, so a state's events
are found by walking that chain back to its ``...StateEntered`` event.

Billing (``patterns.lab.pricing``): a Standard workflow pays per state transition, and every retry
is a transition too; an Express workflow pays per request plus its duration (waits included).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from matplotlib.figure import Figure

from patterns.lab import pricing
from patterns.lab.display import GanttBar, gantt
from patterns.step_functions.exceptions import StepFunctionsError

__all__ = [
    "OUTCOME_COLOURS",
    "ExecutionCost",
    "StateSpan",
    "execution_cost",
    "plot_timeline",
    "retry_waits",
    "state_transitions",
    "timeline",
]

Outcome = Literal["succeeded", "caught", "failed"]
OUTCOME_COLOURS: dict[str, str] = {"succeeded": "#2ca02c", "caught": "#ff7f0e", "failed": "#d62728"}
_ATTEMPT_STARTS = ("LambdaFunctionScheduled", "TaskScheduled", "ActivityScheduled")
_ATTEMPT_FAILURES = (
    "LambdaFunctionFailed",
    "LambdaFunctionTimedOut",
    "LambdaFunctionScheduleFailed",
    "LambdaFunctionStartFailed",
    "TaskFailed",
    "TaskTimedOut",
    "TaskStartFailed",
    "TaskSubmitFailed",
    "ActivityFailed",
    "ActivityTimedOut",
)
_ATTEMPT_SUCCESSES = ("LambdaFunctionSucceeded", "TaskSucceeded", "ActivitySucceeded")


@dataclass(frozen=True)
class StateSpan:
    """One visit of one state: when it was entered and left (seconds since the execution started)."""

    name: str
    state_type: str
    entered_s: float
    exited_s: float
    outcome: Outcome
    attempt_starts_s: tuple[float, ...]
    errors: tuple[str, ...]
    iteration: int | None = None

    @property
    def attempts(self) -> int:
        return len(self.attempt_starts_s)

    @property
    def retries(self) -> int:
        return max(0, self.attempts - 1)

    @property
    def label(self) -> str:
        return self.name if self.iteration is None else f"{self.name} [{self.iteration}]"

    @property
    def duration_s(self) -> float:
        return self.exited_s - self.entered_s


@dataclass(frozen=True)
class ExecutionCost:
    """What one execution costs, from its history."""

    transitions: int
    retries: int
    lambda_invocations: int
    duration_ms: float
    standard_usd: float
    express_usd: float

    def per_million(self) -> dict[str, float]:
        """Standard and Express charges for a million such executions (no free tier)."""
        return {
            "standard": pricing.stepfunctions_standard_cost(self.transitions * 1_000_000),
            "express": self.express_usd * 1_000_000,
        }


def _time(event: Mapping[str, Any]) -> datetime:
    stamp = event["timestamp"]
    if isinstance(stamp, datetime):
        return stamp
    return datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))


def _entered_name(event: Mapping[str, Any]) -> str | None:
    if not str(event.get("type", "")).endswith("StateEntered"):
        return None
    return str((event.get("stateEnteredEventDetails") or {}).get("name", ""))


class _History:
    def __init__(self, events: Sequence[Mapping[str, Any]]) -> None:
        if not events:
            raise StepFunctionsError("an execution history needs at least one event, got none")
        self.events = sorted(events, key=lambda event: int(event["id"]))
        self.by_id = {int(event["id"]): event for event in self.events}
        self.start = _time(self.events[0])

    def seconds(self, event: Mapping[str, Any]) -> float:
        return (_time(event) - self.start).total_seconds()

    def ancestors(self, event: Mapping[str, Any]) -> Any:
        previous = int(event.get("previousEventId") or 0)
        while previous in self.by_id:
            event = self.by_id[previous]
            yield event
            previous = int(event.get("previousEventId") or 0)

    def entry_of(self, event: Mapping[str, Any], name: str | None = None) -> int | None:
        """The id of the nearest ``...StateEntered`` before ``event`` (with ``name``, if given)."""
        for ancestor in self.ancestors(event):
            entered = _entered_name(ancestor)
            if entered is not None and (name is None or entered == name):
                return int(ancestor["id"])
        return None

    def iteration_of(self, entry: Mapping[str, Any]) -> int | None:
        for ancestor in self.ancestors(entry):
            if ancestor.get("type") == "MapIterationStarted":
                return int(ancestor["mapIterationStartedEventDetails"]["index"])
            if _entered_name(ancestor) is not None:
                return None
        return None


def timeline(events: Sequence[Mapping[str, Any]]) -> list[StateSpan]:
    """Every state visit of an execution, in the order the states were entered."""
    history = _History(events)
    attempts: dict[int, list[float]] = {}
    errors: dict[int, list[str]] = {}
    last_attempt_failed: dict[int, bool] = {}
    exits: dict[int, float] = {}
    last_seen: dict[int, float] = {}
    for event in history.events:
        kind = str(event["type"])
        if _entered_name(event) is not None:
            continue
        if kind.endswith("StateExited"):
            name = str((event.get("stateExitedEventDetails") or {}).get("name", ""))
            entry = history.entry_of(event, name)
            if entry is not None:
                exits[entry] = history.seconds(event)
            continue
        entry = history.entry_of(event)
        if entry is None:
            continue
        last_seen[entry] = history.seconds(event)
        if kind in _ATTEMPT_STARTS:
            attempts.setdefault(entry, []).append(history.seconds(event))
        elif kind in _ATTEMPT_FAILURES:
            details: Mapping[str, Any] = next((v for k, v in event.items() if k.endswith("EventDetails")), {})
            errors.setdefault(entry, []).append(str(details.get("error", kind)))
            last_attempt_failed[entry] = True
        elif kind in _ATTEMPT_SUCCESSES:
            last_attempt_failed[entry] = False
    spans = []
    for event in history.events:
        entered_name = _entered_name(event)
        if entered_name is None:
            continue
        entry = int(event["id"])
        entered = history.seconds(event)
        if entry in exits:
            outcome: Outcome = "caught" if last_attempt_failed.get(entry) else "succeeded"
            exited = exits[entry]
        else:
            outcome, exited = "failed", last_seen.get(entry, entered)
        if str(event["type"]).startswith("Fail"):
            outcome = "failed"
        spans.append(
            StateSpan(
                name=entered_name,
                state_type=str(event["type"]).removesuffix("StateEntered"),
                entered_s=entered,
                exited_s=max(exited, entered),
                outcome=outcome,
                attempt_starts_s=tuple(attempts.get(entry, [])),
                errors=tuple(errors.get(entry, [])),
                iteration=history.iteration_of(event),
            )
        )
    return spans


def retry_waits(events: Sequence[Mapping[str, Any]], state: str) -> list[float]:
    """The observed waits (s) before each retry of ``state``: from a failed attempt to the next attempt."""
    history = _History(events)
    waits: list[float] = []
    failed_at: dict[int, float] = {}
    for event in history.events:
        kind = str(event["type"])
        if kind not in _ATTEMPT_FAILURES and kind not in _ATTEMPT_STARTS:
            continue
        entry = history.entry_of(event)
        if entry is None or _entered_name(history.by_id[entry]) != state:
            continue
        if kind in _ATTEMPT_FAILURES:
            failed_at[entry] = history.seconds(event)
        elif entry in failed_at:
            waits.append(history.seconds(event) - failed_at.pop(entry))
    return waits


def state_transitions(events: Sequence[Mapping[str, Any]]) -> int:
    """Billed state transitions: every state entered (in branches and iterations too) plus every retry."""
    spans = timeline(events)
    return len(spans) + sum(span.retries for span in spans)


def execution_cost(events: Sequence[Mapping[str, Any]], *, express_memory_mb: int = 64) -> ExecutionCost:
    """The execution's transitions and its price as a Standard and as an Express workflow.

    The Express duration is the history's first to last event (virtual waits included: an Express
    workflow pays for the time it spends waiting on a retry backoff); its memory is
    ``express_memory_mb`` (the smallest billed chunk, 64 MB, by default).
    """
    spans = timeline(events)
    history = _History(events)
    duration_ms = history.seconds(history.events[-1]) * 1000.0
    transitions = len(spans) + sum(span.retries for span in spans)
    return ExecutionCost(
        transitions=transitions,
        retries=sum(span.retries for span in spans),
        lambda_invocations=sum(span.attempts for span in spans),
        duration_ms=duration_ms,
        standard_usd=pricing.stepfunctions_standard_cost(transitions),
        express_usd=pricing.stepfunctions_express_cost(1, duration_ms, express_memory_mb),
    )


def plot_timeline(
    spans: Sequence[StateSpan], *, title: str = "", size: tuple[float, float] | None = None
) -> Figure:
    """A Gantt chart: one row per state visit, coloured by outcome, a tick at each task attempt."""
    if not spans:
        raise StepFunctionsError("plot_timeline() needs at least one state span, got none")
    bars = [
        GanttBar(span.label, span.entered_s, span.exited_s, span.outcome, span.attempt_starts_s)
        for span in spans
    ]
    return gantt(bars, OUTCOME_COLOURS, title=title, xlabel="seconds since the execution started", size=size)
