"""The stream source's tumbling windows, ParallelizationFactor, checkpoints and resume, iterator age on
the virtual clock, and the work model (pattern 10 grew them; tests/integration/test_sources.py has the
rest)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from patterns.lab.exceptions import ConfigurationError
from patterns.lab.sandbox import Sandbox
from patterns.lab.sources import kinesis_stream_source

HANDLERS = "tests.handlers.streams"


def _stream(sandbox: Sandbox, name: str = "events", shards: int = 1) -> Any:
    kinesis = sandbox.client("kinesis")
    kinesis.create_stream(StreamName=name, ShardCount=shards)
    return kinesis


def _recorder(sandbox: Sandbox, handler: str, **environment: str) -> str:
    url = sandbox.client("sqs").create_queue(QueueName="received")["QueueUrl"]
    sandbox.deploy("consumer", f"{HANDLERS}.{handler}", environment={"RECORD_QUEUE_URL": url, **environment})
    return str(url)


def _received(sandbox: Sandbox, url: str) -> list[dict[str, Any]]:
    sqs, bodies = sandbox.client("sqs"), []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def _put(kinesis: Any, data: str, key: str = "k", stream: str = "events") -> str:
    sequence: str = kinesis.put_record(StreamName=stream, Data=data.encode(), PartitionKey=key)[
        "SequenceNumber"
    ]
    return sequence


def test_tumbling_window_carries_state_and_closes_each_window_with_a_final_invocation(
    sandbox: Sandbox,
) -> None:
    kinesis = _stream(sandbox)
    url = _recorder(sandbox, "count_in_window")
    source = kinesis_stream_source(sandbox, "events", "consumer", batch_size=3, tumbling_window_s=20)
    origin = sandbox.clock.timestamp()
    for second in range(50):
        _put(kinesis, f"r{second}")
        sandbox.advance(1)
    sandbox.advance(40)
    events = _received(sandbox, url)
    finals = [e for e in events if e["isFinalInvokeForWindow"]]
    assert [e["records"] for e in finals] == [0] * len(finals)
    assert sum(f["state"].get("count", 0) for f in finals) == 50, "every record counted in exactly one window"
    windows = [f["window"]["start"] for f in finals]
    assert len(windows) == len(set(windows)) == len({e["window"]["start"] for e in events})
    first_window = 20 - origin % 20
    expected = [min(50, first_window), *([20] * int((50 - first_window) // 20))]
    assert [f["state"]["count"] for f in finals][: len(expected)] == expected
    for event in events:
        assert set(event) >= {"window", "state", "shardId", "eventSourceARN", "isWindowTerminatedEarly"}
    within = [e for e in events if not e["isFinalInvokeForWindow"]]
    assert within[0]["state"] == {}, "a window's first invocation starts from an empty state"
    assert source.stats().window_final_invocations == len(finals)


def test_a_state_over_one_megabyte_terminates_the_window_early(sandbox: Sandbox) -> None:
    kinesis = _stream(sandbox)
    _recorder(sandbox, "count_in_window", BIG="yes")
    source = kinesis_stream_source(sandbox, "events", "consumer", tumbling_window_s=60)
    _put(kinesis, "a")
    sandbox.settle()
    assert source.stats().windows_terminated_early == 1


def test_parallelization_factor_keeps_order_per_key_and_runs_lanes_side_by_side(sandbox: Sandbox) -> None:
    kinesis = _stream(sandbox)
    url = _recorder(sandbox, "record_batch")
    source = kinesis_stream_source(sandbox, "events", "consumer", batch_size=2, parallelization_factor=4)
    for index in range(40):
        _put(kinesis, f"{index % 8}:{index // 8}", key=f"key-{index % 8}")
    sandbox.settle()
    batches = _received(sandbox, url)
    seen: dict[str, list[int]] = {}
    for batch in batches:
        assert len(set(batch["keys"])) >= 1
        for data in batch["data"]:
            key, number = data.split(":")
            seen.setdefault(key, []).append(int(number))
    assert seen == {str(k): [0, 1, 2, 3, 4] for k in range(8)}, "each key's records in order, once"
    stats = source.stats()
    assert stats.records_processed == 40
    assert stats.invocations < 40 / 2 + 4  # lanes filled their batches of 2
    lanes_used = {frozenset(batch["keys"]) for batch in batches}
    assert len(lanes_used) > 1


def test_a_restarted_source_resumes_after_the_checkpoint(sandbox: Sandbox) -> None:
    kinesis = _stream(sandbox)
    url = _recorder(sandbox, "record_batch")
    for index in range(5):
        _put(kinesis, f"0:{index}", key="a")
    first = kinesis_stream_source(sandbox, "events", "consumer", batch_size=10)
    sandbox.settle()
    checkpoints = first.checkpoints()
    sandbox.remove_source(first)
    for index in range(5, 8):
        _put(kinesis, f"0:{index}", key="a")
    kinesis_stream_source(sandbox, "events", "consumer", resume_from=checkpoints)
    sandbox.settle()
    batches = _received(sandbox, url)
    assert [b["data"] for b in batches] == [[f"0:{i}" for i in range(5)], [f"0:{i}" for i in range(5, 8)]]
    assert list(checkpoints) == first.shard_ids


def test_records_waiting_behind_a_failing_batch_age_on_the_virtual_clock(sandbox: Sandbox) -> None:
    kinesis = _stream(sandbox)
    url = sandbox.client("sqs").create_queue(QueueName="received")["QueueUrl"]
    sandbox.deploy(
        "consumer",
        "tests.handlers.event_sources.consume_stream",
        environment={"TABLE": "t", "POISON": "poison"},
    )
    sandbox.client("dynamodb").create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    del url
    source = kinesis_stream_source(sandbox, "events", "consumer", maximum_record_age_s=60, batch_size=1)
    _put(kinesis, "poison")
    sandbox.advance(30)
    _put(kinesis, "late")
    sandbox.advance(120)
    ages = source.iterator_ages
    late = ages[-1]
    assert source.stats().records_processed == 1
    assert late.age_s == pytest.approx(late.at_s - 30, abs=1e-6), "the late record aged from when it was put"
    assert late.age_s > 30


def test_the_work_model_keeps_a_lane_busy_and_lag_builds_up(sandbox: Sandbox) -> None:
    kinesis = _stream(sandbox)
    _recorder(sandbox, "record_batch")
    source = kinesis_stream_source(
        sandbox, "events", "consumer", batch_size=1, invocation_duration_s=lambda n: 2.0 * n
    )
    for index in range(10):
        _put(kinesis, f"0:{index}")
    sandbox.settle()
    assert source.stats().invocations == 1
    sandbox.advance(30)
    assert [round(sample.age_s) for sample in source.iterator_ages] == [2 * i for i in range(10)]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"parallelization_factor": 0}, "parallelization_factor must be 1-10"),
        ({"parallelization_factor": 11}, "parallelization_factor must be 1-10"),
        ({"tumbling_window_s": 901}, "tumbling_window_s must be 0-900"),
        ({"tumbling_window_s": 60, "parallelization_factor": 2}, "parallelization_factor of 1 only"),
    ],
)
def test_stream_source_rejects_factors_and_windows_out_of_range(
    sandbox: Sandbox, settings: dict[str, int], message: str
) -> None:
    _stream(sandbox)
    _recorder(sandbox, "record_batch")
    with pytest.raises(ConfigurationError, match=message):
        kinesis_stream_source(sandbox, "events", "consumer", **settings)  # type: ignore[arg-type]


def test_a_restarted_dynamodb_stream_source_resumes_after_its_checkpoint(sandbox: Sandbox) -> None:
    from patterns.lab.sources import dynamodb_stream_source
    from tests.integration.test_sources import _processed, _table

    _table(sandbox, "orders", stream=True)
    _table(sandbox, "processed")
    dynamodb = sandbox.client("dynamodb")
    sandbox.deploy(
        "consumer", "tests.handlers.event_sources.consume_stream", environment={"TABLE": "processed"}
    )
    for name in ("a", "b", "c"):
        dynamodb.put_item(TableName="orders", Item={"id": {"S": name}})
    first = dynamodb_stream_source(sandbox, "orders", "consumer")
    sandbox.settle()
    checkpoints = first.checkpoints()
    sandbox.remove_source(first)
    for name in ("d", "e"):
        dynamodb.put_item(TableName="orders", Item={"id": {"S": name}})
    dynamodb_stream_source(sandbox, "orders", "consumer", resume_from=checkpoints)
    sandbox.settle()
    assert _processed(sandbox, "processed") == {"stream": ["a", "b", "c", "d", "e"]}, "each change once"
