"""Storage for both sides: the event store and snapshots in DynamoDB (conditional writes decide every
race), and the read models the projector builds: an SQLite FTS5 full-text index (a real search engine,
in the standard library), an order view and customer statistics in DynamoDB.

Every read model applies an order's events in version order and skips a version it has already
applied, so a batch delivered twice (the stream is at-least-once) or a replay over a live projection
changes nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from patterns.cqrs.exceptions import ConcurrencyConflictError
from patterns.cqrs.service import (
    EVENT_TYPES,
    CommandService,
    Event,
    Order,
    apply,
    fold,
    item_size_bytes,
    query_read_units,
    search_document,
    stats_delta,
)
from patterns.lab.events import dynamodb_stream_record
from patterns.lab.resources import ensure_table

__all__ = [
    "CustomerStats",
    "DynamoDbEventStore",
    "OrderView",
    "ReadCounter",
    "SearchIndex",
    "SeedStyleStats",
    "create_tables",
    "event_from_item",
    "event_item",
    "events_from_stream",
    "projections_from_environment",
    "replay_events",
    "search_from_environment",
    "service_from_environment",
    "stream_event_for",
    "view_from_environment",
]

_DESERIALIZER = TypeDeserializer()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def event_item(event: Event) -> dict[str, Any]:
    """An event as its DynamoDB item (DynamoDB JSON)."""
    return {
        "order_id": {"S": event.order_id},
        "version": {"N": str(event.version)},
        "type": {"S": event.type},
        "data": {"S": json.dumps(event.data, separators=(",", ":"), sort_keys=True)},
        "at": {"N": repr(round(event.at, 6))},
    }


def event_from_item(item: Mapping[str, Any]) -> Event:
    """An event from its DynamoDB item (DynamoDB JSON, as Query and stream images carry it)."""
    kind = item["type"]["S"]
    if kind not in EVENT_TYPES:
        raise ValueError(f"unknown event type {kind!r}")
    return Event(
        item["order_id"]["S"],
        int(item["version"]["N"]),
        kind,
        json.loads(item["data"]["S"]),
        float(item.get("at", {"N": "0"})["N"]),
    )


def events_from_stream(event: Mapping[str, Any]) -> list[Event]:
    """The stored events of a DynamoDB Streams batch, in stream order (INSERTs only: events are never
    modified or removed)."""
    return [
        event_from_item(record["dynamodb"]["NewImage"])
        for record in event.get("Records", [])
        if record.get("eventName") == "INSERT"
    ]


@dataclass
class ReadCounter:
    """What a store's reads cost: requests, items, read units by AWS's size rule, and what moto said."""

    requests: int = 0
    items: int = 0
    read_units: float = 0.0
    moto_units: float = 0.0

    def count(self, response: Mapping[str, Any], items: list[dict[str, Any]]) -> None:
        self.requests += 1
        self.items += len(items)
        sizes = [item_size_bytes(item) for item in items]
        self.read_units += query_read_units(sizes)
        self.moto_units += float(response.get("ConsumedCapacity", {}).get("CapacityUnits", 0.0))


@dataclass
class DynamoDbEventStore:
    """Events keyed by (``order_id``, ``version``); snapshots (optional) keyed by ``order_id``.

    ``conditional=False`` appends the way seed 000 does: a plain ``put_item``, so a second event at the
    same version silently replaces the first.
    """

    client: Any
    table: str
    snapshots: str | None = None
    conditional: bool = True

    def __post_init__(self) -> None:
        self.reads = ReadCounter()

    def append(self, event: Event) -> None:
        request: dict[str, Any] = {"TableName": self.table, "Item": event_item(event)}
        if self.conditional:
            request["ConditionExpression"] = "attribute_not_exists(version)"
        try:
            self.client.put_item(**request)
        except self.client.exceptions.ConditionalCheckFailedException:
            raise ConcurrencyConflictError(event.order_id, event.version) from None

    def events(self, order_id: str, after_version: int = 0) -> list[Event]:
        """The order's events after ``after_version``, in order (strongly consistent, every page)."""
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "order_id = :o AND version > :v",
            "ExpressionAttributeValues": {":o": {"S": order_id}, ":v": {"N": str(after_version)}},
            "ConsistentRead": True,
            "ReturnConsumedCapacity": "TOTAL",
        }
        found: list[Event] = []
        while True:
            response = self.client.query(**request)
            self.reads.count(response, response["Items"])
            found.extend(event_from_item(item) for item in response["Items"])
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def snapshot(self, order_id: str) -> Order | None:
        if self.snapshots is None:
            return None
        response = self.client.get_item(
            TableName=self.snapshots,
            Key={"order_id": {"S": order_id}},
            ConsistentRead=True,
            ReturnConsumedCapacity="TOTAL",
        )
        item = response.get("Item")
        self.reads.count(response, [item] if item else [])
        return Order.from_dict(json.loads(item["state"]["S"])) if item else None

    def load(self, order_id: str) -> Order:
        start = self.snapshot(order_id)
        return fold(order_id, self.events(order_id, start.version if start else 0), start)

    def save_snapshot(self, order: Order) -> None:
        """Keep the newest snapshot: an older one never replaces a newer one."""
        if self.snapshots is None:
            return
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.put_item(
                TableName=self.snapshots,
                Item={
                    "order_id": {"S": order.order_id},
                    "version": {"N": str(order.version)},
                    "state": {"S": json.dumps(order.to_dict(), separators=(",", ":"))},
                },
                ConditionExpression="attribute_not_exists(order_id) OR version < :v",
                ExpressionAttributeValues={":v": {"N": str(order.version)}},
            )

    def scan_pages(self) -> Iterator[list[dict[str, Any]]]:
        """Every stored event item, a Scan page at a time (for a replay)."""
        request: dict[str, Any] = {"TableName": self.table, "ReturnConsumedCapacity": "TOTAL"}
        while True:
            response = self.client.scan(**request)
            self.reads.count(response, response["Items"])
            yield response["Items"]
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


# ---- read models ----------------------------------------------------------------------------------


class SearchIndex:
    """Orders in an SQLite database file: their state, and an FTS5 full-text index over them."""

    name = "search"

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL-safe: a commit survives a crash of the process
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS orders (order_id TEXT PRIMARY KEY, version INTEGER, state TEXT)"
        )
        self._db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS orders_fts USING fts5("
            "order_id UNINDEXED, customer, city, items, status, tokenize='porter')"
        )

    def apply(self, event: Event) -> bool:
        """Apply ``event`` if it is the order's next version; False if already applied."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT state FROM orders WHERE order_id = ?", (event.order_id,)
                ).fetchone()
                order = Order.from_dict(json.loads(row[0])) if row else Order(event.order_id)
                if event.version <= order.version:
                    self._db.execute("ROLLBACK")
                    return False
                order = apply(order, event)
                self._db.execute(
                    "INSERT OR REPLACE INTO orders VALUES (?, ?, ?)",
                    (order.order_id, order.version, json.dumps(order.to_dict())),
                )
                self._db.execute("DELETE FROM orders_fts WHERE order_id = ?", (order.order_id,))
                document = search_document(order)
                self._db.execute(
                    "INSERT INTO orders_fts (order_id, customer, city, items, status) VALUES (?, ?, ?, ?, ?)",
                    tuple(document[key] for key in ("order_id", "customer", "city", "items", "status")),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return True

    def search(self, text: str, *, status: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """Orders matching an FTS5 query, best first (bm25), with the matching words highlighted."""
        sql = (
            "SELECT order_id, customer, city, items, status, "
            "highlight(orders_fts, 3, '[', ']'), bm25(orders_fts) FROM orders_fts WHERE orders_fts MATCH ?"
        )
        parameters: list[Any] = [text]
        if status is not None:
            sql += " AND status = ?"
            parameters.append(status)
        sql += " ORDER BY bm25(orders_fts) LIMIT ?"
        parameters.append(limit)
        with self._lock:
            rows = self._db.execute(sql, parameters).fetchall()
        keys = ("order_id", "customer", "city", "items", "status", "highlighted", "score")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def versions(self) -> dict[str, int]:
        """Every order's projected version."""
        with self._lock:
            return dict(self._db.execute("SELECT order_id, version FROM orders").fetchall())

    def clear(self) -> None:
        """Drop everything (a rebuild starts from nothing)."""
        with self._lock:
            self._db.execute("DELETE FROM orders")
            self._db.execute("DELETE FROM orders_fts")

    def close(self) -> None:
        with self._lock:
            self._db.close()


@dataclass
class OrderView:
    """One item per order in DynamoDB: what a ``GET /orders/{id}`` answers."""

    client: Any
    table: str
    name = "view"

    def get(self, order_id: str) -> Order | None:
        response = self.client.get_item(TableName=self.table, Key={"order_id": {"S": order_id}})
        item = response.get("Item")
        return Order.from_dict(json.loads(item["state"]["S"])) if item else None

    def apply(self, event: Event) -> bool:
        response = self.client.get_item(
            TableName=self.table, Key={"order_id": {"S": event.order_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        order = Order.from_dict(json.loads(item["state"]["S"])) if item else Order(event.order_id)
        if event.version <= order.version:
            return False
        order = apply(order, event)
        condition = "attribute_not_exists(order_id)" if item is None else "version = :previous"
        request: dict[str, Any] = {
            "TableName": self.table,
            "Item": {
                "order_id": {"S": order.order_id},
                "version": {"N": str(order.version)},
                "status": {"S": order.status},
                "state": {"S": json.dumps(order.to_dict(), separators=(",", ":"))},
            },
            "ConditionExpression": condition,
        }
        if item is not None:
            request["ExpressionAttributeValues"] = {":previous": {"N": str(order.version - 1)}}
        self.client.put_item(**request)
        return True

    def versions(self) -> dict[str, int]:
        versions: dict[str, int] = {}
        request: dict[str, Any] = {"TableName": self.table, "ProjectionExpression": "order_id, version"}
        while True:
            response = self.client.scan(**request)
            versions.update({i["order_id"]["S"]: int(i["version"]["N"]) for i in response["Items"]})
            if "LastEvaluatedKey" not in response:
                return versions
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


@dataclass
class CustomerStats:
    """Orders, cancellations and cents spent per customer, in DynamoDB; each order's last applied
    version sits beside them, and one transaction moves both, so nothing is counted twice."""

    client: Any
    table: str
    name = "stats"

    def apply(self, event: Event) -> bool:
        marker_key = {"pk": {"S": f"order#{event.order_id}"}}
        marker = self.client.get_item(TableName=self.table, Key=marker_key, ConsistentRead=True).get("Item")
        version = int(marker["version"]["N"]) if marker else 0
        if event.version <= version:
            return False
        customer = marker["customer"]["S"] if marker else str(event.data["customer"])
        delta = stats_delta(event)
        guard = "attribute_not_exists(pk)" if marker is None else "version = :previous"
        values: dict[str, Any] = {":v": {"N": str(event.version)}, ":c": {"S": customer}}
        if marker is not None:
            values[":previous"] = {"N": str(version)}
        try:
            self.client.transact_write_items(
                TransactItems=[
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": marker_key,
                            "UpdateExpression": "SET version = :v, customer = :c",
                            "ConditionExpression": guard,
                            "ExpressionAttributeValues": values,
                        }
                    },
                    {
                        "Update": {
                            "TableName": self.table,
                            "Key": {"pk": {"S": f"customer#{customer}"}},
                            "UpdateExpression": "ADD orders :o, cancelled :x, spent_cents :s",
                            "ExpressionAttributeValues": {
                                ":o": {"N": str(delta["orders"])},
                                ":x": {"N": str(delta["cancelled"])},
                                ":s": {"N": str(delta["spent_cents"])},
                            },
                        }
                    },
                ]
            )
        except self.client.exceptions.TransactionCanceledException:
            return False  # another delivery of the same event got there first
        return True

    def customers(self) -> dict[str, dict[str, int]]:
        """Every customer's statistics."""
        found: dict[str, dict[str, int]] = {}
        request: dict[str, Any] = {"TableName": self.table}
        while True:
            response = self.client.scan(**request)
            for item in response["Items"]:
                key = item["pk"]["S"]
                if key.startswith("customer#"):
                    found[key.removeprefix("customer#")] = {
                        name: int(item.get(name, {"N": "0"})["N"])
                        for name in ("orders", "cancelled", "spent_cents")
                    }
            if "LastEvaluatedKey" not in response:
                return found
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


@dataclass
class SeedStyleStats(CustomerStats):
    """Seed 001's statistics update: ``ADD orderCount :one`` for every new record, with no memory of
    what it applied, so a batch delivered twice counts twice."""

    name = "seed-stats"

    def apply(self, event: Event) -> bool:
        customer = str(event.data.get("customer", "unknown"))
        delta = stats_delta(event)
        if event.type != "OrderPlaced":
            return False
        self.client.update_item(
            TableName=self.table,
            Key={"pk": {"S": f"customer#{customer}"}},
            UpdateExpression="ADD orders :o, cancelled :x, spent_cents :s",
            ExpressionAttributeValues={
                ":o": {"N": str(delta["orders"])},
                ":x": {"N": "0"},
                ":s": {"N": str(delta["spent_cents"])},
            },
        )
        return True


# ---- wiring ---------------------------------------------------------------------------------------


def create_tables(
    *, events: str, snapshots: str, view: str, stats: str, client: Any = None
) -> dict[str, str]:
    """The event store (with a NEW_IMAGE stream), snapshots, the order view and statistics; their ARNs."""
    return {
        events: ensure_table(
            events,
            hash_key="order_id",
            range_key="version",
            attribute_types={"version": "N"},
            stream_view_type="NEW_IMAGE",
            client=client,
        ),
        snapshots: ensure_table(snapshots, hash_key="order_id", client=client),
        view: ensure_table(view, hash_key="order_id", client=client),
        stats: ensure_table(stats, hash_key="pk", client=client),
    }


def service_from_environment() -> CommandService:
    """The command side a function builds once per execution environment, from its variables."""
    store = DynamoDbEventStore(
        boto3.client("dynamodb"),
        os.environ["EVENTS_TABLE"],
        os.environ.get("SNAPSHOTS_TABLE") or None,
        conditional=os.environ.get("APPEND_MODE", "conditional") != "seed",
    )
    return CommandService(store, snapshot_every=int(os.environ.get("SNAPSHOT_EVERY", "0")))


Projection = SearchIndex | OrderView | CustomerStats


def view_from_environment() -> OrderView:
    """The order view a query function reads, from its variables."""
    return OrderView(boto3.client("dynamodb"), os.environ["VIEW_TABLE"])


def search_from_environment() -> SearchIndex:
    """The search index a query function reads, from its variables."""
    return SearchIndex(os.environ["SEARCH_DB"])


def projections_from_environment() -> list[Projection]:
    """The read models named in ``PROJECTIONS`` (``search``, ``view``, ``stats``, ``seed-stats``)."""
    client = boto3.client("dynamodb")
    made: list[Projection] = []
    for name in os.environ["PROJECTIONS"].split(","):
        if name == "search":
            made.append(SearchIndex(os.environ["SEARCH_DB"]))
        elif name == "view":
            made.append(OrderView(client, os.environ["VIEW_TABLE"]))
        elif name == "stats":
            made.append(CustomerStats(client, os.environ["STATS_TABLE"]))
        elif name == "seed-stats":
            made.append(SeedStyleStats(client, os.environ["STATS_TABLE"]))
        else:
            raise ValueError(f"unknown projection {name!r}")
    return made


def stream_event_for(items: list[dict[str, Any]], table_arn: str) -> dict[str, Any]:
    """A DynamoDB Streams batch (INSERT, NEW_IMAGE) for stored event items: what a replay sends."""
    records = []
    for item in items:
        plain = {key: _plain(_DESERIALIZER.deserialize(value)) for key, value in item.items()}
        records.append(
            dynamodb_stream_record(
                "INSERT",
                keys={"order_id": plain["order_id"], "version": plain["version"]},
                new_image=plain,
                table_arn=table_arn,
                stream_view_type="NEW_IMAGE",
            )
        )
    return {"Records": records}


def replay_events(store: DynamoDbEventStore, batch_size: int = 100) -> list[list[dict[str, Any]]]:
    """Every stored event item in replay order (by order, then version), in batches of ``batch_size``.

    A Scan returns items in no useful order, so the whole store is read, then sorted: per order the
    versions must come in order for the read models to accept them.
    """
    items = [item for page in store.scan_pages() for item in page]
    items.sort(key=lambda item: (item["order_id"]["S"], int(item["version"]["N"])))
    return [items[start : start + batch_size] for start in range(0, len(items), batch_size)]
