"""Public tests of the anti-patterns exercise: run them with ``python -m exercises check anti-patterns``."""

from exercises.grader.model import Test

from . import checks

TESTS = [
    Test(
        "1,200 s of work fits 450 s chunks",
        1,
        "chunks",
        {"records": 60_000, "per_record_ms": 20.0, "timeout_s": 900.0, "share": 0.5},
        checks.sizes([22_500, 22_500, 15_000]),
    ),
    Test(
        "a job that fits is one chunk",
        1,
        "chunks",
        {"records": 100, "per_record_ms": 20.0, "timeout_s": 900.0, "share": 0.5},
        checks.sizes([100]),
    ),
    Test(
        "an upload gets its thumbnail in the output bucket",
        2,
        "writes",
        {"records": [["photos", "uploads/cat.jpg"]], "output_bucket": "thumbs"},
        checks.writes([{"bucket": "thumbs", "key": "thumbnails/cat.jpg"}]),
    ),
    Test(
        "writing to the triggering bucket is refused",
        2,
        "writes",
        {"records": [["photos", "uploads/cat.jpg"]], "output_bucket": "photos"},
        checks.refused("ValueError: the output bucket is the bucket that triggers the function"),
    ),
    Test(
        "a chain of three",
        3,
        "bill",
        {"own_ms": [10.0, 20.0, 30.0]},
        checks.billed(140.0, 80.0),
    ),
]
