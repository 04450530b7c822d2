"""The saga against moto: the handlers' contract through boto3 Lambda, the DynamoDB saga log across a
crash, parking on SQS, the choreographed variant, and a small property test over the real stack."""

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patterns.saga.adapters import (
    DynamoDbSagaLog,
    DynamoDbServiceStore,
    LabClockAdapter,
    LambdaInvoker,
    SqsParking,
    function_name,
)
from patterns.saga.choreography import deploy_choreography, run_choreographed
from patterns.saga.demo import DEMO_ORDER, run_scenario, setup_lab
from patterns.saga.exceptions import OrchestratorCrashedError
from patterns.saga.orchestrator import SagaOrchestrator, saga_event
from patterns.saga.service import COMPENSATIONS, STEPS

pytestmark = pytest.mark.integration


@pytest.fixture
def lab(sandbox):
    return setup_lab(sandbox, timeout_s=3.0)  # ample: no cold start under load can time out


def invoke(sandbox, action, event):
    response = sandbox.client("lambda").invoke(
        FunctionName=function_name("saga", action), Payload=json.dumps(event)
    )
    return response.get("FunctionError"), json.loads(response["Payload"].read())


def test_handlers_are_idempotent_and_a_late_step_is_blocked_by_its_compensation(sandbox, lab):
    event = saga_event("s-1", DEMO_ORDER, 1, {})
    assert invoke(sandbox, "reserve_inventory", event)[1]["outcome"] == "done"
    assert invoke(sandbox, "reserve_inventory", event)[1]["outcome"] == "duplicate"
    assert invoke(sandbox, "release_inventory", event)[1]["outcome"] == "undone"
    error, released = invoke(sandbox, "release_inventory", event)
    assert (error, released["outcome"], released["record"]["status"]) == (None, "duplicate", "RELEASED")
    assert invoke(sandbox, "refund_payment", event)[1]["outcome"] == "nothing_to_undo"
    assert invoke(sandbox, "charge_payment", event)[1]["outcome"] == "blocked"
    payments = DynamoDbServiceStore(lab.resources.service_tables["payments"], sandbox.client("dynamodb"))
    assert (payments.get("s-1") or {}).get("status") == "REFUNDED"


def test_handler_errors_carry_the_error_type_a_state_machine_catches(sandbox, lab):
    error, payload = invoke(
        sandbox, "charge_payment", saga_event("s-2", DEMO_ORDER, 1, {"charge_payment": {"kind": "error"}})
    )
    assert (error, payload["errorType"]) == ("Unhandled", "InjectedFaultError")
    error, payload = invoke(sandbox, "charge_payment", {"saga_id": "s-2", "order": {"order_id": "o"}})
    assert payload["errorType"] == "InvalidOrderError"
    assert "order.email must be an email address" in payload["errorMessage"]


def test_a_timed_out_charge_took_effect_although_the_caller_saw_a_timeout(sandbox, lab):
    sandbox.lambdas.configure(function_name("saga", "charge_payment"), timeout_s=0.5)
    _, payload = invoke(
        sandbox, "charge_payment", saga_event("s-3", DEMO_ORDER, 1, {"charge_payment": {"kind": "timeout"}})
    )
    assert payload["errorType"] == "Sandbox.Timedout"
    payments = DynamoDbServiceStore(lab.resources.service_tables["payments"], sandbox.client("dynamodb"))
    assert (payments.get("s-3") or {}).get("status") == "CHARGED"


def test_a_new_orchestrator_resumes_from_the_dynamodb_log_without_repeating_steps(sandbox, lab):
    def orchestrator():
        invoker = LambdaInvoker("saga", sandbox.client("lambda"))
        return SagaOrchestrator(lab.log, invoker, lab.parking, lab.clock), invoker

    first, _ = orchestrator()
    with pytest.raises(OrchestratorCrashedError, match="charge_payment answered"):
        first.run("s-4", DEMO_ORDER, crash_at=4)
    second, invoker = orchestrator()
    state = second.run("s-4", DEMO_ORDER)
    assert state.status == "COMPLETED"
    assert [(e.action, e.result) for e in second.timeline] == [
        ("charge_payment", "duplicate"),
        ("create_shipment", "done"),
        ("send_confirmation", "done"),
    ]
    assert invoker.invocations == 3
    assert lab.invariants(["s-4"]).ok


def test_a_compensation_that_keeps_failing_is_parked_on_the_queue_and_in_the_log(sandbox, lab):
    result = run_scenario(lab, 2, "error", compensation_fault="release_inventory")
    assert result.state.status == "PARKED"
    assert result.state.parked == ["reserve_inventory"]
    parked = SqsParking(lab.resources.parking_queue_url, sandbox.client("sqs")).messages()
    assert [(p["saga_id"], p["compensation"], p["attempts"]) for p in parked] == [
        (result.state.saga_id, "release_inventory", 3)
    ]
    assert lab.log.load(result.state.saga_id).status == "PARKED"
    assert result.invariants.ok, result.invariants.violations


def test_the_choreographed_saga_completes_compensates_and_parks(sandbox, lab):
    choreography = deploy_choreography(sandbox, lab.resources.service_tables)
    happy = run_choreographed(sandbox, choreography, DEMO_ORDER)
    assert happy.status == "COMPLETED"
    assert happy.events == [
        "OrderPlaced",
        "InventoryReserved",
        "PaymentCharged",
        "ShipmentCreated",
        "OrderConfirmed",
    ]
    failed = run_choreographed(sandbox, choreography, DEMO_ORDER, {"send_confirmation": {"kind": "error"}})
    assert failed.status == "COMPENSATED"
    assert failed.events[-4:] == [
        "ConfirmationFailed",
        "ShipmentCancelled",
        "PaymentRefunded",
        "InventoryReleased",
    ]
    assert failed.records == {
        "inventory": "RELEASED",
        "payments": "REFUNDED",
        "shipments": "CANCELLED",
        "confirmations": "RETRACTED",
    }
    stuck = run_choreographed(
        sandbox,
        choreography,
        DEMO_ORDER,
        {"create_shipment": {"kind": "error"}, "refund_payment": {"kind": "error"}},
    )
    assert (stuck.status, stuck.parked) == ("PARKED", 1)
    assert stuck.records["inventory"] == "RESERVED"  # the release waits behind the parked refund
    assert stuck.lambda_invocations == 6  # three steps, then the refund: one attempt and two retries


_ids = itertools.count()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fault=st.tuples(
        st.sampled_from([None, *[s.action for s in STEPS], *COMPENSATIONS]), st.sampled_from([1, None])
    ),
    crash_at=st.integers(0, 10),
    duplicated=st.sets(st.sampled_from([s.action for s in STEPS] + list(COMPENSATIONS)), max_size=3),
)
def test_invariants_hold_on_the_real_stack_for_random_failures(sandbox, lab, fault, crash_at, duplicated):
    saga_id, (failing, times) = f"p-{next(_ids)}", fault
    faults = {failing: {"kind": "error", "times": times}} if failing else {}
    if failing in COMPENSATIONS:
        faults["send_confirmation"] = {"kind": "error"}  # so that compensations run
    invoker = LambdaInvoker(
        "saga", sandbox.client("lambda"), duplicate=lambda action, _attempt: action in duplicated
    )
    orchestrator = SagaOrchestrator(lab.log, invoker, lab.parking, LabClockAdapter(sandbox.clock))
    try:
        orchestrator.run(saga_id, DEMO_ORDER, faults=faults, crash_at=crash_at or None)
    except OrchestratorCrashedError:
        orchestrator.run(saga_id, DEMO_ORDER)
    report = lab.invariants([saga_id])
    assert report.ok, report.violations
    log = DynamoDbSagaLog(lab.resources.log_table, sandbox.client("dynamodb"))
    state = log.load(saga_id)
    assert state is not None
    assert state.status in {"COMPLETED", "COMPENSATED", "PARKED"}
