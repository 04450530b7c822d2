"""Pure logic of pattern 23: templates read and checked, resources compared, canary decisions, test tiers.

No boto3 here: :mod:`.adapters` talks to CloudFormation, Lambda and the other services.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from patterns.deploy_test.exceptions import TemplateError

__all__ = [
    "PSEUDO_PARAMETERS",
    "TIERS",
    "CanaryPolicy",
    "FunctionSpec",
    "ResourceCheck",
    "Verdict",
    "decide",
    "declared_resources",
    "function_specs",
    "parse_collected",
    "parse_durations",
    "parse_template",
    "resolve",
    "should_fail",
    "tier_of",
]

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NoValue",
        "AWS::NotificationARNs",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
TIERS = ("unit", "integration", "endpoint", "e2e")
_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


def _references(value: Any) -> list[str]:
    """Every logical name a ``Ref``, ``Fn::GetAtt`` or ``Fn::Sub`` in ``value`` points at."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.append(inner)
            elif key == "Fn::GetAtt" and isinstance(inner, list) and inner:
                found.append(str(inner[0]))
            elif key == "Fn::Sub" and isinstance(inner, str):
                found.extend(name.split(".")[0] for name in _SUB.findall(inner))
            else:
                found.extend(_references(inner))
    elif isinstance(value, list):
        for inner in value:
            found.extend(_references(inner))
    return found


def parse_template(text: str, source: str = "template") -> dict[str, Any]:
    """Read a CloudFormation template (JSON) and check what CloudFormation would refuse, before deploying.

    Raises :class:`TemplateError` with one clear message: where the JSON breaks, a missing or empty
    ``Resources``, a resource without a ``Type``, or every reference to a name the template does not
    declare.
    """
    try:
        template = json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError(
            f"{source} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(template, dict):
        raise TemplateError(f"{source} must be a JSON object, not {type(template).__name__}")
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError(f"{source} declares no Resources: a stack needs at least one resource")
    untyped = sorted(
        name
        for name, body in resources.items()
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str)
    )
    if untyped:
        raise TemplateError(f"{source}: resource(s) {', '.join(untyped)} have no Type")
    known = set(resources) | set(template.get("Parameters", {}) or {}) | PSEUDO_PARAMETERS
    unknown = sorted({name for name in _references(resources) if name not in known})
    if unknown:
        raise TemplateError(
            f"{source} refers to {', '.join(repr(n) for n in unknown)}, which it does not declare "
            f"(declared: {', '.join(sorted(resources))})"
        )
    return template


def declared_resources(template: Mapping[str, Any]) -> dict[str, str]:
    """Logical name -> resource type, in template order."""
    return {name: str(body["Type"]) for name, body in template["Resources"].items()}


def resolve(value: Any, names: Mapping[str, str]) -> Any:
    """Resolve ``Ref`` and ``Fn::Sub`` (names only) against ``names`` (logical or parameter -> value)."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "Ref":
            return names[str(inner)]
        if key == "Fn::Sub" and isinstance(inner, str):
            return _SUB.sub(lambda match: names[match.group(1)], inner)
    if isinstance(value, dict):
        return {key: resolve(inner, names) for key, inner in value.items()}
    if isinstance(value, list):
        return [resolve(inner, names) for inner in value]
    return value


@dataclass(frozen=True)
class FunctionSpec:
    """What the local runtime needs of a template's ``AWS::Lambda::Function``."""

    logical_id: str
    name: str
    handler: str
    memory_mb: int
    timeout_s: float
    environment: dict[str, str]


def function_specs(template: Mapping[str, Any], names: Mapping[str, str]) -> list[FunctionSpec]:
    """Every function of ``template``, with names and variables resolved against the deployed ``names``."""
    specs = []
    for logical_id, body in template["Resources"].items():
        if body["Type"] != "AWS::Lambda::Function":
            continue
        properties = body.get("Properties", {})
        variables = resolve(properties.get("Environment", {}).get("Variables", {}), names)
        specs.append(
            FunctionSpec(
                logical_id=logical_id,
                name=str(resolve(properties.get("FunctionName", {"Ref": logical_id}), names)),
                handler=str(properties["Handler"]),
                memory_mb=int(properties.get("MemorySize", 128)),
                timeout_s=float(properties.get("Timeout", 3)),
                environment={str(k): str(v) for k, v in variables.items()},
            )
        )
    return specs


@dataclass(frozen=True)
class ResourceCheck:
    """One declared resource after a deploy: in the stack's list? found by its service's describe call?"""

    logical_id: str
    resource_type: str
    listed: bool
    exists: bool
    made_by: str  # "CloudFormation (moto)", "the lab", or "nobody"


def should_fail(key: str, rate: float) -> bool:
    """Deterministically fail a share ``rate`` of keys (a hash, so every run fails the same requests)."""
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


Verdict = Literal["bake", "roll back", "promote"]


@dataclass(frozen=True)
class CanaryPolicy:
    """Roll back when the canary's error rate passes ``threshold`` over at least ``min_invocations``;
    promote after ``bake_minutes`` healthy minutes (CodeDeploy's Canary10Percent5Minutes shape)."""

    weight: float = 0.1
    threshold: float = 0.05
    min_invocations: int = 20
    bake_minutes: int = 5


def decide(policy: CanaryPolicy, invocations: int, errors: int, minutes: int) -> Verdict:
    """The deployment's next step after ``minutes`` of canary with these counts."""
    if invocations >= policy.min_invocations and errors / invocations > policy.threshold:
        return "roll back"
    if minutes >= policy.bake_minutes and invocations >= policy.min_invocations:
        return "promote"
    return "bake"


def tier_of(node_id: str) -> str | None:
    """The tier of a test from its node id (``tests/<tier>/...``), or None outside the four tiers."""
    parts = node_id.replace("\\", "/").split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "tests" and parts[1] in TIERS else None


def parse_collected(output: str) -> dict[str, int]:
    """Tests per tier from ``pytest --collect-only -q`` output (one node id per line)."""
    counts = Counter(tier for line in output.splitlines() if "::" in line and (tier := tier_of(line.strip())))
    return {tier: counts.get(tier, 0) for tier in TIERS}


_DURATION = re.compile(r"^\s*([0-9.]+)s\s+(setup|call|teardown)\s+(\S+)")


def parse_durations(output: str) -> dict[str, float]:
    """Seconds per test (setup + call + teardown) from pytest's ``--durations=0 -vv`` lines."""
    seconds: dict[str, float] = {}
    for line in output.splitlines():
        if match := _DURATION.match(line):
            seconds[match.group(3)] = seconds.get(match.group(3), 0.0) + float(match.group(1))
    return seconds
