"""CloudWatch metric alarms, evaluated by the lab on the virtual clock.

moto stores an alarm (``PutMetricAlarm``, ``DescribeAlarms``) but never evaluates it: its state stays
where ``SetAlarmState`` last put it. :func:`evaluate_alarm` does what CloudWatch does each period: it reads
the alarm's definition back from CloudWatch, asks ``GetMetricStatistics`` for the last
``EvaluationPeriods`` complete periods before ``now`` (the sandbox's virtual time), counts the breaching
ones (``TreatMissingData`` decides what an empty period counts as), and when at least
``DatapointsToAlarm`` breach the alarm goes to ``ALARM``. It writes the state back with
``SetAlarmState``, so ``DescribeAlarms`` shows it. Metric-math alarms and percentiles are not covered.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from patterns.lab.exceptions import LabError

__all__ = ["AlarmEvaluation", "AlarmState", "evaluate_alarm"]

AlarmState = Literal["OK", "ALARM", "INSUFFICIENT_DATA"]

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}


@dataclass(frozen=True)
class AlarmEvaluation:
    """One evaluation: the periods looked at, their values (None: no data) and the resulting state."""

    alarm_name: str
    previous_state: AlarmState
    state: AlarmState
    periods: tuple[datetime, ...]
    values: tuple[float | None, ...]
    breaching: tuple[bool | None, ...]
    reason: str

    @property
    def changed(self) -> bool:
        return self.state != self.previous_state


def evaluate_alarm(
    cloudwatch: Any, alarm_name: str, now: datetime, *, write_state: bool = True
) -> AlarmEvaluation:
    """Evaluate ``alarm_name`` at virtual time ``now`` and (by default) store its state in CloudWatch."""
    found = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    if not found:
        raise LabError(f"no metric alarm named {alarm_name!r}")
    alarm = found[0]
    statistic = alarm.get("Statistic")
    comparison = alarm["ComparisonOperator"]
    if statistic is None or comparison not in _COMPARE:
        raise LabError(
            f"alarm {alarm_name!r}: only a Statistic with a static threshold can be evaluated here"
        )
    period = int(alarm["Period"])
    evaluation_periods = int(alarm["EvaluationPeriods"])
    to_alarm = int(alarm.get("DatapointsToAlarm") or evaluation_periods)
    threshold = float(alarm["Threshold"])
    missing = alarm.get("TreatMissingData", "missing")
    now_s = int(now.timestamp())
    end = datetime.fromtimestamp(now_s - now_s % period, UTC)
    starts = tuple(
        end - timedelta(seconds=period * (evaluation_periods - i)) for i in range(evaluation_periods)
    )
    response = cloudwatch.get_metric_statistics(
        Namespace=alarm["Namespace"],
        MetricName=alarm["MetricName"],
        Dimensions=alarm.get("Dimensions", []),
        StartTime=starts[0],
        EndTime=end,
        Period=period,
        Statistics=[statistic],
    )
    by_period: dict[datetime, float] = {}
    for point in response["Datapoints"]:
        stamp = point["Timestamp"].astimezone(UTC)
        offset = int((stamp - starts[0]).total_seconds()) // period
        if 0 <= offset < evaluation_periods:
            by_period[starts[offset]] = float(point[statistic])
    values = tuple(by_period.get(start) for start in starts)
    compare = _COMPARE[comparison]
    breaching = tuple(None if value is None else compare(value, threshold) for value in values)
    previous: AlarmState = alarm["StateValue"]
    bad = sum(1 for b in breaching if b) + (breaching.count(None) if missing == "breaching" else 0)
    with_data = sum(1 for b in breaching if b is not None)
    state: AlarmState
    if bad >= to_alarm:
        state = "ALARM"
    elif with_data == 0 and missing == "missing":
        state = "INSUFFICIENT_DATA"
    elif with_data == 0 and missing == "ignore":
        state = previous
    else:
        state = "OK"
    shown = ", ".join("no data" if v is None else f"{v:g}" for v in values)
    reason = (
        f"{bad} of the last {evaluation_periods} period(s) of {period} s breached "
        f"({statistic} {comparison} {threshold:g}; values: {shown}; missing data: {missing}); "
        f"{to_alarm} needed to alarm (evaluated by the lab at virtual {end:%H:%M:%S})"
    )
    if write_state:
        cloudwatch.set_alarm_state(AlarmName=alarm_name, StateValue=state, StateReason=reason)
    return AlarmEvaluation(alarm_name, previous, state, starts, values, breaching, reason)
