"""The demonstration of pattern 23: a template deployed and checked, a weighted canary, the test pyramid."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from patterns.api_crud.demo import Step, walkthrough
from patterns.deploy_test.adapters import (
    Deployment,
    collect_tests,
    deploy_stack,
    read_template,
    wire_functions,
)
from patterns.deploy_test.exceptions import TemplateError
from patterns.deploy_test.service import (
    TIERS,
    CanaryPolicy,
    Verdict,
    decide,
    parse_collected,
    parse_durations,
    parse_template,
)
from patterns.lab.aliases import WeightedAlias, publish_version
from patterns.lab.capabilities import Capability
from patterns.lab.display import count_axis
from patterns.lab.gateway import FrontDoor
from patterns.lab.sandbox import Sandbox

__all__ = [
    "BROKEN_TEMPLATES",
    "DEMO_NEEDS",
    "PYRAMID_RECORDING",
    "CanaryMinute",
    "broken_template_messages",
    "deploy_items_api",
    "deploy_quote",
    "main",
    "measure_split",
    "plot_canary",
    "plot_pyramid",
    "read_pyramid",
    "record_pyramid",
    "run_canary",
    "run_integration_checks",
]

DEMO_NEEDS: tuple[Capability, ...] = ()  # the lab invokes the local runtime itself; no push deliveries
COURSE_ROOT = Path(__file__).resolve().parents[2]
PYRAMID_RECORDING = Path(__file__).resolve().parent / "data" / "pyramid.json"
PYRAMID_SAMPLE = {  # one file per tier, timed with --durations when the pyramid is recorded
    "unit": "tests/unit/test_deploy_test_service.py",
    "integration": "tests/integration/test_deploy_test.py",
    "endpoint": "tests/endpoint/test_deploy_test.py",
    "e2e": "tests/e2e/test_deploy_test_demo.py",
}
BROKEN_TEMPLATES = {
    "a missing comma": '{"Resources": {"Table": {"Type": "AWS::DynamoDB::Table"} "Queue": {}}}',
    "a Ref to an undeclared resource": json.dumps(
        {
            "Resources": {
                "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Role": {"Ref": "LambdaRole"}}}
            }
        }
    ),
    "no resources": '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}',
}


def deploy_items_api(sandbox: Sandbox, stage: str = "test") -> Deployment:
    """Deploy pattern 02's template as stack ``items-<stage>``, check it, wire its functions."""
    deployment = deploy_stack(sandbox, f"items-{stage}", read_template(), {"Stage": stage})
    wire_functions(sandbox, deployment)
    return deployment


def broken_template_messages() -> dict[str, str]:
    """What each broken template gets instead of a traceback."""
    messages = {}
    for what, body in BROKEN_TEMPLATES.items():
        try:
            parse_template(body, "template.json")
        except TemplateError as error:
            messages[what] = str(error)
    return messages


def run_integration_checks(deployment: Deployment, sandbox: Sandbox) -> list[Step]:
    """Pattern 02's walkthrough (its integration checks) against the deployed stack."""
    function = deployment.names["ItemsFunction"]
    door = FrontDoor(sandbox.lambdas, {"ANY /items": function, "ANY /items/{id}": function})
    return walkthrough(door)


def deploy_quote(sandbox: Sandbox, weight: float, failure_rate: float = 0.0, name: str = "quote") -> None:
    """Version 1 (stable) and version 2 (canary) of the quote function; alias ``live`` gives 2 ``weight``."""
    publish_version(sandbox, name, "patterns.deploy_test.handlers.quote")
    publish_version(
        sandbox,
        name,
        "patterns.deploy_test.handlers.quote_canary",
        environment={"FAILURE_RATE": str(failure_rate)},
    )
    sandbox.client("lambda").create_alias(
        FunctionName=name,
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": weight}},
    )


def measure_split(
    sandbox: Sandbox, weight: float, invocations: int, *, seed: int = 1, name: str = "quote"
) -> Counter[str]:
    """Invocations per version out of ``invocations`` through alias ``live`` weighted ``weight`` to 2."""
    deploy_quote(sandbox, weight, name=name)
    alias = WeightedAlias(sandbox, name, "live", seed=seed)
    return Counter(alias.invoke({"id": f"r-{i}"})[0] for i in range(invocations))


@dataclass(frozen=True)
class CanaryMinute:
    """One virtual minute of a canary deployment."""

    minute: int
    weight: float
    canary_invocations: int
    canary_errors: int
    verdict: Verdict

    @property
    def error_rate(self) -> float:
        return self.canary_errors / self.canary_invocations if self.canary_invocations else 0.0


def run_canary(
    sandbox: Sandbox,
    policy: CanaryPolicy,
    failure_rate: float,
    *,
    per_minute: int = 60,
    minutes: int = 10,
    seed: int = 3,
    name: str = "quote",
) -> list[CanaryMinute]:
    """Shift ``policy.weight`` of traffic to version 2, watch its errors each virtual minute, and roll back
    (alias back to version 1 alone) or promote (alias to version 2) as :func:`decide` says."""
    deploy_quote(sandbox, policy.weight, failure_rate, name=name)
    client = sandbox.client("lambda")
    alias = WeightedAlias(sandbox, name, "live", seed=seed)
    timeline: list[CanaryMinute] = []
    invocations = errors = 0
    verdict: Verdict = "bake"
    for minute in range(1, minutes + 1):
        weight = alias.routing().additional.get("2", 1.0 if alias.routing().primary == "2" else 0.0)
        for i in range(per_minute):
            version, invocation = alias.invoke({"id": f"{minute}-{i}"})
            if version == "2" and verdict == "bake":
                invocations += 1
                errors += not invocation.ok
        sandbox.advance(60)
        if verdict == "bake":
            verdict = decide(policy, invocations, errors, minute)
            if verdict == "roll back":
                client.update_alias(
                    FunctionName=name,
                    Name="live",
                    FunctionVersion="1",
                    RoutingConfig={"AdditionalVersionWeights": {}},
                )
            elif verdict == "promote":
                client.update_alias(
                    FunctionName=name,
                    Name="live",
                    FunctionVersion="2",
                    RoutingConfig={"AdditionalVersionWeights": {}},
                )
        timeline.append(CanaryMinute(minute, weight, invocations, errors, verdict))
    return timeline


def plot_canary(timeline: Sequence[CanaryMinute], policy: CanaryPolicy) -> Figure:
    """The canary's weight and its cumulative error rate per virtual minute, with the threshold."""
    figure = Figure(figsize=(7, 3.4), layout="constrained")
    axes = figure.add_subplot()
    minutes = [m.minute for m in timeline]
    axes.step(minutes, [100 * m.weight for m in timeline], where="post", label="traffic to version 2 (%)")
    axes.plot(minutes, [100 * m.error_rate for m in timeline], marker="o", label="version 2 error rate (%)")
    axes.axhline(100 * policy.threshold, color="red", linestyle="--", label="rollback threshold")
    for m in timeline:
        if m.verdict != "bake":
            axes.annotate(
                m.verdict,
                (m.minute, 100 * m.error_rate),
                textcoords="offset points",
                xytext=(6, -14),
                fontsize=8,
            )
            break
    axes.set(xlabel="virtual minute", ylabel="percent", title="Canary deployment with automatic rollback")
    count_axis(axes.xaxis)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return figure


def record_pyramid(root: Path = COURSE_ROOT) -> dict[str, Any]:
    """Count the course's tests per tier with ``pytest --collect-only -q`` and time one file per tier."""
    started = time.perf_counter()
    counts = parse_collected(collect_tests(root, "tests"))
    collect_s = time.perf_counter() - started
    import subprocess

    per_test: dict[str, float] = {}
    outcomes: dict[str, str] = {}
    for tier, path in PYRAMID_SAMPLE.items():
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-n",
                "0",
                "-p",
                "no:cacheprovider",
                "--durations=0",
                "-vv",
                path,
            ],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        seconds = parse_durations(completed.stdout)
        per_test[tier] = statistics.fmean(seconds.values()) if seconds else 0.0
        outcomes[tier] = (
            completed.stdout.strip().splitlines()[-1].strip("= ") if completed.stdout.strip() else ""
        )
    recording = {
        "recorded_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": "pytest --collect-only -q tests; pytest --durations=0 -vv <one file per tier>",
        "collect_s": round(collect_s, 1),
        "counts": counts,
        "mean_s_per_test": {tier: round(s, 3) for tier, s in per_test.items()},
        "sample": PYRAMID_SAMPLE,
        "sample_outcome": outcomes,
    }
    PYRAMID_RECORDING.write_text(json.dumps(recording, indent=2) + "\n")
    return recording


def read_pyramid() -> dict[str, Any]:
    """The recorded test pyramid."""
    recording: dict[str, Any] = json.loads(PYRAMID_RECORDING.read_text())
    return recording


def plot_pyramid(counts: dict[str, int], mean_s: dict[str, float]) -> Figure:
    """Tests per tier as a pyramid (unit at the bottom) beside the mean seconds a test of each tier takes."""
    figure = Figure(figsize=(8, 3.2), layout="constrained")
    left, right = figure.subplots(1, 2)
    order = list(TIERS)
    left.barh(order, [counts[t] for t in order], color="tab:blue")
    left.set(xlabel="tests collected", title="How many")
    count_axis(left.xaxis)
    right.barh(order, [mean_s[t] for t in order], color="tab:orange")
    right.set(xlabel="mean seconds per test (sample)", title="How slow", xscale="log")
    return figure


def main(argv: Sequence[str] = ()) -> int:
    """Run the demonstration and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    if "--record-pyramid" in argv:
        recording = record_pyramid()
        print(json.dumps(recording, indent=2))
        return 0
    with aws_sandbox() as sandbox:
        print("1. Pattern 02's template deployed to CloudFormation, every declared resource checked")
        started = time.perf_counter()
        deployment = deploy_items_api(sandbox)
        print(
            f"   stack {deployment.stack}: CREATE_COMPLETE in {time.perf_counter() - started:.1f} s "
            "(including loading moto's CloudFormation)"
        )
        for check in deployment.checks:
            print(
                f"   {check.logical_id:<13} {check.resource_type:<24} listed {check.listed!s:<5} "
                f"exists {check.exists!s:<5} made by {check.made_by}"
            )
        print(
            f"   moto's CloudFormation skipped {len(deployment.dropped_by_moto)} type(s) silently: "
            f"{', '.join(deployment.dropped_by_moto)}"
        )
        print(f"   missing after the lab filled the gaps: {len(deployment.missing)}")

        print("\n2. Broken templates get one clear message, before anything is deployed")
        for what, message in broken_template_messages().items():
            print(f"   {what}: {message}")

        print(
            "\n3. Pattern 02's integration checks against the deployed stack (function wired to the runtime)"
        )
        function = sandbox.lambdas.function(deployment.names["ItemsFunction"]).config
        print(
            f"   {function.name}: handler {function.handler}, {function.memory_mb} MB, "
            f"{function.timeout_s:g} s, TABLE_NAME={function.environment['TABLE_NAME']}"
        )
        steps = run_integration_checks(deployment, sandbox)
        for step in steps:
            print(f"   {step.what:<27} {step.request:<22} -> {step.status}")

        print("\n4. Alias 'live' with AdditionalVersionWeights {'2': 0.1}: the split measured")
        split = measure_split(sandbox, 0.1, 2000, name="quote-split")
        print(
            f"   2000 invocations: version 1 {split['1']}, version 2 {split['2']} "
            f"({100 * split['2'] / 2000:.1f}% against the weight 10%)"
        )

        print(
            "\n5. Canary at 10% with automatic rollback (error rate above 5% over at least 20 canary calls)"
        )
        policy = CanaryPolicy()
        for label, rate in (("healthy canary (0% failing)", 0.0), ("faulty canary (25% failing)", 0.25)):
            timeline = run_canary(sandbox, policy, rate, minutes=6, name=f"quote-{int(rate * 100)}")
            decided = next((m for m in timeline if m.verdict != "bake"), None)
            outcome = f"{decided.verdict} at minute {decided.minute}" if decided else "still baking"
            print(
                f"   {label}: {outcome}; canary calls {timeline[-1].canary_invocations}, errors "
                f"{timeline[-1].canary_errors}; traffic to version 2 at the end "
                f"{100 * timeline[-1].weight:.0f}%"
            )
        errors = sum(
            1
            for r in sandbox.lambdas.reports
            if r.function_name.startswith("quote-25") and r.status != "success"
        )
        print(f"   failed requests users saw from the faulty canary before rollback: {errors}")

        print("\n6. The test pyramid of this course (recorded run)")
        recording = read_pyramid()
        print(f"   recorded {recording['recorded_at']} by `python -m patterns.deploy_test --record-pyramid`")
        for tier in TIERS:
            print(
                f"   {tier:<12} {recording['counts'][tier]:>5} tests, mean "
                f"{recording['mean_s_per_test'][tier]:.3f} s per test (sample {recording['sample'][tier]})"
            )
        print(
            f"   total {sum(recording['counts'].values())} tests; "
            f"collection alone took {recording['collect_s']} s"
        )
    return 0
