"""Pattern 14: saga - a distributed transaction as local steps, each undone by a compensation.

**What it is.** An order touches four services, each with its own database: inventory, payments,
shipping, notifications. No transaction spans them. A saga (Garcia-Molina & Salem, 1987) runs the
local steps T1..Tn in order; when Tk fails it runs the compensations Ck..C1 in reverse, so the
system ends either with every step done or with every effect undone.

**What the example does.** Reserve inventory -> charge payment -> create shipment -> send
confirmation, each a Lambda handler (:mod:`patterns.saga.handlers`) deployed to the local runtime
and writing only its own DynamoDB table; release, refund, cancel shipment and send cancellation
undo them. An orchestrator (:mod:`patterns.saga.orchestrator`, pure logic) invokes them through
boto3's Lambda client and writes a saga log in DynamoDB before every step, so a crashed orchestrator
resumes where it stopped without repeating completed steps. Steps and compensations are idempotent
(conditional writes keyed by saga id; a compensation leaves a tombstone so a late step cannot take
effect after it). A compensation that keeps failing is parked on an SQS queue and marked PARKED in
the log. Faults (error, timeout) can be injected at any step or compensation, and the orchestrator
can be crashed at any checkpoint; :mod:`patterns.saga.invariants` checks after every run that no
payment stands without a confirmed order, no reservation leaks, and every saga ends COMPLETED,
COMPENSATED or PARKED. :mod:`patterns.saga.choreography` runs the same saga by EventBridge events.

**When to use it.** A business operation spans services that each own their data and cannot share a
transaction, and every step has a meaningful undo (refund, release, cancel).

**Trade-offs.** No isolation: other readers see the intermediate states (a reservation that will be
released). Compensations are business operations, not rollbacks: a sent email is answered by a
cancellation, not unsent. Every step and compensation must be idempotent, and a step that timed out
may still have taken effect, so it must be compensated too (the seeds compensate only the steps
recorded as completed, and leak it). Orchestration keeps the flow and its state in one place at the
price of a coordinator; choreography needs no coordinator, but the flow is spread over every service
and a stuck compensation silently holds up the ones behind it (see ``adr/0006``).

**References.** H. Garcia-Molina, K. Salem, "Sagas", SIGMOD 1987; C. Richardson, *Microservices
Patterns*, ch. 4; AWS Prescriptive Guidance, "Saga pattern".

**TL;DR.** Log before you act, make every step and undo idempotent, compensate in reverse including
the step that failed, and park what cannot be undone for a human - then check the invariants.
"""
