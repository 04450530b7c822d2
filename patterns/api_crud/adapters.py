"""DynamoDB access for the items API: conditional writes decide every race inside DynamoDB."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import boto3

from patterns.api_crud.exceptions import StaleWriteError
from patterns.api_crud.service import Item, ItemService
from patterns.lab.resources import ensure_table

__all__ = ["DynamoDbItemStore", "create_table", "service_from_environment"]


def _to_dynamodb(item: Item) -> dict[str, Any]:
    return {
        "id": {"S": item.id},
        "name": {"S": item.name},
        "price_cents": {"N": str(item.price_cents)},
        "tags": {"L": [{"S": tag} for tag in item.tags]},
        "version": {"N": str(item.version)},
    }


def _from_dynamodb(raw: dict[str, Any]) -> Item:
    return Item(
        raw["id"]["S"],
        raw["name"]["S"],
        int(raw["price_cents"]["N"]),
        tuple(tag["S"] for tag in raw["tags"]["L"]),
        int(raw["version"]["N"]),
    )


@dataclass
class DynamoDbItemStore:
    """Items in one DynamoDB table keyed by ``id``."""

    table_name: str
    client: Any

    def insert(self, item: Item) -> None:
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=_to_dynamodb(item),
                ConditionExpression="attribute_not_exists(id)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            raise StaleWriteError(item.id, 0, self._version(item.id)) from None

    def get(self, item_id: str) -> Item | None:
        raw = self.client.get_item(TableName=self.table_name, Key={"id": {"S": item_id}}, ConsistentRead=True)
        return _from_dynamodb(raw["Item"]) if "Item" in raw else None

    def replace(self, item: Item, expected_version: int) -> None:
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=_to_dynamodb(item),
                ConditionExpression="version = :expected",
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            raise StaleWriteError(item.id, expected_version, self._version(item.id)) from None

    def delete(self, item_id: str) -> bool:
        try:
            self.client.delete_item(
                TableName=self.table_name,
                Key={"id": {"S": item_id}},
                ConditionExpression="attribute_exists(id)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def page(self, limit: int, start_key: dict[str, Any] | None) -> tuple[list[Item], dict[str, Any] | None]:
        request: dict[str, Any] = {"TableName": self.table_name, "Limit": limit}
        if start_key is not None:
            request["ExclusiveStartKey"] = start_key
        response = self.client.scan(**request)
        return [_from_dynamodb(raw) for raw in response["Items"]], response.get("LastEvaluatedKey")

    def _version(self, item_id: str) -> int | None:
        item = self.get(item_id)
        return item.version if item else None


def create_table(name: str, client: Any = None) -> str:
    """The items table (on-demand, keyed by ``id``); returns its ARN."""
    return ensure_table(name, hash_key="id", client=client)


def service_from_environment() -> ItemService:
    """The service a function builds once per execution environment, from its variables."""
    store = DynamoDbItemStore(os.environ["TABLE_NAME"], boto3.client("dynamodb"))
    return ItemService(store, cursor_secret=os.environ["CURSOR_SECRET"].encode())
