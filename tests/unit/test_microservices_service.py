"""The three services' rules, contracts and measures, without AWS."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.lab import limits
from patterns.microservices.exceptions import ContractError, InvalidRequestError, OrderRefusedError
from patterns.microservices.service import (
    CONTRACTS,
    GCP_TO_AWS,
    SEED_FOLLOW_UP_S,
    SEED_WELCOME_S,
    CallRecord,
    CustomerCopy,
    check_contract,
    copy_from_event,
    coupling,
    decide_order,
    delayed_delivery,
    order_status_after,
    parse_credit,
    parse_customer,
    parse_order,
    reserve,
    should_apply,
    summarise_staleness,
)

pytestmark = pytest.mark.unit

CUSTOMER = {"customer_id": "c-1", "name": "Ada", "credit_status": "good", "version": 3}


def test_a_customer_event_that_keeps_its_contract_becomes_the_copy():
    assert copy_from_event("CustomerUpdated", CUSTOMER) == CustomerCopy("c-1", "Ada", "good", 3)


def test_a_broken_customer_event_lists_every_problem():
    with pytest.raises(ContractError) as raised:
        copy_from_event("CustomerUpdated", {"customer_id": "c-1", "version": "3"})
    assert raised.value.problems == [
        "name: missing",
        "credit_status: missing",
        "version: expected int, got str",
    ]


def test_an_inventory_event_is_not_a_customer_event():
    with pytest.raises(ContractError):
        copy_from_event("StockReserved", CUSTOMER)


def test_check_contract_refuses_an_unknown_type_and_a_detail_that_is_not_an_object():
    assert check_contract("Nope", {}) == ["unknown detail-type 'Nope'"]
    assert check_contract("OrderPlaced", [1]) == ["detail must be an object, got list"]


def test_a_bool_is_not_an_int_in_a_contract():
    detail = {"order_id": "o", "customer_id": "c", "sku": "s", "quantity": True}
    assert check_contract("OrderPlaced", detail) == ["quantity: expected int, got bool"]


def test_extra_fields_are_allowed():
    assert check_contract("CustomerRegistered", {**CUSTOMER, "email": "a@b.co"}) == []


@given(current=st.none() | st.integers(0, 50), incoming=st.integers(0, 50))
def test_a_copy_only_moves_forward(current, incoming):
    applied = should_apply(current, incoming)
    assert applied == (current is None or incoming > current)


@given(st.permutations(list(range(1, 9))), st.integers(0, 3))
def test_any_delivery_order_and_duplicates_end_at_the_newest_version(order, repeats):
    """Events arrive shuffled and some twice (at-least-once): the copy ends at the newest version."""
    copy = None
    for version in list(order) + list(order[:repeats]):
        if should_apply(copy, version):
            copy = version
    assert copy == 8


def test_orders_decides_from_its_copy():
    decide_order(CustomerCopy("c-1", "Ada", "good", 1))
    with pytest.raises(OrderRefusedError, match="unknown customer"):
        decide_order(None)
    with pytest.raises(OrderRefusedError, match="on-hold"):
        decide_order(CustomerCopy("c-1", "Ada", "on-hold", 2))


@given(available=st.integers(0, 100), quantity=st.integers(1, 100))
def test_reserve_never_goes_below_zero(available, quantity):
    left = reserve(available, quantity)
    if quantity <= available:
        assert left == available - quantity
    else:
        assert left is None


def test_parse_customer_lists_every_problem():
    with pytest.raises(InvalidRequestError) as raised:
        parse_customer({"email": "not-an-email", "name": " "})
    assert raised.value.problems == ["email: not an email address", "name: a non-empty string is required"]
    assert parse_customer({"email": "Ada@Example.com ", "name": "Ada"}) == {
        "email": "ada@example.com",
        "name": "Ada",
        "company": "",
    }
    with pytest.raises(InvalidRequestError):
        parse_customer(["email"])


def test_parse_order_and_credit():
    assert parse_order({"customer_id": "c-1", "sku": "lamp", "quantity": 2}) == ("c-1", "lamp", 2)
    with pytest.raises(InvalidRequestError) as raised:
        parse_order({"customer_id": "", "quantity": 0})
    assert len(raised.value.problems) == 3
    assert parse_credit({"credit_status": "on-hold"}) == "on-hold"
    with pytest.raises(InvalidRequestError):
        parse_credit({"credit_status": "bad"})


def test_inventory_events_settle_an_order():
    assert order_status_after("StockReserved") == "CONFIRMED"
    assert order_status_after("StockRejected") == "REJECTED"
    with pytest.raises(ContractError):
        order_status_after("OrderPlaced")


def test_coupling_counts_calls_into_another_services_resources_only():
    owners = {"orders-api": "orders", "orders-table": "orders", "customers-table": "customers"}
    records = [
        CallRecord("orders-api", "dynamodb", "GetItem", "customers-table"),
        CallRecord("orders-api", "dynamodb", "GetItem", "customers-table"),
        CallRecord("orders-api", "dynamodb", "PutItem", "orders-table"),  # its own
        CallRecord("orders-api", "events", "PutEvents", "bus"),  # nobody owns the bus
    ]
    assert dict(coupling(records, owners)) == {("orders", "customers"): 2}


def test_staleness_summary():
    summary = summarise_staleness([0, 10, 30], stale_decisions=2)
    assert (summary.changes, summary.p50_s, summary.max_s, summary.stale_decisions) == (3, 10, 30, 2)
    assert summarise_staleness([]).changes == 0


def test_seed_delays_pick_the_aws_service_by_sqs_delay_limit():
    assert SEED_WELCOME_S <= limits.SQS_DELAY_MAX_S < SEED_FOLLOW_UP_S
    assert delayed_delivery(SEED_WELCOME_S).startswith("SQS DelaySeconds")
    assert delayed_delivery(SEED_FOLLOW_UP_S) == "EventBridge Scheduler at()"


def test_the_mapping_table_names_handlers_that_exist():
    from patterns.microservices import handlers

    named = [row.here.split()[0].rsplit(".", 1)[-1] for row in GCP_TO_AWS if row.here.startswith("patterns.")]
    assert named
    assert all(hasattr(handlers, name) for name in named)
    assert {row.google_cloud for row in GCP_TO_AWS} >= {
        "Cloud Functions (HTTP trigger)",
        "Firestore collection",
    }


def test_every_event_the_services_publish_has_a_contract():
    assert set(CONTRACTS) == {
        "CustomerRegistered",
        "CustomerUpdated",
        "OrderPlaced",
        "StockReserved",
        "StockRejected",
    }
