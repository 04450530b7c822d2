"""Pattern 03, cold starts: what a cold start costs, how often traffic meets one, and what each
mitigation buys.

**What it is.** A function runs in execution environments that the platform creates on demand, one
request at a time each. A request that finds no idle environment waits for a new one to start (the
cold start: runtime start, imports, init code); an environment is reclaimed after it has been idle for
a while. How many requests start cold depends on the traffic's shape, the keep-alive, and the
mitigation: provisioned concurrency, scheduled warmers, or an adaptive keep-alive.

**What the example does.** :mod:`patterns.cold_starts.measure` times real cold starts, each in a fresh
Python process (interpreter start, imports, init, first request, then warm requests), for four handler
variants in :mod:`patterns.cold_starts.variants` that do the same work: narrow imports, heavy imports at
module top, an SDK client per request, and a large dependency. :mod:`patterns.cold_starts.simulator`
simulates scale-per-request environments with a cold-start penalty, idle expiry and a concurrency limit
under four policies (fixed keep-alive, provisioned concurrency, scheduled warmer, hybrid histogram
keep-alive after Shahrad et al., USENIX ATC 2020) over traces from :mod:`patterns.cold_starts.traffic`
(Poisson, bursty, diurnal, sparse, a recorded CSV). It reports cold-start fraction, latency percentiles,
idle environment-seconds and cost (:mod:`patterns.lab.pricing`); in SimFaaS's configuration it agrees
with SimFaaS (Mahmoudi & Khazaei, CLOSER 2021), see ``tests/benchmarks/cold_start_fidelity.py``.

**When to use which mitigation.** Accept cold starts when they are rare or nobody waits on them
(asynchronous work); provisioned concurrency when a latency target must hold at a known concurrency;
a warmer only for a single-environment function, since one ping keeps one environment warm and a burst
that needs N still meets N-1 cold starts.

**Trade-offs.** A longer keep-alive or more provisioned environments buy fewer cold starts with idle
environment-seconds; provisioned concurrency is billed whether used or not.

**References.** Shahrad et al., "Serverless in the Wild", USENIX ATC 2020; Mahmoudi & Khazaei,
"SimFaaS", CLOSER 2021; AWS Lambda pricing (INIT billed since August 2025).

**TL;DR.** Cold starts come from concurrency you did not have warm; measure your traffic's shape
before you pay for warmth.
"""

from __future__ import annotations

__all__: list[str] = []
