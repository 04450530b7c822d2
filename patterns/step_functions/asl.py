"""Amazon States Language: load and check a definition, fill in its ARNs, and the Retry timing formula.

:func:`validate_definition` reports every problem AWS would refuse (bad JSON with its line, a missing
``StartAt``, a ``Next`` naming no state, ``States.ALL`` not alone and last, a retrier field out of
range, an unreachable state...) in one :class:`AslValidationError`, each message naming where it is.

:class:`Retrier` is our own reference implementation of ASL's retry timing, to check what the
interpreter does against: retry ``n`` (1-based) waits ``min(IntervalSeconds * BackoffRate ** (n - 1),
MaxDelaySeconds)`` seconds, or with ``JitterStrategy: FULL`` a uniform draw in ``[0, that]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from patterns.step_functions.exceptions import AslValidationError

__all__ = [
    "STATE_TYPES",
    "Retrier",
    "load_definition",
    "render_definition",
    "retriers_of",
    "validate_definition",
]

STATE_TYPES = ("Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
_TERMINAL = ("Succeed", "Fail", "Choice")  # states that take neither Next nor End
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
_MAX_INTERVAL = 99_999_999
_MAX_DELAY = 31_622_401


@dataclass(frozen=True)
class Retrier:
    """One entry of a state's ``Retry`` list, with ASL's defaults."""

    error_equals: tuple[str, ...]
    interval_seconds: int = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: int | None = None
    jitter_strategy: Literal["FULL", "NONE"] = "NONE"

    @classmethod
    def from_asl(cls, retrier: Mapping[str, Any]) -> Retrier:
        jitter = str(retrier.get("JitterStrategy", "NONE"))
        return cls(
            error_equals=tuple(retrier["ErrorEquals"]),
            interval_seconds=int(retrier.get("IntervalSeconds", 1)),
            max_attempts=int(retrier.get("MaxAttempts", 3)),
            backoff_rate=float(retrier.get("BackoffRate", 2.0)),
            max_delay_seconds=None
            if retrier.get("MaxDelaySeconds") is None
            else int(retrier["MaxDelaySeconds"]),
            jitter_strategy="FULL" if jitter == "FULL" else "NONE",
        )

    def ceiling(self, retry: int) -> float:
        """The wait before retry ``retry`` (1-based) without jitter: the backoff capped by MaxDelaySeconds."""
        if not 1 <= retry <= self.max_attempts:
            raise ValueError(f"retry must be between 1 and MaxAttempts={self.max_attempts}, got {retry}")
        delay = self.interval_seconds * self.backoff_rate ** (retry - 1)
        return delay if self.max_delay_seconds is None else min(delay, float(self.max_delay_seconds))

    def bounds(self, retry: int) -> tuple[float, float]:
        """The range of the wait before retry ``retry``: one value for NONE, ``[0, ceiling]`` for FULL."""
        ceiling = self.ceiling(retry)
        return (0.0, ceiling) if self.jitter_strategy == "FULL" else (ceiling, ceiling)

    def delays(self) -> list[float]:
        """The waits before every retry, without jitter (``max_attempts`` of them)."""
        return [self.ceiling(retry) for retry in range(1, self.max_attempts + 1)]


def load_definition(name: str = "order_workflow") -> str:
    """The text of a definition shipped in ``patterns/step_functions/definitions/<name>.asl.json``."""
    folder = resources.files("patterns.step_functions") / "definitions"
    path = folder / f"{name}.asl.json"
    if not path.is_file():
        shipped = sorted(p.name for p in folder.iterdir() if p.name.endswith(".asl.json"))
        raise AslValidationError([f"no definition named {name!r}; shipped: {shipped}"])
    return path.read_text(encoding="utf-8")


def render_definition(source: str | Mapping[str, Any], arns: Mapping[str, str]) -> dict[str, Any]:
    """Replace each ``"${Name}"`` placeholder with ``arns[Name]`` and validate the result."""
    text = source if isinstance(source, str) else json.dumps(source)
    missing = sorted({name for name in _PLACEHOLDER.findall(text) if name not in arns})
    if missing:
        raise AslValidationError([f"no ARN given for the placeholders {missing} (given: {sorted(arns)})"])
    return validate_definition(_PLACEHOLDER.sub(lambda match: arns[match.group(1)], text))


def validate_definition(source: str | Mapping[str, Any]) -> dict[str, Any]:
    """Parse (if text) and check a definition; return it as a dict or raise :class:`AslValidationError`."""
    if isinstance(source, str):
        try:
            definition = json.loads(source)
        except json.JSONDecodeError as bad:
            raise AslValidationError(
                [f"not valid JSON: {bad.msg} at line {bad.lineno}, column {bad.colno}"]
            ) from None
    else:
        definition = dict(source)
    if not isinstance(definition, dict):
        raise AslValidationError([f"a definition is a JSON object, got {type(definition).__name__}"])
    problems = list(_machine_problems(definition, "definition"))
    if problems:
        raise AslValidationError(problems)
    return definition


def retriers_of(definition: Mapping[str, Any], state: str) -> list[Retrier]:
    """The retriers of the state named ``state``, found at any depth (Parallel branches, Map processors)."""
    for name, body in _all_states(definition):
        if name == state:
            return [Retrier.from_asl(retrier) for retrier in body.get("Retry", [])]
    raise AslValidationError([f"no state named {state!r} in the definition"])


def _all_states(machine: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, body in (machine.get("States") or {}).items():
        yield name, body
        for branch in body.get("Branches", []) if isinstance(body, Mapping) else []:
            yield from _all_states(branch)
        processor = (body.get("ItemProcessor") or body.get("Iterator")) if isinstance(body, Mapping) else None
        if isinstance(processor, Mapping):
            yield from _all_states(processor)


def _machine_problems(machine: Mapping[str, Any], where: str) -> Iterator[str]:
    states = machine.get("States")
    start = machine.get("StartAt")
    if not isinstance(states, Mapping) or not states:
        yield f"{where}: States must be a non-empty object of states, got {states!r}"
        return
    names = set(states)
    if start is None:
        yield f"{where}: StartAt is missing (it names the first state; states: {sorted(names)})"
    elif start not in names:
        yield f"{where}: StartAt names {start!r}, which is not a state (states: {sorted(names)})"
    for name, body in states.items():
        yield from _state_problems(body, names, f"{where}.States.{name}")
    if start in names:
        unreachable = sorted(names - _reachable(states, str(start)))
        if unreachable:
            yield f"{where}: no transition leads to {unreachable} (each state must be reachable from StartAt)"


def _targets(body: Mapping[str, Any]) -> Iterator[str]:
    if isinstance(body.get("Next"), str):
        yield body["Next"]
    if isinstance(body.get("Default"), str):
        yield body["Default"]
    for key in ("Choices", "Catch"):
        for rule in body.get(key) or []:
            if isinstance(rule, Mapping) and isinstance(rule.get("Next"), str):
                yield rule["Next"]


def _reachable(states: Mapping[str, Any], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in states:
            continue
        seen.add(name)
        if isinstance(states[name], Mapping):
            todo.extend(_targets(states[name]))
    return seen


def _state_problems(body: Any, names: set[str], where: str) -> Iterator[str]:
    if not isinstance(body, Mapping):
        yield f"{where}: a state is an object, got {body!r}"
        return
    kind = body.get("Type")
    if kind not in STATE_TYPES:
        yield f"{where}: Type must be one of {list(STATE_TYPES)}, got {kind!r}"
        return
    has_next, has_end = "Next" in body, body.get("End") is True
    if kind in _TERMINAL:
        if has_next or "End" in body:
            yield f"{where}: a {kind} state takes neither Next nor End"
    elif has_next and has_end:
        yield f"{where}: a state has Next or End: true, not both"
    elif not has_next and not has_end:
        yield f"{where}: a {kind} state needs Next (a state name) or End: true"
    if has_next and body["Next"] not in names:
        yield f"{where}: Next names {body['Next']!r}, which is not a state here (states: {sorted(names)})"
    if kind == "Task" and not isinstance(body.get("Resource"), str):
        yield f"{where}: a Task needs Resource (the ARN it calls), got {body.get('Resource')!r}"
    if kind == "Choice":
        yield from _choice_problems(body, names, where)
    if (
        kind == "Wait"
        and sum(k in body for k in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")) != 1
    ):
        yield f"{where}: a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath"
    if kind == "Parallel":
        branches = body.get("Branches")
        if not isinstance(branches, list) or not branches:
            yield f"{where}: a Parallel state needs Branches, a non-empty list of machines"
        else:
            for index, branch in enumerate(branches):
                if not isinstance(branch, Mapping):
                    yield f"{where}.Branches[{index}]: a branch is an object with StartAt and States"
                    continue
                yield from _machine_problems(branch, f"{where}.Branches[{index}]")
    if kind == "Map":
        processor = body.get("ItemProcessor") or body.get("Iterator")
        if not isinstance(processor, Mapping):
            yield f"{where}: a Map state needs ItemProcessor, a machine with StartAt and States"
        else:
            yield from _machine_problems(processor, f"{where}.ItemProcessor")
    if kind in ("Task", "Parallel", "Map"):
        yield from _retry_problems(body.get("Retry", []), where)
        yield from _catch_problems(body.get("Catch", []), names, where)
    elif "Retry" in body or "Catch" in body:
        yield f"{where}: only Task, Parallel and Map states take Retry and Catch, not a {kind} state"


def _choice_problems(body: Mapping[str, Any], names: set[str], where: str) -> Iterator[str]:
    choices = body.get("Choices")
    if not isinstance(choices, list) or not choices:
        yield f"{where}: a Choice state needs Choices, a non-empty list of rules"
        return
    for index, rule in enumerate(choices):
        target = rule.get("Next") if isinstance(rule, Mapping) else None
        if target not in names:
            yield f"{where}.Choices[{index}]: Next names {target!r}, which is not a state ({sorted(names)})"
    if "Default" in body and body["Default"] not in names:
        yield f"{where}: Default names {body['Default']!r}, which is not a state (states: {sorted(names)})"


def _error_equals_problems(rules: Any, field: str, where: str) -> Iterator[str]:
    if not isinstance(rules, list):
        yield f"{where}: {field} must be a list, got {rules!r}"
        return
    for index, rule in enumerate(rules):
        errors = rule.get("ErrorEquals") if isinstance(rule, Mapping) else None
        if not isinstance(errors, list) or not errors or not all(isinstance(e, str) for e in errors):
            yield f"{where}.{field}[{index}]: ErrorEquals must be a non-empty list of names, got {errors!r}"
            continue
        if "States.ALL" in errors and len(errors) > 1:
            yield f"{where}.{field}[{index}]: States.ALL must stand alone in ErrorEquals, got {errors}"
        if "States.ALL" in errors and index != len(rules) - 1:
            yield (
                f"{where}.{field}[{index}]: the rule with States.ALL must be the last of {field} "
                f"(it is {index + 1} of {len(rules)}; the rules after it could never match)"
            )


def _retry_problems(retriers: Any, where: str) -> Iterator[str]:
    yield from _error_equals_problems(retriers, "Retry", where)
    if not isinstance(retriers, list):
        return
    for index, retrier in enumerate(retriers):
        if not isinstance(retrier, Mapping):
            continue
        at = f"{where}.Retry[{index}]"
        yield from _int_field(retrier, "IntervalSeconds", 1, _MAX_INTERVAL, at)
        yield from _int_field(retrier, "MaxAttempts", 0, _MAX_INTERVAL, at)
        yield from _int_field(retrier, "MaxDelaySeconds", 1, _MAX_DELAY, at)
        rate = retrier.get("BackoffRate", 2.0)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 1.0:
            yield f"{at}: BackoffRate must be a number >= 1.0, got {rate!r}"
        if retrier.get("JitterStrategy", "NONE") not in ("FULL", "NONE"):
            yield f"{at}: JitterStrategy must be 'FULL' or 'NONE', got {retrier['JitterStrategy']!r}"


def _int_field(rule: Mapping[str, Any], field: str, low: int, high: int, where: str) -> Iterator[str]:
    if field not in rule:
        return
    value = rule[field]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        yield f"{where}: {field} must be an integer from {low} to {high}, got {value!r}"


def _catch_problems(catchers: Any, names: set[str], where: str) -> Iterator[str]:
    yield from _error_equals_problems(catchers, "Catch", where)
    if not isinstance(catchers, list):
        return
    for index, catcher in enumerate(catchers):
        if isinstance(catcher, Mapping) and catcher.get("Next") not in names:
            yield (
                f"{where}.Catch[{index}]: Next names {catcher.get('Next')!r}, which is not a state "
                f"(states: {sorted(names)})"
            )
