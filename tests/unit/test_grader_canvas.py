"""canvas.csv, read by the rules of Canvas's gradebook import (tests/fixtures/canvas_importer.py), and the
``--canvas-assignments`` file that names the Canvas column each exercise fills."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.grader.roster import Late, Student, canvas_csv, read_canvas_assignments
from patterns.lab.exceptions import LabError
from tests.fixtures.canvas_importer import StudentRow, read_like_canvas

pytestmark = pytest.mark.unit

EXERCISES = ["faas", "cold-starts", "saga"]
RESULTS = [
    {"extra_data": {"submission": "ada", "exercises": {"faas": {"score": 16, "max_score": 18}}}},
    {
        "extra_data": {
            "submission": "bob",
            "exercises": {"faas": {"score": 18, "max_score": 18}, "saga": {"score": 7.5, "max_score": 12}},
        }
    },
]
ROSTER = {"ada": Student("ada", "20231234", "Lovelace, Ada", "Mon")}


def test_columns_are_the_exercises_slugs_unless_assignments_name_them():
    plain = read_like_canvas(canvas_csv(RESULTS, EXERCISES, ROSTER))
    assert (plain.assignments, plain.assignment_ids) == (["faas", "saga"], {"faas": None, "saga": None})
    named = read_like_canvas(
        canvas_csv(RESULTS, EXERCISES, ROSTER, assignments={"faas": "Pattern 01: FaaS (4312)"})
    )
    assert named.assignments == ["Pattern 01: FaaS", "saga"]
    assert named.assignment_ids == {"Pattern 01: FaaS": "4312", "saga": None}
    assert named.points_possible == {"Pattern 01: FaaS": "18", "saga": "12"}


def test_a_numeric_student_id_goes_to_sis_user_id_never_to_canvas_s_own_id():
    late = {"bob": Late("2026-12-06T00:00:00+00:00", "manifest", 2, 0.2)}
    imported = read_like_canvas(canvas_csv(RESULTS, EXERCISES, ROSTER, late))
    assert imported.students == [
        StudentRow("SIS User ID", "20231234", {"faas": "16", "saga": ""}),  # no saga: no grade, not 0
        StudentRow("SIS Login ID", "bob", {"faas": "14.4", "saga": "6"}),  # 20% late penalty
    ]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "assignments.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_assignments_file_maps_exercises_to_canvas_columns(tmp_path):
    path = write(tmp_path, 'exercise,assignment\nfaas,"Pattern 01: FaaS, graded (4312)"\nsaga,Saga (4320)\n')
    assert read_canvas_assignments(path, EXERCISES) == {
        "faas": "Pattern 01: FaaS, graded (4312)",
        "saga": "Saga (4320)",
    }


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("slug,title\nfaas,FaaS\n", "expected exercise,assignment"),
        ("exercise,assignment\nfass,F (1)\n", r"line 2: 'fass' is not an exercise .*did you mean 'faas'\?"),
        (
            "exercise,assignment\nzzz,Z (1)\n",
            "'zzz' is not an exercise .*the exercises: faas, cold-starts, saga",
        ),
        ("exercise,assignment\nfaas,\n", "line 2: no assignment for 'faas'"),
        ("exercise,assignment\nfaas,A (1)\nfaas,B (2)\n", "line 3: 'faas' is listed twice"),
        ("exercise,assignment\nfaas,A (1)\nsaga,A (1)\n", r"line 3: 'A \(1\)' is given to two exercises"),
    ],
)
def test_a_bad_assignments_file_is_named_with_its_line(tmp_path, text, pattern):
    with pytest.raises(LabError, match=pattern):
        read_canvas_assignments(write(tmp_path, text), EXERCISES)


def test_a_missing_assignments_file_is_named(tmp_path):
    with pytest.raises(LabError, match="No such file"):
        read_canvas_assignments(tmp_path / "nowhere.csv", EXERCISES)
