"""A local Lambda runtime: real handlers in execution environments with Lambda's lifecycle.

moto stores Lambda functions but cannot run them without Docker. This runtime runs them in-process,
with the parts of Lambda's behaviour the course teaches:

* an **execution environment** loads the handler's module once (init) and keeps its own module
  globals, so two environments never share state, as on Lambda;
* one request at a time per environment; a pool per function scales out up to the account's and
  the function's (reserved) concurrency and throttles beyond it; provisioned environments are
  initialised ahead of time; idle environments expire on the controllable clock;
* a request goes to an idle environment: the warmest (most recently used) by default, or, with
  ``routing="spread"``, the one idle longest, so requests in sequence visit every idle environment
  in turn. AWS documents neither order; ``spread`` is how the lab shows what per-environment state
  does when a load balancer spreads traffic (see pattern 04);
* every invocation yields an :class:`InvocationReport` (cold or warm, init, duration, billed
  duration, memory, cost from :mod:`patterns.lab.pricing`);
* timeouts are enforced and errors come back as Lambda error payloads;
* asynchronous invocations retry twice (1 min, then 2 min of virtual time) and then go to an
  on-failure destination or dead-letter queue;
* recursive loop detection: an asynchronous invocation carries its chain's lineage
  (:mod:`patterns.lab.recursion`) and the runtime stops one past Lambda's limit, unless the function's
  ``recursive_loop`` is ``"Allow"``.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import queue
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import ModuleType
from typing import Any, Literal

from patterns.lab import limits, pricing, recursion
from patterns.lab._environ import environment_layer
from patterns.lab.clock import LabClock
from patterns.lab.exceptions import ConfigurationError, FunctionNotDeployedError, TooManyRequestsError

__all__ = [
    "Architecture",
    "AsyncInvocation",
    "DeployedFunction",
    "EnvironmentInfo",
    "FunctionConfig",
    "Invocation",
    "InvocationReport",
    "LambdaContext",
    "LocalLambdaRuntime",
]

Architecture = Literal["x86_64", "arm64"]
InvocationType = Literal["RequestResponse", "Event"]
Routing = Literal["warmest", "spread"]
Handler = Callable[[Any, "LambdaContext"], Any]
Registrar = Callable[["FunctionConfig"], str]
Deliverer = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class FunctionConfig:
    """What ``create_function`` would be given, plus the lab's platform settings."""

    name: str
    handler: str
    memory_mb: int = 128
    timeout_s: float = 3.0
    architecture: Architecture = "x86_64"
    environment: Mapping[str, str] = field(default_factory=dict)
    reserved_concurrency: int | None = None
    provisioned_concurrency: int = 0
    idle_expiry_s: float = limits.IDLE_EXPIRY_DEFAULT_S
    max_retry_attempts: int = limits.ASYNC_MAX_RETRY_ATTEMPTS
    on_success: str | None = None
    on_failure: str | None = None
    dead_letter_arn: str | None = None
    routing: Routing = "warmest"
    recursive_loop: recursion.RecursiveLoop = "Terminate"

    def __post_init__(self) -> None:
        problems = []
        if self.recursive_loop not in ("Terminate", "Allow"):
            problems.append(f"recursive_loop must be 'Terminate' or 'Allow', got {self.recursive_loop!r}")
        if self.routing not in ("warmest", "spread"):
            problems.append(f"routing must be 'warmest' or 'spread', got {self.routing!r}")
        if not self.name or len(self.name) > 64:
            problems.append(f"name must be 1-64 characters, got {self.name!r}")
        if "." not in self.handler:
            problems.append(f"handler must be 'module.function', got {self.handler!r}")
        if not limits.MEMORY_MIN_MB <= self.memory_mb <= limits.MEMORY_MAX_MB:
            problems.append(
                f"memory_mb must be {limits.MEMORY_MIN_MB}-{limits.MEMORY_MAX_MB}, got {self.memory_mb}"
            )
        if not 0 < self.timeout_s <= limits.TIMEOUT_MAX_S:
            problems.append(f"timeout_s must be in (0, {limits.TIMEOUT_MAX_S}], got {self.timeout_s}")
        if self.architecture not in ("x86_64", "arm64"):
            problems.append(f"architecture must be 'x86_64' or 'arm64', got {self.architecture!r}")
        if self.reserved_concurrency is not None and self.reserved_concurrency < 0:
            problems.append(f"reserved_concurrency cannot be negative, got {self.reserved_concurrency}")
        if self.provisioned_concurrency < 0:
            problems.append(f"provisioned_concurrency cannot be negative, got {self.provisioned_concurrency}")
        if self.reserved_concurrency is not None and self.provisioned_concurrency > self.reserved_concurrency:
            problems.append(
                f"provisioned_concurrency ({self.provisioned_concurrency}) cannot exceed "
                f"reserved_concurrency ({self.reserved_concurrency})"
            )
        if not 0 <= self.max_retry_attempts <= limits.ASYNC_MAX_RETRY_ATTEMPTS:
            problems.append(
                f"max_retry_attempts must be 0-{limits.ASYNC_MAX_RETRY_ATTEMPTS}, "
                f"got {self.max_retry_attempts}"
            )
        if self.idle_expiry_s <= 0:
            problems.append(f"idle_expiry_s must be positive, got {self.idle_expiry_s}")
        if problems:
            raise ConfigurationError(f"function {self.name!r}: " + "; ".join(problems))


@dataclass
class LambdaContext:
    """The context object handlers receive (the fields of Lambda's Python runtime)."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline: float = field(repr=False)
    identity: Any = None
    client_context: Any = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.perf_counter()) * 1000))


@dataclass(frozen=True)
class InvocationReport:
    """Lambda's REPORT line, as data: one per invocation."""

    request_id: str
    function_name: str
    environment_id: str
    invocation_type: InvocationType
    cold_start: bool
    init_ms: float | None
    duration_ms: float
    billed_ms: int
    memory_mb: int
    architecture: Architecture
    cost_usd: float
    status: Literal["success", "error", "timeout"]
    error_type: str | None
    started_at: datetime

    def line(self) -> str:
        """The report in the shape of Lambda's REPORT log line."""
        init = f"\tInit Duration: {self.init_ms:.2f} ms" if self.init_ms is not None else ""
        return (
            f"REPORT RequestId: {self.request_id}\tDuration: {self.duration_ms:.2f} ms\t"
            f"Billed Duration: {self.billed_ms} ms\tMemory Size: {self.memory_mb} MB{init}"
        )


@dataclass(frozen=True)
class Invocation:
    """The result of a synchronous invocation: what ``lambda.invoke`` returns, plus the report."""

    payload: Any
    function_error: str | None
    report: InvocationReport

    @property
    def ok(self) -> bool:
        return self.function_error is None

    def payload_bytes(self) -> bytes:
        return json.dumps(self.payload).encode()


@dataclass
class AsyncInvocation:
    """An event accepted with ``InvocationType='Event'``: its attempts and where it ended up."""

    request_id: str
    function_name: str
    event: Any
    accepted_at: float
    attempts: list[Invocation] = field(default_factory=list)
    outcome: Literal["pending", "succeeded", "failed", "stopped"] = "pending"
    delivered_to: str | None = None
    lineage: int = 1


@dataclass(frozen=True)
class EnvironmentInfo:
    """A snapshot of one execution environment, for tables and plots."""

    environment_id: str
    function_name: str
    provisioned: bool
    busy: bool
    invocations: int
    created_at: float
    last_used: float
    init_ms: float | None


class _Worker:
    """One daemon thread: an execution environment runs one request at a time."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()

        def run() -> None:
            try:
                future.set_result(job())
            except BaseException as error:  # the handler's error, reported to the caller
                future.set_exception(error)

        self._jobs.put(run)
        return future

    def close(self) -> None:
        self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()


class _InitFailed(Exception):
    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload["errorMessage"])
        self.payload = payload


_import_lock = threading.Lock()


def _error_payload(error: BaseException, request_id: str, error_type: str | None = None) -> dict[str, Any]:
    frames = traceback.extract_tb(error.__traceback__)
    return {
        "errorMessage": str(error),
        "errorType": error_type or type(error).__name__,
        "requestId": request_id,
        "stackTrace": [
            f'  File "{f.filename}", line {f.lineno}, in {f.name}\n    {f.line}\n' for f in frames
        ],
    }


def _load_handler(handler: str) -> tuple[ModuleType, Handler]:
    """Import the handler's package afresh for one execution environment and return the handler.

    On Lambda every environment is a new process, so every module runs its init code again and has
    its own globals. Here the handler's own package (``patterns.faas`` for
    ``patterns.faas.handlers.register``) is imported anew into a private set of module objects;
    third-party modules (boto3...) are shared, as they hold no per-request state.
    """
    module_name, _, attribute = handler.rpartition(".")
    package = module_name.rpartition(".")[0] or module_name
    parent_name, _, child = package.rpartition(".")
    with _import_lock:
        saved = {
            name: mod
            for name, mod in sys.modules.items()
            if name == package or name.startswith(package + ".")
        }
        parent = sys.modules.get(parent_name) if parent_name else None
        saved_attribute = getattr(parent, child, None) if parent is not None else None
        for name in saved:
            del sys.modules[name]
        try:
            module = importlib.import_module(module_name)
        finally:
            for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
                del sys.modules[name]
            sys.modules.update(saved)
            if parent is not None and saved_attribute is not None:
                setattr(parent, child, saved_attribute)
    function = getattr(module, attribute, None)
    if not callable(function):
        raise AttributeError(f"Handler '{attribute}' missing on module '{module_name}'")
    return module, function


class _Environment:
    """One execution environment of a function."""

    def __init__(self, function: DeployedFunction, created_at: float, provisioned: bool) -> None:
        self.function = function
        self.environment_id = f"{function.config.name}-{uuid.uuid4().hex[:8]}"
        self.provisioned = provisioned
        self.created_at = created_at
        self.last_used = created_at
        self.busy = False
        self.broken = False
        self.invocations = 0
        self.init_ms: float | None = None
        self.module: ModuleType | None = None
        self._handler: Handler | None = None
        self._worker = _Worker(self.environment_id)
        self.variables = function.environment_variables(self.environment_id)

    def initialise(self) -> float:
        """Run the module's init code in this environment; return init milliseconds."""

        def init() -> float:
            with environment_layer(self.variables):
                started = time.perf_counter()
                try:
                    self.module, self._handler = _load_handler(self.function.config.handler)
                except Exception as error:
                    message = f"Unable to import module '{self.function.config.handler}': {error}"
                    raise _InitFailed(
                        _error_payload(RuntimeError(message), "", "Runtime.ImportModuleError")
                    ) from error
                return (time.perf_counter() - started) * 1000

        future = self._worker.submit(init)
        try:
            self.init_ms = float(future.result(timeout=limits.INIT_TIMEOUT_S))
        except FutureTimeout:
            self.broken = True
            raise _InitFailed(
                {
                    "errorMessage": f"Init timed out after {limits.INIT_TIMEOUT_S} seconds",
                    "errorType": "Runtime.InitTimeout",
                }
            ) from None
        return self.init_ms

    def run(self, event_json: str, context: LambdaContext, lineage: int = 0) -> tuple[str, Any, float]:
        """Run the handler (its chain's ``lineage`` held for its thread); return (status, payload, ms)."""
        handler = self._handler
        assert handler is not None, "run() before initialise()"

        def call() -> tuple[str, Any, float]:
            with environment_layer(self.variables), recursion.running(lineage):
                started = time.perf_counter()
                try:
                    result = handler(json.loads(event_json), context)
                    payload = json.loads(json.dumps(result))
                    status = "success"
                except (TypeError, ValueError) as error:
                    if "JSON serializable" not in str(error):
                        payload, status = _error_payload(error, context.aws_request_id), "error"
                    else:
                        message = f"Unable to marshal response: {error}"
                        payload = _error_payload(
                            TypeError(message), context.aws_request_id, "Runtime.MarshalError"
                        )
                        status = "error"
                except Exception as error:
                    payload, status = _error_payload(error, context.aws_request_id), "error"
                return status, payload, (time.perf_counter() - started) * 1000

        timeout = self.function.config.timeout_s
        future = self._worker.submit(call)
        try:
            status, payload, duration_ms = future.result(timeout=timeout)
        except FutureTimeout:
            self.broken = True  # Lambda discards an environment whose invocation timed out
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            message = f"{stamp} {context.aws_request_id} Task timed out after {timeout:.2f} seconds"
            return "timeout", {"errorMessage": message, "errorType": "Sandbox.Timedout"}, timeout * 1000
        return status, payload, duration_ms

    def close(self) -> None:
        self._worker.close()

    def info(self) -> EnvironmentInfo:
        return EnvironmentInfo(
            self.environment_id,
            self.function.config.name,
            self.provisioned,
            self.busy,
            self.invocations,
            self.created_at,
            self.last_used,
            self.init_ms,
        )


@dataclass
class DeployedFunction:
    """A function known to the runtime, with its pool of execution environments."""

    config: FunctionConfig
    arn: str
    region: str
    environments: list[_Environment] = field(default_factory=list, repr=False)
    platform_environment: Mapping[str, str] = field(default_factory=dict, repr=False)

    def environment_variables(self, environment_id: str) -> dict[str, str]:
        """What the function's code sees in ``os.environ``: the platform's variables, then its own."""
        config = self.config
        variables = {
            **self.platform_environment,
            "AWS_LAMBDA_FUNCTION_NAME": config.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{environment_id}",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "_HANDLER": config.handler,
        }
        variables.update(config.environment)
        return variables

    @property
    def busy(self) -> int:
        return sum(env.busy for env in self.environments)


class LocalLambdaRuntime:
    """Runs deployed handlers with Lambda's execution-environment lifecycle on a controllable clock."""

    def __init__(
        self,
        clock: LabClock,
        *,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        account_concurrency: int = limits.ACCOUNT_CONCURRENCY_DEFAULT,
        register: Registrar | None = None,
        deliver: Deliverer | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        """``environment``: variables the platform gives every execution environment (credentials,
        ``AWS_ENDPOINT_URL`` when the sandbox uses an endpoint), under the function's own variables."""
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self.account_concurrency = account_concurrency
        self.reports: list[InvocationReport] = []
        self.async_invocations: list[AsyncInvocation] = []
        self.stopped: list[recursion.StoppedInvocation] = []
        self.recursion_limit = limits.RECURSIVE_LOOP_MAX_INVOCATIONS
        self.loop_safety_cap: int | None = limits.RECURSIVE_LOOP_LAB_SAFETY_CAP
        self._functions: dict[str, DeployedFunction] = {}
        self._register = register
        self._deliver = deliver
        self.platform_environment: dict[str, str] = dict(environment or {})
        self._lock = threading.RLock()

    # ---- deployment -------------------------------------------------------------------------

    def deploy(self, name: str, handler: str, **settings: Any) -> DeployedFunction:
        """Deploy (or redeploy) ``handler`` ("package.module.function") as function ``name``.

        Settings are :class:`FunctionConfig` fields (memory_mb, timeout_s, architecture, environment,
        reserved_concurrency, provisioned_concurrency, idle_expiry_s, on_failure, dead_letter_arn,
        routing...).
        Redeploying discards the function's environments, as publishing new code does on Lambda.
        """
        unknown = set(settings) - set(FunctionConfig.__dataclass_fields__)
        if unknown:
            raise ConfigurationError(
                f"unknown setting(s) {sorted(unknown)} for function {name!r}; "
                f"known: {sorted(set(FunctionConfig.__dataclass_fields__) - {'name', 'handler'})}"
            )
        return self.apply(FunctionConfig(name=name, handler=handler, **settings))

    def apply(self, config: FunctionConfig) -> DeployedFunction:
        """Deploy ``config``, replacing any function of the same name."""
        importlib.invalidate_caches()
        module_name = config.handler.rpartition(".")[0]
        if importlib.util.find_spec(module_name) is None:
            raise ConfigurationError(
                f"function {config.name!r}: handler module {module_name!r} cannot be found on sys.path"
            )
        arn = (
            self._register(config)
            if self._register
            else f"arn:aws:lambda:{self.region}:{self.account_id}:function:{config.name}"
        )
        with self._lock:
            old = self._functions.pop(config.name, None)
            if old:
                for env in old.environments:
                    env.close()
            function = DeployedFunction(
                config, arn, self.region, platform_environment=self.platform_environment
            )
            self._functions[config.name] = function
        self._provision(function)
        return function

    def configure(self, name: str, **changes: Any) -> DeployedFunction:
        """Change settings of a deployed function (memory, concurrency, expiry, destinations...)."""
        function = self.function(name)
        config = replace(function.config, **changes)
        code_or_memory_changed = {"handler", "memory_mb", "environment", "architecture", "timeout_s"} & set(
            changes
        )
        if code_or_memory_changed:
            return self.apply(config)
        with self._lock:
            function.config = config
        self._provision(function)
        return function

    def function(self, name_or_arn: str) -> DeployedFunction:
        """The deployed function for a name, a full or partial ARN (a qualifier is ignored)."""
        name = _function_name(name_or_arn)
        try:
            return self._functions[name]
        except KeyError:
            known = ", ".join(sorted(self._functions)) or "none"
            raise FunctionNotDeployedError(
                f"function {name_or_arn!r} is not deployed to the local runtime (deployed: {known}); "
                "deploy it with sandbox.lambdas.deploy(name, 'package.module.handler')"
            ) from None

    def functions(self) -> list[DeployedFunction]:
        return list(self._functions.values())

    def environments(self, name: str | None = None) -> list[EnvironmentInfo]:
        """Snapshots of the live environments (after reclaiming the expired ones)."""
        with self._lock:
            self._reap()
            functions = [self.function(name)] if name else list(self._functions.values())
            return [env.info() for function in functions for env in function.environments]

    # ---- invocation -------------------------------------------------------------------------

    def invoke(
        self,
        name_or_arn: str,
        event: Any = None,
        *,
        invocation_type: InvocationType = "RequestResponse",
        lineage: int | None = None,
    ) -> Invocation:
        """Invoke synchronously; raises :class:`TooManyRequestsError` when throttled. The handler runs
        with ``lineage`` (default: the caller's, as a synchronous call is no new hop)."""
        lineage = recursion.current_lineage() if lineage is None else lineage
        event_json = json.dumps({} if event is None else event)
        if len(event_json.encode()) > limits.SYNC_PAYLOAD_BYTES:
            raise ConfigurationError(
                f"request payload is {len(event_json.encode())} bytes; the synchronous limit is "
                f"{limits.SYNC_PAYLOAD_BYTES} bytes (RequestEntityTooLargeException)"
            )
        function = self.function(name_or_arn)
        environment, cold = self._acquire(function)
        request_id = str(uuid.uuid4())
        started_at = self.clock.now()
        init_ms: float | None = None
        try:
            if cold:
                try:
                    init_ms = environment.initialise()
                except _InitFailed as failure:
                    environment.broken = True
                    payload = {**failure.payload, "requestId": request_id}
                    return self._record(
                        function,
                        environment=environment,
                        request_id=request_id,
                        invocation_type=invocation_type,
                        cold=True,
                        init_ms=None,
                        duration_ms=0.0,
                        status="error",
                        payload=payload,
                        started_at=started_at,
                    )
            context = self._context(function, environment, request_id)
            status, payload, duration_ms = environment.run(event_json, context, lineage)
            return self._record(
                function,
                environment=environment,
                request_id=request_id,
                invocation_type=invocation_type,
                cold=cold,
                init_ms=init_ms,
                duration_ms=duration_ms,
                status=status,
                payload=payload,
                started_at=started_at,
            )
        finally:
            self._release(environment)

    def invoke_async(
        self, name_or_arn: str, event: Any = None, *, lineage: int | None = None
    ) -> AsyncInvocation:
        """Accept an event for asynchronous invocation; it runs when the clock next settles.

        ``lineage``: its hop in a chain of invocations (default: one more than the invocation running on
        this thread, 1 outside any); past ``recursion_limit`` it is stopped, not run."""
        size = len(json.dumps(event).encode())
        if size > limits.ASYNC_PAYLOAD_BYTES:
            raise ConfigurationError(
                f"request payload is {size} bytes; "
                f"the asynchronous limit is {limits.ASYNC_PAYLOAD_BYTES} bytes"
            )
        function = self.function(name_or_arn)
        pending = AsyncInvocation(
            str(uuid.uuid4()),
            function.config.name,
            event,
            self.clock.elapsed,
            lineage=recursion.next_lineage() if lineage is None else lineage,
        )
        self.async_invocations.append(pending)
        self.clock.call_later(0, lambda: self._attempt(pending), f"async {function.config.name}")
        return pending

    def _attempt(self, pending: AsyncInvocation) -> None:
        function = self.function(pending.function_name)
        setting = function.config.recursive_loop
        if recursion.stops(
            pending.lineage, setting, limit=self.recursion_limit, safety_cap=self.loop_safety_cap
        ):
            pending.outcome = "stopped"
            reason: Literal["recursive loop detected", "lab safety cap"] = (
                "recursive loop detected" if setting == "Terminate" else "lab safety cap"
            )
            stopped = recursion.StoppedInvocation(
                function.config.name, pending.lineage, pending.event, self.clock.elapsed, reason
            )
            with self._lock:
                self.stopped.append(stopped)
            target = function.config.on_failure or function.config.dead_letter_arn
            if setting == "Terminate" and target:  # as Lambda does for a stopped asynchronous invocation
                message = f"recursive loop detected after {self.recursion_limit} invocations in this chain"
                error = {"errorMessage": message, "errorType": "RecursiveInvocationException"}
                self._send(
                    pending,
                    function,
                    target,
                    "RecursiveInvocationException",
                    payload=error,
                    function_error="Unhandled",
                )
            return
        try:
            result = self.invoke(
                pending.function_name, pending.event, invocation_type="Event", lineage=pending.lineage
            )
        except TooManyRequestsError:
            self.clock.call_later(1.0, lambda: self._attempt(pending), "async retry after throttle")
            return
        pending.attempts.append(result)
        if result.ok:
            pending.outcome = "succeeded"
            if function.config.on_success:
                self._send(
                    pending,
                    function,
                    function.config.on_success,
                    "Success",
                    payload=result.payload,
                    function_error=None,
                )
            return
        retries_done = len(pending.attempts) - 1
        if retries_done < function.config.max_retry_attempts:
            delay = limits.ASYNC_RETRY_DELAYS_S[retries_done]
            self.clock.call_later(delay, lambda: self._attempt(pending), f"async retry {retries_done + 1}")
            return
        pending.outcome = "failed"
        target = function.config.on_failure or function.config.dead_letter_arn
        if target:
            self._send(
                pending,
                function,
                target,
                "RetriesExhausted",
                payload=result.payload,
                function_error=result.function_error,
            )

    def _send(
        self,
        pending: AsyncInvocation,
        function: DeployedFunction,
        target: str,
        condition: str,
        *,
        payload: Any,
        function_error: str | None,
    ) -> None:
        if self._deliver is None:
            return
        if target == function.config.dead_letter_arn and target != function.config.on_failure:
            record: dict[str, Any] = {
                "body": pending.event,
                "attributes": {
                    "RequestID": pending.request_id,
                    "ErrorCode": "200",
                    "ErrorMessage": str(payload.get("errorMessage", "")),
                },
            }
        else:
            record = {
                "version": "1.0",
                "timestamp": self.clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "requestContext": {
                    "requestId": pending.request_id,
                    "functionArn": f"{function.arn}:$LATEST",
                    "condition": condition,
                    "approximateInvokeCount": len(pending.attempts),
                },
                "requestPayload": pending.event,
                "responseContext": {
                    "statusCode": 200,
                    "executedVersion": "$LATEST",
                    **({"functionError": function_error} if function_error else {}),
                },
                "responsePayload": payload,
            }
        pending.delivered_to = target
        self._deliver(target, record)

    # ---- pool -------------------------------------------------------------------------------

    def _acquire(self, function: DeployedFunction) -> tuple[_Environment, bool]:
        with self._lock:
            self._reap()
            limit = function.config.reserved_concurrency
            if limit is not None and function.busy >= limit:  # warm environments count too: 0 stops all
                raise TooManyRequestsError(
                    f"Rate Exceeded: {function.config.name} is at its reserved concurrency of {limit}"
                )
            busy_total = sum(f.busy for f in self._functions.values())
            if busy_total >= self.account_concurrency:
                raise TooManyRequestsError(
                    f"Rate Exceeded: the account is at its concurrency limit of {self.account_concurrency}"
                )
            idle = [env for env in function.environments if not env.busy and not env.broken]
            if idle:
                if function.config.routing == "spread":  # the environment idle longest
                    chosen = min(idle, key=lambda env: (env.last_used, env.invocations))
                else:  # provisioned first, then the most recently used (the warmest) environment
                    chosen = max(idle, key=lambda env: (env.provisioned, env.last_used))
                chosen.busy = True
                return chosen, False
            environment = _Environment(function, self.clock.elapsed, provisioned=False)
            environment.busy = True
            function.environments.append(environment)
            return environment, True

    def _release(self, environment: _Environment) -> None:
        with self._lock:
            environment.busy = False
            environment.invocations += 1
            environment.last_used = self.clock.elapsed
            if environment.broken:
                self._discard(environment)

    def _discard(self, environment: _Environment) -> None:
        environments = environment.function.environments
        if environment in environments:
            environments.remove(environment)
        environment.close()

    def _reap(self) -> None:
        now = self.clock.elapsed
        for function in self._functions.values():
            expiry = function.config.idle_expiry_s
            for env in list(function.environments):
                if not env.busy and not env.provisioned and now - env.last_used >= expiry:
                    self._discard(env)

    def _provision(self, function: DeployedFunction) -> None:
        """Bring the number of provisioned environments to the configured figure."""
        with self._lock:
            provisioned = [env for env in function.environments if env.provisioned]
            wanted = function.config.provisioned_concurrency
            for env in provisioned[wanted:]:
                if not env.busy:
                    self._discard(env)
            missing = max(0, wanted - len(provisioned))
            new = [_Environment(function, self.clock.elapsed, provisioned=True) for _ in range(missing)]
        for env in new:
            env.initialise()
            with self._lock:
                function.environments.append(env)

    def _context(
        self, function: DeployedFunction, environment: _Environment, request_id: str
    ) -> LambdaContext:
        config = function.config
        return LambdaContext(
            function_name=config.name,
            function_version="$LATEST",
            invoked_function_arn=function.arn,
            memory_limit_in_mb=config.memory_mb,
            aws_request_id=request_id,
            log_group_name=f"/aws/lambda/{config.name}",
            log_stream_name=environment.variables["AWS_LAMBDA_LOG_STREAM_NAME"],
            deadline=time.perf_counter() + config.timeout_s,
        )

    def _record(
        self,
        function: DeployedFunction,
        *,
        environment: _Environment,
        request_id: str,
        invocation_type: InvocationType,
        cold: bool,
        init_ms: float | None,
        duration_ms: float,
        status: str,
        payload: Any,
        started_at: datetime,
    ) -> Invocation:
        config = function.config
        # Since August 2025 the init phase of on-demand functions is billed as duration.
        billed_ms = pricing.billed_duration_ms(duration_ms + (init_ms or 0.0))
        cost = pricing.lambda_invocation_cost(
            config.memory_mb, billed_ms, architecture=config.architecture, provisioned=environment.provisioned
        )
        report = InvocationReport(
            request_id=request_id,
            function_name=config.name,
            environment_id=environment.environment_id,
            invocation_type=invocation_type,
            cold_start=cold,
            init_ms=init_ms,
            duration_ms=duration_ms,
            billed_ms=billed_ms,
            memory_mb=config.memory_mb,
            architecture=config.architecture,
            cost_usd=cost,
            status="success" if status == "success" else ("timeout" if status == "timeout" else "error"),
            error_type=payload.get("errorType")
            if status != "success" and isinstance(payload, dict)
            else None,
            started_at=started_at,
        )
        with self._lock:
            self.reports.append(report)
        return Invocation(payload, None if status == "success" else "Unhandled", report)

    def shutdown(self) -> None:
        """Stop every environment's worker thread."""
        with self._lock:
            for function in self._functions.values():
                for env in function.environments:
                    env.close()
                function.environments.clear()
            self._functions.clear()


def _function_name(name_or_arn: str) -> str:
    """'name', 'name:qualifier', '123:function:name' or a full ARN -> 'name'."""
    if name_or_arn.startswith("arn:"):
        parts = name_or_arn.split(":")
        return parts[6] if len(parts) > 6 else name_or_arn
    parts = name_or_arn.split(":")
    if len(parts) >= 3 and parts[1] == "function":
        return parts[2]
    return parts[0]
