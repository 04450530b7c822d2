"""AWS access of the observability pattern (boto3): the queues between the functions, and CloudWatch.

Clients are made on first use, inside the running sandbox or execution environment, never at import.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import boto3

__all__ = [
    "correlation_id_of_record",
    "filter_log_events",
    "metric_sums",
    "put_alarm",
    "send_to_queue",
]


def send_to_queue(queue_url: str, body: dict[str, Any], correlation_id: str) -> str:
    """Send ``body`` on, with the correlation id as a message attribute; return the message id."""
    response = boto3.client("sqs").send_message(
        QueueUrl=queue_url,
        MessageBody=json.dumps(body),
        MessageAttributes={"correlation_id": {"DataType": "String", "StringValue": correlation_id}},
    )
    return str(response["MessageId"])


def correlation_id_of_record(record: dict[str, Any]) -> str | None:
    """The correlation id an SQS record carries in its message attributes."""
    attribute = (record.get("messageAttributes") or {}).get("correlation_id") or {}
    value = attribute.get("stringValue")
    return str(value) if value else None


def filter_log_events(logs: Any, log_groups: list[str], pattern: str) -> list[dict[str, Any]]:
    """``FilterLogEvents`` over several log groups (one call each, every page), oldest first."""
    found: list[dict[str, Any]] = []
    for group in log_groups:
        kwargs: dict[str, Any] = {"logGroupName": group, "filterPattern": pattern}
        while True:
            page = logs.filter_log_events(**kwargs)
            found.extend({**event, "logGroupName": group} for event in page["events"])
            if not page.get("nextToken"):
                break
            kwargs["nextToken"] = page["nextToken"]
    return sorted(found, key=lambda event: (event["timestamp"], event["logGroupName"]))


def put_alarm(
    cloudwatch: Any,
    name: str,
    *,
    namespace: str,
    metric: str,
    dimensions: dict[str, str],
    threshold: float,
    period_s: int,
    evaluation_periods: int,
    datapoints_to_alarm: int,
) -> None:
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace=namespace,
        MetricName=metric,
        Dimensions=[{"Name": key, "Value": value} for key, value in dimensions.items()],
        Statistic="Sum",
        Period=period_s,
        EvaluationPeriods=evaluation_periods,
        DatapointsToAlarm=datapoints_to_alarm,
        Threshold=threshold,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
    )


def metric_sums(
    cloudwatch: Any,
    *,
    namespace: str,
    metric: str,
    dimensions: dict[str, str],
    start: datetime,
    end: datetime,
    period_s: int,
) -> dict[datetime, float]:
    """``GetMetricStatistics`` Sum per period between ``start`` and ``end``."""
    response = cloudwatch.get_metric_statistics(
        Namespace=namespace,
        MetricName=metric,
        Dimensions=[{"Name": key, "Value": value} for key, value in dimensions.items()],
        StartTime=start,
        EndTime=end,
        Period=period_s,
        Statistics=["Sum"],
    )
    return {point["Timestamp"]: float(point["Sum"]) for point in response["Datapoints"]}
