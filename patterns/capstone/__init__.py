"""Capstone (notebook 25): an order system assembled from the course's patterns.

**What it is.** No new mechanism: the wiring of earlier ones. An HTTP API (pattern 02, through the lab's
front door) takes ``POST /orders`` with an ``Idempotency-Key`` header; the key is claimed by pattern 17's
:class:`~patterns.idempotency.service.IdempotentExecutor` (a conditional write); the order runs as
pattern 14's saga (:func:`~patterns.saga.service.perform_step`, compensated in reverse by
:func:`~patterns.saga.service.compensate_step`); its outcome is published as one EventBridge event
(pattern 05), which a projection function turns into a CQRS read model (pattern 13); every function's
REPORT lines (pattern 19's observability, ``patterns.lab.logs``) give the bill.

**What this package holds.** Only glue the exercise and notebook 25 share: the resources
(:func:`~patterns.capstone.system.create_resources`), the deployment
(:func:`~patterns.capstone.system.deploy`), the budget and the cost of a run measured from the runtime's
reports and ``patterns.lab.pricing`` (:func:`~patterns.capstone.system.measure_cost`), and which assembly
notebook 25 runs (:func:`~patterns.capstone.system.assembly`): the reference solution in the instructor's
copy, the learner's own ``exercises/capstone/order_system.py`` in a student's (the course never ships
the answer).

**Trade-offs.** Each pattern's price adds up: an idempotency record costs writes on every order, a saga
one write per step, an event a put and a delivery. The budget makes that sum a requirement.
"""

from patterns.capstone.system import (
    BUDGET_USD_PER_1000_ORDERS,
    CostReport,
    Resources,
    assembly,
    create_resources,
    deploy,
    measure_cost,
    read_model,
    service_records,
)

__all__ = [
    "BUDGET_USD_PER_1000_ORDERS",
    "CostReport",
    "Resources",
    "assembly",
    "create_resources",
    "deploy",
    "measure_cost",
    "read_model",
    "service_records",
]
