"""The observability pattern against moto: every line carries its request and the order's correlation id,
nothing is lost between the functions, metrics come back from CloudWatch, the alarm follows the declines,
and the log levels and sampling change what is ingested."""

from collections import Counter

import pytest

from patterns.lab.emf import read_emf
from patterns.lab.logs import capture_logs
from patterns.lab.sandbox import Sandbox
from patterns.observability import structured
from patterns.observability.demo import (
    WINDOW_S,
    deploy_shop,
    follow_one_order,
    logging_cost_by_level,
    place,
    sampling,
    traffic,
)


def test_every_line_names_its_request_and_the_orders_correlation_id_and_nothing_is_lost(
    sandbox: Sandbox,
) -> None:
    shop = deploy_shop(sandbox, card_limit_cents=5_000)
    with capture_logs(sandbox) as capture:
        ids = [
            place(sandbox, f"o-{n}", amount, correlation_id=f"c-{n}")
            for n, amount in enumerate([100, 9_000, 200])
        ]
        declined = place(sandbox, "o-card", 100, card="declined")
        sandbox.advance(3 * WINDOW_S)
    shop.close(sandbox)
    assert ids == ["c-0", "c-1", "c-2"]
    assert declined.startswith("corr-")
    reports = {r.request_id: r for r in capture.reports()}
    records = [r for e in capture.events() if (r := structured(e.function_name, e.message)) is not None]
    for record in records:
        assert reports[record.fields["function_request_id"]].function_name == record.function_name
    by_order = Counter((r.fields["correlation_id"], r.fields["message"]) for r in records)
    assert by_order == Counter(
        {
            ("c-0", "order placed"): 1,
            ("c-0", "payment charged"): 1,
            ("c-0", "order shipped"): 1,
            ("c-1", "order placed"): 1,
            ("c-1", "payment declined"): 1,
            ("c-2", "order placed"): 1,
            ("c-2", "payment charged"): 1,
            ("c-2", "order shipped"): 1,
            (declined, "order placed"): 1,
            (declined, "payment declined"): 1,
        }
    )
    metrics: Counter[str] = Counter()
    for datum in read_emf(capture.events()):
        metrics[datum.name] += int(datum.value)
    assert metrics == {"OrdersPlaced": 4, "PaymentsCharged": 2, "PaymentsDeclined": 2, "OrdersShipped": 2}
    assert metrics["OrdersPlaced"] == metrics["PaymentsCharged"] + metrics["PaymentsDeclined"]


def test_a_missing_order_id_fails_the_invocation_and_logs_no_placed_line(sandbox: Sandbox) -> None:
    shop = deploy_shop(sandbox)
    with capture_logs(sandbox) as capture:
        result = sandbox.lambdas.invoke("place-order", {"amount_cents": 5})
    shop.close(sandbox)
    assert result.payload["errorType"] == "InvalidOrderError"
    assert not any("order placed" in e.message for e in capture.events())
    assert not any(e.message.startswith('{"_aws"') and "OrdersPlaced" in e.message for e in capture.events())


def test_one_order_is_followed_through_three_functions_and_its_trace_adds_up(sandbox: Sandbox) -> None:
    cold, warm = follow_one_order(sandbox)
    for trace in (cold, warm):
        assert [r.function_name for r in trace.records] == ["place-order", "charge-payment", "ship-order"]
        assert len(trace.cloudwatch_hits) == 3
        assert all(trace.correlation_id in h["message"] for h in trace.cloudwatch_hits)
        assert [s.row for s in trace.spans if s.kind == "handler"] == [
            "place-order",
            "charge-payment",
            "ship-order",
        ]
        waits = [s.ms for s in trace.spans if s.kind == "queue wait"]
        assert waits == [pytest.approx(WINDOW_S * 1000)] * 2
    assert cold.cold
    assert any(s.kind == "init" for s in cold.spans)
    assert not warm.cold
    assert not any(s.kind == "init" for s in warm.spans)


def test_the_alarm_follows_the_declines_on_the_virtual_clock(sandbox: Sandbox) -> None:
    run = traffic(sandbox, minutes=6, orders_per_minute=3, trouble=(2, 3), declines_per_minute=2, threshold=2)
    assert run.series["OrdersPlaced"] == (3.0,) * 6
    assert run.series["PaymentsDeclined"] == (0.0, 0.0, 2.0, 2.0, 0.0, 0.0)
    assert [
        a + b for a, b in zip(run.series["PaymentsCharged"], run.series["PaymentsDeclined"], strict=True)
    ] == [3.0] * 6
    assert run.alarm_states == ("OK", "OK", "OK", "ALARM", "ALARM", "OK")
    assert run.stored_state == "OK"
    assert run.put_calls == 6


def test_lower_levels_log_more_and_sampling_logs_debug_for_some_invocations(sandbox: Sandbox) -> None:
    debug, info, warning = logging_cost_by_level(sandbox, orders=3)
    assert debug.log_bytes > info.log_bytes > warning.log_bytes == 0
    assert debug.emf_bytes == pytest.approx(info.emf_bytes, rel=0.05)
    assert debug.usd_per_million_orders > info.usd_per_million_orders
    none, every = sampling(sandbox, 0.0, orders=3), sampling(sandbox, 1.0, orders=3)
    assert none.invocations_with_debug == 0
    assert every.invocations_with_debug == every.invocations
    assert every.bytes_per_order > none.bytes_per_order


def test_a_message_without_the_correlation_id_starts_a_new_trail_downstream(sandbox: Sandbox) -> None:
    shop = deploy_shop(sandbox)
    with capture_logs(sandbox) as capture:
        sandbox.client("sqs").send_message(
            QueueUrl=shop.payments.url, MessageBody='{"order_id": "o-x", "amount_cents": 100}'
        )
        sandbox.advance(3 * WINDOW_S)
    shop.close(sandbox)
    records = [r for e in capture.events() if (r := structured(e.function_name, e.message)) is not None]
    ids = {r.function_name: r.fields["correlation_id"] for r in records}
    assert set(ids) == {"charge-payment", "ship-order"}
    assert ids["charge-payment"].startswith("corr-")
    assert ids["ship-order"] == ids["charge-payment"]  # made by charge-payment, passed on from there
