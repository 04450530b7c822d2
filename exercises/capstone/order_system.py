"""Your order system. Replace each ``raise NotImplementedError`` with your code: wire the building
blocks imported below (read ``README.md``); the course's patterns hold all the logic you need."""

from __future__ import annotations

import json  # noqa: F401  (you will need these)
import os  # noqa: F401
from typing import Any

import boto3  # noqa: F401

from patterns.idempotency.adapters import DynamoDbRecordStore, lab_now  # noqa: F401
from patterns.idempotency.exceptions import AlreadyInProgressError, PayloadMismatchError  # noqa: F401
from patterns.idempotency.service import IdempotentExecutor, PaymentRequest, crash_at  # noqa: F401
from patterns.saga.adapters import DynamoDbServiceStore  # noqa: F401
from patterns.saga.exceptions import InvalidOrderError  # noqa: F401
from patterns.saga.service import (  # noqa: F401
    STEPS,
    Order,
    ServiceStore,
    check_fault,
    compensate_step,
    perform_step,
)

SOURCE = "capstone.orders"


def run_order(
    saga_id: str, order: Order, stores: dict[str, ServiceStore], faults: dict[str, Any]
) -> dict[str, Any]:
    """Task 1: run the saga's steps; on a failure compensate the failed step and those before, in reverse."""
    raise NotImplementedError("Task 1: run_order is not written yet")


def order_event(order: Order, outcome: dict[str, Any], bus: str) -> dict[str, Any]:
    """Task 2: the PutEvents entry that announces ``outcome``."""
    raise NotImplementedError("Task 2: order_event is not written yet")


def place_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 3: POST /orders: run the order once per Idempotency-Key, publish its event, answer."""
    raise NotImplementedError("Task 3: place_order is not written yet")


def project(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Task 4: write the order's row of the read model once, however often its event arrives."""
    raise NotImplementedError("Task 4: project is not written yet")
