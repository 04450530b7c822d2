"""The local Lambda runtime: lifecycle, isolation, reports, limits, errors and async delivery."""

import json
import threading
import time

import pytest

from patterns.lab import pricing
from patterns.lab.exceptions import ConfigurationError, FunctionNotDeployedError, TooManyRequestsError

pytestmark = pytest.mark.integration

LIFECYCLE = "tests.handlers.lifecycle.handler"


def test_first_invocation_is_cold_then_warm_in_the_same_environment(sandbox):
    sandbox.deploy("life", LIFECYCLE)
    first = sandbox.lambdas.invoke("life", {})
    second = sandbox.lambdas.invoke("life", {})
    assert first.report.cold_start
    assert first.report.init_ms is not None
    assert not second.report.cold_start
    assert second.report.init_ms is None
    assert second.payload["environment"] == first.payload["environment"]
    assert second.payload["served"] == 2, "module globals persist between requests of one environment"


def test_environments_have_their_own_module_globals(sandbox):
    sandbox.deploy("life", LIFECYCLE)
    barrier = threading.Barrier(2)
    results = []

    def call():
        barrier.wait()
        results.append(sandbox.lambdas.invoke("life", {"sleep_s": 0.2}).payload)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r["environment"] for r in results}) == 2, results
    assert [r["served"] for r in results] == [1, 1], "each environment counts its own requests"
    assert [r["init_count"] for r in results] == [1, 1], "init code ran once per environment"


def test_environment_variables_are_per_function_and_do_not_leak(sandbox):
    import os

    sandbox.deploy("a", LIFECYCLE, environment={"GREETING": "hello from a"})
    sandbox.deploy("b", LIFECYCLE, environment={"GREETING": "hello from b"})
    assert sandbox.lambdas.invoke("a").payload["greeting"] == "hello from a"
    assert sandbox.lambdas.invoke("b").payload["greeting"] == "hello from b"
    assert "GREETING" not in os.environ


def test_report_bills_init_plus_duration_rounded_up_and_prices_it(sandbox):
    sandbox.deploy("life", LIFECYCLE, memory_mb=512, architecture="arm64")
    report = sandbox.lambdas.invoke("life").report
    assert report.billed_ms == pricing.billed_duration_ms(report.duration_ms + report.init_ms)
    assert report.cost_usd == pricing.lambda_invocation_cost(512, report.billed_ms, architecture="arm64")
    assert "Init Duration" in report.line()
    assert f"Billed Duration: {report.billed_ms} ms" in report.line()


def test_idle_environment_expires_on_the_virtual_clock(sandbox):
    sandbox.deploy("life", LIFECYCLE, idle_expiry_s=600)
    sandbox.lambdas.invoke("life")
    sandbox.advance(599)
    assert not sandbox.lambdas.invoke("life").report.cold_start
    sandbox.advance(600)
    assert sandbox.lambdas.invoke("life").report.cold_start


def test_provisioned_environments_are_initialised_ahead_and_never_expire(sandbox):
    sandbox.deploy("life", LIFECYCLE, provisioned_concurrency=2)
    assert len(sandbox.lambdas.environments("life")) == 2
    sandbox.advance(6 * 3600)
    report = sandbox.lambdas.invoke("life").report
    assert not report.cold_start
    assert report.cost_usd == pricing.lambda_invocation_cost(128, report.billed_ms, provisioned=True)


def test_configure_changes_provisioned_concurrency_and_memory(sandbox):
    sandbox.deploy("life", LIFECYCLE)
    sandbox.lambdas.configure("life", provisioned_concurrency=3)
    assert [env.provisioned for env in sandbox.lambdas.environments("life")] == [True] * 3
    sandbox.lambdas.configure("life", provisioned_concurrency=1)
    [kept] = sandbox.lambdas.environments("life")
    sandbox.lambdas.configure("life", memory_mb=512)  # a new configuration: environments start again
    report = sandbox.lambdas.invoke("life").report
    assert report.memory_mb == 512
    assert not report.cold_start, "served by the re-provisioned environment"
    assert report.environment_id != kept.environment_id


def test_reserved_concurrency_throttles_beyond_the_limit(sandbox):
    sandbox.deploy("slow", "tests.handlers.slow.sleep", reserved_concurrency=1)
    thread = threading.Thread(target=sandbox.lambdas.invoke, args=("slow", {"seconds": 0.5}))
    thread.start()
    while not any(env.busy for env in sandbox.lambdas.environments("slow")):
        time.sleep(0.005)
    with pytest.raises(TooManyRequestsError, match="reserved concurrency of 1"):
        sandbox.lambdas.invoke("slow", {"seconds": 0.5})
    thread.join()


def test_timeout_is_enforced_and_reported_as_lambda_does(sandbox):
    sandbox.deploy("slow", "tests.handlers.slow.sleep", timeout_s=0.2)
    result = sandbox.lambdas.invoke("slow", {"seconds": 2})
    assert result.function_error == "Unhandled"
    assert "Task timed out after 0.20 seconds" in result.payload["errorMessage"]
    assert result.report.status == "timeout"
    assert result.report.billed_ms == pricing.billed_duration_ms(200 + result.report.init_ms)
    assert sandbox.lambdas.environments("slow") == [], "a timed-out environment is discarded"


def test_remaining_time_counts_down(sandbox):
    sandbox.deploy("slow", "tests.handlers.slow.sleep", timeout_s=2)
    remaining = sandbox.lambdas.invoke("slow", {"seconds": 0.3}).payload["remaining_ms"]
    assert 1500 < remaining <= 1700


def test_handler_error_comes_back_as_a_lambda_error_payload(sandbox):
    sandbox.deploy("life", LIFECYCLE)
    result = sandbox.lambdas.invoke("life", {"fail": "on purpose"})
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "ValueError"
    assert result.payload["errorMessage"] == "asked to fail: on purpose"
    assert any("lifecycle.py" in frame for frame in result.payload["stackTrace"])


def test_init_failure_and_unserialisable_result_are_runtime_errors(sandbox):
    sandbox.deploy("broken", "tests.handlers.broken_init.handler")
    assert sandbox.lambdas.invoke("broken").payload["errorType"] == "Runtime.ImportModuleError"
    sandbox.deploy("odd", "tests.handlers.lifecycle.unserialisable")
    assert sandbox.lambdas.invoke("odd").payload["errorType"] == "Runtime.MarshalError"


def test_bad_configuration_is_refused_with_a_clear_message(sandbox):
    with pytest.raises(ConfigurationError, match="memory_mb must be 128-10240, got 64"):
        sandbox.deploy("f", LIFECYCLE, memory_mb=64)
    with pytest.raises(ConfigurationError, match="cannot be found"):
        sandbox.deploy("f", "tests.handlers.no_such_module.handler")
    with pytest.raises(ConfigurationError, match="unknown setting"):
        sandbox.deploy("f", LIFECYCLE, memroy_mb=256)
    with pytest.raises(FunctionNotDeployedError, match="not deployed"):
        sandbox.lambdas.invoke("nobody")


def test_boto3_invoke_runs_the_local_handler(sandbox):
    sandbox.deploy("life", LIFECYCLE)
    client = sandbox.client("lambda")
    response = client.invoke(FunctionName="life", Payload=json.dumps({}), LogType="Tail")
    assert response["StatusCode"] == 200
    assert json.loads(response["Payload"].read())["function"] == "life"
    failed = client.invoke(FunctionName="life", Payload=json.dumps({"fail": "x"}))
    assert failed["FunctionError"] == "Unhandled"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="nobody", Payload=b"{}")
    assert client.get_function(FunctionName="life")["Configuration"]["Handler"] == LIFECYCLE


def test_async_invoke_retries_twice_then_goes_to_the_on_failure_destination(sandbox):
    sqs = sandbox.client("sqs")
    queue_url = sqs.create_queue(QueueName="failures")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sandbox.deploy("life", LIFECYCLE, on_failure=queue_arn)
    response = sandbox.client("lambda").invoke(
        FunctionName="life", InvocationType="Event", Payload=b'{"fail": "always"}'
    )
    assert response["StatusCode"] == 202
    sandbox.settle()
    assert len(sandbox.lambdas.reports) == 1, "the first attempt runs at once"
    sandbox.advance(59)
    assert len(sandbox.lambdas.reports) == 1
    sandbox.advance(1)
    assert len(sandbox.lambdas.reports) == 2, "first retry after 1 minute"
    sandbox.advance(120)
    assert len(sandbox.lambdas.reports) == 3, "second retry 2 minutes later"
    messages = sqs.receive_message(QueueUrl=queue_url).get("Messages", [])
    assert len(messages) == 1
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestPayload"] == {"fail": "always"}
    sandbox.advance(3600)
    assert len(sandbox.lambdas.reports) == 3, "no attempt after the last retry"


def test_step_functions_lambda_task_runs_the_local_handler(sandbox):
    arn = sandbox.deploy("life", LIFECYCLE, environment={"GREETING": "from a state machine"})
    definition = {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": arn, "End": True}}}
    sfn = sandbox.client("stepfunctions")
    machine = sfn.create_state_machine(
        name="m", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    for _ in range(200):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.02)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"])["greeting"] == "from a state machine"


def test_spread_routing_visits_every_idle_environment_in_turn(sandbox):
    sandbox.deploy("spread", "tests.handlers.lifecycle.handler", provisioned_concurrency=3, routing="spread")
    environments = [sandbox.lambdas.invoke("spread", {}).report.environment_id for _ in range(6)]
    assert len(set(environments)) == 3
    assert environments[:3] == environments[3:]


def test_warmest_routing_keeps_to_one_environment_in_sequence(sandbox):
    sandbox.deploy("warmest", "tests.handlers.lifecycle.handler", provisioned_concurrency=3)
    environments = {sandbox.lambdas.invoke("warmest", {}).report.environment_id for _ in range(6)}
    assert len(environments) == 1


def test_an_unknown_routing_is_refused(sandbox):
    with pytest.raises(ConfigurationError, match="routing must be 'warmest' or 'spread'"):
        sandbox.deploy("bad", "tests.handlers.lifecycle.handler", routing="random")


def test_reserved_concurrency_of_zero_throttles_even_a_warm_function(sandbox):
    sandbox.deploy("warm", "tests.handlers.lifecycle.handler")
    assert sandbox.lambdas.invoke("warm", {}).ok
    sandbox.lambdas.configure("warm", reserved_concurrency=0)
    with pytest.raises(TooManyRequestsError, match="reserved concurrency of 0"):
        sandbox.lambdas.invoke("warm", {})
