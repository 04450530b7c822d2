"""The pipeline: producer -> SQS (moto) -> the lab's SQS event source mapping -> a real handler.

:func:`run_pipeline` creates fresh resources (queue, DLQ with ``maxReceiveCount``, effects table), deploys
the handler, attaches the mapping, sends the messages on the virtual clock at a steady arrival rate, and
advances time until nothing is in flight. It counts every SQS request of the data path (the producer's
sends, the mapping's receives and deletes) and returns a :class:`PipelineRun` with the counts, the effects
the handler recorded, the dead-lettered messages and the latencies.

**Durations are modelled, not slept.** The local runtime measures a handler's real time, which here is
moto's; it has no way to add simulated work to a report. So the bill is computed from what was counted:
every invocation's batch size (the mapping's stats) and every cold start (the runtime's reports), billed
with the :class:`~patterns.queue_batching.service.WorkModel` and :mod:`patterns.lab.pricing`.
The batch size, window, FIFO and concurrency rules are the mapping's own (:func:`sqs_event_source`).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from patterns.lab import limits
from patterns.lab.exceptions import ConfigurationError
from patterns.lab.sandbox import Sandbox
from patterns.lab.sources import SqsMappingStats, sqs_event_source
from patterns.queue_batching.adapters import (
    BILLED_SQS_OPERATIONS,
    SqsRequestCounter,
    create_resources,
    drain_message_ids,
    effects_from_table,
)
from patterns.queue_batching.exceptions import AccountingError
from patterns.queue_batching.service import Effect, OrderMessage, WorkModel, order_body

__all__ = [
    "MAX_MESSAGES_PER_RUN",
    "Architecture",
    "PipelineConfig",
    "PipelineRun",
    "poison_positions",
    "run_pipeline",
]

Architecture = Literal["x86_64", "arm64"]
MAX_MESSAGES_PER_RUN = 5_000
"""moto's SQS slows down as a queue deepens; runs stay small and the fitted model extrapolates."""

_HANDLERS = {
    True: "patterns.queue_batching.handlers.process_orders",
    False: "patterns.queue_batching.handlers.process_orders_all_or_nothing",
}


@dataclass(frozen=True)
class PipelineConfig:
    """One run: the workload, the mapping's settings and the function's.

    ``failure_rate`` is the share of poison messages (spread evenly, deterministic). ``producer_batch``
    is how many messages the producer sends per call (1: SendMessage; 2-10: SendMessageBatch).
    """

    messages: int = 200
    arrival_rate_per_s: float = 100.0
    batch_size: int = limits.SQS_BATCH_SIZE_DEFAULT
    batching_window_s: int = 0
    report_batch_item_failures: bool = True
    failure_rate: float = 0.0
    max_receive_count: int = 3
    visibility_timeout_s: int = 180
    timeout_s: float = 30.0
    message_bytes: int = 256
    memory_mb: int = 128
    architecture: Architecture = "x86_64"
    work: WorkModel = field(default_factory=WorkModel)
    fifo: bool = False
    maximum_concurrency: int | None = None
    producer_batch: int = limits.SQS_SEND_BATCH_MAX

    def __post_init__(self) -> None:
        problems = []
        if not 1 <= self.messages <= MAX_MESSAGES_PER_RUN:
            problems.append(
                f"messages must be 1-{MAX_MESSAGES_PER_RUN:,} per run (extrapolate with the fitted model), "
                f"got {self.messages}"
            )
        if not self.arrival_rate_per_s > 0:
            problems.append(f"arrival_rate_per_s must be > 0, got {self.arrival_rate_per_s}")
        if not 0 <= self.failure_rate <= 1:
            problems.append(f"failure_rate must be 0-1, got {self.failure_rate}")
        if not 1 <= self.max_receive_count <= 1_000:
            problems.append(
                f"max_receive_count (the DLQ redrive policy) must be 1-1000, got {self.max_receive_count}"
            )
        if not 0 <= self.visibility_timeout_s <= limits.SQS_VISIBILITY_TIMEOUT_MAX_S:
            problems.append(
                f"visibility_timeout_s must be 0-{limits.SQS_VISIBILITY_TIMEOUT_MAX_S}, "
                f"got {self.visibility_timeout_s}"
            )
        largest_message = limits.SQS_MESSAGE_MAX_BYTES // limits.SQS_SEND_BATCH_MAX
        if not 1 <= self.message_bytes <= largest_message:
            problems.append(
                f"message_bytes must be 1-{largest_message:,} (ten of them fit one "
                f"{limits.SQS_MESSAGE_MAX_BYTES:,}-byte SendMessageBatch), got {self.message_bytes}"
            )
        if not 1 <= self.producer_batch <= limits.SQS_SEND_BATCH_MAX:
            problems.append(
                f"producer_batch must be 1-{limits.SQS_SEND_BATCH_MAX}, got {self.producer_batch}"
            )
        longest = self.work.duration_ms(self.batch_size, cold=True)
        if longest > self.timeout_s * 1000:
            problems.append(
                f"a full batch of {self.batch_size} runs {longest:,.0f} ms by the work model (cold), "
                f"more than "
                f"the function's timeout_s={self.timeout_s:g}; raise timeout_s or lower batch_size"
            )
        if problems:
            raise ConfigurationError("PipelineConfig: " + "; ".join(problems))

    @property
    def handler(self) -> str:
        """The handler that matches the mapping's ReportBatchItemFailures setting."""
        return _HANDLERS[self.report_batch_item_failures]


def poison_positions(messages: int, failure_rate: float) -> frozenset[int]:
    """Which of ``messages`` are poison: evenly spread, the first half a spacing in (``1 / failure_rate``)."""
    return frozenset(
        i
        for i in range(messages)
        if math.floor((i + 1) * failure_rate + 0.5) > math.floor(i * failure_rate + 0.5)
    )


@dataclass(frozen=True)
class PipelineRun:
    """What one run did, counted: SQS requests, invocations, effects, dead letters, latencies."""

    config: PipelineConfig
    function_name: str
    sent: tuple[str, ...]
    """Message ids, in sending order."""
    poison: frozenset[str]
    effects: tuple[Effect, ...]
    repeats_refused: int
    """Redeliveries of already-applied messages that the idempotent write turned away."""
    dead_lettered: tuple[str, ...]
    stats: SqsMappingStats
    sqs_calls: dict[str, int]
    """Every SQS request while the pipeline ran, by operation (lab-only and set-up included)."""
    sqs_billed: dict[str, int]
    """Billed requests of the data path by operation (64 KB chunks counted; empty receives apart)."""
    empty_receives: int
    """ReceiveMessage calls that returned nothing (the lab's poller): billed per hour, not per message."""
    cold_starts: int
    latencies_s: tuple[float, ...]
    """Enqueue -> processed, per applied message, on the virtual clock."""
    measured_handler_ms: float
    """The handlers' real running time in this process (moto's speed; not billed)."""
    virtual_seconds: float

    @property
    def invocations(self) -> int:
        return self.stats.invocations

    @property
    def mean_batch_size(self) -> float:
        return self.stats.messages_delivered / max(1, self.stats.invocations)

    @property
    def duplicate_deliveries(self) -> int:
        """Deliveries beyond the first of each message (poison retries included)."""
        return self.stats.messages_delivered - len(self.sent)

    @property
    def good_messages_dead_lettered(self) -> int:
        """Messages that were not poison yet ended in the DLQ (they rode in a failing batch)."""
        return len(set(self.dead_lettered) - self.poison)

    @property
    def good_messages_never_applied(self) -> int:
        """Messages that were not poison, sit in the DLQ and were never applied (they await a redrive)."""
        applied = {effect.message_id for effect in self.effects}
        return len(set(self.dead_lettered) - self.poison - applied)

    @property
    def billed_ms(self) -> int:
        """Billed milliseconds of every invocation by the work model (cold starts bill their init)."""
        work = self.config.work
        return sum(work.billed_ms(size) for size in self.stats.batch_sizes) + self.cold_starts * work.init_ms

    @property
    def sqs_billed_requests(self) -> int:
        return sum(self.sqs_billed.values())

    @property
    def lab_only_sqs_calls(self) -> dict[str, int]:
        """Set-up and lab-only calls made during the run (the virtual visibility timeout's), left out."""
        return {op: n for op, n in self.sqs_calls.items() if op not in BILLED_SQS_OPERATIONS}

    def latency_percentile(self, percent: float) -> float:
        """The ``percent`` percentile of enqueue -> processed seconds (nearest rank); 0 with no latencies."""
        if not self.latencies_s:
            return 0.0
        ordered = sorted(self.latencies_s)
        return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]

    @property
    def lost(self) -> frozenset[str]:
        """Messages neither applied nor in the DLQ (must be empty)."""
        return frozenset(self.sent) - {e.message_id for e in self.effects} - set(self.dead_lettered)

    def check_accounting(self) -> None:
        """Every message applied exactly once in effect or in the DLQ; none lost; no poison applied."""
        applied = [effect.message_id for effect in self.effects]
        problems = []
        if self.lost:
            problems.append(f"{len(self.lost)} message(s) lost: {sorted(self.lost)[:5]}")
        if len(applied) != len(set(applied)):
            problems.append(f"{len(applied) - len(set(applied))} message(s) applied more than once")
        if unknown := set(applied) - set(self.sent):
            problems.append(f"{len(unknown)} effect(s) of messages never sent: {sorted(unknown)[:5]}")
        if applied_poison := set(applied) & self.poison:
            problems.append(f"{len(applied_poison)} poison message(s) applied: {sorted(applied_poison)[:5]}")
        if stranded := self.poison - set(self.dead_lettered):
            problems.append(f"{len(stranded)} poison message(s) not in the DLQ: {sorted(stranded)[:5]}")
        if problems:
            raise AccountingError(f"run of {len(self.sent)} messages ({self.config}): " + "; ".join(problems))

    def summary(self) -> dict[str, float | int]:
        """The run's key counts in one row (for tables)."""
        return {
            "messages": len(self.sent),
            "batch_size": self.config.batch_size,
            "window_s": self.config.batching_window_s,
            "mean_batch": round(self.mean_batch_size, 2),
            "invocations": self.invocations,
            "cold_starts": self.cold_starts,
            "deliveries": self.stats.messages_delivered,
            "duplicates": self.duplicate_deliveries,
            "repeats_refused": self.repeats_refused,
            "dead_lettered": len(self.dead_lettered),
            "sqs_requests": self.sqs_billed_requests,
            "empty_receives": self.empty_receives,
            "billed_ms": self.billed_ms,
            "p50_s": round(self.latency_percentile(50), 3),
            "p99_s": round(self.latency_percentile(99), 3),
        }


def run_pipeline(sandbox: Sandbox, config: PipelineConfig, *, name: str = "orders") -> PipelineRun:
    """Run ``config`` end to end on fresh resources; raise if it does not drain."""
    prefix = f"{name}-{uuid.uuid4().hex[:8]}"
    resources = create_resources(
        prefix,
        visibility_timeout_s=config.visibility_timeout_s,
        max_receive_count=config.max_receive_count,
        fifo=config.fifo,
    )
    function = f"{prefix}-fn"
    sandbox.deploy(
        function,
        config.handler,
        memory_mb=config.memory_mb,
        architecture=config.architecture,
        timeout_s=config.timeout_s,
        environment=resources.environment(),
    )
    reports_before = len(sandbox.lambdas.reports)
    mapping = sqs_event_source(
        sandbox,
        resources.queue.arn,
        function,
        batch_size=config.batch_size,
        batching_window_s=config.batching_window_s,
        report_batch_item_failures=config.report_batch_item_failures,
        maximum_concurrency=config.maximum_concurrency,
    )
    sqs = sandbox.client("sqs")
    counter = SqsRequestCounter()
    start = sandbox.clock.elapsed
    poison_at = poison_positions(config.messages, config.failure_rate)
    sent: list[str] = []
    poison: set[str] = set()
    try:
        with counter.counting(sqs):
            for first in range(0, config.messages, config.producer_batch):
                positions = range(first, min(config.messages, first + config.producer_batch))
                leaves_at = start + positions[-1] / config.arrival_rate_per_s
                if leaves_at > sandbox.clock.elapsed:
                    sandbox.advance(leaves_at - sandbox.clock.elapsed)
                now_s = sandbox.clock.elapsed - start
                ids = _send(
                    sandbox,
                    resources.queue.url,
                    config,
                    positions=positions,
                    poison_at=poison_at,
                    now_s=now_s,
                )
                sent.extend(ids)
                poison.update(i for position, i in zip(positions, ids, strict=True) if position in poison_at)
            sandbox.advance(config.batching_window_s)
            for _ in range(config.max_receive_count + 2):
                if not mapping.in_flight:
                    break
                sandbox.advance(max(1, config.visibility_timeout_s))
            if mapping.in_flight:
                raise AccountingError(
                    f"{mapping.in_flight} message(s) still in flight after the run: {config}"
                )
    finally:
        sandbox.remove_source(mapping)
    elapsed = sandbox.clock.elapsed - start
    stats = mapping.stats()
    dynamodb = sandbox.client("dynamodb")
    effects = effects_from_table(resources.table_name, dynamodb)
    dead = drain_message_ids(sqs, resources.dead_letter_queue.url)
    reports = [r for r in sandbox.lambdas.reports[reports_before:] if r.function_name == function]
    origin = sandbox.clock.now() - timedelta(seconds=sandbox.clock.elapsed)
    started = {r.request_id: ((r.started_at - origin).total_seconds() - start, r.cold_start) for r in reports}
    latencies = []
    for effect, _ in effects:
        started_at, cold = started[effect.request_id]
        finished_at = started_at + config.work.duration_ms(effect.batch_size, cold=cold) / 1000
        latencies.append(finished_at - effect.sent_at_s)
    return PipelineRun(
        config=config,
        function_name=function,
        sent=tuple(sent),
        poison=frozenset(poison),
        effects=tuple(effect for effect, _ in effects),
        repeats_refused=sum(repeats for _, repeats in effects),
        dead_lettered=tuple(dead),
        stats=stats,
        sqs_calls=dict(counter.calls),
        sqs_billed={op: n for op, n in counter.billed.items() if n},
        empty_receives=counter.empty_receives,
        cold_starts=sum(r.cold_start for r in reports),
        latencies_s=tuple(latencies),
        measured_handler_ms=math.fsum(r.duration_ms for r in reports),
        virtual_seconds=elapsed,
    )


def _send(
    sandbox: Sandbox,
    queue_url: str,
    config: PipelineConfig,
    *,
    positions: range,
    poison_at: frozenset[int],
    now_s: float,
) -> list[str]:
    """Send the messages at ``positions`` in one call (SendMessage for one, SendMessageBatch for more)."""
    sqs = sandbox.client("sqs")
    entries = []
    for position in positions:
        order = OrderMessage(
            f"order-{position:06d}", 100 + position % 900, round(now_s, 6), position in poison_at
        )
        entry = {
            "Id": str(position - positions[0]),
            "MessageBody": order_body(order, size_bytes=config.message_bytes),
        }
        if config.fifo:
            entry |= {"MessageGroupId": f"group-{position % 10}", "MessageDeduplicationId": order.order_id}
        entries.append(entry)
    if len(entries) == 1 and config.producer_batch == 1:
        single = {key: value for key, value in entries[0].items() if key != "Id"}
        return [sqs.send_message(QueueUrl=queue_url, **single)["MessageId"]]
    response = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
    if response.get("Failed"):
        raise AccountingError(f"SendMessageBatch refused {response['Failed']}")
    by_id = {item["Id"]: item["MessageId"] for item in response["Successful"]}
    return [by_id[entry["Id"]] for entry in entries]
