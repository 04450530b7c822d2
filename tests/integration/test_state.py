"""The state pattern against moto and a real PostgreSQL: every outcome here is deterministic (virtual
clock, spread routing, requests in sequence)."""

import pytest

from patterns.lab.databases import APP_USER, postgres_server
from patterns.state.demo import (
    NEW_PRICE,
    count_visits,
    duplicate_charges,
    run_cache,
    session_timeline,
    setup,
)

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("postgres")]


@pytest.fixture
def tables(sandbox):
    return setup(sandbox)


def test_an_expired_session_is_read_until_the_sweep_unless_reads_filter_it(sandbox, tables):
    timeline = session_timeline(sandbox, tables)
    filtered = [row["filtering on read"] for row in timeline.rows]
    trusting = [row["trusting TTL"] for row in timeline.rows]
    in_table = [row["item still in the table"] for row in timeline.rows]
    assert filtered == [200, 200, 404, 404, 404]
    assert trusting == [200, 200, 200, 200, 404]  # the stale reads: expired, not yet deleted
    assert in_table == [True, True, True, True, False]
    assert timeline.sweeps == 1


def test_an_in_memory_counter_counts_per_environment_and_dynamodb_counts_all(sandbox, tables):
    run = count_visits(sandbox, tables, requests=40, environments=4)
    assert sorted(run.in_memory_per_environment.values()) == [10, 10, 10, 10]
    assert run.in_memory_last_answer == 10
    assert (run.dynamodb_last_answer, run.dynamodb_stored) == (40, 40)


def test_a_cache_serves_the_old_price_until_its_entry_expires(sandbox, tables):
    run = run_cache(sandbox, tables, ttl_s=20, environments=2, interval_s=1, duration_s=80, update_at=30)
    assert run.hit_rate > 0.85
    assert 0 < run.max_staleness_s < 20  # never longer than the TTL
    assert all(0 <= delay < 20 for delay in run.staleness_by_environment.values())
    assert all(r["price"] == NEW_PRICE for r in run.requests if r["at"] >= 30 + 20)


def test_without_a_cache_no_answer_is_stale(sandbox, tables):
    run = run_cache(sandbox, tables, ttl_s=0, environments=2, interval_s=1, duration_s=40, update_at=20)
    assert (run.hit_rate, run.stale_requests, run.max_staleness_s) == (0.0, 0, 0.0)


def test_a_per_environment_dedup_set_charges_twice_and_a_conditional_write_once(sandbox, tables):
    assert duplicate_charges(sandbox, tables) == {"seeds' in-memory set": 2, "conditional write": 1}


def test_environments_that_keep_connections_are_refused_beyond_max_connections(sandbox):
    with postgres_server(max_connections=2) as server:
        sandbox.deploy(
            "reuse",
            "patterns.state.handlers.query_reused_connection",
            provisioned_concurrency=3,
            routing="spread",
            environment={"DB_SOCKET": server.socket, "DB_USER": APP_USER},
        )
        results = [sandbox.lambdas.invoke("reuse", {}).payload for _ in range(6)]
        assert [r["refused"] for r in results] == [False, False, True, False, False, True]
        assert sum(r["opened"] for r in results) == 2
        assert server.application_connections() == 2


def test_connecting_per_call_leaves_no_connection_behind(sandbox):
    with postgres_server(max_connections=2) as server:
        sandbox.deploy(
            "per-call",
            "patterns.state.handlers.query_connect_per_call",
            provisioned_concurrency=3,
            routing="spread",
            environment={"DB_SOCKET": server.socket, "DB_USER": APP_USER},
        )
        results = [sandbox.lambdas.invoke("per-call", {}).payload for _ in range(6)]
        assert all(r["ok"] for r in results)
        assert sum(r["opened"] for r in results) == 6
        server.end_application_connections()
        assert server.application_connections() == 0
