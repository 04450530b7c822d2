"""The event-driven exercise grades honestly: event patterns that only imitate a dict, or hold an
imitation of a list or a str, score nothing, even when the rule they make routes exactly the right
events."""

import pytest

from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]


def test_event_driven_imitations_score_nothing(tmp_path):
    result = imitating(
        "event_driven",
        "routing.py",
        """
        _refund, _priority, _alert = refund_pattern, priority_pattern, alert_pattern


        def refund_pattern():
            return FakeDict(_refund())  # equal to every pattern, not a dict


        def priority_pattern():
            pattern = _priority()
            return {**pattern, "$or": FakeList(pattern["$or"])}  # routes right; the list is an imitation


        def alert_pattern():
            pattern = _alert()
            return {**pattern, "source": [{"prefix": FakeStr("shop.")}]}  # routes right; the str is not one
        """,
        tmp_path,
    )
    # Every test of every task calls its task's function and looks at the pattern it returned: none is
    # left out (no test of this exercise expects an exception).
    zero_with(by_task(result, 1), "a dict (an event pattern)")
    zero_with(by_task(result, 2), "imitates a list")
    zero_with(by_task(result, 3), "imitates a str")
