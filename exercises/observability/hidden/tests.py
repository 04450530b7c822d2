"""Hidden tests of the observability exercise: the rules of the README, one test each (not shipped)."""

from exercises.grader.model import Test

from .. import checks

TESTS = [
    Test(
        "JSON that is not an object (a list, a string, a number) and broken JSON are skipped",
        1,
        "follow",
        {
            "lines": [
                '["c-1"]',
                '"c-1"',
                "7",
                '{"correlation_id": "c-1"',
                '{"correlation_id": "c-1", "n": 1}',
            ],
            "correlation_id": "c-1",
        },
        checks.returns([{"correlation_id": "c-1", "n": 1}]),
    ),
    Test(
        "the id must be equal, not contained: c-10 is not c-1, and a number is not its string",
        1,
        "follow",
        {
            "lines": ['{"correlation_id": "c-10"}', '{"correlation_id": 1}', '{"message": "c-1"}'],
            "correlation_id": "c-1",
        },
        checks.returns([]),
    ),
    Test(
        "no metric at all raises ValueError",
        2,
        "emf",
        {"namespace": "Shop", "metrics": {}, "dimensions": {"service": "orders"}, "timestamp_ms": 1},
        checks.raises("ValueError"),
    ),
    Test(
        "a name used as a metric and as a dimension raises ValueError",
        2,
        "emf",
        {
            "namespace": "Shop",
            "metrics": {"service": 1},
            "dimensions": {"service": "orders"},
            "timestamp_ms": 1,
        },
        checks.raises("ValueError"),
    ),
    Test(
        "a value that is not a number (a string, a bool) raises ValueError",
        2,
        "emf",
        {"namespace": "Shop", "metrics": {"A": 1, "B": True}, "dimensions": {}, "timestamp_ms": 1},
        checks.raises("ValueError"),
    ),
    Test(
        "bytes, not characters: é and € are 2 and 3 bytes in UTF-8; no lines cost nothing",
        3,
        "billed",
        {"lines": ["é€", ""]},
        checks.returns(5 + 26 + 26),
    ),
]
