"""Lambda handlers of the fan-out job: split, process a chunk (from SQS or an async invoke), count a
dead-lettered chunk as failed. Thin: parse, delegate to the service, answer the way the caller expects.

``split_job`` creates the job's counter, then fans out: ``SendMessageBatch`` to the chunk queue
(``via = "sqs"``) or one ``Invoke`` with ``InvocationType="Event"`` per chunk (``via = "async"``).
``process_chunk_messages`` is the SQS worker (ReportBatchItemFailures); ``process_chunk`` the async one
(an error makes Lambda retry it, then send it to the dead-letter queue); ``record_failed_chunks`` reads
the dead-letter queue, whose messages are chunk bodies from both paths.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

from patterns.fan_out.adapters import DynamoDbFanInStore, store_from_environment
from patterns.fan_out.exceptions import MalformedChunkError, PoisonChunkError
from patterns.fan_out.service import (
    Record,
    chunk_body,
    chunk_steps,
    failed_chunk_steps,
    parse_chunk,
    run_steps,
    split_into_chunks,
    summarise_chunk,
)
from patterns.lab import limits

__all__ = ["map_chunk", "process_chunk", "process_chunk_messages", "record_failed_chunks", "split_job"]

_store: DynamoDbFanInStore | None = None


def _fan_in() -> DynamoDbFanInStore:
    global _store
    if _store is None:
        _store = store_from_environment()
    return _store


def split_job(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Split ``{"job_id", "records": [{"id", "amount_cents"}...], "chunk_size", "via"}`` and fan out."""
    records = [Record(r["id"], int(r["amount_cents"]), r.get("poison") is True) for r in event["records"]]
    chunks = split_into_chunks(str(event["job_id"]), records, int(event["chunk_size"]))
    if not _fan_in().create_job(chunks[0].job_id, len(chunks)):
        return {"job_id": chunks[0].job_id, "chunks": len(chunks), "fanned_out": False}  # a retried split
    if event.get("via", "sqs") == "async":
        client = boto3.client("lambda")
        for chunk in chunks:
            client.invoke(
                FunctionName=os.environ["WORKER_FUNCTION"], InvocationType="Event", Payload=chunk_body(chunk)
            )
    else:
        sqs = boto3.client("sqs")
        for start in range(0, len(chunks), limits.SQS_SEND_BATCH_MAX):
            batch = chunks[start : start + limits.SQS_SEND_BATCH_MAX]
            entries: list[Any] = [{"Id": str(c.index), "MessageBody": chunk_body(c)} for c in batch]
            response = sqs.send_message_batch(QueueUrl=os.environ["CHUNK_QUEUE_URL"], Entries=entries)
            if response.get("Failed"):
                raise RuntimeError(f"SendMessageBatch failed for {response['Failed']}")
    return {"job_id": chunks[0].job_id, "chunks": len(chunks), "fanned_out": True}


def process_chunk_messages(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS worker: process each chunk message; report the ones that failed (batchItemFailures)."""
    failures = []
    for record in event.get("Records", []):
        try:
            run_steps(chunk_steps(parse_chunk(record["body"]), _fan_in(), by=context.aws_request_id))
        except (MalformedChunkError, PoisonChunkError):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}


def process_chunk(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Async worker: the event is the chunk; an error fails the invocation (Lambda retries it)."""
    outcome = run_steps(chunk_steps(parse_chunk(event), _fan_in(), by=context.aws_request_id))
    return {
        "chunk_index": outcome.chunk_index,
        "counted": outcome.counted,
        "finished": outcome.report is not None,
    }


def record_failed_chunks(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Dead-letter queue consumer: count each dead-lettered chunk as failed (once)."""
    for record in event.get("Records", []):
        try:
            data = json.loads(record["body"])
            job_id, index = str(data["job_id"]), int(data["chunk_index"])
        except (ValueError, KeyError, TypeError):
            print(f"unreadable dead-lettered message {record['messageId']}: not a chunk, dropped")
            continue
        run_steps(failed_chunk_steps(job_id, index, _fan_in(), by=context.aws_request_id))
    return {"batchItemFailures": []}


def map_chunk(event: dict[str, Any], context: Any) -> dict[str, int]:
    """Step Functions Map iteration: the chunk's partial result (the Map state collects them; no counter)."""
    partial = summarise_chunk(parse_chunk(event))
    return {
        "chunk_index": partial.chunk_index,
        "records": partial.records,
        "amount_cents": partial.amount_cents,
    }
