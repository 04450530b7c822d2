"""The lab evaluates CloudWatch alarms that moto only stores: periods, M of N, missing data."""

from datetime import UTC, datetime, timedelta

import pytest

from patterns.lab.alarms import evaluate_alarm
from patterns.lab.emf import MetricDatum, put_metric_data
from patterns.lab.exceptions import LabError
from patterns.lab.sandbox import Sandbox

START = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _alarm(cloudwatch, missing: str = "notBreaching", to_alarm: int = 2) -> None:
    cloudwatch.put_metric_alarm(
        AlarmName="errors",
        Namespace="Shop",
        MetricName="Errors",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=3,
        DatapointsToAlarm=to_alarm,
        Threshold=2,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData=missing,
    )


def _put(cloudwatch, minute: int, *values: float) -> None:
    cloudwatch.put_metric_data(
        Namespace="Shop",
        MetricData=[
            {"MetricName": "Errors", "Value": v, "Timestamp": START + timedelta(minutes=minute, seconds=5)}
            for v in values
        ],
    )


def test_two_breaching_periods_of_three_alarm_and_the_state_is_written_back(sandbox: Sandbox) -> None:
    cloudwatch = sandbox.client("cloudwatch")
    _alarm(cloudwatch)
    _put(cloudwatch, 0, 1, 1)  # Sum 2: breaching
    _put(cloudwatch, 1, 1)  # Sum 1
    first = evaluate_alarm(cloudwatch, "errors", START + timedelta(minutes=3))
    assert first.values == (2.0, 1.0, None)
    assert first.breaching == (True, False, None)
    assert first.state == "OK"
    _put(cloudwatch, 2, 5)
    second = evaluate_alarm(cloudwatch, "errors", START + timedelta(minutes=3, seconds=30))
    assert (second.state, second.previous_state, second.changed) == ("ALARM", "OK", True)
    assert cloudwatch.describe_alarms(AlarmNames=["errors"])["MetricAlarms"][0]["StateValue"] == "ALARM"
    later = evaluate_alarm(cloudwatch, "errors", START + timedelta(minutes=6))
    assert (later.values, later.state) == ((None, None, None), "OK")


@pytest.mark.parametrize(
    ("missing", "state"), [("missing", "INSUFFICIENT_DATA"), ("breaching", "ALARM"), ("notBreaching", "OK")]
)
def test_missing_data_is_treated_as_the_alarm_says(sandbox: Sandbox, missing: str, state: str) -> None:
    cloudwatch = sandbox.client("cloudwatch")
    _alarm(cloudwatch, missing)
    assert evaluate_alarm(cloudwatch, "errors", START).state == state


def test_evaluating_without_writing_leaves_moto_alone(sandbox: Sandbox) -> None:
    cloudwatch = sandbox.client("cloudwatch")
    _alarm(cloudwatch, "breaching")
    before = cloudwatch.describe_alarms(AlarmNames=["errors"])["MetricAlarms"][0]["StateValue"]
    assert evaluate_alarm(cloudwatch, "errors", START, write_state=False).state == "ALARM"
    after = cloudwatch.describe_alarms(AlarmNames=["errors"])["MetricAlarms"][0]["StateValue"]
    assert after == before != "ALARM"


def test_an_unknown_alarm_is_an_error(sandbox: Sandbox) -> None:
    with pytest.raises(LabError, match="no metric alarm named 'nope'"):
        evaluate_alarm(sandbox.client("cloudwatch"), "nope", START)


def test_emf_values_reach_cloudwatch_a_thousand_per_call(sandbox: Sandbox) -> None:
    cloudwatch = sandbox.client("cloudwatch")
    data = [
        MetricDatum("Shop", "Errors", 1.0, "Count", (), START + timedelta(seconds=n % 60))
        for n in range(1_500)
    ]
    assert put_metric_data(cloudwatch, data) == 2
    _alarm(cloudwatch)
    assert evaluate_alarm(cloudwatch, "errors", START + timedelta(minutes=1)).values == (None, None, 1_500.0)
