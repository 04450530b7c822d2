"""Handlers of the observability pattern: three functions linked by SQS queues, each logging JSON with
Powertools Logger (request id from the context, the order's correlation id on every line) and publishing
metrics in Embedded Metric Format with Powertools Metrics.

* :func:`place_order` takes an order (a correlation id from the caller's ``x-correlation-id`` header,
  or a new one) and sends it to ``PAYMENTS_QUEUE_URL``;
* :func:`charge_payment` (SQS) charges or declines each order and sends the charged ones to
  ``SHIPPING_QUEUE_URL``;
* :func:`ship_order` (SQS) ships them.

Configuration is Powertools' own environment variables: ``POWERTOOLS_SERVICE_NAME``,
``POWERTOOLS_LOG_LEVEL``, ``POWERTOOLS_LOGGER_SAMPLE_RATE``, ``POWERTOOLS_METRICS_NAMESPACE``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from patterns.observability import adapters, service

__all__ = ["charge_payment", "logger", "metrics", "place_order", "ship_order"]

logger = Logger()
# The lab runs execution environments as threads of one process, where ``logging`` keeps one logger per
# service name: a redeploy with another level would find it configured. This line applies this
# environment's level (and draws its debug sample); on Lambda, a fresh process, it changes nothing.
logger.refresh_sample_rate_calculation()
metrics = Metrics()


@metrics.log_metrics
@logger.inject_lambda_context
def place_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation_id = service.correlation_id_of(event) or service.new_correlation_id()
    logger.set_correlation_id(correlation_id)
    logger.debug("order received", extra={"event": event})
    order = service.parse_order(event)
    message_id = adapters.send_to_queue(
        os.environ["PAYMENTS_QUEUE_URL"],
        {"order_id": order.order_id, "amount_cents": order.amount_cents, "card": order.card},
        correlation_id,
    )
    logger.debug("sent to payments", extra={"message_id": message_id})
    logger.info("order placed", extra={"order_id": order.order_id, "amount_cents": order.amount_cents})
    metrics.add_metric(name="OrdersPlaced", unit=MetricUnit.Count, value=1)
    return {"order_id": order.order_id, "correlation_id": correlation_id}


@metrics.log_metrics
@logger.inject_lambda_context
def charge_payment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    limit = int(os.environ.get("CARD_LIMIT_CENTS", "50000"))
    charged = 0
    for record in event["Records"]:
        correlation_id = adapters.correlation_id_of_record(record) or service.new_correlation_id()
        logger.set_correlation_id(correlation_id)
        logger.debug("payment requested", extra={"message_id": record["messageId"], "body": record["body"]})
        order = service.parse_order(json.loads(record["body"]))
        decision = service.decide_payment(order, limit)
        if not decision.charged:
            logger.warning("payment declined", extra={"order_id": order.order_id, "reason": decision.reason})
            metrics.add_metric(name="PaymentsDeclined", unit=MetricUnit.Count, value=1)
            continue
        adapters.send_to_queue(os.environ["SHIPPING_QUEUE_URL"], {"order_id": order.order_id}, correlation_id)
        logger.info("payment charged", extra={"order_id": order.order_id, "amount_cents": order.amount_cents})
        metrics.add_metric(name="PaymentsCharged", unit=MetricUnit.Count, value=1)
        charged += 1
    return {"charged": charged}


@metrics.log_metrics
@logger.inject_lambda_context
def ship_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    shipped = 0
    for record in event["Records"]:
        correlation_id = adapters.correlation_id_of_record(record) or service.new_correlation_id()
        logger.set_correlation_id(correlation_id)
        logger.debug("shipment requested", extra={"message_id": record["messageId"], "body": record["body"]})
        logger.info("order shipped", extra={"order_id": json.loads(record["body"])["order_id"]})
        metrics.add_metric(name="OrdersShipped", unit=MetricUnit.Count, value=1)
        shipped += 1
    return {"shipped": shipped}
