"""The observability pattern's logic: correlation ids, orders, the log query, the waterfall, the cost."""

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.lab import pricing
from patterns.observability import (
    InvalidOrderError,
    LogRecord,
    Order,
    OrderNotTracedError,
    TraceHop,
    correlation_id_of,
    decide_payment,
    follow_order,
    logging_cost_per_million,
    parse_order,
    structured,
    waterfall,
)


def test_the_callers_correlation_id_comes_from_the_header_in_any_case_then_the_body() -> None:
    assert correlation_id_of({"headers": {"X-Correlation-Id": "a"}, "correlation_id": "b"}) == "a"
    assert correlation_id_of({"headers": {"x-correlation-id": ""}, "correlation_id": "b"}) == "b"
    assert correlation_id_of({"headers": None}) is None


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"order_id": "", "amount_cents": 1},
        {"order_id": "o", "amount_cents": 0},
        {"order_id": "o", "amount_cents": 1.5},
        {"order_id": "o", "amount_cents": True},
    ],
)
def test_an_order_without_an_id_or_a_positive_integer_amount_is_refused(event: dict[str, object]) -> None:
    with pytest.raises(InvalidOrderError):
        parse_order(event)


def test_payments_are_declined_for_a_declined_card_or_over_the_limit() -> None:
    assert decide_payment(Order("o", 100, "ok"), 100).charged
    assert not decide_payment(Order("o", 101, "ok"), 100).charged
    assert decide_payment(Order("o", 1, "declined"), 100).reason == "card declined by the provider"


def test_structured_keeps_json_log_objects_only() -> None:
    assert structured("f", '{"level": "INFO", "correlation_id": "c"}') == LogRecord(
        "f", {"level": "INFO", "correlation_id": "c"}
    )
    for line in ("REPORT RequestId: x", '{"_aws": {}, "M": 1}', "[1]", "plain"):
        assert structured("f", line) is None


def test_follow_order_keeps_the_order_of_the_lines_and_fails_loudly_when_nothing_matches() -> None:
    records = [
        LogRecord(name, {"correlation_id": cid, "n": n})
        for n, (name, cid) in enumerate([("a", "x"), ("b", "y"), ("c", "x")])
    ]
    assert [r.fields["n"] for r in follow_order(records, "x")] == [0, 2]
    with pytest.raises(OrderNotTracedError):
        follow_order(records, "z")


def test_the_waterfall_puts_the_virtual_wait_between_hops_and_init_before_the_handler() -> None:
    spans = waterfall([TraceHop("b", 1.0, None, 5.0), TraceHop("a", 0.0, 20.0, 10.0)])
    assert [(s.row, s.kind, s.start_ms, s.end_ms) for s in spans] == [
        ("a", "init", 0.0, 20.0),
        ("a", "handler", 20.0, 30.0),
        ("b", "queue wait", 30.0, 1030.0),
        ("b", "handler", 1030.0, 1035.0),
    ]


hops = st.lists(
    st.builds(
        TraceHop,
        st.sampled_from(["a", "b", "c"]),
        st.floats(0, 100),
        st.one_of(st.none(), st.floats(0.001, 1000)),
        st.floats(0, 1000),
    ),
    min_size=1,
    max_size=6,
)


@given(hops)
def test_waterfall_spans_are_contiguous_and_add_up(trace: list[TraceHop]) -> None:
    spans = waterfall(trace)
    assert spans[0].start_ms == 0.0
    for before, after in itertools.pairwise(spans):
        assert after.start_ms == pytest.approx(before.end_ms)
    ordered = sorted(trace, key=lambda h: h.virtual_start_s)
    expected = (
        sum(h.duration_ms + (h.init_ms or 0) for h in trace)
        + (ordered[-1].virtual_start_s - ordered[0].virtual_start_s) * 1000
    )
    assert spans[-1].end_ms == pytest.approx(expected)


def test_the_cost_of_logging_is_bytes_times_the_ingestion_price() -> None:
    per_gb = pricing.cloudwatch_logs_ingestion_cost(1024**3)
    assert per_gb == 0.5
    assert logging_cost_per_million(1024**3 / 1_000_000) == pytest.approx(per_gb)
    assert logging_cost_per_million(0) == 0.0
    assert json.dumps(pricing.cloudwatch_custom_metrics_cost(10)) == "3.0"
