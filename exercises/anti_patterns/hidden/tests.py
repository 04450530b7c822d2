"""Hidden tests of the anti-patterns exercise: every rule of the README, edge cases (not shipped)."""

from exercises.grader.model import Test

from .. import checks

TESTS = [
    Test(
        "a chunk exactly at the budget is allowed",
        1,
        "chunks",
        {"records": 90, "per_record_ms": 10.0, "timeout_s": 1.0, "share": 0.3},
        checks.sizes([30, 30, 30]),
    ),
    Test(
        "no records, no chunks",
        1,
        "chunks",
        {"records": 0, "per_record_ms": 20.0, "timeout_s": 900.0, "share": 0.5},
        checks.sizes([]),
    ),
    Test(
        "a record longer than the budget is refused",
        1,
        "chunks",
        {"records": 5, "per_record_ms": 600.0, "timeout_s": 1.0, "share": 0.5},
        checks.refused("ValueError: not even one record fits share x timeout"),
    ),
    Test(
        "only keys under uploads/ are processed",
        2,
        "writes",
        {
            "records": [["photos", "thumbnails/cat.jpg"], ["photos", "uploads/2026/dog.png"]],
            "output_bucket": "thumbs",
        },
        checks.writes([{"bucket": "thumbs", "key": "thumbnails/dog.png"}]),
    ),
    Test(
        "records are written in order",
        2,
        "writes",
        {"records": [["a", "uploads/x.jpg"], ["b", "uploads/y.jpg"]], "output_bucket": "thumbs"},
        checks.writes(
            [{"bucket": "thumbs", "key": "thumbnails/x.jpg"}, {"bucket": "thumbs", "key": "thumbnails/y.jpg"}]
        ),
    ),
    Test(
        "any record from the output bucket is refused",
        2,
        "writes",
        {"records": [["a", "uploads/x.jpg"], ["thumbs", "other/y.jpg"]], "output_bucket": "thumbs"},
        checks.refused("ValueError: a record comes from the output bucket"),
    ),
    Test("one function waits for nobody", 3, "bill", {"own_ms": [25.0]}, checks.billed(25.0, 0.0)),
    Test("an empty chain bills nothing", 3, "bill", {"own_ms": []}, checks.billed(0.0, 0.0)),
    Test(
        "a chain of four",
        3,
        "bill",
        {"own_ms": [1.0, 2.0, 3.0, 4.0]},
        checks.billed(30.0, 20.0),
    ),
]
