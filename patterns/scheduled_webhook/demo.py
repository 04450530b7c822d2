"""The scheduled-job and webhook demonstration: schedule expressions and their fire times (time zones,
daylight saving), a nightly job on the virtual clock with duplicate fires, an overrun and a crash, a
flexible time window, and a webhook receiver under attack and through an outage. Every number printed is
measured in the run or computed by :mod:`patterns.lab.pricing` from what was measured.
"""

from __future__ import annotations

import functools
import itertools
import json
import statistics
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from matplotlib.figure import Figure

from patterns.lab import pricing
from patterns.lab.capabilities import Capability
from patterns.lab.clock import LabClock
from patterns.lab.display import category_ticks, count_axis, table
from patterns.lab.gateway import FrontDoor
from patterns.lab.sandbox import Sandbox, aws_sandbox
from patterns.lab.schedules import ZonedSchedule, parse_schedule
from patterns.lab.sources import ScheduleSource, schedule_source, sqs_event_source
from patterns.lab.ttl import ttl_sweeper
from patterns.scheduled_webhook.adapters import TTL_ATTRIBUTE, create_job_resources, create_webhook_resources
from patterns.scheduled_webhook.service import Delivery, RetryPolicy, WebhookSender, signed_headers

__all__ = [
    "CRASH_NIGHTS",
    "DEMO_NEEDS",
    "DEMO_START",
    "DUPLICATE_NIGHTS",
    "JOB_EXPRESSION",
    "JOB_ZONE",
    "LONG_RUNS",
    "SECRET",
    "AttackResult",
    "NightRow",
    "NightlyRun",
    "OutageRun",
    "WebhookStack",
    "attack_results",
    "deploy_webhooks",
    "dst_rows",
    "explore_lease",
    "flexible_window_delays",
    "lease_summary",
    "main",
    "next_fire_rows",
    "plot_deliveries",
    "plot_nights",
    "run_nights",
    "send_through_outage",
    "webhook_cost_per_million",
]

DEMO_NEEDS: tuple[Capability, ...] = ()  # the lab's schedule source and front door drive everything
DEMO_START = datetime(2026, 3, 24, 12, 0, tzinfo=UTC)  # the week London moves its clocks forward
JOB = "nightly-export"
JOB_EXPRESSION = "cron(30 1 * * ? *)"
JOB_ZONE = "Europe/London"
SECRET = b"whsec-demo-not-a-real-secret"
ROLE = "arn:aws:iam::123456789012:role/scheduler"
HANDLERS = "patterns.scheduled_webhook.handlers"
MEMORY_MB = 256
DUPLICATE_NIGHTS = (2,)  # the nightly scenario: these fires are delivered twice,
LONG_RUNS = {3: 30.0}  # these nights' runs take this many hours (1 hour otherwise),
CRASH_NIGHTS = (6,)  # and these runs die after taking the lock

# ---- schedules ---------------------------------------------------------------------------------------

EXPRESSIONS: tuple[tuple[str, str | None], ...] = (
    ("rate(15 minutes)", None),
    ("cron(0 10 * * ? *)", None),
    ("cron(0/5 8-17 ? * MON-FRI *)", None),
    ("cron(0 9 ? * 2#1 *)", None),
    ("cron(0 0 L * ? *)", None),
    ("cron(0 0 15W * ? *)", None),
    ("cron(0 12 ? * 6L *)", None),
    ("cron(30 1 * * ? *)", "Europe/London"),
    ("at(2026-12-31T23:59:00)", "America/New_York"),
)


def next_fire_rows(
    start: datetime, count: int = 3, expressions: Sequence[tuple[str, str | None]] = EXPRESSIONS
) -> list[dict[str, str]]:
    """The next ``count`` fire times of each expression after ``start``, by the lab's parser."""
    rows = []
    for expression, zone in expressions:
        schedule = parse_schedule(expression, anchor=start, timezone=zone)
        fires: list[datetime] = []
        moment = start
        while len(fires) < count and (fire := schedule.next_fire_after(moment)) is not None:
            fires.append(fire)
            moment = fire
        rows.append(
            {
                "expression": expression,
                "time zone": zone or "UTC",
                "next fires (UTC)": ", ".join(f"{fire:%a %d %b %H:%M}" for fire in fires) or "never again",
            }
        )
    return rows


def dst_rows(expression: str, zone: str, days: Sequence[datetime]) -> list[dict[str, str]]:
    """What ``expression`` does in ``zone`` on each of ``days`` (the spring and autumn changes)."""
    schedule = parse_schedule(expression, timezone=zone)
    assert isinstance(schedule, ZonedSchedule)
    rows = []
    for day in days:
        start = day.replace(hour=0, minute=0, tzinfo=schedule.zone).astimezone(UTC)
        fires = schedule.fire_times(start, start + timedelta(hours=24))
        rows.append(
            {
                "local day": f"{day:%a %d %b %Y}",
                "fires": str(len(fires)),
                "at (local)": ", ".join(f"{f.astimezone(schedule.zone):%H:%M %Z}" for f in fires) or "-",
                "at (UTC)": ", ".join(f"{f:%H:%M}" for f in fires) or "-",
            }
        )
    return rows


# ---- the nightly job ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NightRow:
    """One delivery of the nightly fire and what the job did with it."""

    night: int
    scheduled_utc: datetime
    local_time: str
    duplicate: bool
    outcome: str
    finishes: datetime | None = None


@dataclass
class NightlyRun:
    """What ``nights`` of the nightly job did; counts come from the deliveries and the job table."""

    lease_hours: float
    rows: list[NightRow] = field(default_factory=list)
    released: int = 0
    lost_locks: int = 0

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.outcome for row in self.rows)
        return {
            "deliveries": len(self.rows),
            "fires": len({row.scheduled_utc for row in self.rows}),
            **{
                key: counted.get(key, 0)
                for key in ("started", "took-over", "duplicate", "overlap", "crashed")
            },
            "released": self.released,
            "lost lock": self.lost_locks,
        }

    def overlapping_runs(self) -> int:
        """Pairs of runs that were running at the same time (what the lock is there to prevent)."""
        spans = sorted((row.scheduled_utc, row.finishes) for row in self.rows if row.finishes is not None)
        return sum(
            1 for (_, end), (start, _) in itertools.combinations(spans, 2) if start < end
        )  # sorted by start: the later one begins before the earlier one ends


def _delete_schedules(sandbox: Sandbox) -> None:
    scheduler = sandbox.client("scheduler")
    for summary in scheduler.list_schedules()["Schedules"]:
        scheduler.delete_schedule(Name=summary["Name"], GroupName=summary["GroupName"])


def run_nights(
    sandbox: Sandbox,
    *,
    nights: int = 10,
    lease_hours: float = 30.0,
    work_hours: Mapping[int, float] | None = None,
    crash_nights: Sequence[int] = CRASH_NIGHTS,
    duplicate_nights: Sequence[int] = DUPLICATE_NIGHTS,
    table_name: str | None = None,
) -> NightlyRun:
    """Run the nightly job for ``nights`` nights of virtual time, from the sandbox clock's now.

    ``work_hours`` maps a night (1 = the first fire) to how long its run takes (1 hour otherwise);
    a night in ``crash_nights`` dies after taking the lock; one in ``duplicate_nights`` is delivered twice.
    """
    work_hours = LONG_RUNS if work_hours is None else work_hours
    suffix = uuid.uuid4().hex[:8]
    job_table = table_name or f"jobs-{suffix}"
    create_job_resources(job_table, sandbox.client("dynamodb"))
    environment = {"JOB_TABLE": job_table, "JOB_NAME": JOB, "LEASE_S": str(lease_hours * 3600)}
    finish_arn = sandbox.deploy(
        "job-finish", f"{HANDLERS}.finish_job", memory_mb=MEMORY_MB, environment=environment
    )
    start_arn = sandbox.deploy(
        "job-start",
        f"{HANDLERS}.start_job",
        memory_mb=MEMORY_MB,
        max_retry_attempts=0,  # a run that dies is not retried: the next night catches up
        environment={**environment, "FINISH_ARN": finish_arn},
    )
    schedule = parse_schedule(JOB_EXPRESSION, timezone=JOB_ZONE)
    first = schedule.next_fire_after(sandbox.clock.now())
    assert first is not None
    fires = [first]
    while len(fires) < nights:
        following = schedule.next_fire_after(fires[-1])
        assert following is not None
        fires.append(following)
    night_of = {fire: number for number, fire in enumerate(fires, start=1)}
    dynamodb = sandbox.client("dynamodb")
    for fire, number in night_of.items():
        plan = {
            "pk": {"S": f"work#{JOB}#{fire.date().isoformat()}"},
            "hours": {"N": str(work_hours.get(number, 1.0))},
            "crash": {"BOOL": number in crash_nights},
        }
        dynamodb.put_item(TableName=job_table, Item=plan)

    def duplicates(name: str, scheduled: datetime) -> int:
        return 1 if name.endswith(f"/{JOB}") and night_of.get(scheduled) in duplicate_nights else 0

    source = _schedule_source(sandbox, duplicates=duplicates)
    already = len(sandbox.lambdas.async_invocations)
    sandbox.client("scheduler").create_schedule(
        Name=JOB,
        ScheduleExpression=JOB_EXPRESSION,
        ScheduleExpressionTimezone=JOB_ZONE,
        FlexibleTimeWindow={"Mode": "OFF"},
        EndDate=fires[-1] + timedelta(minutes=1),
        Target={
            "Arn": start_arn,
            "RoleArn": ROLE,
            "Input": json.dumps({"scheduled": "<aws.scheduler.scheduled-time>"}),
        },
    )
    try:
        sandbox.settle()
        longest = max([1.0, *work_hours.values()])
        sandbox.advance((fires[-1] - sandbox.clock.now()).total_seconds() + (longest + 1) * 3600)
    finally:
        sandbox.remove_source(source)
        _delete_schedules(sandbox)
    return _nightly_result(sandbox, already, lease_hours, night_of)


def _nightly_result(
    sandbox: Sandbox, already: int, lease_hours: float, night_of: Mapping[datetime, int]
) -> NightlyRun:
    result = NightlyRun(lease_hours)
    zone = parse_schedule(JOB_EXPRESSION, timezone=JOB_ZONE)
    assert isinstance(zone, ZonedSchedule)
    seen: set[datetime] = set()
    for pending in sandbox.lambdas.async_invocations[already:]:
        attempt = pending.attempts[-1] if pending.attempts else None
        if pending.function_name == "job-finish":
            payload = attempt.payload if attempt is not None else {}
            if isinstance(payload, dict) and payload.get("released"):
                result.released += 1
            else:
                result.lost_locks += 1
            continue
        scheduled = datetime.fromisoformat(str(pending.event["scheduled"]).replace("Z", "+00:00"))
        duplicate = scheduled in seen
        seen.add(scheduled)
        payload = attempt.payload if attempt is not None and attempt.ok else None
        outcome = str(payload["outcome"]) if isinstance(payload, dict) else "crashed"
        finishes = None
        if isinstance(payload, dict) and "finishes" in payload:
            finishes = datetime.fromisoformat(payload["finishes"])
        result.rows.append(
            NightRow(
                night_of.get(scheduled, 0),
                scheduled,
                f"{scheduled.astimezone(zone.zone):%H:%M %Z}",
                duplicate,
                outcome,
                finishes,
            )
        )
    return result


def lease_summary(run: NightlyRun) -> str:
    """One line of a nightly run's counts."""
    counts = run.counts
    return (
        f"lease {run.lease_hours:g} h: started {counts['started']}, took over {counts['took-over']}, "
        f"skipped as overlap {counts['overlap']}, duplicates {counts['duplicate']}, crashed "
        f"{counts['crashed']}, runs that overlapped {run.overlapping_runs()}, "
        f"releases refused {counts['lost lock']}"
    )


def explore_lease(sandbox: Sandbox, lease_hours: float) -> Figure:
    """The nightly run again with another lease (the notebook slider): print its counts, return its plot."""
    run = run_nights(sandbox, lease_hours=lease_hours)
    print(lease_summary(run))
    return plot_nights(run)


def _schedule_source(sandbox: Sandbox, **options: Any) -> ScheduleSource:
    for existing in [s for s in sandbox.sources if isinstance(s, ScheduleSource)]:
        sandbox.remove_source(existing)
    return schedule_source(sandbox, **options)


def flexible_window_delays(sandbox: Sandbox, *, fires: int = 24, window_minutes: int = 15) -> list[float]:
    """Seconds between scheduled time and invocation for ``fires`` of an hourly schedule with a window."""
    arn = sandbox.deploy("flexible-target", f"{HANDLERS}.noop", memory_mb=128)
    source = _schedule_source(sandbox, seed=11)
    sandbox.client("scheduler").create_schedule(
        Name="hourly-flexible",
        ScheduleExpression="rate(1 hour)",
        StartDate=sandbox.clock.now() + timedelta(minutes=1),
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": window_minutes},
        Target={"Arn": arn, "RoleArn": ROLE},
    )
    try:
        sandbox.settle()
        sandbox.advance(fires * 3600.0)
        delays = [
            (fire.invoked_at - fire.scheduled_time).total_seconds()
            for fire in source.fires
            if fire.invoked_at is not None
        ][:fires]
    finally:
        sandbox.remove_source(source)
        _delete_schedules(sandbox)
    return delays


# ---- webhooks -------------------------------------------------------------------------------------


@dataclass
class WebhookStack:
    """The deployed receiver behind its front door, the processor and the tables."""

    sandbox: Sandbox
    door: FrontDoor
    seen_table: str
    processed_table: str
    answers_ms: list[float] = field(default_factory=list)
    """How long the front door took to answer each accepted (202) request, measured."""

    def processed(self) -> int:
        """Events the processor applied (a count of the processed table)."""
        self.sandbox.settle()
        return int(
            self.sandbox.client("dynamodb").scan(TableName=self.processed_table, Select="COUNT")["Count"]
        )

    def seen(self) -> int:
        return int(self.sandbox.client("dynamodb").scan(TableName=self.seen_table, Select="COUNT")["Count"])

    def post(self, headers: Mapping[str, str], body: bytes) -> int:
        """Send one request through the front door; its status (the sender's transport)."""
        response = self.door.request("POST", "/webhooks", headers=dict(headers), body=body)
        if response.status == 202:
            self.answers_ms.append(response.latency_ms)
        return response.status


def deploy_webhooks(sandbox: Sandbox, *, tolerance_s: int = 300, suffix: str | None = None) -> WebhookStack:
    """Create the tables and queue, deploy the receiver (HTTP API) and the processor (SQS source)."""
    suffix = suffix or uuid.uuid4().hex[:8]
    seen, processed = f"webhook-seen-{suffix}", f"webhook-processed-{suffix}"
    queue = create_webhook_resources(seen, processed, f"webhook-events-{suffix}", sandbox.client("dynamodb"))
    sandbox.deploy(
        "receiver",
        f"{HANDLERS}.receive",
        memory_mb=MEMORY_MB,
        environment={
            "WEBHOOK_SECRET": SECRET.decode(),
            "SEEN_TABLE": seen,
            "QUEUE_URL": queue.url,
            "TOLERANCE_S": str(tolerance_s),
        },
    )
    sandbox.deploy(
        "processor", f"{HANDLERS}.process", memory_mb=MEMORY_MB, environment={"PROCESSED_TABLE": processed}
    )
    for existing in list(sandbox.sources):
        if getattr(existing, "queue_url", None) == queue.url:
            sandbox.remove_source(existing)
    sqs_event_source(sandbox, queue.arn, "processor", batch_size=10, report_batch_item_failures=True)
    door = FrontDoor(sandbox.lambdas, {"POST /webhooks": "receiver"}, payload_format="2.0")
    return WebhookStack(sandbox, door, seen, processed)


@dataclass(frozen=True)
class AttackResult:
    request: str
    status: int
    check: str
    processed_after: int


def _event_body(event_id: str, kind: str = "payment.succeeded", padding: int = 0) -> bytes:
    body = {"id": event_id, "type": kind, "amount_cents": 1999}
    if padding:
        body["padding"] = "x" * padding
    return json.dumps(body, separators=(",", ":")).encode()


def attack_results(stack: WebhookStack) -> list[AttackResult]:
    """One genuine delivery, then every attack; what each got and how many events were processed after."""
    now = int(stack.sandbox.clock.timestamp())
    genuine = _event_body("evt_genuine")
    genuine_headers = signed_headers(SECRET, "evt_genuine", now, genuine)
    wrong_key = signed_headers(b"an attacker's guess", "evt_forged", now, _event_body("evt_forged"))
    tampered = _event_body("evt_genuine", kind="payment.refunded")
    stale_body = _event_body("evt_stale")
    big = _event_body("evt_big", padding=70_000)
    unsigned = signed_headers(SECRET, "evt_unsigned", now, _event_body("evt_unsigned"))
    del unsigned["Webhook-Signature"]
    cases: list[tuple[str, Mapping[str, str], bytes]] = [
        ("genuine (signed, fresh)", genuine_headers, genuine),
        ("missing signature", unsigned, _event_body("evt_unsigned")),
        ("bad signature (wrong key)", wrong_key, _event_body("evt_forged")),
        ("tampered body (signature of another)", {**genuine_headers, "Webhook-Id": "evt_tampered"}, tampered),
        (
            "stale timestamp (signed 10 min ago)",
            signed_headers(SECRET, "evt_stale", now - 600, stale_body),
            stale_body,
        ),
        ("replay of the genuine request", genuine_headers, genuine),
        ("oversized body (70 KB, signed)", signed_headers(SECRET, "evt_big", now, big), big),
    ]
    results = []
    for name, headers, body in cases:
        response = stack.door.request("POST", "/webhooks", headers=dict(headers), body=body)
        check = "accepted"
        if response.status >= 400:
            check = str(response.json().get("check", response.problem or ""))
        results.append(AttackResult(name, response.status, check, stack.processed()))
    # the genuine request replayed after the tolerance: the timestamp check refuses it by itself
    stack.sandbox.advance(360)
    response = stack.door.request("POST", "/webhooks", headers=dict(genuine_headers), body=genuine)
    results.append(
        AttackResult(
            "replay 6 min later", response.status, str(response.json().get("check")), stack.processed()
        )
    )
    return results


@dataclass
class OutageRun:
    """What the sender did through an outage, and what the receiver's side counted."""

    deliveries: list[Delivery]
    """Their ``sent_at`` are virtual seconds since the first send."""
    outage_starts_s: float
    outage_s: float
    processed: int
    """Events the processor applied during the run (each at most once: a conditional write)."""
    seen_before_sweep: int
    seen_after_sweep: int

    @property
    def delivered(self) -> int:
        return sum(d.delivered for d in self.deliveries)


def send_through_outage(
    stack: WebhookStack,
    *,
    events: int = 20,
    every_s: float = 10.0,
    outage_starts_s: float = 20.0,
    outage_s: float = 90.0,
    policy: RetryPolicy | None = None,
) -> OutageRun:
    """Send an event every ``every_s`` virtual seconds; the receiver is throttled (429) for ``outage_s``
    from ``outage_starts_s``. Each delivery retries on its own timers, as a real sender's queue would."""
    sandbox = stack.sandbox
    origin, origin_ts = sandbox.clock.elapsed, sandbox.clock.timestamp()

    def outage(on: bool) -> None:
        # Reserved concurrency 0 throttles every request, as on AWS. The lab's runtime checks the limit
        # when it needs a new environment, so a redeploy (memory_mb) discards the warm ones too.
        if on:
            sandbox.lambdas.configure("receiver", reserved_concurrency=0, memory_mb=MEMORY_MB)
        else:
            sandbox.lambdas.configure("receiver", reserved_concurrency=None)

    sender = WebhookSender(
        SECRET,
        transport=stack.post,
        sleep=lambda _seconds: None,  # never called: each retry is a clock timer
        now=sandbox.clock.timestamp,
        policy=policy or RetryPolicy(max_attempts=8, base_s=2.0, cap_s=60.0),
    )
    deliveries: list[Delivery] = []

    def attempt(delivery: Delivery) -> None:
        wait = sender.attempt(delivery)
        if wait is not None:
            sandbox.clock.call_later(wait, functools.partial(attempt, delivery), f"retry {delivery.event_id}")

    def send(number: int) -> None:
        delivery = sender.start(
            f"evt_{number:04d}", {"type": "payment.succeeded", "amount_cents": 100 + number}
        )
        deliveries.append(delivery)
        attempt(delivery)

    processed_before = stack.processed()
    sandbox.clock.call_at(origin + outage_starts_s, functools.partial(outage, True), "outage starts")
    sandbox.clock.call_at(
        origin + outage_starts_s + outage_s, functools.partial(outage, False), "outage ends"
    )
    for number in range(events):
        sandbox.clock.call_at(origin + number * every_s, functools.partial(send, number), f"send {number}")
    longest = sum(
        min(sender.policy.cap_s, sender.policy.base_s * 2**k) for k in range(sender.policy.max_attempts)
    )
    sandbox.advance(events * every_s + outage_starts_s + outage_s + longest)
    processed = stack.processed() - processed_before
    sweeper = ttl_sweeper(sandbox, stack.seen_table, TTL_ATTRIBUTE, interval_s=600)
    seen_before = stack.seen()
    sandbox.advance(900)
    seen_after = stack.seen()
    sandbox.remove_source(sweeper)
    for delivery in deliveries:
        delivery.sent_at[:] = [moment - origin_ts for moment in delivery.sent_at]
    return OutageRun(deliveries, outage_starts_s, outage_s, processed, seen_before, seen_after)


def webhook_cost_per_million(
    receiver_ms: float, processor_ms: float, batch_size: int = 10
) -> dict[str, float]:
    """What a million webhook deliveries cost through this design, from measured mean durations."""
    million = 1_000_000
    batches = million // batch_size
    receiver = pricing.lambda_request_cost(million) + pricing.lambda_duration_cost(
        pricing.gb_seconds(MEMORY_MB, pricing.billed_duration_ms(receiver_ms)) * million
    )
    processor = pricing.lambda_request_cost(batches) + pricing.lambda_duration_cost(
        pricing.gb_seconds(MEMORY_MB, pricing.billed_duration_ms(processor_ms)) * batches
    )
    sqs = pricing.sqs_cost(million + 2 * batches)  # a send each; a receive and a delete batch per batch
    dynamodb = pricing.dynamodb_on_demand_cost(0, 2 * million)  # the seen id and the processed record
    api = pricing.apigateway_cost(million, api="http")
    costs = {
        "HTTP API": api,
        "receiver Lambda": receiver,
        "SQS": sqs,
        "DynamoDB": dynamodb,
        "processor Lambda": processor,
    }
    return {**costs, "total": sum(costs.values())}


def _mean_ms(sandbox: Sandbox, function: str) -> float:
    durations = [
        r.duration_ms
        for r in sandbox.lambdas.reports
        if r.function_name == function and r.status == "success"
    ]
    return statistics.fmean(durations) if durations else 0.0


# ---- figures --------------------------------------------------------------------------------------

_COLOURS = {
    "started": "tab:green",
    "took-over": "tab:orange",
    "overlap": "tab:red",
    "duplicate": "tab:purple",
    "crashed": "black",
}


def plot_nights(run: NightlyRun) -> Figure:
    """Each run as a bar from its fire to its finish; skipped deliveries as markers, by outcome."""
    figure = Figure(figsize=(8, 3.6), layout="constrained")
    axes = figure.add_subplot()
    origin = min(row.scheduled_utc for row in run.rows)
    labelled: set[str] = set()
    for row in run.rows:
        start_h = (row.scheduled_utc - origin).total_seconds() / 3600
        label = row.outcome if row.outcome not in labelled else None
        labelled.add(row.outcome)
        y = row.night + (0.25 if row.duplicate else 0.0)
        if row.finishes is not None:
            width = (row.finishes - row.scheduled_utc).total_seconds() / 3600
            axes.barh(
                y, width, left=start_h, height=0.35, color=_COLOURS.get(row.outcome, "grey"), label=label
            )
        else:
            axes.scatter(
                [start_h],
                [y],
                marker="x",
                s=50,
                color=_COLOURS.get(row.outcome, "grey"),
                label=label,
                zorder=3,
            )
        if row.outcome == "crashed":  # its lock stays until the lease runs out
            axes.barh(
                y,
                run.lease_hours,
                left=start_h,
                height=0.35,
                color="0.85",
                hatch="//",
                label="lease of the dead run",
                zorder=1,
            )
    axes.set_xlabel("hours since the first fire (virtual time)")
    axes.set_ylabel("night")
    count_axis(axes.yaxis)
    axes.invert_yaxis()
    axes.set_title(f"Nightly job, lease {run.lease_hours:g} h")
    figure.legend(loc="outside right upper", fontsize="small")
    return figure


def plot_deliveries(run: OutageRun) -> Figure:
    """Every attempt on the virtual clock, one row per event (refused or accepted), and the outage."""
    figure = Figure(figsize=(8, 3.8), layout="constrained")
    timeline, counts = figure.subplots(1, 2, width_ratios=[3, 1])
    timeline.axvspan(run.outage_starts_s, run.outage_starts_s + run.outage_s, color="0.9", label="outage")
    for accepted, colour, marker, label in (
        (True, "tab:green", "o", "accepted (2xx)"),
        (False, "tab:red", "x", "refused (429/5xx)"),
    ):
        points = [
            (moment, row)
            for row, delivery in enumerate(run.deliveries)
            for moment, status in zip(delivery.sent_at, delivery.statuses, strict=True)
            if (200 <= status < 300) == accepted
        ]
        if points:
            xs, ys = zip(*points, strict=True)
            timeline.scatter(xs, ys, color=colour, marker=marker, s=20, label=label, zorder=3)
    timeline.set_xlabel("virtual seconds since the first send")
    timeline.set_ylabel("event")
    count_axis(timeline.yaxis)
    timeline.invert_yaxis()
    attempts = Counter(d.attempts for d in run.deliveries)
    keys = sorted(attempts)
    counts.bar(range(len(keys)), [attempts[k] for k in keys], color="tab:blue")
    category_ticks(counts, range(len(keys)), [str(k) for k in keys], width_in=1.6)
    counts.set_xlabel("attempts")
    counts.set_ylabel("events")
    count_axis(counts.yaxis)
    figure.legend(loc="outside lower center", ncols=3, fontsize="small")
    figure.suptitle(f"Deliveries through a {run.outage_s:g} s outage, backoff with full jitter")
    return figure


# ---- main -----------------------------------------------------------------------------------------


def main() -> int:
    print("1. Schedule expressions: next fire times from the lab's parser")
    print(table(next_fire_rows(DEMO_START)))
    days = [datetime(2026, 3, 28), datetime(2026, 3, 29), datetime(2026, 10, 25)]
    print("\n   cron(30 1 * * ? *) in Europe/London around the clock changes")
    print(table(dst_rows("cron(30 1 * * ? *)", "Europe/London", days)))
    ny_days = [datetime(2026, 3, 8), datetime(2026, 11, 1)]
    print("\n   cron(0/30 1-2 * * ? *) in America/New_York (the skipped and the repeated hour)")
    print(table(dst_rows("cron(0/30 1-2 * * ? *)", "America/New_York", ny_days)))
    yearly = parse_schedule(JOB_EXPRESSION, timezone=JOB_ZONE).fire_times(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    )
    print(f"   {JOB_EXPRESSION} in {JOB_ZONE} fires {len(yearly)} times in 2026 (365 days)")

    with aws_sandbox(clock=LabClock(DEMO_START)) as sandbox:
        print(f"\n2. The nightly job ({JOB_EXPRESSION}, {JOB_ZONE}) for 10 nights from {DEMO_START:%Y-%m-%d}")
        run = run_nights(sandbox, lease_hours=30.0)
        print(
            table(
                [
                    {
                        "night": r.night,
                        "scheduled (UTC)": f"{r.scheduled_utc:%a %d %b %H:%M}",
                        "local": r.local_time,
                        "delivery": "duplicate" if r.duplicate else "first",
                        "outcome": r.outcome,
                        "finishes (UTC)": f"{r.finishes:%a %d %b %H:%M}" if r.finishes else "-",
                    }
                    for r in run.rows
                ]
            )
        )
        zone = parse_schedule(JOB_EXPRESSION, timezone=JOB_ZONE)
        assert isinstance(zone, ZonedSchedule)
        fired_days = {r.scheduled_utc.astimezone(zone.zone).date() for r in run.rows}
        first_day, last_day = min(fired_days), max(fired_days)
        missing = [
            first_day + timedelta(days=d)
            for d in range((last_day - first_day).days)
            if first_day + timedelta(days=d) not in fired_days
        ]
        print(f"   local days without a fire: {', '.join(f'{d:%a %d %b}' for d in missing) or 'none'}")
        print(f"   counts: {run.counts}")
        print(f"   runs that overlapped: {run.overlapping_runs()}")
        print("   " + lease_summary(run))
        print(
            "   "
            + lease_summary(run_nights(sandbox, lease_hours=12.0))
            + "  (the same scenario, the following ten nights)"
        )

        print("\n3. A flexible time window of 15 minutes on rate(1 hour), 24 fires")
        delays = flexible_window_delays(sandbox)
        print(
            f"   invoked after the scheduled time: min {min(delays):.0f} s, "
            f"mean {statistics.fmean(delays):.0f} s, "
            f"max {max(delays):.0f} s over {len(delays)} fires"
        )

        print("\n4. Webhooks: a receiver behind the front door (HTTP API), processing through SQS")
        stack = deploy_webhooks(sandbox, suffix="demo")
        attacks = attack_results(stack)
        print(table([vars(a) for a in attacks], ["request", "status", "check", "processed_after"]))
        refused = sum(a.status in (400, 401) for a in attacks)
        print(f"   attacks refused: {refused} of {len(attacks) - 1}; events processed: {stack.processed()}")

        print(
            "\n5. The sender: an event every 10 s, the receiver throttled (429) for 90 s from the 20th second"
        )
        outage = send_through_outage(stack, events=20, every_s=10.0, outage_starts_s=20.0, outage_s=90.0)
        attempts = [d.attempts for d in outage.deliveries]
        print(
            f"   delivered {outage.delivered} of {len(outage.deliveries)}; attempts: total {sum(attempts)}, "
            f"max {max(attempts)}; {attempts.count(1)} delivered at the first attempt, "
            f"{sum(d.statuses.count(429) for d in outage.deliveries)} attempts throttled (429); "
            f"the processor applied {outage.processed} events"
        )
        answers = sorted(stack.answers_ms)
        print(
            f"   the receiver answered 202 in a median {statistics.median(answers):.1f} ms "
            f"(max {answers[-1]:.1f} ms, {len(answers)} answers); the processor ran later, from the queue"
        )
        print(
            f"   seen-ids table: {outage.seen_before_sweep} items before the TTL sweeps, "
            f"{outage.seen_after_sweep} after 15 virtual minutes"
        )
        receiver_ms, processor_ms = _mean_ms(sandbox, "receiver"), _mean_ms(sandbox, "processor")
        print(
            f"\n6. Cost per million webhooks (measured means: receiver {receiver_ms:.1f} ms, "
            f"processor {processor_ms:.1f} ms per invocation; batches of 10 assumed)"
        )
        costs = webhook_cost_per_million(receiver_ms, processor_ms)
        print(table([{"item": k, "USD": f"{v:.2f}"} for k, v in costs.items()]))
        nightly = pricing.scheduler_cost(len(yearly)) / 12
        print(
            f"   the nightly schedule: {len(yearly)} invocations a year, "
            f"${nightly:.6f} a month before the free tier"
        )
    return 0
