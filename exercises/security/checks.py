"""Checks shared by the public and hidden tests of the security exercise (they run in the grader).

Policies are judged by what they allow: the lab's IAM evaluator (:mod:`patterns.lab.iam`) answers for
each request, after the answer's types were checked exactly (a policy is plain JSON data).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect, expect_equal, same, type_name

Check = Callable[[Outcome], None]
API_STAGE = "arn:aws:execute-api:us-east-1:123456789012:api1/prod"
ROUTE_SCOPES = {"GET /items": "items:read", "GET /items/{id}": "items:read", "POST /items": "items:write"}
# A concrete request per route: the methodArn API Gateway evaluates the policy against.
REQUESTS = {"GET /items": "GET/items", "GET /items/{id}": "GET/items/42", "POST /items": "POST/items"}


def _not_plain(value: Any, where: str = "the answer") -> str | None:
    """Where ``value`` holds something other than plain JSON data (exact types), or None."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return f"{where} has a key of type {type_name(key)}"
            found = _not_plain(item, f"{where}[{key!r}]")
            if found:
                return found
        return None
    if kind is list:
        return next((f for i, item in enumerate(value) if (f := _not_plain(item, f"{where}[{i}]"))), None)
    if kind in (str, int, float, bool, type(None)):
        return None
    return f"{where} is {type_name(value)}, not plain JSON data"


def _allows(outcome: Outcome, document: Any, action: str, resource: str) -> bool:
    from patterns.lab.exceptions import ConfigurationError
    from patterns.lab.iam import evaluate

    expect(outcome, type(document) is dict, "a policy document (a dict) with a Statement list", document)
    try:
        return evaluate([document], action, resource).allowed
    except (ConfigurationError, AttributeError, TypeError, KeyError) as error:
        raise AssertionError(f"called {outcome.call}\n  got a policy IAM cannot read: {error}") from None


def accepted(subject: str) -> Check:
    """``verify`` returned the claims: a dict whose ``sub`` is ``subject``."""

    def check(outcome: Outcome) -> None:
        expect(
            outcome, "returned" in outcome.value, f"the claims returned, not {outcome.value.get('reason')!r}"
        )
        claims = outcome.value["returned"]
        expect(outcome, type(claims) is dict, f"a dict of claims, got {type_name(claims)}", claims)
        expect_equal(outcome, "returned.sub", subject, "the claims' sub")

    return check


def rejected(reason: str) -> Check:
    """``verify`` raised ``Rejected`` with exactly this reason (a str)."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "raised", "Rejected", "what verify raised")
        expect_equal(outcome, "reason", reason, "Rejected's reason (a str)")

    return check


def cache_safe(scopes: list[str]) -> Check:
    """Every answer is the same policy (plain data, ``principalId`` "alice"), and it allows exactly the
    routes ``scopes`` grant, whichever request asked."""

    def check(outcome: Outcome) -> None:
        answers = outcome.value["answers"]
        problem = _not_plain(answers)
        expect(outcome, problem is None, f"plain JSON data ({problem})")
        for answer in answers:
            expect(outcome, type(answer) is dict, f"a dict per answer, got {type_name(answer)}", answer)
            expect_equal(outcome, "answers.0.principalId", "alice", "principalId (a str)")
        first = answers[0]
        expect(
            outcome,
            all(same(answer, first) for answer in answers),
            "the same answer for every route asked (API Gateway caches the first and applies it to the rest)",
        )
        document = first.get("policyDocument")
        for route, scope in ROUTE_SCOPES.items():
            wanted = scope in scopes
            got = _allows(outcome, document, "execute-api:Invoke", f"{API_STAGE}/{REQUESTS[route]}")
            expect(
                outcome,
                got == wanted,
                f"{route} {'allowed' if wanted else 'denied'} for scopes {scopes}",
                document,
            )
        other_api = "arn:aws:execute-api:us-east-1:123456789012:api2/prod/GET/items"
        expect(
            outcome,
            not _allows(outcome, document, "execute-api:Invoke", other_api),
            "another API denied",
            document,
        )

    return check


def exactly(calls: list[dict[str, str]], unused: list[list[str]]) -> Check:
    """The policy allows every call and none of the ``unused`` (action, resource) pairs; no wildcard."""

    def check(outcome: Outcome) -> None:
        document = outcome.value["returned"]
        problem = _not_plain(document)
        expect(outcome, problem is None, f"plain JSON data ({problem})")
        for call in calls:
            allowed = _allows(outcome, document, call["action"], call["resource"])
            expect(
                outcome,
                allowed,
                f"{call['action']} on {call['resource']} allowed (the function made it)",
                document,
            )
        for action, resource in unused:
            allowed = _allows(outcome, document, action, resource)
            expect(outcome, not allowed, f"{action} on {resource} denied (never called)", document)
        text = str(document)
        expect(outcome, "*" not in text and "?" not in text, "no wildcard anywhere in the policy", document)

    return check
