"""SNS's retry schedule for AWS-managed endpoints, as the lab runs it (patterns.lab.sns_delivery)."""

from __future__ import annotations

import itertools

import pytest

from patterns.lab import limits, pricing
from patterns.lab.exceptions import PricingError
from patterns.lab.sns_delivery import retry_schedule


def test_the_schedule_has_the_documented_phases_and_length() -> None:
    schedule = list(retry_schedule())
    assert len(schedule) == sum(phase[1] for phase in limits.SNS_MANAGED_ENDPOINT_RETRY_PHASES) == 100_015
    counts = {name: sum(1 for _ in group) for name, group in itertools.groupby(p for p, _ in schedule)}
    assert counts == {"immediate": 3, "pre-backoff": 2, "backoff": 10, "post-backoff": 100_000}
    assert [d for _, d in schedule[:5]] == [0.0, 0.0, 0.0, 1.0, 1.0]


def test_backoff_grows_from_one_to_twenty_seconds_then_stays_at_twenty() -> None:
    backoff = [d for p, d in retry_schedule() if p == "backoff"]
    assert backoff[0] == pytest.approx(1.0)
    assert backoff[-1] == pytest.approx(20.0)
    assert all(a < b for a, b in itertools.pairwise(backoff))
    ratios = {round(b / a, 9) for a, b in itertools.pairwise(backoff)}
    assert len(ratios) == 1  # exponential: a constant ratio
    total_days = sum(d for _, d in retry_schedule()) / 86_400
    assert 23 < total_days < 23.2  # "over 23 days"


def test_a_custom_policy_is_followed() -> None:
    assert list(retry_schedule((("only", 2, 5.0, 5.0),))) == [("only", 5.0), ("only", 5.0)]
    assert list(retry_schedule((("one", 1, 3.0, 9.0),))) == [("one", 3.0)]


def test_deliveries_to_sqs_and_lambda_are_free_in_the_price_table() -> None:
    assert pricing.sns_delivery_cost(1_000_000) == 0.0
    row = next(r for r in pricing.price_table() if r.item == "deliveries to SQS and Lambda")
    assert row.unconfirmed
    with pytest.raises(PricingError, match="deliveries"):
        pricing.sns_delivery_cost(-1)
