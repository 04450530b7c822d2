"""Pattern 06: function composition by events (choreography) versus Lambda invoking Lambda.

**What it is.** Seed 001's order flow is three single-purpose functions: ``validate`` ->
``OrderValidated`` -> ``payment`` -> ``PaymentProcessed`` -> ``fulfil``. Composed by events, each
function publishes what happened to an EventBridge bus and returns; a rule delivers the event to the
next function. No function knows who comes next, and every event carries the order's correlation id.

**What the example does.** Each step is a Lambda handler (:mod:`patterns.choreography.handlers`) on
its own DynamoDB table. The same handlers are deployed twice: by events (a bus, one rule per step) and
as a synchronous chain, each calling the next with boto3's ``invoke`` (``RequestResponse``). The
demonstration (:mod:`patterns.choreography.demo`) measures both from the runtime's reports: the
caller's response time, end-to-end latency, billed GB-s (a synchronous caller is billed while it
waits, so every step's time is billed again by each caller above it), what a failing payment does to
the caller, and what adding a step costs. It delivers one ``PaymentProcessed`` twice to seed 001's
``fulfillOrder`` (two confirmation emails) and to the fix (a conditional write: one). Every event type
has a JSON Schema (:mod:`patterns.choreography.contracts`) checked with ``jsonschema`` when published;
a breaking change to ``PaymentProcessed`` is shown failing in the consumer without the check and in
the producer with it. A choreographed saga with compensations is pattern 14
(:mod:`patterns.saga.choreography`).

**When to use it.** Steps that can finish after the caller has its answer (202), owned by different
teams, where new consumers should join without changing the producer.

**Trade-offs.** The caller learns only that the order was accepted; failures surface later (retries,
an on-failure queue) and need their own path back to the customer. The flow exists only as the set of
rules: trace it by correlation id. Delivery is at least once, so every consumer must be idempotent.
A synchronous chain answers with the final result, but couples availability and latency (one slow or
failing step fails the caller) and bills each caller for its callees' time.

**References.** AWS Lambda operator guide, "Anti-patterns: Lambda functions calling Lambda functions";
Amazon EventBridge user guide (event patterns, at-least-once delivery); S. Newman, *Building
Microservices*, ch. 4 (choreography and orchestration).

**TL;DR.** Let functions announce facts, not call each other; carry a correlation id, publish against
a schema, and make every consumer idempotent.
Run it: ``python -m patterns.choreography``; explore it: ``notebooks/06-choreography.ipynb``.
"""

__all__: list[str] = []
