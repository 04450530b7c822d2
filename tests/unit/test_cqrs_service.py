"""The orders' domain and the batching schedule, without AWS."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patterns.cqrs.exceptions import CommandRejectedError, ConcurrencyConflictError, InvalidCommandError
from patterns.cqrs.service import (
    CommandService,
    Event,
    Order,
    apply,
    decide,
    fold,
    item_size_bytes,
    parse_command,
    query_read_units,
    run_batching_schedule,
    stats_delta,
)

pytestmark = pytest.mark.unit

LINE = {"sku": "lamp", "name": "desk lamp", "quantity": 2, "price_cents": 2499}
PLACED = Event("o-1", 1, "OrderPlaced", {"customer": "ana", "city": "Porto", "lines": [LINE]})


class MemoryStore:
    def __init__(self):
        self.events: list[Event] = []
        self.snapshots: list[Order] = []

    def load(self, order_id):
        return fold(order_id, [e for e in self.events if e.order_id == order_id])

    def append(self, event):
        if any(e.order_id == event.order_id and e.version == event.version for e in self.events):
            raise ConcurrencyConflictError(event.order_id, event.version)
        self.events.append(event)

    def save_snapshot(self, order):
        self.snapshots.append(order)


def test_events_fold_into_an_order_and_must_come_in_version_order():
    order = fold("o-1", [PLACED, Event("o-1", 2, "ItemAdded", {"line": LINE})])
    assert (order.version, order.status, order.total_cents) == (2, "placed", 4 * 2499)
    with pytest.raises(ValueError, match="does not follow"):
        apply(order, Event("o-1", 4, "OrderShipped", {}))
    assert Order.from_dict(order.to_dict()) == order


def test_commands_are_checked_and_decided():
    with pytest.raises(InvalidCommandError, match="expected_version"):
        parse_command("cancel", {"reason": "x"})
    with pytest.raises(InvalidCommandError, match="lines"):
        parse_command("place", {"customer": "a", "city": "b", "lines": []})
    cancelled = apply(
        fold("o-1", [PLACED]), Event("o-1", 2, "OrderCancelled", {"reason": "x", "refunded_cents": 1})
    )
    with pytest.raises(CommandRejectedError, match="cancelled"):
        decide(cancelled, parse_command("ship", {"expected_version": 2}))
    kind, data = decide(
        fold("o-1", [PLACED]), parse_command("cancel", {"expected_version": 1, "reason": "x"})
    )
    assert (kind, data["refunded_cents"]) == ("OrderCancelled", 4998)


def test_a_stale_expected_version_is_a_conflict_and_snapshots_follow_the_policy():
    store = MemoryStore()
    service = CommandService(store, snapshot_every=2)
    service.handle("o-1", parse_command("place", {"customer": "a", "city": "b", "lines": [LINE]}))
    service.handle("o-1", parse_command("add_item", {"expected_version": 1, **LINE}))
    with pytest.raises(ConcurrencyConflictError):
        service.handle("o-1", parse_command("cancel", {"expected_version": 1, "reason": "late"}))
    assert [s.version for s in store.snapshots] == [2]


def test_stats_deltas_add_up_to_the_order():
    deltas = [stats_delta(PLACED), stats_delta(Event("o-1", 2, "OrderCancelled", {"refunded_cents": 4998}))]
    assert sum(d["spent_cents"] for d in deltas) == 0
    assert [d["orders"] for d in deltas] == [1, 0]


def test_dynamodb_sizes_and_read_units_follow_the_rules():
    item = {"order_id": {"S": "o-1"}, "version": {"N": "12"}}
    assert item_size_bytes(item) == len("order_id") + 3 + len("version") + 2
    assert query_read_units([4096]) == 1.0
    assert query_read_units([4096, 1]) == 2.0
    assert query_read_units([]) == 1.0
    assert query_read_units([5000], strongly_consistent=False) == 1.0


def _schedule(arrivals, batch_size, window_s, took=0.01):
    made = []

    def invoke(at, wanted):
        return wanted, took

    return run_batching_schedule(
        arrivals,
        batch_size=batch_size,
        window_s=window_s,
        poll_interval_s=0.25,
        arrive=lambda index, _at: made.append(index),
        invoke=invoke,
    ), made


def test_a_batch_that_never_fills_waits_for_the_window():
    run, made = _schedule([0.0, 0.1, 0.2], batch_size=100, window_s=2.0)
    assert made == [0, 1, 2]
    assert run.batches == (3,)
    assert run.lags_s[0] == pytest.approx(2.01)


def test_a_full_batch_goes_before_the_window_closes():
    run, _ = _schedule([0.0] * 10, batch_size=5, window_s=30.0)
    assert run.batches == (5, 5)
    assert run.max_s < 1.0


@given(
    st.lists(st.floats(0, 20, allow_nan=False), min_size=1, max_size=40).map(sorted),
    st.integers(1, 50),
    st.sampled_from([0.0, 0.5, 1.0, 3.0]),
)
def test_every_record_is_projected_once_never_before_it_arrived(arrivals, batch_size, window_s):
    run, made = _schedule(arrivals, batch_size, window_s)
    assert sum(run.batches) == len(arrivals) == len(run.lags_s) == len(made)
    assert all(size <= batch_size for size in run.batches)
    assert min(run.lags_s) >= 0.01 - 1e-9
    assert max(run.lags_s) <= window_s + 0.25 + 0.01 * len(arrivals) + 1e-6
