"""The secrets-and-configuration demonstration: what caching a secret saves, what rotation does to a
cache and the fix, per-stage settings from SSM paths, and a hard-coded secret found by a scanner. The
notebook calls these functions.

Every handler runs in ``sandbox.lambdas`` (``routing="spread"``: requests in turn visit every warm
environment, each with its own cache) against Secrets Manager and SSM on moto. Powertools' cache reads
the sandbox's virtual clock (:mod:`patterns.lab.powertools_clock`), so ``max_age`` runs out without
waiting. Every API call is counted by a botocore hook; every dollar is :mod:`patterns.lab.pricing`
applied to what was counted. Rotation is a new secret version: Secrets Manager moves ``AWSCURRENT`` and
the stand-in database accepts only the current password from then on.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_lambda_powertools.utilities.parameters.constants import DEFAULT_MAX_AGE_SECS
from matplotlib.figure import Figure

from patterns.lab import pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import category_ticks, count_axis, table
from patterns.lab.powertools_clock import PARAMETERS_MODULES, powertools_on_clock
from patterns.lab.sandbox import Sandbox
from patterns.secrets_config import adapters
from patterns.secrets_config.adapters import ApiCallCounter, Finding, scan_text
from patterns.secrets_config.service import FETCH, LABELS, LRU, MAX_AGE, REFRESH, per_million

__all__ = [
    "DEMO_NEEDS",
    "FIXED_SAMPLE",
    "HARD_CODED_SAMPLE",
    "POWERTOOLS_DEFAULT_MAX_AGE_S",
    "STAGES",
    "CostRun",
    "RotationRun",
    "SecretsLab",
    "cost_run",
    "explore",
    "main",
    "plot_api_calls",
    "plot_rotation",
    "rotation_run",
    "scan_samples",
    "scan_seed_articles",
    "secrets_lab",
    "stage_answers",
]

DEMO_NEEDS: tuple[
    Capability, ...
] = ()  # the lab invokes every function itself; Secrets Manager and SSM are all

STAGES: dict[str, dict[str, str]] = {
    "dev": {"table_name": "orders-dev", "timeout_ms": "3000", "feature_flags": "new-checkout,verbose-errors"},
    "prod": {"table_name": "orders-prod", "timeout_ms": "800", "feature_flags": "new-checkout"},
}
_LOG_LEVELS = {"dev": "DEBUG", "prod": "INFO"}  # a plain setting: an environment variable, not SSM
_SAMPLES = Path(__file__).with_name("samples")
HARD_CODED_SAMPLE = _SAMPLES / "hard_coded_handler.py.txt"
FIXED_SAMPLE = _SAMPLES / "fixed_handler.py.txt"
_ids = itertools.count(1)
POWERTOOLS_DEFAULT_MAX_AGE_S = int(DEFAULT_MAX_AGE_SECS)  # Powertools' own default, read from it


@dataclass
class SecretsLab:
    """The secrets, the per-stage parameters and the function of one run, with the API-call counter."""

    sandbox: Sandbox
    prefix: str
    counter: ApiCallCounter
    secrets: dict[str, str] = field(default_factory=dict)  # stage -> secret name
    password_version: int = 1

    @property
    def function(self) -> str:
        return f"{self.prefix}-query-orders"

    def deploy(
        self,
        strategy: str,
        *,
        stage: str = "prod",
        max_age_s: int = 300,
        environments: int = 3,
        name: str = "",
    ) -> str:
        """(Re)deploy the function with ``strategy``: new settings discard its environments, as on Lambda;
        ``environments`` are initialised ahead (provisioned) and requests spread over them."""
        function = name or self.function
        self.sandbox.lambdas.deploy(
            function,
            "patterns.secrets_config.handlers.query_orders",
            environment={
                "STAGE": stage,
                "SECRET_STRATEGY": strategy,
                "CACHE_MAX_AGE_S": str(max_age_s),
                "LOG_LEVEL": _LOG_LEVELS.get(stage, "INFO"),
            },
            routing="spread",
            provisioned_concurrency=environments,
            timeout_s=10.0,
        )
        return function

    def invoke(self, function: str | None = None) -> tuple[dict[str, Any], str]:
        """The function's answer and the environment that served it."""
        invocation = self.sandbox.lambdas.invoke(
            function or self.function, {"sql": "select count(*) from orders"}
        )
        payload = invocation.payload if isinstance(invocation.payload, dict) else {"status": 500}
        if not invocation.ok:
            payload = {"status": 500, "error": str(invocation.payload)}
        return payload, invocation.report.environment_id

    def rotate(self, stage: str = "prod") -> str:
        """A new password for ``stage``'s database: a new secret version (``AWSCURRENT`` moves to it)."""
        self.password_version += 1
        return adapters.rotate_secret(
            self.sandbox.client("secretsmanager"),
            self.secrets[stage],
            _credentials(stage, self.password_version),
        )


def _credentials(stage: str, version: int) -> dict[str, str]:
    return {"username": f"app_{stage}", "password": f"{stage}-pw-v{version}", "host": f"db.{stage}.internal"}


@contextmanager
def secrets_lab(sandbox: Sandbox, prefix: str | None = None) -> Iterator[SecretsLab]:
    """Both stages' secrets and SSM settings, with the counter on and Powertools on the sandbox's clock
    (undone on exit)."""
    prefix = prefix or f"sc{next(_ids)}"
    lab = SecretsLab(sandbox, prefix, ApiCallCounter())
    secrets, ssm = sandbox.client("secretsmanager"), sandbox.client("ssm")
    for stage, settings in STAGES.items():
        lab.secrets[stage] = f"{prefix}/{stage}/db"
        adapters.create_secret(secrets, lab.secrets[stage], _credentials(stage, lab.password_version))
        adapters.put_stage_parameters(ssm, stage, {**settings, "db_secret_id": lab.secrets[stage]})
    with powertools_on_clock(sandbox.clock, PARAMETERS_MODULES, attribute="datetime"), lab.counter.counting():
        yield lab


# --- caching: API calls and dollars -----------------------------------------------------------------
@dataclass(frozen=True)
class CostRun:
    """One steady run of one strategy: invocations, the API calls they made, scaled per million."""

    strategy: str
    max_age_s: int
    environments: int
    interval_s: float
    invocations: int
    secrets_calls: int
    ssm_calls: int

    @property
    def secrets_calls_per_million(self) -> float:
        return per_million(self.secrets_calls, self.invocations)

    @property
    def ssm_calls_per_million(self) -> float:
        return per_million(self.ssm_calls, self.invocations)

    @property
    def usd_per_million(self) -> float:
        """Secrets Manager API calls per million invocations, priced (SSM standard throughput: free)."""
        return pricing.secrets_manager_cost(
            round(self.secrets_calls_per_million)
        ) + pricing.ssm_parameter_cost(round(self.ssm_calls_per_million))

    @property
    def usd_per_million_higher_throughput(self) -> float:
        """The same with SSM's higher throughput enabled (its calls are then priced too)."""
        return pricing.secrets_manager_cost(
            round(self.secrets_calls_per_million)
        ) + pricing.ssm_parameter_cost(round(self.ssm_calls_per_million), higher_throughput=True)


def cost_run(
    lab: SecretsLab,
    strategy: str,
    *,
    max_age_s: int = 300,
    environments: int = 3,
    duration_s: float = 600.0,
    interval_s: float = 4.0,
) -> CostRun:
    """One request every ``interval_s`` of virtual time for ``duration_s``, spread over ``environments``;
    the Secrets Manager and SSM calls they made (environment start-up included)."""
    lab.counter.reset()
    lab.deploy(strategy, max_age_s=max_age_s, environments=environments)
    invocations = 0
    for _ in range(int(duration_s / interval_s)):
        answer, _environment = lab.invoke()
        if answer.get("status") != 200:
            raise RuntimeError(f"{strategy}: the function failed without a rotation: {answer}")
        invocations += 1
        lab.sandbox.advance(interval_s)
    counts = lab.counter.snapshot()
    return CostRun(
        strategy, max_age_s, environments, interval_s, invocations, counts["secretsmanager"], counts["ssm"]
    )


# --- rotation -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RotationRun:
    """Requests before and after a rotation: when each ran (s since the rotation), where, and the answer."""

    strategy: str
    max_age_s: int
    environments: int
    outcomes: tuple[
        tuple[float, int, int, bool], ...
    ]  # (t since rotation, environment index, status, refreshed)
    secrets_calls: int
    versions: dict[str, list[str]]

    @property
    def failures(self) -> int:
        return sum(1 for _, _, status, _ in self.outcomes if status != 200)

    @property
    def refreshes(self) -> int:
        return sum(1 for *_, refreshed in self.outcomes if refreshed)

    @property
    def failing_for_s(self) -> float:
        """From the rotation to the last refused request (0 when none was refused)."""
        times = [t for t, _, status, _ in self.outcomes if status != 200]
        return max(times) if times else 0.0

    @property
    def invocations(self) -> int:
        return len(self.outcomes)


def rotation_run(
    lab: SecretsLab,
    strategy: str,
    *,
    max_age_s: int = 300,
    environments: int = 3,
    before_s: float = 60.0,
    after_s: float = 420.0,
    interval_s: float = 5.0,
) -> RotationRun:
    """Steady requests; ``before_s`` in, the prod secret rotates; requests go on for ``after_s``."""
    lab.counter.reset()
    lab.deploy(strategy, max_age_s=max_age_s, environments=environments)
    rotated_at: float | None = None
    start = lab.sandbox.clock.elapsed
    order: dict[str, int] = {}
    outcomes = []
    while lab.sandbox.clock.elapsed - start < before_s + after_s:
        if rotated_at is None and lab.sandbox.clock.elapsed - start >= before_s:
            lab.rotate("prod")
            rotated_at = lab.sandbox.clock.elapsed
        answer, environment = lab.invoke()
        index = order.setdefault(environment, len(order))
        since = (
            lab.sandbox.clock.elapsed - rotated_at
            if rotated_at is not None
            else lab.sandbox.clock.elapsed - start - before_s
        )
        outcomes.append((since, index, int(answer.get("status", 500)), bool(answer.get("refreshed", False))))
        lab.sandbox.advance(interval_s)
    versions = adapters.version_stages(lab.sandbox.client("secretsmanager"), lab.secrets["prod"])
    return RotationRun(
        strategy, max_age_s, environments, tuple(outcomes), lab.counter.of("secretsmanager"), versions
    )


# --- per-stage configuration ----------------------------------------------------------------------
def stage_answers(lab: SecretsLab) -> dict[str, dict[str, Any]]:
    """One function per stage, same code, different ``STAGE``: what each read from ``/app/<stage>/``."""
    answers = {}
    for stage in STAGES:
        function = lab.deploy(MAX_AGE, stage=stage, environments=1, name=f"{lab.prefix}-{stage}")
        answers[stage], _ = lab.invoke(function)
    return answers


# --- a hard-coded secret --------------------------------------------------------------------------
def scan_samples() -> dict[str, list[Finding]]:
    """detect-secrets on the sample handler with a hard-coded secret, and on its fix."""
    return {
        path.name: scan_text(path.read_text(encoding="utf-8"), path.name)
        for path in (HARD_CODED_SAMPLE, FIXED_SAMPLE)
    }


def scan_seed_articles(folder: Path | str) -> dict[str, list[Finding]]:
    """detect-secrets on every ``*.txt`` article in ``folder`` (the course's source articles)."""
    return {
        path.name: scan_text(path.read_text(encoding="utf-8"), path.name, suffix=".txt")
        for path in sorted(Path(folder).glob("*.txt"))
    }


# --- figures and the notebook's widget --------------------------------------------------------------
def plot_api_calls(runs: Sequence[CostRun]) -> Figure:
    """Secrets Manager calls per million invocations, one bar per run (log scale: they differ by 100x)."""
    figure = Figure(figsize=(7.5, 3.6), layout="constrained")
    axes = figure.subplots()
    labels = [
        f"{LABELS[r.strategy]}" + (f"\n{r.max_age_s} s" if r.strategy in (MAX_AGE, REFRESH) else "")
        for r in runs
    ]
    values = [max(r.secrets_calls_per_million, 1.0) for r in runs]
    positions = list(range(len(runs)))
    axes.bar(positions, values, color="tab:blue")
    axes.set_yscale("log")
    for x, run in zip(positions, runs, strict=True):
        axes.annotate(
            f"${run.usd_per_million:,.2f}",
            (x, max(run.secrets_calls_per_million, 1.0)),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    category_ticks(axes, positions, labels, width_in=7.5)
    axes.set_ylabel("GetSecretValue per 1M invocations (log)")
    axes.set_title("Secrets Manager API calls per million invocations (label: USD per million)")
    axes.margins(y=0.25)
    return figure


def plot_rotation(runs: Sequence[RotationRun]) -> Figure:
    """Each request after (and before) a rotation: which environment served it and whether the database
    accepted it, one panel per strategy."""
    figure = Figure(figsize=(8.0, 1.5 + 1.3 * len(runs)), layout="constrained")
    panels = figure.subplots(len(runs), 1, sharex=True, squeeze=False)[:, 0]
    for axes, run in zip(panels, runs, strict=True):
        for status, colour, label in ((200, "tab:green", "accepted"), (502, "tab:red", "refused")):
            points = [(t, e) for t, e, s, _ in run.outcomes if (s == 200) == (status == 200)]
            if points:
                axes.scatter([p[0] for p in points], [p[1] for p in points], s=14, color=colour, label=label)
        refreshed = [(t, e) for t, e, _, r in run.outcomes if r]
        if refreshed:
            axes.scatter(
                [p[0] for p in refreshed],
                [p[1] for p in refreshed],
                s=60,
                facecolors="none",
                edgecolors="black",
                label="refreshed",
            )
        axes.axvline(0, color="grey", linestyle="--", linewidth=1)
        age = f" (max_age {run.max_age_s} s)" if run.strategy in (MAX_AGE, REFRESH) else ""
        axes.set_title(f"{LABELS[run.strategy]}{age}: {run.failures} refused", fontsize=9)
        axes.set_ylabel("environment")
        axes.set_yticks(range(run.environments))
        axes.set_ylim(-0.6, run.environments - 0.4)
        count_axis(axes.yaxis)
    panels[-1].set_xlabel("seconds since the rotation (virtual time)")
    handles, labels = [], []
    for axes in panels:
        for handle, label in zip(*axes.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    figure.legend(handles, labels, loc="outside upper center", ncols=3, fontsize=8)
    return figure


def explore(sandbox: Sandbox, max_age_s: int = 300) -> Figure:
    """The widget's run: a rotation with and without refresh-on-refusal at ``max_age_s``; prints what it
    measured and draws it."""
    with secrets_lab(sandbox) as lab:
        runs = [
            rotation_run(lab, strategy, max_age_s=max_age_s, before_s=30, after_s=330, interval_s=10)
            for strategy in (MAX_AGE, REFRESH)
        ]
    for r in runs:
        print(
            f"max_age {max_age_s} s, {LABELS[r.strategy]}: {r.failures} of {r.invocations} requests "
            f"refused, the last {r.failing_for_s:.0f} s after the rotation; "
            f"{r.secrets_calls} GetSecretValue calls"
        )
    return plot_rotation(runs)


# --- the demonstration -------------------------------------------------------------------------------
def main() -> int:
    """Run every part and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox, secrets_lab(sandbox) as lab:
        print("1. Caching: one request every 4 s for 10 virtual minutes over 3 environments")
        runs = [
            cost_run(lab, FETCH),
            cost_run(lab, MAX_AGE, max_age_s=5),
            cost_run(lab, MAX_AGE, max_age_s=POWERTOOLS_DEFAULT_MAX_AGE_S),
        ]
        print(f"   (max_age {POWERTOOLS_DEFAULT_MAX_AGE_S} s is Powertools' default)")
        print(
            table(
                [
                    {
                        "strategy": LABELS[r.strategy],
                        "max_age_s": r.max_age_s if r.strategy != FETCH else "-",
                        "invocations": r.invocations,
                        "GetSecretValue": r.secrets_calls,
                        "SSM calls": r.ssm_calls,
                        "SM calls per 1M": f"{r.secrets_calls_per_million:,.0f}",
                        "USD per 1M": f"{r.usd_per_million:.4f}",
                        "USD per 1M (SSM higher throughput)": f"{r.usd_per_million_higher_throughput:.4f}",
                    }
                    for r in runs
                ]
            )
        )
        print(
            f"   the secret itself: ${pricing.secrets_manager_cost(0, secrets=1):.2f} per month, "
            "whatever the calls"
        )

        print("\n2. Rotation at t=0: a new version takes AWSCURRENT; the database accepts only it")
        rotations = [rotation_run(lab, strategy) for strategy in (FETCH, LRU, MAX_AGE, REFRESH)]
        for r in rotations:
            print(
                f"   {LABELS[r.strategy]:<30} {r.failures:>3} of {r.invocations} refused, last refusal "
                f"{r.failing_for_s:>5.0f} s after the rotation, {r.refreshes} refreshes, "
                f"{r.secrets_calls} GetSecretValue"
            )
        stages = rotations[-1].versions
        print("   versions now: " + ", ".join(f"{v[:8]} {labels}" for v, labels in stages.items()))

        print("\n3. Per-stage settings: same code, STAGE=dev or prod, settings from /app/<stage>/ in SSM")
        for stage, answer in stage_answers(lab).items():
            print(
                f"   {stage:<5} table={answer.get('table')} timeout_ms={answer.get('timeout_ms')} "
                f"flags={answer.get('feature_flags')} LOG_LEVEL={answer.get('log_level')} "
                "(environment variable)"
            )

    print("\n4. A hard-coded secret, found by detect-secrets")
    for name, findings in scan_samples().items():
        found = ", ".join(f"line {f.line}: {f.kind}" for f in findings) or "nothing"
        print(f"   {name}: {len(findings)} finding(s): {found}")
    seeds = Path(os.environ.get("SEEDS_DIR", "/work/shared/seeds"))
    if seeds.is_dir():
        results = scan_seed_articles(seeds)
        print(
            f"   the seed articles: {len(results)} files, {sum(len(f) for f in results.values())} finding(s)"
        )
        for name, findings in results.items():
            for finding in findings:
                print(f"     {name} line {finding.line}: {finding.kind}")
    else:
        print("   the seed articles are not in this copy of the course (set SEEDS_DIR to scan them)")
    return 0
