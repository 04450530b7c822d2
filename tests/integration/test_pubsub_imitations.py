"""The pubsub exercise grades honestly: subscription attributes that only imitate a dict of strings score
nothing, whether the test reads them back or subscribes a queue with them."""

import pytest

from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]


def test_pubsub_imitations_score_nothing(tmp_path):
    result = imitating(
        "pubsub",
        "policies.py",
        """
        _billing, _fraud, _loyalty = billing_subscription, fraud_subscription, loyalty_subscription


        def _imitation(attributes):  # the right keys and texts, in a dict subclass of str subclasses
            return FakeDict({key: FakeStr(value) for key, value in attributes.items()})


        def billing_subscription():
            return _imitation(_billing())


        def fraud_subscription():
            return _imitation(_fraud())


        def loyalty_subscription():
            return _imitation(_loyalty())
        """,
        tmp_path,
    )
    # Every test of every task calls its function and sees what it returns: none is left out.
    for task in (1, 2, 3):
        zero_with(by_task(result, task), "imitates a dict", "imitates a str")
