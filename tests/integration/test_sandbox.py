"""The sandbox: fresh state every start, fake credentials, explicit opt-in, nothing leaves the machine."""

import os
import socket

import boto3
import pytest

from patterns.lab import aws_sandbox, backend_from_environment, start_sandbox, stop_sandbox
from patterns.lab.exceptions import NetworkBlockedError, SandboxError
from patterns.lab.sandbox import Backend

pytestmark = pytest.mark.integration

REAL_LOOKING = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_PROFILE": "production",
    "AWS_ENDPOINT_URL": "https://dynamodb.us-east-1.amazonaws.com",
}


def test_real_credentials_in_the_shell_never_reach_aws(monkeypatch, network_guard):
    for key, value in REAL_LOOKING.items():
        monkeypatch.setenv(key, value)
    before = len(network_guard.attempts)
    with aws_sandbox(backend=Backend()) as sandbox:
        assert os.environ["AWS_ACCESS_KEY_ID"] != REAL_LOOKING["AWS_ACCESS_KEY_ID"]
        assert "AWS_PROFILE" not in os.environ
        assert "AWS_ENDPOINT_URL" not in os.environ
        dynamodb = sandbox.client("dynamodb")
        dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        assert dynamodb.list_tables()["TableNames"] == ["t"]
        assert boto3.client("sts").get_caller_identity()["Account"] == "123456789012"
    assert network_guard.attempts[before:] == []
    assert os.environ["AWS_ACCESS_KEY_ID"] == REAL_LOOKING["AWS_ACCESS_KEY_ID"], (
        "the shell's variables come back"
    )


def test_the_guard_refuses_connections_and_lookups_off_the_machine(sandbox, network_guard):
    session_attempts = len(network_guard.attempts)
    with pytest.raises(NetworkBlockedError, match=r"blocked name lookup to example\.com"):
        socket.getaddrinfo("example.com", 443)
    with (
        socket.socket() as client,
        pytest.raises(NetworkBlockedError, match=r"blocked connect to 192\.0\.2\.1:443"),
    ):
        client.connect(("192.0.2.1", 443))
    refused = sandbox.guard.attempts[-2:]
    assert [a.operation for a in refused] == ["name lookup", "connect"]
    sandbox.guard.attempts.clear()  # these attempts were the point of the test:
    del network_guard.attempts[session_attempts:]  # the session-wide check must not count them
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        socket.create_connection(server.getsockname(), timeout=1).close()  # loopback is allowed


def test_every_start_is_empty_so_rerunning_never_hits_already_exists():
    for _ in range(2):
        sandbox = start_sandbox(backend=Backend())
        sqs = sandbox.client("sqs")
        assert sqs.list_queues().get("QueueUrls", []) == []
        sqs.create_queue(QueueName="orders")
        sandbox.deploy("f", "tests.handlers.lifecycle.handler")
    stop_sandbox()
    stop_sandbox()  # stopping twice is harmless


def test_a_second_concurrent_sandbox_is_refused(sandbox):
    with pytest.raises(SandboxError, match="already running"), aws_sandbox():
        pass


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        (
            {"LAB_AWS_BACKEND": "endpoint", "LAB_AWS_ENDPOINT_URL": "https://s3.amazonaws.com"},
            "on this machine",
        ),
        ({"LAB_AWS_BACKEND": "aws"}, "LAB_AWS_I_UNDERSTAND_THIS_COSTS_MONEY=yes"),
        ({"LAB_AWS_BACKEND": "localstak"}, "must be 'moto', 'endpoint' or 'aws'"),
    ],
)
def test_opt_in_must_be_explicit_and_well_formed(environment, message):
    with pytest.raises(SandboxError, match=message):
        backend_from_environment(environment)


def test_opt_in_backends():
    assert backend_from_environment({}) == Backend("moto")
    local = backend_from_environment(
        {"LAB_AWS_BACKEND": "endpoint", "LAB_AWS_ENDPOINT_URL": "http://localhost:4566"}
    )
    assert local == Backend("endpoint", "http://localhost:4566")
    real = backend_from_environment(
        {"LAB_AWS_BACKEND": "aws", "LAB_AWS_I_UNDERSTAND_THIS_COSTS_MONEY": "yes"}
    )
    assert real.kind == "aws"
    assert "REAL AWS" in real.describe()


def test_concurrent_conditional_writes_are_atomic(sandbox):
    """moto serves one request at a time in the sandbox, so a conditional write is atomic as on AWS."""
    from concurrent.futures import ThreadPoolExecutor

    dynamodb = sandbox.client("dynamodb")
    dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )

    def claim(i):
        try:
            dynamodb.put_item(
                TableName="t",
                Item={"pk": {"S": "one"}, "by": {"N": str(i)}},
                ConditionExpression="attribute_not_exists(pk)",
            )
            return True
        except dynamodb.exceptions.ConditionalCheckFailedException:
            return False

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(claim, range(200))) == 1


class CountingSource:
    def __init__(self) -> None:
        self.polls, self.closed = 0, False

    def poll(self) -> int:
        self.polls += 1
        return 0

    def close(self) -> None:
        self.closed = True


def test_a_removed_source_is_closed_and_no_longer_polled(sandbox):
    source = CountingSource()
    sandbox.add_source(source)
    sandbox.settle()
    polled = source.polls
    assert polled >= 1
    sandbox.remove_source(source)
    sandbox.settle()
    assert (source.polls, source.closed) == (polled, True)
    with pytest.raises(SandboxError, match="is not one of this sandbox's event sources"):
        sandbox.remove_source(source)
