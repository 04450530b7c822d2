"""The notebooks' display helpers: tables, bar charts, cold/warm plots and the progress bar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from patterns.lab.display import (
    COLD_COLOUR,
    WARM_COLOUR,
    GanttBar,
    ProgressBar,
    bar_chart,
    bar_chart_of_rows,
    category_ticks,
    count_axis,
    fit_labels,
    format_cell,
    gantt,
    is_count_axis,
    plot_report_durations,
    rows_to_series,
    table,
)
from patterns.lab.exceptions import LabError
from patterns.lab.lambda_runtime import InvocationReport
from patterns.lab.pricing import price_table

pytestmark = pytest.mark.unit


def report(cold: bool, duration_ms: float, init_ms: float | None = None) -> InvocationReport:
    return InvocationReport(
        request_id="r",
        function_name="f",
        environment_id="f-1",
        invocation_type="RequestResponse",
        cold_start=cold,
        init_ms=init_ms,
        duration_ms=duration_ms,
        billed_ms=int(duration_ms) + 1,
        memory_mb=128,
        architecture="x86_64",
        cost_usd=2.1e-7,
        status="success",
        error_type=None,
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@dataclass(frozen=True)
class Outcome:
    label: str
    status: int
    body: Any
    report: InvocationReport


def bar_heights(figure: Figure) -> list[list[float]]:
    """Heights of each bar container of the figure's only axes, in drawing order."""
    (axes,) = figure.axes
    return [[bar.get_height() for bar in container] for container in axes.containers]


# --- format_cell and table ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "spec", "text"),
    [
        (None, None, ""),
        (True, None, "yes"),
        (False, None, "no"),
        (6_000_000_000, None, "6,000,000,000"),
        (Decimal("0.0000166667"), None, "0.0000166667"),
        (Decimal("9000000000"), None, "9,000,000,000"),
        (Decimal("0.0000000309"), None, "0.0000000309"),
        (Decimal("0.20"), None, "0.20"),
        (7.35e-06, None, "7.35e-06"),
        (1234.5678, None, "1,234.57"),
        (0.0, None, "0.00"),
        (7.35e-06, ".2e", "7.35e-06"),
        (5.0, ".1f", "5.0"),
        ({"error": "bad", "problems": ["x"]}, None, '{"error": "bad", "problems": ["x"]}'),
        ([1, 2], None, "[1, 2]"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), None, "2026-01-02T03:04:05+00:00"),
        ("<b>", None, "<b>"),
    ],
)
def test_format_cell(value: Any, spec: str | None, text: str) -> None:
    assert format_cell(value, spec) == text


def test_table_of_mappings_uses_the_first_rows_keys_and_formats() -> None:
    rows = [
        {"route": "get", "cost_usd": 1.5e-5, "requests": 60},
        {"route": "export", "cost_usd": 2e-6, "requests": 2},
    ]
    shown = table(rows, formats={"cost_usd": ".1e"})
    assert shown.headers == ["route", "cost_usd", "requests"]
    assert shown.cells == [["get", "1.5e-05", "60"], ["export", "2.0e-06", "2"]]


def test_table_of_dataclasses_follows_dotted_paths_and_renames_headers() -> None:
    rows = [Outcome("new user", 201, {"user": {"email": "a@b.c"}}, report(True, 40.0, 30.0))]
    shown = table(
        rows,
        {"request": "label", "status": "status", "cold": "report.cold_start", "email": "body.user.email"},
    )
    assert shown.headers == ["request", "status", "cold", "email"]
    assert shown.cells == [["new user", "201", "yes", "a@b.c"]]


def test_table_defaults_to_every_dataclass_field() -> None:
    rows = price_table()
    shown = table(rows)
    assert shown.headers[:4] == ["service", "item", "price", "unit"]
    assert len(shown.cells) == len(rows)


def test_table_html_escapes_cells_and_headers() -> None:
    html_text = table([{"<h>": "<script>x</script>"}])._repr_html_()
    assert "<script>" not in html_text
    assert "&lt;script&gt;x&lt;/script&gt;" in html_text
    assert "<th style='text-align:left'>&lt;h&gt;</th>" in html_text
    assert html_text.count("<tr>") == 2


def test_table_text_is_aligned_in_columns() -> None:
    text = str(table([{"a": "x", "bb": 1}, {"a": "long value", "bb": 22}]))
    assert text.splitlines() == ["a           bb", "x           1", "long value  22"]


def test_table_names_the_missing_field() -> None:
    missing = r"column 'report\.memory': InvocationReport has no attribute 'memory'"
    with pytest.raises(LabError, match=missing):
        table([Outcome("x", 200, None, report(False, 1.0))], ["report.memory"])
    with pytest.raises(LabError, match=r"no key 'cost'"):
        table([{"route": "get"}], ["cost"])


def test_table_refuses_no_rows_and_rows_it_cannot_read() -> None:
    with pytest.raises(LabError, match="at least one row"):
        table([])
    with pytest.raises(LabError, match="got int"):
        table([1, 2])


# --- bar charts --------------------------------------------------------------------------------
def test_rows_to_series_pivots_in_first_seen_order_and_fills_gaps() -> None:
    rows = [
        {"deployment": "multi", "route": "register", "cost": 3.0},
        {"deployment": "multi", "route": "get", "cost": 2.0},
        {"deployment": "single", "route": "get", "cost": 1.0},
    ]
    labels, series = rows_to_series(rows, x="route", y="cost", group="deployment")
    assert labels == ["register", "get"]
    assert series == {"multi": [3.0, 2.0], "single": [0.0, 1.0]}


def test_bar_chart_draws_one_bar_per_value_and_the_reference_line() -> None:
    figure = bar_chart(
        {"check-then-put": [1, 4, 3], "conditional-write": [1, 1, 1]},
        title="race",
        ylabel="accepted",
        reference=(1, "correct"),
    )
    assert bar_heights(figure) == [[1, 4, 3], [1, 1, 1]]
    (axes,) = figure.axes
    assert [tick.get_text() for tick in axes.get_xticklabels()] == ["1", "2", "3"]
    assert axes.get_title() == "race"
    (reference_line,) = axes.get_lines()
    assert list(np.asarray(reference_line.get_ydata())) == [1, 1]
    legend = axes.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == [
        "correct",
        "check-then-put",
        "conditional-write",
    ]


def test_bar_chart_of_rows_labels_groups_and_axes() -> None:
    rows = [{"d": "multi", "route": "get", "usd": 2.0}, {"d": "single", "route": "get", "usd": 1.0}]
    figure = bar_chart_of_rows(rows, x="route", y="usd", group="d")
    (axes,) = figure.axes
    assert bar_heights(figure) == [[2.0], [1.0]]
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("route", "usd")
    assert [tick.get_text() for tick in axes.get_xticklabels()] == ["get"]


def test_bar_chart_refuses_ragged_series_and_wrong_labels() -> None:
    with pytest.raises(LabError, match="one value per label"):
        bar_chart({"a": [1, 2], "b": [1]})
    with pytest.raises(LabError, match="one value per label"):
        bar_chart({"a": [1, 2]}, labels=["only one"])
    with pytest.raises(LabError, match="at least one series"):
        bar_chart({})


def test_report_durations_stack_init_on_cold_starts_and_colour_by_start() -> None:
    reports = [report(True, 40.0, init_ms=30.0), report(False, 5.0), report(False, 4.0)]
    figure = plot_report_durations(reports, title="cold vs warm")
    (axes,) = figure.axes
    init_bars, handler_bars = axes.containers
    assert [bar.get_height() for bar in init_bars] == [30.0, 0.0, 0.0]
    assert [bar.get_height() for bar in handler_bars] == [40.0, 5.0, 4.0]
    assert [bar.get_y() for bar in handler_bars] == [30.0, 0.0, 0.0]
    assert [to_hex(bar.get_facecolor()) for bar in handler_bars] == [COLD_COLOUR, WARM_COLOUR, WARM_COLOUR]
    assert axes.get_title() == "cold vs warm"


def test_report_durations_need_reports() -> None:
    with pytest.raises(LabError, match="at least one report"):
        plot_report_durations([])


def test_figures_are_not_kept_by_pyplot() -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    bar_chart({"a": [1.0]})
    plot_report_durations([report(False, 1.0)])
    assert plt.get_fignums() == before


# --- progress bar ------------------------------------------------------------------------------
def test_progress_bar_follows_the_callback() -> None:
    bar = ProgressBar("check-then-put")
    bar(3, 10)
    assert (bar.widget.value, bar.widget.max, bar.widget.description) == (3, 10, "check-then-put 3/10")
    bar(10, 10)
    assert bar.widget.value == bar.widget.max == 10
    bundle = bar._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_gantt_draws_a_row_per_label_with_retry_marks_and_shaded_outages():
    bars = [
        GanttBar("charge", 0.0, 1.0, "failed", marks=(0.0, 0.5)),
        GanttBar("charge", 2.0, 3.0, "ok"),
        GanttBar("refund", 3.0, 3.5, "ok"),
    ]
    figure = gantt(bars, {"ok": "#2ca02c", "failed": "#d62728"}, shaded=[(1.0, 2.0)], shaded_label="down")
    axes = figure.axes[0]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["charge", "refund"]
    assert [text.get_text() for text in axes.texts] == ["retry 1"]
    legend = axes.get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == ["ok", "failed", "down"]


def test_gantt_says_what_it_cannot_draw():
    with pytest.raises(LabError, match="needs at least one bar"):
        gantt([], {})
    with pytest.raises(LabError, match=r"no colour for kind\(s\) \['late'\]"):
        gantt([GanttBar("a", 0, 1, "late")], {"ok": "g"})
    with pytest.raises(LabError, match=r"bars on rows \['b'\]"):
        gantt([GanttBar("b", 0, 1, "ok")], {"ok": "g"}, rows=["a"])


# --- legibility helpers ------------------------------------------------------------------------
def test_count_axis_gives_integer_ticks_and_is_remembered() -> None:
    figure = Figure()
    axes = figure.add_subplot()
    axes.bar([1, 2, 3], [0.0, 1.0, 2.0])
    assert not is_count_axis(axes.yaxis)
    assert count_axis(axes.yaxis) is axes.yaxis
    axes.set_ylim(0, 2)
    assert is_count_axis(axes.yaxis)
    assert not is_count_axis(axes.xaxis)
    assert all(float(tick).is_integer() for tick in axes.yaxis.get_majorticklocs())


def test_bar_chart_of_ints_counts_and_of_floats_does_not() -> None:
    counted = bar_chart({"accepted": [1, 3, 2]}).axes[0]
    measured = bar_chart({"seconds": [1.0, 3.0, 2.0]}).axes[0]
    forced = bar_chart({"seconds": [1.0, 3.0, 2.0]}, counts=True).axes[0]
    assert is_count_axis(counted.yaxis)
    assert not is_count_axis(measured.yaxis)
    assert is_count_axis(forced.yaxis)


def test_report_durations_count_invocations_on_the_x_axis() -> None:
    (axes,) = plot_report_durations([report(True, 4.0, 3.0), report(False, 1.0)]).axes
    assert is_count_axis(axes.xaxis)


def test_fit_labels_wraps_at_spaces_to_the_room_each_label_has() -> None:
    labels, rotation = fit_labels(["keep-alive 10 min", "warmer every 5 min x1", "provisioned 10"], 4.0)
    assert rotation == 0.0
    assert labels == ["keep-alive 10\nmin", "warmer every\n5 min x1", "provisioned\n10"]
    assert fit_labels(["a", "b"], 4.0) == (["a", "b"], 0.0)
    assert fit_labels([], 4.0) == ([], 0.0)


def test_fit_labels_rotates_when_a_word_alone_is_too_long() -> None:
    labels, rotation = fit_labels(["short", "an-unbreakable-label-of-some-length", "x"], 2.0)
    assert rotation == 30.0
    assert labels == ["short", "an-unbreakable-label-of-some-length", "x"]


def test_category_ticks_sets_the_fitted_labels() -> None:
    figure = Figure()
    axes = figure.add_subplot()
    category_ticks(axes, [0, 1], ["one label", "another label"], width_in=2.0)
    texts = axes.get_xticklabels()
    assert [text.get_text() for text in texts] == ["one label", "another\nlabel"]
    assert {text.get_rotation() for text in texts} == {0.0}
    category_ticks(axes, [0, 1], ["unbreakable-long-label", "x"], width_in=1.0)
    texts = axes.get_xticklabels()
    assert {text.get_rotation() for text in texts} == {30.0}
    assert {text.get_horizontalalignment() for text in texts} == {"right"}
