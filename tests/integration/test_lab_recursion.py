"""Recursive loop detection in the local runtime: a function that writes to the bucket that triggers it.

The lineage travels with S3's push delivery (moto's notification, routed by ``patterns.lab.hooks``) from the
handler's ``put_object`` to the next asynchronous invocation; the runtime stops the chain past the limit.
"""

import json

import pytest

from patterns.anti_patterns import adapters
from patterns.lab import limits
from patterns.lab.exceptions import ConfigurationError

pytestmark = pytest.mark.integration

HANDLER = "patterns.anti_patterns.handlers.thumbnail_in_place"


def _loop(sandbox, name="loop", **settings):
    adapters.create_bucket("recursion-bucket")
    arn = sandbox.deploy(name, HANDLER, **settings)
    adapters.notify_function("recursion-bucket", arn)
    adapters.put_object("recursion-bucket", "uploads/a.jpg", b"image")
    sandbox.settle()
    reports = [report for report in sandbox.lambdas.reports if report.function_name == name]
    return reports, sandbox.lambdas.stopped


def test_the_chain_stops_after_the_documented_number_of_invocations(sandbox):
    reports, stopped = _loop(sandbox)
    assert len(reports) == limits.RECURSIVE_LOOP_MAX_INVOCATIONS
    assert all(report.status == "success" and report.invocation_type == "Event" for report in reports)
    assert [(s.function_name, s.lineage, s.reason) for s in stopped] == [
        ("loop", limits.RECURSIVE_LOOP_MAX_INVOCATIONS + 1, "recursive loop detected")
    ]
    assert stopped[0].event["Records"][0]["s3"]["object"]["key"] == "thumbnails/a.jpg"
    chain = [pending.lineage for pending in sandbox.lambdas.async_invocations]
    assert chain == list(range(1, limits.RECURSIVE_LOOP_MAX_INVOCATIONS + 2))
    assert sandbox.lambdas.async_invocations[-1].outcome == "stopped"


def test_allow_runs_on_until_the_lab_safety_cap(sandbox):
    sandbox.lambdas.loop_safety_cap = 40
    reports, stopped = _loop(sandbox, recursive_loop="Allow")
    assert len(reports) == 40
    assert [(s.lineage, s.reason) for s in stopped] == [(41, "lab safety cap")]


def test_the_limit_is_a_setting_of_the_runtime(sandbox):
    sandbox.lambdas.recursion_limit = 3
    reports, stopped = _loop(sandbox)
    assert len(reports) == 3
    assert stopped[0].lineage == 4


def test_a_new_upload_starts_a_new_chain(sandbox):
    sandbox.lambdas.recursion_limit = 2
    _loop(sandbox)
    adapters.put_object("recursion-bucket", "uploads/b.jpg", b"image")
    sandbox.settle()
    assert len([r for r in sandbox.lambdas.reports if r.function_name == "loop"]) == 4
    assert [s.lineage for s in sandbox.lambdas.stopped] == [3, 3]


def test_a_synchronous_invoke_keeps_its_callers_lineage_and_an_explicit_one_wins(sandbox):
    adapters.create_bucket("recursion-bucket")
    sandbox.deploy("loop", HANDLER)
    event = {"Records": [{"s3": {"bucket": {"name": "recursion-bucket"}, "object": {"key": "x.jpg"}}}]}
    adapters.put_object("recursion-bucket", "x.jpg", b"image")
    assert sandbox.lambdas.invoke("loop", event).ok  # no notification configured: nothing follows
    pending = sandbox.lambdas.invoke_async("loop", event, lineage=limits.RECURSIVE_LOOP_MAX_INVOCATIONS + 5)
    sandbox.settle()
    assert pending.outcome == "stopped"
    assert sandbox.lambdas.invoke_async("loop", event).lineage == 1


def test_an_unknown_recursive_loop_setting_is_refused(sandbox):
    with pytest.raises(ConfigurationError, match="recursive_loop must be 'Terminate' or 'Allow'"):
        sandbox.deploy("loop", HANDLER, recursive_loop="Stop")


def test_the_stopped_event_goes_to_the_on_failure_destination(sandbox):
    sqs = sandbox.client("sqs")
    url = sqs.create_queue(QueueName="loop-failures")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    _loop(sandbox, on_failure=arn)
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 1
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["condition"] == "RecursiveInvocationException"
    assert record["responsePayload"]["errorType"] == "RecursiveInvocationException"
    assert record["requestPayload"]["Records"][0]["s3"]["object"]["key"] == "thumbnails/a.jpg"


def test_an_allowed_loop_cut_by_the_lab_sends_nothing(sandbox):
    sqs = sandbox.client("sqs")
    url = sqs.create_queue(QueueName="loop-failures")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sandbox.lambdas.loop_safety_cap = 20
    _loop(sandbox, recursive_loop="Allow", on_failure=arn)
    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
