"""What each backend can do for the lab, and the one line a demonstration prints when it cannot.

moto in this process can do everything the lab needs: its push deliveries (SNS, S3 and EventBridge to a
Lambda function) and the Lambda tasks of a Step Functions execution are routed by the lab's hooks into
the local Lambda runtime. A moto server or LocalStack (``endpoint``) runs those deliveries in *its own*
process, which cannot reach the runtime in the notebook's process; real AWS (``aws``) cannot call a
function that only exists on this machine either. A demonstration checks before it relies on one::

    if not sandbox.unavailable(Capability.PUSH_DELIVERIES, "SNS fanning out to the functions"):
        ...  # the part that needs it

and the rest of the demonstration runs on every backend.
"""

from __future__ import annotations

import enum
from typing import Literal

__all__ = ["BACKEND_KINDS", "BackendKind", "Capability", "backend_supports", "skip_message"]

BackendKind = Literal["moto", "endpoint", "aws"]
BACKEND_KINDS: tuple[BackendKind, ...] = ("moto", "endpoint", "aws")


class Capability(enum.Enum):
    """Something a demonstration may need that not every backend can give the local Lambda runtime."""

    PUSH_DELIVERIES = "push deliveries from SNS, S3 and EventBridge to local Lambda functions"
    STATE_MACHINE_LAMBDA_TASKS = "Lambda tasks inside Step Functions executions"

    @property
    def description(self) -> str:
        """What the capability is, in words a learner reads in the skip line."""
        return self.value

    @property
    def label(self) -> str:
        """A few words for tables (the README's backend table)."""
        return _LABELS[self]


_LABELS: dict[Capability, str] = {
    Capability.PUSH_DELIVERIES: "push deliveries",
    Capability.STATE_MACHINE_LAMBDA_TASKS: "Lambda tasks in state machines",
}


# Which backend gives the local runtime which capability. moto in-process gives all of them.
_SUPPORTED: dict[BackendKind, frozenset[Capability]] = {
    "moto": frozenset(Capability),
    "endpoint": frozenset(),
    "aws": frozenset(),
}

_WHY_NOT: dict[BackendKind, str] = {
    "moto": "",
    "endpoint": "which a moto server or LocalStack cannot give the lab's local runtime",
    "aws": "which real AWS cannot route to functions running in the lab's local runtime",
}


def backend_supports(kind: BackendKind, capability: Capability) -> bool:
    """True when a backend of ``kind`` can give the local runtime ``capability``."""
    if kind not in _SUPPORTED:
        raise ValueError(f"unknown backend kind {kind!r}: expected one of {BACKEND_KINDS}")
    return capability in _SUPPORTED[kind]


def skip_message(kind: BackendKind, where: str, capability: Capability, what: str) -> str:
    """The one line a demonstration prints for what it skips, e.g.

    ``[endpoint http://127.0.0.1:5077] skipped: the saga's compensation needs Lambda tasks inside
    Step Functions executions, which a moto server or LocalStack cannot give the lab's local runtime.``
    """
    label = f"{kind} {where}".strip()
    return f"[{label}] skipped: {what} needs {capability.description}, {_WHY_NOT[kind]}."
