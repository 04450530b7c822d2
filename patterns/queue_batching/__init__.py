"""Pattern 09 · Queue-based load levelling and batching economics.

**What it is.** Producers send messages to an SQS queue; Lambda's SQS event source mapping polls it and
invokes a function with batches of messages. The queue absorbs bursts (load levelling); batching shares
what every invocation pays (the request charge, set-up time, a delete call) among its messages.

**What the example does.** A producer sends orders (``SendMessageBatch``) to a queue with a dead-letter
queue (``maxReceiveCount``); the lab's event source mapping (batch size, batching window, visibility
timeout, ``ReportBatchItemFailures``) drives a real handler that records each order once with a DynamoDB
conditional write keyed by the message id. Every SQS request is counted by kind, with 64 KB chunks
(:class:`~patterns.queue_batching.adapters.SqsRequestCounter`); the handler's work is a
:class:`~patterns.queue_batching.service.WorkModel` billed as duration, not slept. From the counts:
dollars per million messages against batch size and per-invocation overhead, latency against the
window, a model fitted to the runs that extrapolates to batch sizes of 10,000, the cost of a poison
message with and without partial batch responses, and the seeds' cost claims checked.

**When to use it.** Work that can wait seconds (not a user's request), arrives in bursts or in volume,
and has a per-invocation overhead worth sharing. Pick the window from the delay the result may take and
the batch size from the arrival rate times that window.

**Trade-offs.** Larger batches and windows cost latency; a failing batch redelivers every message in it
unless the handler reports ``batchItemFailures``; delivery is at least once, so the effect must be
idempotent; the savings flatten once per-message costs (the work, SQS's ten messages per receive)
dominate. FIFO queues allow batches of at most ten and no window.

**References.** AWS Lambda with SQS (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html),
partial batch responses (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html),
SQS pricing (https://aws.amazon.com/sqs/pricing/), Lambda pricing (https://aws.amazon.com/lambda/pricing/).

**TL;DR.** Batch to amortise per-invocation costs, bound the delay with the window, turn on
``ReportBatchItemFailures``, make the effect idempotent, and put a DLQ behind the queue.
Run it: ``python -m patterns.queue_batching``; explore it: ``notebooks/09-queue-batching.ipynb``.
"""
