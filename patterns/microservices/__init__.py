"""Pattern 12 - Microservices integration: services that own their data and talk by events.

**Intent.** Split the seeds' order system into services (orders, inventory, customers) that each own
their data and their API, deploy and fail on their own, and learn about each other only from events.

**Problem.** Functions that read each other's tables or call each other synchronously are one system
in disguise: a schema change in one breaks the others, and when one is down, every caller is down.

**Solution.**

* database per service: each service its own DynamoDB table(s) and functions; no other service reads
  them. Each its own routes on the API front door;
* events on one EventBridge bus; each consumer has its own SQS queue (a rule per consumer) and dead-letter
  queue, so a consumer that is down leaves events waiting, not lost;
* a local read copy: orders keeps the customer fields it needs, updated by ``CustomerRegistered`` /
  ``CustomerUpdated`` (applied only when newer, by version), and decides orders without asking customers;
  the price is staleness, measured;
* seed 000's Google Cloud Function + Firestore + Cloud Tasks user service runs here as the customers
  service: Lambda behind the front door, DynamoDB, EventBridge Scheduler ``at()`` schedules.

**Where it runs here.** EventBridge delivers to SQS inside moto; the lab's SQS poller drives the
consumers and Scheduler's schedules on the virtual clock; requests come through the lab's front door.

**Layers.** :mod:`.handlers` (thin) -> :mod:`.service` (rules, contracts, measures; no boto3) ->
:mod:`.adapters` (DynamoDB, EventBridge, SQS, Scheduler; deployment of both designs).
"""

from patterns.microservices.exceptions import (
    ContractError,
    DuplicateEmailError,
    InvalidRequestError,
    MicroserviceError,
    NotFoundError,
    OrderRefusedError,
    ServiceDownError,
)
from patterns.microservices.service import (
    CONTRACTS,
    SERVICES,
    CustomerCopy,
    check_contract,
    copy_from_event,
    decide_order,
    should_apply,
)

__all__ = [
    "CONTRACTS",
    "SERVICES",
    "ContractError",
    "CustomerCopy",
    "DuplicateEmailError",
    "InvalidRequestError",
    "MicroserviceError",
    "NotFoundError",
    "OrderRefusedError",
    "ServiceDownError",
    "check_contract",
    "copy_from_event",
    "decide_order",
    "should_apply",
]
