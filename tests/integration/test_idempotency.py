"""Pattern 17 against moto, in ``sandbox.lambdas``: the same tests pass for the hand-built handler and
for Powertools' ``@idempotent``; seed 003's cache loses the race; crashes recover on the virtual clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patterns.idempotency.adapters import DynamoDbRecordStore
from patterns.idempotency.demo import (
    CACHE,
    FUNCTION_TIMEOUT_S,
    KEYED,
    IdempotencyLab,
    _concurrent,
    _crash,
    calls_per_request,
    code_size,
    idempotency_lab,
    payment,
)
from patterns.idempotency.service import CRASH_POINTS
from patterns.lab.sandbox import Sandbox
from patterns.lab.ttl import ttl_sweeper


@pytest.fixture
def lab(sandbox: Sandbox) -> Iterator[IdempotencyLab]:
    with idempotency_lab(sandbox, "it") as deployed:
        yield deployed


@pytest.mark.parametrize("implementation", KEYED)
def test_a_duplicate_replays_and_another_payload_is_refused(lab: IdempotencyLab, implementation: str) -> None:
    first = lab.invoke(implementation, payment("k-dup"))
    assert first["status"] == 200
    assert lab.invoke(implementation, payment("k-dup")) == first
    assert lab.invoke(implementation, payment("k-dup", amount_cents=1)) == {
        "status": 422,
        "error": "payload-mismatch",
    }
    assert lab.charges("k-dup") == 1


@pytest.mark.parametrize("implementation", KEYED)
def test_a_bad_request_is_answered_400_without_a_record(lab: IdempotencyLab, implementation: str) -> None:
    answer = lab.invoke(implementation, {"order_id": "o-1", "amount_cents": 5})
    assert answer["status"] == 400
    assert "idempotency_key" in answer["error"]
    scan = lab.sandbox.client("dynamodb").scan(TableName=lab.table_for(implementation))
    assert scan["Count"] == 0


@pytest.mark.parametrize("implementation", KEYED)
def test_concurrent_duplicates_run_the_work_exactly_once(lab: IdempotencyLab, implementation: str) -> None:
    run = _concurrent(lab, implementation, 6)
    assert run.stalled is None
    assert run.held == 5
    assert run.statuses == {"200": 1, "409": 5}
    assert run.charges == 1
    assert run.answers_after == {"200": 1}


def test_seed_003_cache_charges_every_concurrent_duplicate(lab: IdempotencyLab) -> None:
    run = _concurrent(lab, CACHE, 6)
    assert run.stalled is None
    assert run.statuses == {"200": 6}
    assert run.charges == 6


@pytest.mark.parametrize("implementation", KEYED)
@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_crash_recovers_after_the_function_timeout(
    lab: IdempotencyLab, implementation: str, point: str
) -> None:
    run = _crash(lab, implementation, point)
    assert run.crashed == "crashed"
    lock_left = point in ("after-lock", "after-charge")
    assert run.retry_at_once == ("409" if lock_left else "200")
    assert run.retry_after_s > FUNCTION_TIMEOUT_S
    assert (run.retry_after_expiry, run.duplicate_after) == ("200", "200")
    assert run.charges == (2 if point == "after-charge" else 1)  # the limit: the effect ran, no record


def test_the_lock_lasts_the_function_timeout_and_the_record_is_ttl_swept(lab: IdempotencyLab) -> None:
    store = DynamoDbRecordStore(lab.tables["records"], lab.sandbox.client("dynamodb"))
    lab.deploy("hand-built", crash_at="after-lock")
    started = lab.sandbox.clock.timestamp()
    lab.invoke("hand-built", payment("k-ttl"))
    record = store.get("k-ttl")
    assert record is not None
    assert record.status == "IN_PROGRESS"
    assert record.in_progress_until is not None
    assert started + FUNCTION_TIMEOUT_S - 1 < record.in_progress_until <= started + FUNCTION_TIMEOUT_S
    lab.deploy("hand-built")
    assert lab.invoke("hand-built", payment("k-ttl"))["status"] == 409
    sweeper = ttl_sweeper(lab.sandbox, lab.tables["records"], "expires_at", interval_s=600)
    lab.sandbox.advance(3600 + 600)
    assert store.get("k-ttl") is None
    assert sum(s.deleted for s in sweeper.sweeps) == 1
    assert lab.invoke("hand-built", payment("k-ttl"))["status"] == 200


def test_both_make_the_same_requests_and_the_cache_makes_fewer(sandbox: Sandbox) -> None:
    rows = {row.implementation: row for row in calls_per_request(sandbox)}
    for implementation in KEYED:
        assert rows[implementation].first == {"PutItem": 1, "UpdateItem": 1}
        assert rows[implementation].duplicate == {"PutItem": 1}  # the refusal carries the old record
        assert rows[implementation].mismatch_status == 422
    assert rows[CACHE].first == {"GetItem": 1, "PutItem": 1}
    assert rows[CACHE].mismatch_status == 200  # the old answer for a different payment
    assert rows[KEYED[0]].usd_per_million(0.0) > rows[CACHE].usd_per_million(0.0) > 0
    sizes = code_size()
    assert sizes[KEYED[0]] > sizes[KEYED[1]] > 0


@pytest.mark.filterwarnings("ignore:Disabling idempotency")
def test_powertools_idempotency_can_be_disabled_per_function(lab: IdempotencyLab) -> None:
    """Powertools reads POWERTOOLS_IDEMPOTENCY_DISABLED from the function's own environment."""
    name = lab.function("powertools")
    lab.sandbox.lambdas.deploy(
        name,
        "patterns.idempotency.handlers.pay_powertools",
        environment={**lab.environment(), "POWERTOOLS_IDEMPOTENCY_DISABLED": "true"},
        timeout_s=FUNCTION_TIMEOUT_S,
    )
    lab.invoke("powertools", payment("k-off"))
    lab.invoke("powertools", payment("k-off"))
    assert lab.charges("k-off") == 2
    lab.deploy("powertools")  # the other environments never saw the variable
    lab.invoke("powertools", payment("k-on"))
    lab.invoke("powertools", payment("k-on"))
    assert lab.charges("k-on") == 1


@pytest.mark.parametrize("implementation", KEYED)
def test_a_clean_failure_frees_the_key_at_once(lab: IdempotencyLab, implementation: str) -> None:
    """The charge fails with an ordinary exception (the ledger table is missing): the record is deleted,
    so a retry runs at once, without waiting for the lock to run out."""
    name = lab.function(implementation)
    handler = lab.sandbox.lambdas.function(name).config.handler
    broken = {**lab.environment(), "LEDGER_TABLE": "no-such-table"}
    lab.sandbox.lambdas.deploy(name, handler, environment=broken, timeout_s=FUNCTION_TIMEOUT_S)
    failed = lab.invoke(implementation, payment("k-fail"))
    assert failed["status"] == "error"
    assert failed["payload"]["errorType"] == "ResourceNotFoundException"
    assert lab.sandbox.client("dynamodb").scan(TableName=lab.table_for(implementation))["Count"] == 0
    lab.deploy(implementation)
    assert lab.invoke(implementation, payment("k-fail"))["status"] == 200
    assert lab.charges("k-fail") == 1


@pytest.mark.parametrize("implementation", KEYED)
def test_property_on_moto_a_few_schedules(sandbox: Sandbox, implementation: str) -> None:
    """The unit property (tests/unit/test_idempotency_service.py), a few examples against moto: each
    step sends 1 or 3 copies at once (the race gate holds them after their conditional write), with the
    function set to crash at a point or not, after 0 s or more than the lock's time."""
    keys = iter(range(1_000))
    with idempotency_lab(sandbox, f"prop-{implementation[:4]}") as lab:

        @settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(
            st.lists(
                st.tuples(
                    st.sampled_from([None, *CRASH_POINTS]),
                    st.sampled_from([0.0, FUNCTION_TIMEOUT_S + 1]),
                    st.sampled_from([1, 3]),
                ),
                min_size=1,
                max_size=3,
            )
        )
        def check(schedule: list[tuple[str | None, float, int]]) -> None:
            key = f"p-{next(keys)}"
            answers = []
            for crash, wait, copies in schedule:
                lab.sandbox.advance(wait)
                lab.deploy(implementation, crash_at=crash)
                together, report = lab.invoke_together(implementation, payment(key), copies)
                assert report.stalled is None
                answers += together
            lab.deploy(implementation)
            lab.sandbox.advance(FUNCTION_TIMEOUT_S + 1)
            final = lab.invoke(implementation, payment(key))
            assert final["status"] == 200
            assert all(a == final for a in answers if a["status"] == 200)
            died_after_charging = sum(a == {"status": "crashed", "point": "after-charge"} for a in answers)
            assert lab.charges(key) == 1 + died_after_charging

        check()


def test_powertools_reads_the_virtual_clock_only_inside_the_context(sandbox: Sandbox) -> None:
    from aws_lambda_powertools.utilities.idempotency.persistence import base, dynamodb

    from patterns.idempotency.adapters import lab_now, powertools_on_clock

    real = getattr(dynamodb, "dt")  # noqa: B009 - the module Powertools imported as ``dt``
    sandbox.advance(86_400)
    with powertools_on_clock(sandbox.clock):
        shim = getattr(base, "dt")  # noqa: B009
        assert abs(shim.datetime.now().timestamp() - sandbox.clock.timestamp()) < 1e-3
        assert shim.timedelta is real.timedelta  # everything else is the real module's
    assert getattr(dynamodb, "dt") is real  # noqa: B009
    assert abs(real.datetime.now().timestamp() - sandbox.clock.timestamp()) > 3600
    assert lab_now() == sandbox.clock.timestamp()
