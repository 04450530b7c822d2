"""AWS access of pattern 23: CloudFormation in moto, every resource checked, functions wired."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources as package_files
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from patterns.deploy_test.exceptions import TemplateError
from patterns.deploy_test.service import (
    FunctionSpec,
    ResourceCheck,
    declared_resources,
    function_specs,
    parse_template,
    resolve,
)
from patterns.lab.aliases import version_function_name
from patterns.lab.sandbox import Sandbox

__all__ = [
    "Deployment",
    "collect_tests",
    "deploy_stack",
    "read_template",
    "resource_exists",
    "wire_functions",
]

MOTO = "CloudFormation (moto)"
LAB = "the lab"
NOBODY = "nobody"


def read_template(name: str = "items-api.json") -> str:
    """A template shipped with the pattern."""
    return (package_files.files("patterns.deploy_test") / "templates" / name).read_text()


def _describers(sandbox: Sandbox, function_of: Callable[[str], str]) -> dict[str, Callable[[str, str], bool]]:
    """Per resource type, the service's own call that finds (logical id, physical id)."""

    def table(_: str, physical: str) -> bool:
        sandbox.client("dynamodb").describe_table(TableName=physical)
        return True

    def role(_: str, physical: str) -> bool:
        sandbox.client("iam").get_role(RoleName=physical)
        return True

    def function(_: str, physical: str) -> bool:
        sandbox.client("lambda").get_function(FunctionName=physical)
        return True

    def version(logical: str, _: str) -> bool:
        listed = sandbox.client("lambda").list_versions_by_function(FunctionName=function_of(logical))
        return any(v["Version"] != "$LATEST" for v in listed["Versions"])

    def alias(logical: str, physical: str) -> bool:
        name = physical.rsplit(":", 1)[-1] if physical else "live"
        sandbox.client("lambda").get_alias(FunctionName=function_of(logical), Name=name)
        return True

    def alarm(_: str, physical: str) -> bool:
        found = sandbox.client("cloudwatch").describe_alarms(AlarmNames=[physical])["MetricAlarms"]
        return bool(physical) and bool(found)

    return {
        "AWS::DynamoDB::Table": table,
        "AWS::IAM::Role": role,
        "AWS::Lambda::Function": function,
        "AWS::Lambda::Version": version,
        "AWS::Lambda::Alias": alias,
        "AWS::CloudWatch::Alarm": alarm,
    }


def resource_exists(describe: Callable[[str, str], bool] | None, logical: str, physical: str) -> bool:
    """True when the service's describe call finds the resource; False when it does not or none is known."""
    if describe is None:
        return False
    try:
        return describe(logical, physical)
    except ClientError:
        return False


@dataclass
class Deployment:
    """A deployed stack and the check of every resource it declared."""

    stack: str
    template: dict[str, Any]
    names: dict[str, str]  # logical or parameter -> physical name
    checks: list[ResourceCheck]
    dropped_by_moto: list[str]

    @property
    def missing(self) -> list[ResourceCheck]:
        return [check for check in self.checks if not check.exists]


@contextmanager
def _quiet_moto(dropped: set[str]) -> Iterator[None]:
    """Collect moto's "not supported" warnings into ``dropped`` (it parses the template on every read)."""
    moto_log = logging.getLogger("moto.cloudformation.parsing")
    level = moto_log.level
    moto_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for warning in caught:
            text = str(warning.message)
            if "not supported" in text:
                dropped.add(text.rsplit("parse ", maxsplit=1)[-1].split(" but", maxsplit=1)[0])
    finally:
        moto_log.setLevel(level)


def _create_stack(
    sandbox: Sandbox, stack: str, body: str, parameters: Mapping[str, str], dropped: set[str]
) -> None:
    """Create the stack; add the types moto's CloudFormation said it does not support to ``dropped``."""
    client = sandbox.client("cloudformation")
    try:
        with _quiet_moto(dropped):
            client.create_stack(
                StackName=stack,
                TemplateBody=body,
                Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
                Capabilities=["CAPABILITY_IAM"],
            )
    except ClientError as error:
        message = error.response["Error"]["Message"]
        raise TemplateError(f"CloudFormation refused stack {stack!r}: {message}") from None
    status = client.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    if status != "CREATE_COMPLETE":
        raise TemplateError(f"stack {stack!r} ended in {status}")


def _lab_fill(
    sandbox: Sandbox, resource_type: str, properties: Mapping[str, Any], names: Mapping[str, str]
) -> str:
    """Create a resource moto's CloudFormation dropped, through the service's own API; return its name."""
    props = resolve(dict(properties), names)
    if resource_type == "AWS::Lambda::Alias":
        client = sandbox.client("lambda")
        published = client.list_versions_by_function(FunctionName=props["FunctionName"])["Versions"]
        numbers = [int(v["Version"]) for v in published if v["Version"] != "$LATEST"]
        version = (
            str(max(numbers))
            if numbers
            else client.publish_version(FunctionName=props["FunctionName"])["Version"]
        )
        return str(
            client.create_alias(
                FunctionName=props["FunctionName"], Name=props["Name"], FunctionVersion=version
            )["AliasArn"]
        )
    if resource_type == "AWS::CloudWatch::Alarm":
        sandbox.client("cloudwatch").put_metric_alarm(**props)
        return str(props["AlarmName"])
    return ""


def deploy_stack(
    sandbox: Sandbox,
    stack: str,
    body: str,
    parameters: Mapping[str, str] | None = None,
    *,
    fill_gaps: bool = True,
) -> Deployment:
    """Deploy ``body`` to CloudFormation, then check that every declared resource exists.

    moto's CloudFormation skips resource types it does not implement and still reports
    ``CREATE_COMPLETE``; each resource is therefore looked up twice, in ``ListStackResources`` and by its
    service's describe call. With ``fill_gaps``, the lab creates the skipped types it knows (an alias, an
    alarm) through their services' APIs, and the check says who made what.
    """
    template = parse_template(body, stack)
    declared = template.get("Parameters") or {}
    values = {k: str(v["Default"]) for k, v in declared.items() if "Default" in v} | dict(parameters or {})
    unset = sorted(set(declared) - set(values))
    if unset:
        raise TemplateError(
            f"{stack}: parameter(s) {', '.join(unset)} have no Default and were given no value"
        )
    dropped: set[str] = set()
    _create_stack(sandbox, stack, body, values, dropped)
    with _quiet_moto(dropped):
        summaries = sandbox.client("cloudformation").list_stack_resources(StackName=stack)[
            "StackResourceSummaries"
        ]
    listed = {
        s["LogicalResourceId"]: s.get("PhysicalResourceId", "") for s in summaries if s["LogicalResourceId"]
    }
    names = {**values, **listed}
    types = declared_resources(template)

    def function_of(logical: str) -> str:
        return str(resolve(template["Resources"][logical]["Properties"]["FunctionName"], names))

    describers = _describers(sandbox, function_of)
    checks = []
    for logical, kind in types.items():
        physical = listed.get(logical, "")
        exists = bool(physical or kind == "AWS::Lambda::Version") and resource_exists(
            describers.get(kind), logical, physical
        )
        made_by = MOTO if exists else NOBODY
        if not exists and fill_gaps and kind in ("AWS::Lambda::Alias", "AWS::CloudWatch::Alarm"):
            physical = names[logical] = _lab_fill(
                sandbox, kind, template["Resources"][logical]["Properties"], names
            )
            exists = resource_exists(describers.get(kind), logical, physical)
            made_by = LAB if exists else NOBODY
        checks.append(ResourceCheck(logical, kind, logical in listed, exists, made_by))
    return Deployment(stack, template, names, checks, sorted(dropped))


def wire_functions(sandbox: Sandbox, deployment: Deployment) -> list[FunctionSpec]:
    """Deploy every function of the stack to the local runtime with the template's settings.

    Each function also runs as its version 1 (:func:`patterns.lab.aliases.version_function_name`), so an
    alias of the stack routes to code.
    """
    specs = function_specs(deployment.template, deployment.names)
    for spec in specs:
        settings: dict[str, Any] = {
            "memory_mb": spec.memory_mb,
            "timeout_s": spec.timeout_s,
            "environment": spec.environment,
        }
        sandbox.deploy(spec.name, spec.handler, **settings)
        versions = sandbox.client("lambda").list_versions_by_function(FunctionName=spec.name)["Versions"]
        for version in versions:
            if version["Version"] != "$LATEST":
                sandbox.deploy(version_function_name(spec.name, version["Version"]), spec.handler, **settings)
    return specs


def collect_tests(root: Path, *paths: str, timeout_s: float = 120.0) -> str:
    """``pytest --collect-only -q`` over ``paths`` of the course at ``root``; its standard output."""
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0", "-p", "no:cacheprovider", *paths],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    return completed.stdout


def load_recording(path: Path) -> dict[str, Any]:
    """A recorded test-pyramid run (see ``python -m patterns.deploy_test --record-pyramid``)."""
    recording: dict[str, Any] = json.loads(path.read_text())
    return recording
