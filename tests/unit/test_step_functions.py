"""step-functions pure logic: ASL validation, the retry formula, history -> timeline, transitions, cost."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from patterns.lab import pricing
from patterns.step_functions import service
from patterns.step_functions.asl import Retrier, load_definition, render_definition, validate_definition
from patterns.step_functions.exceptions import (
    AslValidationError,
    InvalidOrderError,
    OutOfStockError,
    PaymentGatewayUnavailableError,
)
from patterns.step_functions.history import (
    execution_cost,
    plot_timeline,
    retry_waits,
    state_transitions,
    timeline,
)

pytestmark = pytest.mark.unit

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _machine(**states):
    return {"StartAt": next(iter(states)), "States": states}


def _problems(definition):
    with pytest.raises(AslValidationError) as raised:
        validate_definition(definition)
    return raised.value.problems


# --- validation ------------------------------------------------------------------------------


def test_the_shipped_order_workflow_is_valid_once_its_arns_are_filled_in():
    arns = {
        name: f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
        for name in (
            "ValidateOrder",
            "CheckInventory",
            "ChargePayment",
            "CreateShipment",
            "SendConfirmation",
            "PickItem",
            "NotifyRejection",
        )
    }
    definition = render_definition(load_definition(), arns)
    assert definition["States"]["ChargePayment"]["Resource"] == arns["ChargePayment"]


def test_a_missing_arn_is_named():
    with pytest.raises(AslValidationError, match=r"no ARN given for the placeholders \['ChargePayment'"):
        render_definition(load_definition(), {"ValidateOrder": "arn:x"})


def test_bad_json_reports_line_and_column():
    problems = _problems('{\n "StartAt": "A",\n "States": {,}\n}')
    assert problems == [
        "not valid JSON: Expecting property name enclosed in double quotes at line 3, column 13"
    ]


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ({"States": {"A": {"Type": "Succeed"}}}, "definition: StartAt is missing"),
        (
            _machine(A={"Type": "Pass", "Next": "B"}),
            "definition.States.A: Next names 'B', which is not a state",
        ),
        (
            _machine(A={"Type": "Pass"}),
            "definition.States.A: a Pass state needs Next (a state name) or End: true",
        ),
        (_machine(A={"Type": "Task", "End": True}), "a Task needs Resource"),
        (_machine(A={"Type": "Taks", "End": True}), "Type must be one of"),
        (
            _machine(A={"Type": "Pass", "End": True}, B={"Type": "Succeed"}),
            "definition: no transition leads to ['B']",
        ),
        (
            _machine(
                A={
                    "Type": "Task",
                    "Resource": "arn:x",
                    "End": True,
                    "Catch": [
                        {"ErrorEquals": ["States.ALL"], "Next": "B"},
                        {"ErrorEquals": ["E"], "Next": "B"},
                    ],
                },
                B={"Type": "Succeed"},
            ),
            "definition.States.A.Catch[0]: the rule with States.ALL must be the last of Catch (it is 1 of 2",
        ),
        (
            _machine(
                A={
                    "Type": "Task",
                    "Resource": "arn:x",
                    "End": True,
                    "Retry": [{"ErrorEquals": ["States.ALL", "E"]}],
                }
            ),
            "States.ALL must stand alone in ErrorEquals",
        ),
        (
            _machine(
                A={
                    "Type": "Task",
                    "Resource": "arn:x",
                    "End": True,
                    "Retry": [{"ErrorEquals": ["E"], "BackoffRate": 0.5}],
                }
            ),
            "BackoffRate must be a number >= 1.0, got 0.5",
        ),
        (
            _machine(
                A={
                    "Type": "Task",
                    "Resource": "arn:x",
                    "End": True,
                    "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 0}],
                }
            ),
            "IntervalSeconds must be an integer from 1",
        ),
        (
            _machine(
                A={
                    "Type": "Task",
                    "Resource": "arn:x",
                    "End": True,
                    "Retry": [{"ErrorEquals": ["E"], "JitterStrategy": "HALF"}],
                }
            ),
            "JitterStrategy must be 'FULL' or 'NONE', got 'HALF'",
        ),
        (
            _machine(
                A={
                    "Type": "Parallel",
                    "End": True,
                    "Branches": [{"StartAt": "X", "States": {"Y": {"Type": "Succeed"}}}],
                }
            ),
            "definition.States.A.Branches[0]: StartAt names 'X', which is not a state",
        ),
    ],
)
def test_each_problem_is_reported_where_it_is(definition, expected):
    assert any(expected in problem for problem in _problems(definition)), _problems(definition)


def test_every_problem_is_reported_at_once():
    problems = _problems(_machine(A={"Type": "Pass", "Next": "B"}, C={"Type": "Pass"}))
    assert len(problems) == 3, problems


# --- the retry formula -------------------------------------------------------------------------


def test_asl_defaults_wait_1_2_4_seconds():
    retrier = Retrier.from_asl({"ErrorEquals": ["States.ALL"]})
    assert (retrier.interval_seconds, retrier.max_attempts, retrier.backoff_rate) == (1, 3, 2.0)
    assert retrier.delays() == [1.0, 2.0, 4.0]


def test_max_delay_caps_the_backoff():
    retrier = Retrier.from_asl(
        {
            "ErrorEquals": ["E"],
            "IntervalSeconds": 3,
            "MaxAttempts": 5,
            "BackoffRate": 3,
            "MaxDelaySeconds": 20,
        }
    )
    assert retrier.delays() == [3.0, 9.0, 20.0, 20.0, 20.0]


def test_full_jitter_draws_between_zero_and_the_ceiling():
    retrier = Retrier.from_asl({"ErrorEquals": ["E"], "IntervalSeconds": 2, "JitterStrategy": "FULL"})
    assert retrier.bounds(3) == (0.0, 8.0)
    assert Retrier.from_asl({"ErrorEquals": ["E"]}).bounds(2) == (2.0, 2.0)


def test_max_attempts_zero_means_no_retry():
    retrier = Retrier.from_asl({"ErrorEquals": ["E"], "MaxAttempts": 0})
    assert retrier.delays() == []
    with pytest.raises(ValueError, match="between 1 and MaxAttempts=0, got 1"):
        retrier.ceiling(1)


# --- history -> timeline, transitions, cost ----------------------------------------------------


class _History:
    """Builds a history the way the interpreter writes it: each event follows the previous one."""

    def __init__(self):
        self.events = []

    def add(self, kind, at, previous=None, **details):
        event = {"id": len(self.events) + 1, "type": kind, "timestamp": T0 + timedelta(seconds=at)}
        event["previousEventId"] = (
            self.events[-1]["id"] if previous is None and self.events else (previous or 0)
        )
        event.update(details)
        self.events.append(event)
        return event["id"]


def _entered(name, kind="Task"):
    return {"stateEnteredEventDetails": {"name": name, "input": "{}"}}


def _exited(name):
    return {"stateExitedEventDetails": {"name": name, "output": "{}"}}


def _retried_then_succeeded():
    h = _History()
    h.add("ExecutionStarted", 0)
    h.add("TaskStateEntered", 0, **_entered("Charge"))
    h.add("LambdaFunctionScheduled", 0.01)
    h.add("LambdaFunctionFailed", 0.05, lambdaFunctionFailedEventDetails={"error": "Gateway"})
    h.add("LambdaFunctionScheduled", 2.05)
    h.add("LambdaFunctionFailed", 2.10, lambdaFunctionFailedEventDetails={"error": "Gateway"})
    h.add("LambdaFunctionScheduled", 6.10)
    h.add("LambdaFunctionSucceeded", 6.20)
    h.add("TaskStateExited", 6.21, **_exited("Charge"))
    h.add("SucceedStateEntered", 6.21, **_entered("Done"))
    h.add("SucceedStateExited", 6.21, **_exited("Done"))
    h.add("ExecutionSucceeded", 6.22)
    return h.events


def test_timeline_has_one_span_per_state_with_its_attempts():
    charge, done = timeline(_retried_then_succeeded())
    assert (charge.name, charge.state_type, charge.outcome) == ("Charge", "Task", "succeeded")
    assert charge.entered_s == 0
    assert charge.exited_s == pytest.approx(6.21)
    assert charge.attempt_starts_s == pytest.approx((0.01, 2.05, 6.10))
    assert charge.errors == ("Gateway", "Gateway")
    assert charge.retries == 2
    assert (done.name, done.outcome, done.attempts) == ("Done", "succeeded", 0)


def test_retry_waits_run_from_a_failure_to_the_next_attempt():
    assert retry_waits(_retried_then_succeeded(), "Charge") == pytest.approx([2.0, 4.0])
    assert retry_waits(_retried_then_succeeded(), "Done") == []


def test_retries_count_as_transitions_and_set_the_standard_price():
    events = _retried_then_succeeded()
    assert state_transitions(events) == 4  # 2 states entered + 2 retries
    cost = execution_cost(events)
    assert (cost.transitions, cost.retries, cost.lambda_invocations) == (4, 2, 3)
    assert cost.standard_usd == pricing.stepfunctions_standard_cost(4)
    assert cost.duration_ms == pytest.approx(6220)
    assert cost.express_usd == pricing.stepfunctions_express_cost(1, 6220, 64)
    assert cost.per_million()["standard"] == pytest.approx(100.0)


def test_a_caught_failure_and_a_fail_state_are_told_apart():
    h = _History()
    h.add("ExecutionStarted", 0)
    h.add("TaskStateEntered", 0, **_entered("Check"))
    h.add("LambdaFunctionScheduled", 0.1)
    h.add("LambdaFunctionFailed", 0.2, lambdaFunctionFailedEventDetails={"error": "OutOfStockError"})
    h.add("TaskStateExited", 0.3, **_exited("Check"))
    h.add("FailStateEntered", 0.3, **_entered("Rejected"))
    h.add("ExecutionFailed", 0.3)
    check, rejected = timeline(h.events)
    assert (check.outcome, check.errors) == ("caught", ("OutOfStockError",))
    assert (rejected.state_type, rejected.outcome) == ("Fail", "failed")


def test_parallel_branch_states_are_paired_by_their_event_chain():
    h = _History()
    h.add("ExecutionStarted", 0)
    parallel = h.add("ParallelStateEntered", 0, **_entered("Fulfil"))
    started = h.add("ParallelStateStarted", 0.01)
    a = h.add("TaskStateEntered", 0.02, previous=started, **_entered("Ship"))
    b = h.add("TaskStateEntered", 0.03, previous=started, **_entered("Mail"))
    h.add("TaskStateExited", 0.50, previous=b, **_exited("Mail"))
    last = h.add("TaskStateExited", 0.90, previous=a, **_exited("Ship"))
    h.add("ParallelStateExited", 1.0, previous=last, **_exited("Fulfil"))
    spans = {span.name: span for span in timeline(h.events)}
    assert parallel == 2
    assert spans["Ship"].exited_s == pytest.approx(0.90)
    assert spans["Mail"].exited_s == pytest.approx(0.50)
    assert spans["Fulfil"].exited_s == pytest.approx(1.0)


def test_timestamps_may_be_iso_strings_and_the_plot_has_a_row_per_span():
    events = [{**e, "timestamp": e["timestamp"].isoformat()} for e in _retried_then_succeeded()]
    spans = timeline(json.loads(json.dumps(events)))
    figure = plot_timeline(spans, title="t")
    assert [label.get_text() for label in figure.axes[0].get_yticklabels()] == ["Charge", "Done"]


# --- service -----------------------------------------------------------------------------------


def test_an_order_with_every_problem_lists_them_all():
    with pytest.raises(InvalidOrderError) as raised:
        service.parse_order(
            {"order_id": "", "customer": "nobody", "items": [{"sku": "book", "quantity": 0, "unit_cents": 1}]}
        )
    assert len(raised.value.problems) == 3


def test_out_of_stock_names_the_item():
    order = service.parse_order(
        {"order_id": "o", "customer": "a@b.c", "items": [{"sku": "chair", "quantity": 1, "unit_cents": 1}]}
    )
    with pytest.raises(OutOfStockError, match="chair: asked 1, 0 in stock"):
        service.check_stock(order)


def test_an_injected_fault_fires_on_the_first_attempts_only():
    faults = {"ChargePayment": {"error": "PaymentGatewayUnavailableError", "times": 2}}
    for attempt in (0, 1):
        with pytest.raises(PaymentGatewayUnavailableError, match=f"attempt {attempt + 1}"):
            service.raise_injected_fault(faults, "ChargePayment", attempt)
    service.raise_injected_fault(faults, "ChargePayment", 2)
    service.raise_injected_fault(faults, "CheckInventory", 0)


def test_an_unknown_fault_is_refused_with_the_known_ones():
    with pytest.raises(InvalidOrderError, match=r"must be one of \['InvalidOrderError'"):
        service.fault_for({"ChargePayment": {"error": "Boom"}}, "ChargePayment")
