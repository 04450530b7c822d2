"""Display helpers the notebooks share: tables, bar charts, cold/warm duration plots, a progress bar.

They only present what the code measured. Figures are standalone :class:`matplotlib.figure.Figure`
objects (not kept by ``pyplot``), so a notebook shows one with ``display(figure)`` or by ending a cell
with it, and it is shown exactly once, also inside an ``ipywidgets`` Output.

The convention every function that draws a figure follows (here or in a pattern's ``demo.py``):

* it returns a new ``Figure(layout="constrained")`` and says so in its annotation, ``-> Figure``;
  ``tests/e2e/test_figures.py`` finds every such function in ``patterns/`` by that annotation and fails
  until its ``EXAMPLES`` maps ``"patterns.<package>.demo:<function>"`` to a function drawing it from
  small inputs the way the notebook does (it may take the ``sandbox`` fixture for a small real run);
* an axis that counts things (invocations, cold starts, requests) is marked with
  :func:`count_axis`, which gives it integer ticks; :func:`bar_chart` of integer values does it itself;
* category labels that could run into each other go through :func:`category_ticks` (wrapped to the
  room each bar has, rotated if a word alone is too long); legends stand beside the axes
  (``loc="upper left", bbox_to_anchor=(1.01, 1.0)``) or where they cover no data.

The figure test draws every example with the Agg backend and fails when tick labels overlap each other,
any text falls outside the figure, a legend covers bars, lines or points, or a count axis (marked, or
labelled like one) has a non-integer tick.
"""

from __future__ import annotations

import dataclasses
import html
import json
import textwrap
import weakref
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from numbers import Integral
from typing import Any

from ipywidgets import IntProgress, Layout
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from patterns.lab.exceptions import LabError
from patterns.lab.lambda_runtime import InvocationReport

__all__ = [
    "COLD_COLOUR",
    "WARM_COLOUR",
    "GanttBar",
    "ProgressBar",
    "Table",
    "bar_chart",
    "bar_chart_of_rows",
    "category_ticks",
    "count_axis",
    "fit_labels",
    "format_cell",
    "gantt",
    "is_count_axis",
    "plot_report_durations",
    "rows_to_series",
    "table",
]

COLD_COLOUR = "#1f77b4"
WARM_COLOUR = "#ff7f0e"
# Roughly how many characters of a tick label at the default font size fit in an inch.
_CHARS_PER_INCH = 11.0
_COUNT_AXES: weakref.WeakSet[Axis] = weakref.WeakSet()


def count_axis(axis: Axis) -> Axis:
    """Mark ``axis`` (``axes.yaxis``, say) as counting things: integer ticks only. Returns the axis.

    Call it after ``set_xscale``/``set_yscale`` (a new scale replaces the locator).
    """
    axis.set_major_locator(MaxNLocator(nbins="auto", integer=True))
    _COUNT_AXES.add(axis)
    return axis


def is_count_axis(axis: Axis) -> bool:
    """True when :func:`count_axis` marked ``axis``."""
    return axis in _COUNT_AXES


def fit_labels(labels: Sequence[str], width_in: float) -> tuple[list[str], float]:
    """``labels`` for categories side by side across ``width_in`` inches, so that they do not run into
    each other: wrapped at spaces onto lines as wide as each category's room, or, when one word alone is
    wider than that, left on one line with a rotation of 30 degrees (else 0). See :func:`category_ticks`.
    """
    if not labels:
        return [], 0.0
    room = max(4, int(width_in * _CHARS_PER_INCH / len(labels)) - 1)
    wrapped = [
        textwrap.fill(" ".join(str(label).split()), room, break_long_words=False, break_on_hyphens=False)
        for label in labels
    ]
    if any(len(line) > room for label in wrapped for line in label.splitlines()):
        return [" ".join(str(label).split()) for label in labels], 30.0
    return wrapped, 0.0


def category_ticks(axes: Any, positions: Sequence[float], labels: Sequence[str], *, width_in: float) -> None:
    """Put ``labels`` under ``positions`` on ``axes``' x axis, fitted by :func:`fit_labels` to
    ``width_in`` inches (the axes' width), rotated about their right end when they must be."""
    fitted, rotation = fit_labels(labels, width_in)
    axes.set_xticks(
        list(positions),
        fitted,
        rotation=rotation,
        ha="right" if rotation else "center",
        rotation_mode="anchor" if rotation else "default",
    )


def _value(row: Any, path: str) -> Any:
    """``row[path]`` for a mapping, ``row.path`` otherwise; dots walk into nested values."""
    value = row
    for part in path.split("."):
        if isinstance(value, Mapping):
            if part not in value:
                raise LabError(f"column {path!r}: no key {part!r} in {sorted(map(str, value))}")
            value = value[part]
        elif hasattr(value, part):
            value = getattr(value, part)
        else:
            raise LabError(f"column {path!r}: {type(value).__name__} has no attribute {part!r}")
    return value


def _default_columns(row: Any) -> list[str]:
    if isinstance(row, Mapping):
        return [str(key) for key in row]
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return [f.name for f in dataclasses.fields(row)]
    raise LabError(
        f"rows must be mappings or dataclass instances, got {type(row).__name__}; name the columns"
    )


def format_cell(value: Any, spec: str | None = None) -> str:
    """A value as table text: ``spec`` (a ``format()`` spec) if given, else a readable default."""
    if spec is not None and value is not None:
        return format(value, spec)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,f}"
    if isinstance(value, float):
        return f"{value:.3g}" if value and abs(value) < 0.01 else f"{value:,.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, default=str)
    return str(value)


@dataclasses.dataclass(frozen=True)
class Table:
    """Rows of text cells under headers: HTML in a notebook, aligned text in a terminal."""

    headers: list[str]
    cells: list[list[str]]

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in self.headers)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self.cells
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __str__(self) -> str:
        widths = [max(len(h), *(len(row[i]) for row in self.cells)) for i, h in enumerate(self.headers)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(self.headers, widths, strict=True))]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in self.cells]
        return "\n".join(line.rstrip() for line in lines)

    def __repr__(self) -> str:
        return str(self)

    def indented(self, prefix: str = "  ") -> str:
        """The aligned text with ``prefix`` before every line (for a demonstration's printout)."""
        return "\n".join(prefix + line for line in str(self).splitlines())


def table(
    rows: Iterable[Any],
    columns: Sequence[str] | Mapping[str, str] | None = None,
    *,
    formats: Mapping[str, str] | None = None,
) -> Table:
    """A :class:`Table` of ``rows`` (mappings or dataclass instances).

    ``columns`` lists the fields to show (default: all of the first row's), or maps each header to a
    field; a field may be a dotted path (``"report.duration_ms"``). ``formats`` maps a field to a
    ``format()`` spec (``{"cost_usd": ".2e"}``).
    """
    items = list(rows)
    if not items:
        raise LabError("table() needs at least one row, got none")
    if columns is None:
        columns = _default_columns(items[0])
    paths = dict(columns) if isinstance(columns, Mapping) else {path: path for path in columns}
    specs = formats or {}
    cells = [[format_cell(_value(row, path), specs.get(path)) for path in paths.values()] for row in items]
    return Table(list(paths), cells)


def rows_to_series(
    rows: Iterable[Any], *, x: str, y: str, group: str
) -> tuple[list[str], dict[str, list[float]]]:
    """Pivot rows into bar-chart input: the ``x`` labels in first-seen order, and per ``group`` the ``y``
    value at each label (0 where a group has no row for a label)."""
    labels: list[str] = []
    values: dict[str, dict[str, float]] = {}
    for row in rows:
        label, name = str(_value(row, x)), str(_value(row, group))
        if label not in labels:
            labels.append(label)
        values.setdefault(name, {})[label] = float(_value(row, y))
    return labels, {name: [points.get(label, 0.0) for label in labels] for name, points in values.items()}


def bar_chart(
    series: Mapping[str, Sequence[float]],
    *,
    labels: Sequence[str] | None = None,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    reference: tuple[float, str] | None = None,
    size: tuple[float, float] = (7.0, 3.5),
    counts: bool | None = None,
) -> Figure:
    """Grouped bars: one colour per series, one group per label (default labels ``1..n``).

    ``reference`` draws a dashed horizontal line at a value, with a legend label. ``counts`` gives the
    value axis integer ticks (default: when every value is an integer type). Long labels are wrapped or
    rotated by :func:`fit_labels`.
    """
    if not series:
        raise LabError("bar_chart() needs at least one series, got none")
    lengths = {name: len(values) for name, values in series.items()}
    count = max(lengths.values())
    if set(lengths.values()) != {count} or (labels is not None and len(labels) != count):
        raise LabError(f"every series needs one value per label; got lengths {lengths} and {count} labels")
    names = [str(i + 1) for i in range(count)] if labels is None else list(labels)
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    width = 0.8 / len(series)
    for index, (name, values) in enumerate(series.items()):
        offsets = [position - 0.4 + width * (index + 0.5) for position in range(count)]
        axes.bar(offsets, list(values), width=width, label=name)
    if reference is not None:
        axes.axhline(reference[0], color="black", linestyle="--", linewidth=1, label=reference[1])
    category_ticks(axes, range(count), names, width_in=0.75 * size[0])
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if counts is None:
        counts = all(isinstance(value, Integral) for values in series.values() for value in values)
    if counts:
        count_axis(axes.yaxis)
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


def bar_chart_of_rows(rows: Iterable[Any], *, x: str, y: str, group: str, **options: Any) -> Figure:
    """:func:`bar_chart` of rows pivoted by :func:`rows_to_series` (options as for bar_chart)."""
    labels, series = rows_to_series(rows, x=x, y=y, group=group)
    options.setdefault("xlabel", x)
    options.setdefault("ylabel", y)
    return bar_chart(series, labels=labels, **options)


def plot_report_durations(
    reports: Sequence[InvocationReport], *, title: str = "", size: tuple[float, float] = (7.0, 3.5)
) -> Figure:
    """One bar per invocation, in order: handler duration, with init time stacked on cold starts."""
    if not reports:
        raise LabError("plot_report_durations() needs at least one report, got none")
    figure = Figure(figsize=size, layout="constrained")
    axes = figure.add_subplot()
    positions = range(1, len(reports) + 1)
    colours = [COLD_COLOUR if r.cold_start else WARM_COLOUR for r in reports]
    inits = [r.init_ms or 0.0 for r in reports]
    axes.bar(positions, inits, color=colours, alpha=0.45, hatch="//", edgecolor="white")
    axes.bar(positions, [r.duration_ms for r in reports], bottom=inits, color=colours)
    legend = [
        Patch(facecolor=COLD_COLOUR, alpha=0.45, hatch="//", edgecolor="white", label="cold start: init"),
        Patch(facecolor=COLD_COLOUR, label="cold start: handler"),
        Patch(facecolor=WARM_COLOUR, label="warm start: handler"),
    ]
    axes.legend(handles=legend, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axes.set(title=title, xlabel="invocation", ylabel="milliseconds")
    count_axis(axes.xaxis)
    return figure


class ProgressBar:
    """An ``ipywidgets.IntProgress`` driven as a ``progress(done, total)`` callback.

    Display it with ``display(bar)``; pass ``bar`` wherever a progress callback is taken.
    """

    def __init__(self, description: str) -> None:
        self.description = description
        self.widget: Any = IntProgress(
            value=0,
            min=0,
            max=1,
            description=description,
            layout=Layout(width="60%"),
            style={"description_width": "initial"},
        )

    def __call__(self, done: int, total: int) -> None:
        self.widget.max = max(1, total)
        self.widget.value = done
        self.widget.description = f"{self.description} {done}/{total}"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


@dataclasses.dataclass(frozen=True)
class GanttBar:
    """One bar of a Gantt chart: on row ``row`` from ``start`` to ``end``, coloured by ``kind``.

    ``marks`` are instants drawn as ticks across the bar (attempts of a task, say); every mark after
    the first is labelled "retry N".
    """

    row: str
    start: float
    end: float
    kind: str
    marks: tuple[float, ...] = ()


def gantt(
    bars: Sequence[GanttBar],
    colours: Mapping[str, str],
    *,
    rows: Sequence[str] | None = None,
    shaded: Sequence[tuple[float, float]] = (),
    shaded_label: str = "",
    title: str = "",
    xlabel: str = "seconds",
    size: tuple[float, float] | None = None,
) -> Figure:
    """A Gantt chart of ``bars``, one row per distinct ``row`` (in ``rows`` order if given, else first
    seen), a legend of ``colours`` by kind, and ``shaded`` intervals (an outage, say) with a dashed
    line where each begins."""
    if not bars:
        raise LabError("gantt() needs at least one bar, got none")
    unknown = sorted({bar.kind for bar in bars} - set(colours))
    if unknown:
        raise LabError(f"gantt(): no colour for kind(s) {unknown}; colours has {sorted(colours)}")
    order = list(rows) if rows is not None else list(dict.fromkeys(bar.row for bar in bars))
    missing = sorted({bar.row for bar in bars} - set(order))
    if missing:
        raise LabError(f"gantt(): bars on rows {missing} that rows= does not list")
    figure = Figure(figsize=size or (8.0, 0.32 * len(order) + 1.4), layout="constrained")
    axes = figure.add_subplot()
    end = max(bar.end for bar in bars)
    thinnest = end / 300 if end > 0 else 0.001
    for bar in bars:
        y = order.index(bar.row)
        width = max(bar.end - bar.start, thinnest)
        axes.broken_barh([(bar.start, width)], (y - 0.38, 0.76), color=colours[bar.kind])
        for number, instant in enumerate(bar.marks):
            axes.plot([instant, instant], [y - 0.45, y + 0.45], color="black", linewidth=1.2)
            if number:
                axes.annotate(f"retry {number}", (instant, y - 0.45), fontsize="x-small", va="bottom")
    for start, stop in shaded:
        axes.axvspan(start, stop, color="#d62728", alpha=0.12)
        axes.axvline(start, color="#d62728", linestyle="--", linewidth=1)
    axes.set_yticks(range(len(order)), order)
    axes.invert_yaxis()
    axes.set(title=title, xlabel=xlabel)
    handles = [Patch(color=colour, label=kind) for kind, colour in colours.items()]
    if shaded:
        handles.append(Patch(color="#d62728", alpha=0.12, label=shaded_label or "shaded"))
    axes.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure
