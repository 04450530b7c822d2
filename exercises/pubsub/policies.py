"""Exercise pubsub: write the subscription attributes that give each subscriber exactly its messages.

Each function returns the attributes of one SQS subscription to the order topic, as SNS's
``Subscribe`` and ``SetSubscriptionAttributes`` take them: a dict of two strings,
``{"FilterPolicy": <the policy as JSON text>, "FilterPolicyScope": "MessageAttributes" or "MessageBody"}``.
The grader subscribes a queue with them and publishes real messages to moto. See README.md.
"""

from __future__ import annotations


def billing_subscription() -> dict[str, str]:
    """Task 1: every order event except OrderShipped, decided by the ``event_type`` message attribute."""
    raise NotImplementedError("Task 1: billing_subscription is not implemented yet")


def fraud_subscription() -> dict[str, str]:
    """Task 2: orders placed for 1,000 USD or more outside the US, decided by the message body."""
    raise NotImplementedError("Task 2: fraud_subscription is not implemented yet")


def loyalty_subscription() -> dict[str, str]:
    """Task 3: shipped orders of gold customers who gave an email, decided by the message body."""
    raise NotImplementedError("Task 3: loyalty_subscription is not implemented yet")
