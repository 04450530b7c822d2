"""The security demonstration: a JWT authorizer in front of three functions, every bad token refused, the
authorizer-cache pitfall shown and fixed, pattern 02's validation and CORS reused, and least-privilege
policies generated from the calls each function made, evaluated by the lab and proven on moto.

Every function runs in ``sandbox.lambdas`` behind the lab's front door (:mod:`patterns.lab.gateway`) with
its :class:`~patterns.lab.gateway.LambdaAuthorizer`; tokens are signed with a key pair made in the run
and checked on the sandbox's virtual clock. Every count is from the run; every dollar is
:mod:`patterns.lab.pricing` applied to what ran.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure

from patterns.lab.capabilities import Capability
from patterns.lab.display import category_ticks, count_axis, table
from patterns.lab.gateway import FrontDoor, HttpResponse, LambdaAuthorizer
from patterns.lab.iam import CallRecorder, evaluate, generate_policy
from patterns.lab.sandbox import Sandbox
from patterns.security.adapters import create_resources, enforced_iam, role_credentials
from patterns.security.service import (
    BAD_TOKENS,
    DEFAULT_LEEWAY_S,
    PolicyMode,
    SigningKey,
    TokenVerifier,
    bad_tokens,
    issue_token,
    jwks,
    naive_verify,
)

__all__ = [
    "ALLOWED_ORIGIN",
    "AUDIENCE",
    "DEMO_NEEDS",
    "FUNCTIONS",
    "ISSUER",
    "POLICY_MODES",
    "READER",
    "WRITER",
    "CacheRun",
    "IamProof",
    "PolicyComparison",
    "SecurityLab",
    "TokenResult",
    "TtlRun",
    "cache_run",
    "cache_runs",
    "candidate_requests",
    "compare_policies",
    "iam_proof",
    "lint_policy",
    "main",
    "plot_cache_runs",
    "plot_permissions",
    "plot_ttl_runs",
    "security_lab",
    "seed_style_policy",
    "token_results",
    "ttl_runs",
    "validation_run",
]

DEMO_NEEDS: tuple[
    Capability, ...
] = ()  # the front door and the authorizer run in the lab; S3, SQS, IAM are all it uses
ISSUER = "https://issuer.lab.example"
AUDIENCE = "items-api"
ALLOWED_ORIGIN = "https://shop.example.com"
FUNCTIONS = {
    "list": "patterns.security.handlers.list_items",
    "get": "patterns.security.handlers.get_item",
    "create": "patterns.security.handlers.create_item",
}
POLICY_MODES: tuple[PolicyMode, ...] = ("method-arn", "route-decided", "scopes")
READER, WRITER = ("items:read",), ("items:read", "items:write")
_ids = itertools.count(1)


@dataclass
class SecurityLab:
    """The key pair, the bucket and queue, the functions and the front door of one run."""

    sandbox: Sandbox
    prefix: str
    key: SigningKey
    resources: dict[str, str]
    recorder: CallRecorder
    door: FrontDoor = field(init=False)
    authorizer: LambdaAuthorizer = field(init=False)

    def function(self, role: str) -> str:
        return f"{self.prefix}-{role}"

    def environment(self, role: str) -> dict[str, str]:
        if role == "authorizer":
            return {"JWKS": json.dumps(jwks([self.key])), "ISSUER": ISSUER, "AUDIENCE": AUDIENCE}
        return {
            "BUCKET": self.resources["bucket"],
            "QUEUE_URL": self.resources["queue_url"],
            "ALLOWED_ORIGINS": ALLOWED_ORIGIN,
        }

    def deploy(self, role: str, extra: dict[str, str] | None = None) -> None:
        handler = "patterns.security.handlers.authorize" if role == "authorizer" else FUNCTIONS[role]
        environment = {**self.environment(role), **(extra or {})}
        self.sandbox.lambdas.deploy(self.function(role), handler, environment=environment, memory_mb=256)

    def use_authorizer(
        self, mode: PolicyMode = "scopes", ttl_s: float = 300.0, *, keyed_by_route: bool = False
    ) -> LambdaAuthorizer:
        """(Re)deploy the authorizer with ``mode`` and put a fresh one (empty cache) in the front door: a
        TOKEN authorizer (cached by token), or with ``keyed_by_route`` a REQUEST authorizer whose identity
        sources are the token, the method and the resource path (cached by token and route)."""
        self.deploy("authorizer", {"POLICY_MODE": mode})
        routes = {
            "GET /items": self.function("list"),
            "POST /items": self.function("create"),
            "OPTIONS /items": self.function("list"),
            "GET /items/{id}": self.function("get"),
            "OPTIONS /items/{id}": self.function("get"),
        }
        if keyed_by_route:
            sources = ("Authorization", "context.httpMethod", "context.resourcePath")
            self.authorizer = LambdaAuthorizer(
                self.function("authorizer"), kind="REQUEST", identity_sources=sources, ttl_s=ttl_s
            )
        else:
            self.authorizer = LambdaAuthorizer(self.function("authorizer"), ttl_s=ttl_s)
        self.door = FrontDoor(self.sandbox.lambdas, routes, authorizer=self.authorizer)
        return self.authorizer

    def token(self, subject: str = "alice", scopes: Sequence[str] = READER, *, age_s: float = 0.0) -> str:
        """A good token issued ``age_s`` seconds ago (virtual time), valid 900 s from issue."""
        now = self.sandbox.clock.timestamp() - age_s
        return issue_token(
            self.key, subject=subject, scopes=scopes, issuer=ISSUER, audience=AUDIENCE, now=now
        )

    def request(
        self, method: str, path: str, token: str | None = None, body: Any = None, **headers: str
    ) -> HttpResponse:
        sent = {"Origin": ALLOWED_ORIGIN, **headers}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        return self.door.request(method, path, headers=sent, body=body)


@contextmanager
def security_lab(sandbox: Sandbox, prefix: str | None = None) -> Iterator[SecurityLab]:
    """A key pair, a bucket and a queue, the four functions deployed, and every AWS call recorded."""
    prefix = prefix or f"sec{next(_ids)}"
    resources = create_resources(prefix, sandbox.client("s3"), sandbox.client("sqs"))
    recorder = CallRecorder(region=sandbox.region, account_id=sandbox.account_id)
    lab = SecurityLab(sandbox, prefix, SigningKey.generate(f"{prefix}-key"), resources, recorder)
    with recorder.recording():
        for role in FUNCTIONS:
            lab.deploy(role)
        lab.use_authorizer()
        yield lab


# --- 1. bad tokens ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TokenResult:
    """One token: what the API answered, why the verifier refused it, and whether a naive verifier
    (the token's own ``alg``, no ``kid``) would have let it in."""

    token: str
    status: int
    reason: str
    naive_accepts: bool


def token_results(lab: SecurityLab) -> list[TokenResult]:
    """A good token, two within and beyond the clock skew, and every bad token, through the API."""
    now = lab.sandbox.clock.timestamp()
    verifier = TokenVerifier(jwks([lab.key]), issuer=ISSUER, audience=AUDIENCE)
    tokens = {
        "good": lab.token(),
        f"expired {DEFAULT_LEEWAY_S / 2:g} s ago (within skew)": lab.token(age_s=900 + DEFAULT_LEEWAY_S / 2),
        **bad_tokens(lab.key, issuer=ISSUER, audience=AUDIENCE, now=now),
    }
    results = []
    for name, token in tokens.items():
        lab.authorizer.flush()
        status = lab.request("GET", "/items", token).status
        try:
            verifier.verify(token, now)
            reason = "-"
        except Exception as error:
            reason = str(getattr(error, "reason", type(error).__name__))
        accepted = naive_verify(token, lab.key.public_pem(), issuer=ISSUER, audience=AUDIENCE, now=now)
        results.append(TokenResult(name, status, reason, accepted is not None))
    results.append(TokenResult("no Authorization header", lab.request("GET", "/items").status, "-", False))
    return results


# --- 2. the authorizer cache ------------------------------------------------------------------------
@dataclass(frozen=True)
class CacheRun:
    """A reader's and a writer's requests in turn, through an authorizer answering with ``mode``."""

    mode: str
    ttl_s: float
    requests: list[tuple[str, str, int, int]]  # (who, route, status, expected)
    authorizer_invocations: int
    cache_hits: int
    authorizer_usd_per_million: float
    keyed_by_route: bool = False

    @property
    def label(self) -> str:
        return f"{self.mode}{', keyed by route' if self.keyed_by_route else ''}, TTL {self.ttl_s:g} s"

    @property
    def wrong(self) -> int:
        return sum(1 for _, _, status, expected in self.requests if status != expected)

    @property
    def wrongly_denied(self) -> int:
        return sum(1 for _, _, s, e in self.requests if s == 403 and e != 403)

    @property
    def wrongly_allowed(self) -> int:
        return sum(1 for _, _, s, e in self.requests if s != 403 and e == 403)


def cache_run(
    lab: SecurityLab, mode: PolicyMode, ttl_s: float = 300.0, *, keyed_by_route: bool = False
) -> CacheRun:
    """The same six requests (a reader and a writer: read one item, list, create) with one policy mode
    (``keyed_by_route``: a REQUEST authorizer cached by token and route instead of by token)."""
    authorizer = lab.use_authorizer(mode, ttl_s, keyed_by_route=keyed_by_route)
    reports_before = len(lab.sandbox.lambdas.reports)
    item = lab.request("POST", "/items", lab.token("setup", WRITER), {"name": "lamp", "price_cents": 1999})
    lab.authorizer.flush()
    authorizer.invocations = 0
    item_path = f"/items/{item.json()['id']}"
    reader, writer = lab.token("rita", READER), lab.token("walt", WRITER)
    plan = [
        ("reader", reader, "GET", item_path, 200),
        ("reader", reader, "GET", "/items", 200),
        ("reader", reader, "POST", "/items", 403),
        ("writer", writer, "GET", item_path, 200),
        ("writer", writer, "POST", "/items", 201),
        ("writer", writer, "GET", "/items", 200),
    ]
    requests = []
    for who, token, method, path, expected in plan:
        body = {"name": "chair", "price_cents": 4999} if method == "POST" else None
        answer = lab.request(method, path, token, body)
        route = f"{method} {'/items/{id}' if path != '/items' else '/items'}"
        requests.append((who, route, answer.status, expected))
    costs = [
        r.cost_usd
        for r in lab.sandbox.lambdas.reports[reports_before:]
        if r.function_name == lab.function("authorizer")
    ]
    per_request = sum(costs[1:]) / len(plan) if len(costs) > 1 else 0.0  # the set-up request's left out
    return CacheRun(
        mode,
        ttl_s,
        requests,
        authorizer.invocations,
        authorizer.cache_hits,
        per_request * 1_000_000,
        keyed_by_route,
    )


def plot_cache_runs(runs: Sequence[CacheRun]) -> Figure:
    """Wrong answers (denied or allowed against the scopes) and authorizer invocations, per policy mode."""
    figure = Figure(figsize=(10, 4.0), layout="constrained")
    wrong, calls = figure.subplots(1, 2)
    labels = [f"{run.mode}{' by route' if run.keyed_by_route else ''} {run.ttl_s:g} s" for run in runs]
    positions = list(range(len(runs)))
    denied = [run.wrongly_denied for run in runs]
    allowed = [run.wrongly_allowed for run in runs]
    wrong.bar(positions, denied, color="#d62728", label="wrongly denied")
    wrong.bar(positions, allowed, bottom=denied, color="#ff7f0e", label="wrongly allowed")
    wrong.set(
        ylabel="wrong answers",
        title=f"What the cache got wrong (of {len(runs[0].requests)} requests)" if runs else "",
    )
    top = max([d + a for d, a in zip(denied, allowed, strict=True)] + [1])
    wrong.set_ylim(0, top + 1.5)
    count_axis(wrong.yaxis)
    category_ticks(wrong, positions, labels, width_in=4.5)
    wrong.legend(loc="upper right", frameon=False)
    calls.bar(positions, [run.authorizer_invocations for run in runs], color="#1f77b4")
    calls.set(ylabel="authorizer invocations", title="Authorizer runs for 6 requests")
    calls.set_ylim(0, max([run.authorizer_invocations for run in runs] + [1]) + 1)
    count_axis(calls.yaxis)
    category_ticks(calls, positions, labels, width_in=4.5)
    return figure


@dataclass(frozen=True)
class TtlRun:
    """A reader calling two routes in turn every ``interval_s`` (virtual) seconds with one token."""

    mode: str
    ttl_s: float
    requests: int
    wrongly_denied: int
    authorizer_invocations: int


def ttl_runs(lab: SecurityLab, ttl_s: float, *, requests: int = 12, interval_s: float = 30.0) -> list[TtlRun]:
    """The seed's policy and the fix under one cache TTL: wrong answers and authorizer invocations."""
    runs = []
    for mode in ("method-arn", "scopes"):
        authorizer = lab.use_authorizer(mode, ttl_s)
        item = lab.request("POST", "/items", lab.token("setup", WRITER), {"name": "lamp", "price_cents": 1})
        path = f"/items/{item.json()['id']}"
        authorizer.flush()
        authorizer.invocations = 0
        reader = lab.token("rita", READER)
        denied = 0
        for index in range(requests):
            denied += lab.request("GET", path if index % 2 == 0 else "/items", reader).status == 403
            lab.sandbox.advance(interval_s)
        runs.append(TtlRun(mode, ttl_s, requests, denied, authorizer.invocations))
    return runs


def plot_ttl_runs(runs: Sequence[TtlRun]) -> Figure:
    """Wrongly denied requests and authorizer invocations per policy, at one cache TTL."""
    figure = Figure(figsize=(8, 3.0), layout="constrained")
    denied, calls = figure.subplots(1, 2)
    positions = list(range(len(runs)))
    labels = [f"{run.mode} policy" for run in runs]
    requests = max([run.requests for run in runs] + [1])
    denied.bar(positions, [run.wrongly_denied for run in runs], color=["#d62728", "#2ca02c"][: len(runs)])
    denied.set(
        ylabel="requests wrongly denied",
        title=f"Of {requests} requests, TTL {runs[0].ttl_s:g} s" if runs else "",
    )
    denied.set_ylim(0, requests)
    count_axis(denied.yaxis)
    category_ticks(denied, positions, labels, width_in=3.5)
    calls.bar(positions, [run.authorizer_invocations for run in runs], color="#1f77b4")
    calls.set(ylabel="authorizer invocations", title="Authorizer runs")
    calls.set_ylim(0, requests)
    count_axis(calls.yaxis)
    category_ticks(calls, positions, labels, width_in=3.5)
    return figure


def cache_runs(lab: SecurityLab) -> list[CacheRun]:
    """The three policies cached by token, the seed's with the cache off, and the route-decided policy
    cached by token and route (a REQUEST authorizer)."""
    return [
        *(cache_run(lab, mode) for mode in POLICY_MODES),
        cache_run(lab, "method-arn", ttl_s=0),
        cache_run(lab, "route-decided", keyed_by_route=True),
    ]


# --- 3. validation and CORS (pattern 02's) ---------------------------------------------------------
def validation_run(lab: SecurityLab) -> list[dict[str, Any]]:
    """What the API answers to bodies it refuses and to CORS preflights, with a valid writer token."""
    lab.use_authorizer("scopes")
    writer = lab.token("walt", WRITER)
    rows = []
    cases: list[tuple[str, str, str, Any, dict[str, str]]] = [
        ("valid item", "POST", "/items", {"name": "desk", "price_cents": 12900}, {}),
        ("missing name, negative price", "POST", "/items", {"price_cents": -1}, {}),
        ("an extra field", "POST", "/items", {"name": "x", "price_cents": 1, "admin": True}, {}),
        ("text/plain body", "POST", "/items", "name=x", {"Content-Type": "text/plain"}),
        ("a 20 KiB body", "POST", "/items", {"name": "x" * 20_000, "price_cents": 1}, {}),
    ]
    for name, method, path, body, headers in cases:
        answer = lab.request(method, path, writer, body, **headers)
        rows.append({"request": name, "status": answer.status, "detail": _detail(answer)})
    for name, origin in (
        ("preflight, allowed origin", ALLOWED_ORIGIN),
        ("preflight, other origin", "https://evil.example"),
    ):
        answer = lab.door.request(
            "OPTIONS",
            "/items",
            headers={"Origin": origin, "Access-Control-Request-Headers": "authorization,content-type"},
        )
        allow = answer.header("Access-Control-Allow-Headers") or "(no CORS headers)"
        rows.append({"request": name, "status": answer.status, "detail": f"Allow-Headers: {allow}"})
    return rows


def _detail(answer: HttpResponse) -> str:
    body = answer.json()
    if isinstance(body, dict) and "problems" in body:
        return "; ".join(f"{p.get('field', '?')}: {p.get('problem', p)}" for p in body["problems"])[:70]
    if isinstance(body, dict):
        return str(body.get("message") or ", ".join(sorted(body)))[:70]
    return str(body)[:70]


# --- 4. least privilege --------------------------------------------------------------------------
def seed_style_policy(lab: SecurityLab) -> dict[str, Any]:
    """Seed 004's shape here: one role every function shares, the CRUD action list of the whole service,
    resources with ``*`` for account and region (seed 004: ``arn:aws:dynamodb:${region}:*:table/...``)."""
    bucket, queue = lab.resources["bucket"], lab.resources["queue_arn"].rsplit(":", 1)[-1]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"],
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            },
            {"Effect": "Allow", "Action": "sqs:*", "Resource": f"arn:aws:sqs:*:*:{queue}"},
        ],
    }


WILDCARD_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:*", "sqs:*"], "Resource": "*"}],
}


def candidate_requests(lab: SecurityLab) -> list[tuple[str, str]]:
    """Requests a function of this API could make, used or not: (action, resource) on the run's bucket,
    its objects, another bucket and the queue."""
    bucket, queue = lab.resources["bucket"], lab.resources["queue_arn"]
    objects = [f"arn:aws:s3:::{bucket}/items/some.json", f"arn:aws:s3:::{bucket}/private/keys.json"]
    other = "arn:aws:s3:::another-teams-bucket"
    pairs = [
        (a, o) for a in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject") for o in (*objects, f"{other}/x")
    ]
    pairs += [
        (a, b)
        for a in ("s3:ListBucket", "s3:DeleteBucket", "s3:PutBucketPolicy")
        for b in (f"arn:aws:s3:::{bucket}", other)
    ]
    pairs += [
        (a, queue) for a in ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:PurgeQueue", "sqs:DeleteQueue")
    ]
    return pairs


@dataclass(frozen=True)
class PolicyComparison:
    """One function: its recorded calls, and how many candidate requests each policy allows."""

    function: str
    calls: int
    used: tuple[str, ...]
    generated_allows: int
    seed_style_allows: int
    wildcard_allows: int
    used_allowed_by_generated: bool
    generated: dict[str, Any]


def compare_policies(lab: SecurityLab) -> list[PolicyComparison]:
    """Per function: a policy generated from its recorded calls against the seed-style and wildcard ones."""
    candidates = candidate_requests(lab)
    rows = []
    for role in FUNCTIONS:
        calls = lab.recorder.of(lab.function(role))
        generated = generate_policy(calls)
        used = tuple(sorted({c.action for c in calls}))

        def allows(policy: dict[str, Any]) -> int:
            return sum(1 for action, resource in candidates if evaluate([policy], action, resource).allowed)

        rows.append(
            PolicyComparison(
                role,
                len(calls),
                used,
                allows(generated),
                allows(seed_style_policy(lab)),
                allows(WILDCARD_POLICY),
                all(evaluate([generated], c.action, c.resource).allowed for c in calls),
                generated,
            )
        )
    return rows


def plot_permissions(rows: Sequence[PolicyComparison], candidates: int) -> Figure:
    """Candidate requests each policy allows, per function (the generated policy allows what was used)."""
    figure = Figure(figsize=(8, 3.4), layout="constrained")
    axes = figure.subplots()
    width = 0.27
    series = [
        ("generated from calls", [r.generated_allows for r in rows], "#2ca02c"),
        ("seed-style shared role", [r.seed_style_allows for r in rows], "#ff7f0e"),
        ("s3:* sqs:* on *", [r.wildcard_allows for r in rows], "#d62728"),
    ]
    for index, (label, values, color) in enumerate(series):
        axes.bar([p + (index - 1) * width for p in range(len(rows))], values, width, label=label, color=color)
    axes.set(
        ylabel="requests allowed", title=f"Of {candidates} candidate requests, how many each policy allows"
    )
    axes.set_ylim(0, candidates * 1.05)
    count_axis(axes.yaxis)
    category_ticks(axes, list(range(len(rows))), [f"{r.function} function" for r in rows], width_in=6.0)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return figure


def lint_policy(policy: dict[str, Any]) -> list[str]:
    """parliament's findings for ``policy`` (``ISSUE: detail``), an empty list when it finds nothing."""
    from parliament import analyze_policy_string  # type: ignore[import-untyped]

    found = analyze_policy_string(json.dumps(policy))
    return [f"{f.issue}" + (f" ({_short(f.detail)})" if f.detail else "") for f in found.findings]


def _short(detail: Any) -> str:
    if isinstance(detail, list):
        return f"{len(detail)} actions, e.g. {', '.join(map(str, detail[:2]))}"
    return str(detail)[:60]


# --- 5. the generated policies on moto's IAM enforcement -----------------------------------------
@dataclass(frozen=True)
class IamProof:
    """The API's requests with each function signing as an IAM user holding its generated policy, moto
    enforcing; then one function given another's policy."""

    enforced: bool
    statuses: dict[str, int]
    swapped_status: int
    swapped_error: str
    lab_decision: str


def iam_proof(lab: SecurityLab, rows: Sequence[PolicyComparison]) -> IamProof:
    """Deploy each function with credentials of a user holding its generated policy; enforce IAM."""
    iam = lab.sandbox.client("iam")
    credentials = {
        row.function: role_credentials(iam, f"{lab.prefix}-{row.function}-role", row.generated)
        for row in rows
    }
    get_only = role_credentials(
        iam, f"{lab.prefix}-swapped-role", next(r for r in rows if r.function == "get").generated
    )
    lab.use_authorizer("scopes")
    for role in FUNCTIONS:
        lab.deploy(role, credentials[role])
    # the create function's code signing with the get function's policy, behind its own front door
    swapped_name = f"{lab.prefix}-create-swapped"
    environment = {**lab.environment("create"), **get_only}
    lab.sandbox.lambdas.deploy(swapped_name, FUNCTIONS["create"], environment=environment, memory_mb=256)
    swapped_door = FrontDoor(lab.sandbox.lambdas, {"POST /items": swapped_name}, authorizer=lab.authorizer)
    writer = lab.token("walt", WRITER)
    with enforced_iam(lab.sandbox.backend.kind, lab.sandbox.backend.endpoint_url) as enforced:
        created = lab.request("POST", "/items", writer, {"name": "lamp", "price_cents": 1999})
        statuses = {"POST /items": created.status}
        item_id = created.json().get("id", "none") if created.status == 201 else "none"
        statuses["GET /items/{id}"] = lab.request("GET", f"/items/{item_id}", writer).status
        statuses["GET /items"] = lab.request("GET", "/items", writer).status
        swapped = swapped_door.request(
            "POST",
            "/items",
            headers={"Authorization": f"Bearer {writer}"},
            body={"name": "desk", "price_cents": 100},
        )
    for role in FUNCTIONS:
        lab.deploy(role)
    error = ""
    if swapped.invocation is not None and isinstance(swapped.invocation.payload, dict):
        message = str(swapped.invocation.payload.get("errorMessage", ""))
        found = re.search(r"\((\w+)\) when calling the (\w+) operation", message)
        error = f"{found.group(1)} on {found.group(2)}" if found else message[:80]
    put = f"arn:aws:s3:::{lab.resources['bucket']}/items/new.json"
    decision = evaluate([next(r for r in rows if r.function == "get").generated], "s3:PutObject", put)
    return IamProof(enforced, statuses, swapped.status, error, decision.decision.value)


def main() -> int:
    """Run the demonstration against moto and print what was measured."""
    from patterns.lab.sandbox import aws_sandbox

    with aws_sandbox() as sandbox, security_lab(sandbox) as lab:
        print("1. Tokens through the API (TOKEN authorizer, RS256, JWKS with one key made in this run)")
        results = token_results(lab)
        print(
            table(
                results,
                {
                    "token": "token",
                    "API status": "status",
                    "refused for": "reason",
                    "naive verifier accepts": "naive_accepts",
                },
            ).indented()
        )
        refused = sum(1 for r in results if r.token in BAD_TOKENS and r.status == 401)
        naive = sum(1 for r in results if r.token in BAD_TOKENS and r.naive_accepts)
        print(
            f"   bad tokens refused: {refused} of {len(BAD_TOKENS)}; "
            f"a verifier trusting the header accepts {naive}"
        )

        print(
            "\n2. The authorizer cache: a reader (items:read) and a writer (items:read items:write), "
            "6 requests"
        )
        runs = cache_runs(lab)
        for run in runs:
            answers = ", ".join(
                f"{who} {route} {status}" + ("!" if status != expected else "")
                for who, route, status, expected in run.requests
            )
            print(f"   {run.label}: {answers}")
            print(
                f"   {'':<6} wrong {run.wrong} (denied {run.wrongly_denied}, "
                f"allowed {run.wrongly_allowed}), "
                f"authorizer runs {run.authorizer_invocations}, cache hits {run.cache_hits}, "
                f"authorizer USD per 1M requests {run.authorizer_usd_per_million:.2f}"
            )

        print("\n3. Input validation and CORS (pattern 02's checks, reused)")
        print(table(validation_run(lab)).indented())

        print("\n4. Least privilege: policies generated from the calls each function made in this run")
        rows = compare_policies(lab)
        candidates = len(candidate_requests(lab))
        print(
            table(
                [
                    {
                        "function": r.function,
                        "calls recorded": r.calls,
                        "actions used": " ".join(r.used),
                        f"generated allows (of {candidates})": r.generated_allows,
                        "seed-style allows": r.seed_style_allows,
                        "wildcard allows": r.wildcard_allows,
                    }
                    for r in rows
                ]
            ).indented()
        )
        for r in rows:
            print(f"   {r.function}: {json.dumps(r.generated['Statement'])}")
        print("   parliament's findings:")
        for name, policy in [
            ("generated (create)", rows[-1].generated),
            ("seed-style", seed_style_policy(lab)),
            ("wildcard", WILDCARD_POLICY),
        ]:
            findings = lint_policy(policy)
            print(f"     {name:<19} {len(findings)}: {'; '.join(findings) if findings else 'none'}")

        print(
            "\n5. The generated policies on moto's IAM enforcement (each function signs as its own IAM user)"
        )
        proof = iam_proof(lab, rows)
        if not proof.enforced:
            print(
                "   this endpoint cannot switch IAM enforcement on; the lab's evaluator's answers above stand"
            )
        else:
            print(f"   with each function's generated policy: {proof.statuses}")
            print(
                f"   the create function with the get function's policy: status {proof.swapped_status}, "
                f"{proof.swapped_error}; the lab's evaluator says {proof.lab_decision}"
            )
    return 0
