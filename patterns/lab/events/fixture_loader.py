"""Load the sample events in ``patterns/lab/events/fixtures/``: one real-shaped event per source."""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from patterns.lab.exceptions import ConfigurationError

__all__ = ["fixture_names", "load_fixture"]


def _fixtures_dir() -> Traversable:
    return files("patterns.lab.events").joinpath("fixtures")


def fixture_names() -> tuple[str, ...]:
    """The names :func:`load_fixture` accepts (file names without ``.json``), sorted."""
    return tuple(
        sorted(
            entry.name.removesuffix(".json")
            for entry in _fixtures_dir().iterdir()
            if entry.name.endswith(".json")
        )
    )


def load_fixture(name: str) -> dict[str, Any]:
    """A fresh copy of the sample event ``name`` (e.g. ``"sqs"``); see :func:`fixture_names`."""
    available = fixture_names()
    if name not in available:
        raise ConfigurationError(
            f"no event fixture named {name!r}; available fixtures: {', '.join(available)}"
        )
    event = json.loads(_fixtures_dir().joinpath(f"{name}.json").read_text(encoding="utf-8"))
    if not isinstance(event, dict):
        raise ConfigurationError(
            f"event fixture {name!r} must hold a JSON object, got {type(event).__name__}"
        )
    return event
