"""The items API's logic, without boto3: validation, optimistic concurrency, opaque cursors.

* :func:`parse_item` validates a request body with pydantic and reports **every** problem, by field.
* :class:`ItemService` creates, reads, replaces (only from the current version: ETag / If-Match),
  deletes and pages through items held by an :class:`ItemStore` (DynamoDB in :mod:`.adapters`, a dict
  in :class:`InMemoryItemStore` for unit tests).
* Cursors are opaque to clients: the store's last evaluated key, as JSON, base64url-encoded and signed
  with an HMAC so a forged or edited cursor is refused instead of scanning from a key the client chose.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from patterns.api_crud.exceptions import (
    InvalidCursorError,
    InvalidItemError,
    ItemNotFoundError,
    StaleWriteError,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "InMemoryItemStore",
    "Item",
    "ItemFields",
    "ItemService",
    "ItemStore",
    "Page",
    "decode_cursor",
    "encode_cursor",
    "etag",
    "parse_item",
    "parse_limit",
    "version_from_etag",
]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]


class ItemFields(BaseModel):
    """What a client may send: a name, a price in cents and up to ten tags; nothing else."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Name
    price_cents: Annotated[int, Field(ge=0, le=100_000_000)]
    tags: Annotated[list[Tag], Field(max_length=10)] = []


@dataclass(frozen=True)
class Item:
    """A stored item: the client's fields plus its id and version."""

    id: str
    name: str
    price_cents: int
    tags: tuple[str, ...]
    version: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "price_cents": self.price_cents,
            "tags": list(self.tags),
            "version": self.version,
        }


@dataclass(frozen=True)
class Page:
    """One page of a listing and the cursor of the next (None on the last page)."""

    items: list[Item]
    next_cursor: str | None


class ItemStore(Protocol):
    """Where items live. Writes are conditional: the store, not the caller, decides races."""

    def insert(self, item: Item) -> None:
        """Store a new item; never overwrites."""
        ...

    def get(self, item_id: str) -> Item | None: ...

    def replace(self, item: Item, expected_version: int) -> None:
        """Write ``item`` only if the stored one is at ``expected_version``; else :class:`StaleWriteError`."""
        ...

    def delete(self, item_id: str) -> bool:
        """Delete; False if there was nothing to delete."""
        ...

    def page(self, limit: int, start_key: dict[str, Any] | None) -> tuple[list[Item], dict[str, Any] | None]:
        """Up to ``limit`` items after ``start_key``, and the key to continue from (None at the end)."""
        ...


def parse_item(body: str | None) -> ItemFields:
    """Validate a JSON body; :class:`InvalidItemError` lists every problem, not just the first."""
    if body is None or not body.strip():
        raise InvalidItemError([{"field": "body", "problem": "the request has no body; send a JSON object"}])
    try:
        data = json.loads(body)
    except ValueError as error:
        raise InvalidItemError([{"field": "body", "problem": f"not valid JSON: {error}"}]) from None
    if not isinstance(data, dict):
        raise InvalidItemError(
            [{"field": "body", "problem": f"must be a JSON object, got {type(data).__name__}"}]
        )
    try:
        return ItemFields.model_validate(data)
    except ValidationError as invalid:
        problems = [
            {"field": ".".join(str(part) for part in error["loc"]) or "body", "problem": error["msg"]}
            for error in invalid.errors()
        ]
        raise InvalidItemError(problems) from None


def parse_limit(raw: str | None) -> int:
    """The page size from ``?limit=``: 1 to :data:`MAX_PAGE_SIZE`, default :data:`DEFAULT_PAGE_SIZE`."""
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise InvalidItemError(
            [{"field": "limit", "problem": f"must be a whole number from 1 to {MAX_PAGE_SIZE}, got {raw!r}"}]
        )
    return int(raw)


def etag(item: Item) -> str:
    """The item's entity tag: its version, quoted as HTTP wants."""
    return f'"v{item.version}"'


def version_from_etag(value: str) -> int | None:
    """The version an ``If-Match`` header names, or None if it is not one of our entity tags."""
    text = value.strip().removeprefix("W/")
    if len(text) >= 4 and text[0] == text[-1] == '"' and text[1] == "v" and text[2:-1].isdigit():
        return int(text[2:-1])
    return None


def encode_cursor(key: dict[str, Any], secret: bytes) -> str:
    """An opaque, signed cursor for the store's ``key``."""
    payload = json.dumps(key, sort_keys=True, separators=(",", ":")).encode()
    signature = hmac.new(secret, payload, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(signature + payload).decode().rstrip("=")


def decode_cursor(cursor: str, secret: bytes) -> dict[str, Any]:
    """The key inside a cursor this API issued; :class:`InvalidCursorError` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raise InvalidCursorError(f"cursor {cursor[:40]!r} is not one this API issued") from None
    signature, payload = raw[:12], raw[12:]
    expected = hmac.new(secret, payload, hashlib.sha256).digest()[:12]
    if not hmac.compare_digest(signature, expected):
        raise InvalidCursorError(f"cursor {cursor[:40]!r} is not one this API issued")
    key: dict[str, Any] = json.loads(payload)
    return key


class ItemService:
    """Create, read, replace, delete and list items in ``store``."""

    def __init__(
        self, store: ItemStore, *, cursor_secret: bytes, new_id: Callable[[], str] = lambda: uuid.uuid4().hex
    ) -> None:
        self.store = store
        self.cursor_secret = cursor_secret
        self.new_id = new_id

    def create(self, fields: ItemFields) -> Item:
        item = Item(self.new_id(), fields.name, fields.price_cents, tuple(fields.tags), 1)
        self.store.insert(item)
        return item

    def get(self, item_id: str) -> Item:
        item = self.store.get(item_id)
        if item is None:
            raise ItemNotFoundError(item_id)
        return item

    def replace(self, item_id: str, fields: ItemFields, expected_version: int) -> Item:
        """Replace the item's fields if it is still at ``expected_version``; the version goes up by one."""
        item = Item(item_id, fields.name, fields.price_cents, tuple(fields.tags), expected_version + 1)
        self.store.replace(item, expected_version)
        return item

    def delete(self, item_id: str) -> None:
        if not self.store.delete(item_id):
            raise ItemNotFoundError(item_id)

    def list_page(self, limit: int, cursor: str | None) -> Page:
        start = decode_cursor(cursor, self.cursor_secret) if cursor else None
        items, last_key = self.store.page(limit, start)
        return Page(items, encode_cursor(last_key, self.cursor_secret) if last_key else None)


class InMemoryItemStore:
    """An :class:`ItemStore` in a dict, ordered by id: the fake for unit tests."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}

    def insert(self, item: Item) -> None:
        if item.id in self.items:
            raise StaleWriteError(item.id, 0, self.items[item.id].version)
        self.items[item.id] = item

    def get(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    def replace(self, item: Item, expected_version: int) -> None:
        current = self.items.get(item.id)
        if current is None or current.version != expected_version:
            raise StaleWriteError(item.id, expected_version, current.version if current else None)
        self.items[item.id] = item

    def delete(self, item_id: str) -> bool:
        return self.items.pop(item_id, None) is not None

    def page(self, limit: int, start_key: dict[str, Any] | None) -> tuple[list[Item], dict[str, Any] | None]:
        ids = sorted(self.items)
        if start_key is not None:
            ids = [i for i in ids if i > str(start_key.get("id"))]
        chosen = ids[:limit]
        # As DynamoDB does: a full page always carries a key, so the last page may come back empty.
        return [self.items[i] for i in chosen], ({"id": chosen[-1]} if len(chosen) == limit else None)
