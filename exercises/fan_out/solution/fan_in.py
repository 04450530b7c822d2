"""Reference solution: one conditional UpdateItem counts a chunk; one conditional write finishes."""

from __future__ import annotations

from typing import Any


def create_job(dynamodb: Any, table_name: str, job_id: str, total_chunks: int) -> None:
    """Given: the job's item, RUNNING with nothing counted. (The tests create it the same way.)"""
    dynamodb.put_item(
        TableName=table_name,
        Item={
            "job_id": {"S": job_id},
            "total_chunks": {"N": str(total_chunks)},
            "done_count": {"N": "0"},
            "job_status": {"S": "RUNNING"},
        },
    )


def record_chunk_done(dynamodb: Any, table_name: str, job_id: str, chunk_index: int) -> bool:
    """Task 1: count ``chunk_index`` as done, once; True only for the call that counted the last chunk."""
    try:
        response = dynamodb.update_item(
            TableName=table_name,
            Key={"job_id": {"S": job_id}},
            UpdateExpression="ADD done_count :one, done_chunks :chunk",
            ConditionExpression="attribute_exists(job_id) AND NOT contains(done_chunks, :index)",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":chunk": {"SS": [str(chunk_index)]},
                ":index": {"S": str(chunk_index)},
            },
            ReturnValues="ALL_NEW",
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False  # counted before: a duplicate delivery
    item = response["Attributes"]
    return int(item["done_count"]["N"]) == int(item["total_chunks"]["N"])


def finish_job(dynamodb: Any, table_name: str, job_id: str, amount_cents: int) -> bool:
    """Task 2: store the report (``job_status`` COMPLETE, ``amount_cents``) if the job is RUNNING;
    True if this call did, False if the job was finished already."""
    try:
        dynamodb.update_item(
            TableName=table_name,
            Key={"job_id": {"S": job_id}},
            UpdateExpression="SET job_status = :complete, amount_cents = :amount",
            ConditionExpression="job_status = :running",
            ExpressionAttributeValues={
                ":complete": {"S": "COMPLETE"},
                ":amount": {"N": str(amount_cents)},
                ":running": {"S": "RUNNING"},
            },
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True
