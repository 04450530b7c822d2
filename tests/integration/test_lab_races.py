"""The race gate (patterns.lab.races): a read-then-write loses every time, a conditional write wins
every time, nothing is left stuck, and Lambda handlers in their own threads count as participants."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from patterns.lab.races import RaceReport, hold_reads
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Sandbox

pytestmark = pytest.mark.integration

TABLE = "races"
RUNS = 10


def _read_then_write(key: str) -> bool:
    client = boto3.client("dynamodb")
    if "Item" in client.get_item(TableName=TABLE, Key={"pk": {"S": key}}):
        return False
    client.put_item(TableName=TABLE, Item={"pk": {"S": key}})
    return True


def _conditional_write(key: str) -> bool:
    client = boto3.client("dynamodb")
    try:
        client.put_item(
            TableName=TABLE, Item={"pk": {"S": key}}, ConditionExpression="attribute_not_exists(pk)"
        )
    except client.exceptions.ConditionalCheckFailedException:
        return False
    return True


def _read_then_conditional_write(key: str) -> bool:
    client = boto3.client("dynamodb")
    if "Item" in client.get_item(TableName=TABLE, Key={"pk": {"S": key}}):
        return False
    return _conditional_write(key)


def _write_then_read_on_refusal(key: str) -> bool:
    if _conditional_write(key):
        return True
    boto3.client("dynamodb").get_item(TableName=TABLE, Key={"pk": {"S": key}})
    return False


def _race(sandbox: Sandbox, function: Any, participants: int, key: str) -> tuple[list[bool], RaceReport]:
    with hold_reads(participants) as gate, ThreadPoolExecutor(participants) as pool:
        results = list(pool.map(gate.participant(function), [key] * participants))
    return results, gate.report()


@pytest.mark.parametrize("participants", [2, 5, 12])
def test_a_read_then_write_loses_the_race_every_time(sandbox: Sandbox, participants: int) -> None:
    ensure_table(TABLE, hash_key="pk")
    for run in range(RUNS):
        results, report = _race(sandbox, _read_then_write, participants, f"k{run}")
        assert results == [True] * participants
        assert report == RaceReport(participants, rounds=1, held=participants - 1, stalled=None)


@pytest.mark.parametrize(
    "function", [_conditional_write, _read_then_conditional_write, _write_then_read_on_refusal]
)
def test_a_conditional_write_wins_the_race_every_time(sandbox: Sandbox, function: Any) -> None:
    ensure_table(TABLE, hash_key="pk")
    for run in range(RUNS):
        results, report = _race(sandbox, function, 6, f"k{run}")
        assert sorted(results) == [False] * 5 + [True]
        assert report.stalled is None


def test_reads_after_the_race_are_not_held(sandbox: Sandbox) -> None:
    ensure_table(TABLE, hash_key="pk")
    with hold_reads(3) as gate, ThreadPoolExecutor(3) as pool:
        list(pool.map(gate.participant(_read_then_write), ["a"] * 3))
        items = boto3.client("dynamodb").scan(TableName=TABLE)["Items"]  # the probe's own read
    assert items == [{"pk": {"S": "a"}}]


def test_a_lock_held_across_the_read_is_reported_as_a_stall(sandbox: Sandbox) -> None:
    ensure_table(TABLE, hash_key="pk")
    lock = threading.Lock()

    def locked(key: str) -> bool:
        with lock:
            return _read_then_write(key)

    with hold_reads(3, stall_s=0.2) as gate, ThreadPoolExecutor(3) as pool:
        results = list(pool.map(gate.participant(locked), ["a"] * 3))
    assert sorted(results) == [False, False, True]
    stalled = gate.report().stalled
    assert stalled is not None
    assert "2 of 3 concurrent calls never reached a read" in stalled


def test_handlers_in_execution_environments_are_participants(sandbox: Sandbox, tmp_path: Any) -> None:
    ensure_table(TABLE, hash_key="pk")
    package = tmp_path / "racy_handler_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "handler.py").write_text(
        "import boto3\n"
        "client = boto3.client('dynamodb')  # init code, as AWS advises\n"
        "def handler(event, context):\n"
        "    key = {'pk': {'S': event['key']}}\n"
        "    if 'Item' in client.get_item(TableName='races', Key=key):\n"
        "        return {'statusCode': 409}\n"
        "    client.put_item(TableName='races', Item=key)\n"
        "    return {'statusCode': 201}\n"
    )
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        sandbox.deploy("racy", "racy_handler_pkg.handler.handler")

        def post(key: str) -> int:
            status: int = sandbox.lambdas.invoke("racy", {"key": key}).payload["statusCode"]
            return status

        for run in range(3):
            with hold_reads(4) as gate, ThreadPoolExecutor(4) as pool:
                statuses = list(pool.map(gate.participant(post), [f"k{run}"] * 4))
            assert statuses == [201] * 4, json.dumps(statuses)
            assert gate.report().stalled is None
    finally:
        sys.path.remove(str(tmp_path))


def test_more_calls_than_participants_is_an_error(sandbox: Sandbox) -> None:
    ensure_table(TABLE, hash_key="pk")
    with hold_reads(1) as gate:
        wrapped = gate.participant(_conditional_write)
        assert wrapped("a") is True
        with pytest.raises(Exception, match="more calls than the 1 participants"):
            wrapped("b")
