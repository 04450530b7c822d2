"""AWS access for the cold-start example: a DynamoDB quote store and an in-memory fake.

Importing this module imports boto3 (every request stores its quote, so every variant needs it),
but creates no client: a store builds its client when it is constructed, and each handler variant
decides when that happens (once per execution environment, or on every request).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Protocol

import boto3

from patterns.cold_starts.service import Quote

__all__ = [
    "QUOTES_TABLE_VARIABLE",
    "DynamoQuoteStore",
    "InMemoryQuoteStore",
    "QuoteStore",
    "quote_store_from_environment",
]

QUOTES_TABLE_VARIABLE = "QUOTES_TABLE"


class QuoteStore(Protocol):
    """Where priced quotes are kept."""

    def save(self, quote: Quote) -> None: ...


class DynamoQuoteStore:
    """Stores each quote as one DynamoDB item keyed by ``quote_id``."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self.client = client or boto3.client("dynamodb")

    def save(self, quote: Quote) -> None:
        self.client.put_item(
            TableName=self.table_name,
            Item={
                "quote_id": {"S": quote.quote_id},
                "customer": {"S": quote.customer},
                "lines": {"N": str(len(quote.lines))},
                "total": {"N": repr(quote.total)},
            },
        )

    def get(self, quote_id: str) -> dict[str, Any] | None:
        """The stored item as plain values, or None."""
        item = self.client.get_item(TableName=self.table_name, Key={"quote_id": {"S": quote_id}}).get("Item")
        if item is None:
            return None
        return {name: next(iter(value.values())) for name, value in item.items()}


@dataclass
class InMemoryQuoteStore:
    """A fake store for unit tests: keeps the quotes in a dict."""

    quotes: dict[str, Quote] = field(default_factory=dict)

    def save(self, quote: Quote) -> None:
        self.quotes[quote.quote_id] = quote


def quote_store_from_environment() -> DynamoQuoteStore:
    """A DynamoDB store (with a new client) for the table named by ``QUOTES_TABLE``."""
    table = os.environ.get(QUOTES_TABLE_VARIABLE)
    if not table:
        raise KeyError(
            f"the function's environment must set {QUOTES_TABLE_VARIABLE} to the quotes table name"
        )
    return DynamoQuoteStore(table)
