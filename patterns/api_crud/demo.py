"""The items API demonstration: CRUD through the lab's front door, both routers side by side, a load
test over real HTTP on loopback, and the cost per million requests. Every number printed is measured
in the run or computed by :mod:`patterns.lab.pricing` from what was measured.
"""

from __future__ import annotations

import ast
import io
import statistics
import threading
import time
import tokenize
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from matplotlib.figure import Figure

from patterns.api_crud import handlers, powertools_app
from patterns.api_crud.adapters import create_table
from patterns.lab import pricing
from patterns.lab.capabilities import Capability
from patterns.lab.display import category_ticks, count_axis
from patterns.lab.gateway import FrontDoor, HttpResponse, serving
from patterns.lab.imports import ImportCost, measure_import
from patterns.lab.sandbox import Sandbox

__all__ = [
    "ALLOWED_ORIGIN",
    "DEMO_NEEDS",
    "MEMORY_MB",
    "ROUTERS",
    "CostBreakdown",
    "LoadLevel",
    "RouterComparison",
    "Step",
    "compare_routers",
    "cost_per_million",
    "deploy_api",
    "load_test",
    "main",
    "page_through",
    "plot_costs",
    "plot_load",
    "walkthrough",
]

Router = Literal["hand-written", "powertools"]
ROUTERS: dict[Router, str] = {
    "hand-written": "patterns.api_crud.handlers.handle",
    "powertools": "patterns.api_crud.powertools_app.handle",
}
ALLOWED_ORIGIN = "https://shop.example.com"
MEMORY_MB = 256
DEMO_NEEDS: tuple[Capability, ...] = ()  # the front door invokes the local runtime itself
JSON = {"Content-Type": "application/json", "Origin": ALLOWED_ORIGIN}


def deploy_api(
    sandbox: Sandbox,
    router: Router = "hand-written",
    *,
    table: str = "items",
    name: str | None = None,
    reserved_concurrency: int | None = None,
) -> FrontDoor:
    """Create the table, deploy the API's function with ``router`` and return its front door (a REST
    API: both routers read payload format 1.0)."""
    create_table(table)
    function = name or f"items-api-{router}"
    sandbox.deploy(
        function,
        ROUTERS[router],
        memory_mb=MEMORY_MB,
        reserved_concurrency=reserved_concurrency,
        environment={
            "TABLE_NAME": table,
            "CURSOR_SECRET": f"{function}-cursor-key",
            "ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        },
    )
    return FrontDoor(sandbox.lambdas, {"ANY /items": function, "ANY /items/{id}": function})


@dataclass(frozen=True)
class Step:
    """One request of the walkthrough and what came back."""

    what: str
    request: str
    status: int
    answer: str


def walkthrough(door: FrontDoor) -> list[Step]:
    """Create, read, update (and a stale update), validate, refuse, preflight, delete: one request each."""
    steps: list[Step] = []

    def call(what: str, method: str, url: str, answer: Callable[[HttpResponse], str], **options: Any) -> Any:
        response = door.request(method, url, **options)
        steps.append(Step(what, f"{method} {url}", response.status, answer(response)))
        return response

    created = call(
        "create",
        "POST",
        "/items",
        lambda r: f"Location {r.header('Location')}",
        headers=JSON,
        body={"name": "desk lamp", "price_cents": 2499, "tags": ["lighting"]},
    )
    location, first_tag = str(created.header("Location")), str(created.header("ETag"))
    short = "/items/{id}"
    call("read", "GET", location, lambda r: f"ETag {r.header('ETag')}", headers=JSON)
    call("read a missing item", "GET", "/items/nope", lambda r: r.json()["message"], headers=JSON)
    change = {"name": "desk lamp", "price_cents": 1999, "tags": ["lighting", "sale"]}
    stale = {**JSON, "If-Match": first_tag}
    call(
        "update with If-Match",
        "PUT",
        location,
        lambda r: f"ETag {r.header('ETag')}",
        headers=stale,
        body=change,
    )
    call(
        "stale update (old ETag)",
        "PUT",
        location,
        lambda r: r.json()["message"].split(": ")[-1],
        headers=stale,
        body=change,
    )
    call("update without If-Match", "PUT", location, lambda r: r.json()["message"], headers=JSON, body=change)
    call(
        "invalid body",
        "POST",
        "/items",
        lambda r: "; ".join(f"{p['field']}: {p['problem']}" for p in r.json()["problems"]),
        headers=JSON,
        body={"name": "", "price_cents": -5, "colour": "red"},
    )
    text = {"Content-Type": "text/plain"}
    call(
        "wrong content type", "POST", "/items", lambda r: r.json()["message"], headers=text, body="name=lamp"
    )
    call("oversized body", "POST", "/items", lambda r: r.json()["message"], headers=JSON, body="x" * 20_000)

    def allowed_origin(response: HttpResponse) -> str:
        return f"Allow-Origin {response.header('Access-Control-Allow-Origin')}"

    call("preflight, allowed origin", "OPTIONS", "/items", allowed_origin, headers={"Origin": ALLOWED_ORIGIN})
    call(
        "preflight, other origin",
        "OPTIONS",
        "/items",
        allowed_origin,
        headers={"Origin": "https://evil.example.net"},
    )
    call("delete", "DELETE", location, lambda r: f"{len(r.body)} bytes of body", headers=JSON)
    call("delete again", "DELETE", location, lambda r: r.json()["message"], headers=JSON)
    return [Step(s.what, s.request.replace(location, short), s.status, s.answer) for s in steps]


def page_through(door: FrontDoor, items: int, limit: int) -> list[int]:
    """Create ``items`` items, then list them ``limit`` at a time; the size of each page."""
    for number in range(items):
        door.request("POST", "/items", headers=JSON, body={"name": f"item {number}", "price_cents": number})
    sizes: list[int] = []
    cursor: str | None = None
    while True:
        url = f"/items?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = door.request("GET", url, headers=JSON).json()
        sizes.append(len(page["items"]))
        cursor = page["next_cursor"]
        if cursor is None:
            return sizes


@dataclass(frozen=True)
class RouterComparison:
    """The two routers: same answers?, lines of code, and the import share of a cold start."""

    same_statuses: bool
    statuses: dict[Router, list[int]]
    lines_of_code: dict[Router, int]
    imports: dict[Router, ImportCost]


def logical_lines(path: Path) -> int:
    """Lines of code in a module: not blank, not comments, not docstrings."""
    source = path.read_text()
    docstrings = {
        line
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and isinstance(node.body[0].value.value, str)
        for line in range(node.body[0].lineno, (node.body[0].end_lineno or node.body[0].lineno) + 1)
    }
    code = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type
        not in {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
        and token.type != tokenize.ENDMARKER
    }
    return len(code - docstrings)


def compare_routers(sandbox: Sandbox, *, import_repetitions: int = 3) -> RouterComparison:
    """Run the walkthrough through both routers; count their code; time their imports afresh."""
    statuses: dict[Router, list[int]] = {}
    for router in ROUTERS:
        door = deploy_api(sandbox, router, table=f"items-{router}")
        statuses[router] = [step.status for step in walkthrough(door)]
    modules: dict[Router, Any] = {"hand-written": handlers, "powertools": powertools_app}
    return RouterComparison(
        same_statuses=statuses["hand-written"] == statuses["powertools"],
        statuses=statuses,
        lines_of_code={router: logical_lines(Path(module.__file__)) for router, module in modules.items()},
        imports={
            router: measure_import(module.__name__, repetitions=import_repetitions)
            for router, module in modules.items()
        },
    )


@dataclass(frozen=True)
class LoadLevel:
    """One concurrency level of the load test, over real HTTP on loopback."""

    clients: int
    requests: int
    ok: int
    throttled: int
    p50_ms: float
    p99_ms: float
    cold_starts: int


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _cold_starts(sandbox: Sandbox, function: str) -> int:
    return sum(1 for r in sandbox.lambdas.reports if r.function_name == function and r.cold_start)


def _run_clients(url: str, clients: int, requests_each: int) -> tuple[list[float], list[int]]:
    """``clients`` threads, started together, each GETting ``url`` ``requests_each`` times."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client() -> None:
        start.wait()
        for _ in range(requests_each):
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=30) as reply:
                    status = reply.status
                    reply.read()
            except urllib.error.HTTPError as error:
                status = error.code
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)
                statuses.append(status)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def load_test(
    sandbox: Sandbox,
    door: FrontDoor,
    *,
    levels: Sequence[int] = (1, 2, 4, 8),
    requests_per_client: int = 10,
) -> list[LoadLevel]:
    """``clients`` threads each send GET requests over HTTP; latency, 429s and cold starts per level."""
    function = door.routes.routes[0].function
    created = door.request("POST", "/items", headers=JSON, body={"name": "probe", "price_cents": 1})
    path = str(created.header("Location"))
    results: list[LoadLevel] = []
    with serving(door) as server:
        for clients in levels:
            before = _cold_starts(sandbox, function)
            latencies, statuses = _run_clients(server.url + path, clients, requests_per_client)
            ok = [latency for latency, status in zip(latencies, statuses, strict=True) if status == 200]
            results.append(
                LoadLevel(
                    clients,
                    len(statuses),
                    len(ok),
                    statuses.count(429),
                    _percentile(ok, 0.5) if ok else 0.0,
                    _percentile(ok, 0.99) if ok else 0.0,
                    _cold_starts(sandbox, function) - before,
                )
            )
    return results


@dataclass(frozen=True)
class CostBreakdown:
    """A month's bill for the API, by service, in USD."""

    api: Literal["rest", "http"]
    requests: int
    gateway: float
    lambda_: float
    dynamodb: float

    @property
    def total(self) -> float:
        return self.gateway + self.lambda_ + self.dynamodb


def cost_per_million(
    *,
    api: Literal["rest", "http"],
    requests: int = 1_000_000,
    billed_ms: float,
    item_bytes: int = 300,
    write_share: float = 0.2,
    memory_mb: int = MEMORY_MB,
) -> CostBreakdown:
    """The bill for ``requests``: API Gateway, Lambda (``billed_ms`` each) and DynamoDB on-demand, with
    ``write_share`` of requests writing one item of ``item_bytes`` and the rest reading one strongly."""
    writes = round(requests * write_share)
    reads = requests - writes
    read_units = round(reads * pricing.dynamodb_read_request_units(item_bytes))
    write_units = writes * pricing.dynamodb_write_request_units(item_bytes)
    return CostBreakdown(
        api,
        requests,
        pricing.apigateway_cost(requests, api=api),
        pricing.lambda_monthly_cost(requests, billed_ms, memory_mb).total,
        pricing.dynamodb_on_demand_cost(read_units, write_units),
    )


def plot_load(levels: Sequence[LoadLevel]) -> Figure:
    """Latency percentiles and 429s against the number of concurrent clients."""
    figure = Figure(figsize=(9, 3.6), layout="constrained")
    latency, throttles = figure.subplots(1, 2)
    clients = [level.clients for level in levels]
    latency.plot(clients, [level.p50_ms for level in levels], marker="o", label="p50")
    latency.plot(clients, [level.p99_ms for level in levels], marker="s", label="p99")
    latency.set(
        xlabel="concurrent clients", ylabel="latency of 200 responses (ms)", title="Latency over HTTP"
    )
    latency.set_xticks(clients)
    latency.legend(loc="upper left")
    positions = list(range(len(levels)))
    throttles.bar([p - 0.2 for p in positions], [level.throttled for level in levels], 0.4, label="429")
    throttles.bar(
        [p + 0.2 for p in positions], [level.cold_starts for level in levels], 0.4, label="cold starts"
    )
    throttles.set_xticks(positions, [str(c) for c in clients])
    throttles.set(
        xlabel="concurrent clients", ylabel="responses / environments", title="Throttles, cold starts"
    )
    count_axis(throttles.yaxis)
    throttles.legend(loc="upper left")
    return figure


def plot_costs(breakdowns: Sequence[CostBreakdown]) -> Figure:
    """Stacked monthly cost by service for each API type."""
    figure = Figure(figsize=(6, 3.6), layout="constrained")
    axes = figure.subplots()
    positions = list(range(len(breakdowns)))
    bottom = [0.0] * len(breakdowns)
    for label, part in (("API Gateway", "gateway"), ("Lambda", "lambda_"), ("DynamoDB", "dynamodb")):
        values = [getattr(b, part) for b in breakdowns]
        axes.bar(positions, values, 0.5, bottom=bottom, label=label)
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    labels = [f"{'REST' if b.api == 'rest' else 'HTTP'} API" for b in breakdowns]
    category_ticks(axes, positions, labels, width_in=5)
    requests = breakdowns[0].requests if breakdowns else 0
    axes.set(ylabel="USD per month", title=f"{requests:,} requests a month")
    axes.legend(loc="upper right")
    return figure


def main() -> int:
    """Run the demonstration against moto (or the opted-in endpoint) and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox:
        print("1. The items API through the front door (REST API, hand-written router)")
        door = deploy_api(sandbox)
        for step in walkthrough(door):
            print(f"   {step.what:<27} {step.request:<22} -> {step.status}  {step.answer}")

        print("\n2. Pagination with opaque cursors")
        sizes = page_through(deploy_api(sandbox, table="items-paged", name="items-paged"), 25, 10)
        print(f"   25 items, limit 10: pages of {sizes} (a full page always carries a cursor)")

        print("\n3. Hand-written router vs Powertools' APIGatewayRestResolver")
        comparison = compare_routers(sandbox)
        print(f"   same status for every request: {comparison.same_statuses}")
        for router in ROUTERS:
            cost = comparison.imports[router]
            print(
                f"   {router:<13} {comparison.lines_of_code[router]:>3} lines of code; import in a fresh "
                f"process {cost.median_ms:.0f} ms ({cost.modules_loaded} modules)"
            )

        print("\n4. Load over real HTTP on 127.0.0.1 (function capped at reserved concurrency 2)")
        capped = deploy_api(sandbox, table="items-load", name="items-load", reserved_concurrency=2)
        levels = load_test(sandbox, capped)
        for level in levels:
            print(
                f"   {level.clients} clients: {level.ok}/{level.requests} ok, {level.throttled} x 429, "
                f"p50 {level.p50_ms:.1f} ms, p99 {level.p99_ms:.1f} ms, {level.cold_starts} cold starts"
            )

        billed = [r.billed_ms for r in sandbox.lambdas.reports if r.function_name == "items-load"]
        mean_billed = statistics.fmean(billed)
        print(f"\n5. Cost per million requests ({MEMORY_MB} MB, mean billed {mean_billed:.1f} ms measured)")
        for api in ("rest", "http"):
            bill = cost_per_million(api=api, billed_ms=mean_billed)
            print(
                f"   {api.upper():<4} API  gateway ${bill.gateway:.2f} + Lambda ${bill.lambda_:.2f} + "
                f"DynamoDB ${bill.dynamodb:.2f} = ${bill.total:.2f}"
            )
    return 0
