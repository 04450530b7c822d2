"""A handler that reports what its execution environment sees and creates a client as handlers do."""

import os
from typing import Any

import boto3

_SEEN = ("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "TABLE")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    dynamodb = boto3.client("dynamodb")  # no endpoint_url: where it goes is the environment's business
    dynamodb.create_table(
        TableName=os.environ["TABLE"],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return {
        "environment": {name: os.environ.get(name) for name in _SEEN},
        "client_endpoint": dynamodb.meta.endpoint_url,
    }
