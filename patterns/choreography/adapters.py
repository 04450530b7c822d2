"""AWS adapters: each step's own DynamoDB table, the bus publisher (with its contract check), the
synchronous invoker, the email queue, and the deployment of both compositions to the sandbox.

Clients are created on first use in each execution environment, never at import time.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import boto3

from patterns.choreography.contracts import validate_event
from patterns.choreography.exceptions import DownstreamFailedError
from patterns.choreography.service import SOURCE, WORK_MS, Composition, Step, chain
from patterns.lab.resources import ensure_queue, ensure_table
from patterns.lab.sandbox import Sandbox

__all__ = [
    "SYNC_TIMEOUT_S",
    "EventPublisher",
    "Flow",
    "FulfilmentStore",
    "LambdaInvoker",
    "Mailer",
    "PaymentStore",
    "StepStore",
    "client",
    "deploy_flow",
    "drain_queue",
    "function_name",
    "step_settings",
    "table_items",
]

SYNC_TIMEOUT_S = 10.0
"""Every function's timeout: a synchronous caller must outlive everything it waits for."""

_clients: dict[str, Any] = {}


def client(service: str) -> Any:
    """One boto3 client per service per execution environment, made on first use."""
    if service not in _clients:
        _clients[service] = boto3.client(service)  # type: ignore[call-overload]
    return _clients[service]


def _attribute(value: Any) -> dict[str, str]:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"step records hold strings and integers only, got {value!r}")
    return {"N": str(value)} if isinstance(value, int) else {"S": value}


def _plain(item: Mapping[str, Any]) -> dict[str, Any]:
    return {key: int(value["N"]) if "N" in value else value["S"] for key, value in item.items()}


class StepStore:
    """A step's own table keyed by ``order_id``: what the step did for each order."""

    def __init__(self, table_name: str, dynamodb: Any = None) -> None:
        self.table_name = table_name
        self.dynamodb = dynamodb or client("dynamodb")

    def record(self, order_id: str, **attributes: Any) -> None:
        item = {"order_id": order_id, **attributes}
        self.dynamodb.put_item(TableName=self.table_name, Item={k: _attribute(v) for k, v in item.items()})

    def get(self, order_id: str) -> dict[str, Any] | None:
        response = self.dynamodb.get_item(
            TableName=self.table_name, Key={"order_id": {"S": order_id}}, ConsistentRead=True
        )
        return _plain(response["Item"]) if "Item" in response else None


class PaymentStore(StepStore):
    """The payment service's table: one charge per order, whatever the number of deliveries."""

    def charge(self, order_id: str, amount_cents: int, correlation_id: str) -> str:
        """Charge once (a conditional write); a repeat returns the first charge's payment id."""
        payment_id = f"pay-{uuid.uuid4().hex[:12]}"
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item={
                    "order_id": {"S": order_id},
                    "payment_id": {"S": payment_id},
                    "amount_cents": {"N": str(amount_cents)},
                    "correlation_id": {"S": correlation_id},
                    "status": {"S": "CHARGED"},
                },
                ConditionExpression="attribute_not_exists(order_id)",
            )
        except self.dynamodb.exceptions.ConditionalCheckFailedException:
            existing = self.get(order_id)
            assert existing is not None
            return str(existing["payment_id"])
        return payment_id


class FulfilmentStore(StepStore):
    """The fulfilment service's table."""

    def mark_fulfilled(self, order_id: str, payment_id: str, correlation_id: str) -> None:
        """Seed 001's ``db.order.update``: an unconditional write, as happy the second time as the first."""
        self.dynamodb.update_item(
            TableName=self.table_name,
            Key={"order_id": {"S": order_id}},
            UpdateExpression="SET #s = :s, payment_id = :p, correlation_id = :c",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={
                ":s": {"S": "FULFILLED"},
                ":p": {"S": payment_id},
                ":c": {"S": correlation_id},
            },
        )

    def claim(self, order_id: str, payment_id: str, correlation_id: str) -> bool:
        """Record the fulfilment only if there is none (a conditional write); False: already fulfilled."""
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item={
                    "order_id": {"S": order_id},
                    "payment_id": {"S": payment_id},
                    "correlation_id": {"S": correlation_id},
                    "status": {"S": "FULFILLED"},
                },
                ConditionExpression="attribute_not_exists(order_id)",
            )
        except self.dynamodb.exceptions.ConditionalCheckFailedException:
            return False
        return True


class Mailer:
    """The email service's inbox (an SQS queue): one message per confirmation sent."""

    def __init__(self, queue_url: str, sqs: Any = None) -> None:
        self.queue_url = queue_url
        self.sqs = sqs or client("sqs")

    def send(self, message: Mapping[str, Any]) -> None:
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(dict(message)))


class EventPublisher:
    """Publishes to the bus; with ``check_contracts`` a detail that breaks its schema never leaves."""

    def __init__(self, bus_name: str, *, check_contracts: bool = True, events: Any = None) -> None:
        self.bus_name = bus_name
        self.check_contracts = check_contracts
        self.events = events or client("events")

    def publish(self, detail_type: str, detail: Mapping[str, Any]) -> None:
        if self.check_contracts:
            validate_event(detail_type, dict(detail))
        response = self.events.put_events(
            Entries=[
                {
                    "Source": SOURCE,
                    "DetailType": detail_type,
                    "Detail": json.dumps(dict(detail)),
                    "EventBusName": self.bus_name,
                }
            ]
        )
        if response.get("FailedEntryCount"):
            raise RuntimeError(f"EventBridge refused {detail_type}: {response['Entries']}")


class LambdaInvoker:
    """Calls the next function synchronously (``RequestResponse``) and waits for its answer."""

    def __init__(self, lambda_client: Any = None) -> None:
        self.lambda_client = lambda_client or client("lambda")

    def call(self, function: str, payload: Mapping[str, Any]) -> Any:
        response = self.lambda_client.invoke(
            FunctionName=function, InvocationType="RequestResponse", Payload=json.dumps(dict(payload))
        )
        result = json.loads(response["Payload"].read() or b"null")
        if response.get("FunctionError"):
            error = result if isinstance(result, dict) else {}
            raise DownstreamFailedError(
                function, str(error.get("errorType", "Unhandled")), str(error.get("errorMessage", ""))
            )
        return result


def function_name(prefix: str, step: str) -> str:
    return f"{prefix}-{step}"


@dataclass(frozen=True)
class Flow:
    """A deployed flow: its functions, tables, queues and (by events) its bus."""

    prefix: str
    composition: Composition
    steps: tuple[Step, ...]
    tables: dict[str, str]
    email_queue_url: str
    failed_queue_url: str
    bus_name: str | None = None
    failing_step: str | None = None
    functions: dict[str, str] = field(default_factory=dict)

    def function(self, step: str) -> str:
        return function_name(self.prefix, step)


def deploy_flow(
    sandbox: Sandbox,
    prefix: str,
    composition: Composition,
    *,
    steps: int = 3,
    failing_step: str | None = None,
    fulfil_handler: str = "fulfil_once",
    check_contracts: bool = True,
    payment_event_version: int = 1,
) -> Flow:
    """Create each step's table and the queues, and deploy the chain composed by ``composition``.

    ``events``: a bus, one rule per step on the event it reacts to (targets: the function), and failed
    asynchronous invocations sent to a queue (the functions' on-failure destination).
    ``invoke``: each function's environment names the function it calls. Redeploying replaces both.
    """
    flow_steps = chain(steps)
    names = {step.name for step in flow_steps}
    if failing_step is not None and failing_step not in names:
        raise ValueError(f"failing_step must be one of {sorted(names)} or None, got {failing_step!r}")
    tables = {}
    for step in flow_steps:
        tables[step.name] = function_name(prefix, step.name)
        ensure_table(tables[step.name], hash_key="order_id")
    emails = ensure_queue(f"{prefix}-emails")
    failed = ensure_queue(f"{prefix}-failed")
    bus_name = None
    if composition == "events":
        events = sandbox.client("events")
        bus_name = f"{prefix}-bus"
        with contextlib.suppress(events.exceptions.ResourceAlreadyExistsException):
            events.create_event_bus(Name=bus_name)
    functions = {}
    for index, step in enumerate(flow_steps):
        after = flow_steps[index + 1] if index + 1 < len(flow_steps) else None
        handler = fulfil_handler if step.name == "fulfil" else step.handler
        environment = {
            "COMPOSITION": composition,
            "STEP": step.name,
            "EMITS": step.emits,
            "TABLE_NAME": tables[step.name],
            "EMAIL_QUEUE_URL": emails.url,
            "FAIL": "1" if step.name == failing_step else "",
            "CHECK_CONTRACTS": "1" if check_contracts else "",
            "PAYMENT_EVENT_VERSION": str(payment_event_version),
            "NEXT_FUNCTION": function_name(prefix, after.name) if composition == "invoke" and after else "",
            "BUS_NAME": bus_name or "",
            "WORK_MS": str(WORK_MS.get(step.handler, 0.0)),
        }
        name = function_name(prefix, step.name)
        functions[step.name] = sandbox.deploy(
            name,
            f"patterns.choreography.handlers.{handler}",
            environment=environment,
            timeout_s=SYNC_TIMEOUT_S,
            on_failure=failed.arn,
        )
        if composition == "events" and step.consumes:
            pattern = {"source": [SOURCE], "detail-type": [step.consumes]}
            events.put_rule(Name=name, EventBusName=bus_name, EventPattern=json.dumps(pattern))
            events.put_targets(
                Rule=name, EventBusName=bus_name, Targets=[{"Id": step.name, "Arn": functions[step.name]}]
            )
    return Flow(
        prefix,
        composition,
        flow_steps,
        tables,
        emails.url,
        failed.url,
        bus_name,
        failing_step,
        functions,
    )


def drain_queue(sandbox: Sandbox, queue_url: str) -> list[Any]:
    """Receive and delete everything on a queue; the JSON bodies, in the order received."""
    sqs, bodies = sandbox.client("sqs"), []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(message["Body"]) for message in batch]
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
        )
    return bodies


def table_items(
    sandbox: Sandbox, tables: Sequence[str] | Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Every item of each table (``{step: table}`` or a list of names), keyed like the input."""
    dynamodb = sandbox.client("dynamodb")
    named = dict(tables) if isinstance(tables, Mapping) else {name: name for name in tables}
    return {
        key: [_plain(item) for item in dynamodb.scan(TableName=table)["Items"]]
        for key, table in named.items()
    }


def step_settings() -> dict[str, str]:
    """This function's settings, from its environment (see :func:`deploy_flow`)."""
    return {
        key: os.environ.get(key, "")
        for key in (
            "COMPOSITION",
            "STEP",
            "EMITS",
            "TABLE_NAME",
            "EMAIL_QUEUE_URL",
            "FAIL",
            "CHECK_CONTRACTS",
            "PAYMENT_EVENT_VERSION",
            "NEXT_FUNCTION",
            "BUS_NAME",
            "WORK_MS",
        )
    }
