"""``python -m patterns.event_driven`` runs the demonstration against moto and prints what it measured."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_event_driven_demonstration_runs_and_reports_what_it_measured() -> None:
    result = demonstration("event_driven")
    out = result.stdout
    assert "consumers via lambda" in out
    assert re.search(r"PaymentFailed from orders +orders +PaymentFailed +notify-seed, audit\n", out)
    assert re.search(r"test order 5000 +test +OrderCreated +\(nobody\)", out)
    assert "8 events put, 19 deliveries" in out
    assert "Invalid event: not valid JSON" in out
    assert "rule accepted True, a US event delivered True" in out
    assert "5 uploads of 20 orders: 100 orders stored, 5 emails" in out
    total = re.search(r"total: \$([0-9.]+) per 10,000 uploads", out)
    assert total is not None
    assert float(total.group(1)) > 0
    assert "order ids random         : orders stored 2, messages sent 6, 6 in the FIFO queue" in out
    assert "order ids idempotency-key: orders stored 1, messages sent 6, 3 in the FIFO queue" in out
    assert "5 invoiced, 4 in Lambda's on-failure queue, 1 in the target DLQ; lost 0" in out
    assert "'EXHAUSTED_RETRY_CONDITION': 'MaximumEventAgeInSeconds'" in out
    assert "COMPLETED, 6 events replayed; after it 10 invoices for 10 orders" in out
    assert "Who did what" in out
