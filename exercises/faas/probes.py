"""Probes of the faas exercise: they run in the learner's process, call the learner's code inside a
fresh AWS sandbox, and return plain JSON data for the grader to check (the checks live elsewhere)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exercises.grader.support import handler_error, learner_module
from patterns.lab import aws_sandbox
from patterns.lab.events import api_gateway_rest_event
from patterns.lab.races import hold_reads
from patterns.lab.resources import (
    ensure_queue,
    ensure_table,
    ensure_topic,
    message_bodies,
    subscribe_queue_to_topic,
)
from patterns.lab.sandbox import Backend, Sandbox

LEARNER_FILE = "registration.py"
TABLE = "users"


def warm_up() -> None:
    """Load the course code and moto's services once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        _resources()
        sandbox.deploy("warm", "patterns.faas.handlers.get_user")
        sandbox.client("lambda").list_functions()


def _resources(*, table_only: bool = False) -> dict[str, str]:
    ensure_table(TABLE, hash_key="email")
    if table_only:
        return {"TABLE_NAME": TABLE}
    topic = ensure_topic("user-registered")
    queue = ensure_queue("welcome")
    subscribe_queue_to_topic(topic, queue)
    return {"TABLE_NAME": TABLE, "TOPIC_ARN": topic, "QUEUE_URL": queue.url}


def _items(sandbox: Sandbox) -> list[dict[str, Any]]:
    items = sandbox.client("dynamodb").scan(TableName=TABLE)["Items"]
    return sorted(({k: next(iter(v.values())) for k, v in item.items()} for item in items), key=str)


def parse(body: str | None) -> dict[str, Any]:
    """Task 1: what parse_registration returns, or the problems it raises."""
    module = learner_module("registration")
    try:
        return {"returned": module.parse_registration(body)}
    except module.InvalidRegistration as invalid:
        return {"problems": invalid.problems}  # as raised: the grader checks it is a list of str


def save(users: list[dict[str, Any]]) -> dict[str, Any]:
    """Task 2: save_user for each user in turn, then what the table holds."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("registration")  # init code runs inside the sandbox, as on Lambda
        _resources(table_only=True)
        stored = [module.save_user(TABLE, user) for user in users]
        return {"returned": stored, "items": _items(sandbox)}


def save_concurrently(user: dict[str, Any], concurrency: int) -> dict[str, Any]:
    """Task 2: the same user saved from ``concurrency`` threads at once; every call's read (if it reads)
    is held until every call has read or finished, so a read-then-write always races and always loses."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("registration")
        _resources(table_only=True)
        with hold_reads(concurrency) as gate, ThreadPoolExecutor(concurrency) as pool:
            save = gate.participant(lambda _: module.save_user(TABLE, dict(user)))
            stored = list(pool.map(save, range(concurrency)))
        return {"returned": stored, "items": _items(sandbox), "race": gate.report().as_data()}


def handle(bodies: list[str | None], concurrency: int = 1) -> dict[str, Any]:
    """Task 3: deploy ``registration.handler`` as a Lambda function and POST each body to it (with
    ``concurrency`` > 1, all at once, each request's reads held until every request has read)."""
    with aws_sandbox(backend=Backend()) as sandbox:
        learner_module("registration")  # a syntax error shows here, with its line, not inside the runtime
        environment = _resources()
        queue_url = environment.pop("QUEUE_URL")
        sandbox.deploy("register", "registration.handler", environment=environment, timeout_s=5)

        def post(body: str | None) -> dict[str, Any]:
            result = sandbox.lambdas.invoke("register", api_gateway_rest_event("POST", "/users", body=body))
            if not result.ok:
                if result.payload.get("errorType") == "NotImplementedError":
                    raise NotImplementedError(result.payload.get("errorMessage"))
                return {"error": handler_error(result.payload, LEARNER_FILE)}
            response = result.payload if isinstance(result.payload, dict) else {}
            try:
                decoded = json.loads(response.get("body") or "null")
            except (TypeError, json.JSONDecodeError):
                decoded = response.get("body")
            headers = {str(k).lower(): v for k, v in (response.get("headers") or {}).items()}
            return {
                "status": response.get("statusCode"),
                "body": decoded,
                "content_type": headers.get("content-type"),
            }

        race: dict[str, Any] | None = None
        if concurrency > 1:
            with hold_reads(len(bodies)) as gate, ThreadPoolExecutor(len(bodies)) as pool:
                responses = list(pool.map(gate.participant(post), bodies))
            race = gate.report().as_data()
        else:
            responses = [post(body) for body in bodies]
        return {
            "responses": responses,
            "messages": message_bodies(queue_url),
            "items": _items(sandbox),
            "race": race,
        }
