"""What grades look like: grades.csv for Excel, unique test numbers across exercises, feedback that
follows each test's visibility, a recorded grade read back whole, task titles and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from exercises.grader.cli import _slug
from exercises.grader.engine import COURSE_ROOT
from exercises.grader.model import ExerciseError, Grade, grade_html, load_exercise
from exercises.grader.model import TestResult as Result
from exercises.grader.reports import (
    BOM,
    GradedExercise,
    feedback_markdown,
    graded_from_results,
    grades_csv,
    results_json,
)

pytestmark = pytest.mark.unit

FAAS = load_exercise(COURSE_ROOT / "exercises" / "faas")
COLD = load_exercise(COURSE_ROOT / "exercises" / "cold_starts")
SECRET = "called save(users=[{'email': 'hidden@example.com'}])\n  expected: stored = 1"


def graded(exercise, submission="zoë") -> GradedExercise:
    grade = Grade(exercise.slug, submission, isolation="bubblewrap", seconds=1.5)
    grade.task_titles = {task.number: task.title for task in exercise.tasks}
    grade.results = [
        Result("public one", 1, 1.0, 1.0, "passed", "", False, 0.1),
        Result("public two", 2, 0.0, 1.0, "failed", "called parse(body='x')\n  expected: 400", False, 0.2),
        Result("hidden one", 2, 0.0, 1.0, "failed", SECRET, True, 0.3, "printed\n"),
    ]
    return GradedExercise(exercise, grade, "graded", "f" * 64, "e" * 64)


def test_grades_csv_starts_with_a_bom_and_keeps_unicode_names():
    results = [results_json("zoë-ñandú", [graded(FAAS, "zoë-ñandú")], 1.0)]
    text = grades_csv(results, ["faas"])
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"))))
    assert rows == [["submission", "faas", "total", "max", "status"], ["zoë-ñandú", "1", "1", "3", "graded"]]


def test_a_submission_that_disappeared_keeps_its_row_marked_gone():
    results = [results_json("bob", [graded(FAAS, "bob")], 1.0)]
    rows = list(csv.reader(io.StringIO(grades_csv(results, ["faas"], gone=["bob"]).lstrip(BOM))))
    assert rows[1][-1] == "gone"


def test_test_numbers_are_unique_in_a_combined_results_json():
    data = results_json("zoë", [graded(COLD), graded(FAAS)], 3.0)
    numbers = [test["number"] for test in data["tests"]]
    assert numbers == ["1.1.1", "1.2.1", "1.2.2", "2.1.1", "2.2.1", "2.2.2"]
    alone = results_json("zoë", [graded(FAAS)], 1.0)
    assert [test["number"] for test in alone["tests"]] == ["1.1", "2.1", "2.2"]


def test_feedback_hides_hidden_tests_calls_and_expected_values_unless_shown():
    item = graded(FAAS)
    hidden = feedback_markdown("zoë", [item])
    assert "hidden@example.com" not in hidden
    assert "printed" not in hidden
    assert "- **FAILED**: hidden one *(hidden test)*" in hidden
    assert "not shown until the instructor publishes it" in hidden
    assert "expected: 400" in hidden  # a public test's message is shown
    shown = feedback_markdown("zoë", [item], show_hidden=True)
    assert "hidden@example.com" in shown
    assert "printed" in shown


def test_a_sandbox_fallback_heads_the_feedback_and_the_gradescope_output():
    warning = "WARNING: the learner's code ran WITHOUT the bubblewrap sandbox (test)"
    assert f"> **{warning}**" in feedback_markdown("zoë", [graded(FAAS)], warning=warning)
    data = results_json("zoë", [graded(FAAS)], 1.0, warning=warning)
    assert data["output"].splitlines()[0] == warning
    assert data["extra_data"]["warning"] == warning


def test_a_recorded_grade_reads_back_whole():
    items = [graded(COLD), graded(FAAS)]
    data = json.loads(json.dumps(results_json("zoë", items, 3.0)))
    for item in items:
        back = graded_from_results(data, item.exercise)
        assert back == item
    assert graded_from_results({"extra_data": {"exercises": {}}}, FAAS) is None
    assert graded_from_results({"score": 1}, FAAS) is None


def test_the_notebook_table_shows_task_titles_for_hyphenated_exercises():
    page = grade_html(graded(COLD).grade)
    assert f"1. {COLD.tasks[0].title}" in page
    assert "Task 1" not in page


def test_an_unknown_exercise_is_one_line_with_a_suggestion():
    with pytest.raises(ExerciseError) as caught:
        _slug("cold-start")
    assert str(caught.value).startswith(
        "unknown exercise 'cold-start'; did you mean 'cold-starts'? (available: "
    )
    assert caught.value._render_traceback_() == [f"ExerciseError: {caught.value}"]
    with pytest.raises(ExerciseError, match=r"^unknown exercise 'nope'; available: "):
        _slug("nope")


def test_check_in_ipython_shows_the_error_in_one_line_not_a_traceback():
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "InteractiveShell.instance().run_cell('from exercises import check\\ncheck(\"fass\")')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=COURSE_ROOT,
    )
    shown = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    assert len(shown) == 1, shown
    assert shown[0].startswith("ExerciseError: unknown exercise 'fass'; did you mean 'faas'?")
