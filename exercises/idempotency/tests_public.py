"""Public tests of the idempotency exercise: run them with ``python -m exercises check idempotency``."""

from exercises.grader.model import Test

from . import checks

H = "a" * 64
OTHER = "b" * 64


def record(
    status: str, *, digest: str = H, expires_at: float = 5000.0, lock: float | None = 110.0
) -> dict[str, object]:
    result = {"charge": 1} if status == "COMPLETED" else None
    return {
        "status": status,
        "payload_hash": digest,
        "expires_at": expires_at,
        "in_progress_until": lock if status == "IN_PROGRESS" else None,
        "result": result,
    }


TESTS = [
    Test(
        "no record: run", 1, "decide", {"existing": None, "digest": H, "now": 100.0}, checks.decision("run")
    ),
    Test(
        "a completed record, same payload: replay",
        1,
        "decide",
        {"existing": record("COMPLETED"), "digest": H, "now": 100.0},
        checks.decision("replay"),
    ),
    Test(
        "a held lock, another payload: mismatch",
        1,
        "decide",
        {"existing": record("IN_PROGRESS"), "digest": OTHER, "now": 100.0},
        checks.decision("mismatch"),
    ),
    Test(
        "a request and its duplicate: one charge, the same answer twice",
        2,
        "scenario",
        {
            "steps": [
                {"amount": 1999, "now": 100.0, "work": "ok"},
                {"amount": 1999, "now": 101.0, "work": "ok"},
            ]
        },
        checks.scenario(
            [{"status": 200, "result": {"charge": 1}}, {"status": 200, "result": {"charge": 1}}],
            [1999],
            "COMPLETED",
        ),
    ),
    Test(
        "a duplicate arriving while the work runs is told 409",
        2,
        "scenario",
        {"steps": [{"amount": 1999, "now": 100.0, "work": "duplicate"}]},
        checks.scenario([{"status": 409}, {"status": 200, "result": {"charge": 1}}], [1999], "COMPLETED"),
    ),
]
