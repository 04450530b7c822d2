"""The faas demonstration: each step deploys real handlers to the local runtime and measures them.

Every number printed (status codes, duplicate counts, durations, costs) comes from the run.
"""

from __future__ import annotations

import json
import statistics
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from patterns.faas.adapters import FaasResources, create_resources
from patterns.lab.capabilities import Capability
from patterns.lab.display import table
from patterns.lab.events import api_gateway_rest_event
from patterns.lab.http import response_json
from patterns.lab.lambda_runtime import InvocationReport
from patterns.lab.sandbox import Sandbox

__all__ = [
    "BAD_REQUESTS",
    "DEMO_NEEDS",
    "SINGLE_PURPOSE",
    "WORKLOAD",
    "DeploymentComparison",
    "RaceResult",
    "RequestOutcome",
    "compare_deployments",
    "deploy_registration",
    "main",
    "measure_race",
    "registration_event",
    "run_requests",
    "welcome_messages",
]

# What the demonstration checks with `sandbox.unavailable`; the README's backend table is tested against it.
DEMO_NEEDS: tuple[Capability, ...] = ()

UserStoreKind = Literal["conditional-write", "check-then-put"]

# Bodies that must each be refused with 400, and why.
BAD_REQUESTS: dict[str, str | None] = {
    "no body": None,
    "malformed JSON": '{"email": "ada@example.com", "name": ',
    "not an object": '["ada@example.com"]',
    "missing name": '{"email": "ada@example.com"}',
    "wrong types": '{"email": 42, "name": ["Ada"]}',
    "invalid email": '{"email": "ada-at-example.com", "name": "Ada"}',
}

# The single-purpose functions: (name, handler, memory MB, timeout s), each sized for its own job.
SINGLE_PURPOSE: tuple[tuple[str, str, int, float], ...] = (
    ("register-user", "patterns.faas.handlers.register", 256, 3.0),
    ("get-user", "patterns.faas.handlers.get_user", 128, 3.0),
    ("export-users", "patterns.faas.handlers.export_users", 1024, 30.0),
)
# The multi-purpose function must be sized for its heaviest route.
MONOLITH = ("users-api", "patterns.faas.monolith.handler", 1024, 30.0)
# A day's mix of requests, scaled down: many reads, some sign-ups, a rare export.
WORKLOAD: dict[str, int] = {"register": 20, "get": 60, "export": 2}


def registration_event(body: str | dict[str, Any] | None) -> dict[str, Any]:
    """An API Gateway REST proxy event for POST /users."""
    return api_gateway_rest_event("POST", "/users", body=body, resource="/users")


@dataclass(frozen=True)
class RequestOutcome:
    """One request through a deployed function: what was sent and what came back."""

    label: str
    status: int
    body: Any
    report: InvocationReport


def deploy_registration(
    sandbox: Sandbox,
    resources: FaasResources,
    *,
    name: str = "register-user",
    store: UserStoreKind = "conditional-write",
    work_ms: float = 0.0,
    memory_mb: int = 256,
) -> str:
    """Deploy the registration handler with the chosen user store; return its ARN."""
    environment = {**resources.environment(), "USER_STORE": store, "WORK_MS": str(work_ms)}
    return sandbox.deploy(
        name, "patterns.faas.handlers.register", memory_mb=memory_mb, environment=environment
    )


def run_requests(sandbox: Sandbox, function: str, events: dict[str, dict[str, Any]]) -> list[RequestOutcome]:
    """Invoke ``function`` with each labelled event; collect status, body and report."""
    outcomes = []
    for label, event in events.items():
        result = sandbox.lambdas.invoke(function, event)
        if not result.ok:
            raise RuntimeError(f"{function} failed on {label!r}: {result.payload}")
        outcomes.append(
            RequestOutcome(label, result.payload["statusCode"], response_json(result.payload), result.report)
        )
    return outcomes


def welcome_messages(sandbox: Sandbox, resources: FaasResources) -> list[dict[str, Any]]:
    """Drain the SQS queue subscribed to the topic: the notifications the handler published."""
    sqs = sandbox.client("sqs")
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=resources.queue_url, MaxNumberOfMessages=10).get("Messages"):
        messages.extend(json.loads(message["Body"]) for message in batch)
        sqs.delete_message_batch(
            QueueUrl=resources.queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
        )
    return messages


@dataclass(frozen=True)
class RaceResult:
    """Concurrent registrations of one email, repeated: how many were accepted each time."""

    store: UserStoreKind
    concurrency: int
    work_ms: float
    accepted_per_trial: list[int]
    notifications: int

    @property
    def trials_with_duplicates(self) -> int:
        return sum(accepted > 1 for accepted in self.accepted_per_trial)

    @property
    def duplicate_registrations(self) -> int:
        return sum(max(0, accepted - 1) for accepted in self.accepted_per_trial)


def measure_race(
    sandbox: Sandbox,
    resources: FaasResources,
    store: UserStoreKind,
    *,
    concurrency: int = 8,
    trials: int = 10,
    work_ms: float = 5.0,
    progress: Callable[[int, int], None] | None = None,
) -> RaceResult:
    """Send ``concurrency`` simultaneous registrations of the same email, ``trials`` times."""
    name = f"register-{store}"
    deploy_registration(sandbox, resources, name=name, store=store, work_ms=work_ms)
    welcome_messages(sandbox, resources)  # start from an empty queue
    accepted = []
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for trial in range(trials):
            email = f"racer{trial}-{uuid.uuid4().hex[:8]}@example.com"  # new on every trial and call
            event = registration_event({"email": email, "name": f"Racer {trial}"})
            results = list(pool.map(sandbox.lambdas.invoke, [name] * concurrency, [event] * concurrency))
            accepted.append(sum(r.payload["statusCode"] == 201 for r in results))
            if progress:
                progress(trial + 1, trials)
    return RaceResult(store, concurrency, work_ms, accepted, len(welcome_messages(sandbox, resources)))


@dataclass
class DeploymentComparison:
    """The same workload through one multi-purpose function and through single-purpose ones."""

    workload: dict[str, int]
    reports: dict[str, dict[str, list[InvocationReport]]] = field(default_factory=dict)

    def cost(self, deployment: str) -> float:
        return sum(r.cost_usd for reports in self.reports[deployment].values() for r in reports)

    def rows(self) -> list[dict[str, Any]]:
        """A row per deployment and route: requests, memory, median duration, cost."""
        rows = []
        for deployment, routes in self.reports.items():
            for route, reports in routes.items():
                rows.append(
                    {
                        "deployment": deployment,
                        "route": route,
                        "requests": len(reports),
                        "memory_mb": reports[0].memory_mb,
                        "median_ms": statistics.median(r.duration_ms for r in reports),
                        "billed_ms": sum(r.billed_ms for r in reports),
                        "cold_starts": sum(r.cold_start for r in reports),
                        "cost_usd": sum(r.cost_usd for r in reports),
                    }
                )
        return rows


def _route_events(workload: dict[str, int]) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    for i in range(workload.get("register", 0)):
        body = {"email": f"user{i}@example.com", "name": f"User {i}", "company": "Example"}
        events.append(("register", registration_event(body)))
    for i in range(workload.get("get", 0)):
        email = f"user{i % max(1, workload.get('register', 1))}@example.com"
        event = api_gateway_rest_event(
            "GET", f"/users/{email}", resource="/users/{email}", path_parameters={"email": email}
        )
        events.append(("get", event))
    events.extend(
        ("export", api_gateway_rest_event("GET", "/users/export", resource="/users/export"))
        for _ in range(workload.get("export", 0))
    )
    return events


def compare_deployments(
    sandbox: Sandbox, workload: dict[str, int] | None = None, *, architecture: str = "x86_64"
) -> DeploymentComparison:
    """Run one workload through the monolith, then through the single-purpose functions."""
    mix = dict(workload or WORKLOAD)
    comparison = DeploymentComparison(mix)
    for deployment in ("multi-purpose", "single-purpose"):
        resources = create_resources(prefix=f"faas-{deployment}")
        env = {**resources.environment(), "USER_STORE": "conditional-write"}
        functions: dict[str, str] = {}
        if deployment == "multi-purpose":
            name, handler, memory, timeout = MONOLITH
            sandbox.deploy(
                name, handler, memory_mb=memory, timeout_s=timeout, environment=env, architecture=architecture
            )
            functions = dict.fromkeys(("register", "get", "export"), name)
        else:
            for (name, handler, memory, timeout), route in zip(
                SINGLE_PURPOSE, ("register", "get", "export"), strict=True
            ):
                sandbox.deploy(
                    name,
                    handler,
                    memory_mb=memory,
                    timeout_s=timeout,
                    environment=env,
                    architecture=architecture,
                )
                functions[route] = name
        routes: dict[str, list[InvocationReport]] = {}
        for route, event in _route_events(mix):
            result = sandbox.lambdas.invoke(functions[route], event)
            if not result.ok or result.payload["statusCode"] >= 500:
                raise RuntimeError(f"{deployment} {route} failed: {result.payload}")
            routes.setdefault(route, []).append(result.report)
        comparison.reports[deployment] = routes
    return comparison


def main() -> int:
    """Run the whole demonstration against moto and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        resources = create_resources()
        deploy_registration(sandbox, resources)
        print("1. One registration handler behind API Gateway")
        good = run_requests(
            sandbox,
            "register-user",
            {
                "new user": registration_event({"email": "ada@example.com", "name": "Ada Lovelace"}),
                "same email again": registration_event({"email": "ADA@example.com", "name": "Ada L."}),
            },
        )
        bad = run_requests(
            sandbox, "register-user", {k: registration_event(v) for k, v in BAD_REQUESTS.items()}
        )
        for outcome in good + bad:
            detail = (
                outcome.body.get("problems")
                or outcome.body.get("error")
                or outcome.body.get("user", {}).get("email")
            )
            print(f"   {outcome.label:<18} -> {outcome.status}  {detail}")
        notes = welcome_messages(sandbox, resources)
        print(
            f"   SNS -> SQS subscription received {len(notes)} notification(s): "
            f"{[n['user']['email'] for n in notes]}"
        )
        first = good[0].report
        print(
            f"   first request: {'cold' if first.cold_start else 'warm'} start, "
            f"init {first.init_ms or 0:.1f} ms, "
            f"duration {first.duration_ms:.2f} ms; second: duration {good[1].report.duration_ms:.2f} ms"
        )

        print("\n2. Duplicates under concurrency (8 simultaneous sign-ups with one email, 10 trials)")
        for store in ("check-then-put", "conditional-write"):
            race = measure_race(sandbox, resources, store)
            print(
                f"   {store:<18} accepted per trial {race.accepted_per_trial}: "
                f"{race.duplicate_registrations} duplicates, {race.notifications} welcome notifications"
            )

        print("\n3. One multi-purpose function vs single-purpose functions (same workload)")
        comparison = compare_deployments(sandbox)
        print(table(comparison.rows(), formats={"median_ms": ".2f", "cost_usd": ".3e"}).indented())
        for deployment in comparison.reports:
            print(
                f"   {deployment}: ${comparison.cost(deployment):.8f} "
                f"for {sum(comparison.workload.values())} requests"
            )
        statuses = Counter(o.status for o in good + bad)
        print(f"\nStatus codes seen: {dict(sorted(statuses.items()))}")
    return 0
