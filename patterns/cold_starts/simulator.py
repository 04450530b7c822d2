"""A platform simulator for cold starts: scale-per-request execution environments under keep-alive policies.

Model (the one SimFaaS and AWS Lambda share): each request needs an execution environment to itself
for its service time. An idle, live environment serves it warm; otherwise a new environment starts
cold (the request takes ``cold_start_s`` longer), unless ``concurrency_limit`` requests are already
running, in which case it is throttled (Lambda's 429). After a request an environment stays alive for
the policy's keep-alive and then expires; an arrival at exactly ``last departure + keep-alive`` finds
it expired, and a departure at the same instant as an arrival frees the environment first.

Policies: :class:`FixedKeepAlive`, :class:`ProvisionedConcurrency`, :class:`ScheduledWarmer` and
:class:`HistogramKeepAlive`. :func:`simulate` runs one policy over an array of arrival times and
returns a :class:`SimulationResult` (cold starts, throttles, latency percentiles, busy and idle
environment-seconds, instance counts and cost from :mod:`patterns.lab.pricing`).
:func:`simulate_simfaas_configuration` runs the configuration of SimFaaS (Mahmoudi & Khazaei,
CLOSER 2021) that ``tests/benchmarks/cold_start_fidelity.py`` checks us against.

Which idle environment serves a request (``reuse``): ``"most_recently_used"`` (default; the one that
finished last, which keeps the fewest environments alive) or ``"most_recently_created"`` (SimFaaS).
Fixed keep-alive and warmer policies with ``"most_recently_used"`` run on a vectorised numpy path
(0.7 to 1.3 million simulated requests per second here, 30-50x SimFaaS; see
``tests/benchmarks/cold_start_speed.py``); everything else runs an exact event loop.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from patterns.cold_starts.traffic import poisson
from patterns.lab import pricing
from patterns.lab.exceptions import LabError
from patterns.lab.limits import ACCOUNT_CONCURRENCY_DEFAULT, IDLE_EXPIRY_DEFAULT_S

__all__ = [
    "DEFAULT_COLD_START_S",
    "DEFAULT_WARM_SERVICE_S",
    "CostBreakdown",
    "Engine",
    "FixedKeepAlive",
    "HistogramKeepAlive",
    "LittlesLaw",
    "Policy",
    "ProvisionedConcurrency",
    "Reuse",
    "ScheduledWarmer",
    "ServiceModel",
    "SimulationError",
    "SimulationResult",
    "compare_policies",
    "simulate",
    "simulate_simfaas_configuration",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
ServiceModel = Literal["fixed", "exponential"]
Reuse = Literal["most_recently_used", "most_recently_created"]
Engine = Literal["auto", "event_loop"]

# Lab defaults (a hello-world handler): REFERENCE.md gives hello-world cold starts "mostly under 500 ms".
DEFAULT_WARM_SERVICE_S: Final = 0.1
DEFAULT_COLD_START_S: Final = 0.5
_FIXED_POINT_ITERATION_CAP: Final = 60


class SimulationError(LabError, ValueError):
    """The simulator was given a trace, policy or parameter it cannot simulate."""


# --- Policies -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FixedKeepAlive:
    """Every environment expires ``keep_alive_s`` seconds after its last request finished."""

    keep_alive_s: float = IDLE_EXPIRY_DEFAULT_S

    @property
    def label(self) -> str:
        return f"keep-alive {self.keep_alive_s / 60:g} min"


@dataclass(frozen=True, slots=True)
class ProvisionedConcurrency:
    """``concurrency`` environments initialised before the first request and never expired.

    Requests use a free provisioned environment first; the rest spill over to on-demand
    environments that follow a fixed keep-alive of ``keep_alive_s``.
    """

    concurrency: int
    keep_alive_s: float = IDLE_EXPIRY_DEFAULT_S

    @property
    def label(self) -> str:
        return f"provisioned {self.concurrency}"


@dataclass(frozen=True, slots=True)
class ScheduledWarmer:
    """A schedule invokes the function every ``interval_s`` seconds (from t=0) with ``pings_per_tick``
    concurrent pings of ``ping_s`` each, on top of a fixed keep-alive of ``keep_alive_s``.

    One ping keeps one environment warm: a burst that needs N environments still meets N-1 cold
    starts. Pings are counted and priced (invocations and schedule), not counted as requests.
    """

    interval_s: float = 300.0
    keep_alive_s: float = IDLE_EXPIRY_DEFAULT_S
    ping_s: float = 0.01
    pings_per_tick: int = 1

    @property
    def label(self) -> str:
        return f"warmer every {self.interval_s / 60:g} min x{self.pings_per_tick}"


@dataclass(frozen=True, slots=True)
class HistogramKeepAlive:
    """The hybrid histogram policy of Shahrad et al. (USENIX ATC 2020), for one function.

    Idle times (from the end of the function's last execution to the next arrival, while nothing
    runs) go into a histogram of ``bin_s`` bins over ``range_s``. When it is representative (at least
    ``min_samples`` idle times, coefficient of variation of the bin counts at least ``cv_threshold``,
    at most half of the idle times beyond the range), after each execution the environment is
    unloaded for a pre-warm window (head percentile, less ``margin``) and then kept alive for a
    keep-alive window (tail percentile plus ``margin``, minus the pre-warm window). Otherwise it
    falls back to a fixed keep-alive of ``fallback_keep_alive_s``. Pre-warming is not billed.
    """

    bin_s: float = 60.0
    range_s: float = 4 * 3600.0
    head_percentile: float = 5.0
    tail_percentile: float = 99.0
    margin: float = 0.10
    min_samples: int = 10
    cv_threshold: float = 2.0
    fallback_keep_alive_s: float = IDLE_EXPIRY_DEFAULT_S

    @property
    def label(self) -> str:
        return "hybrid histogram"


Policy: TypeAlias = FixedKeepAlive | ProvisionedConcurrency | ScheduledWarmer | HistogramKeepAlive


# --- Results ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """What the simulated span costs in USD (no free tier): on-demand requests and duration (billed
    init included, since August 2025), provisioned concurrency (kept warm plus its duration and
    requests) and the warmer (its invocations and schedule)."""

    on_demand_requests: float
    on_demand_duration: float
    provisioned: float
    warmer: float
    total: float


@dataclass(frozen=True, slots=True)
class LittlesLaw:
    """Little's law L = lambda W for the environments: average busy environments against
    invocation rate x mean service time (cold penalty included)."""

    average_busy: float
    arrival_rate: float
    mean_service_s: float

    @property
    def expected(self) -> float:
        return self.arrival_rate * self.mean_service_s

    @property
    def relative_gap(self) -> float:
        return abs(self.average_busy - self.expected) / self.expected if self.expected else 0.0


@dataclass(frozen=True, slots=True, eq=False)
class SimulationResult:
    """The outcome of one simulation. Counts are of requests (warmer pings are counted apart);
    latencies are of served requests, in seconds; environment-seconds are over ``duration_s``.

    Per request: ``latencies_s`` (NaN when throttled) and ``cold_start_mask``; live environments at
    any instants: :meth:`instances_at`.
    """

    policy: Policy
    requests: int
    cold_starts: int
    throttled: int
    latency_p50_s: float
    latency_p90_s: float
    latency_p99_s: float
    latency_max_s: float
    latency_mean_s: float
    busy_env_seconds: float
    idle_env_seconds: float
    duration_s: float
    peak_instances: int
    warmer_invocations: int
    warmer_cold_starts: int
    memory_mb: int
    architecture: pricing.Architecture
    cost: CostBreakdown
    latencies_s: FloatArray = field(repr=False)
    cold_start_mask: BoolArray = field(repr=False)
    instance_counter: Callable[[FloatArray], npt.NDArray[np.int64]] = field(repr=False)

    @property
    def cold_start_fraction(self) -> float:
        """Cold starts over all requests (throttled ones included, as SimFaaS counts)."""
        return self.cold_starts / self.requests if self.requests else 0.0

    @property
    def average_instances(self) -> float:
        """Time-averaged number of live environments (busy or idle)."""
        alive = self.busy_env_seconds + self.idle_env_seconds
        return alive / self.duration_s if self.duration_s else 0.0

    @property
    def average_busy_instances(self) -> float:
        return self.busy_env_seconds / self.duration_s if self.duration_s else 0.0

    @property
    def idle_fraction(self) -> float:
        """Share of live environment-seconds spent idle (the waste a keep-alive buys warmth with)."""
        alive = self.busy_env_seconds + self.idle_env_seconds
        return self.idle_env_seconds / alive if alive else 0.0

    def instances_at(self, times: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Live environments at each of ``times`` (for plots)."""
        return self.instance_counter(np.atleast_1d(np.asarray(times, dtype=np.float64)))

    def summary(self) -> dict[str, str | int | float]:
        """The headline figures as one flat row (for a table of policies)."""
        return {
            "policy": self.policy.label,
            "requests": self.requests,
            "cold_starts": self.cold_starts,
            "cold_start_fraction": self.cold_start_fraction,
            "throttled": self.throttled,
            "latency_p50_s": self.latency_p50_s,
            "latency_p99_s": self.latency_p99_s,
            "average_instances": self.average_instances,
            "peak_instances": self.peak_instances,
            "idle_env_seconds": self.idle_env_seconds,
            "warmer_invocations": self.warmer_invocations,
            "cost_usd": self.cost.total,
        }

    def littles_law(self) -> LittlesLaw:
        """Little's law over every invocation (requests and pings) that ran."""
        served = ~np.isnan(self.latencies_s)
        invocations = int(served.sum()) + self.warmer_invocations
        return LittlesLaw(
            average_busy=self.average_busy_instances,
            arrival_rate=invocations / self.duration_s if self.duration_s else 0.0,
            mean_service_s=self.busy_env_seconds / invocations if invocations else 0.0,
        )


# --- Validation ---------------------------------------------------------------------------------
def _check_positive(name: str, value: float, *, allow_zero: bool = False) -> None:
    valid = math.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not valid:
        expected = ">= 0" if allow_zero else "> 0"
        raise SimulationError(f"{name} must be a finite number {expected}, got {value!r}")


def _check_policy(policy: object) -> None:
    if isinstance(policy, FixedKeepAlive):
        _check_positive("FixedKeepAlive.keep_alive_s", policy.keep_alive_s, allow_zero=True)
    elif isinstance(policy, ProvisionedConcurrency):
        if isinstance(policy.concurrency, bool) or not isinstance(policy.concurrency, int):
            raise SimulationError(
                f"ProvisionedConcurrency.concurrency must be an int, got {policy.concurrency!r}"
            )
        if policy.concurrency < 0:
            raise SimulationError(
                f"ProvisionedConcurrency.concurrency must be >= 0, got {policy.concurrency}"
            )
        _check_positive("ProvisionedConcurrency.keep_alive_s", policy.keep_alive_s, allow_zero=True)
    elif isinstance(policy, ScheduledWarmer):
        _check_positive("ScheduledWarmer.interval_s", policy.interval_s)
        _check_positive("ScheduledWarmer.keep_alive_s", policy.keep_alive_s, allow_zero=True)
        _check_positive("ScheduledWarmer.ping_s", policy.ping_s)
        if policy.pings_per_tick < 1:
            raise SimulationError(f"ScheduledWarmer.pings_per_tick must be >= 1, got {policy.pings_per_tick}")
    elif isinstance(policy, HistogramKeepAlive):
        _check_positive("HistogramKeepAlive.bin_s", policy.bin_s)
        _check_positive("HistogramKeepAlive.range_s", policy.range_s)
        _check_positive(
            "HistogramKeepAlive.fallback_keep_alive_s", policy.fallback_keep_alive_s, allow_zero=True
        )
        if not 0 <= policy.head_percentile <= policy.tail_percentile <= 100:
            raise SimulationError(
                "HistogramKeepAlive needs 0 <= head_percentile <= tail_percentile <= 100, got "
                f"{policy.head_percentile} and {policy.tail_percentile}"
            )
    else:
        raise SimulationError(
            f"policy must be FixedKeepAlive, ProvisionedConcurrency, ScheduledWarmer or HistogramKeepAlive, "
            f"got {policy!r}"
        )


def _arrivals(arrivals: npt.ArrayLike) -> FloatArray:
    times = np.asarray(arrivals, dtype=np.float64)
    if times.ndim != 1:
        raise SimulationError(f"arrivals must be a 1-D array of times in seconds, got shape {times.shape}")
    if times.size and not np.isfinite(times).all():
        raise SimulationError("arrivals must be finite numbers of seconds; got NaN or infinity")
    if times.size and times[0] < 0:
        raise SimulationError(f"arrival times must be >= 0 s, got {float(times[0])!r}")
    if times.size > 1 and (np.diff(times) < 0).any():
        position = int(np.argmax(np.diff(times) < 0))
        later, earlier = float(times[position + 1]), float(times[position])
        raise SimulationError(
            f"arrivals must be sorted; arrival {position + 1} ({later!r} s) comes before "
            f"arrival {position} ({earlier!r} s)"
        )
    return times


# --- The exact event loop -----------------------------------------------------------------------
@dataclass(slots=True)
class _Histogram:
    """Shahrad et al.'s per-function idle-time histogram, producing (pre-warm, keep-alive) windows."""

    policy: HistogramKeepAlive
    counts: npt.NDArray[np.int64]
    out_of_bounds: int = 0
    windows: tuple[float, float] | None = None
    recorded: int = 0
    recorded_at_last_windows: int = 0

    @classmethod
    def empty(cls, policy: HistogramKeepAlive) -> _Histogram:
        bins = max(1, math.ceil(policy.range_s / policy.bin_s))
        return cls(policy, np.zeros(bins, dtype=np.int64))

    def record(self, idle_s: float) -> None:
        index = int(idle_s // self.policy.bin_s)
        if index >= self.counts.size:
            self.out_of_bounds += 1
        else:
            self.counts[index] += 1
        self.recorded += 1

    def pre_warm_and_keep_alive(self) -> tuple[float, float]:
        """The current windows, recomputed once the histogram has grown by 1% (or 100 idle times)."""
        grown = self.recorded > self.recorded_at_last_windows and (
            self.recorded < 100 or self.recorded >= self.recorded_at_last_windows * 1.01
        )
        if self.windows is None or grown:
            self.windows = self._windows()
            self.recorded_at_last_windows = self.recorded
        return self.windows

    def _windows(self) -> tuple[float, float]:
        policy = self.policy
        fallback = (0.0, policy.fallback_keep_alive_s)
        samples = int(self.counts.sum())
        if samples + self.out_of_bounds < policy.min_samples or self.out_of_bounds * 2 > samples:
            return fallback
        mean = self.counts.mean()
        if self.counts.std() / mean < policy.cv_threshold:
            return fallback
        cumulative = np.cumsum(self.counts) / samples
        head_bin = int(np.searchsorted(cumulative, policy.head_percentile / 100, side="left"))
        tail_bin = int(np.searchsorted(cumulative, policy.tail_percentile / 100, side="left"))
        pre_warm = head_bin * policy.bin_s * (1 - policy.margin)
        keep_alive = (tail_bin + 1) * policy.bin_s * (1 + policy.margin) - pre_warm
        return pre_warm, keep_alive


@dataclass(slots=True)
class _LoopOutcome:
    cold: BoolArray
    throttled: BoolArray
    on_provisioned: BoolArray
    starts: list[float]
    ends: list[float]


def _event_loop(
    times: FloatArray,
    warm: FloatArray,
    cold: FloatArray,
    is_ping: BoolArray,
    *,
    policy: Policy,
    reuse: Reuse,
    concurrency_limit: int,
    duration_s: float,
) -> _LoopOutcome:
    """Exact discrete-event simulation, one invocation at a time."""
    n = times.size
    cold_mask = np.zeros(n, dtype=np.bool_)
    throttled = np.zeros(n, dtype=np.bool_)
    on_provisioned = np.zeros(n, dtype=np.bool_)
    provisioned = policy.concurrency if isinstance(policy, ProvisionedConcurrency) else 0
    histogram = _Histogram.empty(policy) if isinstance(policy, HistogramKeepAlive) else None
    keep_alive = 0.0 if isinstance(policy, HistogramKeepAlive) else policy.keep_alive_s
    newest_first = reuse == "most_recently_created"

    starts: list[float] = [0.0] * provisioned  # one alive segment per (environment, stretch)
    ends: list[float] = [duration_s] * provisioned
    segment_start: list[float] = []  # per on-demand environment
    available_from: list[float] = []
    expiry: list[float] = []
    idle: list[int] = []  # on-demand idle environments: a stack (MRU) or a heap of -id (newest first)
    busy: list[tuple[float, int]] = []  # (departure, environment id; -1 = provisioned)
    idle_provisioned = provisioned
    last_departure = -math.inf
    times_list = times.tolist()
    warm_list = warm.tolist()
    cold_list = cold.tolist()
    ping_list = is_ping.tolist()
    heappush, heappop = heapq.heappush, heapq.heappop

    def release(departure: float, env: int) -> None:
        if histogram is None:
            available_from[env] = departure
            expiry[env] = departure + keep_alive
        else:
            pre_warm, window = histogram.pre_warm_and_keep_alive()
            if pre_warm > 0:
                starts.append(segment_start[env])
                ends.append(departure)
                segment_start[env] = departure + pre_warm
            available_from[env] = departure + pre_warm
            expiry[env] = departure + pre_warm + window
        if newest_first:
            heappush(idle, -env)
        else:
            idle.append(env)

    for i, t in enumerate(times_list):
        while busy and busy[0][0] <= t:
            departure, env = heappop(busy)
            last_departure = departure
            if env < 0:
                idle_provisioned += 1
            else:
                release(departure, env)
        if histogram is not None and not ping_list[i] and not busy and last_departure > -math.inf:
            histogram.record(t - last_departure)
        if len(busy) >= concurrency_limit:
            throttled[i] = True
            continue
        if idle_provisioned:
            idle_provisioned -= 1
            on_provisioned[i] = True
            heappush(busy, (t + warm_list[i], -1))
            continue
        chosen = -1
        if newest_first:
            waiting: list[int] = []
            while idle:
                env = -heappop(idle)
                if expiry[env] <= t:
                    starts.append(segment_start[env])
                    ends.append(expiry[env])
                elif available_from[env] > t:
                    waiting.append(env)
                else:
                    chosen = env
                    break
            for env in waiting:
                heappush(idle, -env)
        elif idle and available_from[idle[-1]] <= t < expiry[idle[-1]]:
            chosen = idle.pop()
        elif idle:
            chosen = _pick_most_recently_used(
                idle,
                t,
                available_from=available_from,
                expiry=expiry,
                segment_start=segment_start,
                starts=starts,
                ends=ends,
            )
        if chosen >= 0:
            heappush(busy, (t + warm_list[i], chosen))
            continue
        cold_mask[i] = True
        segment_start.append(t)
        available_from.append(t)
        expiry.append(math.inf)
        heappush(busy, (t + cold_list[i], len(segment_start) - 1))

    while busy:
        departure, env = heappop(busy)
        if env >= 0:
            release(departure, env)
    for entry in idle:
        env = abs(entry)
        starts.append(segment_start[env])
        ends.append(expiry[env])
    return _LoopOutcome(cold_mask, throttled, on_provisioned, starts, ends)


def _pick_most_recently_used(
    idle: list[int],
    t: float,
    *,
    available_from: list[float],
    expiry: list[float],
    segment_start: list[float],
    starts: list[float],
    ends: list[float],
) -> int:
    """The idle environment that finished last among those live at ``t``; drops expired ones."""
    chosen = -1
    kept: list[int] = []
    for env in idle:
        if expiry[env] <= t:
            starts.append(segment_start[env])
            ends.append(expiry[env])
        else:
            kept.append(env)
    for position in range(len(kept) - 1, -1, -1):
        if available_from[kept[position]] <= t:
            chosen = kept.pop(position)
            break
    idle[:] = kept
    return chosen


# --- The vectorised path: fixed keep-alive, most recently used environment first ----------------
@dataclass(frozen=True, slots=True)
class _RangeMax:
    """Answers ``max(values[lo[k]:hi[k]])`` for fixed ranges (0 when empty) and any ``values``, with a
    sparse table built one level at a time: the ranges are grouped by level once, up front."""

    lo: npt.NDArray[np.int64]
    hi: npt.NDArray[np.int64]
    groups: tuple[npt.NDArray[np.int64], ...]  # groups[k]: ranges whose length is in [2**k, 2**(k+1))

    @classmethod
    def plan(cls, lo: npt.NDArray[np.int64], hi: npt.NDArray[np.int64]) -> _RangeMax:
        length = hi - lo
        nonempty = np.flatnonzero(length > 0)
        level = np.floor(np.log2(length[nonempty])).astype(np.int64)
        order = nonempty[np.argsort(level, kind="stable")]
        top = int(level.max()) if level.size else -1
        bounds = np.searchsorted(np.sort(level), np.arange(top + 2))
        groups = tuple(order[bounds[k] : bounds[k + 1]] for k in range(top + 1))
        return cls(lo, hi, groups)

    def __call__(self, values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        out = np.zeros(self.lo.size, dtype=values.dtype)
        table = values
        for k, queries in enumerate(self.groups):
            if queries.size:
                out[queries] = np.maximum(table[self.lo[queries]], table[self.hi[queries] - (1 << k)])
            if k + 1 < len(self.groups):
                table = np.maximum(table[: -(1 << k)], table[(1 << k) :])
        return out


@dataclass(frozen=True, slots=True)
class _MostRecentlyUsedPool:
    """Live environments under fixed keep-alive when the most recently used idle one serves first.

    Then the environments alive at t are exactly as many as the peak busy count during
    (t - keep_alive, t]: each environment is alive because the busy count reached its rank within the
    last keep-alive. Expiry is decided as in the event loop (``departure + keep_alive <= t``).
    """

    times: FloatArray
    busy_after: npt.NDArray[np.int64]  # busy environments just after each arrival
    expiries: FloatArray  # sorted departure + keep-alive
    keep_alive_s: float

    def alive_at(self, at: FloatArray) -> npt.NDArray[np.int64]:
        """Live environments at each instant of ``at`` (arrivals at exactly ``at`` included)."""
        lo = np.searchsorted(self.times + self.keep_alive_s, at, side="right")
        hi = np.searchsorted(self.times, at, side="right")
        busy_at_start = lo - np.searchsorted(self.expiries, at, side="right")
        alive: npt.NDArray[np.int64] = np.maximum(busy_at_start, _RangeMax.plan(lo, hi)(self.busy_after))
        return alive


def _idle_env_seconds(
    times: FloatArray, departures: FloatArray, keep_alive_s: float, duration_s: float
) -> float:
    """Idle live environment-seconds in [0, duration_s] under the most-recently-used pool.

    Live count >= k at t exactly when the busy count was >= k somewhere in (t - keep_alive, t], so
    each stretch of "busy >= k" is followed by min(keep_alive, gap to the next such stretch) of idle
    environment time at level k. Stretches at level k end at departures leaving k - 1 busy and start
    at arrivals making k busy; grouped by level, each end is followed by the next start.
    """
    n = times.size
    event_times = np.concatenate([np.sort(departures, kind="stable"), times])
    order = np.argsort(event_times, kind="stable")  # by time; at a tie the departure frees first
    is_arrival = order >= n
    busy = np.cumsum(np.where(is_arrival, 1, -1))
    level = busy + ~is_arrival  # a departure leaves level k = busy + 1
    small = np.int16 if int(level.max(initial=0)) < np.iinfo(np.int16).max else np.int32
    by_level = np.argsort(level.astype(small), kind="stable")  # radix sort; time order kept per level
    sorted_times = event_times[order[by_level]]
    sorted_level = level[by_level]
    ends = np.flatnonzero(~is_arrival[by_level])
    follows = ends + 1
    has_next = follows < 2 * n
    has_next[has_next] = sorted_level[follows[has_next]] == sorted_level[ends[has_next]]
    end_times = np.minimum(sorted_times[ends], duration_s)
    next_start = np.full(ends.size, np.inf)
    next_start[has_next] = sorted_times[follows[has_next]]
    idle = np.minimum(np.minimum(next_start, duration_s) - end_times, keep_alive_s)
    return float(np.clip(idle, 0, None).sum())


def _vectorised_fixed(
    times: FloatArray, warm: FloatArray, cold: FloatArray, keep_alive_s: float, concurrency_limit: int
) -> tuple[BoolArray, _MostRecentlyUsedPool] | None:
    """Cold-start mask and the pool, or None when the concurrency limit is reached or the cold/warm
    fixed point is slow to settle (then the event loop runs).

    Whether a request starts cold depends on earlier departures, which depend on which of those
    started cold: the mask is iterated from "all warm" to its fixed point (unique, as each request
    depends only on earlier ones).
    """
    n = times.size
    index = np.arange(n, dtype=np.int64)
    in_window_from = np.searchsorted(times + keep_alive_s, times, side="right")
    window_peak = _RangeMax.plan(in_window_from, index)
    cold_mask = np.zeros(n, dtype=np.bool_)
    for _ in range(_FIXED_POINT_ITERATION_CAP):
        departures = np.sort(times + np.where(cold_mask, cold, warm), kind="stable")
        expiries = departures + keep_alive_s
        busy_before = index - np.searchsorted(departures, times, side="right")
        busy_at_window_start = in_window_from - np.searchsorted(expiries, times, side="right")
        alive = np.maximum(busy_at_window_start, window_peak(busy_before + 1))
        updated = busy_before >= alive
        if np.array_equal(updated, cold_mask):
            break
        cold_mask = updated
    else:
        return None
    if int(busy_before.max()) >= concurrency_limit:
        return None
    return cold_mask, _MostRecentlyUsedPool(times, busy_before + 1, expiries, keep_alive_s)


# --- Running a simulation -----------------------------------------------------------------------
def _service_times(
    count: int, mean_s: float, cold_start_s: float, service: ServiceModel, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Warm and cold service time of each request: fixed, or exponential as in SimFaaS (cold mean =
    warm mean + cold start)."""
    if service == "fixed":
        warm = np.full(count, mean_s)
        return warm, warm + cold_start_s
    if service == "exponential":
        return rng.exponential(mean_s, count), rng.exponential(mean_s + cold_start_s, count)
    raise SimulationError(f"service must be 'fixed' or 'exponential', got {service!r}")


def _billed_ms(service_s: FloatArray) -> float:
    """Total billed milliseconds: each duration rounded up to the next whole millisecond."""
    return float(np.ceil(np.round(service_s * 1000, 6)).sum())


def _cost(
    policy: Policy,
    *,
    service_s: FloatArray,
    on_demand: BoolArray,
    on_provisioned: BoolArray,
    pings: BoolArray,
    ticks: int,
    duration_s: float,
    memory_mb: int,
    architecture: pricing.Architecture,
) -> CostBreakdown:
    def on_demand_cost(mask: BoolArray) -> tuple[float, float]:
        gb_s = pricing.gb_seconds(memory_mb, _billed_ms(service_s[mask]))
        duration = pricing.lambda_duration_cost(gb_s, architecture=architecture)
        return pricing.lambda_request_cost(int(mask.sum())), duration

    requests, duration = on_demand_cost(on_demand & ~pings)
    provisioned = 0.0
    if isinstance(policy, ProvisionedConcurrency) and policy.concurrency:
        count = int(on_provisioned.sum())
        provisioned = pricing.provisioned_concurrency_cost(
            policy.concurrency,
            memory_mb,
            duration_s,
            architecture=architecture,
            invocations=count,
            avg_billed_ms=_billed_ms(service_s[on_provisioned]) / count if count else 0,
        )
    warmer = 0.0
    if isinstance(policy, ScheduledWarmer):
        ping_requests, ping_duration = on_demand_cost(on_demand & pings)
        warmer = ping_requests + ping_duration + pricing.scheduler_cost(ticks * policy.pings_per_tick)
    return CostBreakdown(
        on_demand_requests=requests,
        on_demand_duration=duration,
        provisioned=provisioned,
        warmer=warmer,
        total=requests + duration + provisioned + warmer,
    )


@dataclass(frozen=True, slots=True)
class _Segments:
    """Live environments from their alive intervals [start, end)."""

    starts: FloatArray
    ends: FloatArray

    def alive_at(self, at: FloatArray) -> npt.NDArray[np.int64]:
        started = np.searchsorted(self.starts, at, side="right")
        return (started - np.searchsorted(self.ends, at, side="right")).astype(np.int64)

    def env_seconds(self, duration_s: float) -> float:
        return float((np.minimum(self.ends, duration_s) - np.minimum(self.starts, duration_s)).sum())

    def peak(self, duration_s: float) -> int:
        at = self.starts[self.starts < duration_s]
        return int(self.alive_at(at).max()) if at.size else 0


def _percentile(values: FloatArray, q: float) -> float:
    return float(np.percentile(values, q)) if values.size else 0.0


def simulate(
    arrivals: npt.ArrayLike,
    policy: Policy | None = None,
    *,
    warm_service_s: float = DEFAULT_WARM_SERVICE_S,
    cold_start_s: float = DEFAULT_COLD_START_S,
    memory_mb: int = 128,
    architecture: pricing.Architecture = "x86_64",
    concurrency_limit: int = ACCOUNT_CONCURRENCY_DEFAULT,
    service: ServiceModel = "fixed",
    reuse: Reuse = "most_recently_used",
    duration_s: float | None = None,
    seed: int = 0,
    engine: Engine = "auto",
) -> SimulationResult:
    """Simulate ``policy`` (default: fixed keep-alive of ``limits.IDLE_EXPIRY_DEFAULT_S``) serving the
    requests arriving at ``arrivals`` (sorted seconds from 0; see :mod:`patterns.cold_starts.traffic`).

    A warm request runs ``warm_service_s``; a cold one ``warm_service_s + cold_start_s`` (its latency
    and billed duration, init included). With ``service="exponential"`` both are exponentially
    distributed with those means, drawn from ``seed``. ``duration_s`` is the simulated span
    (default: the last arrival); environment-seconds, instance averages and the provisioned-concurrency
    charge are over ``[0, duration_s]``. ``engine="event_loop"`` forces the exact event loop (the
    vectorised path gives the same results; it exists to compare them).
    """
    policy = FixedKeepAlive() if policy is None else policy
    _check_policy(policy)
    times = _arrivals(arrivals)
    _check_positive("warm_service_s", warm_service_s)
    _check_positive("cold_start_s", cold_start_s, allow_zero=True)
    if isinstance(concurrency_limit, bool) or not isinstance(concurrency_limit, int) or concurrency_limit < 1:
        raise SimulationError(f"concurrency_limit must be an int >= 1, got {concurrency_limit!r}")
    if reuse not in ("most_recently_used", "most_recently_created"):
        raise SimulationError(f"reuse must be 'most_recently_used' or 'most_recently_created', got {reuse!r}")
    span = float(times[-1]) if duration_s is None and times.size else float(duration_s or 0.0)
    _check_positive("duration_s", span, allow_zero=True)
    rng = np.random.default_rng(seed)
    warm, cold = _service_times(times.size, warm_service_s, cold_start_s, service, rng)

    ticks = 0
    is_ping = np.zeros(times.size, dtype=np.bool_)
    if isinstance(policy, ScheduledWarmer):
        tick_times = np.arange(0.0, span, policy.interval_s) if span > 0 else np.zeros(0)
        ticks = tick_times.size
        ping_times = np.repeat(tick_times, policy.pings_per_tick)
        order = np.argsort(np.concatenate([ping_times, times]), kind="stable")
        pings = np.full(ping_times.size, policy.ping_s)
        times = np.concatenate([ping_times, times])[order]
        warm = np.concatenate([pings, warm])[order]
        cold = np.concatenate([pings + cold_start_s, cold])[order]
        is_ping = np.concatenate([np.ones(ping_times.size, np.bool_), is_ping])[order]

    if engine not in ("auto", "event_loop"):
        raise SimulationError(f"engine must be 'auto' or 'event_loop', got {engine!r}")
    fast = None
    if (
        engine == "auto"
        and reuse == "most_recently_used"
        and isinstance(policy, FixedKeepAlive | ScheduledWarmer)
        and policy.keep_alive_s > 0
        and times.size
    ):
        fast = _vectorised_fixed(times, warm, cold, policy.keep_alive_s, concurrency_limit)
    if fast is not None:
        cold_mask, pool = fast
        throttled = np.zeros(times.size, dtype=np.bool_)
        on_provisioned = np.zeros(times.size, dtype=np.bool_)
        service_s = np.where(cold_mask, cold, warm)
        idle_env_seconds = _idle_env_seconds(times, times + service_s, pool.keep_alive_s, span)
        within_span = times < span
        peak = int(pool.busy_after[within_span].max()) if within_span.any() else 0
        instance_counter: Callable[[FloatArray], npt.NDArray[np.int64]] = pool.alive_at
    else:
        outcome = _event_loop(
            times,
            warm,
            cold,
            is_ping,
            policy=policy,
            reuse=reuse,
            concurrency_limit=concurrency_limit,
            duration_s=span,
        )
        cold_mask, throttled, on_provisioned = outcome.cold, outcome.throttled, outcome.on_provisioned
        service_s = np.where(cold_mask, cold, warm)
        segments = _Segments(np.sort(np.asarray(outcome.starts)), np.sort(np.asarray(outcome.ends)))
        idle_env_seconds = -1.0
        peak = segments.peak(span)
        instance_counter = segments.alive_at

    served = ~throttled
    busy_env_seconds = float((np.minimum(times + service_s, span) - np.minimum(times, span))[served].sum())
    if fast is None:
        idle_env_seconds = max(0.0, segments.env_seconds(span) - busy_env_seconds)
    requests = ~is_ping
    latencies = np.where(served, service_s, np.nan)[requests]
    served_latencies = latencies[~np.isnan(latencies)]
    return SimulationResult(
        policy=policy,
        requests=int(requests.sum()),
        cold_starts=int((cold_mask & requests).sum()),
        throttled=int((throttled & requests).sum()),
        latency_p50_s=_percentile(served_latencies, 50),
        latency_p90_s=_percentile(served_latencies, 90),
        latency_p99_s=_percentile(served_latencies, 99),
        latency_max_s=float(served_latencies.max()) if served_latencies.size else 0.0,
        latency_mean_s=float(served_latencies.mean()) if served_latencies.size else 0.0,
        busy_env_seconds=busy_env_seconds,
        idle_env_seconds=idle_env_seconds,
        duration_s=span,
        peak_instances=peak,
        warmer_invocations=int((is_ping & served).sum()),
        warmer_cold_starts=int((is_ping & cold_mask).sum()),
        memory_mb=memory_mb,
        architecture=architecture,
        cost=_cost(
            policy,
            service_s=service_s,
            on_demand=served & ~on_provisioned,
            on_provisioned=on_provisioned,
            pings=is_ping,
            ticks=ticks,
            duration_s=span,
            memory_mb=memory_mb,
            architecture=architecture,
        ),
        latencies_s=latencies,
        cold_start_mask=cold_mask[requests],
        instance_counter=instance_counter,
    )


def compare_policies(
    arrivals: npt.ArrayLike, policies: list[Policy], **options: object
) -> list[SimulationResult]:
    """:func:`simulate` each policy over the same arrivals, with the same keyword ``options``."""
    return [simulate(arrivals, policy, **options) for policy in policies]  # type: ignore[arg-type]


def simulate_simfaas_configuration(
    *,
    arrival_rate: float,
    expiration_threshold_s: float,
    max_time_s: float,
    warm_service_s: float = 1.991,
    cold_service_s: float = 2.244,
    concurrency_limit: int = ACCOUNT_CONCURRENCY_DEFAULT,
    seed: int = 0,
) -> SimulationResult:
    """SimFaaS's configuration: Poisson arrivals at ``arrival_rate`` over ``max_time_s`` seconds,
    exponential warm and cold service times, the most recently created idle instance serves, an
    instance expires ``expiration_threshold_s`` after its last departure, the platform starts empty.
    Defaults are the warm/cold means SimFaaS's paper measured on AWS Lambda."""
    if cold_service_s < warm_service_s:
        raise SimulationError(
            f"cold_service_s must be >= warm_service_s, got {cold_service_s} < {warm_service_s}"
        )
    return simulate(
        poisson(arrival_rate, max_time_s, seed=seed),
        FixedKeepAlive(expiration_threshold_s),
        warm_service_s=warm_service_s,
        cold_start_s=cold_service_s - warm_service_s,
        concurrency_limit=concurrency_limit,
        service="exponential",
        reuse="most_recently_created",
        duration_s=max_time_s,
        seed=seed + 1,
    )
