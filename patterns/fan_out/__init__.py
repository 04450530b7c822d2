"""Pattern 08 · Fan-out / fan-in.

**What it is.** A job too big or too slow for one function is split into chunks; workers process the
chunks in parallel (fan-out); something notices when the last chunk is done and aggregates the partial
results (fan-in). The fan-in is the hard part: deliveries are at least once, and the last chunks can
finish at the same moment.

**What the example does.** A report job of N records (sum the amounts): a splitter Lambda creates the
job's counter in DynamoDB and sends one message per chunk to SQS (``SendMessageBatch``), or invokes the
worker asynchronously per chunk. Each worker stores its chunk's partial result, then counts the chunk
with **one** ``UpdateItem``: ``ADD done_count 1, done_chunks {i}`` on the condition that ``done_chunks``
does not contain ``i`` (the per-chunk done marker), ``ReturnValues=ALL_NEW``; the request that sees
``done + failed == total`` in its own response aggregates, and the report is written on the condition
``job_status = RUNNING``: exactly one report, whatever the duplicates and the interleavings. A chunk
that keeps failing goes to a dead-letter queue (after ``maxReceiveCount`` receives, or Lambda's two
async retries); the DLQ's consumer counts it as failed, and the job ends PARTIAL, listing it.
Seed 001's fan-in (count the pending items, publish at zero) is stepped through the same interleavings:
it publishes twice. Speed-up over the serial run and cost per job come from a stated work model on
the virtual clock and the counted requests; Step Functions' Map state is priced from the transitions
counted in a real execution.

**When to use it.** Work that splits into independent chunks and takes longer than the caller can wait
(or than Lambda's 15 minutes): reports, exports, media and ETL batches.

**Trade-offs.** Each chunk pays an invocation, messages and two writes; the split and the aggregation
stay serial (Amdahl), so more workers stop helping; tiny chunks cost more and finish no sooner. Delivery
is at least once: the fan-in must count each chunk once and finish once. A Map state removes the
counter and the DLQ plumbing, at a price per state transition.

**References.** Lambda with SQS (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html), async
invocation and DLQs (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html), DynamoDB
update expressions (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html),
Step Functions Map state (https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html).

**TL;DR.** Chunk large enough to amortise the per-chunk overhead, count completion with one atomic
conditional update per chunk, finish with a conditional write, dead-letter the chunks that keep
failing and report PARTIAL. Run it: ``python -m patterns.fan_out``; explore it:
``notebooks/08-fan-out.ipynb``.
"""

__all__: list[str] = []  # import from the modules; the handlers' package stays light to initialise
