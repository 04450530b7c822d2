"""Fan-out / fan-in logic: split a job into chunks, process a chunk, count it in once, finish once.

No boto3 here. The fan-in state goes through :class:`FanInStore`; :class:`InMemoryFanInStore` is the
fake for unit and property tests, ``adapters.DynamoDbFanInStore`` the real one (one atomic
``UpdateItem`` per chunk).

A worker's steps are a generator (:func:`chunk_steps`) that yields the name of each store request just
before making it. Running it to the end (:func:`run_steps`) is what a handler does; stepping several
of them in a chosen order (:func:`interleave`) reproduces any interleaving of concurrent finishers
deterministically, request by request, which is where races happen (each DynamoDB request is atomic).
:func:`seed_item_steps` is seed 001's fan-in (mark the item done, count the pending ones, publish at
zero), stepped the same way to show how it publishes twice.
"""

from __future__ import annotations

import json
import math
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from patterns.fan_out.exceptions import AccountingError, MalformedChunkError, PoisonChunkError
from patterns.lab.exceptions import ConfigurationError

__all__ = [
    "Chunk",
    "ChunkOutcome",
    "FanInStore",
    "InMemoryFanInStore",
    "JobReport",
    "JobStatus",
    "PartialResult",
    "Record",
    "SeedStore",
    "Steps",
    "Tally",
    "build_report",
    "chunk_body",
    "chunk_steps",
    "failed_chunk_steps",
    "interleave",
    "make_records",
    "parse_chunk",
    "run_steps",
    "seed_item_steps",
    "split_into_chunks",
    "summarise_chunk",
]

JobStatus = Literal["RUNNING", "COMPLETE", "PARTIAL"]


@dataclass(frozen=True)
class Record:
    """One input record of a report job: an id and an amount in cents; ``poison`` always fails."""

    record_id: str
    amount_cents: int
    poison: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.record_id, "amount_cents": self.amount_cents}
        if self.poison:
            data["poison"] = True
        return data


def make_records(count: int, *, poison_at: Iterable[int] = ()) -> list[Record]:
    """``count`` deterministic records (amounts 1-997 cents); the positions in ``poison_at`` are poison."""
    if count < 1:
        raise ConfigurationError(f"a job needs at least one record, got {count}")
    poisoned = set(poison_at)
    return [Record(f"r{i:06d}", (i * 37) % 997 + 1, i in poisoned) for i in range(count)]


@dataclass(frozen=True)
class Chunk:
    """Chunk ``index`` of ``total_chunks`` of job ``job_id``: its records."""

    job_id: str
    index: int
    total_chunks: int
    records: tuple[Record, ...]


def split_into_chunks(job_id: str, records: Sequence[Record], chunk_size: int) -> list[Chunk]:
    """Split ``records`` into chunks of ``chunk_size`` (the last one may be smaller), in order."""
    if not job_id:
        raise ConfigurationError("a job needs a non-empty job_id")
    if chunk_size < 1:
        raise ConfigurationError(f"chunk_size must be at least 1, got {chunk_size}")
    if not records:
        raise ConfigurationError("a job needs at least one record, got none")
    total = math.ceil(len(records) / chunk_size)
    return [
        Chunk(job_id, index, total, tuple(records[index * chunk_size : (index + 1) * chunk_size]))
        for index in range(total)
    ]


def chunk_body(chunk: Chunk) -> str:
    """The JSON of a chunk message (an SQS body, or an asynchronous invocation's event)."""
    return json.dumps(
        {
            "job_id": chunk.job_id,
            "chunk_index": chunk.index,
            "total_chunks": chunk.total_chunks,
            "records": [record.as_dict() for record in chunk.records],
        }
    )


def parse_chunk(data: str | Mapping[str, Any]) -> Chunk:
    """Read a chunk message (JSON text or an already-decoded event); raise :class:`MalformedChunkError`."""
    if isinstance(data, str):
        text = data
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise MalformedChunkError(f"the chunk message is not JSON ({error}): {text[:60]!r}") from None
    if not isinstance(data, Mapping):
        raise MalformedChunkError(f"a chunk message must be a JSON object, got {type(data).__name__}")
    job_id, index, total, records = (
        data.get("job_id"),
        data.get("chunk_index"),
        data.get("total_chunks"),
        data.get("records"),
    )
    problems = []
    if not isinstance(job_id, str) or not job_id:
        problems.append(f"job_id must be a non-empty string, got {job_id!r}")
    if not isinstance(total, int) or isinstance(total, bool) or total < 1:
        problems.append(f"total_chunks must be an integer >= 1, got {total!r}")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        problems.append(f"chunk_index must be an integer >= 0, got {index!r}")
    elif isinstance(total, int) and index >= total:
        problems.append(f"chunk_index {index} is not below total_chunks {total}")
    if not isinstance(records, list):
        problems.append(f"records must be a list, got {type(records).__name__}")
    if problems:
        raise MalformedChunkError("; ".join(problems))
    assert isinstance(job_id, str)
    assert isinstance(index, int)
    assert isinstance(total, int)
    assert isinstance(records, list)
    parsed = []
    for position, item in enumerate(records):
        if not isinstance(item, Mapping):
            raise MalformedChunkError(f"record {position} must be an object, got {item!r}")
        record_id, amount = item.get("id"), item.get("amount_cents")
        if not isinstance(record_id, str) or not isinstance(amount, int) or isinstance(amount, bool):
            raise MalformedChunkError(
                f"record {position} needs a string id and integer amount_cents: {item!r}"
            )
        parsed.append(Record(record_id, amount, item.get("poison") is True))
    return Chunk(job_id, index, total, tuple(parsed))


@dataclass(frozen=True)
class PartialResult:
    """What one chunk contributes to the report: its record count and the sum of its amounts."""

    chunk_index: int
    records: int
    amount_cents: int


def summarise_chunk(chunk: Chunk) -> PartialResult:
    """The chunk's work: count and sum its records; a poison record raises :class:`PoisonChunkError`."""
    for record in chunk.records:
        if record.poison:
            raise PoisonChunkError(chunk.job_id, chunk.index, record.record_id)
    return PartialResult(chunk.index, len(chunk.records), sum(r.amount_cents for r in chunk.records))


@dataclass(frozen=True)
class Tally:
    """The job's counter after one fan-in request: did this request count, and where the job stands."""

    counted: bool
    """True if this request counted the chunk; False for a chunk counted before (a duplicate)."""
    done: int
    failed: int
    total: int
    status: JobStatus
    failed_chunks: tuple[int, ...] = ()

    @property
    def settled(self) -> bool:
        """Every chunk is counted, done or failed."""
        return self.done + self.failed == self.total


@dataclass(frozen=True)
class JobReport:
    """The aggregation's result: COMPLETE with every chunk, or PARTIAL listing the failed chunks."""

    job_id: str
    status: JobStatus
    chunks: int
    chunks_done: int
    failed_chunks: tuple[int, ...]
    records: int
    amount_cents: int
    finished_by: str


class FanInStore(Protocol):
    """The fan-in state of jobs: a counter per job, a partial result per chunk, the final report."""

    def create_job(self, job_id: str, total_chunks: int) -> bool:
        """Create the job's counter (RUNNING, nothing counted); False if it exists already."""
        ...

    def save_partial(self, job_id: str, partial: PartialResult) -> None:
        """Store a chunk's partial result (idempotent: the same chunk gives the same result)."""
        ...

    def mark_done(self, job_id: str, chunk_index: int) -> Tally:
        """Count the chunk as done unless it was counted before (atomically); return the counter."""
        ...

    def mark_failed(self, job_id: str, chunk_index: int) -> Tally:
        """Count the chunk as failed unless it was counted before (atomically); return the counter."""
        ...

    def partials(self, job_id: str) -> list[PartialResult]:
        """Every stored partial result of the job, by chunk index."""
        ...

    def finish(self, job_id: str, report: JobReport) -> bool:
        """Store the report and the final status if the job is still RUNNING; True if this call did."""
        ...


@dataclass
class _JobState:
    total: int
    done: set[int] = field(default_factory=set)
    failed: set[int] = field(default_factory=set)
    status: JobStatus = "RUNNING"
    report: JobReport | None = None


class InMemoryFanInStore:
    """A :class:`FanInStore` in a dict, each request atomic like a DynamoDB request; it counts requests."""

    def __init__(self) -> None:
        self.jobs: dict[str, _JobState] = {}
        self.partial_results: dict[tuple[str, int], PartialResult] = {}
        self.finishes: list[JobReport] = []
        """Every report :meth:`finish` accepted (a correct fan-in accepts one per job)."""
        self.requests: dict[str, int] = {}

    def _count(self, operation: str) -> None:
        self.requests[operation] = self.requests.get(operation, 0) + 1

    def _job(self, job_id: str) -> _JobState:
        try:
            return self.jobs[job_id]
        except KeyError:
            raise AccountingError(f"job {job_id!r} was never created") from None

    def _tally(self, state: _JobState, counted: bool) -> Tally:
        return Tally(
            counted,
            len(state.done),
            len(state.failed),
            state.total,
            state.status,
            tuple(sorted(state.failed)),
        )

    def create_job(self, job_id: str, total_chunks: int) -> bool:
        self._count("create_job")
        if job_id in self.jobs:
            return False
        self.jobs[job_id] = _JobState(total_chunks)
        return True

    def save_partial(self, job_id: str, partial: PartialResult) -> None:
        self._count("save_partial")
        self.partial_results[(job_id, partial.chunk_index)] = partial

    def mark_done(self, job_id: str, chunk_index: int) -> Tally:
        self._count("mark_done")
        state = self._job(job_id)
        if chunk_index in state.done or chunk_index in state.failed:
            return self._tally(state, counted=False)
        state.done.add(chunk_index)
        return self._tally(state, counted=True)

    def mark_failed(self, job_id: str, chunk_index: int) -> Tally:
        self._count("mark_failed")
        state = self._job(job_id)
        if chunk_index in state.done or chunk_index in state.failed:
            return self._tally(state, counted=False)
        state.failed.add(chunk_index)
        return self._tally(state, counted=True)

    def partials(self, job_id: str) -> list[PartialResult]:
        self._count("partials")
        return sorted(
            (p for (job, _), p in self.partial_results.items() if job == job_id), key=lambda p: p.chunk_index
        )

    def finish(self, job_id: str, report: JobReport) -> bool:
        self._count("finish")
        state = self._job(job_id)
        if state.status != "RUNNING":
            return False
        state.status, state.report = report.status, report
        self.finishes.append(report)
        return True


def build_report(job_id: str, tally: Tally, partials: Sequence[PartialResult], *, by: str) -> JobReport:
    """The job's report from a settled counter and the stored partials; PARTIAL if any chunk failed.

    Raises :class:`AccountingError` if the partials do not match the chunks counted as done.
    """
    if not tally.settled:
        raise AccountingError(
            f"job {job_id!r} is not settled: {tally.done} + {tally.failed} of {tally.total}"
        )
    done = {p.chunk_index for p in partials} - set(tally.failed_chunks)
    if len(done) != tally.done:
        raise AccountingError(
            f"job {job_id!r}: {tally.done} chunks counted as done but {len(done)} partial results stored"
        )
    kept = [p for p in partials if p.chunk_index in done]
    return JobReport(
        job_id=job_id,
        status="PARTIAL" if tally.failed else "COMPLETE",
        chunks=tally.total,
        chunks_done=tally.done,
        failed_chunks=tuple(tally.failed_chunks),
        records=sum(p.records for p in kept),
        amount_cents=sum(p.amount_cents for p in kept),
        finished_by=by,
    )


@dataclass(frozen=True)
class ChunkOutcome:
    """What one delivery of a chunk (or of its failure) did."""

    job_id: str
    chunk_index: int
    counted: bool
    """This delivery counted the chunk (False: a duplicate)."""
    triggered: bool
    """This delivery saw the counter reach the total: it is the one that triggers the aggregation."""
    report: JobReport | None
    """The report, if this delivery finished the job."""


Steps = Generator[str, None, ChunkOutcome]
"""A worker's requests, one ``yield`` (the request's name) before each."""


def _finish_if_settled(
    job_id: str, tally: Tally, store: FanInStore, by: str
) -> Generator[str, None, JobReport | None]:
    """Aggregate once the counter is settled and the job still RUNNING; the conditional finish keeps it
    to one report even when a redelivery of the last chunk (its first delivery crashed after counting)
    or a concurrent duplicate gets here too."""
    if not tally.settled or tally.status != "RUNNING":
        return None
    yield "read_partials"
    partials = store.partials(job_id)
    report = build_report(job_id, tally, partials, by=by)
    yield "finish"
    return report if store.finish(job_id, report) else None


def chunk_steps(chunk: Chunk, store: FanInStore, *, by: str = "worker") -> Steps:
    """Process one delivery of ``chunk``: save its partial, count it once, finish the job if it was last.

    The partial is saved before the chunk is counted, so a counted chunk always has its partial. A
    poison chunk raises :class:`PoisonChunkError` before any request (the queue retries it, then
    dead-letters it, and :func:`failed_chunk_steps` counts it as failed).
    """
    partial = summarise_chunk(chunk)
    yield "save_partial"
    store.save_partial(chunk.job_id, partial)
    yield "count"
    tally = store.mark_done(chunk.job_id, chunk.index)
    report = yield from _finish_if_settled(chunk.job_id, tally, store, by)
    return ChunkOutcome(chunk.job_id, chunk.index, tally.counted, tally.counted and tally.settled, report)


def failed_chunk_steps(job_id: str, chunk_index: int, store: FanInStore, *, by: str = "dlq") -> Steps:
    """Count a dead-lettered chunk as failed (once); finish the job, PARTIAL, if that settles it."""
    yield "count_failure"
    tally = store.mark_failed(job_id, chunk_index)
    report = yield from _finish_if_settled(job_id, tally, store, by)
    return ChunkOutcome(job_id, chunk_index, tally.counted, tally.counted and tally.settled, report)


def run_steps(steps: Generator[str, None, Any]) -> Any:
    """Run a worker's steps to the end and return its result (what a handler does)."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


def interleave(workers: Sequence[Generator[str, None, Any]], schedule: Sequence[int]) -> list[Any]:
    """Step ``workers`` in the order ``schedule`` gives (an index per request), then finish the rest in
    index order; return each worker's result. An index whose worker has finished is skipped.

    Each step runs the worker up to its next request's ``yield``, i.e. it makes the previous request;
    so ``[0, 1, 0, 1]`` lets worker 1 make its first request before worker 0 makes its second.
    """
    results: list[Any] = [None] * len(workers)
    finished = [False] * len(workers)

    def step(index: int) -> None:
        try:
            next(workers[index])
        except StopIteration as stop:
            results[index], finished[index] = stop.value, True

    for index in schedule:
        if not 0 <= index < len(workers):
            raise ConfigurationError(f"schedule index {index} is not a worker (0-{len(workers) - 1})")
        if not finished[index]:
            step(index)
    for index in range(len(workers)):
        while not finished[index]:
            step(index)
    return results


@dataclass
class SeedStore:
    """Seed 001's fan-in state: a status per item, and the 'AllItemsProcessed' events published."""

    statuses: dict[int, str]
    published: list[str] = field(default_factory=list)

    @classmethod
    def pending(cls, items: int) -> SeedStore:
        return cls(dict.fromkeys(range(items), "pending"))


def seed_item_steps(store: SeedStore, item: int, *, by: str) -> Generator[str, None, bool]:
    """Seed 001's ``processItem``: mark the item processed, count the pending items, publish at zero.

    Two workers that finish the last two items together both count zero, and both publish; a duplicate
    delivery after the end counts zero again, and publishes again. Returns True if it published.
    """
    yield "mark_processed"
    store.statuses[item] = "processed"
    yield "count_pending"
    remaining = sum(status == "pending" for status in store.statuses.values())
    if remaining:
        return False
    yield "publish"
    store.published.append(by)
    return True
