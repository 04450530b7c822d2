"""Hidden tests of the idempotency exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks
from ..tests_public import OTHER, H, record

TESTS = [
    Test(
        "an in-progress record whose lock ran out (exactly now): run",
        1,
        "decide",
        {"existing": record("IN_PROGRESS", lock=100.0), "digest": OTHER, "now": 100.0},
        checks.decision("run"),
    ),
    Test(
        "a held lock, the same payload: in-progress",
        1,
        "decide",
        {"existing": record("IN_PROGRESS", lock=110.0), "digest": H, "now": 109.0},
        checks.decision("in-progress"),
    ),
    Test(
        "a completed record that expired (exactly now): run",
        1,
        "decide",
        {"existing": record("COMPLETED", expires_at=100.0), "digest": H, "now": 100.0},
        checks.decision("run"),
    ),
    Test(
        "a crash leaves the lock: 409 before it runs out, the work again after",
        2,
        "scenario",
        {
            "steps": [
                {"amount": 1999, "now": 100.0, "work": "crash"},
                {"amount": 1999, "now": 105.0, "work": "ok"},
                {"amount": 1999, "now": 110.0, "work": "ok"},
            ]
        },
        checks.scenario(
            ["crashed", {"status": 409}, {"status": 200, "result": {"charge": 2}}], [1999, 1999], "COMPLETED"
        ),
    ),
    Test(
        "work that fails cleanly re-raises and frees the key at once",
        2,
        "scenario",
        {"steps": [{"amount": 5, "now": 100.0, "work": "fail"}, {"amount": 5, "now": 100.0, "work": "ok"}]},
        checks.scenario(["raised ValueError", {"status": 200, "result": {"charge": 2}}], [5, 5], "COMPLETED"),
    ),
    Test(
        "the same key with another amount is refused and charges nothing",
        2,
        "scenario",
        {"steps": [{"amount": 1999, "now": 100.0, "work": "ok"}, {"amount": 1, "now": 200.0, "work": "ok"}]},
        checks.scenario([{"status": 200, "result": {"charge": 1}}, {"status": 422}], [1999], "COMPLETED"),
    ),
    Test(
        "a completed record lasts expires_after_s: the key runs again when it ran out",
        2,
        "scenario",
        {
            "steps": [
                {"amount": 7, "now": 100.0, "work": "ok"},
                {"amount": 7, "now": 3699.0, "work": "ok"},
                {"amount": 7, "now": 3700.0, "work": "ok"},
            ]
        },
        checks.scenario(
            [
                {"status": 200, "result": {"charge": 1}},
                {"status": 200, "result": {"charge": 1}},
                {"status": 200, "result": {"charge": 2}},
            ],
            [7, 7],
            "COMPLETED",
        ),
    ),
]
