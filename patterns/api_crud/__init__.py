"""Pattern 02 - API Gateway + Lambda + DynamoDB: a REST resource done properly.

**Intent.** Serve a resource (``/items``) over HTTP with one small function behind API Gateway and a
DynamoDB table, answering every request with the status HTTP defines for it.

**Problem.** The seeds' CRUD examples return 200 for everything, scan the whole table to list, let two
clients overwrite each other's changes, and accept any body. Clients then cannot tell a missing item
from a bad request, lose updates silently, and break on large tables.

**Solution.**

* create ``201`` + ``Location``; read ``200``/``404``; update ``200`` only with ``If-Match`` carrying
  the current ETag (``412`` on a stale write, ``428`` without it), decided by a DynamoDB conditional
  write; delete ``204``;
* list with an opaque, signed cursor (DynamoDB's ``LastEvaluatedKey``) and a bounded ``limit``;
* validation with pydantic listing every problem (``400``), ``413`` for an oversized body, ``415`` for a
  body that is not JSON; CORS for allowed origins only (preflight ``OPTIONS``);
* the same API on a hand-written router (:mod:`.handlers`) and on Powertools'
  ``APIGatewayRestResolver`` (:mod:`.powertools_app`), answering alike.

**Where it runs here.** moto's API Gateway cannot invoke Lambda, so requests go through the lab's front
door (:mod:`patterns.lab.gateway`), in process or as a real HTTP server on 127.0.0.1
(``python -m patterns.api_crud serve``).

**Layers.** :mod:`.handlers` / :mod:`.powertools_app` (routing) -> :mod:`.web` (HTTP checks, CORS,
errors) -> :mod:`.service` (no boto3) -> :mod:`.adapters` (DynamoDB).
"""

from patterns.api_crud.exceptions import (
    InvalidCursorError,
    InvalidItemError,
    ItemApiError,
    ItemNotFoundError,
    StaleWriteError,
)
from patterns.api_crud.service import InMemoryItemStore, Item, ItemFields, ItemService, Page

__all__ = [
    "InMemoryItemStore",
    "InvalidCursorError",
    "InvalidItemError",
    "Item",
    "ItemApiError",
    "ItemFields",
    "ItemNotFoundError",
    "ItemService",
    "Page",
    "StaleWriteError",
]
