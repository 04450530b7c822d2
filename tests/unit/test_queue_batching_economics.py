"""Unit tests of the pipeline's config and books, the cost arithmetic, the model and the seed checks."""

from __future__ import annotations

import pytest

from patterns.lab import pricing
from patterns.lab.exceptions import ConfigurationError
from patterns.lab.sources import SqsMappingStats
from patterns.queue_batching.economics import (
    check_seed_002_memory_table,
    fit_line,
    fit_model,
    run_cost_per_million,
    savings_breakdown,
)
from patterns.queue_batching.exceptions import AccountingError
from patterns.queue_batching.pipeline import PipelineConfig, PipelineRun, poison_positions
from patterns.queue_batching.service import Effect, WorkModel

pytestmark = pytest.mark.unit


def fake_run(
    batch: int,
    *,
    messages: int = 100,
    config: PipelineConfig | None = None,
    applied: int | None = None,
    dead: tuple[str, ...] = (),
    poison: frozenset[str] = frozenset(),
    cold_starts: int = 0,
) -> PipelineRun:
    """A run of ``messages`` in full batches of ``batch``: sends and receives of 10, a delete per batch."""
    sizes = tuple([batch] * (messages // batch))
    stats = SqsMappingStats(
        receives=messages // 10,
        empty_receives=0,
        messages_received=messages,
        batches=len(sizes),
        invocations=len(sizes),
        failed_invocations=0,
        throttles=0,
        messages_delivered=messages,
        batch_sizes=sizes,
        deletes=messages,
        delete_calls=len(sizes),
        messages_returned=0,
        lab_only_calls=0,
    )
    ids = tuple(f"m{i}" for i in range(messages))
    count = messages if applied is None else applied
    effects = tuple(Effect(f"m{i}", f"o{i}", 100, 0.0, "r", batch) for i in range(count))
    return PipelineRun(
        config=config or PipelineConfig(batch_size=min(batch, 10)),
        function_name="f",
        sent=ids,
        poison=poison,
        effects=effects,
        repeats_refused=0,
        dead_lettered=dead,
        stats=stats,
        sqs_calls={},
        sqs_billed={
            "SendMessageBatch": messages // 10,
            "ReceiveMessage": messages // 10,
            "DeleteMessageBatch": len(sizes),
        },
        empty_receives=3,
        cold_starts=cold_starts,
        latencies_s=tuple(float(i) for i in range(1, 101)),
        measured_handler_ms=1.0,
        virtual_seconds=1.0,
    )


def test_a_run_is_priced_from_its_counts_per_million_messages() -> None:
    work = WorkModel(per_message_ms=5, per_invocation_ms=20, init_ms=100)
    run = fake_run(10, config=PipelineConfig(batch_size=10, work=work, memory_mb=256), cold_starts=2)
    cost = run_cost_per_million(run)
    scale = 1_000_000 / 100
    billed_ms = 10 * 70 + 2 * 100
    assert cost.lambda_requests == pytest.approx(pricing.lambda_request_cost(10) * scale)
    assert cost.lambda_duration == pytest.approx(
        pricing.lambda_duration_cost(pricing.gb_seconds(256, billed_ms)) * scale
    )
    assert cost.sqs_send == cost.sqs_receive == pytest.approx(pricing.sqs_cost(10) * scale)
    assert cost.sqs_delete == pytest.approx(pricing.sqs_cost(10) * scale)
    assert cost.total == pytest.approx(cost.lambda_total + cost.sqs_total)
    arm = run_cost_per_million(run, architecture="arm64")
    assert arm.lambda_duration < cost.lambda_duration
    assert arm.sqs_total == cost.sqs_total


def test_fit_line_recovers_an_exact_fixed_plus_per_batch_law() -> None:
    line = fit_line([(b, 0.1 + 2.0 / b) for b in (1, 2, 5, 10)])
    assert line.intercept == pytest.approx(0.1)
    assert line.slope == pytest.approx(2.0)
    assert line(1000) == pytest.approx(0.102)


def test_fit_line_needs_two_batch_sizes() -> None:
    with pytest.raises(ConfigurationError, match="two or more batch sizes"):
        fit_line([(10, 1.0), (10, 1.1)])


def test_the_fitted_model_passes_through_the_measured_points_and_extrapolates() -> None:
    work = WorkModel(per_message_ms=5, per_invocation_ms=20)
    runs = [fake_run(b, config=PipelineConfig(batch_size=min(b, 10), work=work)) for b in (1, 5, 10)]
    model = fit_model(runs)
    for run in runs:
        predicted = model.cost_per_million(run.mean_batch_size, work=work).total
        assert predicted == pytest.approx(run_cost_per_million(run).total, rel=1e-6)
    assert model.cost_per_million(10_000, work=work).total < model.cost_per_million(10, work=work).total


def test_savings_steps_add_up_to_the_whole_saving_in_any_order() -> None:
    work = WorkModel(per_message_ms=5, per_invocation_ms=20)
    unbatched = fake_run(1, config=PipelineConfig(batch_size=1, work=work))
    batched = fake_run(10, config=PipelineConfig(batch_size=10, work=work))
    forward = savings_breakdown(unbatched, batched, oversized_mb=1024, right_sized_mb=256)
    backward = savings_breakdown(
        unbatched, batched, oversized_mb=1024, right_sized_mb=256, order=("right-sizing", "arm64", "batching")
    )
    assert forward[-1].cost_per_million == pytest.approx(backward[-1].cost_per_million)
    assert sum(step.saved_percent_of_baseline for step in forward) == pytest.approx(
        forward[-1].cumulative_percent
    )
    assert forward[1].saved_percent_of_baseline != pytest.approx(backward[3].saved_percent_of_baseline)
    with pytest.raises(ConfigurationError, match="permutation"):
        savings_breakdown(unbatched, batched, oversized_mb=1024, right_sized_mb=256, order=("batching",))


def test_seed_002_table_holds_only_per_thousand_invocations_without_request_charges() -> None:
    slow, fast, cpu_bound = check_seed_002_memory_table()
    assert (slow.memory_mb, slow.duration_ms, fast.memory_mb, fast.duration_ms) == (128, 1000, 512, 200)
    assert round(slow.duration_usd, 4) == slow.seed_usd
    assert round(fast.duration_usd, 4) == fast.seed_usd
    assert slow.requests_usd == pytest.approx(pricing.lambda_request_cost(1000))
    assert slow.seed_usd is not None
    assert slow.total_usd > slow.seed_usd
    # 4x memory is 4x CPU at most: a CPU-bound 1000 ms job takes 250 ms and costs exactly the same.
    assert cpu_bound.total_usd == pytest.approx(slow.total_usd)


def test_poison_positions_spread_the_failure_rate_evenly() -> None:
    assert poison_positions(100, 0.0) == frozenset()
    assert poison_positions(100, 0.02) == {24, 74}
    assert len(poison_positions(200, 0.25)) == 50
    assert poison_positions(5, 1.0) == set(range(5))


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"messages": 0}, "messages must be 1-5,000"),
        ({"failure_rate": 1.5}, "failure_rate must be 0-1, got 1.5"),
        ({"max_receive_count": 0}, "max_receive_count"),
        ({"message_bytes": 200_000}, "message_bytes must be 1-104,857"),
        ({"producer_batch": 11}, "producer_batch must be 1-10, got 11"),
        ({"batch_size": 10_000, "timeout_s": 3.0}, "runs 50,020 ms by the work model"),
    ],
)
def test_pipeline_config_refuses_what_the_run_cannot_do(settings: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigurationError, match=expected):
        PipelineConfig(**settings)  # type: ignore[arg-type]


def test_the_books_balance_for_a_clean_run() -> None:
    run = fake_run(10)
    run.check_accounting()
    assert run.lost == frozenset()
    assert run.latency_percentile(50) == 50.0
    assert run.latency_percentile(99) == 99.0


def test_the_books_catch_a_lost_message_and_an_applied_poison() -> None:
    lost = fake_run(10, applied=98, dead=("m98",))
    with pytest.raises(AccountingError, match=r"1 message\(s\) lost: \['m99'\]"):
        lost.check_accounting()
    poisoned = fake_run(10, poison=frozenset({"m3"}))
    with pytest.raises(AccountingError, match=r"1 poison message\(s\) applied.*not in the DLQ"):
        poisoned.check_accounting()
