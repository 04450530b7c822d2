"""Pattern 10 · Stream processing.

**What it is.** Producers append events to a stream (Kinesis Data Streams, or a DynamoDB table's
change stream); the stream keeps them in order per shard for a retention period; a consumer reads each
shard in order, in batches, and checkpoints how far it got. Lambda's event source mapping is such a
consumer: it polls every shard, invokes the function with a batch, and moves on only when the batch
succeeded - so order holds per partition key, delivery is at least once, and one bad record stops its
shard.

**What the example does.** Order events keyed by customer go to a Kinesis stream; the lab's poller
(:mod:`patterns.lab.sources.streams`, the mapping on the virtual clock) invokes a consumer that applies
each event once to DynamoDB (conditional write per event id, every delivery counted, order per customer
checked). It shows: which customers share a shard and that their order holds; a consumer that did a
batch's work and died before its checkpoint, restarted from its checkpoint (duplicates counted), from
TRIM_HORIZON or from LATEST (records lost); one poison record under each failure setting (defaults,
MaximumRecordAgeInSeconds, BisectBatchOnFunctionError, ReportBatchItemFailures, both) with the iterator
age over virtual time, the records reprocessed and the good records lost; tumbling-window totals with
state carried between invocations; lag and monthly cost against batch size, shard count and
ParallelizationFactor under a stated work model; the shards a write rate needs and provisioned against
on-demand prices; and a DynamoDB table's stream, ordered per item.

**When to use it.** Ordered event feeds that several consumers read at their own pace and may replay:
clickstreams, telemetry, change data capture, event-sourced projections, per-key aggregation.

**Trade-offs.** Order and replay cost you head-of-line blocking: a record that always fails stops its
shard (for up to the retention period, by default) unless the mapping bisects, limits retries or ages,
and sends what it gives up to an on-failure destination (metadata only: read the records back from the
stream before they expire). Throughput is per shard (1,000 records/s or 1 MiB/s of writes), so lag
grows when a shard's batches take longer than records arrive; bigger batches and ParallelizationFactor
help before more shards do. Delivery is at least once: the consumer must be idempotent.

**References.** Lambda with Kinesis (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html),
its error handling (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html),
tumbling windows (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html), Kinesis
quotas (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html), DynamoDB Streams
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.Lambda.html).

**TL;DR.** Key by the entity whose order matters, make the consumer idempotent, turn on
BisectBatchOnFunctionError and ReportBatchItemFailures with a MaximumRetryAttempts and an on-failure
destination, watch IteratorAge, and size shards from the write rate. Run it: ``python -m
patterns.streams``; explore it: ``notebooks/10-streams.ipynb``.
"""

__all__: list[str] = []  # import from the modules; the handlers' package stays light to initialise
