"""Pattern 18 against moto, in ``sandbox.lambdas``: the shared breaker's conditional writes, exactly one
probe among concurrent requests (the race gate), an outage run with nothing lost, and the three
variants (plus Powertools) compared on one scenario."""

from __future__ import annotations

import pytest

from patterns.circuit_breaker.adapters import DynamoDbBreakerStore, create_table
from patterns.circuit_breaker.demo import (
    LOCAL,
    NONE,
    POWERTOOLS,
    SHARED,
    OutageRun,
    Scenario,
    compare,
    probe_race,
    summary_rows,
)
from patterns.circuit_breaker.service import (
    CLOSED,
    HALF_OPEN,
    OPEN,
    UNAVAILABLE,
    BreakerPolicy,
    BreakerState,
    CircuitBreaker,
)
from patterns.lab.faults import THROTTLING, inject, virtual_sleeps
from patterns.lab.sandbox import Sandbox

pytestmark = pytest.mark.integration

SHORT = Scenario(outage_start_s=10.0, outage_s=30.0, tail_s=20.0, interval_s=0.5, environments=3)


def test_the_dynamodb_store_writes_only_on_the_version_it_read(sandbox: Sandbox) -> None:
    dynamodb = sandbox.client("dynamodb")
    create_table("cb-store", client=dynamodb)
    one, other = (
        DynamoDbBreakerStore("cb-store", "x", dynamodb),
        DynamoDbBreakerStore("cb-store", "x", dynamodb),
    )
    assert one.load() == BreakerState()
    opened = BreakerState(OPEN, 1, window_start=5.0, calls=4, failures=4, opened_at=5.0)
    assert one.save(opened, 0)
    assert not other.save(BreakerState(CLOSED, 1), 0)  # read version 0 too: refused
    assert other.load() == opened
    probing = BreakerState(
        HALF_OPEN, 2, window_start=5.0, calls=4, failures=4, opened_at=5.0, probe_until=25.5
    )
    assert other.save(probing, 1)
    assert one.load() == probing
    assert (one.reads, one.writes, other.reads, other.writes) == (2, 1, 1, 2)


def test_concurrent_requests_after_the_open_period_send_exactly_one_probe(sandbox: Sandbox) -> None:
    race = probe_race(sandbox, requests=5)
    assert race.stalled is None
    assert (race.probes, race.fallbacks, race.provider_calls, race.state_after) == (1, 4, 1, OPEN)


@pytest.fixture(scope="module")
def runs() -> dict[str, OutageRun]:
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        return {run.variant: run for run in compare(sandbox, SHORT)}


def test_every_request_is_answered_once_and_nothing_is_lost(runs: dict[str, OutageRun]) -> None:
    for run in runs.values():
        assert [row.at_s for row in run.rows] == SHORT.arrivals()
        assert {row.status for row in run.rows} <= {200, 503, 504}
        outage = SHORT.outage
        for row in run.rows:
            assert (row.status == 504) == (row.reached_provider and outage.covers(row.at_s))
            assert (row.status == 503) == (row.decision == "fallback")
        reached_while_down = sum(1 for row in run.rows if row.status == 504)
        assert reached_while_down == run.calls_to_dead_provider
        assert run.waited_on_timeouts_s == pytest.approx(reached_while_down * SHORT.timeout_s)


def test_requests_are_spread_over_every_environment(runs: dict[str, OutageRun]) -> None:
    for run in runs.values():
        assert {row.environment for row in run.rows} == {1, 2, 3}
        assert [row.environment for row in run.rows[:6]] == [1, 2, 3, 1, 2, 3]


def test_no_breaker_sends_every_outage_request_to_the_dead_provider(runs: dict[str, OutageRun]) -> None:
    run = runs[NONE]
    assert run.calls_to_dead_provider == len(run.during_outage()) == 60
    assert run.latency_ms(0.5) == 2002.0


def test_per_environment_breakers_each_trip_and_each_probe(runs: dict[str, OutageRun]) -> None:
    local, shared = runs[LOCAL], runs[SHARED]
    # a call whose failure opened the breaker: one per environment with its own, one in all with a shared one
    local_trips = [row for row in local.rows if row.decision == "call" and row.breaker == OPEN]
    shared_trips = [row for row in shared.rows if row.decision == "call" and row.breaker == OPEN]
    assert sorted(row.environment for row in local_trips) == [1, 2, 3]
    assert len(shared_trips) == 1
    local_failed = sum(1 for row in local.rows if row.status == 504 and row.decision == "call")
    shared_failed = sum(1 for row in shared.rows if row.status == 504 and row.decision == "call")
    assert shared_failed < local_failed
    assert shared.calls_to_dead_provider < local.calls_to_dead_provider < runs[NONE].calls_to_dead_provider
    assert shared.gb_seconds < local.gb_seconds < runs[NONE].gb_seconds
    local_probes = sum(1 for row in local.rows if row.decision == "probe")
    shared_probes = sum(1 for row in shared.rows if row.decision == "probe")
    assert local_probes > shared_probes >= 2  # a failed probe during the outage, then the one that closes


def test_the_shared_breaker_is_one_state_and_recovers(runs: dict[str, OutageRun]) -> None:
    shared = runs[SHARED]
    after = [row for row in shared.rows if row.at_s >= SHORT.outage.end_s + SHORT.policy.open_for_s]
    assert after
    assert all(row.status == 200 and row.breaker == CLOSED for row in after)
    opened_at = next(row.at_s for row in shared.rows if row.breaker == OPEN)
    probes = [row.at_s for row in shared.rows if row.decision == "probe"]
    assert probes[0] == opened_at + SHORT.policy.open_for_s
    assert all(row.state_reads >= 1 for row in shared.rows)
    assert sum(row.state_reads + row.state_writes for row in runs[LOCAL].rows) == 0


def test_powertools_runs_the_same_scenario_and_recovers(runs: dict[str, OutageRun]) -> None:
    run = runs[POWERTOOLS]
    assert (
        runs[SHARED].calls_to_dead_provider < run.calls_to_dead_provider < runs[NONE].calls_to_dead_provider
    )
    assert any(row.decision == "fallback" for row in run.rows)
    assert run.rows[-1].status == 200
    rows = {row["variant"]: row for row in summary_rows(list(runs.values()))}
    assert rows["no breaker"]["fallbacks"] == 0
    assert rows["shared breaker (DynamoDB)"]["DynamoDB USD"] > 0


def test_a_wrong_request_is_refused_before_the_breaker(sandbox: Sandbox) -> None:
    sandbox.deploy(
        "cb-bad",
        "patterns.circuit_breaker.handlers.charge",
        environment={"BREAKER": "none", "PROVIDER": "none"},
    )
    answer = sandbox.lambdas.invoke("cb-bad", {"order_id": "", "amount_cents": True}).payload
    assert answer["status"] == 400


def test_a_lower_failure_rate_opens_after_fewer_failures(
    sandbox: Sandbox, runs: dict[str, OutageRun]
) -> None:
    tight = Scenario(**{**SHORT.__dict__, "policy": BreakerPolicy(min_calls=2, failure_rate=0.2)})
    [run] = compare(sandbox, tight, [SHARED])
    failed = sum(1 for row in run.rows if row.status == 504 and row.decision == "call")
    assert failed < sum(1 for row in runs[SHARED].rows if row.status == 504 and row.decision == "call")


def test_a_throttled_breaker_table_fails_open_and_the_call_still_happens(sandbox: Sandbox) -> None:
    dynamodb = sandbox.client("dynamodb")
    create_table("cb-throttled", client=dynamodb)
    store = DynamoDbBreakerStore("cb-throttled", "x", dynamodb)
    breaker = CircuitBreaker(store, BreakerPolicy())
    calls: list[float] = []

    def charge() -> tuple[bool, str]:
        calls.append(1.0)
        return True, "charged"

    with virtual_sleeps() as waits, inject(dynamodb, "GetItem", [THROTTLING] * 20) as faults:
        outcome = breaker.call(1.0, charge, lambda _: "fallback")
    assert (outcome.decision, outcome.value, outcome.state_after) == ("fail-open", "charged", UNAVAILABLE)
    assert calls == [1.0]
    assert faults.answered == ["ThrottlingException"] * faults.attempts  # every attempt botocore made
    assert len(waits.sleeps) == faults.attempts - 1  # its retry waits, virtual
    assert breaker.call(2.0, charge, lambda _: "fallback").decision == "call"  # the table is back
