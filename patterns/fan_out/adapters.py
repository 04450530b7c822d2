"""AWS adapters: the DynamoDB fan-in store, the resources of a job, a request counter.

:class:`DynamoDbFanInStore` keeps, per job, one counter item (``sk = "job"``) and one item per chunk's
partial result (``sk = "chunk#00012"``). Counting a chunk is **one** ``UpdateItem``::

    ADD done_count :one, done_chunks :this_chunk
    condition: attribute_exists(pk) AND NOT contains(done_chunks, :i) AND NOT contains(failed_chunks, :i)
    ReturnValues: ALL_NEW

The string set ``done_chunks`` is the per-chunk done marker: a duplicate delivery fails the condition
and counts nothing; the request that brings ``done_count + failed_count`` to ``total_chunks`` reads
that in its own response (``ALL_NEW``), so exactly one request sees the job settle. The report is
written with ``SET job_status = :final`` on the condition ``job_status = RUNNING``: one report per job.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

from patterns.fan_out.exceptions import AccountingError
from patterns.fan_out.service import JobReport, JobStatus, PartialResult, Tally
from patterns.lab.resources import Queue, ensure_queue, ensure_table

__all__ = [
    "DynamoDbFanInStore",
    "FanOutResources",
    "RequestCounter",
    "create_resources",
    "drain_queue",
    "store_from_environment",
]

_JOB_SK = "job"


def _pk(job_id: str) -> dict[str, str]:
    return {"S": f"job#{job_id}"}


def _chunk_sk(index: int) -> dict[str, str]:
    return {"S": f"chunk#{index:05d}"}


class DynamoDbFanInStore:
    """The :class:`~patterns.fan_out.service.FanInStore` on a DynamoDB table keyed ``pk``, ``sk``."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")

    def create_job(self, job_id: str, total_chunks: int) -> bool:
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={
                    "pk": _pk(job_id),
                    "sk": {"S": _JOB_SK},
                    "total_chunks": {"N": str(total_chunks)},
                    "done_count": {"N": "0"},
                    "failed_count": {"N": "0"},
                    "job_status": {"S": "RUNNING"},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def save_partial(self, job_id: str, partial: PartialResult) -> None:
        self.client.put_item(
            TableName=self.table_name,
            Item={
                "pk": _pk(job_id),
                "sk": _chunk_sk(partial.chunk_index),
                "chunk_index": {"N": str(partial.chunk_index)},
                "records": {"N": str(partial.records)},
                "amount_cents": {"N": str(partial.amount_cents)},
            },
        )

    def _count(self, job_id: str, chunk_index: int, counter: str, marker: str) -> Tally:
        try:
            response = self.client.update_item(
                TableName=self.table_name,
                Key={"pk": _pk(job_id), "sk": {"S": _JOB_SK}},
                UpdateExpression=f"ADD {counter} :one, {marker} :chunk",
                ConditionExpression=(
                    "attribute_exists(pk) AND NOT contains(done_chunks, :index) "
                    "AND NOT contains(failed_chunks, :index)"
                ),
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":chunk": {"SS": [str(chunk_index)]},
                    ":index": {"S": str(chunk_index)},
                },
                ReturnValues="ALL_NEW",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return _tally(self._job_item(job_id), counted=False)
        return _tally(response["Attributes"], counted=True)

    def _job_item(self, job_id: str) -> dict[str, Any]:
        item = self.client.get_item(
            TableName=self.table_name, Key={"pk": _pk(job_id), "sk": {"S": _JOB_SK}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            raise AccountingError(f"job {job_id!r} was never created")
        return dict(item)

    def mark_done(self, job_id: str, chunk_index: int) -> Tally:
        return self._count(job_id, chunk_index, "done_count", "done_chunks")

    def mark_failed(self, job_id: str, chunk_index: int) -> Tally:
        return self._count(job_id, chunk_index, "failed_count", "failed_chunks")

    def partials(self, job_id: str) -> list[PartialResult]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :chunk)",
            ExpressionAttributeValues={":pk": _pk(job_id), ":chunk": {"S": "chunk#"}},
            ConsistentRead=True,
        )
        return [
            PartialResult(int(i["chunk_index"]["N"]), int(i["records"]["N"]), int(i["amount_cents"]["N"]))
            for page in pages
            for i in page["Items"]
        ]

    def finish(self, job_id: str, report: JobReport) -> bool:
        failed = [{"N": str(index)} for index in report.failed_chunks]
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key={"pk": _pk(job_id), "sk": {"S": _JOB_SK}},
                UpdateExpression=(
                    "SET job_status = :final, report_records = :records, report_amount_cents = :amount, "
                    "report_failed_chunks = :failed, finished_by = :by"
                ),
                ConditionExpression="job_status = :running",
                ExpressionAttributeValues={
                    ":final": {"S": report.status},
                    ":records": {"N": str(report.records)},
                    ":amount": {"N": str(report.amount_cents)},
                    ":failed": {"L": failed},
                    ":by": {"S": report.finished_by},
                    ":running": {"S": "RUNNING"},
                },
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def report(self, job_id: str) -> JobReport | None:
        """The job's stored report, or None while it is RUNNING."""
        item = self._job_item(job_id)
        status: JobStatus = item["job_status"]["S"]
        if status == "RUNNING":
            return None
        return JobReport(
            job_id=job_id,
            status=status,
            chunks=int(item["total_chunks"]["N"]),
            chunks_done=int(item["done_count"]["N"]),
            failed_chunks=tuple(int(v["N"]) for v in item["report_failed_chunks"]["L"]),
            records=int(item["report_records"]["N"]),
            amount_cents=int(item["report_amount_cents"]["N"]),
            finished_by=item["finished_by"]["S"],
        )


def _tally(item: dict[str, Any], *, counted: bool) -> Tally:
    status: JobStatus = item["job_status"]["S"]
    return Tally(
        counted=counted,
        done=int(item["done_count"]["N"]),
        failed=int(item["failed_count"]["N"]),
        total=int(item["total_chunks"]["N"]),
        status=status,
        failed_chunks=tuple(sorted(int(v) for v in item.get("failed_chunks", {}).get("SS", []))),
    )


def store_from_environment() -> DynamoDbFanInStore:
    """The store a function's environment names (JOBS_TABLE)."""
    return DynamoDbFanInStore(os.environ["JOBS_TABLE"])


@dataclass(frozen=True)
class FanOutResources:
    """The chunk queue, its dead-letter queue (which also takes failed asynchronous invocations), the
    jobs table."""

    queue: Queue
    dead_letter_queue: Queue
    table_name: str

    def environment(self) -> dict[str, str]:
        return {"JOBS_TABLE": self.table_name, "CHUNK_QUEUE_URL": self.queue.url}


def create_resources(prefix: str, *, visibility_timeout_s: int, max_receive_count: int) -> FanOutResources:
    """Create (or find) the DLQ, the chunk queue redriving to it after ``max_receive_count`` receives,
    and the jobs table."""
    import json

    dead_letter = ensure_queue(f"{prefix}-dlq")
    redrive = {"deadLetterTargetArn": dead_letter.arn, "maxReceiveCount": str(max_receive_count)}
    queue = ensure_queue(
        f"{prefix}-chunks",
        attributes={"VisibilityTimeout": str(visibility_timeout_s), "RedrivePolicy": json.dumps(redrive)},
    )
    table = f"{prefix}-jobs"
    ensure_table(table, hash_key="pk", range_key="sk")
    return FanOutResources(queue, dead_letter, table)


def drain_queue(client: Any, queue_url: str) -> list[str]:
    """Receive and delete everything in ``queue_url``; return the bodies."""
    bodies: list[str] = []
    while batch := client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        bodies.extend(message["Body"] for message in batch)
        client.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
        )
    return bodies


class RequestCounter:
    """Counts the requests of every boto3 client created from the default session while counting.

    The handlers create their clients in their own execution environments, so the hook goes on the
    session the clients are made from (botocore copies its event handlers into each new client);
    clients made before :meth:`counting` (the demonstration's own) are not counted.
    """

    def __init__(self, services: tuple[str, ...] = ("sqs", "dynamodb", "lambda")) -> None:
        self.services = services
        self.calls: Counter[tuple[str, str]] = Counter()
        self._active = False
        self._lock = threading.Lock()

    @contextmanager
    def counting(self) -> Iterator[RequestCounter]:
        events = boto3.DEFAULT_SESSION.events if boto3.DEFAULT_SESSION else boto3.Session().events
        unique = f"fan-out-counter-{id(self)}"
        for service in self.services:
            events.register(f"provide-client-params.{service}", self._before, unique_id=f"{unique}-{service}")
        self._active = True
        try:
            yield self
        finally:
            self._active = False
            for service in self.services:
                events.unregister(f"provide-client-params.{service}", unique_id=f"{unique}-{service}")

    def _before(self, model: Any, **_: Any) -> None:
        if not self._active:
            return
        service = str(model.service_model.endpoint_prefix)
        with self._lock:
            self.calls[(service, str(model.name))] += 1

    def of(self, service: str) -> dict[str, int]:
        """Calls to ``service`` by operation."""
        return {op: n for (s, op), n in sorted(self.calls.items()) if s == service}

    def total(self, service: str, operations: tuple[str, ...] | None = None) -> int:
        return sum(n for op, n in self.of(service).items() if operations is None or op in operations)
