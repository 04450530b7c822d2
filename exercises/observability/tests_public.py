"""Public tests of the observability exercise: run them with ``python -m exercises check observability``."""

from exercises.grader.model import Test

from . import checks

LINES = [
    "START RequestId: 1f0c Version: $LATEST",
    '{"level":"INFO","message":"order placed","function_request_id":"1f0c","correlation_id":"c-1"}',
    '{"level":"INFO","message":"order placed","function_request_id":"1f0c","correlation_id":"c-2"}',
    '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"correlation_id":"c-1","OrdersPlaced":[1.0]}',
    "REPORT RequestId: 1f0c\tDuration: 2.00 ms",
    '{"level":"INFO","message":"payment charged","function_request_id":"9ab2","correlation_id":"c-1"}',
]

TESTS = [
    Test(
        "one order's JSON lines, in order, without platform lines or EMF documents",
        1,
        "follow",
        {"lines": LINES, "correlation_id": "c-1"},
        checks.returns(
            [
                {
                    "level": "INFO",
                    "message": "order placed",
                    "function_request_id": "1f0c",
                    "correlation_id": "c-1",
                },
                {
                    "level": "INFO",
                    "message": "payment charged",
                    "function_request_id": "9ab2",
                    "correlation_id": "c-1",
                },
            ]
        ),
    ),
    Test(
        "an id no line carries gives an empty list",
        1,
        "follow",
        {"lines": LINES, "correlation_id": "c-9"},
        checks.returns([]),
    ),
    Test(
        "an EMF document with two metrics under the service dimension",
        2,
        "emf",
        {
            "namespace": "Shop",
            "metrics": {"OrdersPlaced": 1, "OrdersShipped": 2.5},
            "dimensions": {"service": "orders"},
            "timestamp_ms": 1_700_000_000_000,
        },
        checks.returns(
            {
                "_aws": {
                    "Timestamp": 1_700_000_000_000,
                    "CloudWatchMetrics": [
                        {
                            "Namespace": "Shop",
                            "Dimensions": [["service"]],
                            "Metrics": [
                                {"Name": "OrdersPlaced", "Unit": "Count"},
                                {"Name": "OrdersShipped", "Unit": "Count"},
                            ],
                        }
                    ],
                },
                "service": "orders",
                "OrdersPlaced": 1,
                "OrdersShipped": 2.5,
            }
        ),
    ),
    Test(
        "ASCII lines: their length plus 26 bytes each",
        3,
        "billed",
        {"lines": ["START RequestId: 1f0c Version: $LATEST", '{"level":"INFO"}']},
        checks.returns(38 + 26 + 16 + 26),
    ),
]
