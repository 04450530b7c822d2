"""Unit tests for patterns.lab.schedules: parsing and fire times of rate(), cron() and at() expressions."""

from __future__ import annotations

import calendar
import itertools
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.lab.exceptions import LabError, ScheduleExpressionError
from patterns.lab.schedules import (
    AtSchedule,
    CronSchedule,
    RateSchedule,
    Schedule,
    ZonedSchedule,
    parse_schedule,
    time_zone,
)

pytestmark = pytest.mark.unit


def utc(year: int, month: int, day: int, *time_of_day: int) -> datetime:
    """A UTC datetime; ``time_of_day`` is (hour, minute, second), any trailing parts omitted."""
    hour, minute, second = (*time_of_day, 0, 0, 0)[:3]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- cron: the AWS documentation examples -------------------------------------------------------
# The expressions are the examples of AWS's cron reference, "Using cron and rate expressions to schedule
# rules in Amazon EventBridge" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
# 10:00 every day, 12:15 every day, 18:00 Monday-Friday, 08:00 on the 1st, every 15 minutes, every 10
# minutes Monday-Friday, every 5 minutes 08:00-17:55 Monday-Friday, 09:00 on the first Monday; and its
# wildcards: L (last day; 6L the last Friday), W (15W the weekday nearest the 15th), # (2#1), ? (no
# specific value). EventBridge Scheduler uses the same syntax ("Schedule types in EventBridge Scheduler",
# https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html). The fire times are worked
# out by hand from a calendar, weekday noted beside each.


@pytest.mark.parametrize(
    ("expression", "moment", "expected"),
    [
        # 10:00 UTC every day
        ("cron(0 10 * * ? *)", utc(2024, 3, 5, 9, 59, 30), utc(2024, 3, 5, 10)),
        ("cron(0 10 * * ? *)", utc(2024, 3, 5, 10), utc(2024, 3, 6, 10)),  # strictly after
        ("cron(0 10 * * ? *)", utc(2024, 12, 31, 10, 0, 1), utc(2025, 1, 1, 10)),
        # 12:15 UTC every day
        ("cron(15 12 * * ? *)", utc(2024, 3, 5, 12, 14, 59), utc(2024, 3, 5, 12, 15)),
        ("cron(15 12 * * ? *)", utc(2024, 3, 5, 12, 15, 1), utc(2024, 3, 6, 12, 15)),
        # 18:00 Monday to Friday: Friday evening -> Monday evening (2024-03-08 is a Friday)
        ("cron(0 18 ? * MON-FRI *)", utc(2024, 3, 8, 18), utc(2024, 3, 11, 18)),
        ("cron(0 18 ? * MON-FRI *)", utc(2024, 3, 9, 12), utc(2024, 3, 11, 18)),
        # 08:00 on the first of every month
        ("cron(0 8 1 * ? *)", utc(2024, 1, 1, 8), utc(2024, 2, 1, 8)),
        ("cron(0 8 1 * ? *)", utc(2024, 12, 1, 8), utc(2025, 1, 1, 8)),
        # every 15 minutes
        ("cron(0/15 * * * ? *)", utc(2024, 3, 5, 10, 7), utc(2024, 3, 5, 10, 15)),
        ("cron(0/15 * * * ? *)", utc(2024, 3, 5, 23, 45), utc(2024, 3, 6, 0, 0)),
        # every 10 minutes Monday to Friday: Friday 23:55 -> Monday 00:00
        ("cron(0/10 * ? * MON-FRI *)", utc(2024, 3, 8, 23, 55), utc(2024, 3, 11, 0, 0)),
        ("cron(0/10 * ? * MON-FRI *)", utc(2024, 3, 6, 13, 31), utc(2024, 3, 6, 13, 40)),
        # every 5 minutes 08:00-17:55 Monday to Friday
        ("cron(0/5 8-17 ? * MON-FRI *)", utc(2024, 3, 6, 17, 55), utc(2024, 3, 7, 8, 0)),
        ("cron(0/5 8-17 ? * MON-FRI *)", utc(2024, 3, 6, 7, 1), utc(2024, 3, 6, 8, 0)),
        ("cron(0/5 8-17 ? * MON-FRI *)", utc(2024, 3, 6, 12, 1), utc(2024, 3, 6, 12, 5)),
        # 09:00 on the first Monday of the month
        ("cron(0 9 ? * 2#1 *)", utc(2024, 3, 5), utc(2024, 4, 1, 9)),
        ("cron(0 9 ? * 2#1 *)", utc(2024, 8, 1), utc(2024, 8, 5, 9)),
        # last day of the month, February in leap and non-leap years
        ("cron(0 0 L * ? *)", utc(2024, 2, 1), utc(2024, 2, 29)),
        ("cron(0 0 L * ? *)", utc(2023, 2, 1), utc(2023, 2, 28)),
        ("cron(0 0 L * ? *)", utc(2100, 2, 1), utc(2100, 2, 28)),  # 2100 is not a leap year
        ("cron(0 0 L * ? *)", utc(2000, 2, 1), utc(2000, 2, 29)),  # 2000 is
        ("cron(0 0 L * ? *)", utc(2024, 4, 30), utc(2024, 5, 31)),
        ("cron(0 0 L * ? *)", utc(2024, 12, 31), utc(2025, 1, 31)),
        # weekday nearest the 15th: 2024-06-15 is a Saturday, 2024-09-15 a Sunday, 2024-03-15 a Friday
        ("cron(0 0 15W * ? *)", utc(2024, 6, 1), utc(2024, 6, 14)),
        ("cron(0 0 15W * ? *)", utc(2024, 9, 1), utc(2024, 9, 16)),
        ("cron(0 0 15W * ? *)", utc(2024, 3, 1), utc(2024, 3, 15)),
        # 12:00 on the last Friday of the month
        ("cron(0 12 ? * 6L *)", utc(2024, 3, 1), utc(2024, 3, 29, 12)),
        ("cron(0 12 ? * 6L *)", utc(2024, 2, 1), utc(2024, 2, 23, 12)),
        ("cron(0 12 ? * 6L *)", utc(2024, 3, 29, 12), utc(2024, 4, 26, 12)),
    ],
)
def test_cron_next_fire_after_matches_aws_examples(
    expression: str, moment: datetime, expected: datetime
) -> None:
    assert parse_schedule(expression).next_fire_after(moment) == expected


@pytest.mark.parametrize(
    ("expression", "moment", "expected"),
    [
        # W never leaves the month: the 1st on a Saturday moves forward to Monday the 3rd (2024-06-01)
        ("cron(0 0 1W * ? *)", utc(2024, 5, 31), utc(2024, 6, 3)),
        # the 31st on a Sunday moves back to Friday the 29th (2024-03-31); months without a 31st are skipped
        ("cron(0 0 31W * ? *)", utc(2024, 3, 1), utc(2024, 3, 29)),
        ("cron(0 0 31W * ? *)", utc(2024, 3, 29), utc(2024, 5, 31)),
        # LW: last weekday of the month (2024-03-31 is a Sunday, 2024-08-31 a Saturday)
        ("cron(0 0 LW * ? *)", utc(2024, 3, 1), utc(2024, 3, 29)),
        ("cron(0 0 LW * ? *)", utc(2024, 8, 1), utc(2024, 8, 30)),
        ("cron(0 0 LW * ? *)", utc(2024, 4, 1), utc(2024, 4, 30)),
        # L alone in day-of-week is Saturday (7); 2024-03-04 is a Monday
        ("cron(0 0 ? * L *)", utc(2024, 3, 4), utc(2024, 3, 9)),
        # 3#2 is the second Tuesday
        ("cron(0 0 ? * 3#2 *)", utc(2024, 3, 1), utc(2024, 3, 12)),
        ("cron(0 0 ? * TUE#2 *)", utc(2024, 3, 1), utc(2024, 3, 12)),
        # a fifth Friday exists only in some months: March 2024 has one, April does not
        ("cron(0 0 ? * 6#5 *)", utc(2024, 3, 1), utc(2024, 3, 29)),
        ("cron(0 0 ? * 6#5 *)", utc(2024, 3, 29), utc(2024, 5, 31)),
        # month names, a year list with an increment, seconds in the moment
        ("cron(0 0 1 JAN,JUL ? *)", utc(2024, 1, 1), utc(2024, 7, 1)),
        ("cron(0 0 1 1 ? 2020-2030/5)", utc(2020, 6, 1), utc(2025, 1, 1)),
        (
            "cron(30 * * * ? *)",
            datetime(2024, 3, 5, 10, 29, 59, 999_999, tzinfo=UTC),
            utc(2024, 3, 5, 10, 30),
        ),
        # Feb 29th only happens in leap years, and 2100 is not one
        ("cron(0 0 29 2 ? *)", utc(2097, 3, 1), utc(2104, 2, 29)),
    ],
)
def test_cron_special_characters(expression: str, moment: datetime, expected: datetime) -> None:
    assert parse_schedule(expression).next_fire_after(moment) == expected


def test_first_monday_of_every_month_in_2024() -> None:
    fires = parse_schedule("cron(0 9 ? * 2#1 *)").fire_times(utc(2024, 1, 1), utc(2024, 12, 31, 23, 59))
    expected_days = [
        (1, 1),
        (2, 5),
        (3, 4),
        (4, 1),
        (5, 6),
        (6, 3),
        (7, 1),
        (8, 5),
        (9, 2),
        (10, 7),
        (11, 4),
        (12, 2),
    ]
    assert fires == [utc(2024, month, day, 9) for month, day in expected_days]


def test_last_day_of_month_over_a_leap_year() -> None:
    fires = parse_schedule("cron(0 0 L * ? *)").fire_times(utc(2024, 1, 1), utc(2025, 1, 1))
    assert [fire.day for fire in fires] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def test_weekday_business_hours_count_per_week() -> None:
    # 10 hours x 12 fires per hour x 5 weekdays; 2024-03-04 is a Monday
    fires = parse_schedule("cron(0/5 8-17 ? * MON-FRI *)").fire_times(utc(2024, 3, 3), utc(2024, 3, 10))
    assert len(fires) == 600
    assert fires[0] == utc(2024, 3, 4, 8)
    assert fires[-1] == utc(2024, 3, 8, 17, 55)
    assert {fire.weekday() for fire in fires} == {0, 1, 2, 3, 4}


def test_year_bounded_cron_runs_out() -> None:
    schedule = parse_schedule("cron(0 0 1 1 ? 2025)")
    assert schedule.next_fire_after(utc(2024, 6, 1)) == utc(2025, 1, 1)
    assert schedule.next_fire_after(utc(2025, 1, 1)) is None
    assert schedule.fire_times(utc(1990, 1, 1), utc(2199, 1, 1)) == [utc(2025, 1, 1)]


def test_cron_after_the_last_possible_year_is_none() -> None:
    schedule = parse_schedule("cron(* * * * ? *)")
    assert schedule.next_fire_after(utc(2199, 12, 31, 23, 58)) == utc(2199, 12, 31, 23, 59)
    assert schedule.next_fire_after(utc(2199, 12, 31, 23, 59)) is None
    assert schedule.next_fire_after(datetime.max.replace(tzinfo=UTC)) is None
    assert schedule.next_fire_after(utc(1960, 5, 5)) == utc(1970, 1, 1)


# --- cron: parsed fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "attribute", "expected"),
    [
        ("5-30/5 * * * ? *", "minutes", {5, 10, 15, 20, 25, 30}),
        ("1/10 * * * ? *", "minutes", {1, 11, 21, 31, 41, 51}),
        ("0/15 * * * ? *", "minutes", {0, 15, 30, 45}),
        ("0 */6 * * ? *", "hours", {0, 6, 12, 18}),
        ("0 8-10,14 * * ? *", "hours", {8, 9, 10, 14}),
        ("0 0 1 JAN,jul ? *", "months", {1, 7}),
        ("0 0 1 1-12/3 ? *", "months", {1, 4, 7, 10}),
        ("0 0 ? * mon-fri *", "days_of_week", {2, 3, 4, 5, 6}),
        ("0 0 ? * SUN,7 *", "days_of_week", {1, 7}),
        ("0 0 ? * L *", "days_of_week", {7}),
        ("0 0 1/10 * ? *", "days_of_month", {1, 11, 21, 31}),
        ("0 0 1 1 ? 2198-2199", "years", {2198, 2199}),
    ],
)
def test_cron_fields_are_parsed_into_sets(fields: str, attribute: str, expected: set[int]) -> None:
    assert getattr(CronSchedule(fields), attribute) == expected


def test_special_day_fields_are_not_plain_sets() -> None:
    schedule = CronSchedule("0 12 ? * 6L *")
    assert schedule.days_of_week is None
    assert schedule.days_of_month is None
    assert CronSchedule("0 0 15W * ? *").days_of_month is None


def test_cron_matches() -> None:
    schedule = CronSchedule("0/15 9-17 ? * MON-FRI *")
    assert schedule.matches(utc(2024, 3, 6, 9, 45))
    assert not schedule.matches(utc(2024, 3, 6, 9, 46))  # minute
    assert not schedule.matches(utc(2024, 3, 6, 18, 0))  # hour
    assert not schedule.matches(utc(2024, 3, 9, 9, 45))  # Saturday
    assert not schedule.matches(utc(2024, 3, 6, 9, 45, 1))  # not a whole minute


def test_cron_is_evaluated_in_utc_whatever_the_input_offset() -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    fire = parse_schedule("cron(0 10 * * ? *)").next_fire_after(datetime(2024, 3, 5, 15, 0, tzinfo=india))
    assert fire == utc(2024, 3, 5, 10)  # 15:00 +05:30 is 09:30 UTC
    assert fire is not None
    assert fire.tzinfo is UTC


def test_yearly_cron_answers_in_well_under_a_millisecond() -> None:
    yearly = parse_schedule("cron(0 0 1 1 ? *)")
    leap_day = parse_schedule("cron(0 0 29 2 ? *)")
    moment = utc(2024, 6, 15, 12, 30)
    calls = 500
    started = time.perf_counter()
    for _ in range(calls):
        yearly.next_fire_after(moment)
        leap_day.next_fire_after(moment)
    per_call = (time.perf_counter() - started) / (2 * calls)
    assert per_call < 0.5e-3


# --- rate ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "period"),
    [
        ("rate(1 minute)", timedelta(minutes=1)),
        ("rate(5 minutes)", timedelta(minutes=5)),
        ("rate(1 hour)", timedelta(hours=1)),
        ("rate(12 hours)", timedelta(hours=12)),
        ("rate(1 day)", timedelta(days=1)),
        ("rate(7 days)", timedelta(days=7)),
    ],
)
def test_rate_period(expression: str, period: timedelta) -> None:
    schedule = parse_schedule(expression)
    assert isinstance(schedule, RateSchedule)
    assert schedule.period == period
    assert schedule.expression == expression


def test_rate_without_anchor_is_aligned_to_the_epoch() -> None:
    assert parse_schedule("rate(5 minutes)").next_fire_after(utc(2024, 3, 5, 10, 7, 30)) == utc(
        2024, 3, 5, 10, 10
    )
    assert parse_schedule("rate(1 hour)").next_fire_after(utc(2024, 3, 5, 10)) == utc(2024, 3, 5, 11)
    # 1970-01-01 was a Thursday, so epoch-aligned weekly fires land on Thursdays; 2024-03-05 is a Tuesday
    assert parse_schedule("rate(7 days)").next_fire_after(utc(2024, 3, 5, 10)) == utc(2024, 3, 7)


def test_rate_fires_at_anchor_plus_whole_periods() -> None:
    anchor = utc(2024, 1, 1, 0, 30, 15)
    schedule = parse_schedule("rate(1 hour)", anchor=anchor)
    assert schedule.next_fire_after(utc(2023, 12, 1)) == anchor  # the first fire is the anchor itself
    assert schedule.next_fire_after(anchor) == utc(2024, 1, 1, 1, 30, 15)
    assert schedule.next_fire_after(utc(2024, 1, 1, 5)) == utc(2024, 1, 1, 5, 30, 15)
    assert schedule.next_fire_after(utc(2024, 1, 1, 5, 30, 15)) == utc(2024, 1, 1, 6, 30, 15)


def test_rate_anchor_in_another_offset_is_converted_to_utc() -> None:
    anchor = datetime(2024, 1, 1, 9, tzinfo=timezone(timedelta(hours=9)))
    schedule = RateSchedule(7, "days", anchor=anchor)
    assert schedule.anchor == utc(2024, 1, 1)
    assert schedule.anchor.tzinfo is UTC
    assert schedule.next_fire_after(utc(2024, 1, 1)) == utc(2024, 1, 8)


def test_rate_fire_times_in_an_hour() -> None:
    fires = parse_schedule("rate(5 minutes)").fire_times(utc(2024, 3, 5, 10), utc(2024, 3, 5, 11))
    assert len(fires) == 12
    assert fires[0] == utc(2024, 3, 5, 10, 5)
    assert fires[-1] == utc(2024, 3, 5, 11)
    assert all(later - earlier == timedelta(minutes=5) for earlier, later in itertools.pairwise(fires))


def test_rate_far_in_the_future_is_none_rather_than_an_overflow() -> None:
    assert parse_schedule("rate(1 day)").next_fire_after(datetime.max.replace(tzinfo=UTC)) is None


# --- at -----------------------------------------------------------------------------------------


def test_at_fires_once() -> None:
    schedule = parse_schedule("at(2030-01-01T10:00:30)")
    assert isinstance(schedule, AtSchedule)
    assert schedule.when == utc(2030, 1, 1, 10, 0, 30)
    assert schedule.next_fire_after(utc(2029, 12, 31)) == utc(2030, 1, 1, 10, 0, 30)
    assert schedule.next_fire_after(utc(2030, 1, 1, 10, 0, 30)) is None
    assert schedule.fire_times(utc(2000, 1, 1), utc(2100, 1, 1)) == [utc(2030, 1, 1, 10, 0, 30)]
    assert schedule.expression == "at(2030-01-01T10:00:30)"


def test_at_rejects_fractional_seconds() -> None:
    with pytest.raises(ScheduleExpressionError, match="whole seconds"):
        AtSchedule(datetime(2030, 1, 1, 0, 0, 0, 500, tzinfo=UTC))


# --- fire_times and shared behaviour ------------------------------------------------------------


def test_fire_times_window_excludes_start_and_includes_end() -> None:
    fires = parse_schedule("cron(0 * * * ? *)").fire_times(utc(2024, 3, 5, 10), utc(2024, 3, 5, 12))
    assert fires == [utc(2024, 3, 5, 11), utc(2024, 3, 5, 12)]


def test_fire_times_of_an_empty_or_reversed_window_is_empty() -> None:
    schedule = parse_schedule("rate(1 minute)")
    assert schedule.fire_times(utc(2024, 3, 5, 10), utc(2024, 3, 5, 10)) == []
    assert schedule.fire_times(utc(2024, 3, 5, 10), utc(2024, 3, 5, 9)) == []


def test_fire_times_refuses_to_truncate_silently() -> None:
    schedule = parse_schedule("rate(1 minute)")
    assert len(schedule.fire_times(utc(2024, 3, 5), utc(2024, 3, 5, 1), limit=60)) == 60
    with pytest.raises(ScheduleExpressionError, match=r"more than 59 times"):
        schedule.fire_times(utc(2024, 3, 5), utc(2024, 3, 5, 1), limit=59)


@pytest.mark.parametrize(
    "expression",
    [
        "rate(5 minutes)",
        "rate(1 day)",
        "cron(0 10 * * ? *)",
        "cron(0 12 ? * 6L *)",
        "at(2030-01-01T10:00:00)",
    ],
)
def test_expression_round_trips(expression: str) -> None:
    schedule = parse_schedule(expression)
    assert isinstance(schedule, Schedule)
    assert schedule.expression == expression


@pytest.mark.parametrize(
    "call",
    [
        lambda: parse_schedule("cron(0 10 * * ? *)").next_fire_after(datetime(2024, 1, 1)),
        lambda: parse_schedule("rate(5 minutes)").next_fire_after(datetime(2024, 1, 1)),
        lambda: parse_schedule("at(2030-01-01T00:00:00)").next_fire_after(datetime(2024, 1, 1)),
        lambda: parse_schedule("rate(5 minutes)", anchor=datetime(2024, 1, 1)),
        lambda: parse_schedule("rate(5 minutes)").fire_times(datetime(2024, 1, 1), utc(2024, 1, 2)),
        lambda: parse_schedule("rate(5 minutes)").fire_times(utc(2024, 1, 1), datetime(2024, 1, 2)),
        lambda: AtSchedule(datetime(2030, 1, 1)),
    ],
)
def test_naive_datetimes_are_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ScheduleExpressionError, match="naive datetime; expected a timezone-aware"):
        call()


# --- rejections ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("rate(0 minutes)", "positive integer"),
        ("rate(-5 minutes)", "positive integer"),
        ("rate(1.5 hours)", "positive integer"),
        ("rate(1 minutes)", "expected 'minute' (singular for 1"),
        ("rate(5 minute)", "expected 'minutes'"),
        ("rate(1 hours)", "expected 'hour'"),
        ("rate(5 seconds)", "unknown unit"),
        ("rate(5 Minutes)", "unknown unit"),
        ("rate(99999999999 days)", "too large"),
        ("rate(5minutes)", "expected rate(value unit)"),
        ("rate()", "expected rate(value unit)"),
        ("cron(0 10 * * * *)", "both specified"),
        ("cron(0 10 ? * ? *)", "both '?'"),
        ("cron(0 10 5 * MON *)", "both specified"),
        ("cron(60 * * * ? *)", "minutes value 60 is out of range; expected 0-59"),
        ("cron(0 24 * * ? *)", "hours value 24 is out of range; expected 0-23"),
        ("cron(0 10 0 * ? *)", "day-of-month value 0 is out of range"),
        ("cron(0 10 32 * ? *)", "day-of-month value 32 is out of range"),
        ("cron(0 10 * 13 ? *)", "month value 13 is out of range; expected 1-12 or JAN-DEC"),
        ("cron(0 10 * JANUARY ? *)", "month value 'JANUARY' is not valid"),
        ("cron(0 10 ? * 8 *)", "day-of-week value 8 is out of range; expected 1-7 or SUN-SAT"),
        ("cron(0 10 ? * 0 *)", "day-of-week value 0 is out of range"),
        ("cron(0 10 ? * FUN *)", "day-of-week value 'FUN' is not valid"),
        ("cron(0 10 * * ? 1969)", "year value 1969 is out of range; expected 1970-2199"),
        ("cron(0 10 * * ? 2200)", "year value 2200 is out of range"),
        ("cron(0 10 * * ?)", "found 5 fields; expected 6"),
        ("cron(0 10 * * ? * *)", "found 7 fields; expected 6"),
        ("cron()", "found 0 fields"),
        ("cron(0 ? * * ? *)", "expected '?' only in day-of-month or day-of-week"),
        ("cron(30-10 * * * ? *)", "runs backwards"),
        ("cron(0/0 * * * ? *)", "increment"),
        ("cron(0/x * * * ? *)", "increment"),
        ("cron(,5 * * * ? *)", "minutes value '' is not valid"),
        ("cron(² * * * ? *)", "minutes value '²' is not valid"),
        ("cron(0 10 ? * 1/2 *)", "does not allow"),
        ("cron(0 10 ? * 3#1,6#3 *)", "single expression"),
        ("cron(0 10 ? * 2#6 *)", "expected 1-5 after '#'"),
        ("cron(0 10 ? * 2#0 *)", "expected 1-5 after '#'"),
        ("cron(0 10 ? * 9L *)", "day-of-week value 9 is out of range"),
        ("cron(0 10 L,15 * ? *)", "misuses L or W"),
        ("cron(0 10 15W,16W * ? *)", "misuses L or W"),
        ("cron(0 10 32W * ? *)", "day-of-month value 32 is out of range"),
        ("cron(0 L * * ? *)", "hours value 'L' is not valid"),
        # impossible combinations: these dates never occur
        ("cron(0 0 30 2 ? *)", "no date matches"),
        ("cron(0 0 31 4,6,9,11 ? *)", "no date matches"),
        ("cron(0 0 29 2 ? 2023)", "no date matches"),
        ("cron(0 0 ? 2 6#5 2023)", "no date matches"),
        ("at(2024-02-30T00:00:00)", "expected a real date and time"),
        ("at(2024-01-01 10:00:00)", "expected rate(value unit)"),
        ("at(2024-01-01T10:00)", "expected rate(value unit)"),
        ("", "expected rate(value unit)"),
        ("garbage", "expected rate(value unit)"),
        ("every 5 minutes", "expected rate(value unit)"),
        ("CRON(0 10 * * ? *)", "expected rate(value unit)"),
        (" rate(5 minutes)", "expected rate(value unit)"),
    ],
)
def test_invalid_expressions_are_rejected_with_a_clear_message(expression: str, reason: str) -> None:
    with pytest.raises(ScheduleExpressionError) as raised:
        parse_schedule(expression)
    message = str(raised.value)
    assert repr(expression) in message
    assert "expected" in message
    assert reason in message
    assert isinstance(raised.value, LabError)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 0 29 2 ? 2024)",
        "cron(0 0 ? 2 6#5 2036)",  # February 2036 starts on a Friday and has 29 days
        "cron(0 0 31 * ? *)",
        "cron(0 0 31W * ? *)",
        "cron(0/5 8-17 ? * mon-fri *)",
        "cron(* * * * ? *)",
        "cron(0 0 * * ? 1970)",
    ],
)
def test_valid_edge_cases_are_accepted(expression: str) -> None:
    assert parse_schedule(expression).expression == expression


def test_rate_constructor_validates_like_the_parser() -> None:
    with pytest.raises(ScheduleExpressionError, match=r"'rate\(0 minutes\)'.*positive integer"):
        RateSchedule(0, "minutes")
    with pytest.raises(ScheduleExpressionError, match="expected 'minute'"):
        RateSchedule(1, "minutes")


# --- properties ---------------------------------------------------------------------------------

_START_INSTANTS = st.datetimes(
    min_value=datetime(1970, 1, 1),
    max_value=datetime(2199, 12, 30),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]),
)


@settings(max_examples=150, deadline=None, database=None)
@given(
    minutes=st.sets(st.integers(0, 59), min_size=1, max_size=6),
    hours=st.sets(st.integers(0, 23), min_size=1, max_size=4) | st.none(),
    start=_START_INSTANTS,
)
def test_next_fire_is_the_first_matching_minute_after_start(
    minutes: set[int], hours: set[int] | None, start: datetime
) -> None:
    hour_field = "*" if hours is None else ",".join(map(str, sorted(hours)))
    allowed_hours = set(range(24)) if hours is None else hours
    schedule = parse_schedule(f"cron({','.join(map(str, sorted(minutes)))} {hour_field} * * ? *)")

    fire = schedule.next_fire_after(start)

    assert fire is not None
    assert fire > start
    assert fire.tzinfo is UTC
    assert (fire.second, fire.microsecond) == (0, 0)
    assert fire.minute in minutes
    assert fire.hour in allowed_hours
    candidate = start.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    while candidate < fire:  # brute force: no matching minute is skipped (at most a day of minutes)
        assert not (candidate.minute in minutes and candidate.hour in allowed_hours), candidate
        candidate += timedelta(minutes=1)


def _aws_weekday(day: date) -> int:
    """AWS numbering, 1 = Sunday ... 7 = Saturday."""
    return day.isoweekday() % 7 + 1


def _oracle_fires_on(day_of_month: str | None, day_of_week: str | None, day: date) -> bool:
    """A deliberately naive reading of the AWS day rules, used to check the real implementation."""
    month_days = [
        date(day.year, day.month, d) for d in range(1, calendar.monthrange(day.year, day.month)[1] + 1)
    ]
    weekdays = [d for d in month_days if d.isoweekday() <= 5]
    if day_of_month == "L":
        return day == month_days[-1]
    if day_of_month == "LW":
        return day == weekdays[-1]
    if day_of_month is not None and day_of_month.endswith("W"):
        target = int(day_of_month[:-1])
        return target <= len(month_days) and day == min(weekdays, key=lambda d: abs(d.day - target))
    if day_of_month is not None:
        return day.day == int(day_of_month)
    assert day_of_week is not None
    if day_of_week == "L":
        return _aws_weekday(day) == 7
    if day_of_week.endswith("L"):
        return day == [d for d in month_days if _aws_weekday(d) == int(day_of_week[:-1])][-1]
    weekday, nth = map(int, day_of_week.split("#"))
    same_weekday = [d for d in month_days if _aws_weekday(d) == weekday]
    return len(same_weekday) >= nth and day == same_weekday[nth - 1]


_DAY_OF_MONTH_RULES = st.sampled_from(["L", "LW"]) | st.integers(1, 31).flatmap(
    lambda day: st.sampled_from([str(day), f"{day}W"])
)
_DAY_OF_WEEK_RULES = st.just("L") | st.integers(1, 7).flatmap(
    lambda weekday: st.sampled_from([f"{weekday}L"]) | st.integers(1, 5).map(lambda nth: f"{weekday}#{nth}")
)


@settings(max_examples=150, deadline=None, database=None)
@given(
    rule=st.tuples(_DAY_OF_MONTH_RULES, st.none()) | st.tuples(st.none(), _DAY_OF_WEEK_RULES),
    start=st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2195, 12, 31), timezones=st.just(UTC)
    ),
)
def test_special_day_rules_agree_with_a_naive_oracle(
    rule: tuple[str | None, str | None], start: datetime
) -> None:
    day_of_month, day_of_week = rule
    schedule = parse_schedule(f"cron(0 0 {day_of_month or '?'} * {day_of_week or '?'} *)")

    fire = schedule.next_fire_after(start)

    expected = start.date() + timedelta(days=1)
    while not _oracle_fires_on(day_of_month, day_of_week, expected):
        expected += timedelta(days=1)
    assert fire == datetime(expected.year, expected.month, expected.day, tzinfo=UTC)


# --- time zones and daylight saving (EventBridge Scheduler) ---------------------------------------
# AWS, "Schedule types in EventBridge Scheduler", section "Daylight savings time on EventBridge Scheduler"
# (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html): "When time shifts
# forward in the Spring, if a cron expression falls on a non-existent date and time, your schedule
# invocation is skipped. When time shifts backwards in the Fall, your schedule runs only once and does
# not repeat its invocation." and, for rate(): days are 24-hour durations, whatever the clock does.


def _fires(expression: str, zone: str, start: datetime, end: datetime) -> list[datetime]:
    return parse_schedule(expression, timezone=zone).fire_times(start, end)


def test_cron_in_a_time_zone_follows_its_wall_clock_across_the_spring_change() -> None:
    # America/New_York moved from EST (-5) to EDT (-4) at 02:00 on 2024-03-10; 02:30 did not exist
    fires = _fires("cron(30 2 * * ? *)", "America/New_York", utc(2024, 3, 8, 12), utc(2024, 3, 12, 12))
    assert fires == [utc(2024, 3, 9, 7, 30), utc(2024, 3, 11, 6, 30), utc(2024, 3, 12, 6, 30)]  # not the 10th


def test_a_repeated_wall_time_fires_once_in_autumn() -> None:
    # 2024-11-03: 01:00-01:59 happened twice in New York (EDT then EST)
    fires = _fires("cron(30 1 * * ? *)", "America/New_York", utc(2024, 11, 2, 12), utc(2024, 11, 4, 12))
    assert fires == [utc(2024, 11, 3, 5, 30), utc(2024, 11, 4, 6, 30)]
    half_hourly = _fires("cron(0/30 * * * ? *)", "America/New_York", utc(2024, 11, 3, 4), utc(2024, 11, 3, 8))
    assert half_hourly == [
        utc(2024, 11, 3, 4, 30),
        utc(2024, 11, 3, 5),
        utc(2024, 11, 3, 5, 30),  # 01:30 EDT; 01:00 and 01:30 EST (06:00, 06:30 UTC) do not repeat
        utc(2024, 11, 3, 7),
        utc(2024, 11, 3, 7, 30),
        utc(2024, 11, 3, 8),
    ]


def test_starting_inside_the_repeated_hour_never_returns_the_past() -> None:
    schedule = parse_schedule("cron(0/5 * * * ? *)", timezone="America/New_York")
    moment = utc(2024, 11, 3, 6, 10)  # 01:10 EST, the second pass of 01:xx
    assert schedule.next_fire_after(moment) == utc(2024, 11, 3, 7)


def test_london_nightly_job_over_a_year_skips_one_night_and_moves_in_utc() -> None:
    schedule = parse_schedule("cron(30 1 * * ? *)", timezone="Europe/London")
    fires = schedule.fire_times(utc(2026, 1, 1), utc(2027, 1, 1))
    assert len(fires) == 364  # 2026-03-29 01:30 does not exist in London
    assert utc(2026, 3, 28, 1, 30) in fires
    assert utc(2026, 3, 30, 0, 30) in fires  # 01:30 BST
    assert utc(2026, 10, 25, 0, 30) in fires  # 01:30 BST, the first of two 01:30s
    assert utc(2026, 10, 25, 1, 30) not in fires  # not again at 01:30 GMT


def test_rate_is_elapsed_time_whatever_the_zone() -> None:
    plain = parse_schedule("rate(1 day)", anchor=utc(2024, 3, 9, 12))
    zoned = parse_schedule("rate(1 day)", anchor=utc(2024, 3, 9, 12), timezone="America/New_York")
    assert isinstance(zoned, RateSchedule)
    window = (utc(2024, 3, 9), utc(2024, 3, 13))
    assert zoned.fire_times(*window) == plain.fire_times(*window)  # 24 h apart across the change


def test_one_time_at_in_a_time_zone() -> None:
    schedule = parse_schedule("at(2026-12-31T23:59:00)", timezone="America/New_York")
    assert isinstance(schedule, ZonedSchedule)
    assert schedule.next_fire_after(utc(2026, 1, 1)) == utc(2027, 1, 1, 4, 59)
    assert schedule.next_fire_after(utc(2027, 1, 1, 4, 59)) is None
    assert schedule.expression == "at(2026-12-31T23:59:00)"
    # a one-time schedule in the hour that does not exist never fires
    gap = parse_schedule("at(2024-03-10T02:30:00)", timezone="America/New_York")
    assert gap.next_fire_after(utc(2024, 1, 1)) is None


def test_utc_and_unknown_zones() -> None:
    assert isinstance(parse_schedule("cron(0 10 * * ? *)", timezone="UTC"), CronSchedule)
    with pytest.raises(ScheduleExpressionError, match="'Mars/Olympus' is not a time zone name"):
        parse_schedule("cron(0 10 * * ? *)", timezone="Mars/Olympus")
    assert time_zone("Europe/Paris").key == "Europe/Paris"


_ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "America/Santiago"]
_AROUND_CHANGES = st.sampled_from(
    [
        utc(2024, 3, 9),
        utc(2024, 3, 30),
        utc(2024, 4, 6),
        utc(2024, 10, 5),
        utc(2024, 10, 26),
        utc(2024, 11, 2),
    ]
).flatmap(lambda day: st.integers(0, 3 * 24 * 60).map(lambda minutes: day + timedelta(minutes=minutes)))


@settings(max_examples=150, deadline=None, database=None)
@given(
    zone=st.sampled_from(_ZONES),
    minutes=st.sets(st.integers(0, 59), min_size=1, max_size=4),
    hours=st.sets(st.integers(0, 23), min_size=1, max_size=4),
    start=_AROUND_CHANGES,
)
def test_zoned_cron_agrees_with_a_minute_by_minute_oracle(
    zone: str, minutes: set[int], hours: set[int], start: datetime
) -> None:
    """The first UTC minute after ``start`` whose wall time matches, counting a repeated wall time only at
    its first occurrence (fold 0); wall times in a spring gap never occur, so they never fire."""
    expression = f"cron({','.join(map(str, sorted(minutes)))} {','.join(map(str, sorted(hours)))} * * ? *)"
    schedule = parse_schedule(expression, timezone=zone)
    assert isinstance(schedule, ZonedSchedule)

    fire = schedule.next_fire_after(start)

    candidate = start + timedelta(minutes=1)
    while True:
        local = candidate.astimezone(schedule.zone)
        if local.minute in minutes and local.hour in hours and local.fold == 0:
            break
        candidate += timedelta(minutes=1)
    assert fire == candidate
