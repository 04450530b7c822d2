"""Pattern 22 - Cost optimisation: measure where the money goes, then move the levers that matter.

**Intent.** Pay for what a function needs: the right memory size, the cheaper architecture, the cheaper
front door, batches instead of single messages, and a cap on what a runaway can spend.

**Problem.** Lambda bills GB-seconds, and CPU comes with memory, so the cheapest size is not the
smallest one for CPU-bound work and is the smallest one for I/O-bound work; guessing gets both wrong.
Articles promise "70% savings" without saying which lever saves what on which bill.

**Solution.**

* right-size by the Power Tuning method: the same handler at 128 MB to 3,008 MB, N runs each, a
  trimmed mean, priced per size; choose for cost, speed or a balance (:mod:`.service`, :mod:`.tuning`);
* price arm64 beside x86_64; keep provisioned concurrency for environments busy above its break-even
  utilisation; set reserved concurrency as a ceiling on the bill;
* take a savings claim apart into levers, each measured by the pattern that owns it (:mod:`.claim`).

**Where it runs here.** Every memory size is a real deployment on the lab's local runtime; the local CPU
does not change with memory, so durations come from a stated CPU model calibrated by timing the handler
on this machine. Prices come from :mod:`patterns.lab.pricing`.

**Layers.** :mod:`.handlers` -> :mod:`.service` (no boto3) and :mod:`.adapters` (DynamoDB);
:mod:`.tuning` and :mod:`.claim` run them on the sandbox.
"""

from patterns.cost.exceptions import CostError, InvalidWorkloadError, TuningError
from patterns.cost.service import (
    BreakEven,
    CostCap,
    CpuModel,
    MonthlyBill,
    Sample,
    TuningPoint,
    Workload,
    choose,
    monthly_bill,
    provisioned_break_even,
    reserved_concurrency_cap,
    trimmed_mean,
    tuning_point,
)

__all__ = [
    "BreakEven",
    "CostCap",
    "CostError",
    "CpuModel",
    "InvalidWorkloadError",
    "MonthlyBill",
    "Sample",
    "TuningError",
    "TuningPoint",
    "Workload",
    "choose",
    "monthly_bill",
    "provisioned_break_even",
    "reserved_concurrency_cap",
    "trimmed_mean",
    "tuning_point",
]
