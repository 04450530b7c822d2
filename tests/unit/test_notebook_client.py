"""The test harness's sliced wait for a cell's reply (tests/e2e/notebook_client.py)."""

from __future__ import annotations

import asyncio
import time
from queue import Empty
from typing import Any

import pytest

from tests.e2e.notebook_client import in_slices

pytestmark = pytest.mark.unit

REPLY = {"msg_type": "execute_reply"}


class Socket:
    """A fake get_msg: its first ``misses`` polls find nothing (each returns at once), then the reply."""

    def __init__(self, misses: int) -> None:
        self.misses = misses
        self.timeouts: list[float | None] = []

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        self.timeouts.append(timeout)
        if len(self.timeouts) <= self.misses:
            raise Empty
        return REPLY


def test_a_reply_a_poll_missed_is_taken_by_the_next_slice():
    socket = Socket(misses=3)
    assert asyncio.run(in_slices(socket.get_msg, slice_s=0.5)(timeout=60)) == REPLY
    assert socket.timeouts == [0.5] * 4


def test_without_a_timeout_it_polls_in_slices_until_the_reply():
    socket = Socket(misses=5)
    assert asyncio.run(in_slices(socket.get_msg, slice_s=0.25)(timeout=None)) == REPLY
    assert socket.timeouts == [0.25] * 6


def test_no_reply_by_the_deadline_is_empty_as_before():
    async def never(timeout: float | None = None) -> dict[str, Any]:
        await asyncio.sleep(timeout or 0)
        raise Empty

    started = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(in_slices(never, slice_s=0.05)(timeout=0.2))
    assert time.monotonic() - started >= 0.2


def test_a_blocking_client_s_get_msg_is_awaited_the_same_way():
    calls: list[float | None] = []

    def blocking(timeout: float | None = None) -> dict[str, Any]:
        calls.append(timeout)
        if len(calls) < 3:
            raise Empty
        return REPLY

    assert asyncio.run(in_slices(blocking, slice_s=0.5)(timeout=5)) == REPLY
    assert calls == [0.5, 0.5, 0.5]
