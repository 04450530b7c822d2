"""AWS access of the three services (each its own tables), the bus, the scheduler, and the deployment of
both designs to the sandbox: database per service talking by events, and the shared database.

Clients are created on first use in each execution environment, never at import time.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import boto3

from patterns.lab.gateway import FrontDoor
from patterns.lab.resources import Queue, ensure_queue, ensure_table
from patterns.lab.sandbox import Sandbox
from patterns.lab.sources import SqsEventSourceMapping, sqs_event_source
from patterns.microservices.exceptions import DuplicateEmailError, NotFoundError, ServiceDownError
from patterns.microservices.service import SOURCES, CallRecord, CustomerCopy, Service

__all__ = [
    "MEMORY_MB",
    "CallLog",
    "CopyStore",
    "CustomerStore",
    "Design",
    "EventPublisher",
    "Mailer",
    "OrderStore",
    "Shop",
    "StockStore",
    "UniqueEmail",
    "WelcomeScheduler",
    "client",
    "deploy_shop",
    "queue_depth",
    "record_calls",
    "set_down",
    "setting",
]

Design = Literal["events", "shared"]
UniqueEmail = Literal["transaction", "query-then-add"]
MEMORY_MB = 256
_clients: dict[str, Any] = {}


def client(service: str) -> Any:
    """One boto3 client per service per execution environment, made on first use."""
    if service not in _clients:
        _clients[service] = boto3.client(service)  # type: ignore[call-overload]
    return _clients[service]


def setting(name: str) -> str:
    """One of this function's settings, from its environment (see :func:`deploy_shop`)."""
    return os.environ.get(name, "")


def check_up(service: str) -> None:
    """Raise ServiceDownError while the demonstration has switched ``service`` off."""
    if setting("DOWN") == "1":
        raise ServiceDownError(service)


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


class CustomerStore:
    """The customers table: customers, and one ``email#...`` item per address so an email is unique.

    ``schema`` 1 stores ``credit_status`` as a string; schema 2 (the customers team's later change)
    stores ``credit`` as a map ``{"status": ...}``. Only the customers service reads this table, so
    only its own code has to follow the change.
    """

    def __init__(self, table: str, schema: int = 1, dynamodb: Any = None) -> None:
        self.table, self.schema = table, schema
        self.dynamodb = dynamodb or client("dynamodb")

    def _credit(self, status: str) -> dict[str, Any]:
        if self.schema == 2:
            return {"credit": {"M": {"status": _s(status)}}}
        return {"credit_status": _s(status)}

    def register(self, fields: Mapping[str, str], at: datetime) -> dict[str, Any]:
        """Store a new customer and claim their email in one transaction (409 if the email is taken)."""
        customer_id = f"c-{uuid.uuid4().hex[:10]}"
        item = self._item(customer_id, fields, at)
        try:
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": {"customer_id": _s(f"email#{fields['email']}"), "owner": _s(customer_id)},
                            "ConditionExpression": "attribute_not_exists(customer_id)",
                        }
                    },
                    {"Put": {"TableName": self.table, "Item": item}},
                ]
            )
        except self.dynamodb.exceptions.TransactionCanceledException:
            raise DuplicateEmailError(fields["email"]) from None
        return self.get(customer_id)

    def register_like_the_seed(self, fields: Mapping[str, str], at: datetime) -> dict[str, Any]:
        """Seed 000's way: look for the email first (its ``where('email', '==', ...)``), then add. Two
        registrations that both look before either adds both pass the check."""
        found = self.dynamodb.scan(
            TableName=self.table,
            FilterExpression="email = :email",
            ExpressionAttributeValues={":email": _s(fields["email"])},
            ConsistentRead=True,
        )["Items"]
        if found:
            raise DuplicateEmailError(fields["email"])
        customer_id = f"c-{uuid.uuid4().hex[:10]}"
        self.dynamodb.put_item(TableName=self.table, Item=self._item(customer_id, fields, at))
        return self.get(customer_id)

    def _item(self, customer_id: str, fields: Mapping[str, str], at: datetime) -> dict[str, Any]:
        return {
            "customer_id": _s(customer_id),
            "email": _s(fields["email"]),
            "name": _s(fields["name"]),
            "company": _s(fields.get("company", "")),
            "status": _s("pending"),
            "version": _n(1),
            "created_at": _s(at.isoformat()),
            **self._credit("good"),
        }

    def get(self, customer_id: str) -> dict[str, Any]:
        found = self.dynamodb.get_item(
            TableName=self.table, Key={"customer_id": _s(customer_id)}, ConsistentRead=True
        ).get("Item")
        if found is None or customer_id.startswith("email#"):
            raise NotFoundError("customer", customer_id)
        credit = found["credit"]["M"]["status"]["S"] if "credit" in found else found["credit_status"]["S"]
        return {
            "customer_id": customer_id,
            "email": found["email"]["S"],
            "name": found["name"]["S"],
            "status": found["status"]["S"],
            "credit_status": credit,
            "version": int(found["version"]["N"]),
        }

    def update(
        self, customer_id: str, *, credit_status: str | None = None, status: str | None = None
    ) -> dict[str, Any]:
        """Change a customer and raise its version by one; the customer as it now is."""
        names, values, sets = {}, {":one": _n(1)}, ["version = version + :one"]
        if credit_status is not None:
            if self.schema == 2:
                sets.append("credit = :credit")
                values[":credit"] = {"M": {"status": _s(credit_status)}}  # type: ignore[dict-item]
            else:
                sets.append("credit_status = :credit")
                values[":credit"] = _s(credit_status)
        if status is not None:
            sets.append("#status = :status")
            names["#status"] = "status"
            values[":status"] = _s(status)
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key={"customer_id": _s(customer_id)},
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression="attribute_exists(customer_id)",
                ExpressionAttributeValues=values,
                **({"ExpressionAttributeNames": names} if names else {}),
            )
        except self.dynamodb.exceptions.ConditionalCheckFailedException:
            raise NotFoundError("customer", customer_id) from None
        return self.get(customer_id)


class CopyStore:
    """The orders service's copy of customers, in its own table; newer versions only."""

    def __init__(self, table: str, dynamodb: Any = None) -> None:
        self.table = table
        self.dynamodb = dynamodb or client("dynamodb")

    def apply(self, copy: CustomerCopy) -> bool:
        """Write ``copy`` unless the table holds this version or a newer one; True if written."""
        try:
            self.dynamodb.put_item(
                TableName=self.table,
                Item={
                    "customer_id": _s(copy.customer_id),
                    "name": _s(copy.name),
                    "credit_status": _s(copy.credit_status),
                    "version": _n(copy.version),
                },
                ConditionExpression="attribute_not_exists(customer_id) OR version < :v",
                ExpressionAttributeValues={":v": _n(copy.version)},
            )
        except self.dynamodb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get(self, customer_id: str) -> CustomerCopy | None:
        found = self.dynamodb.get_item(TableName=self.table, Key={"customer_id": _s(customer_id)}).get("Item")
        if found is None:
            return None
        return CustomerCopy(
            customer_id, found["name"]["S"], found["credit_status"]["S"], int(found["version"]["N"])
        )


class OrderStore:
    """The orders table."""

    def __init__(self, table: str, dynamodb: Any = None) -> None:
        self.table = table
        self.dynamodb = dynamodb or client("dynamodb")

    def create(
        self, customer_id: str, customer_name: str, sku: str, quantity: int, status: str
    ) -> dict[str, Any]:
        order: dict[str, Any] = {
            "order_id": f"o-{uuid.uuid4().hex[:10]}",
            "customer_id": customer_id,
            "customer_name": customer_name,
            "sku": sku,
            "quantity": quantity,
            "status": status,
        }
        self.dynamodb.put_item(
            TableName=self.table,
            Item={k: _n(v) if isinstance(v, int) else _s(v) for k, v in order.items()},
        )
        return order

    def get(self, order_id: str) -> dict[str, Any]:
        found = self.dynamodb.get_item(
            TableName=self.table, Key={"order_id": _s(order_id)}, ConsistentRead=True
        ).get("Item")
        if found is None:
            raise NotFoundError("order", order_id)
        return {k: int(v["N"]) if "N" in v else v["S"] for k, v in found.items()}

    def settle(self, order_id: str, status: str) -> bool:
        """Move a PENDING order to ``status``; False if it was already settled (a repeated event)."""
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key={"order_id": _s(order_id)},
                UpdateExpression="SET #s = :new",
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":new": _s(status), ":pending": _s("PENDING")},
            )
        except self.dynamodb.exceptions.ConditionalCheckFailedException:
            return False
        return True


class StockStore:
    """The inventory table: units available per SKU, and the orders already reserved (once each)."""

    def __init__(self, table: str, dynamodb: Any = None) -> None:
        self.table = table
        self.dynamodb = dynamodb or client("dynamodb")

    def put(self, sku: str, available: int) -> None:
        self.dynamodb.put_item(TableName=self.table, Item={"sku": _s(sku), "available": _n(available)})

    def available(self, sku: str) -> int:
        found = self.dynamodb.get_item(TableName=self.table, Key={"sku": _s(sku)}, ConsistentRead=True).get(
            "Item"
        )
        if found is None:
            raise NotFoundError("sku", sku)
        return int(found["available"]["N"])

    def reserve(self, order_id: str, sku: str, quantity: int) -> bool | None:
        """Take ``quantity`` of ``sku`` for ``order_id`` once: True reserved, False not enough stock,
        None if this order was reserved before (a redelivered event)."""
        try:
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": {"sku": _s(sku)},
                            "UpdateExpression": "SET available = available - :q",
                            "ConditionExpression": "available >= :q",
                            "ExpressionAttributeValues": {":q": _n(quantity)},
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": {"sku": _s(f"reservation#{order_id}"), "quantity": _n(quantity)},
                            "ConditionExpression": "attribute_not_exists(sku)",
                        }
                    },
                ]
            )
        except self.dynamodb.exceptions.TransactionCanceledException as error:
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                return None
            return False
        return True


class EventPublisher:
    """Publishes a service's events to the shared bus (the bus is the only thing the services share)."""

    def __init__(self, bus_name: str, service: Service, events: Any = None) -> None:
        self.bus_name, self.source = bus_name, SOURCES[service]
        self.events = events or client("events")

    def publish(self, detail_type: str, detail: Mapping[str, Any]) -> None:
        response = self.events.put_events(
            Entries=[
                {
                    "Source": self.source,
                    "DetailType": detail_type,
                    "Detail": json.dumps(dict(detail)),
                    "EventBusName": self.bus_name,
                }
            ]
        )
        if response.get("FailedEntryCount"):
            raise RuntimeError(f"EventBridge refused {detail_type}: {response['Entries']}")


class WelcomeScheduler:
    """Seed 000's Cloud Tasks, on AWS: one-time EventBridge Scheduler ``at()`` schedules with a Lambda
    target, deleted after they fire."""

    def __init__(self, target_arn: str, group: str = "default", scheduler: Any = None) -> None:
        self.target_arn, self.group = target_arn, group
        self.scheduler = scheduler or client("scheduler")

    def schedule(self, name: str, at: datetime, payload: Mapping[str, Any]) -> None:
        self.scheduler.create_schedule(
            Name=name,
            GroupName=self.group,
            ScheduleExpression=f"at({at.astimezone(UTC):%Y-%m-%dT%H:%M:%S})",
            FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion="DELETE",
            Target={
                "Arn": self.target_arn,
                "RoleArn": "arn:aws:iam::123456789012:role/scheduler-invokes-mailer",
                "Input": json.dumps(dict(payload)),
            },
        )


class Mailer:
    """The email service's inbox (an SQS queue): one message per email sent."""

    def __init__(self, queue_url: str, sqs: Any = None) -> None:
        self.queue_url = queue_url
        self.sqs = sqs or client("sqs")

    def send(self, message: Mapping[str, Any]) -> None:
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(dict(message)))


# ---- counting who calls whom --------------------------------------------------------------------

_RESOURCE_PARAMETERS = ("TableName", "FunctionName", "EventBusName", "QueueUrl", "Name")


@dataclass
class CallLog:
    """Every AWS call functions made while recording (the caller is the function running it)."""

    records: list[CallRecord] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _before_call(self, model: Any = None, params: Any = None, **_: Any) -> None:
        """botocore ``before-parameter-build``: ``params`` are the operation's own parameters."""
        caller = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        if caller is None or model is None:
            return
        params = params if isinstance(params, dict) else {}
        entries = params.get("Entries") or params.get("TransactItems") or [params]
        for entry in entries:
            inner = next(iter(entry.values())) if "TransactItems" in params else entry
            resource = next((str(inner[key]) for key in _RESOURCE_PARAMETERS if key in inner), "")
            resource = resource.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            service = model.service_model.service_id.hyphenize()
            with self._lock:
                self.records.append(CallRecord(caller, service, model.name, resource))

    def since(self, mark: int) -> list[CallRecord]:
        """The records after the first ``mark`` ones."""
        with self._lock:
            return self.records[mark:]


@contextlib.contextmanager
def record_calls() -> Iterator[CallLog]:
    """Record the AWS calls of functions whose clients are made while this is open (start it before the
    functions' first invocations: a client copies its session's event handlers when it is made)."""
    log = CallLog()
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    session = boto3.DEFAULT_SESSION
    assert session is not None
    unique = f"microservices-calls-{id(log)}"
    session.events.register("before-parameter-build", log._before_call, unique_id=unique)
    try:
        yield log
    finally:
        session.events.unregister("before-parameter-build", unique_id=unique)


# ---- deployment ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shop:
    """A deployed design: its front door, functions, tables, queues, mappings and who owns what."""

    design: Design
    prefix: str
    door: FrontDoor
    tables: dict[str, str]
    functions: dict[str, str]
    owners: dict[str, str]
    """Function and resource name -> the service that owns it."""
    queues: dict[str, Queue] = field(default_factory=dict)
    mappings: dict[str, SqsEventSourceMapping] = field(default_factory=dict)
    bus_name: str = ""

    def function(self, role: str) -> str:
        return self.functions[role]

    def close(self, sandbox: Sandbox) -> None:
        """Stop polling this deployment's queues and delete its schedules (so later experiments do not
        poll or fire them too)."""
        for mapping in self.mappings.values():
            if mapping in sandbox.sources:
                sandbox.remove_source(mapping)
        scheduler = sandbox.client("scheduler")
        for schedule in scheduler.list_schedules(GroupName=self.prefix)["Schedules"]:
            scheduler.delete_schedule(Name=schedule["Name"], GroupName=self.prefix)


HANDLERS = "patterns.microservices.handlers"


def _routes(functions: Mapping[str, str]) -> dict[str, str]:
    orders = functions["orders-api"]
    routes = {"POST /orders": orders, "GET /orders/{id}": orders}
    if "inventory-api" in functions:
        routes |= {
            "GET /stock/{sku}": functions["inventory-api"],
            "PUT /stock/{sku}": functions["inventory-api"],
        }
    customers = functions["customers-api"]
    routes |= {
        "POST /customers": customers,
        "GET /customers/{id}": customers,
        "PUT /customers/{id}/credit": customers,
        "POST /customers/{id}/activate": customers,
    }
    return routes


def deploy_shop(
    sandbox: Sandbox,
    prefix: str = "shop",
    *,
    design: Design = "events",
    batching_window_s: int = 0,
    visibility_timeout_s: int = 30,
    max_receives: int = 10,
    customers_schema: int = 1,
    unique_email: UniqueEmail = "transaction",
) -> Shop:
    """Deploy the three services.

    ``events``: each service its own table(s) and functions; one EventBridge bus; a rule per consumer
    sends its events to the consumer's own SQS queue (a dead-letter queue after ``max_receives``), which
    an event source mapping drains into the consumer function. ``shared``: the seeds' design, where the
    orders function reads the customers table itself and calls inventory's function synchronously.
    ``unique_email`` "query-then-add" registers customers as seed 000 does (to show its race).
    """
    tables = {
        "orders": f"{prefix}-orders",
        "inventory": f"{prefix}-inventory",
        "customers": f"{prefix}-customers",
    }
    key = {"orders": "order_id", "inventory": "sku", "customers": "customer_id"}
    if design == "events":
        tables["customer-copy"] = f"{prefix}-orders-customer-copy"
        key["customer-copy"] = "customer_id"
    for role, table in tables.items():
        ensure_table(table, hash_key=key[role])
    owners = {
        tables["orders"]: "orders",
        tables["inventory"]: "inventory",
        tables["customers"]: "customers",
        **({tables["customer-copy"]: "orders"} if "customer-copy" in tables else {}),
    }
    common = {"MEMORY": str(MEMORY_MB)}
    settings: dict[str, Any] = {"memory_mb": MEMORY_MB, "timeout_s": 10}
    functions: dict[str, str] = {}
    queues: dict[str, Queue] = {}
    mappings: dict[str, SqsEventSourceMapping] = {}
    emails = ensure_queue(f"{prefix}-emails")
    customers_env = {
        **common,
        "CUSTOMERS_TABLE": tables["customers"],
        "CUSTOMERS_SCHEMA": str(customers_schema),
        "UNIQUE_EMAIL": unique_email,
        "EMAIL_QUEUE_URL": emails.url,
    }

    def deploy(role: str, handler: str, owner: str, environment: Mapping[str, str]) -> None:
        name = f"{prefix}-{role}"
        sandbox.deploy(name, f"{HANDLERS}.{handler}", environment={**common, **environment}, **settings)
        functions[role] = name
        owners[name] = owner

    scheduler = sandbox.client("scheduler")
    with contextlib.suppress(scheduler.exceptions.ConflictException):
        scheduler.create_schedule_group(Name=prefix)
    customers_env["SCHEDULE_GROUP"] = prefix
    deploy("customers-mailer", "customers_mailer", "customers", customers_env)
    mailer_arn = sandbox.lambdas.function(functions["customers-mailer"]).arn
    bus_name = ""
    if design == "events":
        events = sandbox.client("events")
        bus_name = f"{prefix}-bus"
        with contextlib.suppress(events.exceptions.ResourceAlreadyExistsException):
            events.create_event_bus(Name=bus_name)
        deploy(
            "customers-api",
            "customers_api",
            "customers",
            {**customers_env, "BUS_NAME": bus_name, "MAILER_ARN": mailer_arn},
        )
        orders_env = {
            "ORDERS_TABLE": tables["orders"],
            "COPY_TABLE": tables["customer-copy"],
            "BUS_NAME": bus_name,
        }
        deploy("orders-api", "orders_api", "orders", orders_env)
        deploy("orders-events", "orders_events", "orders", orders_env)
        inventory_env = {"INVENTORY_TABLE": tables["inventory"], "BUS_NAME": bus_name}
        deploy("inventory-api", "inventory_api", "inventory", inventory_env)
        deploy("inventory-events", "inventory_events", "inventory", inventory_env)
        consumers = {
            "orders": ("orders-events", [SOURCES["customers"], SOURCES["inventory"]]),
            "inventory": ("inventory-events", [SOURCES["orders"]]),
        }
        for consumer, (role, sources) in consumers.items():
            dead = ensure_queue(f"{prefix}-{consumer}-dlq")
            inbox = ensure_queue(
                f"{prefix}-{consumer}-inbox",
                attributes={
                    "VisibilityTimeout": str(visibility_timeout_s),
                    "RedrivePolicy": json.dumps(
                        {"deadLetterTargetArn": dead.arn, "maxReceiveCount": max_receives}
                    ),
                },
            )
            queues[consumer], queues[f"{consumer}-dlq"] = inbox, dead
            owners[inbox.url.rsplit("/", 1)[-1]] = consumer
            rule = f"{prefix}-{consumer}-takes"
            events.put_rule(Name=rule, EventBusName=bus_name, EventPattern=json.dumps({"source": sources}))
            events.put_targets(Rule=rule, EventBusName=bus_name, Targets=[{"Id": consumer, "Arn": inbox.arn}])
            mappings[consumer] = sqs_event_source(
                sandbox,
                inbox.url,
                functions[role],
                batching_window_s=batching_window_s if consumer == "orders" else 0,
                report_batch_item_failures=True,
            )
    else:
        deploy(
            "customers-api",
            "customers_api",
            "customers",
            {**customers_env, "BUS_NAME": "", "MAILER_ARN": mailer_arn},
        )
        deploy(
            "inventory-reserve",
            "shared_inventory_reserve",
            "inventory",
            {"INVENTORY_TABLE": tables["inventory"]},
        )
        deploy(
            "orders-api",
            "shared_orders_api",
            "orders",
            {
                "ORDERS_TABLE": tables["orders"],
                "CUSTOMERS_TABLE": tables["customers"],
                "INVENTORY_FUNCTION": functions["inventory-reserve"],
            },
        )
        deploy(
            "inventory-api",
            "inventory_api",
            "inventory",
            {"INVENTORY_TABLE": tables["inventory"], "BUS_NAME": ""},
        )
    door = FrontDoor(sandbox.lambdas, _routes(functions), payload_format="2.0")
    return Shop(design, prefix, door, tables, functions, owners, queues, mappings, bus_name)


def set_down(sandbox: Sandbox, shop: Shop, service: Service, down: bool) -> None:
    """Switch every function of ``service`` off (it fails every invocation) or back on."""
    for name in shop.functions.values():
        if shop.owners[name] != service:
            continue
        function = sandbox.lambdas.function(name)
        environment = {**function.config.environment, "DOWN": "1" if down else ""}
        sandbox.lambdas.configure(name, environment=environment)


def queue_depth(sandbox: Sandbox, queue: Queue) -> int:
    """Messages on ``queue``, visible and in flight."""
    attributes = sandbox.client("sqs").get_queue_attributes(
        QueueUrl=queue.url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def request_time(event: Mapping[str, Any]) -> datetime:
    """When the front door received the request (the sandbox's virtual clock)."""
    context = event.get("requestContext") or {}
    millis = context.get("timeEpoch") or context.get("requestTimeEpoch")
    if millis is None:
        return datetime.now(UTC)
    return datetime.fromtimestamp(int(millis) / 1000, UTC)


def later(at: datetime, seconds: float) -> datetime:
    return at + timedelta(seconds=seconds)


def migrate_customers(sandbox: Sandbox, shop: Shop) -> int:
    """The customers team's schema change: ``credit_status`` (a string) becomes ``credit`` (a map with
    ``status``); its functions are redeployed to read and write the new shape. Returns items migrated."""
    dynamodb, table, migrated = sandbox.client("dynamodb"), shop.tables["customers"], 0
    for item in dynamodb.scan(TableName=table)["Items"]:
        if "credit_status" not in item:
            continue
        status = item.pop("credit_status")
        dynamodb.put_item(TableName=table, Item={**item, "credit": {"M": {"status": status}}})
        migrated += 1
    for name in shop.functions.values():
        function = sandbox.lambdas.function(name)
        if "CUSTOMERS_SCHEMA" in function.config.environment:
            sandbox.lambdas.configure(
                name, environment={**function.config.environment, "CUSTOMERS_SCHEMA": "2"}
            )
    return migrated


def redrive(sandbox: Sandbox, dead_letters: Queue, to: Queue) -> int:
    """Move every message of a dead-letter queue back to its source queue; how many were moved."""
    sqs, moved = sandbox.client("sqs"), 0
    while batch := sqs.receive_message(QueueUrl=dead_letters.url, MaxNumberOfMessages=10).get("Messages"):
        for message in batch:
            sqs.send_message(QueueUrl=to.url, MessageBody=message["Body"])
            sqs.delete_message(QueueUrl=dead_letters.url, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return moved
