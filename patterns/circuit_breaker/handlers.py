"""The payment function, guarded three ways by ``BREAKER``: ``none`` (every call goes to the provider),
``local`` (a breaker in this execution environment's memory) or ``shared`` (one breaker in DynamoDB for
every environment). ``charge_powertools`` is the same function on Powertools' ``@circuit_breaker``
(``aws_lambda_powertools.utilities.circuit_breaker``, DynamoDB persistence).

``PROVIDER`` names the payment provider (a :mod:`patterns.lab.dependency` model on the virtual clock),
``TABLE`` and ``CIRCUIT`` the shared breaker's item, ``POLICY`` the breaker's policy as JSON. Answers:
200 charged, 400 bad request, 504 the provider timed out, 503 the fallback (the breaker is open; retry
after ``retry_after_s``). Every answer says how long it took in the model (``modelled_ms``) and how many
requests it made to the breaker's table. The breaker is built on the first request, never at import.
"""

from __future__ import annotations

import json
import os
from typing import Any

from patterns.circuit_breaker.adapters import DynamoDbBreakerStore, lab_now
from patterns.circuit_breaker.service import (
    BreakerPolicy,
    BreakerState,
    BreakerStore,
    CircuitBreaker,
    InMemoryBreakerStore,
    modelled_ms,
    retry_after_s,
)
from patterns.lab.dependency import lookup

__all__ = ["charge", "charge_powertools"]

Answer = dict[str, Any]
_breaker: CircuitBreaker | None = None


def _build() -> CircuitBreaker:
    policy = BreakerPolicy(**json.loads(os.environ.get("POLICY", "{}")))
    store: BreakerStore
    if os.environ["BREAKER"] == "shared":
        store = DynamoDbBreakerStore(os.environ["TABLE"], os.environ.get("CIRCUIT", "payments"))
    else:
        store = InMemoryBreakerStore()
    return CircuitBreaker(store, policy)


def _requests(breaker: CircuitBreaker | None) -> tuple[int, int]:
    store = breaker.store if breaker is not None else None
    return (store.reads, store.writes) if isinstance(store, DynamoDbBreakerStore) else (0, 0)


def charge(event: dict[str, Any], context: Any) -> Answer:
    """Charge ``amount_cents`` for ``order_id`` through the provider, behind the configured breaker."""
    global _breaker
    order_id, amount = event.get("order_id"), event.get("amount_cents")
    if type(order_id) is not str or not order_id or type(amount) is not int or amount <= 0:
        return {"status": 400, "error": "order_id (text) and amount_cents (a positive integer) are required"}
    provider = lookup(os.environ["PROVIDER"])
    now = lab_now()
    waited: list[float] = []

    def call_provider() -> tuple[bool, Answer]:
        result = provider.call(at_s=now)
        waited.append(result.waited_s)
        if result.ok:
            return True, {"status": 200, "source": "provider", "order_id": order_id, "charged_cents": amount}
        return False, {"status": 504, "source": "provider", "error": "the payment provider timed out"}

    if os.environ["BREAKER"] == "none":
        _, answer = call_provider()
        answer.update(decision="call", breaker="none")
    else:
        if _breaker is None:
            _breaker = _build()
        breaker = _breaker
        before = _requests(breaker)

        def fallback(state: BreakerState) -> Answer:
            return {
                "status": 503,
                "source": "fallback",
                "error": "payments are paused while the provider recovers",
                "retry_after_s": retry_after_s(state, now, breaker.policy),
            }

        outcome = breaker.call(now, call_provider, fallback)
        answer = dict(outcome.value)
        after = _requests(breaker)
        answer.update(decision=outcome.decision, breaker=outcome.state_after)
        answer.update(state_reads=after[0] - before[0], state_writes=after[1] - before[1])
    answer.setdefault("state_reads", 0)
    answer.setdefault("state_writes", 0)
    answer["waited_ms"] = round(sum(waited) * 1000, 3)
    answer["modelled_ms"] = modelled_ms(sum(waited), answer["state_reads"] + answer["state_writes"])
    return answer


class ProviderTimeoutError(Exception):
    """The provider did not answer within the client's timeout (Powertools counts exceptions)."""


_powertools: Any = None
_powertools_counters: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] = ({}, {}, {})
_powertools_seen: dict[str, Any] = {"state": "closed", "reads": 0, "writes": 0}
_POWERTOOLS_STATES = {"CLOSED": "closed", "OPEN": "open", "HALF_OPEN": "half-open"}


def _build_powertools() -> Any:
    from aws_lambda_powertools.utilities.circuit_breaker import CircuitBreakerConfig, circuit_breaker
    from aws_lambda_powertools.utilities.circuit_breaker.persistence import CircuitBreakerDynamoDBPersistence

    from patterns.circuit_breaker.adapters import KEY, count_requests

    policy = BreakerPolicy(**json.loads(os.environ.get("POLICY", "{}")))
    client = count_requests(_powertools_seen)
    persistence = CircuitBreakerDynamoDBPersistence(
        table_name=os.environ["TABLE"], key_attr=KEY, boto3_client=client
    )
    config = CircuitBreakerConfig(
        failure_threshold=policy.min_calls,
        recovery_timeout=max(1, round(policy.open_for_s)),
        success_threshold=1,
    )

    def on_transition(transition: Any) -> None:
        _powertools_seen["state"] = _POWERTOOLS_STATES[str(transition.to_state)]
        if _POWERTOOLS_STATES[str(transition.to_state)] == "half-open":
            _powertools_seen["probe"] = True

    def fallback(order_id: str, amount: int, now: float, circuit: Any) -> Answer:
        _powertools_seen["state"] = _POWERTOOLS_STATES[str(circuit.state)]
        _powertools_seen["fallback"] = True
        return {
            "status": 503,
            "source": "fallback",
            "error": "payments are paused while the provider recovers",
        }

    @circuit_breaker(
        name=os.environ.get("CIRCUIT", "payments"),
        persistence_store=persistence,
        on_circuit_open=fallback,
        on_transition=on_transition,
        config=config,
    )
    def protected(order_id: str, amount: int, now: float) -> Answer:
        result = lookup(os.environ["PROVIDER"]).call(at_s=now)
        _powertools_seen["waited"] = result.waited_s
        if not result.ok:
            raise ProviderTimeoutError("the payment provider timed out")
        return {"status": 200, "source": "provider", "order_id": order_id, "charged_cents": amount}

    return protected


def charge_powertools(event: dict[str, Any], context: Any) -> Answer:
    """The same charge behind Powertools' circuit breaker (its state in the same kind of table).

    Powertools keeps its consecutive-failure counters in module globals of its own module. On Lambda
    each execution environment is a process with its own copy; the lab shares third-party modules
    between environments, so this handler gives Powertools this environment's counters for the call.
    """
    global _powertools
    order_id, amount = event.get("order_id"), event.get("amount_cents")
    if type(order_id) is not str or not order_id or type(amount) is not int or amount <= 0:
        return {"status": 400, "error": "order_id (text) and amount_cents (a positive integer) are required"}
    from aws_lambda_powertools.utilities.circuit_breaker import base

    if _powertools is None:
        _powertools = _build_powertools()
    base._LOCAL_FAILURES, base._LOCAL_SUCCESSES, base._LAST_OBSERVED_STATE = _powertools_counters
    seen = _powertools_seen
    before = seen["reads"], seen["writes"]
    seen.update(waited=0.0, probe=False, fallback=False)
    answer: Answer
    try:
        answer = _powertools(order_id, amount, lab_now())
        if not seen["fallback"] and seen["state"] == "open":
            seen["state"] = (
                "closed"  # it ran, so the circuit let it through: closed (or a probe that closed it)
            )
    except ProviderTimeoutError as error:
        answer = {"status": 504, "source": "provider", "error": str(error)}
    decision = "fallback" if seen["fallback"] else ("probe" if seen["probe"] else "call")
    reads, writes = seen["reads"] - before[0], seen["writes"] - before[1]
    answer.update(decision=decision, breaker=seen["state"], state_reads=reads, state_writes=writes)
    answer["waited_ms"] = round(seen["waited"] * 1000, 3)
    answer["modelled_ms"] = modelled_ms(seen["waited"], reads + writes)
    return answer
