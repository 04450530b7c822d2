"""``grade --roster --deadline --late-penalty``: who handed nothing in, who is not on the roster, the
lateness columns of grades.csv and the Canvas gradebook CSV beside it (faas only, three learners)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from exercises.grader.cli import main
from exercises.grader.roster import CANVAS_COLUMNS
from tests.fixtures.canvas_importer import StudentRow, read_like_canvas
from tests.fixtures.classroom import FAAS

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-roster")]

DEADLINE = "2026-11-30T23:59:00+00:00"
ROSTER = (
    "submission,student_id,name,section\n"
    'r1,1001,"Lovelace, Ada",Mon\n'  # Canvas matches a name as "First Last" or "Last, First"
    "r2,1002,Zoë Ñandú,Tue\n"
    "ghost,1003,Grace Hopper,Mon\n"
)
FAAS_COLUMN = "Pattern 01: FaaS (4312)"  # as Canvas's gradebook export heads the assignment's column


def run(*arguments: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(list(arguments))
    return status, stdout.getvalue(), stderr.getvalue()


def put(folder: Path, text: str, submitted_at: str | None = None) -> None:
    (folder / "faas").mkdir(parents=True)
    (folder / "faas" / "registration.py").write_text(text)
    if submitted_at:
        (folder / "manifest.json").write_text(json.dumps({"submitted_at": submitted_at}))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("roster")
    solution = (FAAS / "solution" / "registration.py").read_text()
    put(
        root / "class" / "r1",
        solution + "\n\ndef save_user(table_name, user):\n    return True\n",
        "2026-11-30T23:00:00+00:00",
    )  # partial, on time
    put(root / "class" / "r2", solution, "2026-12-03T10:00:00Z")  # full marks, 3 started days late
    put(root / "class" / "r3", (FAAS / "registration.py").read_text())  # the stub; no manifest
    early = datetime(2026, 11, 29, tzinfo=UTC).timestamp()
    os.utime(root / "class" / "r3" / "faas" / "registration.py", (early, early))
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (root / "assignments.csv").write_text(f"exercise,assignment\nfaas,{FAAS_COLUMN}\n", encoding="utf-8")
    status, _stdout, stderr = run(
        "grade",
        str(root / "class"),
        "--out",
        str(root / "grades"),
        "--exercise",
        "faas",
        "--jobs",
        "2",
        "--roster",
        str(root / "roster.csv"),
        "--deadline",
        DEADLINE,
        "--late-penalty",
        "10",
        "--canvas-assignments",
        str(root / "assignments.csv"),
    )
    assert status == 0, stderr
    return root, stderr


def table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def test_roster_students_without_a_submission_and_strangers_are_named(graded):
    _, stderr = graded
    assert "on the roster, no submission: ghost (Grace Hopper)" in stderr
    assert "submitted, not on the roster: r3" in stderr


def test_grades_csv_shows_the_submission_time_and_the_late_penalty(graded):
    root, stderr = graded
    rows = {
        row[0]: dict(zip(table(root / "grades" / "grades.csv")[0], row, strict=False))
        for row in table(root / "grades" / "grades.csv")[1:]
    }
    assert (rows["r1"]["submitted_at"], rows["r1"]["days_late"], rows["r1"]["late_penalty"]) == (
        "2026-11-30T23:00:00+00:00",
        "0",
        "0",
    )
    assert rows["r1"]["final"] == rows["r1"]["total"]
    assert (rows["r2"]["days_late"], rows["r2"]["late_penalty"], rows["r2"]["total"]) == ("3", "0.3", "18")
    assert rows["r2"]["final"] == "12.6"
    # no manifest: the files' modification time, before the deadline
    assert rows["r3"]["submitted_at"] == "2026-11-29T00:00:00+00:00"
    assert rows["r3"]["days_late"] == "0"
    assert "1 submission(s) late" in stderr


def test_the_canvas_csv_has_canvas_columns_roster_identities_and_penalised_scores(graded):
    root, _ = graded
    header, possible, *students = table(root / "grades" / "canvas.csv")
    assert header == [*CANVAS_COLUMNS, FAAS_COLUMN]
    assert possible == ["Points Possible", "", "", "", "", "18"]
    by_name = {row[0]: row for row in students}
    assert by_name["Zoë Ñandú"] == ["Zoë Ñandú", "", "1002", "", "Tue", "12.6"]
    assert by_name["Lovelace, Ada"][2:5] == ["1001", "", "Mon"]
    assert by_name["r3"] == ["r3", "", "", "r3", "", "0"]  # not on the roster: matched by hand


def test_canvas_s_importer_rules_read_the_canvas_csv_as_meant(graded):
    """Read as Canvas's GradebookImporter reads a file (tests/fixtures/canvas_importer.py): a valid
    header with five student columns, the existing assignment 4312 (18 points), roster students matched
    by SIS User ID and the unlisted folder by SIS Login ID, never by Canvas's own user id."""
    root, _ = graded
    imported = read_like_canvas((root / "grades" / "canvas.csv").read_text(encoding="utf-8"))
    assert (imported.delimiter, imported.student_columns) == (",", 5)
    faas = "Pattern 01: FaaS"
    assert (imported.assignments, imported.assignment_ids) == ([faas], {faas: "4312"})
    assert imported.points_possible == {faas: "18"}
    totals = {row[0]: row for row in table(root / "grades" / "grades.csv")}
    r1_total = totals["r1"][totals["submission"].index("total")]
    assert sorted(imported.students, key=lambda row: row.key) == [
        StudentRow("SIS User ID", "1001", {faas: r1_total}),  # on time: no penalty
        StudentRow("SIS User ID", "1002", {faas: "12.6"}),  # 18 less 30% for 3 days late
        StudentRow("SIS Login ID", "r3", {faas: "0"}),
    ]


@pytest.mark.parametrize(
    ("option", "text", "message"),
    [
        ("--roster", "folder,id\nx,1\n", "missing column(s) submission, student_id, name, section"),
        (
            "--canvas-assignments",
            "exercise,assignment\nfass,FaaS (4312)\n",
            "line 2: 'fass' is not an exercise of this course; did you mean 'faas'?",
        ),
    ],
)
def test_a_malformed_gradebook_file_fails_before_grading(tmp_path, option, text, message):
    (tmp_path / "class" / "x").mkdir(parents=True)
    (tmp_path / "given.csv").write_text(text)
    status, _, stderr = run(
        "grade",
        str(tmp_path / "class"),
        "--out",
        str(tmp_path / "grades"),
        "--exercise",
        "faas",
        option,
        str(tmp_path / "given.csv"),
    )
    assert status == 2
    assert message in stderr
    assert not (tmp_path / "grades").exists()
