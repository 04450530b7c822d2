"""AWS adapters: the catalogue table the I/O-bound handler reads, timed from the handler's side.

The time a handler spends inside these calls is its I/O wait: on Lambda it is network and DynamoDB
time, which a bigger memory size (more CPU) does not shorten.
"""

from __future__ import annotations

import os
import time
from typing import Any

import boto3

from patterns.lab.resources import ensure_table

__all__ = ["TABLE_ENV", "CatalogueReader", "create_catalogue", "reader_from_environment"]

TABLE_ENV = "CATALOGUE_TABLE"


class CatalogueReader:
    """Reads catalogue items by key (``GetItem``), and measures the wall time spent waiting on DynamoDB."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")

    def read(self, keys: list[str]) -> tuple[list[dict[str, Any]], float]:
        """The items with these keys (missing ones left out) and the ms the calls took."""
        start = time.perf_counter()
        items = []
        for key in keys:
            found = self.client.get_item(TableName=self.table_name, Key={"sku": {"S": key}}).get("Item")
            if found:
                items.append({name: next(iter(value.values())) for name, value in found.items()})
        return items, (time.perf_counter() - start) * 1000


def create_catalogue(table_name: str, items: int, *, client: Any = None) -> list[str]:
    """A table of ``items`` catalogue items; returns their keys."""
    dynamodb = client or boto3.client("dynamodb")
    ensure_table(table_name, hash_key="sku", client=dynamodb)
    keys = [f"sku-{index:04d}" for index in range(items)]
    for key in keys:
        dynamodb.put_item(
            TableName=table_name,
            Item={"sku": {"S": key}, "name": {"S": f"item {key}"}, "price_cents": {"N": "1999"}},
        )
    return keys


def reader_from_environment() -> CatalogueReader:
    """The reader of the table the function's environment names (``CATALOGUE_TABLE``)."""
    return CatalogueReader(os.environ[TABLE_ENV])
