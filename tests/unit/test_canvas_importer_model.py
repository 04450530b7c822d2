"""The restatement of Canvas's gradebook import rules (tests/fixtures/canvas_importer.py) on files shaped
as Canvas's own export writes them, and on the headers Canvas refuses."""

from __future__ import annotations

import pytest

from tests.fixtures.canvas_importer import InvalidHeaderRow, StudentRow, read_like_canvas

pytestmark = pytest.mark.unit

# The shape of Canvas's "Export Entire Gradebook": assignments as "Title (id)", read-only totals after
# them, and a Points Possible row whose first cell is indented.
EXPORTED = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Essay 1 (4101),Quiz (4102),Current Score,Final Score\n"
    "    Points Possible,,,,,10,5.5,(read only),(read only)\n"
    '"Lovelace, Ada",901,s-1,ada,Mon,9,4,,\n'
    "Grace Hopper,,s-2,grace,Tue,7.5,,,\n"
    "Alan Turing,,,alan,Tue,EX,5,,\n"
    "Ed Example,,,,Mon,3,3,,\n"
)


def test_an_export_shaped_file_gives_assignments_points_and_how_each_student_is_matched():
    imported = read_like_canvas(EXPORTED)
    assert (imported.delimiter, imported.student_columns) == (",", 5)
    assert imported.assignments == ["Essay 1", "Quiz"]  # the totals are read-only, not assignments
    assert imported.assignment_ids == {"Essay 1": "4101", "Quiz": "4102"}
    assert imported.points_possible == {"Essay 1": "10", "Quiz": "5.5"}
    assert imported.students == [
        StudentRow("ID", "901", {"Essay 1": "9", "Quiz": "4"}),
        StudentRow("SIS User ID", "s-2", {"Essay 1": "7.5", "Quiz": ""}),
        StudentRow("SIS Login ID", "alan", {"Essay 1": "EX", "Quiz": "5"}),
        StudentRow("name", "Ed Example", {"Essay 1": "3", "Quiz": "3"}),
    ]


def test_a_semicolon_file_is_read_with_semicolons():
    text = EXPORTED.replace('"Lovelace, Ada"', "Ada Lovelace").replace(",", ";")
    imported = read_like_canvas(text)
    assert (imported.delimiter, imported.assignments) == (";", ["Essay 1", "Quiz"])


def test_sis_login_id_alone_makes_four_student_columns():
    imported = read_like_canvas("Student,ID,SIS Login ID,Section,Lab\n,,,,\nAda,,ada,Mon,3\n")
    assert (imported.student_columns, imported.assignments) == (4, ["Lab"])
    assert imported.students == [StudentRow("SIS Login ID", "ada", {"Lab": "3"})]


@pytest.mark.parametrize(
    "header",
    [
        "Name,ID,SIS User ID,SIS Login ID,Section,Lab",  # the first cell must contain Student
        "Student,Login,SIS User ID,SIS Login ID,Section,Lab",  # the second must contain ID
        "Student,ID,SIS User ID,SIS Login ID,Lab",  # no Section where the student columns end
        "Student,ID,SIS User ID,Section,Lab",  # SIS User ID without SIS Login ID
    ],
)
def test_headers_canvas_refuses(header):
    with pytest.raises(InvalidHeaderRow):
        read_like_canvas(header + "\nAda,,1,ada,Mon,3\n")
