"""The capstone: its measured bill adds up, and its grader is not fooled by imitations or by functions
imported from elsewhere."""

from __future__ import annotations

import json

import pytest

from exercises.grader import grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT
from patterns.capstone import (
    BUDGET_USD_PER_1000_ORDERS,
    assembly,
    create_resources,
    deploy,
    measure_cost,
    read_model,
)
from patterns.lab import pricing
from patterns.lab.gateway import FrontDoor
from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = pytest.mark.integration

ORDERS = 5
ORDER = {"items": [{"sku": "lamp", "quantity": 1}], "amount_cents": 1999, "email": "ada@example.com"}


@pytest.mark.instructor  # runs the reference solution
def test_the_reference_assemblys_bill_is_counted_request_by_request(sandbox):
    resources = create_resources(sandbox, "bill")
    with measure_cost(sandbox, resources) as meter:
        deploy(sandbox, resources, assembly())
        door = FrontDoor(sandbox.lambdas, {"POST /orders": resources.api_function})
        for number in range(ORDERS):
            body = json.dumps({**ORDER, "order_id": f"o-{number}"})
            response = door.request("POST", "/orders", headers={"Idempotency-Key": f"k-{number}"}, body=body)
            assert response.status == 201, response.text
            meter.requests += 1
        sandbox.settle()
    report = meter.report
    assert report is not None
    # Per order: the key claimed and completed (2), four saga steps (4), the read model's row (1).
    assert (report.lambda_invocations, report.dynamodb_writes, report.dynamodb_reads) == (
        2 * ORDERS,
        7 * ORDERS,
        0,
    )
    assert report.events == ORDERS
    assert len(read_model(sandbox, resources)) == ORDERS
    assert report.dynamodb_usd == pricing.dynamodb_on_demand_cost(0, 7 * ORDERS)
    assert report.api_usd == pricing.apigateway_cost(ORDERS)
    assert report.eventbridge_usd == pricing.eventbridge_cost(ORDERS)
    assert report.per_1000_orders_usd == pytest.approx(report.total_usd / ORDERS * 1000)
    assert sum(report.by_service_per_1000().values()) == pytest.approx(report.per_1000_orders_usd)
    assert 0 < report.per_1000_orders_usd <= BUDGET_USD_PER_1000_ORDERS


@pytest.mark.instructor
def test_capstone_imitations_score_nothing(tmp_path):
    result = imitating(
        "capstone",
        "order_system.py",
        """
        _run, _event, _place, _project = run_order, order_event, place_order, project


        def run_order(saga_id, order, stores, faults):
            return FakeDict(_run(saga_id, order, stores, faults))


        def order_event(order, outcome, bus):
            return FakeDict(_event(order, outcome, bus))


        def place_order(event, context):
            response = _place(event, context)
            return {**response, "statusCode": float(response["statusCode"])}  # 201.0 == 201


        def project(event, context):
            return {"applied": int(_project(event, context)["applied"])}  # 1 == True
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a dict")
    zero_with(by_task(result, 2), "imitates a dict")
    statuses = [r for r in by_task(result, 3) if "cost" not in r.name and "redelivered" not in r.name]
    zero_with(statuses, "Internal server error", "(ints)")  # API Gateway answers a float status with 502
    zero_with([r for r in by_task(result, 4) if "two orders" not in r.name], "int", "bool")


@pytest.mark.instructor
def test_a_function_imported_from_elsewhere_scores_nothing_for_the_saga(tmp_path):
    (tmp_path / "order_system.py").write_text(
        "from patterns.saga.service import perform_step as run_order  # noqa: F401\n"
    )
    exercise = load_exercise(COURSE_ROOT / "exercises" / "capstone")
    result = grade_submission(exercise, tmp_path, include_hidden=True)
    zero_with(by_task(result, 1), "defined in order_system.py itself", "raised TypeError")
