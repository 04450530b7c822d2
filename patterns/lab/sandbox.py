"""The AWS sandbox: moto in-process, fake credentials, the local Lambda runtime and a network guard.

Use it as a context manager (scripts, tests)::

    with aws_sandbox() as sandbox:
        sqs = sandbox.client("sqs")
        ...

or, in a notebook, ``sandbox = start_sandbox()``: calling it again (re-running the cell or the whole
notebook) stops the previous sandbox and starts a fresh, empty one, so nothing "already exists".

By default nothing leaves the machine, even when the shell holds real AWS credentials: they are
replaced by fake ones for the sandbox's lifetime, and a network guard refuses any connection that is
not to loopback. A learner opts in to a real endpoint only explicitly, with environment variables:

* ``LAB_AWS_BACKEND=endpoint`` and ``LAB_AWS_ENDPOINT_URL=http://localhost:5000`` - a moto server or
  LocalStack on this machine (fake credentials, loopback only);
* ``LAB_AWS_BACKEND=aws`` and ``LAB_AWS_I_UNDERSTAND_THIS_COSTS_MONEY=yes`` - real AWS with the
  shell's own credentials (no guard). Lambda functions still run in the local runtime.
"""

from __future__ import annotations

import io
import json
import os
import threading
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import boto3
import boto3.session

from patterns.lab import _environ
from patterns.lab.capabilities import Capability, backend_supports, skip_message
from patterns.lab.clock import LabClock
from patterns.lab.exceptions import SandboxError
from patterns.lab.hooks import install_invoke_hook, moto_push_seams
from patterns.lab.lambda_runtime import FunctionConfig, LocalLambdaRuntime
from patterns.lab.network import NetworkGuard, is_local_host
from patterns.lab.states import virtual_state_machine_waits

__all__ = [
    "ACCOUNT_ID",
    "REGION",
    "Backend",
    "EventSource",
    "Sandbox",
    "aws_sandbox",
    "backend_from_environment",
    "current_sandbox",
    "platform_environment",
    "start_sandbox",
    "stop_sandbox",
]

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
MOTO_CONFIG: dict[str, Any] = {"stepfunctions": {"execute_state_machine": True}}
LAMBDA_ROLE_NAME = "lab-lambda-execution-role"

_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}
# Variables that could point boto3 at real AWS or at a learner's own profile and endpoints.
_CLEARED_PREFIXES = (
    "AWS_ENDPOINT_URL",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_",
    "AWS_CA_BUNDLE",
)


class EventSource(Protocol):
    """Something the sandbox polls when it settles: an event source mapping, a stream poller."""

    def poll(self) -> int:
        """Deliver what is ready now; return how many invocations (or units of work) it made."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Backend:
    """Where AWS calls go: moto in this process (default), a local endpoint, or real AWS."""

    kind: Literal["moto", "endpoint", "aws"] = "moto"
    endpoint_url: str | None = None

    def describe(self) -> str:
        if self.kind == "moto":
            return "moto, in this process (nothing leaves the machine)"
        if self.kind == "endpoint":
            return f"the endpoint {self.endpoint_url} (loopback only)"
        return "REAL AWS with your own credentials (requests cost money)"


def backend_from_environment(environ: Mapping[str, str] | None = None) -> Backend:
    """Read the explicit opt-in variables; anything unclear is an error, never a fallback to AWS."""
    env = os.environ if environ is None else environ
    kind = env.get("LAB_AWS_BACKEND", "moto").strip().lower() or "moto"
    if kind == "moto":
        return Backend()
    if kind == "endpoint":
        url = env.get("LAB_AWS_ENDPOINT_URL", "").strip()
        host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        if not url.startswith(("http://", "https://")) or not is_local_host(host):
            raise SandboxError(
                f"LAB_AWS_ENDPOINT_URL must be an http(s) URL on this machine (localhost / 127.0.0.1), "
                f"got {url!r}"
            )
        return Backend("endpoint", url)
    if kind == "aws":
        if env.get("LAB_AWS_I_UNDERSTAND_THIS_COSTS_MONEY", "").strip().lower() != "yes":
            raise SandboxError(
                "LAB_AWS_BACKEND=aws sends requests to real AWS; confirm with "
                "LAB_AWS_I_UNDERSTAND_THIS_COSTS_MONEY=yes"
            )
        return Backend("aws")
    raise SandboxError(f"LAB_AWS_BACKEND must be 'moto', 'endpoint' or 'aws', got {kind!r}")


@dataclass
class Sandbox:
    """A running sandbox: clients, the local Lambda runtime, the clock and the event sources."""

    region: str
    account_id: str
    backend: Backend
    clock: LabClock
    lambdas: LocalLambdaRuntime
    guard: NetworkGuard | None
    sources: list[EventSource] = field(default_factory=list)

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` in the sandbox's region (and endpoint, if opted in).

        Without extra arguments, clients on fake credentials are cached across sandboxes (a client
        holds no AWS state, and creating one costs about 10 ms); real AWS always gets a new one.
        """
        if not kwargs and self.backend.kind != "aws":
            key = (service, self.region, self.backend)
            cached = _client_cache.get(key)
            if cached is None:
                cached = _client_cache[key] = self.client(service, region_name=self.region)
            return cached
        kwargs.setdefault("region_name", self.region)
        if self.backend.endpoint_url:
            kwargs.setdefault("endpoint_url", self.backend.endpoint_url)
        return boto3.client(service, **kwargs)  # type: ignore[call-overload]

    def supports(self, capability: Capability) -> bool:
        """True when this sandbox's backend can give the local runtime ``capability``."""
        return backend_supports(self.backend.kind, capability)

    def unavailable(self, capability: Capability, what: str) -> bool:
        """When the backend lacks ``capability``, print one line saying ``what`` is skipped; return True.

        Returns False, printing nothing, when the backend has it::

            if not sandbox.unavailable(Capability.STATE_MACHINE_LAMBDA_TASKS, "the saga's rollback"):
                ...  # the part that needs it
        """
        if self.supports(capability):
            return False
        where = self.backend.endpoint_url or ""
        print(skip_message(self.backend.kind, where, capability, what), flush=True)
        return True

    def add_source(self, source: EventSource) -> EventSource:
        self.sources.append(source)
        return source

    def remove_source(self, source: EventSource) -> None:
        """Close ``source`` and stop polling it (a finished run's mapping, say)."""
        if source not in self.sources:
            raise SandboxError(f"{source!r} is not one of this sandbox's event sources")
        self.sources.remove(source)
        source.close()

    def settle(self, max_rounds: int = 10_000) -> int:
        """Run everything due now (async invocations, pollers) until the platform is quiet.

        Returns the number of units of work done. Virtual time does not move.
        """
        done = 0
        for _ in range(max_rounds):
            work = self.clock.run_due() + sum(source.poll() for source in list(self.sources))
            if work == 0:
                return done
            done += work
        raise SandboxError(
            f"the sandbox did not settle after {max_rounds} rounds: an event source keeps producing work "
            "(a message that always fails with no DLQ, or a function that invokes itself?)"
        )

    def advance(self, seconds: float) -> int:
        """Move virtual time forward, settling at every due timer on the way; return work done."""
        if seconds < 0:
            raise SandboxError(f"time cannot go back: advance({seconds})")
        target = self.clock.elapsed + seconds
        done = self.settle()
        while (due := self.clock.next_due()) is not None and due <= target:
            self.clock.advance_to(max(due, self.clock.elapsed))
            done += self.settle()
        self.clock.advance_to(target)
        return done + self.settle()

    def deploy(self, name: str, handler: str, **settings: Any) -> str:
        """Deploy a handler to the local runtime and return its ARN (shortcut for ``lambdas.deploy``)."""
        return self.lambdas.deploy(name, handler, **settings).arn


_current: Sandbox | None = None
_client_cache: dict[tuple[str, str, Backend], Any] = {}
_running = False
_current_stack: ExitStack | None = None
_start_lock = threading.Lock()


def current_sandbox() -> Sandbox:
    """The running sandbox, for code that was not handed one."""
    if _current is None:
        raise SandboxError("no sandbox is running: use `with aws_sandbox():` or `start_sandbox()` first")
    return _current


@contextmanager
def _patched_environment(backend: Backend, region: str) -> Iterator[None]:
    saved = dict(os.environ)
    environ = _environ.install()
    try:
        if backend.kind != "aws":
            for key in list(environ):
                if key.startswith(_CLEARED_PREFIXES):
                    del environ[key]
            environ.update(_FAKE_CREDENTIALS)
            if backend.endpoint_url:  # every client without an explicit endpoint_url goes here
                environ["AWS_ENDPOINT_URL"] = backend.endpoint_url
            environ["AWS_CONFIG_FILE"] = os.devnull
            environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        environ["AWS_DEFAULT_REGION"] = region
        environ["AWS_REGION"] = region
        # DynamoDB Streams under moto need this with current botocore.
        environ["AWS_ACCOUNT_ID_ENDPOINT_MODE"] = "disabled"
        environ["AWS_RETRY_MODE"] = "standard"
        environ["AWS_MAX_ATTEMPTS"] = "1"
        yield
    finally:
        environ.clear()
        environ.update(saved)
        _environ.uninstall()


def platform_environment(backend: Backend, region: str) -> dict[str, str]:
    """The variables every local execution environment gets from the platform, as on Lambda.

    On Lambda a function's credentials and region come from its environment; a function pointed at
    LocalStack or a moto server also finds ``AWS_ENDPOINT_URL`` there, so ``boto3.client("dynamodb")``
    inside a handler goes to the endpoint. With real AWS the shell's own credentials stay in charge.
    """
    variables = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    if backend.kind != "aws":
        variables.update(_FAKE_CREDENTIALS)
    if backend.endpoint_url:
        variables["AWS_ENDPOINT_URL"] = backend.endpoint_url
    return variables


_reusable_sessions: dict[str, boto3.session.Session] = {}


@contextmanager
def _fresh_default_session(backend: Backend) -> Iterator[None]:
    """Give boto3 a default session that has cached nothing from before the sandbox.

    Creating a botocore session costs about 15 ms (it registers ~130 handlers) and each one parses
    the service models again, so with fake credentials one session is reused across sandboxes with
    its credential cache emptied; its config was read when the sandbox's fake environment was on.
    Real AWS always gets a brand-new session that reads the learner's own configuration.
    """
    saved = boto3.DEFAULT_SESSION
    if backend.kind == "aws":
        session = boto3.session.Session()
    else:
        session = _reusable_sessions.get(backend.kind) or boto3.session.Session()
        _reusable_sessions[backend.kind] = session
        session._session._credentials = None  # type: ignore[attr-defined]  # re-resolved from the sandbox's fake environment
    boto3.DEFAULT_SESSION = session
    try:
        yield
    finally:
        boto3.DEFAULT_SESSION = saved


def _registrar(sandbox_ref: list[Sandbox]) -> Any:
    """Register deployed functions in the AWS control plane (moto) so ARNs and subscriptions work."""
    role_arn: list[str] = []
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("lab_placeholder.py", "# code runs in the lab's local runtime\n")
    placeholder = code.getvalue()

    def register(config: FunctionConfig) -> str:
        sandbox = sandbox_ref[0]
        if sandbox.backend.kind != "moto":
            return f"arn:aws:lambda:{sandbox.region}:{sandbox.account_id}:function:{config.name}"
        client = sandbox.client("lambda")
        if not role_arn:
            iam = sandbox.client("iam")
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                    }
                ],
            }
            role = iam.create_role(RoleName=LAMBDA_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust))
            role_arn.append(role["Role"]["Arn"])
        settings = {
            "Runtime": "python3.11",
            "Role": role_arn[0],
            "Handler": config.handler,
            "MemorySize": config.memory_mb,
            "Timeout": max(1, int(config.timeout_s)),
            "Environment": {"Variables": dict(config.environment)},
        }
        try:
            response = client.create_function(
                FunctionName=config.name,
                Code={"ZipFile": placeholder},
                Architectures=[config.architecture],
                **settings,
            )
        except client.exceptions.ResourceConflictException:
            response = client.update_function_configuration(FunctionName=config.name, **settings)
        arn: str = response["FunctionArn"]
        return arn

    return register


def _deliverer(sandbox_ref: list[Sandbox]) -> Any:
    """Send an async invocation record to its destination (SQS, SNS, Lambda or EventBridge)."""

    def deliver(target_arn: str, record: dict[str, Any]) -> None:
        sandbox = sandbox_ref[0]
        parts = target_arn.split(":")
        service, resource = parts[2], parts[5]
        if service == "sqs":
            sqs = sandbox.client("sqs")
            url = sqs.get_queue_url(QueueName=resource, QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
            if "body" in record and "attributes" in record:  # dead-letter queue: the event, with attributes
                attributes = {
                    k: {"DataType": "String", "StringValue": v} for k, v in record["attributes"].items()
                }
                sqs.send_message(
                    QueueUrl=url, MessageBody=json.dumps(record["body"]), MessageAttributes=attributes
                )
            else:
                sqs.send_message(QueueUrl=url, MessageBody=json.dumps(record))
        elif service == "sns":
            message = record["body"] if "body" in record and "attributes" in record else record
            sandbox.client("sns").publish(TopicArn=target_arn, Message=json.dumps(message))
        elif service == "lambda":
            sandbox.lambdas.invoke_async(target_arn, record)
        elif service == "events":
            sandbox.client("events").put_events(
                Entries=[
                    {
                        "EventBusName": target_arn,
                        "Source": "lambda",
                        "DetailType": "Lambda Function Invocation Result",
                        "Detail": json.dumps(record),
                    }
                ]
            )
        else:
            raise SandboxError(
                f"unsupported destination {target_arn!r}: use an SQS, SNS, Lambda or EventBridge ARN"
            )

    return deliver


@contextmanager
def aws_sandbox(
    *, region: str = REGION, backend: Backend | None = None, clock: LabClock | None = None
) -> Iterator[Sandbox]:
    """Start moto (or the opted-in endpoint), the local Lambda runtime and the guard; stop them after."""
    global _current, _running
    chosen = backend or backend_from_environment()
    with _start_lock:
        if _running:
            raise SandboxError(
                "a sandbox is already running in this process; "
                "stop it (stop_sandbox()) before starting another"
            )
        _running = True
    sandbox_ref: list[Sandbox] = []
    try:
        with ExitStack() as stack:
            guard: NetworkGuard | None = None
            if chosen.kind != "aws":
                guard = stack.enter_context(NetworkGuard().active())
            stack.enter_context(_patched_environment(chosen, region))
            if chosen.kind == "moto":
                from moto import mock_aws

                stack.enter_context(mock_aws(config=MOTO_CONFIG))  # type: ignore[call-overload]
                stack.enter_context(moto_push_seams())
            stack.enter_context(
                _fresh_default_session(chosen)
            )  # after moto, which resets the default session
            runtime = LocalLambdaRuntime(
                clock or LabClock(),
                region=region,
                account_id=ACCOUNT_ID,
                register=_registrar(sandbox_ref),
                deliver=_deliverer(sandbox_ref),
                environment=platform_environment(chosen, region),
            )
            stack.callback(runtime.shutdown)
            stack.callback(install_invoke_hook(runtime))
            sandbox = Sandbox(region, ACCOUNT_ID, chosen, runtime.clock, runtime, guard)
            sandbox_ref.append(sandbox)
            if chosen.kind == "moto":  # state machines' Retry and Wait states wait on the virtual clock
                sandbox.add_source(stack.enter_context(virtual_state_machine_waits(runtime.clock)))
            stack.callback(_close_sources, sandbox)
            _current = sandbox
            yield sandbox
    finally:
        _current = None
        _running = False


def _close_sources(sandbox: Sandbox) -> None:
    for source in sandbox.sources:
        source.close()
    sandbox.sources.clear()


def start_sandbox(*, region: str = REGION, backend: Backend | None = None) -> Sandbox:
    """Notebook-friendly start: stops the sandbox a previous run left and starts a fresh one."""
    global _current_stack
    stop_sandbox()
    stack = ExitStack()
    sandbox = stack.enter_context(aws_sandbox(region=region, backend=backend))
    _current_stack = stack
    return sandbox


def stop_sandbox() -> None:
    """Stop the sandbox started by :func:`start_sandbox` (a no-op if none is running)."""
    global _current_stack
    if _current_stack is not None:
        stack, _current_stack = _current_stack, None
        stack.close()
