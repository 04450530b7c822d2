"""The idempotency demonstration: duplicates, concurrent duplicates, crashes and expiry, with the
hand-built handler, Powertools' ``@idempotent`` and seed 003's get-then-set cache. The notebook calls
these functions.

Every handler runs in ``sandbox.lambdas`` against DynamoDB on moto. Concurrent duplicates are made
deterministic with the lab's race gate (:func:`patterns.lab.races.hold_reads`): every request is held
just after its first DynamoDB call returned, until all of them made it, so each acts on what it saw
while the others had not written. Crashes are :class:`~patterns.idempotency.exceptions.SimulatedCrash`
at a named point; the in-progress record then expires on the sandbox's virtual clock. Every count comes
from a run, every dollar from :mod:`patterns.lab.pricing` applied to the counted requests.
"""

from __future__ import annotations

import ast
import inspect
import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure

from patterns.idempotency import adapters, handlers, service
from patterns.idempotency.adapters import DynamoDbLedger, RequestCounter, create_tables, powertools_on_clock
from patterns.idempotency.exceptions import SimulatedCrash
from patterns.idempotency.service import CRASH_POINTS
from patterns.lab import pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import category_ticks, count_axis, table
from patterns.lab.races import RaceReport, hold_reads
from patterns.lab.sandbox import Sandbox

__all__ = [
    "DEMO_NEEDS",
    "IMPLEMENTATIONS",
    "KEYED",
    "CallsPerRequest",
    "ConcurrentRun",
    "CrashRun",
    "IdempotencyLab",
    "calls_per_request",
    "code_size",
    "concurrent_run",
    "crash_run",
    "explore",
    "idempotency_lab",
    "main",
    "plot_concurrent_duplicates",
    "stored_records",
]

DEMO_NEEDS: tuple[Capability, ...] = ()  # every handler is invoked by the lab itself; DynamoDB is all it uses

HAND_BUILT, POWERTOOLS, CACHE = "hand-built", "powertools", "cache (seed 003)"
IMPLEMENTATIONS = (HAND_BUILT, POWERTOOLS, CACHE)
KEYED = (HAND_BUILT, POWERTOOLS)  # the two that use keyed conditional writes
_HANDLERS = {HAND_BUILT: "pay", POWERTOOLS: "pay_powertools", CACHE: "pay_cached"}
# The call the race gate holds: the first DynamoDB call each implementation makes per request.
_FIRST_CALL = {HAND_BUILT: ("PutItem",), POWERTOOLS: ("PutItem",), CACHE: ("GetItem",)}
FUNCTION_TIMEOUT_S = 10.0
_ids = itertools.count(1)


@dataclass
class IdempotencyLab:
    """The tables and the three functions of one run, with a DynamoDB request counter."""

    sandbox: Sandbox
    prefix: str
    tables: dict[str, str]
    counter: RequestCounter
    timeout_s: float = FUNCTION_TIMEOUT_S

    def function(self, implementation: str) -> str:
        return f"{self.prefix}-{_HANDLERS[implementation]}"

    def environment(self, crash_at: str | None = None) -> dict[str, str]:
        variables = {
            "IDEMPOTENCY_TABLE": self.tables["records"],
            "POWERTOOLS_TABLE": self.tables["powertools"],
            "LEDGER_TABLE": self.tables["ledger"],
            "CACHE_TABLE": self.tables["cache"],
        }
        return {**variables, "CRASH_AT": crash_at} if crash_at else variables

    def deploy(self, implementation: str, *, crash_at: str | None = None) -> None:
        """(Re)deploy one function: new code or settings discard its environments, as on Lambda."""
        self.sandbox.lambdas.deploy(
            self.function(implementation),
            f"patterns.idempotency.handlers.{_HANDLERS[implementation]}",
            environment=self.environment(crash_at),
            timeout_s=self.timeout_s,
        )

    def invoke(self, implementation: str, event: dict[str, Any]) -> dict[str, Any]:
        """The function's answer; ``{"status": "crashed", ...}`` when its environment died."""
        try:
            invocation = self.sandbox.lambdas.invoke(self.function(implementation), event)
        except BaseException as error:
            # Each execution environment imports the package afresh: its SimulatedCrash is its own class.
            if type(error).__name__ != SimulatedCrash.__name__:
                raise
            return {"status": "crashed", "point": str(getattr(error, "point", ""))}
        payload = invocation.payload
        if not invocation.ok or not isinstance(payload, dict):
            return {"status": "error", "payload": payload}
        return payload

    def invoke_together(
        self, implementation: str, event: dict[str, Any], copies: int
    ) -> tuple[list[dict[str, Any]], RaceReport]:
        """``copies`` of ``event`` at once, each held by the race gate just after its first DynamoDB call
        returned, until every copy made it (or finished without one); their answers and the gate's report."""
        with hold_reads(copies, operations=_FIRST_CALL[implementation]) as gate:
            call = gate.participant(lambda e: self.invoke(implementation, e))
            with ThreadPoolExecutor(copies) as pool:
                answers = list(pool.map(call, [event] * copies))
        return answers, gate.report()

    def charges(self, key: str) -> int:
        return DynamoDbLedger(self.tables["ledger"], self.sandbox.client("dynamodb")).count(key)

    def table_for(self, implementation: str) -> str:
        return {HAND_BUILT: self.tables["records"], POWERTOOLS: self.tables["powertools"]}.get(
            implementation, self.tables["cache"]
        )


@contextmanager
def idempotency_lab(sandbox: Sandbox, prefix: str | None = None) -> Iterator[IdempotencyLab]:
    """Tables and the three functions, deployed with the request counter on and Powertools on the
    sandbox's clock (undone on exit)."""
    prefix = prefix or f"pay{next(_ids)}"
    lab = IdempotencyLab(sandbox, prefix, create_tables(prefix, sandbox.client("dynamodb")), RequestCounter())
    with powertools_on_clock(sandbox.clock), lab.counter.counting():
        for implementation in IMPLEMENTATIONS:
            lab.deploy(implementation)
        yield lab


def payment(key: str, *, order_id: str = "o-1", amount_cents: int = 1999) -> dict[str, Any]:
    return {"idempotency_key": key, "order_id": order_id, "amount_cents": amount_cents}


# --- calls per request --------------------------------------------------------------------------
@dataclass(frozen=True)
class CallsPerRequest:
    """Requests to the idempotency table (or seed 003's cache) for a first request and for a duplicate,
    by operation; the charge itself (one ``UpdateItem`` on the ledger) is the same work for all three."""

    implementation: str
    first: dict[str, int]
    duplicate: dict[str, int]
    mismatch_status: int | str
    charges: int

    @property
    def first_total(self) -> int:
        return sum(self.first.values())

    @property
    def duplicate_total(self) -> int:
        return sum(self.duplicate.values())

    def usd_per_million(self, duplicate_share: float = 0.0) -> float:
        """DynamoDB on-demand dollars per million payments of which ``duplicate_share`` are duplicates
        (items here are under 1 KB: one write unit per write, one read unit per strong read)."""
        first, again = _request_units(self.first), _request_units(self.duplicate)
        reads = (1 - duplicate_share) * first[0] + duplicate_share * again[0]
        writes = (1 - duplicate_share) * first[1] + duplicate_share * again[1]
        return pricing.dynamodb_on_demand_cost(round(reads * 1_000_000), round(writes * 1_000_000))


_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}
_READS = {"GetItem"}


def _request_units(calls: dict[str, int]) -> tuple[float, int]:
    unit_read = pricing.dynamodb_read_request_units(1024)  # every item here is far below 4 KB
    unit_write = pricing.dynamodb_write_request_units(512)  # and below 1 KB
    reads = sum(n for op, n in calls.items() if op in _READS) * unit_read
    writes = sum(n for op, n in calls.items() if op in _WRITES) * unit_write
    return reads, writes


def calls_per_request(sandbox: Sandbox) -> list[CallsPerRequest]:
    """A first request, a duplicate and a different payload under the same key, per implementation."""
    rows = []
    with idempotency_lab(sandbox) as lab:
        for implementation in IMPLEMENTATIONS:
            key = f"calls-{implementation}"
            lab.invoke(implementation, payment("warm-" + key))  # a warm environment: no client set-up
            table_name = lab.table_for(implementation)
            lab.counter.reset()
            lab.invoke(implementation, payment(key))
            first = lab.counter.of(table_name)
            lab.counter.reset()
            lab.invoke(implementation, payment(key))
            duplicate = lab.counter.of(table_name)
            mismatch = lab.invoke(implementation, payment(key, amount_cents=1))
            rows.append(
                CallsPerRequest(implementation, first, duplicate, mismatch["status"], lab.charges(key))
            )
    return rows


# --- concurrent duplicates ------------------------------------------------------------------------
@dataclass(frozen=True)
class ConcurrentRun:
    """``duplicates`` identical requests at once: the answers they got and the charges made."""

    implementation: str
    duplicates: int
    statuses: dict[str, int]
    charges: int
    held: int
    stalled: str | None
    answers_after: dict[str, int] = field(default_factory=dict)


def concurrent_run(sandbox: Sandbox, implementation: str, duplicates: int) -> ConcurrentRun:
    """``duplicates`` copies of one payment invoked at once, each held after its first DynamoDB call
    until all made it; then one more duplicate after they finished."""
    with idempotency_lab(sandbox) as lab:
        return _concurrent(lab, implementation, duplicates)


def _concurrent(lab: IdempotencyLab, implementation: str, duplicates: int) -> ConcurrentRun:
    key = f"race-{implementation}-{duplicates}"
    event = payment(key)
    answers, report = lab.invoke_together(implementation, event, duplicates)
    later = lab.invoke(implementation, event)
    return ConcurrentRun(
        implementation,
        duplicates,
        dict(sorted(Counter(str(a["status"]) for a in answers).items())),
        lab.charges(key),
        report.held,
        report.stalled,
        {str(later["status"]): 1},
    )


def explore(sandbox: Sandbox, duplicates: int) -> list[ConcurrentRun]:
    """Every implementation against ``duplicates`` concurrent copies of one payment (the widget's)."""
    with idempotency_lab(sandbox) as lab:
        return [_concurrent(lab, implementation, duplicates) for implementation in IMPLEMENTATIONS]


def plot_concurrent_duplicates(runs: Sequence[ConcurrentRun]) -> Figure:
    """Charges made by N concurrent copies of one payment, per implementation, beside the answers."""
    figure = Figure(figsize=(9, 3.6), layout="constrained")
    charges, answers = figure.subplots(1, 2)
    labels = [run.implementation for run in runs]
    positions = list(range(len(runs)))
    charges.bar(
        positions, [run.charges for run in runs], color=["#2ca02c", "#1f77b4", "#d62728"][: len(runs)]
    )
    charges.axhline(1, color="black", linestyle="--", linewidth=1, label="exactly once")
    charges.set(ylabel="charges made", title=f"{runs[0].duplicates} concurrent duplicates" if runs else "")
    count_axis(charges.yaxis)
    category_ticks(charges, positions, labels, width_in=4.0)
    charges.legend(loc="upper left", frameon=False)
    statuses = sorted({status for run in runs for status in run.statuses})
    bottom = [0] * len(runs)
    for status in statuses:
        heights = [run.statuses.get(status, 0) for run in runs]
        answers.bar(positions, heights, bottom=bottom, label=f"status {status}")
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    answers.set(ylabel="requests answered", title="What each duplicate was told")
    count_axis(answers.yaxis)
    category_ticks(answers, positions, labels, width_in=4.0)
    answers.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    return figure


# --- a crash in the middle ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CrashRun:
    """A request crashed at ``point``; what a retry got at once, after the lock expired, and the charges."""

    implementation: str
    point: str
    crashed: str
    retry_at_once: str
    retry_after_s: float
    retry_after_expiry: str
    duplicate_after: str
    charges: int


def crash_run(sandbox: Sandbox, implementation: str, point: str) -> CrashRun:
    """Crash one request at ``point``, retry at once, then again after the function timeout (virtual)."""
    with idempotency_lab(sandbox) as lab:
        return _crash(lab, implementation, point)


def _crash(lab: IdempotencyLab, implementation: str, point: str) -> CrashRun:
    key = f"crash-{implementation}-{point}"
    event = payment(key)
    lab.deploy(implementation, crash_at=point)
    crashed = lab.invoke(implementation, event)
    lab.deploy(implementation)  # the environment died; the platform starts a new one
    at_once = lab.invoke(implementation, event)
    wait_s = lab.timeout_s + 1
    lab.sandbox.advance(wait_s)
    after = lab.invoke(implementation, event)
    duplicate = lab.invoke(implementation, event)
    return CrashRun(
        implementation,
        point,
        str(crashed["status"]),
        str(at_once["status"]),
        wait_s,
        str(after["status"]),
        str(duplicate["status"]),
        lab.charges(key),
    )


def crash_table(sandbox: Sandbox, implementations: Sequence[str] = KEYED) -> list[CrashRun]:
    """Every crash point for each keyed implementation."""
    with idempotency_lab(sandbox) as lab:
        return [_crash(lab, impl, point) for impl in implementations for point in CRASH_POINTS]


# --- what each stores ---------------------------------------------------------------------------------
def stored_records(sandbox: Sandbox, key: str = "order-1-attempt") -> dict[str, dict[str, str]]:
    """The item each keyed implementation stored for one completed payment, attribute by attribute."""
    stored = {}
    client = sandbox.client("dynamodb")
    for implementation in KEYED:
        with idempotency_lab(sandbox) as lab:  # a lab each: its own ledger, so both show the first charge
            lab.invoke(implementation, payment(key))
            (item,) = client.scan(TableName=lab.table_for(implementation))["Items"]
            stored[implementation] = {
                name: str(next(iter(value.values()))) for name, value in sorted(item.items())
            }
    return stored


# --- code size ------------------------------------------------------------------------------------
def _code_lines(objects: Sequence[Any]) -> int:
    """Lines of code of functions and classes, without blank lines, comments and docstrings."""
    total = 0
    for obj in objects:
        source = inspect.getsource(obj)
        tree = ast.parse(inspect.cleandoc("\n" + source) if source.startswith(" ") else source)
        docstrings: set[int] = set()
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                value = body[0].value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    docstrings.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
        lines = source.splitlines()
        total += sum(
            1
            for number, line in enumerate(lines, start=1)
            if line.strip() and not line.strip().startswith("#") and number not in docstrings
        )
    return total


def code_size() -> dict[str, int]:
    """Lines of code each keyed implementation needs beyond the shared parsing and ledger."""
    hand_built = [
        service.IdempotentExecutor,
        service.lock_is_free,
        service.payload_hash,
        service.IdempotencyRecord,
        adapters.DynamoDbRecordStore,
        adapters._record_from_item,
        adapters.executor_from_environment,
        handlers.pay,
    ]
    powertools = [handlers._build_powertools, handlers.pay_powertools]
    return {HAND_BUILT: _code_lines(hand_built), POWERTOOLS: _code_lines(powertools)}


def main() -> int:
    """Run the demonstration against moto and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        print(
            "1. One payment, a duplicate, and the same key with another amount (requests to the idempotency"
        )
        print("   table counted; the charge is one more UpdateItem on the ledger for every implementation)")
        rows = calls_per_request(sandbox)
        print(
            table(
                [
                    {
                        "implementation": r.implementation,
                        "first request": ", ".join(f"{op} {n}" for op, n in r.first.items()),
                        "duplicate": ", ".join(f"{op} {n}" for op, n in r.duplicate.items()),
                        "other payload": r.mismatch_status,
                        "charges": r.charges,
                        "USD per 1M (10% duplicates)": r.usd_per_million(0.1),
                    }
                    for r in rows
                ],
                formats={"USD per 1M (10% duplicates)": ".2f"},
            ).indented()
        )
        duplicates = 8
        print(f"\n2. {duplicates} concurrent duplicates of one payment (held by the race gate)")
        runs = explore(sandbox, duplicates)
        for run in runs:
            print(
                f"   {run.implementation:<17} answers {run.statuses}, charges {run.charges}, "
                f"a later duplicate got {run.answers_after}"
                + (f" (gate stalled: {run.stalled})" if run.stalled else "")
            )
        print(
            f"\n3. A crash at each point, a retry at once, a retry after the {FUNCTION_TIMEOUT_S:g} s timeout"
        )
        crashes = crash_table(sandbox)
        print(
            table(
                crashes,
                ["implementation", "point", "crashed", "retry_at_once", "retry_after_expiry", "charges"],
            ).indented()
        )
        print("\n4. What each keyed implementation stored for one completed payment")
        for implementation, item in stored_records(sandbox).items():
            print(f"   {implementation}:")
            for name, value in item.items():
                print(f"     {name:<22} {value}")
        sizes = code_size()
        print(
            f"\n5. Lines of code for the keyed part: hand-built {sizes[HAND_BUILT]}, "
            f"Powertools {sizes[POWERTOOLS]}"
        )
    return 0
