"""patterns.lab.faults: injected errors reach botocore's retry loop; waits are recorded, not slept."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from patterns.lab import faults
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Sandbox

pytestmark = pytest.mark.integration


def _client(sandbox: Sandbox, attempts: int) -> Any:
    return sandbox.client(
        "dynamodb", config=Config(retries={"mode": "standard", "total_max_attempts": attempts})
    )


def test_the_first_calls_get_the_faults_and_the_sdk_retries_them(sandbox: Sandbox) -> None:
    table = ensure_table("faults-t", hash_key="pk")
    client = _client(sandbox, 5)
    with (
        faults.virtual_sleeps() as waits,
        faults.inject(client, "GetItem", [faults.THROTTLING] * 2) as injector,
    ):
        client.get_item(TableName=table, Key={"pk": {"S": "a"}})
    assert injector.attempts == 3
    assert injector.answered == ["ThrottlingException", "ThrottlingException"]
    assert len(waits.sleeps) == 2
    assert waits.total_s > 0


def test_a_validation_error_is_raised_with_its_code_and_not_retried(sandbox: Sandbox) -> None:
    table = ensure_table("faults-t", hash_key="pk")
    client = _client(sandbox, 5)
    with (
        faults.virtual_sleeps() as waits,
        faults.inject(client, "GetItem", [faults.VALIDATION]) as injector,
        pytest.raises(ClientError) as raised,
    ):
        client.get_item(TableName=table, Key={"pk": {"S": "a"}})
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert injector.attempts == 1
    assert waits.sleeps == []


def test_the_hook_is_gone_after_the_block_and_sleeping_is_real_again(sandbox: Sandbox) -> None:
    import botocore.endpoint

    table = ensure_table("faults-t", hash_key="pk")
    client = _client(sandbox, 1)
    with faults.inject(client, "GetItem", [faults.THROTTLING] * 9) as injector, pytest.raises(ClientError):
        client.get_item(TableName=table, Key={"pk": {"S": "a"}})
    client.get_item(TableName=table, Key={"pk": {"S": "a"}})
    assert injector.attempts == 1
    assert botocore.endpoint.time is time  # type: ignore[attr-defined]


def test_an_unknown_operation_is_refused(sandbox: Sandbox) -> None:
    with (
        pytest.raises(Exception, match="NoSuchOperation"),
        faults.inject(_client(sandbox, 1), "NoSuchOperation", [faults.THROTTLING]),
    ):
        pass
