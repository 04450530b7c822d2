"""IAM identity-policy evaluation: explicit deny, allow, implicit deny.

Within one account and without permission boundaries, session policies or SCPs, AWS decides a request
from the principal's identity policies so: if any statement that matches the request says ``Deny``, the
request is denied (an *explicit* deny, which no allow overrides); else if any matching statement says
``Allow``, it is allowed; else it is denied (an *implicit* deny: nothing allowed it). A statement
matches when its action, its resource and every one of its conditions match.

* actions match case-insensitively, resources case-sensitively; ``*`` matches any run of characters
  (``/`` and ``:`` included) and ``?`` any one character;
* ``NotAction`` / ``NotResource`` match everything their list does not;
* a condition block is an AND of operators, each an AND of keys, each an OR of its values; a key the
  request does not carry fails the condition, except with ``...IfExists`` (passes) and the negated
  operators (``StringNotEquals``, ``NotIpAddress``...), which a missing key satisfies.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from patterns.lab.exceptions import ConfigurationError

__all__ = ["Decision", "Evaluation", "Statement", "evaluate", "statements"]

ContextValue = str | bool | int | float | Sequence[str]


class Decision(StrEnum):
    """The outcome of an evaluation."""

    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True)
class Statement:
    """One statement of a policy, normalised (lists everywhere)."""

    effect: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    sid: str = ""

    def matches(self, action: str, resource: str, context: Mapping[str, ContextValue]) -> bool:
        if self.actions and not any(_like(pattern, action, fold=True) for pattern in self.actions):
            return False
        if self.not_actions and any(_like(pattern, action, fold=True) for pattern in self.not_actions):
            return False
        if self.resources and not any(_like(pattern, resource) for pattern in self.resources):
            return False
        if self.not_resources and any(_like(pattern, resource) for pattern in self.not_resources):
            return False
        return all(
            _condition(operator, key, values, context)
            for operator, keys in self.conditions.items()
            for key, values in keys.items()
        )


@dataclass(frozen=True)
class Evaluation:
    """The decision for one request, and the statements that decided it."""

    action: str
    resource: str
    decision: Decision
    deciding: tuple[Statement, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOWED


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str | bool | int | float) for v in value):
        return tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in value)
    if isinstance(value, bool):
        return (str(value).lower(),)
    if isinstance(value, int | float):
        return (str(value),)
    raise ConfigurationError(f"{what} must be a string or a list of strings, got {value!r}")


def statements(policy: Mapping[str, Any] | str) -> list[Statement]:
    """The statements of a policy document (a dict, or its JSON)."""
    document = json.loads(policy) if isinstance(policy, str) else policy
    raw = document.get("Statement")
    if raw is None:
        raise ConfigurationError(f"a policy needs a Statement, got keys {sorted(document)}")
    found = []
    for index, item in enumerate([raw] if isinstance(raw, Mapping) else raw):
        effect = item.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise ConfigurationError(f"statement {index}: Effect must be 'Allow' or 'Deny', got {effect!r}")
        if ("Action" in item) == ("NotAction" in item):
            raise ConfigurationError(f"statement {index}: give exactly one of Action and NotAction")
        if ("Resource" in item) == ("NotResource" in item):
            raise ConfigurationError(f"statement {index}: give exactly one of Resource and NotResource")
        conditions: dict[str, dict[str, tuple[str, ...]]] = {}
        for operator, keys in (item.get("Condition") or {}).items():
            conditions[operator] = {k: _strings(v, f"condition {operator} {k}") for k, v in keys.items()}
        found.append(
            Statement(
                effect=effect,
                actions=_strings(item["Action"], "Action") if "Action" in item else (),
                not_actions=_strings(item["NotAction"], "NotAction") if "NotAction" in item else (),
                resources=_strings(item["Resource"], "Resource") if "Resource" in item else (),
                not_resources=_strings(item["NotResource"], "NotResource") if "NotResource" in item else (),
                conditions=conditions,
                sid=str(item.get("Sid", f"#{index}")),
            )
        )
    return found


def evaluate(
    policies: Iterable[Mapping[str, Any] | str],
    action: str,
    resource: str,
    context: Mapping[str, ContextValue] | None = None,
) -> Evaluation:
    """Can a principal holding ``policies`` do ``action`` on ``resource`` (with request ``context``)?"""
    context = context or {}
    matching = [s for p in policies for s in statements(p) if s.matches(action, resource, context)]
    denies = tuple(s for s in matching if s.effect == "Deny")
    if denies:
        return Evaluation(action, resource, Decision.EXPLICIT_DENY, denies)
    allows = tuple(s for s in matching if s.effect == "Allow")
    if allows:
        return Evaluation(action, resource, Decision.ALLOWED, allows)
    return Evaluation(action, resource, Decision.IMPLICIT_DENY)


@lru_cache(maxsize=4096)
def _pattern(pattern: str, fold: bool) -> re.Pattern[str]:
    translated = fnmatch.translate(pattern.replace("[", "[[]"))  # IAM has no character classes
    return re.compile(translated, re.IGNORECASE if fold else 0)


def _like(pattern: str, value: str, *, fold: bool = False) -> bool:
    return _pattern(pattern, fold).match(value) is not None


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _in_network(address: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def _compare(base: str, actual: str, wanted: str) -> bool:
    if base == "StringEquals":
        return actual == wanted
    if base == "StringEqualsIgnoreCase":
        return actual.lower() == wanted.lower()
    if base == "StringLike":
        return _like(wanted, actual)
    if base == "ArnEquals":
        return actual == wanted
    if base == "ArnLike":
        return _like(wanted, actual)
    if base == "Bool":
        return actual.lower() == wanted.lower()
    if base == "IpAddress":
        return _in_network(actual, wanted)
    if base.startswith("Numeric"):
        a, w = _number(actual), _number(wanted)
        if a is None or w is None:
            return False
        return {
            "NumericEquals": a == w,
            "NumericLessThan": a < w,
            "NumericLessThanEquals": a <= w,
            "NumericGreaterThan": a > w,
            "NumericGreaterThanEquals": a >= w,
        }.get(base, False)
    raise ConfigurationError(f"condition operator {base!r} is not one the lab evaluates")


_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NotIpAddress": "IpAddress",
    "NumericNotEquals": "NumericEquals",
}


def _request_values(raw: ContextValue) -> tuple[str, ...]:
    if isinstance(raw, bool):
        return (str(raw).lower(),)
    if isinstance(raw, str | int | float):
        return (str(raw),)
    return tuple(str(v) for v in raw)


def _condition(operator: str, key: str, wanted: tuple[str, ...], context: Mapping[str, ContextValue]) -> bool:
    qualifier, _, name = operator.rpartition(":")
    if_exists = name.endswith("IfExists")
    name = name.removesuffix("IfExists")
    found = next((v for k, v in context.items() if k.lower() == key.lower()), None)
    if found is None:
        # a missing key: false, except ...IfExists (true) and negated operators (true)
        return if_exists or name in _NEGATED
    actual = _request_values(found)
    negated = name in _NEGATED
    base = _NEGATED.get(name, name)

    def one(value: str) -> bool:
        hit = any(_compare(base, value, w) for w in wanted)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(value) for value in actual)
    if qualifier == "ForAnyValue" or len(actual) == 1:
        return any(one(value) for value in actual)
    return any(one(value) for value in actual)
