"""The saga of pattern 14 as a state machine: Catch routes a failed step into compensations, in reverse."""

import pytest

from patterns.lab.sandbox import Backend, aws_sandbox
from patterns.saga.service import STEPS
from patterns.step_functions import saga_machine
from patterns.step_functions.history import timeline

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def deployed():
    with aws_sandbox(backend=Backend()) as sandbox:
        yield sandbox, saga_machine.deploy_saga_machine(sandbox)


def _statuses(run):
    return [(record or {}).get("status") for record in run.records.values()]


def _visited(run):
    return [span.name for span in timeline(run.execution.history)]


def test_without_a_failure_every_step_is_done_once(deployed):
    sandbox, machine = deployed
    run = saga_machine.run_saga(sandbox, machine, "ok", saga_machine.saga_faults(0))
    assert run.outcome == "COMPLETED"
    assert _statuses(run) == [spec.status for spec in STEPS]


@pytest.mark.parametrize("failing_step", [1, 4])
def test_a_failed_step_is_compensated_with_every_step_before_it_in_reverse(deployed, failing_step):
    sandbox, machine = deployed
    run = saga_machine.run_saga(
        sandbox, machine, f"fail-{failing_step}", saga_machine.saga_faults(failing_step)
    )
    assert run.outcome == "COMPENSATED"
    assert run.execution.error == "SagaCompensated"
    compensated = [spec.compensated_status for spec in STEPS[: failing_step - 1]]
    assert _statuses(run)[: failing_step - 1] == compensated
    assert _statuses(run)[failing_step:] == [None] * (len(STEPS) - failing_step)
    undo = [
        name for name in _visited(run) if name in {saga_machine.state_name(s.compensation) for s in STEPS}
    ]
    assert undo == [saga_machine.state_name(spec.compensation) for spec in reversed(STEPS[:failing_step])]
    failed = next(
        span
        for span in timeline(run.execution.history)
        if span.name == saga_machine.state_name(STEPS[failing_step - 1].action)
    )
    assert failed.attempts == 2, "one retry before the catch"


def test_a_step_that_timed_out_took_effect_and_is_compensated_too(deployed):
    sandbox, machine = deployed
    run = saga_machine.run_saga(sandbox, machine, "timeout-2", saga_machine.saga_faults(2, "timeout"))
    assert run.outcome == "COMPENSATED"
    assert _statuses(run)[:2] == ["RELEASED", "REFUNDED"], "the charge happened before the timeout: refunded"
    charge = next(span for span in timeline(run.execution.history) if span.name == "ChargePayment")
    assert charge.errors == ("Sandbox.Timedout", "Sandbox.Timedout")


def test_a_compensation_that_keeps_failing_is_parked_and_the_others_still_run(deployed):
    sandbox, machine = deployed
    run = saga_machine.run_saga(
        sandbox, machine, "parked-3", saga_machine.saga_faults(3, compensation_fails=True)
    )
    assert run.outcome == "PARKED"
    assert list(run.parked) == ["cancel_shipment"]
    assert run.parked["cancel_shipment"]["Error"] == "InjectedFaultError"
    assert _statuses(run)[:2] == ["RELEASED", "REFUNDED"]
    cancel = next(span for span in timeline(run.execution.history) if span.name == "CancelShipment")
    assert cancel.attempts == 1 + saga_machine.COMPENSATION_RETRY["MaxAttempts"]
