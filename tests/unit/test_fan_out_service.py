"""Unit tests of the fan-out service: chunks, the fan-in on the in-memory store, interleavings, and the
property that the aggregation runs exactly once over any delivery order, duplicates and interleaving."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patterns.fan_out.exceptions import AccountingError, MalformedChunkError, PoisonChunkError
from patterns.fan_out.service import (
    ChunkOutcome,
    FanInStore,
    InMemoryFanInStore,
    SeedStore,
    Tally,
    build_report,
    chunk_body,
    chunk_steps,
    failed_chunk_steps,
    interleave,
    make_records,
    parse_chunk,
    run_steps,
    seed_item_steps,
    split_into_chunks,
)
from patterns.lab.exceptions import ConfigurationError

pytestmark = pytest.mark.unit


def test_split_makes_ordered_chunks_with_a_smaller_last_one() -> None:
    chunks = split_into_chunks("j", make_records(25), 10)
    assert [len(c.records) for c in chunks] == [10, 10, 5]
    assert [c.index for c in chunks] == [0, 1, 2]
    assert all(c.total_chunks == 3 for c in chunks)
    assert [r.record_id for c in chunks for r in c.records] == [f"r{i:06d}" for i in range(25)]


@pytest.mark.parametrize(("job_id", "size", "count"), [("", 5, 3), ("j", 0, 3)])
def test_split_refuses_a_bad_job(job_id: str, size: int, count: int) -> None:
    with pytest.raises(ConfigurationError):
        split_into_chunks(job_id, make_records(count), size)


def test_a_chunk_survives_its_message() -> None:
    chunk = split_into_chunks("j", make_records(7, poison_at=[5]), 4)[1]
    assert parse_chunk(chunk_body(chunk)) == chunk
    assert parse_chunk(json.loads(chunk_body(chunk))) == chunk


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[]",
        json.dumps({"job_id": "", "chunk_index": 0, "total_chunks": 1, "records": []}),
        json.dumps({"job_id": "j", "chunk_index": 2, "total_chunks": 2, "records": []}),
        json.dumps({"job_id": "j", "chunk_index": True, "total_chunks": 2, "records": []}),
        json.dumps({"job_id": "j", "chunk_index": 0, "total_chunks": 1, "records": [{"id": "a"}]}),
    ],
)
def test_malformed_chunk_messages_say_what_is_wrong(body: str) -> None:
    with pytest.raises(MalformedChunkError):
        parse_chunk(body)


def test_a_poison_chunk_fails_before_any_request() -> None:
    store = InMemoryFanInStore()
    chunk = split_into_chunks("j", make_records(4, poison_at=[1]), 4)[0]
    store.create_job("j", 1)
    with pytest.raises(PoisonChunkError):
        run_steps(chunk_steps(chunk, store))
    assert store.requests == {"create_job": 1}


def test_the_last_chunk_triggers_the_report_once_and_a_duplicate_counts_nothing() -> None:
    store = InMemoryFanInStore()
    chunks = split_into_chunks("j", make_records(6), 2)
    store.create_job("j", 3)
    outcomes = [
        run_steps(chunk_steps(c, store)) for c in (chunks[0], chunks[2], chunks[0], chunks[1], chunks[1])
    ]
    assert [o.counted for o in outcomes] == [True, True, False, True, False]
    assert [o.triggered for o in outcomes] == [False, False, False, True, False]
    assert len(store.finishes) == 1
    report = store.finishes[0]
    assert (report.status, report.records, report.failed_chunks) == ("COMPLETE", 6, ())
    assert report.amount_cents == sum(r.amount_cents for r in make_records(6))


def test_a_failed_chunk_makes_the_job_partial_listing_it() -> None:
    store = InMemoryFanInStore()
    chunks = split_into_chunks("j", make_records(6), 2)
    store.create_job("j", 3)
    run_steps(chunk_steps(chunks[0], store))
    run_steps(failed_chunk_steps("j", 1, store))
    run_steps(failed_chunk_steps("j", 1, store))  # the DLQ delivers twice
    last = run_steps(chunk_steps(chunks[2], store))
    assert last.report is not None
    assert (last.report.status, last.report.failed_chunks, last.report.chunks_done) == ("PARTIAL", (1,), 2)
    assert last.report.records == 4


def test_a_chunk_counted_as_failed_is_not_counted_done_later() -> None:
    store = InMemoryFanInStore()
    store.create_job("j", 2)
    run_steps(failed_chunk_steps("j", 0, store))
    chunk = split_into_chunks("j", make_records(4), 2)[0]
    assert run_steps(chunk_steps(chunk, store)).counted is False


def test_build_report_refuses_unsettled_or_unbalanced_books() -> None:
    with pytest.raises(AccountingError):
        build_report("j", Tally(True, 1, 0, 2, "RUNNING"), [], by="x")
    with pytest.raises(AccountingError):
        build_report("j", Tally(True, 2, 0, 2, "RUNNING"), [], by="x")


def test_interleave_steps_workers_in_the_given_order_then_finishes_them() -> None:
    log: list[str] = []

    def worker(name: str) -> Any:
        for step in range(2):
            yield f"{name}{step}"
            log.append(f"{name}{step}")
        return name

    assert interleave([worker("a"), worker("b")], [0, 1, 1, 0]) == ["a", "b"]
    assert log == ["b0", "a0", "a1", "b1"]
    with pytest.raises(ConfigurationError):
        interleave([worker("a")], [3])


def test_seed_001_publishes_twice_when_the_last_two_items_finish_together() -> None:
    store = SeedStore.pending(2)
    interleave([seed_item_steps(store, 0, by="A"), seed_item_steps(store, 1, by="B")], [0, 1, 0, 1, 0, 1])
    assert store.published == ["A", "B"]


def test_seed_001_publishes_again_on_a_duplicate_after_the_end() -> None:
    store = SeedStore.pending(1)
    run_steps(seed_item_steps(store, 0, by="first"))
    run_steps(seed_item_steps(store, 0, by="duplicate"))
    assert store.published == ["first", "duplicate"]


def test_two_last_finishers_in_lockstep_trigger_one_aggregation() -> None:
    store = InMemoryFanInStore()
    chunks = split_into_chunks("j", make_records(4), 2)
    store.create_job("j", 2)
    outcomes = interleave(
        [chunk_steps(chunks[0], store, by="A"), chunk_steps(chunks[1], store, by="B")], [0, 1] * 6
    )
    assert [o.triggered for o in outcomes] == [False, True]
    assert [f.finished_by for f in store.finishes] == ["B"]


def test_a_redelivery_finishes_a_job_whose_last_worker_crashed_after_counting() -> None:
    store = InMemoryFanInStore()
    chunk = split_into_chunks("j", make_records(2), 2)[0]
    store.create_job("j", 1)
    crashed = chunk_steps(chunk, store, by="crashed")
    next(crashed)
    next(crashed)
    next(crashed)  # counted; the next request would read the partials: the worker dies here
    crashed.close()
    assert store.finishes == []
    again = run_steps(chunk_steps(chunk, store, by="redelivery"))
    assert (again.counted, again.triggered) == (False, False)
    assert [f.finished_by for f in store.finishes] == ["redelivery"]


@st.composite
def jobs(draw: st.DrawFn) -> tuple[int, set[int], list[int], list[int]]:
    """A job of 1-5 chunks, the failing ones, every delivery (1-3 per chunk) in any order, and an
    interleaving of the deliveries' requests."""
    chunks = draw(st.integers(1, 5))
    failing = draw(st.sets(st.integers(0, chunks - 1)))
    copies = draw(st.lists(st.integers(1, 3), min_size=chunks, max_size=chunks))
    deliveries = draw(st.permutations([i for i in range(chunks) for _ in range(copies[i])]))
    schedule = draw(st.lists(st.integers(0, len(deliveries) - 1), max_size=4 * len(deliveries)))
    return chunks, failing, list(deliveries), schedule


def run_job_on(
    store: FanInStore, job_id: str, job: tuple[int, set[int], list[int], list[int]]
) -> list[ChunkOutcome]:
    """Deliver every chunk (failing ones through the DLQ path) with the job's interleaving."""
    chunks, failing, deliveries, schedule = job
    pieces = split_into_chunks(job_id, make_records(3 * chunks), 3)
    store.create_job(job_id, chunks)
    workers = [
        failed_chunk_steps(job_id, i, store, by=f"d{n}")
        if i in failing
        else chunk_steps(pieces[i], store, by=f"d{n}")
        for n, i in enumerate(deliveries)
    ]
    outcomes: list[ChunkOutcome] = interleave(workers, schedule)
    return outcomes


def expected_report(job_id: str, chunks: int, failing: set[int]) -> tuple[str, tuple[int, ...], int, int]:
    kept = [c for c in split_into_chunks(job_id, make_records(3 * chunks), 3) if c.index not in failing]
    return (
        "PARTIAL" if failing else "COMPLETE",
        tuple(sorted(failing)),
        sum(len(c.records) for c in kept),
        sum(r.amount_cents for c in kept for r in c.records),
    )


@settings(max_examples=400, deadline=None)
@given(jobs())
def test_any_order_duplicates_and_interleaving_aggregate_exactly_once(
    job: tuple[int, set[int], list[int], list[int]],
) -> None:
    store = InMemoryFanInStore()
    outcomes = run_job_on(store, "job", job)
    chunks, failing, _, _ = job
    assert sum(o.triggered for o in outcomes) == 1
    assert len(store.finishes) == 1
    assert sum(o.report is not None for o in outcomes) == 1
    report = store.finishes[0]
    assert (report.status, report.failed_chunks, report.records, report.amount_cents) == expected_report(
        "job", chunks, failing
    )
    assert sum(o.counted for o in outcomes) == chunks
