"""Pattern 10 against moto: order per key, restarts, every poison setting's accounting (nothing lost
unaccounted), tumbling windows, lag against shards and ParallelizationFactor, DynamoDB Streams."""

from __future__ import annotations

import pytest

from patterns.lab.sandbox import Sandbox
from patterns.streams.demo import (
    POISON_CONFIGS,
    PoisonConfig,
    dynamodb_stream_run,
    lag_run,
    order_run,
    poison_run,
    restart_run,
    window_run,
)


def test_each_customer_stays_on_one_shard_and_in_order(sandbox: Sandbox) -> None:
    run = order_run(sandbox, shards=2, events=30, customers=6)
    customers = [c for names in run.customers_by_shard.values() for c in names]
    assert sorted(customers) == [f"customer-{i}" for i in range(6)], "each customer on exactly one shard"
    assert (run.applied, run.duplicates, run.order_violations) == (30, 0, 0)
    assert sum(run.batch_sizes) == 30


@pytest.mark.parametrize(
    ("restart", "deliveries", "duplicates", "lost"),
    [("checkpoint", 50, 10, 0), ("TRIM_HORIZON", 70, 30, 0), ("LATEST", 30, 0, 10)],
)
def test_a_restart_from_the_checkpoint_redelivers_only_the_batch_in_flight(
    sandbox: Sandbox, restart: str, deliveries: int, duplicates: int, lost: int
) -> None:
    run = restart_run(sandbox, restart, events=40, batch_size=10, lose_at=25)
    assert run.checkpoint_event == "evt-00019"
    assert (run.deliveries, run.duplicates, run.lost) == (deliveries, duplicates, lost)
    assert run.applied == 40 - lost


# (applied, waiting behind the poison at the end, good records given up on) for 30 records, poison 14
EXPECTED = {
    "defaults: retry until the record expires": (14, 20, 0),
    "MaximumRecordAgeInSeconds=60": (24, 0, 5),
    "BisectBatchOnFunctionError, MaximumRetryAttempts=2": (29, 0, 0),
    "ReportBatchItemFailures, MaximumRetryAttempts=2": (24, 0, 5),
    "both, MaximumRetryAttempts=2": (29, 0, 0),
    "both, Powertools BatchProcessor": (29, 0, 0),
}


@pytest.mark.parametrize("config", POISON_CONFIGS, ids=lambda c: c.label)
def test_every_record_is_applied_waiting_or_given_up_on(sandbox: Sandbox, config: PoisonConfig) -> None:
    run = poison_run(sandbox, config, events=30, poison_at=14, horizon_s=200)
    assert (run.applied, run.blocked_at_end, run.good_discarded) == EXPECTED[config.label]
    if run.blocked_at_end:
        assert run.max_age_s > 150, "the poison blocks its shard: the lag keeps growing"
        assert run.discarded == 0
        assert run.reprocessed > 0
    else:
        assert run.destination_messages >= 1
        assert run.max_age_s < 70
    if config.label == "both, MaximumRetryAttempts=2":
        assert run.duplicates == 0, "stopping at the first failure applies nothing twice"
    if config.handler == "process_orders_powertools":
        assert run.duplicates > 0, "BatchProcessor goes on past the poison: those records come again"


def test_tumbling_windows_count_every_order_once(sandbox: Sandbox) -> None:
    run = window_run(sandbox, window_s=20, events=60, per_second=2)
    assert [w["orders"] for w in run.windows] == list(run.produced_per_window)
    assert [sum(w["amount_cents"].values()) for w in run.windows] == list(run.amount_per_window)
    assert run.final_invocations == len(run.windows) >= 2


def test_more_shards_or_a_higher_parallelization_factor_cut_the_lag(sandbox: Sandbox) -> None:
    one = lag_run(sandbox, batch_size=1, shards=1, per_second=10, seconds=6)
    four = lag_run(sandbox, batch_size=1, shards=4, per_second=10, seconds=6)
    factor = lag_run(sandbox, batch_size=1, factor=4, per_second=10, seconds=6, check_order=True)
    bigger = lag_run(sandbox, batch_size=10, shards=1, per_second=10, seconds=6)
    assert one.max_lag_s > max(four.max_lag_s, factor.max_lag_s, bigger.max_lag_s)
    assert factor.order_violations == 0
    assert factor.processed == 60
    assert bigger.invocations < one.invocations
    assert bigger.lambda_monthly_usd < one.lambda_monthly_usd
    assert four.kinesis_monthly_usd > one.kinesis_monthly_usd


def test_a_tables_stream_is_consumed_in_order_per_item(sandbox: Sandbox) -> None:
    run = dynamodb_stream_run(sandbox, orders=3, updates=3)
    assert run.event_names == {"INSERT": 3, "MODIFY": 6, "REMOVE": 1}
    assert (run.records, run.applied, run.order_violations) == (10, 10, 0)
