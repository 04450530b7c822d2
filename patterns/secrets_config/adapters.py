"""AWS access for pattern 21: Secrets Manager and SSM Parameter Store through boto3 and Powertools
Parameters, a stand-in downstream that accepts only the current secret, an API-call counter, and
detect-secrets, the maintained scanner.

Clients are created by the functions that need them (never at import), from boto3's default session, so
inside ``sandbox.lambdas`` each execution environment makes its own, as on Lambda.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from aws_lambda_powertools.utilities.parameters import SecretsProvider, SSMProvider

from patterns.secrets_config.exceptions import AuthenticationFailedError
from patterns.secrets_config.service import stage_path

__all__ = [
    "COUNTER_ID",
    "ApiCallCounter",
    "CurrentSecretDownstream",
    "Finding",
    "create_secret",
    "fetch_secret",
    "fetch_stage_parameters",
    "put_stage_parameters",
    "rotate_secret",
    "scan_text",
    "secrets_provider",
    "ssm_provider",
    "version_stages",
]

COUNTER_ID = "secrets-config-api-counter"
_SERVICES = ("secretsmanager", "ssm")


class ApiCallCounter:
    """Counts Secrets Manager and SSM requests by (service, operation) from every client created on the
    default session while counting (the hook goes on the session; botocore copies it into new clients).

    Create the functions' environments inside :meth:`counting` so their clients are counted.
    """

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._active = False

    @contextmanager
    def counting(self) -> Iterator[ApiCallCounter]:
        if boto3.DEFAULT_SESSION is None:
            boto3.setup_default_session()
        session = boto3.DEFAULT_SESSION
        assert session is not None
        for service in _SERVICES:
            session.events.register(f"provide-client-params.{service}", self._count, unique_id=_id(service))
        self._active = True
        try:
            yield self
        finally:
            self._active = False
            for service in _SERVICES:
                session.events.unregister(f"provide-client-params.{service}", unique_id=_id(service))

    def _count(self, model: Any, **_: Any) -> None:
        if self._active:
            with self._lock:
                self.calls[(model.service_model.service_name, model.name)] += 1

    def of(self, service: str) -> int:
        """Requests to ``service`` (``"secretsmanager"`` or ``"ssm"``), all operations."""
        with self._lock:
            return sum(n for (name, _), n in self.calls.items() if name == service)

    def snapshot(self) -> dict[str, int]:
        """Requests so far by service."""
        return {service: self.of(service) for service in _SERVICES}

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()


def _id(service: str) -> str:
    return f"{COUNTER_ID}-{service}"


def create_secret(client: Any, name: str, value: Mapping[str, str]) -> str:
    """Store ``value`` (JSON) as secret ``name``; its ARN. An existing secret gets a new version instead."""
    try:
        return str(client.create_secret(Name=name, SecretString=json.dumps(dict(value)))["ARN"])
    except client.exceptions.ResourceExistsException:
        return str(client.put_secret_value(SecretId=name, SecretString=json.dumps(dict(value)))["ARN"])


def rotate_secret(client: Any, name: str, value: Mapping[str, str]) -> str:
    """A new version of ``name``: Secrets Manager moves ``AWSCURRENT`` to it (and ``AWSPREVIOUS`` to the
    old one). The new version's id."""
    return str(client.put_secret_value(SecretId=name, SecretString=json.dumps(dict(value)))["VersionId"])


def version_stages(client: Any, name: str) -> dict[str, list[str]]:
    """Each version of ``name`` that carries a staging label, and its labels."""
    versions = client.list_secret_version_ids(SecretId=name)["Versions"]
    return {
        str(v["VersionId"]): sorted(v.get("VersionStages", [])) for v in versions if v.get("VersionStages")
    }


def fetch_secret(client: Any, name: str) -> dict[str, str]:
    """One ``GetSecretValue`` (AWSCURRENT), parsed: what a handler without a cache does every time."""
    value: dict[str, str] = json.loads(client.get_secret_value(SecretId=name)["SecretString"])
    return value


def put_stage_parameters(client: Any, stage: str, values: Mapping[str, str]) -> list[str]:
    """Write ``values`` under ``/app/<stage>/`` as String parameters (overwriting); the names written."""
    names = []
    for key, value in values.items():
        name = f"{stage_path(stage)}{key}"
        client.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)
        names.append(name)
    return names


def fetch_stage_parameters(client: Any, stage: str) -> dict[str, str]:
    """Every parameter under ``/app/<stage>/`` (``GetParametersByPath``, all pages), by full name."""
    values: dict[str, str] = {}
    for page in client.get_paginator("get_parameters_by_path").paginate(
        Path=stage_path(stage), Recursive=True
    ):
        values.update({p["Name"]: p["Value"] for p in page["Parameters"]})
    return values


def secrets_provider() -> SecretsProvider:
    """Powertools' Secrets Manager provider on a new client from the default session (its cache is this
    object's: one per execution environment)."""
    return SecretsProvider(boto3_client=boto3.client("secretsmanager"))


def ssm_provider() -> SSMProvider:
    """Powertools' SSM provider on a new client from the default session."""
    return SSMProvider(boto3_client=boto3.client("ssm"))


class CurrentSecretDownstream:
    """A stand-in database that accepts only the password of the secret's ``AWSCURRENT`` version, as a
    database does once single-user rotation changed its password.

    It is another service, not the function: its client is taken off the :class:`ApiCallCounter`'s count.
    """

    def __init__(self, secret_id: str) -> None:
        self.secret_id = secret_id
        self._client = boto3.client("secretsmanager")
        for service in _SERVICES:
            self._client.meta.events.unregister(f"provide-client-params.{service}", unique_id=_id(service))

    def query(self, credentials: Mapping[str, Any], sql: str) -> str:
        """The answer to ``sql``; :class:`AuthenticationFailedError` unless the credentials are current."""
        current = fetch_secret(self._client, self.secret_id)
        if credentials.get("username") != current.get("username") or credentials.get(
            "password"
        ) != current.get("password"):
            raise AuthenticationFailedError(
                f"password authentication failed for user {credentials.get('username')!r}"
            )
        return f"ok: {sql}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One secret detect-secrets found: where, and which of its detectors matched."""

    source: str
    line: int
    kind: str


def scan_text(text: str, source: str = "<text>", *, suffix: str = ".py") -> list[Finding]:
    """The secrets detect-secrets (its default plugins and filters) finds in ``text``, by line.

    The scanner reads files, so the text is written to a private temporary file named ``*suffix``.
    """
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"scanned{suffix}"
        path.write_text(text, encoding="utf-8")
        with default_settings():
            found = SecretsCollection()
            found.scan_file(str(path))
        findings = [Finding(source, s.line_number, s.type) for name in found.files for s in found[name]]
    return sorted(set(findings), key=lambda f: (f.line, f.kind))
