"""DynamoDB Time to Live on the virtual clock: moto stores a table's TTL setting but never deletes.

On AWS, an item whose TTL attribute (Unix seconds) has passed is deleted by a background process
*some time later*, typically within a few days, and until then reads still return it. The lab's
:class:`TtlSweeper` plays that process on the sandbox's clock: every ``interval_s`` of virtual time it
deletes the items that have expired, so a demonstration can show both the expiry and the window in
which an expired item is still read. Code that must not use expired items filters them on read (as AWS
advises), whatever the sweeper does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from patterns.lab.clock import Timer
from patterns.lab.exceptions import ConfigurationError

if TYPE_CHECKING:
    from patterns.lab.sandbox import Sandbox

__all__ = ["DEFAULT_SWEEP_INTERVAL_S", "Sweep", "TtlSweeper", "ttl_sweeper"]

DEFAULT_SWEEP_INTERVAL_S = 6 * 3600.0  # the lab's choice: AWS deletes "within a few days", unscheduled


@dataclass(frozen=True)
class Sweep:
    """One pass of the sweeper: when (virtual seconds since the clock started) and what it deleted."""

    at: float
    deleted: int


@dataclass
class TtlSweeper:
    """Deletes the expired items of ``table`` every ``interval_s`` virtual seconds (an event source)."""

    sandbox: Sandbox
    table: str
    attribute: str
    interval_s: float = DEFAULT_SWEEP_INTERVAL_S
    sweeps: list[Sweep] = field(default_factory=list)
    _timer: Timer | None = None

    def start(self) -> TtlSweeper:
        if self.interval_s <= 0:
            raise ConfigurationError(f"interval_s must be positive, got {self.interval_s}")
        self._timer = self.sandbox.clock.call_later(self.interval_s, self._tick, f"ttl sweep of {self.table}")
        return self

    def _tick(self) -> None:
        self.sweep()
        self._timer = self.sandbox.clock.call_later(self.interval_s, self._tick, f"ttl sweep of {self.table}")

    def sweep(self) -> int:
        """Delete every item whose TTL attribute is at or before the virtual now; return how many."""
        client = self.sandbox.client("dynamodb")
        now = self.sandbox.clock.timestamp()
        key_names = [
            k["AttributeName"] for k in client.describe_table(TableName=self.table)["Table"]["KeySchema"]
        ]
        deleted = 0
        for page in client.get_paginator("scan").paginate(TableName=self.table):
            for item in page["Items"]:
                if _expired(item.get(self.attribute), now):
                    client.delete_item(TableName=self.table, Key={name: item[name] for name in key_names})
                    deleted += 1
        self.sweeps.append(Sweep(self.sandbox.clock.elapsed, deleted))
        return deleted

    def poll(self) -> int:
        """Nothing to do between timers: sweeps run on the clock."""
        return 0

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _expired(value: Any, now: float) -> bool:
    """DynamoDB's rule: a Number attribute in Unix seconds, not in the future; anything else never expires."""
    if not isinstance(value, dict) or "N" not in value:
        return False
    try:
        return float(value["N"]) <= now
    except ValueError:
        return False


def ttl_sweeper(
    sandbox: Sandbox, table: str, attribute: str, *, interval_s: float = DEFAULT_SWEEP_INTERVAL_S
) -> TtlSweeper:
    """Turn TTL on for ``table`` (``attribute``) and start sweeping it on the sandbox's clock."""
    sandbox.client("dynamodb").update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute}
    )
    sweeper = TtlSweeper(sandbox, table, attribute, interval_s).start()
    sandbox.add_source(sweeper)
    return sweeper
