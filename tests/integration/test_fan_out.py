"""The fan-out job against moto: both paths, duplicates, a chunk that keeps failing, the DynamoDB fan-in
under interleavings (a property test, a few examples), counts against the formula, Map transitions."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings

from patterns.fan_out.adapters import DynamoDbFanInStore
from patterns.fan_out.demo import map_state_transitions, race_results
from patterns.fan_out.economics import job_usage
from patterns.fan_out.pipeline import JobConfig, Via, run_job
from patterns.fan_out.service import chunk_steps, make_records, run_steps, split_into_chunks
from patterns.lab import limits
from patterns.lab.exceptions import ConfigurationError
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Sandbox
from tests.unit.test_fan_out_service import expected_report, jobs, run_job_on

pytestmark = pytest.mark.integration

VIAS: tuple[Via, ...] = ("sqs", "async")


@pytest.mark.parametrize("via", VIAS)
def test_a_clean_job_completes_with_every_record_once(sandbox: Sandbox, via: Via) -> None:
    run = run_job(sandbox, JobConfig(records=95, chunk_size=10, via=via))
    run.check_accounting()
    assert run.report is not None
    assert (run.report.status, run.report.chunks_done, run.report.records) == ("COMPLETE", 10, 95)
    assert run.invocations == {"split": 1, "worker": 10, "dlq": 0}
    formula = job_usage(95, 10, JobConfig().work, via=via)
    assert run.usage().invocations == formula.invocations
    assert run.dynamodb_requests == {"PutItem": 11, "UpdateItem": 11, "Query": 1}
    assert run.usage().dynamodb_write_units == formula.dynamodb_write_units


@pytest.mark.parametrize("via", VIAS)
def test_duplicate_deliveries_are_refused_by_the_done_marker(sandbox: Sandbox, via: Via) -> None:
    run = run_job(sandbox, JobConfig(records=60, chunk_size=10, via=via, duplicates=(0, 5, 5)))
    run.check_accounting()
    assert run.chunk_deliveries == 9
    assert run.duplicates_refused == 3
    assert run.report is not None
    assert run.report.status == "COMPLETE"


@pytest.mark.parametrize("via", VIAS)
def test_a_chunk_that_keeps_failing_is_retried_dead_lettered_and_the_job_ends_partial(
    sandbox: Sandbox, via: Via
) -> None:
    run = run_job(sandbox, JobConfig(records=50, chunk_size=10, via=via, poison_chunks=(2,)))
    run.check_accounting()
    assert run.report is not None
    assert run.report.status == "PARTIAL"
    assert run.report.failed_chunks == (2,)
    assert run.report.records == 40
    attempts = JobConfig().max_receive_count if via == "sqs" else 1 + limits.ASYNC_MAX_RETRY_ATTEMPTS
    assert run.chunk_failures == attempts
    assert run.dead_lettered == 1
    assert run.invocations["dlq"] == 1
    assert run.leftover_in_dlq == 0


def test_every_chunk_failing_still_ends_partial_never_complete(sandbox: Sandbox) -> None:
    run = run_job(sandbox, JobConfig(records=20, chunk_size=10, poison_chunks=(0, 1)))
    run.check_accounting()
    assert run.report is not None
    assert (run.report.status, run.report.failed_chunks, run.report.records) == ("PARTIAL", (0, 1), 0)


def test_a_job_config_refuses_chunks_it_does_not_have() -> None:
    with pytest.raises(ConfigurationError, match="not chunks of this job"):
        JobConfig(records=20, chunk_size=10, poison_chunks=(2,))
    with pytest.raises(ConfigurationError, match="workers"):
        JobConfig(workers=1)


def test_the_dynamodb_store_refuses_a_duplicate_and_a_second_report(sandbox: Sandbox) -> None:
    ensure_table("jobs", hash_key="pk", range_key="sk", client=sandbox.client("dynamodb"))
    store = DynamoDbFanInStore("jobs", sandbox.client("dynamodb"))
    assert store.create_job("j", 1) is True
    assert store.create_job("j", 1) is False
    chunk = split_into_chunks("j", make_records(3), 3)[0]
    first = run_steps(chunk_steps(chunk, store))
    second = run_steps(chunk_steps(chunk, store))
    assert (first.counted, first.triggered, first.report is not None) == (True, True, True)
    assert (second.counted, second.triggered, second.report) == (False, False, None)
    assert first.report is not None
    assert store.finish("j", first.report) is False
    assert store.report("j") == first.report


def test_the_race_scenarios_aggregate_once_on_dynamodb_and_twice_with_the_seed(sandbox: Sandbox) -> None:
    rows = race_results(sandbox)
    assert {r.aggregations for r in rows if r.fan_in.startswith("seed")} == {2}
    ours = [r for r in rows if not r.fan_in.startswith("seed")]
    assert {r.store for r in ours} == {"memory", "DynamoDB"}
    assert {r.aggregations for r in ours} == {1}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(jobs())
def test_on_dynamodb_any_order_duplicates_and_interleaving_aggregate_exactly_once(
    sandbox: Sandbox, job: tuple[int, set[int], list[int], list[int]]
) -> None:
    table = "fan-in-property"
    ensure_table(table, hash_key="pk", range_key="sk", client=sandbox.client("dynamodb"))
    store = DynamoDbFanInStore(table, sandbox.client("dynamodb"))
    job_id = uuid.uuid4().hex
    outcomes = run_job_on(store, job_id, job)
    chunks, failing, _, _ = job
    assert sum(o.triggered for o in outcomes) == 1
    assert sum(o.report is not None for o in outcomes) == 1
    report = store.report(job_id)
    assert report is not None
    assert (report.status, report.failed_chunks, report.records, report.amount_cents) == expected_report(
        job_id, chunks, failing
    )


def test_a_map_state_counts_one_transition_per_chunk_plus_two(sandbox: Sandbox) -> None:
    assert map_state_transitions(sandbox, 3) == 5
    assert map_state_transitions(sandbox, 10) == 12


def test_the_handlers_report_a_malformed_chunk_and_drop_an_unreadable_dead_letter(sandbox: Sandbox) -> None:
    from patterns.lab.events import SqsMessageSpec, sqs_event

    ensure_table("jobs", hash_key="pk", range_key="sk", client=sandbox.client("dynamodb"))
    environment = {"JOBS_TABLE": "jobs", "CHUNK_QUEUE_URL": "unused", "WORKER_FUNCTION": "unused"}
    sandbox.deploy("worker", "patterns.fan_out.handlers.process_chunk_messages", environment=environment)
    sandbox.deploy("failed", "patterns.fan_out.handlers.record_failed_chunks", environment=environment)
    worker = sandbox.lambdas.invoke("worker", sqs_event([SqsMessageSpec("{not json", message_id="m1")]))
    assert worker.payload == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    dropped = sandbox.lambdas.invoke("failed", sqs_event([SqsMessageSpec("[]", message_id="m2")]))
    assert dropped.payload == {"batchItemFailures": []}
