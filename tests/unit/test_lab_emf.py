"""The lab's EMF reader: Embedded Metric Format documents into PutMetricData values."""

import json
from datetime import UTC, datetime

import pytest

from patterns.lab.emf import EmfError, MetricDatum, parse_emf

AT = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _document(**overrides: object) -> str:
    document = {
        "_aws": {
            "Timestamp": 1,
            "CloudWatchMetrics": [
                {
                    "Namespace": "Shop",
                    "Dimensions": [["service"]],
                    "Metrics": [
                        {"Name": "OrdersPlaced", "Unit": "Count"},
                        {"Name": "Latency", "Unit": "Milliseconds"},
                    ],
                }
            ],
        },
        "service": "orders",
        "OrdersPlaced": [1.0, 2.0],
        "Latency": 12,
        **overrides,
    }
    return json.dumps(document)


def test_a_powertools_document_gives_one_datum_per_value_at_the_events_time() -> None:
    data = parse_emf(_document(), AT)
    assert data == [
        MetricDatum("Shop", "OrdersPlaced", 1.0, "Count", (("service", "orders"),), AT),
        MetricDatum("Shop", "OrdersPlaced", 2.0, "Count", (("service", "orders"),), AT),
        MetricDatum("Shop", "Latency", 12.0, "Milliseconds", (("service", "orders"),), AT),
    ]
    assert type(data[2].value) is float
    assert data[0].as_request()["Dimensions"] == [{"Name": "service", "Value": "orders"}]


def test_every_dimension_set_is_a_metric_of_its_own() -> None:
    text = json.dumps(
        {
            "_aws": {
                "CloudWatchMetrics": [
                    {
                        "Namespace": "N",
                        "Dimensions": [["service"], ["service", "region"]],
                        "Metrics": [{"Name": "M"}],
                    }
                ]
            },
            "service": "s",
            "region": "eu",
            "M": 1,
        }
    )
    assert [d.dimensions for d in parse_emf(text, AT)] == [
        (("service", "s"),),
        (("service", "s"), ("region", "eu")),
    ]
    assert parse_emf(text, AT)[0].unit == "None"


@pytest.mark.parametrize(
    "line", ["REPORT RequestId: x", '{"level": "INFO", "message": "hi"}', "[1, 2]", "", '{"_aws_not": 1}']
)
def test_lines_that_are_not_emf_give_nothing(line: str) -> None:
    assert parse_emf(line, AT) == []


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"_aws": {"CloudWatchMetrics": "x"}}, "must be a list"),
        ({"_aws": {"CloudWatchMetrics": [{"Metrics": []}]}}, "needs a Namespace"),
        (
            {
                "OrdersPlaced": None,
                "Latency": 1,
                "_aws": {"CloudWatchMetrics": [{"Namespace": "N", "Metrics": [{"Name": "Gone"}]}]},
            },
            "no value",
        ),
        ({"service": None}, None),
    ],
)
def test_broken_emf_is_an_error_not_a_silent_loss(overrides: dict[str, object], problem: str | None) -> None:
    text = _document(**overrides)
    if problem is None:  # a dimension whose key is present but null still has a value: "None"
        assert parse_emf(text, AT)[0].dimensions == (("service", "None"),)
        document = json.loads(text)
        del document["service"]
        with pytest.raises(EmfError, match="dimension"):
            parse_emf(json.dumps(document), AT)
        return
    with pytest.raises(EmfError, match=problem):
        parse_emf(text, AT)
