"""Pattern 07 · Publish/subscribe fan-out.

**What it is.** A publisher sends each event once to an SNS topic; every subscription (an SQS queue, a
Lambda function...) gets its own copy, filtered by the subscription's filter policy. The publisher knows
the topic, never the subscribers: a team subscribes, or leaves, without a change on the publisher's side.

**What the example does.** The order service publishes order events (JSON body; ``event_type``, ``country``
and ``total_cents`` as message attributes) through :class:`~patterns.pubsub.adapters.OrderPublisher`.
Billing and the EU warehouse filter on attributes, fraud review on the body (``FilterPolicyScope:
MessageBody``), audit takes everything with SNS's envelope (the others use raw delivery). A table of real
publishes shows who received what; the loyalty team subscribes while the publisher runs, and the publisher's
recorded boto3 calls are identical before and after. Costs per million publishes are counted against the
number of subscribers; the warehouse's queue redrives a poison order to its DLQ; a Lambda subscriber fails
three ways (its code, an outage, a deleted function) and SNS's retry policy and subscription redrive run on
the lab's virtual clock (:mod:`patterns.lab.sns_delivery`); a FIFO topic keeps each order's events in order
and drops repeats by explicit deduplication ids.

**When to use it.** One event, several independent consumers that each want a subset; consumers that come
and go; each consumer needing its own buffer (a queue per subscriber) and its own failure handling.

**Trade-offs.** Filter policies live in the subscriptions, so routing is spread over the teams; a message
published before a subscription exists never reaches it (no replay: EventBridge archives do that);
every subscriber needs its own DLQ (queue redrive for its consumer, subscription redrive for SNS's
delivery); standard topics may deliver twice and out of order, FIFO topics cost throughput.

**References.** SNS message filtering (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html),
raw message delivery (https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html),
delivery retries (https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html),
dead-letter queues (https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html),
FIFO topics (https://docs.aws.amazon.com/sns/latest/dg/sns-fifo-topics.html),
SNS pricing (https://aws.amazon.com/sns/pricing/).

**TL;DR.** Publish once to a topic, give every subscriber a queue with a filter policy and a DLQ, turn on
raw delivery, and set explicit deduplication ids on FIFO topics.
Run it: ``python -m patterns.pubsub``; explore it: ``notebooks/07-pubsub.ipynb``.
"""

from patterns.pubsub.adapters import CallRecorder, OrderPublisher
from patterns.pubsub.service import LATE_SUBSCRIBER, SUBSCRIBERS, OrderEvent, Subscriber

__all__ = ["LATE_SUBSCRIBER", "SUBSCRIBERS", "CallRecorder", "OrderEvent", "OrderPublisher", "Subscriber"]
