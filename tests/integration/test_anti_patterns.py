"""The anti-patterns on moto: the loop and its fix counted, the long job, state, secrets, nothing lost."""

import pytest

from patterns.anti_patterns import adapters
from patterns.anti_patterns.demo import (
    LOOP_BUCKET,
    OUTPUT_BUCKET,
    fixed_loop,
    hard_coded_secret,
    long_job,
    memory_state,
    recursive_loop,
)
from patterns.lab import limits

pytestmark = pytest.mark.integration


def test_the_loop_is_stopped_at_the_limit_and_its_bill_comes_from_the_reports(sandbox):
    run = recursive_loop(sandbox)
    reports = [r for r in sandbox.lambdas.reports if r.function_name == "thumbnail-in-place"]
    assert run.bill.invocations == len(reports) == limits.RECURSIVE_LOOP_MAX_INVOCATIONS
    assert run.bill.stopped == 1
    assert run.longest_chain == limits.RECURSIVE_LOOP_MAX_INVOCATIONS
    assert run.bill.lambda_usd == pytest.approx(sum(r.cost_usd for r in reports))
    assert run.objects_in_trigger_bucket == 2  # the upload and the thumbnail it kept overwriting


def test_without_the_stop_the_loop_runs_until_cut(sandbox):
    run = recursive_loop(sandbox, setting="Allow", allowed_hops=50)
    assert run.bill.invocations == 50
    assert run.stopped[0].reason == "lab safety cap"
    assert sandbox.lambdas.loop_safety_cap == limits.RECURSIVE_LOOP_LAB_SAFETY_CAP  # restored


def test_the_fix_invokes_once_per_upload_and_writes_elsewhere(sandbox):
    run = fixed_loop(sandbox, uploads=3)
    assert (run.bill.invocations, run.bill.stopped) == (3, 0)
    assert run.objects_in_trigger_bucket == 3
    assert adapters.count_objects(OUTPUT_BUCKET) == 3
    assert adapters.count_objects(LOOP_BUCKET) == 3


def test_state_in_memory_is_counted_per_environment(sandbox):
    run = memory_state(sandbox, requests=8, environments=4)
    assert run.in_memory_last_answer == 2
    assert (run.dynamodb_last_answer, run.dynamodb_stored) == (8, 8)


def test_the_scanner_finds_the_hard_coded_secret_and_not_the_fix():
    found = hard_coded_secret()
    assert found["hard_coded_handler.py.txt"]
    assert found["fixed_handler.py.txt"] == []


def test_the_long_job_fails_in_one_function_and_fits_in_chunks():
    job = long_job(60_000, chunk_size=2_000, workers=10)
    assert not job.one_function.completed
    assert job.longest_chunk_ms < limits.TIMEOUT_MAX_S * 1000
    assert sum(c.end_ms - c.start_ms for c in job.chunked.chunks) >= job.chunked.serial_ms - 120
    assert job.chunked.records == 60_000
