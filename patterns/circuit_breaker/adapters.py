"""AWS access for the circuit breaker: its state as one DynamoDB item written with a version check, the
table, and the clock handlers read (the lab's virtual clock while a sandbox runs, else the wall clock)."""

from __future__ import annotations

import datetime as _datetime
import time
import types
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from patterns.circuit_breaker.exceptions import StoreUnavailableError
from patterns.circuit_breaker.service import CLOSED, HALF_OPEN, OPEN, BreakerState, StateName
from patterns.lab.clock import LabClock
from patterns.lab.resources import ensure_table

__all__ = [
    "KEY",
    "DynamoDbBreakerStore",
    "count_requests",
    "create_table",
    "lab_now",
    "powertools_on_clock",
    "powertools_version",
]

KEY = "circuit"
_STATES: dict[str, StateName] = {CLOSED: CLOSED, OPEN: OPEN, HALF_OPEN: HALF_OPEN}


def lab_now() -> float:
    """Seconds: the sandbox's virtual clock while one runs (the lab), else the wall clock (Lambda)."""
    from patterns.lab.exceptions import SandboxError
    from patterns.lab.sandbox import current_sandbox

    try:
        return current_sandbox().clock.timestamp()
    except SandboxError:
        return time.time()


def powertools_version() -> tuple[str, bool]:
    """The installed aws-lambda-powertools release, and whether it ships a circuit breaker utility."""
    import importlib.metadata
    import importlib.util

    version = importlib.metadata.version("aws-lambda-powertools")
    present = importlib.util.find_spec("aws_lambda_powertools.utilities.circuit_breaker") is not None
    return version, present


def create_table(name: str, client: Any = None) -> str:
    """The breakers' table (one item per circuit, keyed by its name); returns its ARN."""
    return ensure_table(name, hash_key=KEY, client=client)


def _number(item: dict[str, Any], name: str) -> float | None:
    return float(item[name]["N"]) if name in item else None


class DynamoDbBreakerStore:
    """One circuit's state in a DynamoDB item shared by every execution environment.

    ``load`` is a strongly consistent ``GetItem``; ``save`` a ``PutItem`` with
    ``ConditionExpression="#version = :expected"`` (or "no item yet" for version 0), so of two
    environments that read the same version, exactly one write lands. ``reads`` and ``writes`` count the
    requests sent (a refused conditional write is billed too).
    """

    def __init__(self, table: str, circuit: str, client: Any = None) -> None:
        self.table = table
        self.circuit = circuit
        self.client = client or boto3.client("dynamodb")
        self.reads = 0
        self.writes = 0

    def load(self) -> BreakerState:
        self.reads += 1
        try:
            response = self.client.get_item(
                TableName=self.table, Key={KEY: {"S": self.circuit}}, ConsistentRead=True
            )
        except (BotoCoreError, ClientError) as error:
            raise StoreUnavailableError(f"reading circuit {self.circuit!r}: {error}") from error
        item = response.get("Item")
        if item is None:
            return BreakerState()
        return BreakerState(
            state=_STATES[item["state"]["S"]],
            version=int(item["version"]["N"]),
            window_start=float(item["window_start"]["N"]),
            calls=int(item["calls"]["N"]),
            failures=int(item["failures"]["N"]),
            opened_at=_number(item, "opened_at"),
            probe_until=_number(item, "probe_until"),
        )

    def save(self, new: BreakerState, expected_version: int) -> bool:
        item: dict[str, Any] = {
            KEY: {"S": self.circuit},
            "state": {"S": new.state},
            "version": {"N": str(new.version)},
            "window_start": {"N": repr(new.window_start)},
            "calls": {"N": str(new.calls)},
            "failures": {"N": str(new.failures)},
        }
        if new.opened_at is not None:
            item["opened_at"] = {"N": repr(new.opened_at)}
        if new.probe_until is not None:
            item["probe_until"] = {"N": repr(new.probe_until)}
        condition = "#version = :expected"
        if expected_version == 0:
            condition = "attribute_not_exists(#version) OR " + condition
        self.writes += 1
        try:
            self.client.put_item(
                TableName=self.table,
                Item=item,
                ConditionExpression=condition,
                ExpressionAttributeNames={"#version": "version"},
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        except (BotoCoreError, ClientError) as error:
            raise StoreUnavailableError(f"writing circuit {self.circuit!r}: {error}") from error
        return True


_READS = {"GetItem", "Query", "Scan", "BatchGetItem"}
_POWERTOOLS_CLOCKED = (
    "aws_lambda_powertools.utilities.circuit_breaker.base",
    "aws_lambda_powertools.utilities.circuit_breaker.persistence.base",
    "aws_lambda_powertools.utilities.circuit_breaker.persistence.dynamodb",
)


def count_requests(counts: MutableMapping[str, Any]) -> Any:
    """A new DynamoDB client adding each request it sends to ``counts["reads"]`` or ``counts["writes"]``."""
    client = boto3.client("dynamodb")

    def count(model: Any, **_: Any) -> None:
        key = "reads" if model.name in _READS else "writes"
        counts[key] = counts.get(key, 0) + 1

    client.meta.events.register("before-call.dynamodb", count)
    return client


def _clock_datetime_module(clock: LabClock) -> types.ModuleType:
    """A ``datetime`` module whose ``datetime.now()`` is the lab clock's (naive local time, as the real
    one returns); everything else is the real module's."""

    class ClockDatetime(_datetime.datetime):
        @classmethod
        def now(cls, tz: _datetime.tzinfo | None = None) -> ClockDatetime:
            moment = clock.now()
            local = moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)
            return cls.fromisoformat(local.isoformat())

    module = types.ModuleType("datetime")
    module.__dict__.update({k: v for k, v in vars(_datetime).items() if not k.startswith("__")})
    module.datetime = ClockDatetime  # type: ignore[attr-defined]
    return module


@contextmanager
def powertools_on_clock(clock: LabClock) -> Iterator[None]:
    """Make Powertools' circuit breaker read ``clock`` wherever it reads ``datetime.now()`` (its open
    period, probe lease and state cache), process-wide, for the block."""
    import importlib

    modules = [importlib.import_module(name) for name in _POWERTOOLS_CLOCKED]
    saved = [getattr(module, "dt") for module in modules]  # noqa: B009 - a module attribute mypy cannot see
    shim = _clock_datetime_module(clock)
    for module in modules:
        setattr(module, "dt", shim)  # noqa: B010
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            setattr(module, "dt", original)  # noqa: B010
