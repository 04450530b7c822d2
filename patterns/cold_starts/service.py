"""Pure logic of the cold-start example: price an order quote (no AWS calls, no heavy imports).

Every handler variant does exactly this work, so their timings differ only in how each is built
(what it imports, when it creates its AWS client, which library does the arithmetic). The module
imports nothing beyond the standard library, so importing it costs almost nothing at init.
The one heavy need, drawing a chart of a quote, imports matplotlib inside the function that uses it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DISCOUNT_STEPS",
    "InvalidQuoteError",
    "Quote",
    "QuoteLine",
    "parse_quote_request",
    "price_quote",
    "render_quote_chart",
    "sum_of_lines",
]

# (subtotal from which it applies, discount fraction): the example's own business rule.
DISCOUNT_STEPS: tuple[tuple[float, float], ...] = ((1000.0, 0.10), (100.0, 0.05))


class InvalidQuoteError(ValueError):
    """The event is not a valid quote request; ``problems`` lists every problem found.

    It derives from ValueError, not the lab's error base, so that importing the handlers never loads
    the lab runtime: what a handler imports is what the measurements time.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class QuoteLine:
    """One line of a quote: how many of a product, at what unit price."""

    sku: str
    quantity: int
    unit_price: float


@dataclass(frozen=True)
class Quote:
    """A priced quote."""

    quote_id: str
    customer: str
    lines: tuple[QuoteLine, ...]
    subtotal: float
    discount: float
    total: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "quote_id": self.quote_id,
            "customer": self.customer,
            "lines": [vars(line) for line in self.lines],
            "subtotal": self.subtotal,
            "discount": self.discount,
            "total": self.total,
        }


def _line(index: int, raw: Any, problems: list[str]) -> QuoteLine | None:
    if not isinstance(raw, dict):
        problems.append(f"lines[{index}] must be an object, got {type(raw).__name__}")
        return None
    sku, quantity, price = raw.get("sku"), raw.get("quantity"), raw.get("unit_price")
    before = len(problems)
    if not isinstance(sku, str) or not sku:
        problems.append(f"lines[{index}].sku must be a non-empty string, got {sku!r}")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        problems.append(f"lines[{index}].quantity must be a positive integer, got {quantity!r}")
    if not isinstance(price, int | float) or isinstance(price, bool) or not math.isfinite(price) or price < 0:
        problems.append(f"lines[{index}].unit_price must be a non-negative number, got {price!r}")
    if len(problems) > before:
        return None
    return QuoteLine(str(sku), int(quantity), float(price))  # type: ignore[arg-type]


def parse_quote_request(event: Any) -> tuple[str, tuple[QuoteLine, ...]]:
    """The customer and lines of a quote request event; raises :class:`InvalidQuoteError`."""
    if not isinstance(event, dict):
        raise InvalidQuoteError([f"the event must be an object, got {type(event).__name__}"])
    problems: list[str] = []
    customer = event.get("customer")
    if not isinstance(customer, str) or not customer.strip():
        problems.append(f"customer must be a non-empty string, got {customer!r}")
    raw_lines = event.get("lines")
    lines: list[QuoteLine] = []
    if not isinstance(raw_lines, list) or not raw_lines:
        problems.append(f"lines must be a non-empty list, got {raw_lines!r}")
    else:
        for index, raw in enumerate(raw_lines):
            line = _line(index, raw, problems)
            if line is not None:
                lines.append(line)
    if problems:
        raise InvalidQuoteError(problems)
    return str(customer).strip(), tuple(lines)


def sum_of_lines(lines: Sequence[QuoteLine]) -> float:
    """The quote's subtotal in plain Python: quantity times unit price, summed."""
    return math.fsum(line.quantity * line.unit_price for line in lines)


def price_quote(
    quote_id: str,
    customer: str,
    lines: Sequence[QuoteLine],
    *,
    subtotal: Callable[[Sequence[QuoteLine]], float] = sum_of_lines,
) -> Quote:
    """Price the lines: subtotal, the step discount of :data:`DISCOUNT_STEPS`, total (rounded to cents).

    ``subtotal`` computes the sum; a variant may pass another implementation of the same arithmetic.
    """
    amount = round(float(subtotal(lines)), 2)
    rate = next((fraction for threshold, fraction in DISCOUNT_STEPS if amount >= threshold), 0.0)
    discount = round(amount * rate, 2)
    return Quote(quote_id, customer, tuple(lines), amount, discount, round(amount - discount, 2))


def render_quote_chart(quote: Quote) -> bytes:
    """A PNG bar chart of the quote's line amounts: the rare request that needs matplotlib.

    matplotlib is imported here, on the first chart request, not when the module loads: every
    other request never pays for it.
    """
    from io import BytesIO

    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 2.5), layout="constrained")
    axes = figure.add_subplot()
    axes.bar([line.sku for line in quote.lines], [line.quantity * line.unit_price for line in quote.lines])
    axes.set(title=f"quote {quote.quote_id}", ylabel="amount")
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
