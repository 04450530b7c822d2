"""The order workflow executed by moto's ASL interpreter, its Tasks on the local Lambda runtime."""

import json
import time

import pytest

from patterns.lab.sandbox import Backend, aws_sandbox
from patterns.step_functions import demo
from patterns.step_functions.adapters import create_state_machine, run_execution, start_execution
from patterns.step_functions.asl import Retrier
from patterns.step_functions.exceptions import AslValidationError
from patterns.step_functions.history import execution_cost, retry_waits, timeline

pytestmark = pytest.mark.integration

GATEWAY = "PaymentGatewayUnavailableError"


@pytest.fixture(scope="module")
def deployed():
    with aws_sandbox(backend=Backend()) as sandbox:
        yield sandbox, demo.deploy_order_workflow(sandbox)


@pytest.fixture
def sandbox(deployed):
    return deployed[0]


@pytest.fixture
def workflow(deployed):
    return deployed[1]


def _exit_output(history, state):
    for event in history:
        details = event.get("stateExitedEventDetails") or {}
        if details.get("name") == state:
            return json.loads(details["output"])
    raise AssertionError(f"{state} never exited")


def test_an_order_runs_every_state_and_parallel_and_map_keep_their_order(sandbox, workflow):
    order = demo.sample_order("o-1", express=True, lines=3)
    result = demo.run_order(sandbox, workflow, order)
    assert result.status == "SUCCEEDED", result
    output = result.output
    assert output["shipping"] == "express"
    assert output["payment"] == {"charged_cents": 3000 + 4000 + 25000, "payment_id": "pay-o-1"}
    shipment, confirmation = output["fulfilment"]  # branch order, whichever branch finished first
    assert shipment == {"shipment_id": "ship-o-1", "service": "express"}
    assert confirmation["sent_to"] == "ada@example.com"
    assert [line["sku"] for line in output["picking"]] == ["book", "lamp", "desk"]
    names = [span.label for span in timeline(result.history)]
    assert names[:6] == [
        "ValidateOrder",
        "CheckInventory",
        "ChooseShipping",
        "ExpressShipping",
        "ChargePayment",
        "Fulfil",
    ]
    assert {"PickItem [0]", "PickItem [1]", "PickItem [2]"} <= set(names)


def test_a_failing_task_is_caught_and_the_order_survives_beside_the_error(sandbox, workflow):
    order = {**demo.sample_order("o-2"), "items": [{"sku": "chair", "quantity": 1, "unit_cents": 100}]}
    result = demo.run_order(sandbox, workflow, order)
    assert (result.status, result.error) == ("FAILED", "OrderRejected")
    notice = _exit_output(result.history, "NotifyRejection")
    assert notice["error"]["Error"] == "OutOfStockError"
    assert notice["notice"] == {"notified": "ada@example.com", "reason": "OutOfStockError"}
    check = next(span for span in timeline(result.history) if span.name == "CheckInventory")
    assert (check.outcome, check.errors) == ("caught", ("OutOfStockError",))


def test_retry_waits_follow_the_asl_formula_in_virtual_time(sandbox, workflow):
    timing = demo.measure_retry_timing(sandbox, workflow, failures=3)
    assert timing.expected_s == [2.0, 4.0, 6.0]  # 2 * 2**(n-1), capped by MaxDelaySeconds 6
    assert timing.from_invocations_s == timing.expected_s  # handler starts on the virtual clock
    assert timing.from_history_s == pytest.approx(timing.expected_s, abs=0.5)  # plus real handler time
    assert timing.virtual_s == pytest.approx(12.0)
    assert timing.wall_s < 6.0, "the backoff must not be slept in real time"


def test_full_jitter_waits_fall_between_zero_and_the_ceiling(sandbox, workflow):
    workflow = demo.with_retrier(sandbox, workflow, "jittered", JitterStrategy="FULL", MaxDelaySeconds=100)
    retrier = workflow.payment_retrier()
    assert retrier == Retrier((GATEWAY,), 2, 3, 2.0, 100, "FULL")
    waits = []
    for run in range(2):
        faults = {"ChargePayment": {"error": GATEWAY, "times": 3}}
        result = demo.run_order(sandbox, workflow, demo.sample_order(f"o-j{run}"), faults)
        observed = retry_waits(result.history, "ChargePayment")
        assert len(observed) == 3
        for retry, wait in enumerate(observed, start=1):
            low, high = retrier.bounds(retry)
            assert low <= wait <= high + 0.5, (retry, wait)
        waits.extend(observed)
    assert any(abs(wait - retrier.ceiling(1 + i % 3)) > 0.3 for i, wait in enumerate(waits)), waits


def test_exhausted_retries_go_to_the_catch_all_and_each_retry_is_a_transition(sandbox, workflow):
    result = demo.run_order(
        sandbox, workflow, demo.sample_order("o-3"), {"ChargePayment": {"error": GATEWAY}}
    )
    assert (result.status, result.error) == ("FAILED", "PaymentUnavailable")
    charge = next(span for span in timeline(result.history) if span.name == "ChargePayment")
    assert charge.attempts == 4
    assert charge.errors == (GATEWAY,) * 4
    cost = execution_cost(result.history)
    entered = sum(1 for event in result.history if event["type"].endswith("StateEntered"))
    assert cost.transitions == entered + 3


def test_a_wait_state_skips_an_hour_on_the_virtual_clock(sandbox):
    definition = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "End": True}}}
    machine = create_state_machine(sandbox, "napper", definition)
    before, started = sandbox.clock.elapsed, time.perf_counter()
    result = run_execution(sandbox, machine, {})
    assert result.status == "SUCCEEDED"
    assert time.perf_counter() - started < 5.0
    assert sandbox.clock.elapsed - before == pytest.approx(3600)
    (nap,) = timeline(result.history)
    assert nap.duration_s == pytest.approx(3600, abs=1.0)


def test_an_undriven_wait_ends_in_real_time_as_without_the_seam(sandbox):
    definition = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 1, "End": True}}}
    machine = create_state_machine(sandbox, "short-nap", definition)
    execution = start_execution(sandbox, machine, {})
    sfn = sandbox.client("stepfunctions")
    started, clock = time.perf_counter(), sandbox.clock.elapsed
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
        assert time.perf_counter() - started < 5.0
        time.sleep(0.02)
    assert time.perf_counter() - started >= 0.9
    assert sandbox.clock.elapsed == clock


def test_an_invalid_definition_is_refused_before_it_reaches_aws(sandbox):
    with pytest.raises(AslValidationError, match="StartAt names 'Nope'"):
        create_state_machine(sandbox, "broken", {"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}})
    machines = sandbox.client("stepfunctions").list_state_machines()["stateMachines"]
    assert "broken" not in [machine["name"] for machine in machines]
