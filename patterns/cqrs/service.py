"""The orders' domain, with no AWS in it: events, the order they fold into, commands and the decisions
they lead to, the read models' rows, DynamoDB's size and read-unit rules, and the stream mapping's
batching schedule used to measure lag on the virtual clock.

An order is never stored as a row: it is the fold of its events (``OrderPlaced``, ``ItemAdded``,
``OrderCancelled``, ``OrderShipped``), each at a version one higher than the last.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from patterns.cqrs.exceptions import (
    CommandRejectedError,
    ConcurrencyConflictError,
    InvalidCommandError,
    OrderNotFoundError,
)

__all__ = [
    "COMMAND_KINDS",
    "EVENT_TYPES",
    "Command",
    "CommandService",
    "Event",
    "EventStorePort",
    "LagRun",
    "Line",
    "Order",
    "apply",
    "decide",
    "fold",
    "item_size_bytes",
    "parse_command",
    "percentile",
    "query_read_units",
    "run_batching_schedule",
    "search_document",
    "stats_delta",
]

EventType = Literal["OrderPlaced", "ItemAdded", "OrderCancelled", "OrderShipped"]
EVENT_TYPES: tuple[EventType, ...] = ("OrderPlaced", "ItemAdded", "OrderCancelled", "OrderShipped")
CommandKind = Literal["place", "add_item", "cancel", "ship"]
COMMAND_KINDS: tuple[CommandKind, ...] = ("place", "add_item", "cancel", "ship")
Status = Literal["new", "placed", "cancelled", "shipped"]


@dataclass(frozen=True)
class Line:
    """One line of an order."""

    sku: str
    name: str
    quantity: int
    price_cents: int

    @property
    def total_cents(self) -> int:
        return self.quantity * self.price_cents

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "name": self.name,
            "quantity": self.quantity,
            "price_cents": self.price_cents,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Line:
        return cls(str(data["sku"]), str(data["name"]), int(data["quantity"]), int(data["price_cents"]))


@dataclass(frozen=True)
class Event:
    """One stored event: the ``version``-th of order ``order_id``; ``at`` is the clock's seconds."""

    order_id: str
    version: int
    type: EventType
    data: dict[str, Any]
    at: float = 0.0


@dataclass(frozen=True)
class Order:
    """An order as its events left it (``version`` 0 and status ``new``: it has no events)."""

    order_id: str
    version: int = 0
    status: Status = "new"
    customer: str = ""
    city: str = ""
    lines: tuple[Line, ...] = ()

    @property
    def total_cents(self) -> int:
        return sum(line.total_cents for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "version": self.version,
            "status": self.status,
            "customer": self.customer,
            "city": self.city,
            "lines": [line.to_dict() for line in self.lines],
            "total_cents": self.total_cents,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Order:
        status = str(data["status"])
        if status not in ("new", "placed", "cancelled", "shipped"):
            raise ValueError(f"unknown order status {status!r}")
        return cls(
            str(data["order_id"]),
            int(data["version"]),
            status,  # type: ignore[arg-type]
            str(data["customer"]),
            str(data["city"]),
            tuple(Line.from_dict(line) for line in data["lines"]),
        )


def apply(order: Order, event: Event) -> Order:
    """The order after ``event``, which must be its next version."""
    if event.order_id != order.order_id or event.version != order.version + 1:
        raise ValueError(
            f"event {event.type} v{event.version} of {event.order_id!r} does not follow "
            f"{order.order_id!r} at v{order.version}"
        )
    data = event.data
    if event.type == "OrderPlaced":
        lines = tuple(Line.from_dict(line) for line in data["lines"])
        return replace(
            order,
            version=event.version,
            status="placed",
            customer=str(data["customer"]),
            city=str(data["city"]),
            lines=lines,
        )
    if event.type == "ItemAdded":
        return replace(order, version=event.version, lines=(*order.lines, Line.from_dict(data["line"])))
    if event.type == "OrderCancelled":
        return replace(order, version=event.version, status="cancelled")
    return replace(order, version=event.version, status="shipped")


def fold(order_id: str, events: Iterable[Event], start: Order | None = None) -> Order:
    """Replay ``events`` (in version order) onto ``start`` (a snapshot) or onto an empty order."""
    order = start if start is not None else Order(order_id)
    for event in events:
        order = apply(order, event)
    return order


# ---- commands -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """A request to change an order; ``expected_version`` is the version the client last read."""

    kind: CommandKind
    expected_version: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _text(body: Mapping[str, Any], name: str, problems: list[str]) -> str:
    value = body.get(name)
    if type(value) is not str or not value.strip() or len(value) > 200:
        problems.append(f"{name}: a non-empty string of at most 200 characters")
        return ""
    return value.strip()


def _count(body: Mapping[str, Any], name: str, problems: list[str], *, low: int) -> int:
    value = body.get(name)
    if type(value) is not int or value < low:
        problems.append(f"{name}: an integer of at least {low}")
        return low
    return value


def _line(body: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    return {
        "sku": _text(body, "sku", problems),
        "name": _text(body, "name", problems),
        "quantity": _count(body, "quantity", problems, low=1),
        "price_cents": _count(body, "price_cents", problems, low=0),
    }


def parse_command(kind: str, body: Any) -> Command:
    """Check a command's body (a JSON object); :class:`InvalidCommandError` lists every problem."""
    if kind not in COMMAND_KINDS:
        raise InvalidCommandError(f"unknown command {kind!r}; one of {list(COMMAND_KINDS)}")
    if type(body) is not dict:
        raise InvalidCommandError("the body must be a JSON object")
    problems: list[str] = []
    expected: int | None = None
    if kind != "place":
        expected = _count(body, "expected_version", problems, low=1)
    data: dict[str, Any] = {}
    if kind == "place":
        data["customer"] = _text(body, "customer", problems)
        data["city"] = _text(body, "city", problems)
        lines = body.get("lines")
        if type(lines) is not list or not lines or not all(type(line) is dict for line in lines):
            problems.append("lines: a non-empty list of objects")
        else:
            data["lines"] = [_line(line, problems) for line in lines]
    elif kind == "add_item":
        data["line"] = _line(body, problems)
    elif kind == "cancel":
        data["reason"] = _text(body, "reason", problems)
    if problems:
        raise InvalidCommandError("; ".join(problems))
    return Command(kind, expected, data)


def decide(order: Order, command: Command) -> tuple[EventType, dict[str, Any]]:
    """The event ``command`` leads to from ``order``, or :class:`CommandRejectedError`."""
    if command.kind == "place":
        return "OrderPlaced", command.data
    if order.status != "placed":
        raise CommandRejectedError(f"order {order.order_id!r} is {order.status}: cannot {command.kind}")
    if command.kind == "add_item":
        return "ItemAdded", command.data
    if command.kind == "cancel":
        return "OrderCancelled", {**command.data, "refunded_cents": order.total_cents}
    return "OrderShipped", {}


class EventStorePort(Protocol):
    """What the command side needs from an event store."""

    def load(self, order_id: str) -> Order:
        """The order now: its latest snapshot, if any, with the events after it folded on."""
        ...

    def append(self, event: Event) -> None:
        """Store ``event``; :class:`ConcurrencyConflictError` if its version exists already."""
        ...

    def save_snapshot(self, order: Order) -> None: ...


class CommandService:
    """Load, decide, append: the command side. A snapshot every ``snapshot_every`` versions (0: never)."""

    def __init__(self, store: EventStorePort, *, snapshot_every: int = 0) -> None:
        self.store = store
        self.snapshot_every = snapshot_every

    def handle(self, order_id: str, command: Command, *, at: float = 0.0) -> Event:
        order = self.store.load(order_id)
        if command.kind != "place" and order.version == 0:
            raise OrderNotFoundError(order_id)
        if command.kind == "place" and order.version != 0:
            raise ConcurrencyConflictError(order_id, 1)
        if command.expected_version is not None and command.expected_version != order.version:
            raise ConcurrencyConflictError(order_id, order.version)
        event_type, data = decide(order, command)
        event = Event(order_id, order.version + 1, event_type, data, at)
        self.store.append(event)
        if self.snapshot_every and event.version % self.snapshot_every == 0:
            self.store.save_snapshot(apply(order, event))
        return event


# ---- read models ----------------------------------------------------------------------------------


def search_document(order: Order) -> dict[str, str]:
    """The full-text row of an order: who, where, what, and its status."""
    return {
        "order_id": order.order_id,
        "customer": order.customer,
        "city": order.city,
        "items": " ".join(line.name for line in order.lines),
        "status": order.status,
    }


def stats_delta(event: Event) -> dict[str, int]:
    """What one event changes in its customer's statistics (orders, cancellations, cents spent)."""
    if event.type == "OrderPlaced":
        spent = sum(Line.from_dict(line).total_cents for line in event.data["lines"])
        return {"orders": 1, "cancelled": 0, "spent_cents": spent}
    if event.type == "ItemAdded":
        return {"orders": 0, "cancelled": 0, "spent_cents": Line.from_dict(event.data["line"]).total_cents}
    if event.type == "OrderCancelled":
        return {"orders": 0, "cancelled": 1, "spent_cents": -int(event.data["refunded_cents"])}
    return {"orders": 0, "cancelled": 0, "spent_cents": 0}


# ---- DynamoDB's size rules ------------------------------------------------------------------------


def _value_size(value: Mapping[str, Any]) -> int:
    kind, data = next(iter(value.items()))
    if kind == "S":
        return len(str(data).encode())
    if kind == "N":
        digits = str(data).lstrip("-").replace(".", "").strip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(str(data)) * 3 // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in data)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + _value_size(v) for k, v in data.items())
    return sum(_value_size({kind[0]: v}) for v in data)  # SS, NS, BS


def item_size_bytes(item: Mapping[str, Any]) -> int:
    """An item's size by DynamoDB's rules (attribute names plus values), from DynamoDB JSON."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def query_read_units(item_sizes: Sequence[int], *, strongly_consistent: bool = True) -> float:
    """Read units of one Query page: its items' sizes summed, rounded up to 4 KB (half if eventual)."""
    units = max(1, math.ceil(sum(item_sizes) / 4096))
    return float(units) if strongly_consistent else units / 2


# ---- the stream mapping's batching window, on the virtual clock ------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


@dataclass(frozen=True)
class LagRun:
    """Lags (append to read model, seconds) of one run, and the batch of every invocation."""

    batch_size: int
    window_s: float
    lags_s: tuple[float, ...]
    batches: tuple[int, ...]

    @property
    def invocations(self) -> int:
        return len(self.batches)

    @property
    def p50_s(self) -> float:
        return percentile(self.lags_s, 0.5)

    @property
    def p99_s(self) -> float:
        return percentile(self.lags_s, 0.99)

    @property
    def max_s(self) -> float:
        return max(self.lags_s, default=0.0)


def run_batching_schedule(
    arrivals: Sequence[float],
    *,
    batch_size: int,
    window_s: float,
    poll_interval_s: float,
    arrive: Callable[[int, float], None],
    invoke: Callable[[float, int], tuple[int, float]],
) -> LagRun:
    """Drive one shard's mapping through time: records arrive at ``arrivals`` (seconds, ascending).

    The poller looks every ``poll_interval_s``; once it holds records it invokes when it holds
    ``batch_size`` of them or ``window_s`` after it began gathering (MaximumBatchingWindowInSeconds).
    ``arrive(index, at)`` makes record ``index`` at ``at``; ``invoke(at, wanted)`` runs the function at
    ``at`` and returns (records it processed, seconds it took): the shard waits for it, in order.
    """
    if batch_size < 1 or window_s < 0 or poll_interval_s <= 0:
        raise ValueError("batch_size >= 1, window_s >= 0 and poll_interval_s > 0 are needed")
    backlog: deque[float] = deque()
    lags: list[float] = []
    batches: list[int] = []
    next_arrival, now = 0, 0.0
    gathering_since: float | None = None
    while next_arrival < len(arrivals) or backlog:
        while next_arrival < len(arrivals) and arrivals[next_arrival] <= now + 1e-9:
            arrive(next_arrival, arrivals[next_arrival])
            backlog.append(arrivals[next_arrival])
            next_arrival += 1
        if not backlog:
            polls = math.ceil((arrivals[next_arrival] - 1e-9) / poll_interval_s)
            now = max(now + poll_interval_s, polls * poll_interval_s)
            continue
        if gathering_since is None:
            gathering_since = now
        if len(backlog) >= batch_size or now - gathering_since >= window_s - 1e-9:
            processed, took = invoke(now, min(len(backlog), batch_size))
            if not 0 < processed <= len(backlog):
                raise RuntimeError(f"the function processed {processed} of {len(backlog)} records waiting")
            done = now + took
            lags.extend(done - backlog.popleft() for _ in range(processed))
            batches.append(processed)
            gathering_since = None
            now = done
            continue
        now = min(now + poll_interval_s, gathering_since + window_s)
    return LagRun(batch_size, window_s, tuple(lags), tuple(batches))
