"""Every client goes to the configured endpoint: the sandbox's, and those handlers create themselves."""

import os

import boto3
import pytest

from patterns.lab import aws_sandbox
from patterns.lab.sandbox import Backend

pytestmark = pytest.mark.endpoint

HANDLER = "tests.endpoint.handlers.handler"


def _server_tables(url: str) -> list[str]:
    client = boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    tables: list[str] = client.list_tables()["TableNames"]
    return tables


def test_a_handler_sees_the_endpoint_and_its_plain_client_goes_there(moto_server, network_guard):
    before = len(network_guard.attempts)
    with aws_sandbox(backend=Backend("endpoint", moto_server.url)) as sandbox:
        assert os.environ["AWS_ENDPOINT_URL"] == moto_server.url  # the notebook process
        assert sandbox.guard is not None  # the guard stays on: loopback only
        assert boto3.client("sqs").meta.endpoint_url == moto_server.url
        sandbox.deploy("probe", HANDLER, environment={"TABLE": "made-by-a-handler"})
        result = sandbox.lambdas.invoke("probe", {})
    assert result.ok, result.payload
    assert result.payload["environment"] == {
        "AWS_ENDPOINT_URL": moto_server.url,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "TABLE": "made-by-a-handler",
    }
    assert result.payload["client_endpoint"] == moto_server.url
    assert _server_tables(moto_server.url) == ["made-by-a-handler"]
    assert network_guard.attempts[before:] == []


def test_in_process_moto_gives_environments_no_endpoint_and_the_server_sees_nothing(moto_server):
    with aws_sandbox(backend=Backend()) as sandbox:
        assert "AWS_ENDPOINT_URL" not in os.environ
        sandbox.deploy("probe", HANDLER, environment={"TABLE": "in-process"})
        result = sandbox.lambdas.invoke("probe", {})
        assert result.ok, result.payload
        assert result.payload["environment"]["AWS_ENDPOINT_URL"] is None
        assert result.payload["environment"]["AWS_ACCESS_KEY_ID"] == "testing"
        assert result.payload["client_endpoint"] == "https://dynamodb.us-east-1.amazonaws.com"
    assert "in-process" not in _server_tables(moto_server.url)


def test_a_shell_endpoint_variable_never_leaks_into_the_default_backend(monkeypatch, moto_server):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.url)
    with aws_sandbox(backend=Backend()) as sandbox:
        sandbox.deploy("probe", HANDLER, environment={"TABLE": "still-in-process"})
        result = sandbox.lambdas.invoke("probe", {})
        assert result.payload["environment"]["AWS_ENDPOINT_URL"] is None
    assert "still-in-process" not in _server_tables(moto_server.url)
