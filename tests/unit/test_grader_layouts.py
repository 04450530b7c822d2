"""Where a submission keeps its files: the layouts ``grade`` and ``grade-one`` both accept, and the
messages for what they do not (a missing folder, a misnamed file, two copies, another exercise's folder)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from exercises.grader.cli import exercise_fingerprint
from exercises.grader.engine import COURSE_ROOT
from exercises.grader.layouts import course_exercises, locate_files
from exercises.grader.model import load_exercise

pytestmark = pytest.mark.unit

FAAS = load_exercise(COURSE_ROOT / "exercises" / "faas")
COLD = load_exercise(COURSE_ROOT / "exercises" / "cold_starts")
COURSE = course_exercises()


def put(root: Path, *names: str, text: str = "x = 1\n") -> Path:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    "layout",
    [
        "cold-starts/keep_alive.py",  # the syllabus slug, with a hyphen
        "cold_starts/keep_alive.py",  # the course's folder name
        "Cold-Starts/keep_alive.py",  # another case
        "keep_alive.py",  # the bare file at the top of the upload
        "exercises/cold_starts/keep_alive.py",  # a whole copy of the course
        "my-repo-main/exercises/cold_starts/keep_alive.py",  # a repository's zip
        "work/keep_alive.py",  # anywhere, once
    ],
)
def test_every_accepted_layout_finds_the_file(tmp_path, layout):
    submission = put(tmp_path / "alice", layout)
    found = locate_files(submission, COLD, COURSE)
    assert found.problem is None
    assert found.files == {"keep_alive.py": submission / layout}


def test_a_unicode_folder_name_in_either_normal_form(tmp_path):
    name = unicodedata.normalize("NFD", "zoë")
    submission = put(tmp_path / name, "faas/registration.py")
    assert locate_files(submission, FAAS, COURSE).files == {
        "registration.py": submission / "faas/registration.py"
    }


def test_two_copies_are_an_error_naming_both(tmp_path):
    submission = put(tmp_path / "eve", "registration.py", "faas/registration.py")
    found = locate_files(submission, FAAS, COURSE)
    assert found.status == "ambiguous"
    assert found.problem == (
        "two copies of registration.py: eve/registration.py and eve/faas/registration.py; hand in exactly one"
    )


def test_a_misnamed_file_is_named_in_the_message(tmp_path):
    for wrong in ("Registration.py", "registration (1).py", "registration.txt"):
        submission = put(tmp_path / wrong.replace(" ", "_"), f"faas/{wrong}")
        found = locate_files(submission, FAAS, COURSE)
        assert found.status == "missing"
        assert found.problem == (
            f"{submission.name}/faas/ has no registration.py; found {submission.name}/faas/{wrong} "
            "(name it registration.py)"
        )


def test_a_file_in_another_exercise_folder_is_not_taken(tmp_path):
    submission = put(tmp_path / "dan", "cold-starts/registration.py", "cold-starts/keep_alive.py")
    found = locate_files(submission, FAAS, COURSE)
    assert found.status == "missing"
    assert found.problem == "the submission has no faas/ folder; it holds: cold-starts/"
    assert locate_files(submission, COLD, COURSE).problem is None


def test_an_empty_submission_and_tool_clutter(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert locate_files(empty, FAAS, COURSE).problem == "the submission has no faas/ folder"
    cluttered = put(
        tmp_path / "mac", "__MACOSX/faas/registration.py", ".git/registration.py", "faas/registration.py"
    )
    assert locate_files(cluttered, FAAS, COURSE).files == {
        "registration.py": cluttered / "faas/registration.py"
    }


def test_grade_one_speaks_of_your_submission(tmp_path):
    submission = put(tmp_path / "upload", "readme.txt")
    found = locate_files(submission, FAAS, COURSE, label="your submission")
    assert found.problem == "your submission has no registration.py"


def test_the_fingerprint_follows_the_files_content_and_nothing_else(tmp_path):
    first = put(tmp_path / "a", "faas/registration.py", text="print(1)\n")
    second = put(tmp_path / "b", "registration.py", text="print(1)\n")
    fingerprint = locate_files(first, FAAS, COURSE).fingerprint()
    assert locate_files(second, FAAS, COURSE).fingerprint() == fingerprint  # same file, other layout
    put(first, "faas/registration.py", text="print(2)\n")
    assert locate_files(first, FAAS, COURSE).fingerprint() != fingerprint
    assert exercise_fingerprint(FAAS) == exercise_fingerprint(FAAS)
    assert exercise_fingerprint(FAAS) != exercise_fingerprint(COLD)


def test_a_symbolic_link_is_never_followed(tmp_path):
    secret = put(tmp_path / "grader", "hidden_tests.py", text="EXPECTED = 42\n") / "hidden_tests.py"
    submission = tmp_path / "mallory"
    (submission / "faas").mkdir(parents=True)
    (submission / "faas" / "registration.py").symlink_to(secret)
    found = locate_files(submission, FAAS, COURSE)
    assert found.files == {}
    assert found.problem == "mallory/faas/ has no registration.py"
