"""nbclient's NotebookClient, with the wait for a cell's reply taken in short polls.

A cell that displays an ipywidgets ``Output`` (every ``interactive`` does) makes nbclient's stand-in for
the front end's output widget send ``comm_msg`` updates on the shell socket while nbclient awaits the
cell's ``execute_reply`` on that same socket (jupyter/nbclient#312, open). Now and then the send
swallows the socket's "readable" wake-up: the reply has arrived, but the poll only notices when its
timeout runs out, so the cell takes the whole cell timeout (60 s here) and then passes. It hit one
notebook run in six when two ran at once on this machine, and three of four ``make test`` runs. Polling
in slices of :data:`POLL_SLICE_S` re-checks the socket each time, so a lost wake-up costs at most that.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from queue import Empty
from typing import Any

from jupyter_client.client import KernelClient
from jupyter_core.utils import ensure_async
from nbclient import NotebookClient

__all__ = ["POLL_SLICE_S", "LabNotebookClient", "in_slices"]

POLL_SLICE_S = 0.5

GetMsg = Callable[..., Any]  # a blocking client's get_msg returns the message, an async one a coroutine


def in_slices(get_msg: GetMsg, slice_s: float = POLL_SLICE_S) -> GetMsg:
    """``get_msg(timeout=...)`` that waits in polls of at most ``slice_s``; ``Empty`` at the deadline.
    The wrapper is a coroutine function whether ``get_msg`` is blocking or async, as nbclient awaits it."""

    @functools.wraps(get_msg)
    async def sliced(timeout: float | None = None) -> dict[str, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = slice_s if deadline is None else max(0.0, min(slice_s, deadline - time.monotonic()))
            try:
                message: dict[str, Any] = await ensure_async(get_msg(timeout=left))
                return message
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return sliced


class LabNotebookClient(NotebookClient):
    """A NotebookClient whose shell channel waits in slices (see the module's docstring)."""

    async def async_start_new_kernel_client(self) -> KernelClient:
        client = await super().async_start_new_kernel_client()
        channel = client.shell_channel
        channel.get_msg = in_slices(channel.get_msg)
        return client
