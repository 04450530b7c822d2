"""The CQRS exercise's grader cannot be fooled: imitations of bools, lists and dicts score nothing."""

import pytest

from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor]


def test_cqrs_imitations_score_nothing(tmp_path):
    result = imitating(
        "cqrs",
        "event_store.py",
        """
        _append, _project = append_event, project


        def append_event(dynamodb, table_name, event):
            return int(_append(dynamodb, table_name, event))  # 1 and 0: equal to True and False, not bools


        def project(dynamodb, view_table, event):
            return EqualToEverything() if _project(dynamodb, view_table, event) else FakeInt(0)
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "an int, expected a bool", "(bools)", "bools with exactly one True")
    zero_with(by_task(result, 2), "not plain JSON data", "imitates", "bools with exactly one True")
