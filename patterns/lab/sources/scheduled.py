"""Scheduled invocations on the sandbox's clock: EventBridge schedule rules and EventBridge Scheduler.

:class:`ScheduleSource` reads, through boto3, the rules of the default event bus that have a
``ScheduleExpression`` (``list_rules``; their targets with ``list_targets_by_rule`` when they fire) and
the EventBridge Scheduler schedules (``list_schedules``; ``get_schedule`` for new or changed ones). It
computes fire times with :mod:`patterns.lab.schedules` on the virtual clock and sets a clock timer for
each, so ``sandbox.advance(3600)`` fires an hourly rule once and ``advance(86400)`` fires ``rate(1 hour)``
24 times. A fire invokes each Lambda target asynchronously with

* for a rule: the scheduled event (``"detail-type": "Scheduled Event"``, ``"source": "aws.events"``,
  ``resources`` [the rule ARN], ``detail`` {}, ``time`` the fire time), or the target's ``Input``;
* for a schedule: its target's ``Input`` (``{}`` without one), with Scheduler's context attributes
  (``<aws.scheduler.scheduled-time>``, ``<aws.scheduler.schedule-arn>``, ``<aws.scheduler.execution-id>``,
  ``<aws.scheduler.attempt-number>``) filled in.

Rules and schedules are re-read on every poll (one list call each), so ones created, changed, disabled
or deleted after the source was attached are followed. A ``rate()`` starts when the source first sees
it (a schedule's ``StartDate`` if it has one); ``cron()`` and ``at()`` are absolute, in UTC or in the
schedule's ``ScheduleExpressionTimezone`` (with Scheduler's daylight-saving rules, see
:class:`patterns.lab.schedules.ZonedSchedule`); a schedule's ``EndDate`` ends it, and an ``at()`` schedule
with ``ActionAfterCompletion=DELETE`` is deleted after it fires.

**Flexible time windows.** A schedule with ``FlexibleTimeWindow={"Mode": "FLEXIBLE",
"MaximumWindowInMinutes": n}`` is invoked at a moment drawn uniformly from the ``n`` minutes after each
scheduled time (the source's ``seed`` makes the draws repeatable); ``<aws.scheduler.scheduled-time>`` is
still the scheduled time. :attr:`ScheduledFire.invoked_at` records when the invocation happened.

**At-least-once.** Scheduler and EventBridge deliver at least once: a target can receive the same fire
twice. ``schedule_source(sandbox, duplicates=...)`` plays that: ``duplicates(name, scheduled_time)``
returns how many extra deliveries that fire gets (same scheduled time, a new execution id); they are
recorded with ``duplicate=True``. Targets other than Lambda functions, input transformers and retry
policies are not modelled.

The list and get calls are the lab's own (AWS schedules internally); :attr:`ScheduleSource.api_calls`
counts them so a billing demonstration can leave them out.
"""

from __future__ import annotations

import functools
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from patterns.lab.clock import Timer
from patterns.lab.events import eventbridge_event
from patterns.lab.exceptions import ConfigurationError, ScheduleExpressionError
from patterns.lab.schedules import Schedule, parse_schedule, time_zone

if TYPE_CHECKING:
    from patterns.lab.sandbox import Sandbox

__all__ = ["Duplicates", "ScheduleSource", "ScheduledFire", "schedule_source"]

# Timers are set a microsecond early, so a fire due exactly at the end of an advance() is never lost
# to floating-point rounding of the clock's seconds.
_EARLY_S = 1e-6
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class ScheduledFire:
    """One invocation a schedule made."""

    kind: Literal["rule", "schedule"]
    name: str
    """The rule's name, or ``group/name`` for a Scheduler schedule."""
    scheduled_time: datetime
    target_arn: str
    payload: Any
    invoked_at: datetime | None = None
    """When the target was invoked: the scheduled time, or later inside a flexible time window."""
    duplicate: bool = False
    """True for an extra delivery of a fire already delivered (at-least-once; see ``duplicates``)."""


Duplicates = Callable[[str, datetime], int]
"""``(rule or group/name, scheduled time) -> extra deliveries of that fire``."""


@dataclass
class _Armed:
    """A rule or schedule the source follows, and its pending fire."""

    kind: Literal["rule", "schedule"]
    name: str
    arn: str
    signature: tuple[Any, ...]
    schedule: Schedule | None
    """None when the rule or schedule is disabled."""
    timer: Timer | None = None
    start: datetime | None = None
    end: datetime | None = None
    target_arn: str = ""
    input: str | None = None
    delete_after_completion: bool = False
    window_minutes: int = 0


class ScheduleSource:
    """Fires EventBridge schedule rules and Scheduler schedules as virtual time passes.

    Create it with :func:`schedule_source`, which attaches it to the sandbox (one per sandbox).
    """

    def __init__(self, sandbox: Sandbox, *, seed: int = 0, duplicates: Duplicates | None = None) -> None:
        self._sandbox = sandbox
        self._random = random.Random(seed)
        self._duplicates = duplicates
        self._events = sandbox.client("events")
        self._scheduler = sandbox.client("scheduler")
        self._origin_elapsed = sandbox.clock.elapsed
        self._origin_now = sandbox.clock.now()
        self._rules: dict[str, _Armed] = {}
        self._schedules: dict[str, _Armed] = {}
        self._fires: list[ScheduledFire] = []
        self._api_calls = 0
        self._closed = False
        self.poll()

    def __repr__(self) -> str:
        return f"ScheduleSource({len(self._rules)} rules, {len(self._schedules)} schedules)"

    # ---- EventSource ----------------------------------------------------------------------------

    def poll(self) -> int:
        """Re-read rules and schedules; return how many were added, changed or removed."""
        if self._closed:
            return 0
        return self._sync(self._rules, self._listed_rules()) + self._sync(
            self._schedules, self._listed_schedules()
        )

    def close(self) -> None:
        self._closed = True
        for armed in [*self._rules.values(), *self._schedules.values()]:
            if armed.timer is not None:
                armed.timer.cancel()

    @property
    def fires(self) -> tuple[ScheduledFire, ...]:
        """Every invocation made so far, in order."""
        return tuple(self._fires)

    @property
    def api_calls(self) -> int:
        """List and get calls the source made (AWS's schedulers make none on your account)."""
        return self._api_calls

    # ---- reading rules and schedules ------------------------------------------------------------

    def _listed_rules(self) -> dict[str, tuple[tuple[Any, ...], functools.partial[_Armed]]]:
        listed: dict[str, tuple[tuple[Any, ...], functools.partial[_Armed]]] = {}
        request: dict[str, Any] = {}
        while True:
            response = self._events.list_rules(**request)
            self._api_calls += 1
            for rule in response["Rules"]:
                if "ScheduleExpression" in rule:
                    signature = (rule["ScheduleExpression"], rule.get("State"))
                    listed[rule["Name"]] = (signature, functools.partial(self._rule, rule, signature))
            if not response.get("NextToken"):
                return listed
            request = {"NextToken": response["NextToken"]}

    def _listed_schedules(self) -> dict[str, tuple[tuple[Any, ...], functools.partial[_Armed]]]:
        listed: dict[str, tuple[tuple[Any, ...], functools.partial[_Armed]]] = {}
        request: dict[str, Any] = {}
        while True:
            response = self._scheduler.list_schedules(**request)
            self._api_calls += 1
            for summary in response["Schedules"]:
                signature = (summary["State"], summary["LastModificationDate"])
                key = f"{summary['GroupName']}/{summary['Name']}"
                listed[key] = (signature, functools.partial(self._schedule, summary, signature))
            if not response.get("NextToken"):
                return listed
            request = {"NextToken": response["NextToken"]}

    def _sync(
        self, armed: dict[str, _Armed], listed: dict[str, tuple[tuple[Any, ...], functools.partial[_Armed]]]
    ) -> int:
        changes = 0
        for key in set(armed) - set(listed):
            self._disarm(armed.pop(key))
            changes += 1
        for key, (signature, build) in listed.items():
            current = armed.get(key)
            if current is not None and current.signature == signature:
                continue
            if current is not None:
                self._disarm(current)
            armed[key] = fresh = build()
            self._arm(fresh, self._sandbox.clock.now())
            changes += 1
        return changes

    def _rule(self, rule: dict[str, Any], signature: tuple[Any, ...]) -> _Armed:
        enabled = rule.get("State", "ENABLED") == "ENABLED"
        schedule = (
            parse_schedule(rule["ScheduleExpression"], anchor=self._sandbox.clock.now()) if enabled else None
        )
        return _Armed("rule", rule["Name"], rule["Arn"], signature, schedule)

    def _schedule(self, summary: dict[str, Any], signature: tuple[Any, ...]) -> _Armed:
        name = f"{summary['GroupName']}/{summary['Name']}"
        details = self._scheduler.get_schedule(Name=summary["Name"], GroupName=summary["GroupName"])
        self._api_calls += 1
        start: datetime | None = details.get("StartDate")
        zone_name = details.get("ScheduleExpressionTimezone") or "UTC"
        try:  # UTC needs no time zone database (Windows has none without the tzdata package)
            zone = None if zone_name == "UTC" else time_zone(zone_name)
        except ScheduleExpressionError as error:
            raise ConfigurationError(f"schedule {name!r}: ScheduleExpressionTimezone: {error}") from None
        schedule = parse_schedule(
            details["ScheduleExpression"], anchor=start or self._sandbox.clock.now(), timezone=zone
        )
        window = details.get("FlexibleTimeWindow") or {}
        window_minutes = (
            int(window.get("MaximumWindowInMinutes", 0)) if window.get("Mode") == "FLEXIBLE" else 0
        )
        return _Armed(
            "schedule",
            name,
            details["Arn"],
            signature,
            schedule if details["State"] == "ENABLED" else None,
            start=start,
            end=details.get("EndDate"),
            target_arn=details["Target"]["Arn"],
            input=details["Target"].get("Input"),
            delete_after_completion=details.get("ActionAfterCompletion") == "DELETE",
            window_minutes=window_minutes,
        )

    # ---- firing ---------------------------------------------------------------------------------

    def _next_fire(self, armed: _Armed, after: datetime) -> datetime | None:
        schedule = armed.schedule
        if schedule is None:
            return None
        if armed.start is not None:
            after = max(after, armed.start - _ONE_MICROSECOND)
        fire = schedule.next_fire_after(after)  # a ZonedSchedule reads its zone's wall clock
        if fire is None or (armed.end is not None and fire > armed.end):
            return None
        return fire

    def _arm(self, armed: _Armed, after: datetime) -> None:
        fire = self._next_fire(armed, after)
        if fire is None:
            return
        delay_s = self._random.uniform(0, 60 * armed.window_minutes) if armed.window_minutes else 0.0
        due = self._origin_elapsed + (fire - self._origin_now).total_seconds() + delay_s - _EARLY_S
        label = f"{armed.kind} {armed.name} fires at {fire:%Y-%m-%dT%H:%M:%SZ}"
        armed.timer = self._sandbox.clock.call_at(due, functools.partial(self._fire, armed, fire), label)

    def _disarm(self, armed: _Armed) -> None:
        if armed.timer is not None:
            armed.timer.cancel()
            armed.timer = None

    def _fire(self, armed: _Armed, fire: datetime) -> None:
        armed.timer = None
        extra = self._duplicates(armed.name, fire) if self._duplicates is not None else 0
        for delivery in range(1 + extra):
            if armed.kind == "rule":
                self._fire_rule(armed, fire, duplicate=delivery > 0)
            else:
                payload = self._scheduler_input(armed, fire)
                self._deliver(armed, fire, armed.target_arn, payload, duplicate=delivery > 0)
        self._arm(armed, fire)
        if armed.timer is None and armed.delete_after_completion:
            group, _, name = armed.name.partition("/")
            self._scheduler.delete_schedule(Name=name, GroupName=group)
            self._api_calls += 1

    def _fire_rule(self, armed: _Armed, fire: datetime, *, duplicate: bool) -> None:
        event = eventbridge_event(
            {},
            source="aws.events",
            detail_type="Scheduled Event",
            resources=[armed.arn],
            time=fire,
            region=self._sandbox.region,
            account_id=self._sandbox.account_id,
        )
        request: dict[str, Any] = {"Rule": armed.name}
        while True:
            response = self._events.list_targets_by_rule(**request)
            self._api_calls += 1
            for target in response["Targets"]:
                payload = json.loads(target["Input"]) if "Input" in target else event
                self._deliver(armed, fire, target["Arn"], payload, duplicate=duplicate)
            if not response.get("NextToken"):
                return
            request = {"Rule": armed.name, "NextToken": response["NextToken"]}

    def _scheduler_input(self, armed: _Armed, fire: datetime) -> Any:
        if armed.input is None:
            return {}
        text = armed.input
        for attribute, value in (
            ("scheduled-time", fire.strftime("%Y-%m-%dT%H:%M:%SZ")),
            ("schedule-arn", armed.arn),
            ("execution-id", str(uuid.uuid4())),
            ("attempt-number", "1"),
        ):
            text = text.replace(f"<aws.scheduler.{attribute}>", value)
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text  # plain text input reaches the function as a JSON string

    def _deliver(
        self, armed: _Armed, fire: datetime, target_arn: str, payload: Any, *, duplicate: bool = False
    ) -> None:
        if ":lambda:" not in target_arn:
            return
        self._sandbox.lambdas.invoke_async(target_arn, payload)
        self._fires.append(
            ScheduledFire(
                armed.kind, armed.name, fire, target_arn, payload, self._sandbox.clock.now(), duplicate
            )
        )


def schedule_source(
    sandbox: Sandbox, *, seed: int = 0, duplicates: Duplicates | None = None
) -> ScheduleSource:
    """Attach the sandbox's :class:`ScheduleSource` (one per sandbox, or every rule would fire twice).

    ``seed`` makes flexible-window delays repeatable; ``duplicates(name, scheduled_time)`` says how many
    extra deliveries a fire gets (at-least-once delivery, for demonstrations and tests).
    """
    if any(isinstance(source, ScheduleSource) for source in sandbox.sources):
        raise ConfigurationError(
            "this sandbox already has a ScheduleSource; a second would fire every rule twice"
        )
    source = ScheduleSource(sandbox, seed=seed, duplicates=duplicates)
    sandbox.add_source(source)
    return source
