"""The lab's TTL sweeper deletes expired items on the virtual clock, and only those."""

import pytest

from patterns.lab.resources import ensure_table
from patterns.lab.ttl import ttl_sweeper

pytestmark = pytest.mark.integration


def _put(sandbox, key, expires):
    item = {"id": {"S": key}}
    if expires is not None:
        item["expires_at"] = expires
    sandbox.client("dynamodb").put_item(TableName="t", Item=item)


def _keys(sandbox):
    return sorted(i["id"]["S"] for i in sandbox.client("dynamodb").scan(TableName="t")["Items"])


def test_expired_items_stay_until_the_sweep_then_go(sandbox):
    ensure_table("t", hash_key="id")
    sweeper = ttl_sweeper(sandbox, "t", "expires_at", interval_s=3600)
    now = int(sandbox.clock.timestamp())
    _put(sandbox, "soon", {"N": str(now + 60)})
    _put(sandbox, "later", {"N": str(now + 7200)})
    _put(sandbox, "no-ttl", None)
    _put(sandbox, "text-ttl", {"S": str(now)})  # not a Number: DynamoDB never expires it
    sandbox.advance(120)
    assert _keys(sandbox) == ["later", "no-ttl", "soon", "text-ttl"]  # expired, not yet deleted
    sandbox.advance(3600)
    assert _keys(sandbox) == ["later", "no-ttl", "text-ttl"]
    sandbox.advance(3600 * 2)
    assert _keys(sandbox) == ["no-ttl", "text-ttl"]
    assert [s.deleted for s in sweeper.sweeps] == [1, 1, 0]
    ttl = sandbox.client("dynamodb").describe_time_to_live(TableName="t")["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")


def test_a_removed_sweeper_sweeps_no_more(sandbox):
    ensure_table("t", hash_key="id")
    sweeper = ttl_sweeper(sandbox, "t", "expires_at", interval_s=60)
    sandbox.remove_source(sweeper)
    _put(sandbox, "old", {"N": "1"})
    sandbox.advance(600)
    assert _keys(sandbox) == ["old"]
    assert sweeper.sweeps == []
