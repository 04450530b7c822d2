"""DynamoDB access: the idempotency records (one conditional ``PutItem`` is the lock), the payment ledger,
seed 003's cache, the tables, a request counter, and Powertools' clock on the lab's virtual time.

Clients are created by the functions that need them (never at import), from the default session, so
inside ``sandbox.lambdas`` each execution environment makes its own, as on Lambda.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

from patterns.idempotency.service import (
    COMPLETED,
    IN_PROGRESS,
    IdempotencyRecord,
    IdempotentExecutor,
)
from patterns.lab.clock import LabClock
from patterns.lab.powertools_clock import powertools_on_clock as lab_powertools_on_clock
from patterns.lab.resources import ensure_table

__all__ = [
    "CLAIM_CONDITION",
    "DynamoDbCacheStore",
    "DynamoDbLedger",
    "DynamoDbRecordStore",
    "RequestCounter",
    "create_tables",
    "executor_from_environment",
    "lab_now",
    "powertools_on_clock",
]

CLAIM_CONDITION = (
    "attribute_not_exists(#key) OR #expires_at <= :now "
    "OR (#status = :in_progress AND #in_progress_until <= :now)"
)


def lab_now() -> float:
    """Unix seconds: the sandbox's virtual clock while one runs (the lab), else the wall clock (Lambda)."""
    from patterns.lab.exceptions import SandboxError
    from patterns.lab.sandbox import current_sandbox

    try:
        return current_sandbox().clock.timestamp()
    except SandboxError:
        return time.time()


def _record_from_item(item: dict[str, Any]) -> IdempotencyRecord:
    status = item["status"]["S"]
    return IdempotencyRecord(
        key=item["idempotency_key"]["S"],
        status=COMPLETED if status == COMPLETED else IN_PROGRESS,
        payload_hash=item["payload_hash"]["S"],
        expires_at=float(item["expires_at"]["N"]),
        in_progress_until=float(item["in_progress_until"]["N"]) if "in_progress_until" in item else None,
        result=json.loads(item["result"]["S"]) if "result" in item else None,
    )


@dataclass
class DynamoDbRecordStore:
    """Idempotency records in a table keyed by ``idempotency_key``; ``expires_at`` is its TTL attribute."""

    table_name: str
    client: Any

    def claim(self, record: IdempotencyRecord, now: float) -> IdempotencyRecord | None:
        item = {
            "idempotency_key": {"S": record.key},
            "status": {"S": record.status},
            "payload_hash": {"S": record.payload_hash},
            "expires_at": {"N": str(int(record.expires_at))},
        }
        if record.in_progress_until is not None:
            item["in_progress_until"] = {"N": repr(record.in_progress_until)}
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=item,
                ConditionExpression=CLAIM_CONDITION,
                ExpressionAttributeNames={
                    "#key": "idempotency_key",
                    "#expires_at": "expires_at",
                    "#status": "status",
                    "#in_progress_until": "in_progress_until",
                },
                ExpressionAttributeValues={":now": {"N": repr(now)}, ":in_progress": {"S": IN_PROGRESS}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self.client.exceptions.ConditionalCheckFailedException as error:
            old = error.response.get("Item")
            if old is None:  # a backend that does not return the old item: read it
                old = self.client.get_item(
                    TableName=self.table_name, Key={"idempotency_key": {"S": record.key}}, ConsistentRead=True
                ).get("Item")
            return _record_from_item(old) if old else record
        return None

    def complete(self, key: str, result: dict[str, Any], expires_at: float) -> None:
        self.client.update_item(
            TableName=self.table_name,
            Key={"idempotency_key": {"S": key}},
            UpdateExpression="SET #status = :completed, #result = :result, #expires_at = :expires_at "
            "REMOVE #in_progress_until",
            ExpressionAttributeNames={
                "#status": "status",
                "#result": "result",
                "#expires_at": "expires_at",
                "#in_progress_until": "in_progress_until",
            },
            ExpressionAttributeValues={
                ":completed": {"S": COMPLETED},
                ":result": {"S": json.dumps(result, sort_keys=True)},
                ":expires_at": {"N": str(int(expires_at))},
            },
        )

    def release(self, key: str) -> None:
        self.client.delete_item(TableName=self.table_name, Key={"idempotency_key": {"S": key}})

    def get(self, key: str) -> IdempotencyRecord | None:
        item = self.client.get_item(
            TableName=self.table_name, Key={"idempotency_key": {"S": key}}, ConsistentRead=True
        ).get("Item")
        return _record_from_item(item) if item else None


@dataclass
class DynamoDbLedger:
    """The payment provider stand-in: one counter item per idempotency key, ``ADD charges 1`` per charge."""

    table_name: str
    client: Any

    def charge(self, order_id: str, amount_cents: int, key: str) -> str:
        response = self.client.update_item(
            TableName=self.table_name,
            Key={"idempotency_key": {"S": key}},
            UpdateExpression="ADD charges :one, charged_cents :amount SET order_id = :order",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":amount": {"N": str(amount_cents)},
                ":order": {"S": order_id},
            },
            ReturnValues="UPDATED_NEW",
        )
        return f"ch_{order_id}_{response['Attributes']['charges']['N']}"

    def count(self, key: str) -> int:
        item = self.client.get_item(
            TableName=self.table_name, Key={"idempotency_key": {"S": key}}, ConsistentRead=True
        ).get("Item")
        return int(item["charges"]["N"]) if item else 0

    def total(self) -> int:
        """Charges for every key (a scan: for demonstrations and tests)."""
        pages = self.client.get_paginator("scan").paginate(TableName=self.table_name)
        return sum(int(item["charges"]["N"]) for page in pages for item in page["Items"])


@dataclass
class DynamoDbCacheStore:
    """Seed 003's ``cache`` as a table: an unconditional ``GetItem`` and ``PutItem``."""

    table_name: str
    client: Any

    def get(self, key: str) -> dict[str, Any] | None:
        item = self.client.get_item(
            TableName=self.table_name, Key={"idempotency_key": {"S": key}}, ConsistentRead=True
        ).get("Item")
        return json.loads(item["value"]["S"]) if item else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self.client.put_item(
            TableName=self.table_name,
            Item={"idempotency_key": {"S": key}, "value": {"S": json.dumps(value, sort_keys=True)}},
        )


def create_tables(prefix: str, client: Any = None) -> dict[str, str]:
    """The records table (hand-built), Powertools' table (key ``id``), the ledger and the cache: names."""
    names = {
        "records": f"{prefix}-idempotency",
        "powertools": f"{prefix}-powertools-idempotency",
        "ledger": f"{prefix}-ledger",
        "cache": f"{prefix}-cache",
    }
    ensure_table(names["records"], hash_key="idempotency_key", client=client)
    ensure_table(names["powertools"], hash_key="id", client=client)
    ensure_table(names["ledger"], hash_key="idempotency_key", client=client)
    ensure_table(names["cache"], hash_key="idempotency_key", client=client)
    return names


def executor_from_environment() -> IdempotentExecutor:
    """What the hand-built function builds once per execution environment, from its variables."""
    client = boto3.client("dynamodb")
    return IdempotentExecutor(
        DynamoDbRecordStore(os.environ["IDEMPOTENCY_TABLE"], client),
        DynamoDbLedger(os.environ["LEDGER_TABLE"], client),
        now=lab_now,
        expires_after_s=float(os.environ.get("EXPIRES_AFTER_S", "3600")),
    )


class RequestCounter:
    """Counts DynamoDB requests by (table, operation) from every client created while counting.

    The hook goes on the default session, which botocore copies into each new client: deploy (or
    redeploy) the functions inside :meth:`counting` so their environments' clients are counted.
    """

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._active = False

    @contextmanager
    def counting(self) -> Iterator[RequestCounter]:
        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        session = boto3.DEFAULT_SESSION
        assert session is not None
        unique = f"idempotency-counter-{id(self)}"
        session.events.register("provide-client-params.dynamodb", self._before, unique_id=unique)
        self._active = True
        try:
            yield self
        finally:
            self._active = False
            session.events.unregister("provide-client-params.dynamodb", unique_id=unique)

    def _before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if self._active:
            with self._lock:
                self.calls[(str(params.get("TableName", "")), str(model.name))] += 1

    def of(self, table: str) -> dict[str, int]:
        """Requests to ``table`` by operation."""
        with self._lock:
            return {op: n for (name, op), n in sorted(self.calls.items()) if name == table}

    def total(self, table: str) -> int:
        return sum(self.of(table).values())

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()


_POWERTOOLS_MODULES = (
    "aws_lambda_powertools.utilities.idempotency.base",
    "aws_lambda_powertools.utilities.idempotency.persistence.base",
    "aws_lambda_powertools.utilities.idempotency.persistence.datarecord",
    "aws_lambda_powertools.utilities.idempotency.persistence.dynamodb",
)


@contextmanager
def powertools_on_clock(clock: LabClock) -> Iterator[None]:
    """Make Powertools' idempotency utility read ``clock`` wherever it reads ``datetime.now()``.

    Powertools compares expiry times with the wall clock; the lab skips time on its virtual clock. This
    swaps the ``datetime`` module those Powertools modules imported (process-wide, undone on exit; the
    lab's :mod:`patterns.lab.powertools_clock`), so "the in-progress record expired" can be shown without
    waiting.
    """
    with lab_powertools_on_clock(clock, _POWERTOOLS_MODULES, attribute="dt"):
        yield
