"""The saga orchestrator with in-memory fakes: order of compensations, idempotency, crash and resume,
parking, and a property test over random failure points, crash points and duplicate deliveries."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patterns.saga.adapters import FakeClock, InMemoryInvoker, InMemoryParking, InMemorySagaLog
from patterns.saga.exceptions import InjectedFaultError, InvalidOrderError, OrchestratorCrashedError
from patterns.saga.invariants import check_invariants
from patterns.saga.orchestrator import RetryPolicy, SagaOrchestrator, SagaState
from patterns.saga.service import COMPENSATIONS, STEPS, Order, fault_for, parse_event

pytestmark = pytest.mark.unit

ORDER = Order("o-1", (("book", 2),), 2599, "ada@example.com")
ACTIONS = [spec.action for spec in STEPS]


class World:
    def __init__(self, *, duplicate=None, compensate_failed_step=True):
        self.log, self.parking, self.clock = InMemorySagaLog(), InMemoryParking(), FakeClock()
        self.invoker = InMemoryInvoker(duplicate=duplicate)
        self.orchestrator = SagaOrchestrator(
            self.log,
            self.invoker,
            self.parking,
            self.clock,
            policy=RetryPolicy(step_attempts=2, compensation_attempts=3),
            compensate_failed_step=compensate_failed_step,
        )

    def run(self, saga_id="s-1", **options) -> SagaState:
        return self.orchestrator.run(saga_id, ORDER, **options)

    def status(self, service, saga_id="s-1"):
        record = self.invoker.stores[service].get(saga_id)
        return record["status"] if record else None

    def invariants(self):
        return check_invariants(self.log.sagas(), self.invoker.records(), self.parking.parked)


def test_a_saga_without_faults_completes_with_every_effect_in_place():
    world = World()
    state = world.run()
    assert state.status == "COMPLETED"
    assert [world.status(spec.service) for spec in STEPS] == ["RESERVED", "CHARGED", "CREATED", "SENT"]
    assert [entry.action for entry in world.orchestrator.timeline] == ACTIONS
    assert world.invariants().ok


@pytest.mark.parametrize("failing", range(len(STEPS)))
def test_a_failing_step_is_compensated_with_the_steps_before_it_in_reverse_order(failing):
    world = World()
    spec = STEPS[failing]
    state = world.run(faults={spec.action: {"kind": "error"}})
    assert state.status == "COMPENSATED"
    assert state.failed_step == spec.action
    compensations = [e.action for e in world.orchestrator.timeline if e.kind == "compensation"]
    assert compensations == [s.compensation for s in reversed(STEPS[: failing + 1])]
    assert world.invariants().ok, world.invariants().violations


def test_a_transient_step_error_is_retried_and_the_saga_completes():
    world = World()
    state = world.run(faults={"charge_payment": {"kind": "error", "times": 1}})
    assert state.status == "COMPLETED"
    attempts = [
        (e.action, e.attempt, e.result) for e in world.orchestrator.timeline if e.action == "charge_payment"
    ]
    assert attempts == [("charge_payment", 1, "InjectedFaultError"), ("charge_payment", 2, "done")]
    assert world.clock.elapsed > RetryPolicy().wait_before(1)


def test_a_timed_out_step_took_effect_and_is_compensated_too():
    world = World()
    state = world.run(faults={"charge_payment": {"kind": "timeout"}})
    assert state.status == "COMPENSATED"
    assert world.status("payments") == "REFUNDED"
    assert world.invariants().ok


def test_compensating_only_completed_steps_as_the_seeds_do_leaves_a_timed_out_charge_standing():
    world = World(compensate_failed_step=False)
    state = world.run(faults={"charge_payment": {"kind": "timeout"}})
    assert state.status == "COMPENSATED"
    assert world.status("payments") == "CHARGED"
    report = world.invariants()
    assert any("payment of saga s-1 stands" in violation for violation in report.violations)


def test_a_compensation_that_keeps_failing_is_parked_with_its_record_and_the_others_still_run():
    world = World()
    state = world.run(faults={"create_shipment": {"kind": "error"}, "refund_payment": {"kind": "error"}})
    assert state.status == "PARKED"
    assert state.parked == ["charge_payment"]
    assert [(p["saga_id"], p["compensation"]) for p in world.parking.parked] == [("s-1", "refund_payment")]
    assert world.status("inventory") == "RELEASED"
    assert world.status("payments") == "CHARGED"
    assert world.invariants().ok


def test_a_compensation_that_fails_twice_then_succeeds_is_not_parked():
    world = World()
    state = world.run(
        faults={"send_confirmation": {"kind": "error"}, "release_inventory": {"kind": "error", "times": 2}}
    )
    assert state.status == "COMPENSATED"
    assert world.parking.parked == []


def test_a_crashed_orchestrator_resumes_from_the_log_without_repeating_completed_steps():
    world = World()
    with pytest.raises(OrchestratorCrashedError, match="checkpoint 5"):
        world.run(crash_at=5)  # checkpoint 5: create_shipment recorded STARTED, not yet invoked
    assert world.log.states["s-1"].status == "RUNNING"
    state = world.run()
    assert state.status == "COMPLETED"
    invoked = Counter(entry.action for entry in world.orchestrator.timeline)
    assert invoked == dict.fromkeys(ACTIONS, 1)


def test_a_crash_after_a_step_answered_resumes_with_a_duplicate_that_changes_nothing():
    world = World()
    with pytest.raises(OrchestratorCrashedError):
        world.run(crash_at=4)  # charge_payment answered "done" but DONE was never written
    state = world.run()
    assert state.status == "COMPLETED"
    charges = [e.result for e in world.orchestrator.timeline if e.action == "charge_payment"]
    assert charges == ["done", "duplicate"]
    assert world.invoker.stores["payments"].changes == [("s-1", "CHARGED")]


def test_a_crash_during_compensation_resumes_the_compensation():
    world = World()
    faults = {"create_shipment": {"kind": "error"}}
    with pytest.raises(OrchestratorCrashedError):
        world.run(faults=faults, crash_at=7)  # after cancel_shipment answered
    assert world.log.states["s-1"].status == "COMPENSATING"
    state = world.run()
    assert state.status == "COMPENSATED"
    assert world.invariants().ok


def test_duplicate_deliveries_never_charge_or_refund_twice():
    world = World(duplicate=lambda _action, _attempt: True)
    state = world.run(faults={"send_confirmation": {"kind": "error"}})
    assert state.status == "COMPENSATED"
    assert world.invoker.stores["payments"].changes == [("s-1", "CHARGED"), ("s-1", "REFUNDED")]
    assert world.invoker.invocations == 2 * len(world.orchestrator.timeline)


def test_a_step_delivered_after_its_compensation_is_blocked_by_the_tombstone():
    world = World()
    world.run(faults={"reserve_inventory": {"kind": "error"}})
    late = world.invoker.invoke("reserve_inventory", {"saga_id": "s-1", "order": ORDER.to_dict()})
    assert late.outcome == "blocked"
    assert world.status("inventory") == "RELEASED"


def test_a_finished_saga_is_not_run_again():
    world = World()
    world.run()
    before = len(world.orchestrator.timeline)
    assert world.run().status == "COMPLETED"
    assert len(world.orchestrator.timeline) == before


def test_invalid_events_and_faults_are_refused_with_what_was_wrong():
    with pytest.raises(InvalidOrderError, match="amount_cents must be a positive integer, got -5"):
        parse_event({"saga_id": "s", "order": {**ORDER.to_dict(), "amount_cents": -5}}, "charge_payment")
    with pytest.raises(InvalidOrderError, match="saga_id must be a string"):
        parse_event({"order": ORDER.to_dict()}, "charge_payment")
    with pytest.raises(InvalidOrderError, match="kind must be one of"):
        fault_for({"charge_payment": {"kind": "explode"}}, "charge_payment", 1)
    assert fault_for({"charge_payment": {"kind": "error", "times": 1}}, "charge_payment", 2) is None
    assert str(InjectedFaultError("refund_payment", 3)) == "injected fault: refund_payment fails on attempt 3"


def test_the_invariant_checker_reports_a_leaked_reservation_and_an_unfinished_saga():
    world = World()
    with pytest.raises(OrchestratorCrashedError):
        world.run(crash_at=3)
    report = world.invariants()
    assert not report.ok
    assert any("ended RUNNING" in v for v in report.violations)
    assert any("reservation of saga s-1 stands" in v for v in report.violations)


ALL_ACTIONS = ACTIONS + list(COMPENSATIONS)
fault_plans = st.dictionaries(
    st.sampled_from(ALL_ACTIONS),
    st.fixed_dictionaries(
        {"kind": st.sampled_from(["error", "timeout"]), "times": st.sampled_from([1, 2, None])}
    ),
    max_size=3,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plans=st.lists(st.tuples(fault_plans, st.integers(0, 14)), min_size=1, max_size=3),
    duplicated=st.sets(st.sampled_from(ALL_ACTIONS)),
    late_redelivery=st.booleans(),
)
def test_invariants_hold_for_any_failure_points_crashes_and_duplicate_deliveries(
    plans, duplicated, late_redelivery
):
    world = World(duplicate=lambda action, _attempt: action in duplicated)
    for number, (faults, crash_at) in enumerate(plans):
        saga_id = f"s-{number}"
        try:
            world.run(saga_id, faults=faults, crash_at=crash_at or None)
        except OrchestratorCrashedError:
            world.run(saga_id)  # a new orchestrator process resumes from the log
    if late_redelivery:  # every request sent is delivered once more, late, as an at-least-once queue may
        sent = {(e.saga_id, e.action) for e in world.orchestrator.timeline}
        for saga_id, action in sorted(sent):
            world.invoker.invoke(action, {"saga_id": saga_id, "order": ORDER.to_dict()})
    report = world.invariants()
    assert report.ok, report.violations
    for service, store in world.invoker.stores.items():
        assert len(store.changes) == len(set(store.changes)), (
            f"{service} changed a record twice: {store.changes}"
        )
    for number in range(len(plans)):
        steps = [
            e.step
            for e in world.orchestrator.timeline
            if e.saga_id == f"s-{number}" and e.kind == "compensation"
        ]
        assert steps == sorted(steps, reverse=True), f"compensations out of order: {steps}"
