"""The saga's invariants, checked against what the services and the saga log actually hold.

* Every saga ends COMPLETED, COMPENSATED or PARKED (with a parked record for each parked step).
* No payment stands without a confirmed order: a CHARGED payment belongs to a COMPLETED saga whose
  confirmation was SENT, or to a PARKED saga whose refund is on record for an operator.
* No reservation leaks: a RESERVED reservation belongs to a COMPLETED saga or to a parked release.
* More generally, a COMPENSATED saga leaves nothing in effect, and a COMPLETED one has all four effects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from patterns.saga.orchestrator import TERMINAL, SagaState
from patterns.saga.service import STEPS

__all__ = ["InvariantReport", "check_invariants"]


@dataclass(frozen=True)
class InvariantReport:
    """How many sagas and facts were checked, and every violation found (empty: all invariants hold)."""

    sagas: int
    checks: int
    violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations


def check_invariants(
    sagas: Iterable[SagaState],
    service_records: Mapping[str, Iterable[Mapping[str, Any]]],
    parked: Iterable[Mapping[str, Any]],
) -> InvariantReport:
    """Check every invariant over ``sagas`` (from the log), each service's records and the parked records."""
    states = {state.saga_id: state for state in sagas}
    status_of = {
        spec.service: {str(r["saga_id"]): str(r["status"]) for r in service_records.get(spec.service, ())}
        for spec in STEPS
    }
    parked_pairs = {(str(p["saga_id"]), str(p["compensation"])) for p in parked}
    violations: list[str] = []
    checks = 0
    for saga_id, state in sorted(states.items()):
        checks += 1
        if state.status not in TERMINAL:
            violations.append(f"saga {saga_id} ended {state.status}, not COMPLETED, COMPENSATED or PARKED")
        for spec in STEPS:
            checks += 1
            in_effect = status_of[spec.service].get(saga_id) == spec.status
            parked_here = state.steps.get(spec.action) == "PARKED"
            if parked_here and (saga_id, spec.compensation) not in parked_pairs:
                violations.append(
                    f"saga {saga_id}: {spec.compensation} is PARKED in the log but has no parked record"
                )
            if state.status == "COMPLETED" and not in_effect:
                violations.append(
                    f"saga {saga_id} is COMPLETED but its {spec.service} record is not {spec.status}"
                )
            if state.status != "COMPLETED" and in_effect and not parked_here:
                violations.append(
                    f"saga {saga_id} is {state.status} but its {spec.service} record is still {spec.status} "
                    f"({spec.compensation} neither done nor parked)"
                )
    for service, label in (("payments", "payment"), ("inventory", "reservation")):
        spec = next(s for s in STEPS if s.service == service)
        for saga_id, status in sorted(status_of[service].items()):
            checks += 1
            if status != spec.status:
                continue
            owner = states.get(saga_id)
            completed = owner is not None and owner.status == "COMPLETED"
            confirmed = completed and status_of["confirmations"].get(saga_id) == "SENT"
            on_record = (saga_id, spec.compensation) in parked_pairs
            if not confirmed and not on_record:
                violations.append(
                    f"{label} of saga {saga_id} stands ({status}) without a confirmed order or a parked "
                    f"{spec.compensation}"
                )
    return InvariantReport(len(states), checks, violations)
