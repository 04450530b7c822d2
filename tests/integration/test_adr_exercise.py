"""The adr exercise graded end to end: the stub, the reference solution and edited copies of it."""

import shutil
from pathlib import Path

import pytest

from exercises.grader.engine import Isolation, choose_isolation, grade_submission
from exercises.grader.model import load_exercise

pytestmark = [pytest.mark.integration, pytest.mark.instructor]

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = load_exercise(ROOT / "exercises" / "adr")
SOLUTION = EXERCISE.solution_dir / "decision.md"


def submit(tmp_path, text):
    (tmp_path / "decision.md").write_text(text)
    return grade_submission(EXERCISE, tmp_path, include_hidden=True)


def failed(grade):
    return {r.name: r.message for r in grade.results if r.status != "passed"}


def test_the_stub_scores_nothing_and_says_what_is_missing():
    grade = grade_submission(EXERCISE, EXERCISE.root, include_hidden=True)
    assert grade.error is None
    assert grade.score == 0
    assert grade.max_score == 19
    assert len(grade.results) == 17
    assert sum(r.hidden for r in grade.results) == EXERCISE.hidden_test_count == 7
    assert {r.status for r in grade.results} == {"failed"}
    messages = {r.name: r.message for r in grade.results}
    assert (
        'the title is still the template\'s: "# N. Imperative title"'
        in messages["the title is '# <number>. <imperative title>'"]
    )
    assert "the Status line (line 3) is still the template's hint" in messages["there is a Status line"]
    assert (
        'section "## Context" is still the template\'s hint'
        in messages["a Context section in your own words"]
    )
    assert (
        'section "## Considered options" is still the template\'s hint'
        in messages["a Considered options section with at least two options"]
    )
    assert 'line 1: "# N. Imperative title"' in messages["no placeholder text of the template is left"]
    for message in messages.values():
        assert message.startswith("called read(file='decision.md')\n  got:      ")
        assert "\n  expected: " in message


@pytest.mark.parametrize("isolation", ["auto", "process"])
def test_the_solution_scores_full_marks(isolation, tmp_path):
    shutil.copyfile(SOLUTION, tmp_path / "decision.md")
    chosen = choose_isolation() if isolation == "auto" else Isolation("process")
    grade = grade_submission(EXERCISE, tmp_path, include_hidden=True, isolation=chosen)
    assert failed(grade) == {}
    assert grade.score == grade.max_score == 19
    assert grade.status == "passed"


def test_without_hidden_tests_only_the_public_criteria_are_graded(tmp_path):
    shutil.copyfile(SOLUTION, tmp_path / "decision.md")
    grade = grade_submission(EXERCISE, tmp_path, include_hidden=False)
    assert (grade.score, grade.max_score, grade.hidden_not_run) == (10, 10, 7)


def test_an_edited_solution_loses_exactly_the_criteria_it_breaks(tmp_path):
    edits = {
        "- Status: accepted": "- Status: done",
        "- Date: 2026-11-22": "- Date: _YYYY-MM-DD_",
        "Option 2, the fan-out": "The fan-out",
        "a quarter of option 3": "a quarter as much",
    }
    text = SOLUTION.read_text()
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    grade = submit(tmp_path, text)
    assert set(failed(grade)) == {
        "there is a Date line",
        "the status is proposed, accepted, rejected, deprecated or superseded",
        "the date is a real ISO date, YYYY-MM-DD",
        "the decision names one of the considered options",
        "no placeholder text of the template is left",
    }
    assert grade.score == 19 - 6
    status = failed(grade)["the status is proposed, accepted, rejected, deprecated or superseded"]
    assert 'got:      "Status: done"' in status


def test_consequences_without_numbers_or_downsides_lose_those_points(tmp_path):
    head, _ = SOLUTION.read_text().split("## Consequences\n")
    grade = submit(tmp_path, head + "## Consequences\nThe export will be fine.\n")
    assert sorted(failed(grade)) == [
        "the consequences give a number with a unit",
        "the consequences name at least one downside",
    ]
    assert grade.score == 17


def test_a_missing_file_is_an_error_for_every_test(tmp_path):
    grade = grade_submission(EXERCISE, tmp_path, include_hidden=True)
    assert grade.error is not None
    assert "no decision.md" in grade.error
    assert grade.score == 0
    assert {r.status for r in grade.results} == {"error"}


def test_a_file_that_is_not_utf8_is_still_read(tmp_path):
    (tmp_path / "decision.md").write_bytes(SOLUTION.read_bytes().replace(b"Fan the", b"Fan \xff the"))
    grade = grade_submission(EXERCISE, tmp_path, include_hidden=True)
    assert failed(grade) == {}


# --- The published rubric -----------------------------------------------------------------------
def _rubric_rows():
    rows = []
    for line in (EXERCISE.root / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].isdigit():
            rows.append((cells[1], float(cells[2]), int(cells[3]), cells[4]))
    return rows


def test_the_readme_rubric_is_the_tests():
    exercise = EXERCISE
    public, hidden = exercise.public_tests(), exercise.hidden_tests()
    assert hidden is not None
    graded = [(t.name, t.points, t.task, "public") for t in public] + [
        (t.name, t.points, t.task, "hidden") for t in hidden
    ]
    assert _rubric_rows() == graded
    assert exercise.hidden_test_count == len(hidden)
    assert exercise.kind == "document"
    assert exercise.files == ("decision.md",)
    total = sum(t.points for t in public + hidden)
    assert (
        f"{total:g} points in all: {sum(t.points for t in public):g} from public tests"
        in (EXERCISE.root / "README.md").read_text()
    )
