"""Probes of the api-crud exercise: they run in the learner's process, call the learner's code inside a
fresh AWS sandbox, and return plain JSON data for the grader to check (the checks live elsewhere)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from exercises.grader.support import handler_error, learner_module
from patterns.lab import aws_sandbox
from patterns.lab.events import api_gateway_rest_event
from patterns.lab.races import RaceGate, hold_reads
from patterns.lab.resources import ensure_table
from patterns.lab.sandbox import Backend, Sandbox

LEARNER_FILE = "items.py"
TABLE = "items"


def warm_up() -> None:
    """Load the course code and moto's DynamoDB once, before any learner code exists."""
    with aws_sandbox(backend=Backend()) as sandbox:
        ensure_table(TABLE, hash_key="id")
        sandbox.deploy("warm", "patterns.api_crud.handlers.handle")
        sandbox.client("dynamodb").scan(TableName=TABLE)


def _seed(sandbox: Sandbox, items: list[dict[str, Any]]) -> None:
    ensure_table(TABLE, hash_key="id")
    for item in items:
        sandbox.client("dynamodb").put_item(
            TableName=TABLE,
            Item={
                "id": {"S": item["id"]},
                "name": {"S": item["name"]},
                "price_cents": {"N": str(item["price_cents"])},
                "version": {"N": str(item["version"])},
            },
        )


def _table(sandbox: Sandbox) -> list[dict[str, Any]]:
    items = sandbox.client("dynamodb").scan(TableName=TABLE)["Items"]
    decoded = [
        {key: int(value["N"]) if "N" in value else next(iter(value.values())) for key, value in item.items()}
        for item in items
    ]
    return sorted(decoded, key=lambda item: str(item.get("id")))


def check_body(body: str | None) -> dict[str, Any]:
    """Task 1: what validate returns, or the problems it raises."""
    module = learner_module("items")
    try:
        return {"returned": module.validate(body)}
    except module.InvalidItem as invalid:
        return {"problems": invalid.problems}  # as raised: the grader checks it is a list of str


def update(items: list[dict[str, Any]], updates: list[list[Any]], concurrent: bool = False) -> dict[str, Any]:
    """Task 2: ``update_item`` for each ``[item_id, fields, expected_version]`` (all at once with
    ``concurrent``: every call's reads held until every call has read or finished)."""
    with aws_sandbox(backend=Backend()) as sandbox:
        module = learner_module("items")  # init code runs inside the sandbox, as on Lambda
        _seed(sandbox, items)

        def call(arguments: list[Any]) -> dict[str, Any]:
            item_id, fields, expected = arguments
            try:
                return {"stored": module.update_item(TABLE, item_id, dict(fields), expected)}
            except module.StaleWrite as stale:
                return {"stale": stale.current}

        gate: RaceGate | None = None
        if concurrent:
            with hold_reads(len(updates)) as gate, ThreadPoolExecutor(len(updates)) as pool:
                results = list(pool.map(gate.participant(call), updates))
        else:
            results = [call(arguments) for arguments in updates]
        return {
            "returned": results,
            "items": _table(sandbox),
            "race": gate.report().as_data() if gate else None,
        }


def put(items: list[dict[str, Any]], requests: list[dict[str, Any]]) -> dict[str, Any]:
    """Task 3: deploy ``items.handler`` and send each ``{"id", "if_match", "body"}`` as PUT /items/{id}."""
    with aws_sandbox(backend=Backend()) as sandbox:
        learner_module("items")  # a syntax error shows here, with its line, not inside the runtime
        _seed(sandbox, items)
        sandbox.deploy("update-item", "items.handler", environment={"TABLE_NAME": TABLE}, timeout_s=5)
        responses: list[dict[str, Any]] = []
        for request in requests:
            headers = {"Content-Type": "application/json"}
            if request.get("if_match") is not None:
                headers["If-Match"] = request["if_match"]
            event = api_gateway_rest_event(
                "PUT",
                f"/items/{request['id']}",
                resource="/items/{id}",
                path_parameters={"id": request["id"]},
                headers=headers,
                body=request.get("body"),
            )
            result = sandbox.lambdas.invoke("update-item", event)
            if not result.ok:
                if result.payload.get("errorType") == "NotImplementedError":
                    raise NotImplementedError(result.payload.get("errorMessage"))
                responses.append({"error": handler_error(result.payload, LEARNER_FILE)})
                continue
            response = result.payload if isinstance(result.payload, dict) else {}
            try:
                body = json.loads(response.get("body") or "null")
            except (TypeError, json.JSONDecodeError):
                body = response.get("body")
            headers_out = {str(k).lower(): v for k, v in (response.get("headers") or {}).items()}
            responses.append(
                {"status": response.get("statusCode"), "body": body, "etag": headers_out.get("etag")}
            )
        return {"responses": responses, "items": _table(sandbox)}
