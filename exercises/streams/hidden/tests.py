"""Hidden tests of the streams exercise: one per rule of the README (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

ORDERS = [["alice", 100], ["bob", 250], ["alice", 50], ["carol", 75], ["bob", 5]]

TESTS = [
    Test(
        "rule 1-2: the first record fails: nothing after it is processed",
        1,
        "respond",
        {"orders": ORDERS, "failing": [0, 3]},
        checks.responded("1000", ["1000"]),
    ),
    Test(
        "rule 2: two failing records: only the first is reported",
        1,
        "respond",
        {"orders": ORDERS, "failing": [2, 4]},
        checks.responded("1002", ["1000", "1001", "1002"]),
    ),
    Test(
        "rule 3: an empty batch reports no failure",
        1,
        "respond",
        {"orders": [], "failing": []},
        checks.responded(None, []),
    ),
    Test(
        "rule 4: a window's first invocation has no state",
        2,
        "window",
        {"state": None, "orders": ORDERS},
        checks.windowed(5, {"alice": 150, "bob": 255, "carol": 75}),
    ),
    Test(
        "rule 4-5: an empty state starts from zero",
        2,
        "window",
        {"state": {}, "orders": [["dave", 1]]},
        checks.windowed(1, {"dave": 1}),
    ),
    Test(
        "rule 6: the final invocation returns the state unchanged",
        2,
        "window",
        {"state": {"orders": 3, "amount_cents": {"alice": 7}}, "orders": [], "final": True},
        checks.windowed(3, {"alice": 7}),
    ),
    Test(
        "rule 7: 1 MiB/s and a byte more need 2 shards",
        3,
        "shards",
        {"records_per_s": 1, "bytes_per_record": 1_048_577},
        checks.sharded(2),
    ),
    Test(
        "rule 7: nothing written still needs 1 shard",
        3,
        "shards",
        {"records_per_s": 0, "bytes_per_record": 0},
        checks.sharded(1),
    ),
]
