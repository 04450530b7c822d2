"""Public tests of the scheduled-webhook exercise: `python -m exercises check scheduled-webhook` runs them."""

from exercises.grader.model import Test

from . import checks

NOW = 1_800_000_000

TESTS = [
    Test(
        "a JSON body signed with its timestamp",
        1,
        "signature",
        {"secret": "whsec_test", "timestamp": 1_700_000_000, "body": '{"id":"evt_1"}'},
        checks.signed("v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925"),
    ),
    Test(
        "an empty body at timestamp 0",
        1,
        "signature",
        {"secret": "k", "timestamp": 0, "body": ""},
        checks.signed("v1=6b4a4b8b3c40f1e8f53a3d36682e5f99f7ad2ac1df1c93dfe336f329167641e7"),
    ),
    Test(
        "a genuine request is accepted (202) and its id remembered",
        2,
        "requests",
        {"specs": [{"now": NOW}], "seen": []},
        checks.statuses([202], ["evt_1"]),
    ),
    Test(
        "a request signed with another key is refused (401), nothing remembered",
        2,
        "requests",
        {"specs": [{"now": NOW, "key": "wrong"}], "seen": []},
        checks.statuses([401], []),
    ),
    Test(
        "the same request twice: accepted, then refused as a replay (400)",
        2,
        "requests",
        {"specs": [{"now": NOW}, {"now": NOW, "timestamp": NOW}], "seen": []},
        checks.statuses([202, 400], ["evt_1"]),
    ),
]
