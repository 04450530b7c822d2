"""Reference solution of the pubsub exercise: the subscription attributes of three subscribers."""

from __future__ import annotations

import json


def billing_subscription() -> dict[str, str]:
    """Task 1: every order event except OrderShipped, by the ``event_type`` message attribute."""
    policy = {"event_type": [{"anything-but": ["OrderShipped"]}]}
    return {"FilterPolicy": json.dumps(policy), "FilterPolicyScope": "MessageAttributes"}


def fraud_subscription() -> dict[str, str]:
    """Task 2: orders placed for 1,000 USD or more outside the US, by the message body."""
    policy = {
        "type": ["OrderPlaced"],
        "order": {
            "total_cents": [{"numeric": [">=", 100000]}],
            "country": [{"anything-but": ["US"]}],
        },
    }
    return {"FilterPolicy": json.dumps(policy), "FilterPolicyScope": "MessageBody"}


def loyalty_subscription() -> dict[str, str]:
    """Task 3: shipped orders of gold customers who gave an email, by the message body."""
    policy = {
        "type": ["OrderShipped"],
        "order": {"customer": {"tier": ["gold"], "email": [{"exists": True}]}},
    }
    return {"FilterPolicy": json.dumps(policy), "FilterPolicyScope": "MessageBody"}
