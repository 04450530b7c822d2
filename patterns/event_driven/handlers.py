"""Lambda handlers of the event-driven pattern: parse the event, delegate, answer.

* ``consume``: a rule's consumer; it answers what it received (the routing table reads the runtime's
  record of who was invoked with which event). EventBridge events are read with Powertools'
  ``EventBridgeEvent`` data class; the S3 and SNS records by hand, to show their shape.
* ``invoice``: the consumer that fails while ``INVOICE_BUG=1`` (it reads a field that does not exist),
  and stores each order's invoice once.
* ``process_upload`` -> ``send_email``: seed 002's pipeline (S3 upload -> parse a CSV of orders ->
  DynamoDB -> SNS -> email consumer).
* ``accept_order``: seed 000's HTTP function on AWS (DynamoDB for Cosmos DB, SQS FIFO for Service Bus).
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source

from patterns.event_driven.adapters import (
    FifoWorkflowQueue,
    InvoiceStore,
    OrderStore,
    Outbox,
    PendingOrders,
    environment,
    publish,
    read_object_text,
)
from patterns.event_driven.service import (
    invoice_for,
    order_id_for,
    parse_orders_csv,
    summarise_upload,
    workflow_messages,
)

__all__ = ["accept_order", "consume", "invoice", "process_upload", "send_email"]


@event_source(data_class=EventBridgeEvent)
def consume(event: EventBridgeEvent, context: Any) -> dict[str, Any]:
    """A consumer: acknowledge the event (its id, detail-type, and the replay that sent it, if any)."""
    return {
        "consumer": context.function_name,
        "id": event.get_id,
        "detail-type": event.detail_type,
        "replay": event.replay_name,
    }


@event_source(data_class=EventBridgeEvent)
def invoice(event: EventBridgeEvent, context: Any) -> dict[str, Any]:
    """Invoice an OrderCreated event once per order; fails while ``INVOICE_BUG`` is ``1``."""
    record = invoice_for(event.detail, buggy=os.environ.get("INVOICE_BUG") == "1")
    stored = InvoiceStore(environment("INVOICES_TABLE")).put_once(record)
    return {"orderId": record["orderId"], "stored": stored}


def process_upload(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """S3 -> parse the CSV of orders -> DynamoDB -> one SNS message per upload.

    Every record of the event is processed, and keys are URL-decoded (S3 writes ``a b.csv`` as
    ``a+b.csv`` in the event).
    """
    orders_table = OrderStore(environment("ORDERS_TABLE"))
    topic = environment("TOPIC_ARN")
    written = 0
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        orders = parse_orders_csv(read_object_text(bucket, key))
        written += orders_table.put_orders(orders, key)
        publish(topic, summarise_upload(key, orders))
    return {"orders": written}


def send_email(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SNS -> the email an operator would receive, written to the outbox."""
    outbox = Outbox(environment("OUTBOX_TABLE"))
    for record in event["Records"]:
        summary = json.loads(record["Sns"]["Message"])
        outbox.put(
            record["Sns"]["MessageId"],
            f"{summary['orders']} orders imported from {summary['key']}",
            f"Upload {summary['key']} is {summary['status']}: "
            f"{summary['orders']} orders, total {summary['total']}.",
        )
    return {"emails": len(event["Records"])}


def accept_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Seed 000's ``orderProcessingFunction`` on AWS: store the order, send its three workflow messages.

    ``ORDER_IDS=random`` keeps the seed's bug (a fresh id per request, so a retried request duplicates the
    order and its messages); otherwise the id comes from the ``Idempotency-Key`` header.
    """
    order = json.loads(event.get("body") or "{}")
    if not (isinstance(order.get("items"), list) and order["items"] and order.get("total", 0) > 0):
        return {"statusCode": 400, "body": json.dumps({"error": "Invalid order data"})}
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    if os.environ.get("ORDER_IDS") == "random" or "idempotency-key" not in headers:
        order_id = f"order_{uuid.uuid4().hex[:12]}"
    else:
        order_id = order_id_for(headers["idempotency-key"])
    PendingOrders(environment("PENDING_TABLE")).put(order_id, order)
    queue = FifoWorkflowQueue(environment("WORKFLOW_QUEUE_URL"))
    for message in workflow_messages(order_id, order):
        queue.send(order_id, message)
    return {
        "statusCode": 202,
        "body": json.dumps({"message": "Order accepted for processing", "orderId": order_id}),
    }
