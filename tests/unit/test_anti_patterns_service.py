"""The anti-patterns' pure logic: a job against the timeout, S3 events, a loop's bill."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.anti_patterns.exceptions import MalformedS3EventError
from patterns.anti_patterns.service import (
    ANTI_PATTERNS,
    loop_bill,
    output_key,
    run_in_one_function,
    s3_objects,
)
from patterns.fan_out.economics import WorkModel
from patterns.lab import limits, pricing
from patterns.lab.exceptions import ConfigurationError

pytestmark = pytest.mark.unit


def test_a_job_longer_than_the_timeout_is_stopped_retried_and_loses_all_it_did():
    run = run_in_one_function(60_000, WorkModel())  # 20 ms a record: 1,200 s of work
    assert run.needed_ms == 120 + 60_000 * 20
    assert not run.completed
    assert run.processed_per_attempt == (900_000 - 120) // 20
    assert run.attempts == 1 + limits.ASYNC_MAX_RETRY_ATTEMPTS
    assert run.lost_records == 3 * run.processed_per_attempt
    assert run.billed_ms == 3 * 900_000
    assert run.usd == pytest.approx(3 * pricing.lambda_invocation_cost(512, 900_000, architecture="arm64"))


def test_a_job_within_the_timeout_completes_in_one_attempt():
    run = run_in_one_function(1_000, WorkModel())
    assert run.completed
    assert (run.attempts, run.lost_records, run.billed_ms) == (1, 0, 20_120)


@given(st.integers(min_value=1, max_value=200_000), st.floats(min_value=0.5, max_value=100))
def test_one_function_either_completes_or_processes_at_most_what_fits_the_timeout(records, per_record_ms):
    run = run_in_one_function(records, WorkModel(per_record_ms=per_record_ms))
    assert run.completed == (run.needed_ms <= limits.TIMEOUT_MAX_S * 1000)
    if not run.completed:
        assert run.processed_per_attempt * per_record_ms <= limits.TIMEOUT_MAX_S * 1000
        assert run.billed_ms_per_attempt == limits.TIMEOUT_MAX_S * 1000


def test_timeouts_beyond_lambdas_maximum_are_refused():
    with pytest.raises(ConfigurationError, match="timeout_s"):
        run_in_one_function(10, WorkModel(), timeout_s=901)
    with pytest.raises(ConfigurationError, match="records"):
        run_in_one_function(0, WorkModel())


def test_s3_objects_reads_every_record_and_refuses_malformed_events():
    record = {"s3": {"bucket": {"name": "b"}, "object": {"key": "uploads/a.jpg"}}}
    assert s3_objects({"Records": [record, record]}) == [("b", "uploads/a.jpg")] * 2
    bad: dict[str, Any]
    for bad in (
        {},
        {"Records": []},
        {"Records": [{"s3": {}}]},
        {"Records": [{"s3": {"bucket": {"name": ""}, "object": {"key": "k"}}}]},
    ):
        with pytest.raises(MalformedS3EventError):
            s3_objects(bad)


def test_output_key_is_a_thumbnail_of_the_file_name():
    assert output_key("uploads/2026/a.jpg") == "thumbnails/a.jpg"
    assert output_key(output_key("a.jpg")) == "thumbnails/a.jpg"  # the loop overwrites one key


def test_loop_bill_sums_the_reports_and_prices_per_invocation():
    class Report:
        def __init__(self, billed_ms, cost_usd):
            self.billed_ms, self.cost_usd = billed_ms, cost_usd

    bill = loop_bill([Report(5, 1e-7), Report(7, 3e-7)], stopped=1)  # type: ignore[list-item]  # duck-typed reports
    assert (bill.invocations, bill.stopped, bill.billed_ms) == (2, 1, 12)
    assert bill.usd_per_invocation == pytest.approx(2e-7)
    assert loop_bill([]).usd_per_invocation == 0.0


def test_six_anti_patterns_each_with_a_fix():
    assert len(ANTI_PATTERNS) == 6
    assert all(problem and fix for problem, fix in ANTI_PATTERNS)
