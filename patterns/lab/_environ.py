"""Per-thread environment variables, so concurrent local Lambda environments see their own variables.

On Lambda each execution environment is its own process with its own ``os.environ``. The lab runs them
as threads of one process, so while the sandbox is on, ``os.environ`` is replaced by a mapping that
reads a thread's own layer first (set by the runtime around init and invoke) and the process's
variables after it. Writes made by a handler stay in its layer.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager

__all__ = ["LayeredEnviron", "environment_layer", "install", "uninstall"]


class LayeredEnviron(MutableMapping[str, str]):
    """``os.environ`` with an optional per-thread layer on top of the process environment."""

    def __init__(self, base: MutableMapping[str, str]) -> None:
        self.base = base
        self._local = threading.local()

    def _layer(self) -> dict[str, str] | None:
        layer: dict[str, str] | None = getattr(self._local, "layer", None)
        return layer

    def __getitem__(self, key: str) -> str:
        layer = self._layer()
        if layer is not None and key in layer:
            return layer[key]
        return self.base[key]

    def __setitem__(self, key: str, value: str) -> None:
        layer = self._layer()
        if layer is None:
            self.base[key] = value
        else:
            layer[key] = value

    def __delitem__(self, key: str) -> None:
        layer = self._layer()
        if layer is None:
            del self.base[key]
        else:
            layer.pop(key, None)

    def __iter__(self) -> Iterator[str]:
        layer = self._layer() or {}
        yield from layer
        yield from (key for key in self.base if key not in layer)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def copy(self) -> dict[str, str]:
        return dict(self)

    @contextmanager
    def layer(self, variables: dict[str, str]) -> Iterator[dict[str, str]]:
        """Give the current thread ``variables`` on top of the process environment."""
        previous = self._layer()
        self._local.layer = variables
        try:
            yield variables
        finally:
            self._local.layer = previous


_lock = threading.Lock()


_installed: list[LayeredEnviron] = []


def install() -> LayeredEnviron:
    """Put a :class:`LayeredEnviron` in place of ``os.environ`` (idempotent).

    The same object comes back every time over the same process environment: boto3 sessions keep
    a reference to the ``os.environ`` they were created under (and the sandbox reuses its session
    across starts), so a later start's per-thread layers must be visible through that reference.
    """
    with _lock:
        current: MutableMapping[str, str] = os.environ
        if isinstance(current, LayeredEnviron):
            return current
        if _installed and _installed[0].base is current:
            layered = _installed[0]
        else:
            layered = LayeredEnviron(current)
            _installed[:] = [layered]
        os.environ = layered  # type: ignore[assignment]  # noqa: B003 - replaced on purpose, restored by uninstall()
        return layered


def uninstall() -> None:
    with _lock:
        if isinstance(os.environ, LayeredEnviron):
            os.environ = os.environ.base  # type: ignore[assignment]  # noqa: B003


@contextmanager
def environment_layer(variables: Mapping[str, str]) -> Iterator[dict[str, str]]:
    """Run the block with ``variables`` layered over the environment for this thread only."""
    environ = install()
    with environ.layer(dict(variables)) as layer:
        yield layer
