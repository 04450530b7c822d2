"""What probes and checks share: importing the learner's module, and failure messages that say
what was called, what came back and what was expected."""

from __future__ import annotations

import contextlib
import importlib
import os
import resource
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

from exercises.grader.model import Outcome

# What a Lambda execution environment holds when the handler's module is imported (init code runs with
# it): a region and credentials. Fake ones: the learner's code only ever reaches moto.
LAMBDA_INIT_ENVIRONMENT = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}

__all__ = [
    "LAMBDA_INIT_ENVIRONMENT",
    "expect",
    "expect_equal",
    "handler_error",
    "learner_module",
    "problems_raised",
    "race_note",
    "same",
    "type_name",
]


def learner_module(name: str) -> ModuleType:
    """Import (once per test process) the learner's module ``name`` from the submission folder.

    As on Lambda, its init code (module level: ``boto3.client(...)``, as AWS advises) runs with a region
    and credentials in the environment: the sandbox's when one is running (import inside it when the
    code will call AWS), else the same fake ones for the length of the import.
    """
    if name in sys.modules:
        return sys.modules[name]
    missing = {key: value for key, value in LAMBDA_INIT_ENVIRONMENT.items() if key not in os.environ}
    os.environ.update(missing)
    try:
        with _import_budget(name):
            return importlib.import_module(name)
    finally:
        for key in missing:
            os.environ.pop(key, None)


def _at(value: Any, path: str) -> Any:
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, list):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value[part]
        else:
            raise KeyError(part)
    return value


def same(actual: Any, expected: Any) -> bool:
    """Equal, with exactly the same types at every level: ``1`` is not ``True`` nor ``1.0``, and a
    list is not a tuple (plain JSON data compares this way; nothing else is ever equal)."""
    if type(actual) is not type(expected):
        return False
    if type(expected) is list:
        return len(actual) == len(expected) and all(map(same, actual, expected))
    if type(expected) is dict:
        return actual.keys() == expected.keys() and all(same(actual[k], v) for k, v in expected.items())
    if type(expected) in (str, int, float, bool, type(None)):
        return bool(actual == expected)
    return False


def type_name(value: Any) -> str:
    """``list``, ``int``... for plain data; the qualified name for anything else."""
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def expect_equal(outcome: Outcome, path: str, expected: Any, what: str | None = None) -> None:
    """Fail unless the value at ``path`` (dotted, e.g. ``responses.0.status``) equals ``expected``."""
    try:
        actual = _at(outcome.value, path)
    except (KeyError, IndexError, ValueError, TypeError):
        raise AssertionError(
            f"called {outcome.call}\n  got:      {outcome.value!r:.400}\n"
            f"  expected: {what or path} = {expected!r}"
        ) from None
    if not same(actual, expected):
        difference = _first_difference(actual, expected, "")
        detail = f"\n  (at {difference})" if difference else ""
        raise AssertionError(
            f"called {outcome.call}\n  got:      {what or path} = {actual!r:.400}\n  expected: {expected!r}"
            f"{detail}"
        )


def _a(name: str) -> str:
    return f"an {name}" if name[:1] in "aeiou" else f"a {name}"


def _first_difference(actual: Any, expected: Any, where: str) -> str:
    """Where two values first differ in type (``[1]: a float, expected an int``); "" if only in value."""
    here = where or "the top level"
    if type(actual) is not type(expected):
        return f"{here}: {_a(type_name(actual))}, expected {_a(type_name(expected))}"
    if type(expected) is list and len(actual) == len(expected):
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            if found := _first_difference(a, e, f"{where}[{index}]"):
                return found
    if type(expected) is dict and actual.keys() == expected.keys():
        for key, e in expected.items():
            if found := _first_difference(actual[key], e, f"{where}[{key!r}]"):
                return found
    return ""


def expect(outcome: Outcome, condition: bool, expected: str, shown: Any = None) -> None:
    """Fail with a message naming what was expected when ``condition`` is false."""
    if not condition:
        value = outcome.value if shown is None else shown
        raise AssertionError(f"called {outcome.call}\n  got:      {value!r:.400}\n  expected: {expected}")


# How long the import of a learner's module may take (its top level: imports, init code): CPU seconds,
# and a share of the test's own time limit in wall-clock seconds (the test's CPU limit tells it), so that
# the import stops before the test would time out however loaded the machine is. Real init code takes a
# small fraction of either; code that loops forever at import is stopped here, and the grader reports
# it once, with its line, instead of waiting for every test's timeout.
IMPORT_CPU_BUDGET_S = 3.0
IMPORT_SHARE_OF_TEST_TIME = 0.7


class ImportTimeout(Exception):
    """Importing the learner's module took longer than its budget (see :data:`IMPORT_CPU_BUDGET_S`)."""


def _wall_budget() -> float | None:
    """A share of the test's time limit (the grading child sets the CPU limit to it plus one second)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_CPU)
    if soft == resource.RLIM_INFINITY or soft <= 1:
        return None
    return (soft - 1) * IMPORT_SHARE_OF_TEST_TIME


@contextlib.contextmanager
def _import_budget(name: str) -> Iterator[None]:
    """Raise :class:`ImportTimeout` in the importing code once it has used its CPU budget or its share of
    the test's time; restore the previous timers and handlers."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signal: int, _frame: object) -> None:
        raise ImportTimeout(
            f"importing {name}.py did not finish: code at its top level (outside any function) runs forever?"
        )

    wall = _wall_budget()
    previous = {number: signal.signal(number, stop) for number in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, IMPORT_CPU_BUDGET_S)
    if wall is not None:
        signal.setitimer(signal.ITIMER_REAL, wall)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        if wall is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for number, handler in previous.items():
            signal.signal(number, handler)


def handler_error(payload: Any, learner_file: str) -> str:
    """``Type: message (file.py, line N)`` from a Lambda error payload, naming the learner's own frame."""
    if not isinstance(payload, dict):
        return repr(payload)[:300]
    where = ""
    for line in payload.get("stackTrace") or []:
        first = str(line).strip().splitlines()[0] if str(line).strip() else ""
        if first.startswith("File ") and f"/{learner_file}" in first:
            where = f" ({learner_file}, line {first.partition(', line ')[2].split(',')[0]})"
    return f"{payload.get('errorType')}: {str(payload.get('errorMessage'))[:300]}{where}"


def race_note(outcome: Outcome) -> str:
    """`` (the race: ...)`` when the probe's race gate had to stop waiting (its report's ``stalled``),
    so a check's message says the outcome was the code's own doing; "" otherwise."""
    race = outcome.value.get("race") if type(outcome.value) is dict else None
    stalled = race.get("stalled") if type(race) is dict else None
    return f" (the race: {stalled})" if type(stalled) is str else ""


def problems_raised(exception: str, at_least: int = 1) -> Callable[[Outcome], None]:
    """A check: the probe's ``problems`` (what ``exception`` carried) is a list of at least ``at_least``
    non-blank strings, exactly a list of strs (an object imitating one is refused)."""

    def check(outcome: Outcome) -> None:
        problems = outcome.value.get("problems") if type(outcome.value) is dict else None
        expect(
            outcome,
            type(problems) is list
            and len(problems) >= at_least
            and all(type(p) is str and p.strip() for p in problems),
            f"{exception} raised with a list of at least {at_least} problem(s) (every problem, not just the "
            "first), each a non-empty str",
        )

    return check
