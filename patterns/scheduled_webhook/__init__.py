"""Pattern 11 - Scheduled jobs and webhooks: work that starts on a clock, and work that starts on a call.

**Intent.** Run a job on a schedule (EventBridge Scheduler: ``cron()``, ``rate()``, one-time ``at()``, in a
time zone, optionally inside a flexible window), and accept events other systems push to us over HTTP.

**Problem.** Scheduled fires are delivered *at least once* and a run can outlast its interval, so a naive
job runs twice. Time zones have a missing and a repeated hour each year. A webhook endpoint is a public
URL: anyone can post to it, replay a captured request, or send a huge body; and a receiver that does the
work before answering times the sender out, which then retries.

**Solution.**

* next fire times from the lab's parser (:mod:`patterns.lab.schedules`), Scheduler's daylight-saving
  rules (a missing wall time is skipped, a repeated one fires once);
* the job claims its run (job, scheduled time) with a conditional write - a duplicate fire does nothing -
  then takes a lock that is a *lease* (a conditional write with an expiry): a run still going makes the
  next fire skip, a run that died is taken over when its lease ends; the run's end is a one-time
  ``at()`` schedule;
* the receiver (behind the lab's front door) checks the size, the timestamp window and an HMAC-SHA256
  signature over ``"{timestamp}.{body}"`` in constant time, refuses replayed ids (a seen-ids table with
  TTL), puts the event on SQS and answers 202; the processor applies each event once;
* the sender signs every attempt and retries 429/5xx with capped exponential backoff and full jitter.

**Layers.** :mod:`.handlers` -> :mod:`.service` (no boto3) -> :mod:`.adapters` (DynamoDB, SQS, Scheduler).
"""

from patterns.scheduled_webhook.exceptions import ScheduledWebhookError, WebhookRejected
from patterns.scheduled_webhook.service import (
    Acquired,
    Delivery,
    JobRunner,
    RetryPolicy,
    WebhookReceiver,
    WebhookSender,
    sign,
    signed_headers,
    verify,
)

__all__ = [
    "Acquired",
    "Delivery",
    "JobRunner",
    "RetryPolicy",
    "ScheduledWebhookError",
    "WebhookReceiver",
    "WebhookRejected",
    "WebhookSender",
    "sign",
    "signed_headers",
    "verify",
]
