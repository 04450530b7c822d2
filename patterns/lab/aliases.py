"""Lambda versions and weighted aliases for the local runtime.

Lambda routes an alias's invocations between its primary version and at most one other version by the
alias's ``RoutingConfig.AdditionalVersionWeights``. moto stores versions and aliases (``PublishVersion``,
``CreateAlias``, ``UpdateAlias``) but runs no code; the local runtime runs code but has no versions. This
seam joins them: each version's code is deployed to the local runtime as its own function
(``<name>--v<version>``), and :class:`WeightedAlias` reads the alias from the control plane (moto) at
every invocation and picks a version with a seeded random draw, as Lambda does per request.

    alias = WeightedAlias(sandbox, "quote", "live", seed=7)
    version, invocation = alias.invoke({"id": "r-1"})
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from patterns.lab.exceptions import ConfigurationError
from patterns.lab.lambda_runtime import Invocation
from patterns.lab.sandbox import Sandbox

__all__ = ["AliasRouting", "WeightedAlias", "choose_version", "publish_version", "version_function_name"]


_ROLE = "lab-versioned-function-role"


def version_function_name(function: str, version: str) -> str:
    """The local runtime's name for ``version`` of ``function``."""
    return f"{function}--v{version}"


@dataclass(frozen=True)
class AliasRouting:
    """An alias as the control plane holds it: its primary version and the weights of the others."""

    primary: str
    additional: Mapping[str, float]

    def __post_init__(self) -> None:
        total = sum(self.additional.values())
        if (
            len(self.additional) > 1
            or any(not 0.0 <= w <= 1.0 for w in self.additional.values())
            or total > 1
        ):
            raise ConfigurationError(
                f"AdditionalVersionWeights {dict(self.additional)} is not one version with a weight in [0, 1]"
            )

    @classmethod
    def from_alias(cls, alias: Mapping[str, Any]) -> AliasRouting:
        """From a ``GetAlias`` response."""
        weights = alias.get("RoutingConfig", {}).get("AdditionalVersionWeights", {}) or {}
        return cls(str(alias["FunctionVersion"]), {str(k): float(v) for k, v in weights.items()})


def choose_version(routing: AliasRouting, draw: float) -> str:
    """The version a request with uniform ``draw`` in [0, 1) goes to."""
    floor = 0.0
    for version, weight in routing.additional.items():
        if floor <= draw < floor + weight:
            return version
        floor += weight
    return routing.primary


def publish_version(sandbox: Sandbox, function: str, handler: str, **settings: Any) -> str:
    """Deploy ``handler`` as the next version of ``function`` and return the version number.

    The function's code in the control plane is updated and a version published there (moto); the same
    handler runs in the local runtime under :func:`version_function_name`.
    """
    sandbox.deploy(function, handler, **settings)
    client = sandbox.client("lambda")
    try:
        client.get_function(FunctionName=function)
    except client.exceptions.ResourceNotFoundException:
        _register(sandbox, function, handler)  # a moto server: the runtime registered nothing there
    published = len(client.list_versions_by_function(FunctionName=function)["Versions"])
    client.update_function_configuration(  # a change, so Lambda (and moto) publish a new version
        FunctionName=function, Handler=handler, Description=f"{handler}, publication {published}"
    )
    version = str(client.publish_version(FunctionName=function)["Version"])
    sandbox.deploy(version_function_name(function, version), handler, **settings)
    return version


def _register(sandbox: Sandbox, function: str, handler: str) -> None:
    """Create ``function`` in the control plane (placeholder code: the code runs in the local runtime)."""
    iam = sandbox.client("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
        ],
    }
    try:
        role = iam.get_role(RoleName=_ROLE)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName=_ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("lab_placeholder.py", "# code runs in the lab's local runtime\n")
    sandbox.client("lambda").create_function(
        FunctionName=function,
        Runtime="python3.11",
        Role=role,
        Handler=handler,
        Code={"ZipFile": code.getvalue()},
    )


class WeightedAlias:
    """Invoke an alias as Lambda does: each request to a version drawn by the alias's weights."""

    def __init__(self, sandbox: Sandbox, function: str, alias: str, *, seed: int = 0) -> None:
        self.sandbox = sandbox
        self.function = function
        self.alias = alias
        self._random = random.Random(seed)

    def routing(self) -> AliasRouting:
        """The alias as the control plane holds it now (read at every call: an update applies at once)."""
        response = self.sandbox.client("lambda").get_alias(FunctionName=self.function, Name=self.alias)
        return AliasRouting.from_alias(response)

    def invoke(self, event: Any = None) -> tuple[str, Invocation]:
        """Invoke the alias once; return the version that ran and its invocation."""
        version = choose_version(self.routing(), self._random.random())
        name = version_function_name(self.function, version)
        return version, self.sandbox.lambdas.invoke(name, event)
