"""Seed 000's "save 70%" claim, taken apart: what each course pattern measured its lever to save.

Each lever's figures come from the pattern that measures it, by calling that pattern's code:

* batching: pattern 09's pipeline run at batch size 1 and 10, priced by its ``run_cost_per_million``;
* right-sizing: this pattern's tuning of the I/O-bound handler, from an oversized memory to the
  cost-optimal size;
* arm64: the same tuning point priced on arm64 (assumed as fast: measure yours);
* HTTP API against REST API: pattern 02's ``cost_per_million`` at the tuned handler's billed duration;
* cached secrets: pattern 21's ``cost_run``, fetching the secret on every request against a cache with a
  300 s maximum age (Secrets Manager calls per million invocations, priced);
* no Lambda-calls-Lambda: pattern 06's events-against-invoke comparison (its ``compare``).

Each saving is a share of that lever's own bill; they compound only if every lever applies to
the whole of one bill, which no real bill does.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from patterns.api_crud.demo import cost_per_million as api_cost_per_million
from patterns.choreography.demo import compare
from patterns.cost.exceptions import TuningError
from patterns.cost.service import choose
from patterns.cost.tuning import TuningRun
from patterns.lab.capabilities import Capability
from patterns.lab.sandbox import Sandbox
from patterns.queue_batching.economics import run_cost_per_million
from patterns.queue_batching.pipeline import PipelineConfig, run_pipeline
from patterns.secrets_config.demo import cost_run, secrets_lab
from patterns.secrets_config.service import FETCH, MAX_AGE

__all__ = ["OVERSIZED_MB", "SECRETS_MAX_AGE_S", "Lever", "compounded_percent", "levers"]

OVERSIZED_MB = 1024
"""The right-sizing lever's starting point: a function left at 1,024 MB."""
_runs = itertools.count(1)
SECRETS_MAX_AGE_S = 300
"""The cached-secrets lever's cache: Powertools' parameter cache with this maximum age."""


@dataclass(frozen=True)
class Lever:
    """One lever of the claim: a bill per million before and after, as one pattern measured it."""

    lever: str
    pattern: str
    before_usd_per_million: float
    after_usd_per_million: float

    @property
    def saving_percent(self) -> float:
        return 100 * (1 - self.after_usd_per_million / self.before_usd_per_million)


def compounded_percent(found: Sequence[Lever]) -> float:
    """The saving if every lever that saved applied, one after another, to the whole of one bill."""
    kept = math.prod(1 - lever.saving_percent / 100 for lever in found if lever.saving_percent > 0)
    return 100 * (1 - kept)


def levers(
    sandbox: Sandbox, io_run: TuningRun, *, messages: int = 10, secrets_s: float = 40.0
) -> list[Lever]:
    """Measure every lever: runs pattern 09's pipeline twice, pattern 21's function for ``secrets_s`` of
    virtual time with and without its cache, and pattern 06's two compositions."""
    found = []
    run = next(_runs)
    single = run_pipeline(sandbox, PipelineConfig(messages=messages, batch_size=1), name=f"cost{run}-batch-1")
    batched = run_pipeline(
        sandbox, PipelineConfig(messages=messages, batch_size=10), name=f"cost{run}-batch-10"
    )
    found.append(
        Lever(
            "batching (10 messages per invocation)",
            "09 queue-batching",
            run_cost_per_million(single).total,
            run_cost_per_million(batched).total,
        )
    )
    x86 = {point.memory_mb: point for point in io_run.points["x86_64"]}
    if OVERSIZED_MB not in x86:
        raise TuningError(f"the tuning run has no {OVERSIZED_MB} MB point to right-size from: {sorted(x86)}")
    right = choose(io_run.points["x86_64"], "cost")
    found.append(
        Lever(
            f"right-sizing ({OVERSIZED_MB} -> {right.memory_mb} MB)",
            "22 cost",
            x86[OVERSIZED_MB].usd_per_million,
            right.usd_per_million,
        )
    )
    arm = {point.memory_mb: point for point in io_run.points["arm64"]}[right.memory_mb]
    found.append(Lever("arm64 instead of x86_64", "22 cost", right.usd_per_million, arm.usd_per_million))
    rest = api_cost_per_million(api="rest", billed_ms=right.billed_ms, memory_mb=right.memory_mb)
    http = api_cost_per_million(api="http", billed_ms=right.billed_ms, memory_mb=right.memory_mb)
    found.append(Lever("HTTP API instead of REST API", "02 api-crud", rest.total, http.total))
    with secrets_lab(sandbox, f"cost{run}-secrets") as lab:
        fetching = cost_run(lab, FETCH, duration_s=secrets_s)
        cached = cost_run(lab, MAX_AGE, max_age_s=SECRETS_MAX_AGE_S, duration_s=secrets_s)
    found.append(
        Lever(
            f"cached secrets (max age {SECRETS_MAX_AGE_S} s)",
            "21 secrets-config",
            fetching.usd_per_million,
            cached.usd_per_million,
        )
    )
    if not sandbox.unavailable(Capability.PUSH_DELIVERIES, "pattern 06's events-vs-invoke lever"):
        by_style = {row.composition: row for row in compare(sandbox, orders=1)}
        found.append(
            Lever(
                "events instead of Lambda calling Lambda",
                "06 choreography",
                by_style["invoke"].usd_per_million,
                by_style["events"].usd_per_million,
            )
        )
    return found
