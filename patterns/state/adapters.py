"""AWS and database access for the state pattern: DynamoDB sessions, counters, prices and charges, and
PostgreSQL connections for the connection-reuse demonstration."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from patterns.lab.resources import ensure_table
from patterns.state.service import Session

__all__ = [
    "SESSION_TTL_ATTRIBUTE",
    "ChargeLog",
    "DynamoDbCounter",
    "DynamoDbSessions",
    "PriceStore",
    "StateTables",
    "create_tables",
    "database_connection",
]

SESSION_TTL_ATTRIBUTE = "expires_at"


@dataclass(frozen=True)
class StateTables:
    sessions: str = "sessions"
    counters: str = "counters"
    prices: str = "prices"
    charges: str = "charges"


def create_tables(tables: StateTables = StateTables(), client: Any = None) -> StateTables:
    ensure_table(tables.sessions, hash_key="session_id", client=client)
    ensure_table(tables.counters, hash_key="name", client=client)
    ensure_table(tables.prices, hash_key="sku", client=client)
    ensure_table(tables.charges, hash_key="charge_id", client=client)
    return tables


@dataclass
class DynamoDbSessions:
    table: str
    client: Any

    def put(self, session: Session) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={
                "session_id": {"S": session.session_id},
                "user": {"S": session.user},
                SESSION_TTL_ATTRIBUTE: {"N": str(session.expires_at)},
            },
        )

    def get(self, session_id: str) -> Session | None:
        """The stored session, expired or not (DynamoDB keeps expired items until it deletes them)."""
        item = self.client.get_item(TableName=self.table, Key={"session_id": {"S": session_id}}).get("Item")
        if item is None:
            return None
        return Session(item["session_id"]["S"], item["user"]["S"], int(item[SESSION_TTL_ATTRIBUTE]["N"]))


@dataclass
class DynamoDbCounter:
    """A counter updated with ``ADD``: DynamoDB applies each increment atomically."""

    table: str
    client: Any

    def add(self, name: str, amount: int = 1) -> int:
        response = self.client.update_item(
            TableName=self.table,
            Key={"name": {"S": name}},
            UpdateExpression="ADD #value :amount",
            ExpressionAttributeNames={"#value": "value"},
            ExpressionAttributeValues={":amount": {"N": str(amount)}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["value"]["N"])

    def get(self, name: str) -> int:
        item = self.client.get_item(TableName=self.table, Key={"name": {"S": name}}, ConsistentRead=True).get(
            "Item"
        )
        return int(item["value"]["N"]) if item else 0


@dataclass
class PriceStore:
    table: str
    client: Any

    def set(self, sku: str, price_cents: int) -> None:
        self.client.put_item(
            TableName=self.table, Item={"sku": {"S": sku}, "price_cents": {"N": str(price_cents)}}
        )

    def get(self, sku: str) -> int:
        item = self.client.get_item(TableName=self.table, Key={"sku": {"S": sku}}, ConsistentRead=True)[
            "Item"
        ]
        return int(item["price_cents"]["N"])


@dataclass
class ChargeLog:
    """Every charge made, one item each: duplicates show as extra items for one payment."""

    table: str
    client: Any

    def record(self, charge_id: str, payment_id: str) -> None:
        self.client.put_item(
            TableName=self.table, Item={"charge_id": {"S": charge_id}, "payment_id": {"S": payment_id}}
        )

    def record_once(self, payment_id: str) -> bool:
        """The fix: the payment id is the key, and a conditional write refuses the second charge."""
        try:
            self.client.put_item(
                TableName=self.table,
                Item={"charge_id": {"S": payment_id}, "payment_id": {"S": payment_id}},
                ConditionExpression="attribute_not_exists(charge_id)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def charges(self, payment_id: str) -> int:
        items = self.client.scan(TableName=self.table)["Items"]
        return sum(1 for item in items if item["payment_id"]["S"] == payment_id)


def database_connection() -> Any:
    """A new PostgreSQL connection as ``DB_USER``, from the function's variables: ``DB_SOCKET`` (a Unix
    socket) or ``DB_HOST``/``DB_PORT``/``DB_NAME`` (a TCP address on this machine, e.g. the pooler)."""
    import pg8000.native

    user = os.environ["DB_USER"]
    if os.environ.get("DB_SOCKET"):
        return pg8000.native.Connection(user, unix_sock=os.environ["DB_SOCKET"], database="postgres")
    return pg8000.native.Connection(
        user,
        host=os.environ["DB_HOST"],
        port=int(os.environ["DB_PORT"]),
        database=os.environ["DB_NAME"],
    )
