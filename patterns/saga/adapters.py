"""AWS adapters for the saga (DynamoDB stores and log, Lambda invoker, SQS parking) and in-memory fakes.

Every DynamoDB write is conditional where a repeat could do harm, and each adapter counts the writes
it sends (a conditional write that fails is still billed), so the demonstration can price a run.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3

from patterns.lab.clock import LabClock
from patterns.lab.resources import ensure_queue, ensure_table
from patterns.lab.sandbox import Sandbox
from patterns.saga.exceptions import InjectedFaultError
from patterns.saga.orchestrator import CallResult, EntryState, SagaState, SagaStatus
from patterns.saga.service import (
    STEP_BY_ACTION,
    STEPS,
    Order,
    check_fault,
    compensate_step,
    parse_event,
    perform_step,
)

__all__ = [
    "NOMINAL_LATENCY_S",
    "STEP_TIMEOUT_S",
    "DynamoDbSagaLog",
    "DynamoDbServiceStore",
    "FakeClock",
    "InMemoryInvoker",
    "InMemoryParking",
    "InMemorySagaLog",
    "InMemoryServiceStore",
    "LabClockAdapter",
    "LambdaInvoker",
    "SagaResources",
    "SqsParking",
    "create_resources",
    "deploy_handlers",
    "function_name",
    "service_store_from_environment",
]

# Modelled service latency (virtual seconds) of each service's handlers, for the timelines.
NOMINAL_LATENCY_S: dict[str, float] = {
    "inventory": 0.12,
    "payments": 0.3,
    "shipments": 0.2,
    "confirmations": 0.08,
}
# The step functions' Lambda timeout (real seconds in the local runtime; short, so a timeout costs little).
STEP_TIMEOUT_S = 0.5


def _attribute(value: Any) -> dict[str, str]:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"saga records hold strings and integers only, got {value!r}")
    return {"N": str(value)} if isinstance(value, int) else {"S": value}


def _plain(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: int(value["N"]) if "N" in value else value["S"] for key, value in item.items()}


class DynamoDbServiceStore:
    """A service's table keyed by ``saga_id``: conditional create, conditional compensation."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")
        self.writes = 0

    def create(self, saga_id: str, record: dict[str, Any]) -> dict[str, Any] | None:
        self.writes += 1
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={key: _attribute(value) for key, value in {**record, "saga_id": saga_id}.items()},
                ConditionExpression="attribute_not_exists(saga_id)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return self.get(saga_id)
        return None

    def compensate(self, saga_id: str, *, status: str, compensated_status: str) -> str | None:
        self.writes += 1
        try:
            response = self.client.update_item(
                TableName=self.table_name,
                Key={"saga_id": {"S": saga_id}},
                UpdateExpression="SET #status = :compensated",
                ConditionExpression="attribute_not_exists(saga_id) OR #status = :active",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":compensated": {"S": compensated_status},
                    ":active": {"S": status},
                },
                ReturnValues="ALL_OLD",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            current = self.get(saga_id)
            return str(current["status"]) if current else None
        old = response.get("Attributes")
        return str(old["status"]["S"]) if old else None

    def get(self, saga_id: str) -> dict[str, Any] | None:
        item = self.client.get_item(
            TableName=self.table_name, Key={"saga_id": {"S": saga_id}}, ConsistentRead=True
        ).get("Item")
        return _plain(item) if item else None

    def records(self) -> list[dict[str, Any]]:
        pages = self.client.get_paginator("scan").paginate(TableName=self.table_name, ConsistentRead=True)
        return [_plain(item) for page in pages for item in page["Items"]]


class InMemoryServiceStore:
    """The same contract in a dict, for unit and property tests."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.writes = 0
        self.changes: list[tuple[str, str]] = []  # (saga id, new status) for every write that changed data

    def create(self, saga_id: str, record: dict[str, Any]) -> dict[str, Any] | None:
        self.writes += 1
        if saga_id in self.items:
            return dict(self.items[saga_id])
        self.items[saga_id] = {**record, "saga_id": saga_id}
        self.changes.append((saga_id, str(record["status"])))
        return None

    def compensate(self, saga_id: str, *, status: str, compensated_status: str) -> str | None:
        self.writes += 1
        current = self.items.get(saga_id)
        if current is None:
            self.items[saga_id] = {"saga_id": saga_id, "status": compensated_status}
            self.changes.append((saga_id, compensated_status))
            return None
        before = str(current["status"])
        if before == status:
            current["status"] = compensated_status
            self.changes.append((saga_id, compensated_status))
        return before

    def get(self, saga_id: str) -> dict[str, Any] | None:
        item = self.items.get(saga_id)
        return dict(item) if item else None

    def records(self) -> list[dict[str, Any]]:
        return [dict(item) for item in self.items.values()]


def service_store_from_environment() -> DynamoDbServiceStore:
    """The store a handler's environment names (``SERVICE_TABLE``)."""
    return DynamoDbServiceStore(os.environ["SERVICE_TABLE"])


_HEADER = "#saga"


class DynamoDbSagaLog:
    """The saga log: a header item (status, order, faults) and one item per step, keyed (saga_id, entry)."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")
        self.writes = 0

    def begin(self, saga_id: str, order: Order, faults: Mapping[str, Any]) -> SagaState:
        self.writes += 1
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.put_item(
                TableName=self.table_name,
                Item={
                    "saga_id": {"S": saga_id},
                    "entry": {"S": _HEADER},
                    "status": {"S": "RUNNING"},
                    "order": {"S": json.dumps(order.to_dict())},
                    "faults": {"S": json.dumps(dict(faults))},
                },
                ConditionExpression="attribute_not_exists(saga_id)",
            )
        state = self.load(saga_id)
        assert state is not None
        return state

    def load(self, saga_id: str) -> SagaState | None:
        items = self.client.query(
            TableName=self.table_name,
            KeyConditionExpression="saga_id = :id",
            ExpressionAttributeValues={":id": {"S": saga_id}},
            ConsistentRead=True,
        )["Items"]
        return _state(saga_id, items)

    def record(self, saga_id: str, action: str, state: EntryState) -> None:
        self.writes += 1
        self.client.put_item(
            TableName=self.table_name,
            Item={"saga_id": {"S": saga_id}, "entry": {"S": action}, "state": {"S": state}},
        )

    def set_status(self, saga_id: str, status: SagaStatus, *, failed_step: str | None = None) -> None:
        self.writes += 1
        names: dict[str, str] = {"#status": "status"}
        values: dict[str, dict[str, str]] = {":status": {"S": status}}
        expression = "SET #status = :status"
        if failed_step:
            expression += ", failed_step = :failed"
            values[":failed"] = {"S": failed_step}
        self.client.update_item(
            TableName=self.table_name,
            Key={"saga_id": {"S": saga_id}, "entry": {"S": _HEADER}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    def sagas(self) -> list[SagaState]:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for page in self.client.get_paginator("scan").paginate(
            TableName=self.table_name, ConsistentRead=True
        ):
            for item in page["Items"]:
                grouped.setdefault(item["saga_id"]["S"], []).append(item)
        return [state for saga_id, items in grouped.items() if (state := _state(saga_id, items))]


def _state(saga_id: str, items: list[dict[str, Any]]) -> SagaState | None:
    header = next((item for item in items if item["entry"]["S"] == _HEADER), None)
    if header is None:
        return None
    steps: dict[str, Any] = {
        item["entry"]["S"]: item["state"]["S"] for item in items if item["entry"]["S"] != _HEADER
    }
    return SagaState(
        saga_id,
        Order.from_dict(json.loads(header["order"]["S"])),
        _status(header["status"]["S"]),
        json.loads(header["faults"]["S"]),
        steps,
        header.get("failed_step", {}).get("S"),
    )


def _status(value: str) -> SagaStatus:
    if value not in ("RUNNING", "COMPENSATING", "COMPLETED", "COMPENSATED", "PARKED"):
        raise ValueError(f"unknown saga status {value!r} in the saga log")
    return value  # type: ignore[return-value]


class InMemorySagaLog:
    """The saga log in a dict, for unit and property tests."""

    def __init__(self) -> None:
        self.states: dict[str, SagaState] = {}
        self.writes = 0

    def begin(self, saga_id: str, order: Order, faults: Mapping[str, Any]) -> SagaState:
        self.writes += 1
        if saga_id not in self.states:
            self.states[saga_id] = SagaState(saga_id, order, "RUNNING", dict(faults))
        return self._copy(self.states[saga_id])

    def load(self, saga_id: str) -> SagaState | None:
        state = self.states.get(saga_id)
        return self._copy(state) if state else None

    def record(self, saga_id: str, action: str, state: EntryState) -> None:
        self.writes += 1
        self.states[saga_id].steps[action] = state

    def set_status(self, saga_id: str, status: SagaStatus, *, failed_step: str | None = None) -> None:
        self.writes += 1
        self.states[saga_id].status = status
        if failed_step:
            self.states[saga_id].failed_step = failed_step

    def sagas(self) -> list[SagaState]:
        return [self._copy(state) for state in self.states.values()]

    @staticmethod
    def _copy(state: SagaState) -> SagaState:
        return SagaState(
            state.saga_id, state.order, state.status, dict(state.faults), dict(state.steps), state.failed_step
        )


class InMemoryParking:
    """Parked compensations in a list."""

    def __init__(self) -> None:
        self.parked: list[dict[str, Any]] = []

    def park(self, record: dict[str, Any]) -> None:
        self.parked.append(record)


class SqsParking:
    """Parks a compensation as a message on an SQS dead-letter queue, for an operator."""

    def __init__(self, queue_url: str, client: Any = None) -> None:
        self.queue_url = queue_url
        self.client = client or boto3.client("sqs")

    def park(self, record: dict[str, Any]) -> None:
        self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=json.dumps(record),
            MessageAttributes={"saga_id": {"DataType": "String", "StringValue": str(record["saga_id"])}},
        )

    def messages(self) -> list[dict[str, Any]]:
        """Every parked record, left on the queue (received with a zero visibility timeout)."""
        found: dict[str, dict[str, Any]] = {}
        for _ in range(10):
            batch = self.client.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0
            ).get("Messages", [])
            new = [message for message in batch if message["MessageId"] not in found]
            for message in new:
                found[message["MessageId"]] = json.loads(message["Body"])
            if not new:
                break
        return list(found.values())


def function_name(prefix: str, action: str) -> str:
    """The Lambda function name of an action: ``<prefix>-reserve-inventory``."""
    return f"{prefix}-{action.replace('_', '-')}"


class LambdaInvoker:
    """Invokes the deployed handlers through boto3's Lambda client (answered by the local runtime).

    ``duplicate(action, attempt)`` says when to deliver a request twice (the second answer is used), as
    a retried network call or an at-least-once queue would. Durations on the virtual clock are the
    modelled latency of the action's service, or the function's timeout when it timed out.
    """

    def __init__(
        self,
        prefix: str,
        client: Any = None,
        *,
        timeout_s: float = STEP_TIMEOUT_S,
        duplicate: Callable[[str, int], bool] | None = None,
    ) -> None:
        self.prefix = prefix
        self.client = client or boto3.client("lambda")
        self.timeout_s = timeout_s
        self.duplicate = duplicate
        self.invocations = 0
        self.service_writes = 0  # each handler that passes its fault check sends exactly one write

    def invoke(self, action: str, event: dict[str, Any]) -> CallResult:
        deliveries = 2 if self.duplicate and self.duplicate(action, int(event.get("attempt", 1))) else 1
        result = CallResult(False, None, "NotInvoked", 0.0)
        for _ in range(deliveries):
            result = self._invoke_once(action, event)
            self.invocations += 1
            self.service_writes += result.error_type != "InjectedFaultError"
        return result

    def _invoke_once(self, action: str, event: dict[str, Any]) -> CallResult:
        response = self.client.invoke(
            FunctionName=function_name(self.prefix, action), Payload=json.dumps(event)
        )
        payload = json.loads(response["Payload"].read() or b"null")
        latency = NOMINAL_LATENCY_S[STEP_BY_ACTION[action].service]
        if "FunctionError" in response:
            error_type = payload.get("errorType") if isinstance(payload, dict) else None
            timed_out = error_type == "Sandbox.Timedout"
            return CallResult(False, None, error_type, self.timeout_s if timed_out else latency)
        return CallResult(True, payload.get("outcome"), None, latency)


class InMemoryInvoker:
    """Calls the service logic directly on in-memory stores: the fake of :class:`LambdaInvoker`.

    Faults, timeouts (the effect happens, the caller sees ``Sandbox.Timedout``), duplicates and
    virtual durations behave as with the deployed handlers.
    """

    def __init__(
        self,
        stores: Mapping[str, InMemoryServiceStore] | None = None,
        *,
        timeout_s: float = STEP_TIMEOUT_S,
        duplicate: Callable[[str, int], bool] | None = None,
    ) -> None:
        self.stores = dict(stores) if stores else {spec.service: InMemoryServiceStore() for spec in STEPS}
        self.timeout_s = timeout_s
        self.duplicate = duplicate
        self.invocations = 0

    def invoke(self, action: str, event: dict[str, Any]) -> CallResult:
        deliveries = 2 if self.duplicate and self.duplicate(action, int(event.get("attempt", 1))) else 1
        result = CallResult(False, None, "NotInvoked", 0.0)
        for _ in range(deliveries):
            result = self._invoke_once(action, event)
            self.invocations += 1
        return result

    def _invoke_once(self, action: str, event: dict[str, Any]) -> CallResult:
        spec = STEP_BY_ACTION[action]
        latency = NOMINAL_LATENCY_S[spec.service]
        saga_id, order, attempt, faults = parse_event(event, action)
        try:
            fault = check_fault(faults, action, attempt)
        except InjectedFaultError:
            return CallResult(False, None, "InjectedFaultError", latency)
        store = self.stores[spec.service]
        if action == spec.action:
            outcome: str = perform_step(spec, saga_id, order, store, "")
        else:
            outcome = compensate_step(spec, saga_id, store)
        if fault == "timeout":
            return CallResult(False, None, "Sandbox.Timedout", self.timeout_s)
        return CallResult(True, outcome, None, latency)

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """Each service's records."""
        return {service: store.records() for service, store in self.stores.items()}


class FakeClock:
    """A virtual clock that only moves when told to."""

    def __init__(self) -> None:
        self.elapsed = 0.0

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds


class LabClockAdapter:
    """The lab's :class:`LabClock` as the orchestrator's virtual clock."""

    def __init__(self, clock: LabClock) -> None:
        self.clock = clock

    @property
    def elapsed(self) -> float:
        return self.clock.elapsed

    def advance(self, seconds: float) -> None:
        self.clock.advance_to(self.clock.elapsed + seconds)


@dataclass(frozen=True)
class SagaResources:
    """What the saga needs in AWS: one table per service, the saga log, and the parking queue."""

    prefix: str
    service_tables: dict[str, str]
    log_table: str
    parking_queue_url: str


def create_resources(prefix: str = "saga") -> SagaResources:
    """Create (or find) the four service tables, the saga log table and the parking queue."""
    tables = {spec.service: f"{prefix}-{spec.service}" for spec in STEPS}
    for table in tables.values():
        ensure_table(table, hash_key="saga_id")
    log_table = f"{prefix}-saga-log"
    ensure_table(log_table, hash_key="saga_id", range_key="entry")
    queue = ensure_queue(f"{prefix}-parked-compensations")
    return SagaResources(prefix, tables, log_table, queue.url)


def deploy_handlers(
    sandbox: Sandbox, resources: SagaResources, *, timeout_s: float = STEP_TIMEOUT_S
) -> dict[str, str]:
    """Deploy the eight handlers (``<prefix>-<action>``), each with its service's table; action -> ARN."""
    arns = {}
    for spec in STEPS:
        environment = {"SERVICE_TABLE": resources.service_tables[spec.service]}
        for action in (spec.action, spec.compensation):
            arns[action] = sandbox.deploy(
                function_name(resources.prefix, action),
                f"patterns.saga.handlers.{action}",
                timeout_s=timeout_s,
                environment=environment,
            )
    return arns
