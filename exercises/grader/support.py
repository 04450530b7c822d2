"""What probes and checks share: importing the learner's module, and failure messages that say
what was called, what came back and what was expected."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any

from exercises.grader.model import Outcome

__all__ = ["expect", "expect_equal", "learner_module"]


def learner_module(name: str) -> ModuleType:
    """Import (once per test process) the learner's module ``name`` from the submission folder."""
    if name in sys.modules:
        return sys.modules[name]
    return importlib.import_module(name)


def _at(value: Any, path: str) -> Any:
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, list):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value[part]
        else:
            raise KeyError(part)
    return value


def expect_equal(outcome: Outcome, path: str, expected: Any, what: str | None = None) -> None:
    """Fail unless the value at ``path`` (dotted, e.g. ``responses.0.status``) equals ``expected``."""
    try:
        actual = _at(outcome.value, path)
    except (KeyError, IndexError, ValueError, TypeError):
        raise AssertionError(
            f"called {outcome.call}\n  got:      {outcome.value!r:.400}\n"
            f"  expected: {what or path} = {expected!r}"
        ) from None
    if type(actual) is not type(expected) or actual != expected:
        raise AssertionError(
            f"called {outcome.call}\n  got:      {what or path} = {actual!r:.400}\n  expected: {expected!r}"
        )


def expect(outcome: Outcome, condition: bool, expected: str, shown: Any = None) -> None:
    """Fail with a message naming what was expected when ``condition`` is false."""
    if not condition:
        value = outcome.value if shown is None else shown
        raise AssertionError(f"called {outcome.call}\n  got:      {value!r:.400}\n  expected: {expected}")
