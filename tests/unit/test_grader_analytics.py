"""The class analytics' and gradebooks' pure logic: fingerprints, similar pairs and their groups, an
exercise's status, the lateness of a submission."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from exercises.grader.analytics import (
    SimilarPair,
    class_report,
    exercise_status,
    fingerprints,
    groups,
    similar_pairs,
)
from exercises.grader.roster import lateness, parse_time, with_lateness

ORIGINAL = '''
def total(prices, tax):
    """Sum with tax."""
    result = 0
    for price in prices:
        result += price * (1 + tax)
    return round(result, 2)
'''
RENAMED = """
def total(amounts, rate):  # my own work, honest
    s = 0
    for a in amounts:
        s += a * (1 + rate)

    return round(s, 2)
"""
OTHER = """
def total(prices, tax):
    return round(sum(prices) * (1 + tax), 2)
"""


def test_renaming_commenting_and_blank_lines_leave_the_fingerprints_unchanged():
    assert fingerprints(ORIGINAL) == fingerprints(RENAMED)
    assert fingerprints(ORIGINAL) != fingerprints(OTHER)


def test_similar_pairs_leave_out_the_template_and_different_code():
    pairs = similar_pairs("x", {"a": ORIGINAL, "b": RENAMED, "c": OTHER, "d": OTHER}, template=OTHER)
    assert pairs == [SimilarPair("x", "a", "b", 1.0)]  # c and d are only the template: nothing to compare


def test_pairs_join_into_groups_per_exercise_largest_first():
    pairs = [
        SimilarPair("x", "a", "b", 1.0),
        SimilarPair("x", "b", "c", 0.9),
        SimilarPair("y", "a", "d", 0.8),
    ]
    assert groups(pairs) == [("x", ["a", "b", "c"]), ("y", ["a", "d"])]


@pytest.mark.parametrize(
    ("record", "tests", "expected"),
    [
        ({"status": "passed"}, [{"status": "passed"}], "passed"),
        ({"status": "missing"}, [{"status": "failed"}], "missing"),
        ({"status": "graded"}, [{"status": "passed"}, {"status": "timeout"}], "timeout"),
        ({"status": "graded"}, [{"status": "timeout"}, {"status": "crashed"}], "crashed"),
        ({"status": "graded"}, [{"status": "passed"}, {"status": "failed"}], "failed"),
    ],
)
def test_an_exercise_status_is_its_worst_test(record, tests, expected):
    assert exercise_status(record, tests) == expected


def _result(name, score, statuses):
    return {
        "extra_data": {
            "submission": name,
            "seconds": score + 1.0,
            "exercises": {"e": {"score": score, "max_score": 2, "status": "graded"}},
            "tests": [
                {
                    "exercise": "e",
                    "name": f"t{i}",
                    "status": s,
                    "message": "called f()\n  got: 1\n  expected: 2",
                }
                for i, s in enumerate(statuses)
            ],
        }
    }


def test_class_report_orders_tests_hardest_first_with_the_common_failure():
    report = class_report([_result("a", 1, ["passed", "failed"]), _result("b", 0, ["failed", "failed"])])
    assert [(t.name, t.passed, t.runs) for t in report.tests] == [("t1", 0, 2), ("t0", 1, 2)]
    assert report.tests[0].common_failure == "got: 1; expected: 2"
    assert report.slowest(1) == [("a", 2.0)]


def test_lateness_counts_started_days_and_caps_the_penalty():
    deadline = parse_time("2026-12-01T12:00:00")  # no zone: UTC
    assert deadline.tzinfo is UTC
    on_time = lateness(deadline, "manifest", deadline, 0.1)
    assert (on_time.days_late, on_time.penalty) == (0, 0.0)
    a_minute = lateness(deadline + timedelta(minutes=1), "manifest", deadline, 0.1)
    assert (a_minute.days_late, a_minute.penalty) == (1, 0.1)
    capped = lateness(deadline + timedelta(days=9), "file times", deadline, 0.1, cap=0.5)
    assert (capped.days_late, capped.penalty) == (9, 0.5)
    assert lateness(None, "", deadline, 0.1).submitted_at == ""


def test_with_lateness_adds_the_columns_and_the_final_mark():
    late = {
        "a": lateness(datetime(2026, 12, 3, tzinfo=UTC), "manifest", datetime(2026, 12, 1, tzinfo=UTC), 0.25)
    }
    text = with_lateness("\ufeffsubmission,e,total,max,status\na,8,8,10,graded\nb,4,4,10,graded\n", late)
    assert text.splitlines() == [
        "\ufeffsubmission,e,total,max,status,submitted_at,days_late,late_penalty,final",
        "a,8,8,10,graded,2026-12-03T00:00:00+00:00,2,0.5,4",
        "b,4,4,10,graded,,,,4",
    ]
