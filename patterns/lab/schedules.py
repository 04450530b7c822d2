"""EventBridge schedule expressions: parse ``rate()``, ``cron()`` and ``at()`` and compute fire times.

Pure Python, no AWS calls. Times are UTC and have one-minute resolution for ``cron()``, like EventBridge.
Day-of-week numbers follow AWS: 1 = SUN ... 7 = SAT.

EventBridge Scheduler also evaluates ``cron()`` and ``at()`` in a time zone
(``ScheduleExpressionTimezone``): :class:`ZonedSchedule` (or ``parse_schedule(..., timezone=...)``) reads
the expression on that zone's wall clock with Scheduler's daylight-saving rules: a wall time that does
not exist (the hour skipped in spring) is skipped, and a wall time that happens twice (the hour repeated
in autumn) fires once, at its first occurrence. ``rate()`` counts elapsed time (``rate(1 day)`` is 24 hours,
even across a 23- or 25-hour day), so a zone does not change it. Source: "Daylight savings time on
EventBridge Scheduler", https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
"""

from __future__ import annotations

import calendar
import re
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from patterns.lab.exceptions import ScheduleExpressionError

__all__ = [
    "AtSchedule",
    "CronSchedule",
    "RateSchedule",
    "Schedule",
    "ZonedSchedule",
    "parse_schedule",
    "time_zone",
]

_EXPECTED_FORMS = (
    "expected rate(value unit), cron(minutes hours day-of-month month day-of-week year) "
    "or at(yyyy-mm-ddThh:mm:ss)"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MINUTE = timedelta(minutes=1)


def _require_utc(moment: datetime, name: str) -> datetime:
    """Return ``moment`` converted to UTC; naive datetimes are ambiguous and rejected."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ScheduleExpressionError(
            f"{name} {moment.isoformat()!r} is a naive datetime; expected a timezone-aware datetime "
            "(for example datetime(2024, 1, 1, tzinfo=datetime.UTC))"
        )
    return moment.astimezone(UTC)


class Schedule(ABC):
    """A parsed schedule expression that can say when it fires."""

    @property
    @abstractmethod
    def expression(self) -> str:
        """The schedule expression in AWS syntax, e.g. ``rate(5 minutes)``."""

    @abstractmethod
    def next_fire_after(self, moment: datetime) -> datetime | None:
        """The first fire time strictly after ``moment`` (UTC); None when the schedule never fires again."""

    def fire_times(self, start: datetime, end: datetime, *, limit: int = 10_000) -> list[datetime]:
        """Every fire time in ``(start, end]``, in order.

        Raises ScheduleExpressionError if there are more than ``limit`` of them, rather than silently
        returning a truncated list.
        """
        start, end = _require_utc(start, "start"), _require_utc(end, "end")
        times: list[datetime] = []
        fire = self.next_fire_after(start)
        while fire is not None and fire <= end:
            if len(times) == limit:
                raise ScheduleExpressionError(
                    f"{self.expression!r} fires more than {limit} times between {start.isoformat()} and "
                    f"{end.isoformat()}; expected at most limit={limit} (pass a larger limit or a shorter "
                    "window)"
                )
            times.append(fire)
            fire = self.next_fire_after(fire)
        return times

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.expression!r})"


class RateSchedule(Schedule):
    """``rate(value unit)``: fires at ``anchor + k * period`` for k = 0, 1, 2, ...

    ``anchor`` is when the schedule starts (its creation or start date on AWS). None means the Unix epoch,
    so fires line up with multiples of the period (``rate(5 minutes)`` fires at :00, :05, :10, ...).
    """

    _UNIT_PERIODS: ClassVar[Mapping[str, timedelta]] = {
        "minute": timedelta(minutes=1),
        "hour": timedelta(hours=1),
        "day": timedelta(days=1),
    }

    def __init__(self, value: int, unit: str, *, anchor: datetime | None = None) -> None:
        expression = f"rate({value} {unit})"
        if value < 1:
            raise ScheduleExpressionError(
                f"invalid schedule expression {expression!r}: value {value} is not a positive integer; "
                "expected e.g. rate(5 minutes)"
            )
        singular = unit.removesuffix("s")
        if singular not in self._UNIT_PERIODS:
            raise ScheduleExpressionError(
                f"invalid schedule expression {expression!r}: unknown unit {unit!r}; "
                "expected minute | minutes | hour | hours | day | days"
            )
        expected_unit = singular if value == 1 else f"{singular}s"
        if unit != expected_unit:
            raise ScheduleExpressionError(
                f"invalid schedule expression {expression!r}: unit {unit!r} does not fit value {value}; "
                f"expected {expected_unit!r} (singular for 1, plural otherwise)"
            )
        try:
            period = self._UNIT_PERIODS[singular] * value
        except OverflowError:
            raise ScheduleExpressionError(
                f"invalid schedule expression {expression!r}: value {value} is too large; "
                "expected a period of at most 999999999 days"
            ) from None
        self.value = value
        self.unit = unit
        self.period: timedelta = period
        self.anchor: datetime = _EPOCH if anchor is None else _require_utc(anchor, "anchor")

    @property
    def expression(self) -> str:
        return f"rate({self.value} {self.unit})"

    def __repr__(self) -> str:
        return f"RateSchedule({self.value!r}, {self.unit!r}, anchor={self.anchor!r})"

    def next_fire_after(self, moment: datetime) -> datetime | None:
        moment = _require_utc(moment, "moment")
        if moment < self.anchor:
            return self.anchor
        periods_elapsed = (moment - self.anchor) // self.period
        try:
            return self.anchor + (periods_elapsed + 1) * self.period
        except OverflowError:
            return None


class AtSchedule(Schedule):
    """``at(yyyy-mm-ddThh:mm:ss)``: a one-time schedule (EventBridge Scheduler), evaluated in UTC."""

    def __init__(self, when: datetime) -> None:
        when = _require_utc(when, "when")
        if when.microsecond:
            raise ScheduleExpressionError(
                f"at() time {when.isoformat()!r} has fractional seconds; expected whole seconds"
            )
        self.when: datetime = when

    @property
    def expression(self) -> str:
        return f"at({self.when.replace(tzinfo=None).isoformat()})"

    def next_fire_after(self, moment: datetime) -> datetime | None:
        moment = _require_utc(moment, "moment")
        return self.when if self.when > moment else None


# --- cron -----------------------------------------------------------------------------------------

_MONTH_NAMES = {name.upper(): number for number, name in enumerate(calendar.month_abbr) if name}
_WEEKDAY_NAMES = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_SATURDAY = 7
_SUNDAY = 1

# A day rule maps (days in the month, AWS day-of-week of the 1st) to the days of that month it fires on.
_DayRule = Callable[[int, int], frozenset[int]]


@dataclass(frozen=True)
class _Field:
    """One cron field's name, bounds, accepted names and whether it takes ``/`` increments."""

    name: str
    low: int
    high: int
    names: Mapping[str, int]
    allows_step: bool = True

    @property
    def accepted(self) -> str:
        """The accepted values, e.g. ``1-12 or JAN-DEC``."""
        accepted = f"{self.low}-{self.high}"
        if self.names:
            ordered = sorted(self.names, key=self.names.__getitem__)
            accepted += f" or {ordered[0]}-{ordered[-1]}"
        return accepted


_MINUTES = _Field("minutes", 0, 59, {})
_HOURS = _Field("hours", 0, 23, {})
_DAY_OF_MONTH = _Field("day-of-month", 1, 31, {})
_MONTH = _Field("month", 1, 12, _MONTH_NAMES)
_DAY_OF_WEEK = _Field("day-of-week", 1, 7, _WEEKDAY_NAMES, allows_step=False)
_YEAR = _Field("year", 1970, 2199, {})


class _FieldError(Exception):
    """A problem in one cron field; CronSchedule turns it into a ScheduleExpressionError."""


def _weekday_of(day: int, first_weekday: int) -> int:
    """AWS day-of-week (1 = SUN) of ``day`` in a month whose 1st falls on ``first_weekday``."""
    return (first_weekday - 1 + day - 1) % 7 + 1


def _is_number(text: str) -> bool:
    """True for plain ASCII digits (``str.isdigit`` also accepts characters such as '²')."""
    return text.isascii() and text.isdigit()


def _parse_value(text: str, field: _Field) -> int:
    """One value of an (upper-cased) field: a number or, for month and day-of-week, a name."""
    if _is_number(text):
        value = int(text)
    elif text in field.names:
        value = field.names[text]
    else:
        raise _FieldError(f"{field.name} value {text!r} is not valid; expected {field.accepted}")
    if not field.low <= value <= field.high:
        raise _FieldError(f"{field.name} value {value} is out of range; expected {field.accepted}")
    return value


def _parse_values(text: str, field: _Field) -> frozenset[int]:
    """Expand a field made of ``,`` lists, ``-`` ranges, ``*`` and ``/`` increments into its values."""
    values: set[int] = set()
    for part in text.split(","):
        base, has_step, step_text = part.partition("/")
        if has_step and not field.allows_step:
            raise _FieldError(
                f"{field.name} {text!r} uses '/'; expected values, lists, ranges or '*' (AWS does not allow "
                f"'/' in {field.name})"
            )
        if base == "*":
            first, last = field.low, field.high
        elif "-" in base:
            first_text, _, last_text = base.partition("-")
            first, last = _parse_value(first_text, field), _parse_value(last_text, field)
            if first > last:
                raise _FieldError(
                    f"{field.name} range {base!r} runs backwards; expected start <= end (list both "
                    "parts instead, e.g. 22-23,0-2)"
                )
        else:
            first = _parse_value(base, field)
            last = field.high if has_step else first
        step = 1
        if has_step:
            span = field.high - field.low + 1
            if not _is_number(step_text) or not 1 <= int(step_text) <= span:
                raise _FieldError(
                    f"{field.name} increment in {part!r} is not valid; expected an integer from 1 to {span}"
                )
            step = int(step_text)
        values.update(range(first, last + 1, step))
    return frozenset(values)


def _days_from_set(days: frozenset[int]) -> _DayRule:
    return lambda length, _first_weekday: frozenset(day for day in days if day <= length)


def _days_on_weekdays(weekdays: frozenset[int]) -> _DayRule:
    return lambda length, first_weekday: frozenset(
        day for day in range(1, length + 1) if _weekday_of(day, first_weekday) in weekdays
    )


def _last_day(length: int, _first_weekday: int) -> frozenset[int]:
    return frozenset({length})


def _last_weekday(length: int, first_weekday: int) -> frozenset[int]:
    last_weekday = _weekday_of(length, first_weekday)
    back = {_SATURDAY: 1, _SUNDAY: 2}.get(last_weekday, 0)
    return frozenset({length - back})


def _nearest_weekday(target: int) -> _DayRule:
    """``15W``: the weekday nearest ``target``, never crossing into another month (AWS/Quartz rule)."""

    def rule(length: int, first_weekday: int) -> frozenset[int]:
        if target > length:
            return frozenset()
        weekday = _weekday_of(target, first_weekday)
        if weekday == _SATURDAY:
            return frozenset({target - 1 if target > 1 else target + 2})
        if weekday == _SUNDAY:
            return frozenset({target + 1 if target < length else target - 2})
        return frozenset({target})

    return rule


def _last_of_weekday(weekday: int) -> _DayRule:
    """``5L``: the last given day-of-week of the month."""

    def rule(length: int, first_weekday: int) -> frozenset[int]:
        return frozenset({length - (_weekday_of(length, first_weekday) - weekday) % 7})

    return rule


def _nth_of_weekday(weekday: int, nth: int) -> _DayRule:
    """``3#2``: the nth given day-of-week of the month (absent in months that have fewer)."""

    def rule(length: int, first_weekday: int) -> frozenset[int]:
        day = 1 + (weekday - first_weekday) % 7 + 7 * (nth - 1)
        return frozenset({day}) if day <= length else frozenset()

    return rule


_NEAREST_WEEKDAY = re.compile(r"([0-9]+)W")
_LAST_OF_WEEKDAY = re.compile(r"(\w+)L")
_NTH_OF_WEEKDAY = re.compile(r"(\w+)#(\w+)")


def _parse_day_of_month(text: str) -> tuple[frozenset[int] | None, _DayRule | None]:
    """Return (plain day set or None, day rule or None for '?')."""
    if text == "?":
        return None, None
    if text == "L":
        return None, _last_day
    if text == "LW":
        return None, _last_weekday
    if match := _NEAREST_WEEKDAY.fullmatch(text):
        return None, _nearest_weekday(_parse_value(match.group(1), _DAY_OF_MONTH))
    if "L" in text or "W" in text:
        raise _FieldError(
            f"day-of-month {text!r} misuses L or W; expected them alone, as 'L', 'LW' or a single day "
            "like '15W'"
        )
    days = _parse_values(text, _DAY_OF_MONTH)
    return days, _days_from_set(days)


def _parse_day_of_week(text: str) -> tuple[frozenset[int] | None, _DayRule | None]:
    """Return (plain weekday set or None, day rule or None for '?')."""
    if text == "?":
        return None, None
    if text == "L":
        weekdays = frozenset({_SATURDAY})
        return weekdays, _days_on_weekdays(weekdays)
    if match := _LAST_OF_WEEKDAY.fullmatch(text):
        return None, _last_of_weekday(_parse_value(match.group(1), _DAY_OF_WEEK))
    if match := _NTH_OF_WEEKDAY.fullmatch(text):
        nth_text = match.group(2)
        if not _is_number(nth_text) or not 1 <= int(nth_text) <= 5:
            raise _FieldError(
                f"day-of-week {text!r} asks for occurrence {nth_text!r}; expected 1-5 after '#'"
            )
        return None, _nth_of_weekday(_parse_value(match.group(1), _DAY_OF_WEEK), int(nth_text))
    if "#" in text or "L" in text:
        raise _FieldError(
            f"day-of-week {text!r} misuses L or #; expected a single expression such as 'L', '5L' or '3#2' "
            "(lists like '3#1,6#3' are not allowed)"
        )
    weekdays = _parse_values(text, _DAY_OF_WEEK)
    return weekdays, _days_on_weekdays(weekdays)


def _single_day_rule(dom_rule: _DayRule | None, dow_rule: _DayRule | None) -> _DayRule:
    """The one day rule in force: AWS requires '?' in exactly one of day-of-month and day-of-week."""
    if dom_rule is None:
        if dow_rule is None:
            raise _FieldError("day-of-month and day-of-week are both '?'; expected '?' in exactly one")
        return dow_rule
    if dow_rule is not None:
        raise _FieldError(
            "day-of-month and day-of-week are both specified; expected '?' in one of them "
            "(e.g. cron(0 10 * * ? *))"
        )
    return dom_rule


class CronSchedule(Schedule):
    """``cron(minutes hours day-of-month month day-of-week year)`` evaluated in UTC.

    Built from the six fields, e.g. ``CronSchedule("0 10 * * ? *")``. The fields are exposed as sets;
    ``days_of_month`` / ``days_of_week`` are None when that field is ``?`` or a special day (``L``, ``LW``,
    ``15W``, ``5L``, ``3#2``). A day-of-week of ``L`` alone means Saturday, ``{7}``.
    """

    def __init__(self, fields: str) -> None:
        self.fields: tuple[str, ...] = tuple(fields.split())
        expression = f"cron({' '.join(self.fields)})"
        self._expression = expression
        if len(self.fields) != 6:
            raise ScheduleExpressionError(
                f"invalid schedule expression {expression!r}: found {len(self.fields)} fields; expected 6 "
                "(minutes hours day-of-month month day-of-week year)"
            )
        minute_text, hour_text, dom_text, month_text, dow_text, year_text = (
            field.upper() for field in self.fields
        )
        try:
            if "?" in minute_text + hour_text + month_text + year_text:
                raise _FieldError(
                    "'?' found outside the day fields; expected '?' only in day-of-month or day-of-week"
                )
            self.minutes = _parse_values(minute_text, _MINUTES)
            self.hours = _parse_values(hour_text, _HOURS)
            self.months = _parse_values(month_text, _MONTH)
            self.years = _parse_values(year_text, _YEAR)
            self.days_of_month, dom_rule = _parse_day_of_month(dom_text)
            self.days_of_week, dow_rule = _parse_day_of_week(dow_text)
            self._day_rule: _DayRule = _single_day_rule(dom_rule, dow_rule)
        except _FieldError as error:
            raise ScheduleExpressionError(f"invalid schedule expression {expression!r}: {error}") from None
        self._day_cache: dict[tuple[int, int], tuple[int, ...]] = {}
        self._sorted_minutes = tuple(sorted(self.minutes))
        self._sorted_hours = tuple(sorted(self.hours))
        self._sorted_months = tuple(sorted(self.months))
        self._sorted_years = tuple(sorted(self.years))
        if not any(
            self._days_in(year, month) for year in self._sorted_years for month in self._sorted_months
        ):
            raise ScheduleExpressionError(
                f"invalid schedule expression {expression!r}: no date matches day-of-month {dom_text!r}, "
                f"month {month_text!r}, day-of-week {dow_text!r} in year(s) {year_text!r}; "
                "expected a combination that can occur (e.g. not 30 FEB)"
            )

    @property
    def expression(self) -> str:
        return self._expression

    def _days_in(self, year: int, month: int) -> tuple[int, ...]:
        """Sorted days of ``year``-``month`` on which the schedule fires."""
        first_python_weekday, length = calendar.monthrange(year, month)
        key = (length, (first_python_weekday + 1) % 7 + 1)  # Python counts Monday = 0, AWS Sunday = 1
        days = self._day_cache.get(key)
        if days is None:
            days = tuple(sorted(self._day_rule(*key)))
            self._day_cache[key] = days
        return days

    def matches(self, moment: datetime) -> bool:
        """True when the schedule fires at ``moment`` (a whole UTC minute)."""
        moment = _require_utc(moment, "moment")
        return (
            moment.second == 0
            and moment.microsecond == 0
            and moment.minute in self.minutes
            and moment.hour in self.hours
            and moment.year in self.years
            and moment.month in self.months
            and moment.day in self._days_in(moment.year, moment.month)
        )

    def next_fire_after(self, moment: datetime) -> datetime | None:
        """Search field by field (year, month, day, hour, minute) from the whole minute after ``moment``."""
        moment = _require_utc(moment, "moment")
        if moment.year > _YEAR.high:
            return None
        start = moment.replace(second=0, microsecond=0) + _ONE_MINUTE
        years = self._sorted_years
        for year in years[bisect_left(years, start.year) :]:
            in_start_year = year == start.year
            months = self._sorted_months
            for month in months[bisect_left(months, start.month if in_start_year else 1) :]:
                in_start_month = in_start_year and month == start.month
                days = self._days_in(year, month)
                for day in days[bisect_left(days, start.day if in_start_month else 1) :]:
                    on_start_day = in_start_month and day == start.day
                    hours = self._sorted_hours
                    for hour in hours[bisect_left(hours, start.hour if on_start_day else 0) :]:
                        in_start_hour = on_start_day and hour == start.hour
                        minutes = self._sorted_minutes
                        index = bisect_left(minutes, start.minute if in_start_hour else 0)
                        if index < len(minutes):
                            return datetime(year, month, day, hour, minutes[index], tzinfo=UTC)
        return None


# --- time zones -----------------------------------------------------------------------------------


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Europe/London``); ScheduleExpressionError if it is unknown here."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleExpressionError(
            f"time zone {name!r} is not a time zone name known here; expected an IANA name such as "
            "'Europe/Paris' or 'America/New_York' (on Windows, pip install tzdata)"
        ) from None


class ZonedSchedule(Schedule):
    """A ``cron()`` or ``at()`` schedule read on the wall clock of ``zone``, as EventBridge Scheduler does.

    Fire times are returned in UTC. Daylight saving (Scheduler's documented rules): a wall time that does
    not exist that day is skipped; one that occurs twice fires once, at its first occurrence. A ``rate()``
    schedule is passed through unchanged: it counts elapsed time, not wall-clock time.
    """

    def __init__(self, schedule: Schedule, zone: ZoneInfo | str) -> None:
        self.schedule = schedule
        self.zone: ZoneInfo = time_zone(zone) if isinstance(zone, str) else zone

    @property
    def expression(self) -> str:
        return self.schedule.expression

    def __repr__(self) -> str:
        return f"ZonedSchedule({self.schedule!r}, {self.zone.key!r})"

    def next_fire_after(self, moment: datetime) -> datetime | None:
        moment = _require_utc(moment, "moment")
        if isinstance(self.schedule, RateSchedule):
            return self.schedule.next_fire_after(moment)
        # The inner schedule works in "UTC"; we hand it wall-clock times dressed as UTC and read its answers
        # back as wall-clock times of the zone.
        wall = moment.astimezone(self.zone).replace(tzinfo=UTC)
        while True:
            candidate = self.schedule.next_fire_after(wall)
            if candidate is None:
                return None
            local = candidate.replace(tzinfo=self.zone)  # fold=0: the first of two occurrences
            fire = local.astimezone(UTC)
            if fire.astimezone(self.zone).replace(tzinfo=UTC) != candidate:
                wall = candidate  # this wall time does not exist today (spring forward): skipped
                continue
            if fire <= moment:
                wall = candidate  # the repeated hour's second pass: it already fired once
                continue
            return fire


# --- parsing --------------------------------------------------------------------------------------

_RATE = re.compile(r"rate\((\S+)\s+(\S+)\)")
_CRON = re.compile(r"cron\((.*)\)")
_AT = re.compile(r"at\(([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\)")


def parse_schedule(
    expression: str, *, anchor: datetime | None = None, timezone: str | ZoneInfo | None = None
) -> Schedule:
    """Parse an EventBridge ``rate()`` / ``cron()`` or EventBridge Scheduler ``at()`` expression.

    ``anchor`` is the start of a ``rate()`` schedule (see RateSchedule); it is ignored for cron() and at().
    ``timezone`` (an IANA name, Scheduler's ``ScheduleExpressionTimezone``) reads cron() and at() on that
    zone's wall clock (see ZonedSchedule); None or ``"UTC"`` reads them in UTC.
    Raises ScheduleExpressionError for anything EventBridge would reject.
    """
    schedule = _parse(expression, anchor)
    if timezone is None or timezone == "UTC" or isinstance(schedule, RateSchedule):
        return schedule
    return ZonedSchedule(schedule, timezone)


def _parse(expression: str, anchor: datetime | None) -> Schedule:
    if match := _RATE.fullmatch(expression):
        value_text, unit = match.groups()
        if not _is_number(value_text):
            raise ScheduleExpressionError(
                f"invalid schedule expression {expression!r}: value {value_text!r} is not a positive "
                "integer; expected e.g. rate(5 minutes)"
            )
        return RateSchedule(int(value_text), unit, anchor=anchor)
    if match := _CRON.fullmatch(expression):
        return CronSchedule(match.group(1))
    if match := _AT.fullmatch(expression):
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        try:
            when = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError as error:
            raise ScheduleExpressionError(
                f"invalid schedule expression {expression!r}: {error}; expected a real date and time"
            ) from None
        return AtSchedule(when)
    raise ScheduleExpressionError(f"invalid schedule expression {expression!r}: {_EXPECTED_FORMS}")
