"""SLOW (about 2-3 minutes on two loaded cores): the class of 30 mixed submissions of
``tests/fixtures/classroom.py`` graded as an instructor would, twice, with two workers. Every learner
gets what their work deserves, nothing they started is left running, a changed submission is
regraded and named, and a second full run gives the same scores."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from exercises.grader.cli import main
from tests.fixtures.classroom import BACKGROUND_MARKER, EXERCISES, write_classroom

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-classroom")]

COLUMNS = {"cold-starts": 1, "faas": 2}
MAX = {"cold-starts": 16, "faas": 18}


def grade(submissions: Path, out: Path, *extra: str) -> tuple[int, str, str, float]:
    stdout, stderr = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    arguments = ["grade", str(submissions), "--out", str(out), "--jobs", "2"]
    for slug in EXERCISES:
        arguments += ["--exercise", slug]
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main([*arguments, *extra])
    return status, stdout.getvalue(), stderr.getvalue(), time.perf_counter() - started


def table(out: Path) -> dict[str, list[str]]:
    with (out / "grades.csv").open(encoding="utf-8-sig") as handle:
        return {row[0]: row for row in csv.reader(handle)}


def running_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{entry}/status").read_text()
                if (
                    marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes()
                    and "State:\tZ" not in status
                ):
                    found.append(int(entry))
    return found


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    root = tmp_path_factory.mktemp("classroom")
    expected = write_classroom(root / "submissions")
    status, stdout, stderr, seconds = grade(root / "submissions", root / "grades")
    print(f"\nclass of {len(expected)}: first run {seconds:.1f} s")
    return {"root": root, "expected": expected, "status": status, "stdout": stdout, "stderr": stderr}


def test_the_class_of_30_grades_as_each_submission_deserves(classroom):
    assert classroom["status"] == 0, classroom["stdout"] + classroom["stderr"]
    assert len(classroom["expected"]) == 30
    out = classroom["root"] / "grades"
    rows = table(out)
    assert set(rows) - {"submission"} == set(classroom["expected"])
    for name, expected in classroom["expected"].items():
        data = json.loads((out / name / "results.json").read_text(encoding="utf-8"))
        for slug, marks in (("faas", expected.faas), ("cold-starts", expected.cold)):
            score = float(rows[name][COLUMNS[slug]])
            where = f"{name} {slug}: {score:g}/{MAX[slug]}"
            if marks == "full":
                assert score == MAX[slug], where
            elif marks == "zero":
                assert score == 0, where
            else:
                assert 0 < score < MAX[slug], where
            record = data["extra_data"]["exercises"][slug]
            if slug in expected.status:
                assert record["status"] == expected.status[slug], where
            if slug in expected.says:
                messages = [record["message"]] + [
                    t["message"] for t in data["extra_data"]["tests"] if t["exercise"] == slug
                ]
                assert any(expected.says[slug] in m for m in messages), (where, messages[:3])
    assert [
        n for n in (out / "zoë-ñandú" / "feedback.md").read_text().splitlines() if n.startswith("# ")
    ] == ["# Feedback for zoë-ñandú"]


def test_nothing_a_submission_started_is_left_running(classroom):
    assert classroom["status"] == 0
    assert running_with(BACKGROUND_MARKER) == []


def test_an_endless_import_costs_one_test_not_eighteen(classroom):
    data = json.loads((classroom["root"] / "grades" / "s05-endless-import" / "results.json").read_text())
    faas = [t for t in data["extra_data"]["tests"] if t["exercise"] == "faas"]
    assert sum("never finished (reported once" in t["message"] for t in faas) == len(faas) - 1
    assert data["extra_data"]["exercises"]["faas"]["seconds"] < 60


def test_no_stale_grade_and_the_same_scores_on_a_second_run(classroom):
    root = classroom["root"]
    submissions, out = root / "submissions", root / "grades"
    first = table(out)
    # a learner hands in again: only that learner is regraded, and the run says why
    shutil.copyfile(
        submissions / "s01-solution" / "faas" / "registration.py",
        submissions / "s02-stub" / "faas" / "registration.py",
    )
    status, stdout, stderr, seconds = grade(submissions, out)
    assert status == 0
    assert "s02-stub: faas changed since it was graded; regrading it" in stderr
    assert "graded 1 submission(s), skipped 29" in stdout
    again = table(out)
    assert again["s02-stub"][COLUMNS["faas"]] == "18"
    assert {n: r for n, r in again.items() if n != "s02-stub"} == {
        n: r for n, r in first.items() if n != "s02-stub"
    }
    # everything again, from scratch: the same scores
    status, stdout, stderr, seconds = grade(submissions, out, "--force")
    print(f"class of 30: second run (--force) {seconds:.1f} s")
    assert status == 0
    assert "graded 30 submission(s), skipped 0" in stdout
    assert table(out) == again
    assert running_with(BACKGROUND_MARKER) == []
