"""The queue-batching exercise's public expected figures agree with the hidden reference computation."""

import pytest

from exercises.grader.model import Outcome, load_exercise
from exercises.queue_batching import checks
from exercises.queue_batching.hidden.expected import expected_cost
from patterns.lab.course import COURSE_ROOT

pytestmark = [pytest.mark.unit, pytest.mark.instructor]

EXERCISE = load_exercise(COURSE_ROOT / "exercises" / "queue_batching")


@pytest.mark.parametrize("test", [t for t in EXERCISE.public_tests() if t.task == 2], ids=lambda t: t.name)
def test_the_public_cost_figures_are_the_reference_computation(test):
    figures = expected_cost(**test.args)
    test.check(Outcome({"returned": figures}, "cost_per_million(...)"))


def test_a_figure_off_by_one_request_fails_the_check():
    figures = expected_cost(10, 5.0, 20.0, 128)
    with pytest.raises(AssertionError, match="sqs_requests = 300000"):
        checks.costs(figures)(Outcome({"returned": {**figures, "sqs_requests": 300_001}}, "cost"))
