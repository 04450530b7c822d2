"""The three services on moto: database per service, the copy kept by events, an outage with nothing
lost, a schema change, seed 000's scheduled emails, and coupling counted from the functions' calls."""

import json

import pytest

from patterns.microservices import demo
from patterns.microservices.adapters import deploy_shop, queue_depth, record_calls

pytestmark = pytest.mark.integration


@pytest.fixture
def shop(sandbox):
    deployed = deploy_shop(sandbox, "t")
    yield deployed
    deployed.close(sandbox)


def _customer(sandbox, shop, email="ada@example.com"):
    customer = demo._register(shop, email, "Ada")
    shop.door.request("PUT", "/stock/lamp", body={"available": 5})
    sandbox.settle()
    return customer


def test_the_walkthrough_answers_each_request_with_its_status(sandbox, shop):
    statuses = [step.status for step in demo.walkthrough(sandbox, shop)]
    assert statuses == [201, 409, 200, 422, 202, 200, 202, 200, 200, 422]


def test_each_service_owns_its_tables_and_no_function_is_given_another_services_resource(sandbox, shop):
    owned = demo.ownership(shop)
    names = [name for names in owned.values() for name in names]
    assert len(names) == len(set(names))
    assert shop.tables["customer-copy"] in owned["orders"]
    assert shop.tables["customers"] in owned["customers"]
    assert demo.knows(sandbox, shop) == {}


def test_an_order_travels_orders_inventory_orders_by_events(sandbox, shop):
    customer = _customer(sandbox, shop)
    placed = demo._order(shop, customer, quantity=2)
    assert (placed.status, placed.json()["status"]) == (202, "PENDING")
    sandbox.settle()
    order = shop.door.request("GET", placed.header("Location")).json()
    assert order["status"] == "CONFIRMED"
    assert shop.door.request("GET", "/stock/lamp").json()["available"] == 3
    too_many = demo._order(shop, customer, quantity=4)
    sandbox.settle()
    assert shop.door.request("GET", too_many.header("Location")).json()["status"] == "REJECTED"


def _put_customer_event(sandbox, shop, detail):
    sandbox.client("events").put_events(
        Entries=[
            {
                "Source": "shop.customers",
                "DetailType": "CustomerUpdated",
                "Detail": json.dumps(detail),
                "EventBusName": shop.bus_name,
            }
        ]
    )
    sandbox.settle()


def _copy(sandbox, shop, customer):
    item = sandbox.client("dynamodb").get_item(
        TableName=shop.tables["customer-copy"], Key={"customer_id": {"S": customer}}
    )["Item"]
    return item["credit_status"]["S"], int(item["version"]["N"])


def test_the_copy_ignores_late_and_repeated_events(sandbox, shop):
    customer = _customer(sandbox, shop)
    shop.door.request("PUT", f"/customers/{customer}/credit", body={"credit_status": "on-hold"})
    sandbox.settle()
    assert _copy(sandbox, shop, customer) == ("on-hold", 2)
    late = {"customer_id": customer, "name": "Ada", "credit_status": "good", "version": 1}
    _put_customer_event(sandbox, shop, late)
    _put_customer_event(sandbox, shop, {**late, "credit_status": "on-hold", "version": 2})
    assert _copy(sandbox, shop, customer) == ("on-hold", 2)


def test_a_broken_event_fails_alone_and_reaches_the_dead_letter_queue(sandbox):
    shop = deploy_shop(sandbox, "broken", max_receives=2)
    customer = _customer(sandbox, shop)
    _put_customer_event(sandbox, shop, {"customer_id": customer, "version": "seven"})
    shop.door.request("PUT", f"/customers/{customer}/credit", body={"credit_status": "on-hold"})
    sandbox.advance(120)
    assert _copy(sandbox, shop, customer) == ("on-hold", 2)
    assert queue_depth(sandbox, shop.queues["orders-dlq"]) == 1
    shop.close(sandbox)


def test_while_inventory_is_down_orders_are_accepted_and_none_is_lost(sandbox):
    run = demo.outage(sandbox, "events", down_from_s=20, down_for_s=60, duration_s=120)
    assert run.attempted_while_down == 6
    assert run.accepted_while_down == 6
    assert run.accepted == run.attempted == run.published == 12
    down = [s for s in run.samples if 20 < s.at_s <= 80]
    assert max(s.backlog for s in down) >= 5  # the events waited in inventory's queue
    assert run.settled == {"CONFIRMED": 12}
    assert (run.dead_lettered, run.lost) == (0, 0)
    assert run.caught_up_at_s is not None
    assert run.caught_up_at_s <= 30 + 10


def test_an_outage_longer_than_the_queue_keeps_messages_parks_them_and_the_redrive_loses_none(sandbox):
    run = demo.outage(
        sandbox,
        "events",
        down_from_s=0,
        down_for_s=150,
        duration_s=160,
        max_receives=3,
        visibility_timeout_s=20,
    )
    assert run.dead_lettered > 0
    assert run.lost == 0
    assert run.settled == {"CONFIRMED": run.accepted}


def test_the_shared_design_refuses_orders_while_inventory_is_down(sandbox):
    run = demo.outage(sandbox, "shared", down_from_s=20, down_for_s=60, duration_s=120)
    assert (run.attempted_while_down, run.accepted_while_down) == (6, 0)
    assert run.accepted == 6
    assert run.settled == {"CONFIRMED": 6}


def test_a_schema_change_in_customers_breaks_the_shared_design_only(sandbox):
    events = demo.schema_change(sandbox, "events")
    shared = demo.schema_change(sandbox, "shared")
    assert (events.before, events.after) == (202, 202)
    assert (shared.before, shared.after) == (201, 500)


def test_the_customers_api_reads_its_own_new_schema(sandbox, shop):
    from patterns.microservices.adapters import migrate_customers

    customer = _customer(sandbox, shop)
    assert migrate_customers(sandbox, shop) == 1
    changed = shop.door.request("PUT", f"/customers/{customer}/credit", body={"credit_status": "on-hold"})
    assert (changed.status, changed.json()["credit_status"], changed.json()["version"]) == (200, "on-hold", 2)
    item = sandbox.client("dynamodb").get_item(
        TableName=shop.tables["customers"], Key={"customer_id": {"S": customer}}
    )["Item"]
    assert "credit_status" not in item
    assert item["credit"]["M"]["status"]["S"] == "on-hold"


def test_the_copy_lags_by_the_batching_window(sandbox):
    run = demo.measure_staleness(sandbox, batching_window_s=10, changes=2, spacing_s=30)
    assert run.lags_s == (10.0, 10.0)
    assert run.summary.stale_decisions == 2
    prompt = demo.measure_staleness(sandbox, batching_window_s=0, changes=2, spacing_s=30)
    assert prompt.lags_s == (0.0, 0.0)
    assert prompt.summary.stale_decisions == 0


def test_seed_000s_tasks_fire_on_the_virtual_clock_and_are_deleted(sandbox):
    port = demo.seed_port(sandbox)
    assert port.emails == (("welcome", 300.0), ("follow-up", 259_200.0))
    assert port.schedules_left == 0
    assert not port.seed_compiles


def test_seed_000s_look_then_add_registers_one_email_many_times_and_the_transaction_once(sandbox):
    seed = demo.email_race(sandbox, "query-then-add", concurrent=4)
    fixed = demo.email_race(sandbox, "transaction", concurrent=4)
    assert (seed.statuses, seed.customers_stored) == ((201, 201, 201, 201), 4)
    assert (fixed.statuses, fixed.customers_stored) == ((201, 409, 409, 409), 1)


def test_coupling_and_cost_are_counted_from_the_functions_calls(sandbox):
    events = demo.cost_and_coupling(sandbox, "events", orders=4)
    shared = demo.cost_and_coupling(sandbox, "shared", orders=4)
    assert events.calls_across == {}
    assert events.knows == {}
    assert shared.calls_across == {("orders", "customers"): 4, ("orders", "inventory"): 4}
    assert shared.knows == {("orders", "customers"): 1, ("orders", "inventory"): 1}
    assert events.events_per_order == 2.0  # OrderPlaced, then StockReserved
    assert events.invocations_per_order == 3.0
    assert shared.invocations_per_order == 2.0
    assert events.total > shared.total > 0


def test_record_calls_names_the_function_that_called(sandbox, shop):
    with record_calls() as log:
        shop.door.request("PUT", "/stock/lamp", body={"available": 1})
    assert [(r.caller, r.operation, r.resource) for r in log.records] == [
        (shop.function("inventory-api"), "PutItem", shop.tables["inventory"])
    ]
