"""The quote handler (thin: parse, delegate, answer) and the request handling every variant shares.

:func:`handler` is the recommended shape: narrow imports, the AWS client created once per execution
environment (on its first request, then reused), plain-Python arithmetic. The modules under
``patterns.cold_starts.variants`` change exactly one of those choices each and call
:func:`answer_quote` for the same work.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from patterns.cold_starts.adapters import QuoteStore, quote_store_from_environment
from patterns.cold_starts.service import (
    InvalidQuoteError,
    QuoteLine,
    parse_quote_request,
    price_quote,
    render_quote_chart,
    sum_of_lines,
)

__all__ = ["answer_quote", "handler", "quote_event"]

_store: QuoteStore | None = None


def _response(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def quote_event(lines: int = 3, *, customer: str = "acme", chart: bool = False) -> dict[str, Any]:
    """A quote request with ``lines`` lines; ``chart=True`` asks for the rare chart response."""
    event: dict[str, Any] = {
        "customer": customer,
        "lines": [{"sku": f"SKU-{i}", "quantity": i + 1, "unit_price": 9.5 + i} for i in range(lines)],
    }
    if chart:
        event["chart"] = True
    return event


def answer_quote(
    event: Any,
    context: Any,
    store: QuoteStore,
    *,
    subtotal: Callable[[Sequence[QuoteLine]], float] = sum_of_lines,
) -> dict[str, Any]:
    """Price the requested quote, store it, answer 200 (with a PNG chart if asked) or 400."""
    try:
        customer, lines = parse_quote_request(event)
    except InvalidQuoteError as invalid:
        return _response(400, {"error": "invalid quote request", "problems": invalid.problems})
    quote_id = getattr(context, "aws_request_id", None) or uuid.uuid4().hex
    quote = price_quote(quote_id, customer, lines, subtotal=subtotal)
    store.save(quote)
    body: dict[str, Any] = {"quote": quote.to_dict()}
    if event.get("chart"):
        body["chart_png_base64"] = base64.b64encode(render_quote_chart(quote)).decode()
    return _response(200, body)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Quote request -> priced, stored quote. The store is created on the first request only."""
    global _store
    if _store is None:
        _store = quote_store_from_environment()
    return answer_quote(event, context, _store)
