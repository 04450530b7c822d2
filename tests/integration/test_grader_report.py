"""``python -m exercises report``: the class analytics of a small graded class (faas only, five learners:
a solution, the same solution renamed and commented, the stub, a partial answer, nothing)."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path

import pytest

from exercises.grader.cli import main
from tests.fixtures.classroom import FAAS

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-report")]


def run(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(list(arguments))
    return status, stdout.getvalue(), stderr.getvalue()


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    solution = (FAAS / "solution" / "registration.py").read_text()
    renamed = (
        solution.replace("    problems = []", "    # what is wrong\n    found = []")
        .replace("problems.append(", "found.append(")
        .replace(
            "    if problems:\n        raise InvalidRegistration(problems)",
            "    if found:\n        raise InvalidRegistration(found)",
        )
    )
    assert renamed != solution
    learners = {
        "a-solution": solution,
        "b-renamed": renamed,
        "c-stub": (FAAS / "registration.py").read_text(),
        "d-partial": solution + "\n\ndef save_user(table_name, user):\n    return True\n",
    }
    for name, text in learners.items():
        (root / "class" / name / "faas").mkdir(parents=True)
        (root / "class" / name / "faas" / "registration.py").write_text(text)
    (root / "class" / "e-nothing").mkdir()
    status, _, stderr = run(
        "grade", str(root / "class"), "--out", str(root / "grades"), "--exercise", "faas", "--jobs", "2"
    )
    assert status == 0, stderr
    status, stdout, stderr = run(
        "report", str(root / "grades"), "--out", str(root / "report"), "--submissions", str(root / "class")
    )
    assert status == 0, stderr
    return root / "report", stdout


def test_the_html_report_is_self_contained_with_embedded_plots(reported):
    out, _ = reported
    page = (out / "report.html").read_text()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) >= 3  # the exercise's histogram and statuses, the tests, the timing
    assert all(len(image) > 1000 for image in images)
    assert not re.search(r'(src|href)="(https?:|/|\.\./)', page), "the report must not load anything"


def test_statuses_and_scores_per_exercise(reported):
    out, stdout = reported
    (faas,) = rows(out / "exercises.csv")
    assert faas["exercise"] == "faas"
    assert faas["submissions"] == "5"
    assert (faas["passed"], faas["failed"], faas["missing"], faas["timeout"], faas["error"]) == (
        "2",
        "2",
        "1",
        "0",
        "0",
    )
    assert "faas: passed 2, failed 2, missing 1" in stdout


def test_tests_are_listed_hardest_first_with_the_commonest_failure(reported):
    out, stdout = reported
    tests = rows(out / "tests.csv")
    rates = [float(t["pass_rate"]) for t in tests]
    assert rates == sorted(rates)
    hardest = tests[0]
    # the missing submission is not counted: its tests never ran on learner code
    assert (hardest["runs"], hardest["passed"]) == ("4", "2")
    # the stub and the partial answer fail it differently: each message once, the call left out
    assert hardest["times"] == "1"
    assert hardest["most_common_failure"].startswith(("not implemented yet", "got:"))
    assert not hardest["most_common_failure"].startswith("called ")
    assert "hardest test: faas:" in stdout


def test_renamed_copies_are_listed_alike_and_the_stub_is_not(reported):
    out, stdout = reported
    pairs = {(p["first"], p["second"]): float(p["similarity"]) for p in rows(out / "similar.csv")}
    assert pairs[("a-solution", "b-renamed")] == 1.0
    assert not any("c-stub" in pair for pair in pairs)
    assert "never penalised" in stdout


def test_grading_time_per_submission_slowest_first(reported):
    out, _ = reported
    timing = rows(out / "timing.csv")
    assert sorted(t["submission"] for t in timing) == [
        "a-solution",
        "b-renamed",
        "c-stub",
        "d-partial",
        "e-nothing",
    ]
    seconds = [float(t["seconds"]) for t in timing]
    assert seconds == sorted(seconds, reverse=True)
    assert seconds[0] > 0


def test_a_folder_without_grades_is_a_one_line_error(tmp_path):
    status, _, stderr = run("report", str(tmp_path), "--out", str(tmp_path / "report"))
    assert status == 2
    assert "grade the class first" in stderr
