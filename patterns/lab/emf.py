"""An EMF reader: the Embedded Metric Format log lines a function writes, made into CloudWatch metrics.

On AWS, CloudWatch Logs reads every log event of a function's log group that carries an ``_aws``
metadata object (the Embedded Metric Format) and turns the values it names into custom metrics, with no
``PutMetricData`` call from the function. moto stores log events but never reads them, so the lab does
that step: :func:`read_emf` parses the EMF documents among captured log events
(:class:`patterns.lab.logs.LogEvent`) and :func:`put_metric_data` sends them to CloudWatch
(``PutMetricData``, which moto stores and ``GetMetricStatistics`` / ``GetMetricData`` read back).

A datum's timestamp is its log event's (the sandbox's virtual clock), not the document's
``_aws.Timestamp`` (the writer's wall clock): metrics then line up with virtual time, where the lab's
alarms (:mod:`patterns.lab.alarms`) evaluate them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from patterns.lab.exceptions import LabError

if TYPE_CHECKING:
    from patterns.lab.logs import LogEvent

__all__ = ["EmfError", "MetricDatum", "parse_emf", "put_metric_data", "read_emf"]

_MAX_DATA_PER_CALL = 1000  # PutMetricData takes up to 1,000 metrics a request


class EmfError(LabError):
    """A log line carries ``_aws`` metadata that is not a valid EMF document."""


@dataclass(frozen=True)
class MetricDatum:
    """One value of one metric, as ``PutMetricData`` takes it."""

    namespace: str
    name: str
    value: float
    unit: str
    dimensions: tuple[tuple[str, str], ...]
    timestamp: datetime

    def as_request(self) -> dict[str, Any]:
        return {
            "MetricName": self.name,
            "Value": self.value,
            "Unit": self.unit,
            "Timestamp": self.timestamp,
            "Dimensions": [{"Name": name, "Value": value} for name, value in self.dimensions],
        }


def parse_emf(message: str, timestamp: datetime) -> list[MetricDatum]:
    """The metric values of one log line; ``[]`` when the line is not an EMF document."""
    try:
        document = json.loads(message)
    except ValueError:
        return []
    if not isinstance(document, dict) or "_aws" not in document:
        return []
    metadata = document["_aws"]
    directives = metadata.get("CloudWatchMetrics") if isinstance(metadata, dict) else None
    if not isinstance(directives, list):
        raise EmfError(f"_aws.CloudWatchMetrics must be a list, got {directives!r} in {message[:200]!r}")
    data: list[MetricDatum] = []
    for directive in directives:
        namespace = directive.get("Namespace")
        if not isinstance(namespace, str) or not namespace:
            raise EmfError(f"an EMF directive needs a Namespace, got {directive!r}")
        dimension_sets = directive.get("Dimensions") or [[]]
        for definition in directive.get("Metrics", []):
            name = definition["Name"]
            if name not in document:
                raise EmfError(f"metric {name!r} is declared but has no value in the document")
            raw = document[name]
            values = raw if isinstance(raw, list) else [raw]
            for dimension_set in dimension_sets:
                missing = [key for key in dimension_set if key not in document]
                if missing:
                    raise EmfError(f"dimension(s) {missing} of metric {name!r} have no value in the document")
                dimensions = tuple((key, str(document[key])) for key in dimension_set)
                for value in values:
                    data.append(
                        MetricDatum(
                            namespace,
                            name,
                            float(value),
                            definition.get("Unit", "None"),
                            dimensions,
                            timestamp,
                        )
                    )
    return data


def read_emf(events: Iterable[LogEvent]) -> list[MetricDatum]:
    """Every metric value in the EMF documents among ``events`` (platform lines are skipped)."""
    return [
        datum
        for event in events
        if event.kind == "function"
        for datum in parse_emf(event.message, event.timestamp)
    ]


def put_metric_data(cloudwatch: Any, data: Iterable[MetricDatum]) -> int:
    """Send ``data`` to CloudWatch with ``PutMetricData`` (per namespace, 1,000 a call); return calls."""
    by_namespace: dict[str, list[MetricDatum]] = {}
    for datum in data:
        by_namespace.setdefault(datum.namespace, []).append(datum)
    calls = 0
    for namespace, items in by_namespace.items():
        for start in range(0, len(items), _MAX_DATA_PER_CALL):
            chunk = items[start : start + _MAX_DATA_PER_CALL]
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=[d.as_request() for d in chunk])
            calls += 1
    return calls
