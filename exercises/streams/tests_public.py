"""Public tests of the streams exercise: run them with ``python -m exercises check streams``."""

from exercises.grader.model import Test

from . import checks

ORDERS = [["alice", 100], ["bob", 250], ["alice", 50], ["carol", 75]]

TESTS = [
    Test(
        "a batch that succeeds reports no failure",
        1,
        "respond",
        {"orders": ORDERS, "failing": []},
        checks.responded(None, ["1000", "1001", "1002", "1003"]),
    ),
    Test(
        "the batch stops at the poison record and reports it",
        1,
        "respond",
        {"orders": ORDERS, "failing": [1]},
        checks.responded("1001", ["1000", "1001"]),
    ),
    Test(
        "a window's batch is added to the state it was handed",
        2,
        "window",
        {"state": {"orders": 2, "amount_cents": {"alice": 10}}, "orders": ORDERS},
        checks.windowed(6, {"alice": 160, "bob": 250, "carol": 75}),
    ),
    Test(
        "1,500 records/s of 100 bytes need 2 shards",
        3,
        "shards",
        {"records_per_s": 1500, "bytes_per_record": 100},
        checks.sharded(2),
    ),
]
