"""The cold-start harness's parsing and statistics, and the quote logic every variant shares (no AWS)."""

import json
from datetime import UTC, datetime

import pytest

from patterns.cold_starts import measure
from patterns.cold_starts.adapters import InMemoryQuoteStore
from patterns.cold_starts.handlers import answer_quote, quote_event
from patterns.cold_starts.measure import (
    REPORT_MARKER,
    ColdStartMeasurement,
    ColdStartSample,
    Spread,
    VariantMeasurement,
    handler_init_us,
    parse_child_report,
    percentile,
    stderr_tail,
)
from patterns.cold_starts.published import PUBLISHED, published_ranges_ms
from patterns.cold_starts.service import (
    InvalidQuoteError,
    QuoteLine,
    parse_quote_request,
    price_quote,
    sum_of_lines,
)

pytestmark = pytest.mark.unit

REPORT = {
    "child_ms": 900.0,
    "import_ms": 250.0,
    "new_modules": 300,
    "loaded_at_init": ["boto3"],
    "loaded_after_first": ["boto3"],
    "first_ms": 80.0,
    "warm_ms": [2.0, 3.0],
    "python": "3.11.9",
}


def sample(variant="v", *, interpreter=40.0, imports=200.0, init=1.0, first=80.0, warm=(2.0, 4.0)):
    return ColdStartSample(
        variant=variant,
        repetition=1,
        wall_ms=1000.0,
        interpreter_ms=interpreter,
        imports_ms=imports,
        init_ms=init,
        first_invocation_ms=first,
        warm_ms=tuple(warm),
        harness_ms=600.0,
        modules_imported=300,
        loaded_at_init=("boto3",),
        loaded_after_first=("boto3",),
    )


# --- statistics ------------------------------------------------------------------------------
def test_percentile_interpolates_between_ranks():
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([0.0, 10.0], 0.9) == pytest.approx(9.0)
    assert percentile(list(range(11)), 0.9) == pytest.approx(9.0)
    assert percentile([7.0], 0.9) == 7.0


@pytest.mark.parametrize(("values", "fraction"), [([], 0.5), ([1.0], -0.1), ([1.0], 1.5)])
def test_percentile_refuses_empty_input_and_bad_fractions(values, fraction):
    with pytest.raises(ValueError, match=r"percentile|fraction"):
        percentile(values, fraction)


def test_spread_has_median_p90_and_range():
    spread = Spread.of([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (spread.count, spread.median_ms, spread.min_ms, spread.max_ms) == (5, 3.0, 1.0, 5.0)
    assert spread.p90_ms == pytest.approx(4.6)
    with pytest.raises(ValueError, match="at least one"):
        Spread.of([])


def test_cold_start_is_the_sum_of_its_phases_and_warm_values_are_pooled():
    first, second = sample(warm=(2.0, 4.0)), sample(interpreter=60.0, warm=(6.0,))
    assert first.cold_start_ms == pytest.approx(40 + 200 + 1 + 80)
    measured = VariantMeasurement(measure.VARIANTS[0], (first, second))
    assert measured.values("warm_invocation") == [2.0, 4.0, 6.0]
    assert measured.values("interpreter") == [40.0, 60.0]
    row = measured.row()
    assert row["interpreter_ms"] == 50.0
    assert row["warm_ms"] == 4.0
    assert row["cold_start_ms"] == pytest.approx((321 + 341) / 2)


def test_a_measurement_finds_its_variants_by_name_and_says_where_it_was_measured():
    run = ColdStartMeasurement(
        (VariantMeasurement(measure.VARIANTS[0], (sample(),)),),
        1,
        2,
        "3.11.9",
        "Linux x86_64, 2 CPUs",
        datetime.now(UTC),
        1.5,
    )
    assert run.variant("narrow imports").samples[0].variant == "v"
    assert "measured on this machine" in run.label()
    with pytest.raises(KeyError, match="no variant named 'nope'"):
        run.variant("nope")


# --- parsing ---------------------------------------------------------------------------------
def test_the_report_is_the_last_marked_line_whatever_else_the_child_prints():
    stdout = f"hello from the handler\n{REPORT_MARKER}{json.dumps({**REPORT, 'first_ms': 1.0})}\n"
    stdout += f"{REPORT_MARKER}{json.dumps(REPORT)}\nbye\n"
    report = parse_child_report(stdout)
    assert report.first_ms == 80.0
    assert report.warm_ms == (2.0, 3.0)
    assert report.loaded_at_init == ("boto3",)


def test_a_missing_or_incomplete_report_is_refused():
    with pytest.raises(ValueError, match="no line starting with"):
        parse_child_report("Traceback ...\n")
    broken = {key: value for key, value in REPORT.items() if key != "warm_ms"}
    with pytest.raises(ValueError, match="warm_ms"):
        parse_child_report(REPORT_MARKER + json.dumps(broken))


IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       333 |     190178 |     boto3
import time:      1653 |     205996 |   patterns.cold_starts.adapters
import time:       514 |     213944 | patterns.cold_starts.variants.narrow_imports
import time:        12 |         12 | patterns.cold_starts.variants.narrow_imports_extra
"""


def test_init_is_the_self_time_of_exactly_the_handler_module():
    assert handler_init_us(IMPORTTIME, "patterns.cold_starts.variants.narrow_imports") == 514
    assert handler_init_us(IMPORTTIME, "boto3") == 333
    with pytest.raises(ValueError, match=r"no line for module 'patterns\.cold_starts\.variants'"):
        handler_init_us(IMPORTTIME, "patterns.cold_starts.variants")


def test_the_stderr_tail_leaves_out_importtime_lines():
    tail = stderr_tail(IMPORTTIME + "Traceback (most recent call last):\nModuleNotFoundError: x\n", lines=5)
    assert tail == "Traceback (most recent call last):\nModuleNotFoundError: x"


# --- the quote logic every variant runs ------------------------------------------------------
def test_a_quote_gets_the_step_discount_and_is_rounded_to_cents():
    lines = (QuoteLine("A", 3, 33.335), QuoteLine("B", 1, 0.0))
    small = price_quote("q1", "acme", lines)
    assert (small.subtotal, small.discount, small.total) == (100.0, 5.0, 95.0)
    large = price_quote("q2", "acme", (QuoteLine("A", 10, 150.0),))
    assert (large.subtotal, large.discount, large.total) == (1500.0, 150.0, 1350.0)
    tiny = price_quote("q3", "acme", (QuoteLine("A", 2, 9.5),))
    assert (tiny.discount, tiny.total) == (0.0, 19.0)


def test_another_subtotal_implementation_gives_the_same_quote():
    lines = parse_quote_request(quote_event(5))[1]
    assert price_quote("q", "c", lines, subtotal=lambda ls: float(sum_of_lines(ls))) == price_quote(
        "q", "c", lines
    )


def test_every_problem_of_a_bad_request_is_listed():
    with pytest.raises(InvalidQuoteError) as caught:
        parse_quote_request({"customer": " ", "lines": [{"sku": "", "quantity": 0, "unit_price": -1}, 3]})
    problems = caught.value.problems
    assert len(problems) == 5, problems
    assert any("customer" in p for p in problems)
    assert any("lines[1] must be an object" in p for p in problems)
    with pytest.raises(InvalidQuoteError, match="must be an object"):
        parse_quote_request([1, 2])


def test_answer_quote_stores_the_quote_and_answers_200_or_400():
    store = InMemoryQuoteStore()
    response = answer_quote(quote_event(3), None, store)
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert store.quotes[body["quote"]["quote_id"]].total == body["quote"]["total"]
    refused = answer_quote({"customer": "acme"}, None, store)
    assert refused["statusCode"] == 400
    assert "lines must be a non-empty list" in json.loads(refused["body"])["problems"][0]
    assert len(store.quotes) == 1


# --- published figures -----------------------------------------------------------------------
def test_every_published_figure_is_dated_and_sourced():
    assert PUBLISHED
    for figure in PUBLISHED:
        assert figure.source, figure
        assert figure.as_of.year >= 2025, figure
        assert figure.low <= figure.high, figure
    assert (
        published_ranges_ms()["hello_world_almost_always"][1]
        >= published_ranges_ms()["hello_world_typical"][1]
    )


def test_the_numpy_variant_computes_the_same_subtotal_as_plain_python():
    from patterns.cold_starts.variants.large_dependency import numpy_subtotal

    lines = parse_quote_request(quote_event(7))[1]
    assert numpy_subtotal(lines) == pytest.approx(sum_of_lines(lines))
    assert price_quote("q", "c", lines, subtotal=numpy_subtotal) == price_quote("q", "c", lines)
