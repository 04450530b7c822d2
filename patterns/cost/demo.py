"""The cost demonstration: power tuning two handlers, arm64 against x86_64, provisioned concurrency's
break-even, reserved concurrency as a cap, seed 000's "save 70%" taken apart, and a workload's bill.

Every duration comes from invocations on the local runtime (through the stated CPU model), every dollar
from :mod:`patterns.lab.pricing`. The notebook calls these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

from patterns.cost.claim import Lever, compounded_percent, levers
from patterns.cost.service import (
    ARCHITECTURES,
    BreakEven,
    MonthlyBill,
    Strategy,
    TuningPoint,
    Workload,
    choose,
    monthly_bill,
    provisioned_break_even,
    reserved_concurrency_cap,
)
from patterns.cost.tuning import CPU_BOUND, IO_BOUND, TuningRun, deploy_handlers, power_tune
from patterns.lab.capabilities import Capability
from patterns.lab.exceptions import TooManyRequestsError
from patterns.lab.pricing import ApiType, Architecture
from patterns.lab.sandbox import Sandbox

__all__ = [
    "DEMO_NEEDS",
    "STRATEGIES",
    "Throttled",
    "bill_line",
    "choices",
    "main",
    "plot_bill",
    "plot_break_even",
    "plot_levers",
    "plot_tuning",
    "throttle_with_zero_reserved",
    "tune_both",
]

# What the demonstration checks with `sandbox.unavailable`; the README's backend table is tested against it.
DEMO_NEEDS: tuple[Capability, ...] = (Capability.PUSH_DELIVERIES,)
STRATEGIES: tuple[Strategy, ...] = ("cost", "speed", "balanced")


def tune_both(sandbox: Sandbox, *, invocations: int = 5) -> list[TuningRun]:
    """Deploy and power-tune the CPU-bound and the I/O-bound handler."""
    events = deploy_handlers(sandbox)
    return [
        power_tune(sandbox, CPU_BOUND, events[CPU_BOUND], label="CPU-bound", invocations=invocations),
        power_tune(sandbox, IO_BOUND, events[IO_BOUND], label="I/O-bound", invocations=invocations),
    ]


def choices(run: TuningRun, weight: float = 0.5) -> dict[str, TuningPoint]:
    """The cost, speed and balanced choices of ``run`` on x86_64."""
    return {strategy: choose(run.points["x86_64"], strategy, weight) for strategy in STRATEGIES}


@dataclass(frozen=True)
class Throttled:
    """Invocations of a function whose reserved concurrency is 0: all refused, none billed."""

    attempted: int
    throttled: int
    billed_reports: int


def throttle_with_zero_reserved(sandbox: Sandbox, function: str = CPU_BOUND, attempts: int = 3) -> Throttled:
    """Set ``function``'s reserved concurrency to 0 (the emergency brake) and try to invoke it."""
    before = len(sandbox.lambdas.reports)
    sandbox.lambdas.configure(function, reserved_concurrency=0)
    throttled = 0
    for _ in range(attempts):
        try:
            sandbox.lambdas.invoke(function, {"rounds": 1})
        except TooManyRequestsError:
            throttled += 1
    sandbox.lambdas.configure(function, reserved_concurrency=None)
    return Throttled(attempts, throttled, len(sandbox.lambdas.reports) - before)


def bill_line(bill: MonthlyBill) -> str:
    """One line: the monthly bill by service."""
    parts = " + ".join(f"{service} ${usd:,.2f}" for service, usd in bill.by_service.items())
    return f"{parts} = ${bill.total:,.2f} a month ({bill.invocations:,} invocations)"


# --- figures -------------------------------------------------------------------------------------------
def plot_tuning(runs: Sequence[TuningRun]) -> Figure:
    """Modelled duration and cost per million against memory, per handler (x86_64 solid, arm64 dashed)."""
    figure = Figure(figsize=(10, 3.8), layout="constrained")
    speed, cost = figure.subplots(1, 2)
    for run in runs:
        x86 = run.points["x86_64"]
        line = speed.plot(
            [p.memory_mb for p in x86], [p.duration_ms for p in x86], marker="o", label=run.label
        )
        colour = line[0].get_color()
        styles: tuple[tuple[Architecture, str], ...] = (("x86_64", "-"), ("arm64", "--"))
        for arch, style in styles:
            points = run.points[arch]
            cost.plot(
                [p.memory_mb for p in points],
                [p.usd_per_million for p in points],
                style,
                marker="o",
                color=colour,
                label=f"{run.label}, {arch}",
            )
    speed.set(xlabel="memory (MB)", ylabel="modelled duration (ms, trimmed mean)", yscale="log")
    speed.set_title("Speed")
    cost.set(xlabel="memory (MB)", ylabel="USD per million invocations")
    cost.set_title("Cost")
    speed.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    speed.yaxis.set_major_formatter(ScalarFormatter())
    speed.yaxis.set_minor_formatter(NullFormatter())
    speed.legend(loc="upper right")
    cost.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


def plot_break_even(break_even: BreakEven) -> Figure:
    """One environment-hour on demand and with provisioned concurrency against its utilisation."""
    figure = Figure(figsize=(7, 3.6), layout="constrained")
    axes = figure.subplots()
    shares = [i / 20 for i in range(21)]
    axes.plot([100 * u for u in shares], [break_even.on_demand_usd(u) for u in shares], label="on demand")
    axes.plot([100 * u for u in shares], [break_even.provisioned_usd(u) for u in shares], label="provisioned")
    axes.axvline(100 * break_even.utilisation, color="grey", linestyle=":", label="break-even")
    axes.set(
        xlabel="utilisation of the environment (%)",
        ylabel="USD per environment-hour",
        title=f"{break_even.memory_mb} MB, {break_even.architecture}",
    )
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return figure


def plot_levers(found: Sequence[Lever]) -> Figure:
    """Each lever's saving, as a share of its own bill."""
    figure = Figure(figsize=(9, 0.5 * len(found) + 1.2), layout="constrained")
    axes = figure.subplots()
    savings = [lever.saving_percent for lever in found]
    colours = ["tab:green" if saving >= 0 else "tab:red" for saving in savings]
    axes.barh([f"{lever.lever} [{lever.pattern}]" for lever in found], savings, color=colours)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.invert_yaxis()
    axes.set(xlabel="saving (% of its own bill; below 0: it cost more)", title="What each lever saved")
    return figure


def plot_bill(bill: MonthlyBill) -> Figure:
    """A workload's monthly bill by service."""
    figure = Figure(figsize=(6, 3.0), layout="constrained")
    axes = figure.subplots()
    services = list(bill.by_service)
    axes.barh(services, [bill.by_service[s] for s in services], color="tab:blue")
    axes.set(xlabel="USD per month", title=f"${bill.total:,.2f} a month")
    return figure


# --- the demonstration ----------------------------------------------------------------------------------
def main() -> int:
    """Run the demonstration against moto (or the opted-in endpoint) and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        runs = tune_both(sandbox)
        print("1. Power tuning on the local runtime (5 invocations per size, trimmed mean of the middle 60%)")
        print(f"   {runs[0].model.describe()}")
        for run in runs:
            calibration = run.calibration
            print(
                f"   {run.label}: measured here {calibration.cpu_ms:.2f} ms CPU + "
                f"{calibration.io_ms:.2f} ms I/O per invocation ({run.reports} invocations)"
            )
            for point in run.points["x86_64"]:
                arm = {p.memory_mb: p for p in run.points["arm64"]}[point.memory_mb]
                print(
                    f"     {point.memory_mb:>5} MB  {point.duration_ms:8.1f} ms  "
                    f"billed {point.billed_ms:>5} ms  x86_64 ${point.usd_per_million:7.2f}/M  "
                    f"arm64 ${arm.usd_per_million:7.2f}/M"
                )
            picks = choices(run)
            print(
                "     choice: "
                + ", ".join(f"{name} {p.memory_mb} MB ({p.duration_ms:.1f} ms)" for name, p in picks.items())
            )

        print("\n2. Provisioned concurrency: break-even utilisation (price table)")
        for arch in ARCHITECTURES:
            even = provisioned_break_even(1024, arch)
            print(
                f"   1024 MB {arch}: on demand ${even.on_demand_busy_hour_usd:.4f} per busy hour; "
                f"provisioned ${even.provisioned_idle_hour_usd:.4f}/h kept warm + "
                f"${even.provisioned_busy_hour_usd:.4f} per busy hour: "
                f"cheaper above {100 * even.utilisation:.1f}% utilisation"
            )

        print("\n3. Reserved concurrency as a cost cap")
        io_pick = choices(runs[1])["cost"]
        for reserved in (1, 10, 100):
            cap = reserved_concurrency_cap(reserved, io_pick.memory_mb, io_pick.duration_ms)
            print(
                f"   reserved {reserved:>3} at {cap.memory_mb} MB, {cap.duration_ms:.1f} ms: at most "
                f"{cap.max_invocations:,} invocations, ${cap.max_usd:,.2f} a month"
            )
        brake = throttle_with_zero_reserved(sandbox)
        print(
            f"   reserved 0: {brake.throttled}/{brake.attempted} invocations throttled, "
            f"{brake.billed_reports} billed"
        )

        print('\n4. Seed 000\'s "save 70%", lever by lever (each from the pattern that measured it)')
        found = levers(sandbox, runs[1])
        for lever in found:
            print(
                f"   {lever.lever:<42} [{lever.pattern}] ${lever.before_usd_per_million:.4f} -> "
                f"${lever.after_usd_per_million:.4f} per million: {lever.saving_percent:+.1f}%"
            )
        print(f"   all saving levers on one whole bill (an upper bound): {compounded_percent(found):.1f}%")

        print("\n5. A workload's monthly bill (10M requests, 20 ms, batch 10, 1 KB)")
        for arch in ARCHITECTURES:
            apis: tuple[ApiType, ...] = ("rest", "http")
            for api in apis:
                bill = monthly_bill(Workload(10_000_000, 20.0, 512, arch, 1024, 10, api))
                print(f"   {arch:<6} {api.upper():<4} API: {bill_line(bill)}")
    return 0
