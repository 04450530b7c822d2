"""Pattern 15, step-functions: workflow orchestration with a state machine (Amazon States Language).

**What it is.** The workflow (which step runs next, what is retried and how long to wait, where a
failure goes) is declared as an ASL state machine and executed by AWS Step Functions; each Task is
a small Lambda function that knows nothing about the flow. The service keeps the execution's state
and a complete history of every state entered and left, every attempt and every error.

**The example.** An order workflow (``definitions/order_workflow.asl.json``): ValidateOrder ->
CheckInventory -> a Choice of shipping -> ChargePayment, retried with exponential backoff on
``PaymentGatewayUnavailableError`` -> a Parallel state (CreateShipment, SendConfirmation) -> a Map
state picking each order line. Catchers route a bad order, missing stock or a declined card to a
rejection notice, keeping the order beside the error with ``ResultPath`` (without it the catcher's
output replaces the order, and the notifier no longer knows whom to tell: a mistake in the seeds).
It runs on moto's ASL interpreter, the Tasks on the lab's local Lambda runtime, and Retry backoffs
and Wait states on the sandbox's virtual clock (:mod:`patterns.lab.states`), so 12 s of backoff take
milliseconds. :mod:`.history` turns an execution's history into a timeline (a Gantt chart), counts
state transitions and prices an execution as a Standard and as an Express workflow.
:mod:`.saga_machine` builds the saga of pattern 14 as a state machine whose catchers run the
compensations in reverse order.

**When to use it.** Multi-step flows with retries, timeouts, branches, waits (up to a year on
Standard) and a need for an audit trail of each run; flows that must survive a crash of any one
component without custom recovery code.

**Trade-offs.** Standard workflows cost per state transition ($0.025 per 1,000, retries included):
a chatty, high-volume flow can cost more than the Lambda functions it runs; Express workflows cost
per request and duration (cheap, but at most 5 minutes and at-least-once). The definition is JSON,
tested by executing it; logic belongs in the tasks, not in ``Choice`` rules. A hand-written
orchestrator is cheaper per run but must implement retries, waits (billed as Lambda duration),
persistence and resumption itself (see ``adr/0007``).

**References.** Amazon States Language specification (states-language.net); AWS Step Functions
developer guide: error handling (Retry, Catch), Parallel, Map, pricing.

**TL;DR.** Declare the flow, keep the tasks dumb; Retry with backoff for transient errors, Catch
with ``ResultPath`` for the rest; count transitions before choosing Standard over Express.
"""
