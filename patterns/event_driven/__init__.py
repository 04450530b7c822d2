"""Pattern 05 · Event-driven processing.

**What it is.** Producers publish facts ("an order was created") to an event bus without knowing who
listens; rules on the bus match events by their content and deliver them to consumers. Adding a
consumer is adding a rule: the producer does not change.

**What the example does.** A custom EventBridge bus with rules whose patterns use exact values, prefix,
``anything-but``, numeric ranges, ``exists`` and ``$or`` (seed 001's routing among them, with its
cross-product bug and the ``$or`` fix); consumers are local Lambda functions, and which consumer received
which event is read from real ``put_events`` calls, never from a second matcher. Seed 002's pipeline
(S3 upload -> parse a CSV of orders -> DynamoDB -> SNS -> email consumer) is run and costed per 10,000
uploads from its invocation reports and :mod:`patterns.lab.pricing`. Seed 000's Azure Functions example
(Service Bus, Cosmos DB, ``messageId`` duplicate detection) runs on SQS FIFO and DynamoDB. A consumer
that fails, first with a bug (Lambda's async retries, then its on-failure queue), then with throttled
``Invoke`` calls (the rule target's ``RetryPolicy``, then the target's DLQ), is fixed, and the archive's
window of the incidents is replayed to its rule only; a test counts every event as processed or in a DLQ.

**When to use it.** Several independent reactions to the same fact; producers and consumers owned by
different teams; routing that should change without redeploying producers.

**Trade-offs.** Delivery is asynchronous and at least once (a replay delivers again: consumers must be
idempotent); nobody sees the whole flow in one place; a pattern that lists sources and detail-types side
by side matches their cross product; errors surface in DLQs and metrics, not in the producer's response.
A Lambda target's retry policy covers *delivery* (the ``Invoke`` call), not the function's errors,
which Lambda's own async retries and destinations handle.

**References.** Event patterns (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html),
retry policy and DLQs (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html),
archive and replay (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html),
Lambda async invocation (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html).

**TL;DR.** Publish facts to a custom bus, route with content patterns, give every target a DLQ and every
function an on-failure destination, archive the bus, replay a window after a fix, keep consumers
idempotent. Run it: ``python -m patterns.event_driven``; explore it: ``notebooks/05-event-driven.ipynb``.
"""

__all__ = ["adapters", "demo", "exceptions", "handlers", "service"]
