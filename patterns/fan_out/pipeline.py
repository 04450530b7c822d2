"""One fan-out job, end to end: splitter -> chunks (SQS or async invokes) -> workers -> fan-in -> report.

:func:`run_job` creates fresh resources (chunk queue with a DLQ after ``maxReceiveCount``, jobs table),
deploys the three handlers to the local runtime, attaches the event source mappings (chunk queue ->
worker, batch size 1, ``MaximumConcurrency`` = workers; DLQ -> failure recorder), invokes the splitter,
optionally delivers some chunks twice (as SQS standard queues and async retries may), and advances
virtual time until the job has its report and nothing is in flight.

**Counted:** invocations (the runtime's reports), SQS receives that returned messages and deletes
(the mapping's stats; the lab's empty receives depend on how often it polls, not on the job), the
handlers' own requests by operation (:class:`~patterns.fan_out.adapters.RequestCounter`), the report.
**Modelled:** durations (a :class:`~patterns.fan_out.economics.WorkModel`; the runtime cannot add
simulated work to a handler), hence billed milliseconds and the timeline.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Literal

from patterns.fan_out.adapters import DynamoDbFanInStore, RequestCounter, create_resources, drain_queue
from patterns.fan_out.economics import Architecture, JobCost, JobUsage, WorkModel, job_cost
from patterns.fan_out.exceptions import AccountingError
from patterns.fan_out.service import JobReport, chunk_body, make_records, split_into_chunks
from patterns.lab import pricing
from patterns.lab.exceptions import ConfigurationError
from patterns.lab.sandbox import Sandbox
from patterns.lab.sources import SqsEventSourceMapping, sqs_event_source

__all__ = ["JobConfig", "JobRun", "Via", "run_job"]

Via = Literal["sqs", "async"]
_HANDLERS = "patterns.fan_out.handlers"
_MAX_ROUNDS = 200


@dataclass(frozen=True)
class JobConfig:
    """One job: its size, how it is split and fanned out, what fails, the functions' settings."""

    records: int = 200
    chunk_size: int = 20
    workers: int = 5
    via: Via = "sqs"
    poison_chunks: tuple[int, ...] = ()
    """Chunks holding a record that always fails."""
    duplicates: tuple[int, ...] = ()
    """Chunks the lab delivers a second time (at-least-once delivery)."""
    max_receive_count: int = 3
    visibility_timeout_s: int = 60
    memory_mb: int = 512
    architecture: Architecture = "arm64"
    work: WorkModel = field(default_factory=WorkModel)

    def __post_init__(self) -> None:
        chunks = -(-self.records // self.chunk_size) if self.chunk_size > 0 and self.records > 0 else 0
        problems = []
        if self.records < 1 or self.chunk_size < 1:
            problems.append(f"records and chunk_size must be >= 1, got {self.records}, {self.chunk_size}")
        if not 2 <= self.workers <= 1_000:
            problems.append(f"workers (the mapping's MaximumConcurrency) must be 2-1000, got {self.workers}")
        if self.via not in ("sqs", "async"):
            problems.append(f"via must be 'sqs' or 'async', got {self.via!r}")
        outside = [c for c in (*self.poison_chunks, *self.duplicates) if not 0 <= c < max(chunks, 1)]
        if outside:
            problems.append(f"chunk indices {outside} are not chunks of this job (0-{chunks - 1})")
        if problems:
            raise ConfigurationError("JobConfig: " + "; ".join(problems))

    @property
    def chunks(self) -> int:
        return -(-self.records // self.chunk_size)


@dataclass
class JobRun:
    """What one job did: its report, the counts, and the books."""

    config: JobConfig
    job_id: str
    report: JobReport | None
    expected_records: int
    expected_amount_cents: int
    invocations: dict[str, int]
    """Invocations by role: split, worker, dlq."""
    worker_errors: int
    """Worker invocations that failed as a whole (async: each failed attempt)."""
    chunk_deliveries: int
    """Chunk deliveries the workers processed successfully (duplicates included)."""
    chunk_failures: int
    """Chunk deliveries that failed (retries included)."""
    dead_lettered: int
    """Chunks that reached the dead-letter queue (and the failure recorder)."""
    sqs_requests: dict[str, int]
    dynamodb_requests: dict[str, int]
    leftover_in_dlq: int
    virtual_s: float

    @property
    def duplicates_refused(self) -> int:
        """Successful deliveries of a chunk already counted: the done marker refused them."""
        done = self.report.chunks_done if self.report else 0
        return self.chunk_deliveries - done

    def usage(self) -> JobUsage:
        """The run's counted requests with its modelled billed milliseconds."""
        work, config = self.config.work, self.config
        sizes = [
            len(c.records) for c in split_into_chunks("x", make_records(config.records), config.chunk_size)
        ]
        chunks = len(sizes)
        billed = pricing.billed_duration_ms(work.split_ms(chunks))
        mean = sum(sizes) / chunks
        billed += self.chunk_deliveries * pricing.billed_duration_ms(work.chunk_ms(round(mean)))
        billed += self.chunk_failures * pricing.billed_duration_ms(work.per_chunk_ms)
        billed += self.invocations.get("dlq", 0) * pricing.billed_duration_ms(work.per_chunk_ms)
        billed += pricing.billed_duration_ms(work.aggregate_ms(chunks))
        writes = sum(n for op, n in self.dynamodb_requests.items() if op in ("PutItem", "UpdateItem"))
        reads = sum(n for op, n in self.dynamodb_requests.items() if op in ("Query", "GetItem"))
        return JobUsage(
            chunks=chunks,
            invocations=sum(self.invocations.values()),
            billed_ms=billed,
            sqs_requests=sum(self.sqs_requests.values()),
            dynamodb_write_units=writes,
            dynamodb_read_units=reads,
        )

    def cost(self) -> JobCost:
        return job_cost(self.usage(), memory_mb=self.config.memory_mb, architecture=self.config.architecture)

    def check_accounting(self) -> None:
        """Every chunk done or failed exactly once, the failed ones exactly the poison ones, the report's
        totals those of the chunks done; COMPLETE only with no failed chunk. Raises AccountingError."""
        report, config = self.report, self.config
        problems = []
        if report is None:
            raise AccountingError(f"job {self.job_id}: no report after {self.virtual_s:g} virtual seconds")
        if report.chunks_done + len(report.failed_chunks) != config.chunks:
            problems.append(
                f"{report.chunks_done} done + {len(report.failed_chunks)} failed != {config.chunks}"
            )
        if sorted(report.failed_chunks) != sorted(set(config.poison_chunks)):
            problems.append(f"failed chunks {report.failed_chunks} != poison chunks {config.poison_chunks}")
        if (report.status == "COMPLETE") != (not config.poison_chunks):
            problems.append(f"status {report.status} with poison chunks {config.poison_chunks}")
        if (report.records, report.amount_cents) != (self.expected_records, self.expected_amount_cents):
            problems.append(
                f"report {report.records} records / {report.amount_cents} cents, expected "
                f"{self.expected_records} / {self.expected_amount_cents}"
            )
        if self.leftover_in_dlq:
            problems.append(f"{self.leftover_in_dlq} messages left in the DLQ")
        if problems:
            raise AccountingError(f"job {self.job_id}: " + "; ".join(problems))


def _deploy(
    sandbox: Sandbox, prefix: str, config: JobConfig, environment: dict[str, str], dlq_arn: str
) -> dict[str, str]:
    names = {"split": f"{prefix}-split", "worker": f"{prefix}-worker", "dlq": f"{prefix}-failed"}
    common = {"memory_mb": config.memory_mb, "architecture": config.architecture, "timeout_s": 30.0}
    env = {**environment, "WORKER_FUNCTION": names["worker"]}
    sandbox.deploy(names["split"], f"{_HANDLERS}.split_job", environment=env, **common)
    if config.via == "async":
        sandbox.deploy(
            names["worker"],
            f"{_HANDLERS}.process_chunk",
            environment=env,
            reserved_concurrency=config.workers,
            dead_letter_arn=dlq_arn,
            **common,
        )
    else:
        sandbox.deploy(names["worker"], f"{_HANDLERS}.process_chunk_messages", environment=env, **common)
    sandbox.deploy(names["dlq"], f"{_HANDLERS}.record_failed_chunks", environment=env, **common)
    return names


def run_job(sandbox: Sandbox, config: JobConfig | None = None) -> JobRun:
    """Run one job on fresh resources and return what it did (see the module docstring)."""
    config = config or JobConfig()
    prefix = f"fan-{uuid.uuid4().hex[:8]}"
    resources = create_resources(
        prefix, visibility_timeout_s=config.visibility_timeout_s, max_receive_count=config.max_receive_count
    )
    names = _deploy(sandbox, prefix, config, resources.environment(), resources.dead_letter_queue.arn)
    mappings: list[SqsEventSourceMapping] = []
    if config.via == "sqs":
        mappings.append(
            sqs_event_source(
                sandbox,
                resources.queue.url,
                names["worker"],
                batch_size=1,
                report_batch_item_failures=True,
                maximum_concurrency=config.workers,
            )
        )
    mappings.append(
        sqs_event_source(
            sandbox,
            resources.dead_letter_queue.url,
            names["dlq"],
            batch_size=10,
            report_batch_item_failures=True,
        )
    )
    records = make_records(config.records, poison_at=[i * config.chunk_size for i in config.poison_chunks])
    chunks = split_into_chunks(prefix, records, config.chunk_size)
    kept = [c for c in chunks if c.index not in set(config.poison_chunks)]
    store = DynamoDbFanInStore(resources.table_name, sandbox.client("dynamodb"))
    sqs = sandbox.client("sqs")
    started, first_report = sandbox.clock.elapsed, len(sandbox.lambdas.reports)
    counter = RequestCounter()
    with counter.counting():
        event = {
            "job_id": prefix,
            "records": [r.as_dict() for r in records],
            "chunk_size": config.chunk_size,
            "via": config.via,
        }
        split = sandbox.lambdas.invoke(names["split"], event)
        if not split.ok:
            raise AccountingError(f"the splitter failed: {split.payload}")
        for index in config.duplicates:
            if config.via == "sqs":
                sqs.send_message(QueueUrl=resources.queue.url, MessageBody=chunk_body(chunks[index]))
            else:
                sandbox.lambdas.invoke_async(names["worker"], json.loads(chunk_body(chunks[index])))
        report = None
        for _ in range(_MAX_ROUNDS):
            sandbox.advance(config.visibility_timeout_s)
            report = store.report(prefix)
            busy = any(m.in_flight for m in mappings) or any(
                a.outcome == "pending"
                for a in sandbox.lambdas.async_invocations
                if a.function_name == names["worker"]
            )
            if report is not None and not busy:
                break
    for mapping in mappings:
        sandbox.remove_source(mapping)
    leftover = len(drain_queue(sqs, resources.dead_letter_queue.url))
    reports = [r for r in sandbox.lambdas.reports[first_report:] if r.function_name.startswith(prefix)]
    by_role = {role: [r for r in reports if r.function_name == name] for role, name in names.items()}
    if config.via == "sqs":
        stats = mappings[0].stats()
        deliveries, failures = stats.deletes, stats.messages_delivered - stats.deletes
        worker_errors = stats.failed_invocations
        sqs_requests = {
            "SendMessageBatch": counter.of("sqs").get("SendMessageBatch", 0),
            "ReceiveMessage": stats.receives - stats.empty_receives,
            "DeleteMessageBatch": stats.delete_calls,
        }
    else:
        attempts = [a for a in sandbox.lambdas.async_invocations if a.function_name == names["worker"]]
        deliveries = sum(1 for a in attempts for i in a.attempts if i.ok)
        failures = worker_errors = sum(1 for a in attempts for i in a.attempts if not i.ok)
        sqs_requests = {}
    dlq_stats = mappings[-1].stats()
    sqs_requests["ReceiveMessage (DLQ)"] = dlq_stats.receives - dlq_stats.empty_receives
    sqs_requests["DeleteMessageBatch (DLQ)"] = dlq_stats.delete_calls
    return JobRun(
        config=config,
        job_id=prefix,
        report=report,
        expected_records=sum(len(c.records) for c in kept),
        expected_amount_cents=sum(r.amount_cents for c in kept for r in c.records),
        invocations={role: len(items) for role, items in by_role.items()},
        worker_errors=worker_errors,
        chunk_deliveries=deliveries,
        chunk_failures=failures,
        dead_lettered=dlq_stats.deletes,
        sqs_requests=sqs_requests,
        dynamodb_requests=counter.of("dynamodb"),
        leftover_in_dlq=leftover,
        virtual_s=sandbox.clock.elapsed - started,
    )
