"""Pattern 13 - CQRS with an event store and projections.

**Intent.** Write and read through different models: commands append events to an event store, and
read models shaped for each question (full-text search, one order by id, statistics per customer) are
projected from the store's stream.

**Problem.** Seed 000 stores its first event with a plain ``put_item`` at a hard-coded version 1 and
publishes it to SNS afterwards: two commands on the same version both succeed and one event silently
replaces the other, and an event stored but never published (a crash between the two calls) never
reaches a read model. Seed 001's statistics projector ``ADD``\\ s one per record, so a batch delivered
twice (streams are at-least-once) counts twice.

**Solution.**

* the event store is a DynamoDB table keyed by (order id, version); an append is a conditional put
  (``attribute_not_exists(version)``): of two commands on the same version one wins, the other gets 409;
* read models are projected from the table's own stream (no second write to forget): an SQLite FTS5
  index for search (the "store of another kind", as Elasticsearch in the seed) and DynamoDB views; each
  applies an order's next version only, so redeliveries and replays change nothing;
* a projection is rebuilt, or a new one added, by replaying the event store (the stream keeps 24 hours);
* snapshots every N events bound what loading a long-lived order reads.

**Where it runs here.** Commands and queries go through the lab's front door; the projector is driven
by the lab's DynamoDB Streams poller; lag is measured on the virtual clock.

**Layers.** :mod:`.handlers` -> :mod:`.service` (no boto3) -> :mod:`.adapters` (DynamoDB, SQLite).
"""

from patterns.cqrs.exceptions import (
    CommandRejectedError,
    ConcurrencyConflictError,
    CqrsError,
    InvalidCommandError,
    OrderNotFoundError,
)
from patterns.cqrs.service import (
    Command,
    CommandService,
    Event,
    LagRun,
    Line,
    Order,
    apply,
    decide,
    fold,
    parse_command,
    run_batching_schedule,
)

__all__ = [
    "Command",
    "CommandRejectedError",
    "CommandService",
    "ConcurrencyConflictError",
    "CqrsError",
    "Event",
    "InvalidCommandError",
    "LagRun",
    "Line",
    "Order",
    "OrderNotFoundError",
    "apply",
    "decide",
    "fold",
    "parse_command",
    "run_batching_schedule",
]
