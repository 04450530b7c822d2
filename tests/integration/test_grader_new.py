"""``python -m exercises new <slug>``: an instructor's own exercise, scaffolded so that ``verify`` passes
on it at once (the solution full marks, the stub zero with "not implemented yet" on every test)."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from exercises.grader import cli, layouts
from exercises.grader.cli import main
from exercises.grader.model import load_exercise

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader")]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def course(tmp_path, monkeypatch):
    (tmp_path / "exercises").mkdir()
    monkeypatch.setattr(cli, "COURSE_ROOT", tmp_path)
    monkeypatch.setattr(layouts, "COURSE_ROOT", tmp_path)  # where the course's exercises are looked up
    return tmp_path


def test_a_new_exercise_verifies_at_once_and_is_lint_clean(course):
    status, out, _ = run("new", "word-tools")
    assert status == 0
    folder = course / "exercises" / "word_tools"
    assert f"created {folder}/ with 8 files" in out
    for name in ("exercise.toml", "README.md", "word_tools.py", "probes.py", "checks.py", "tests_public.py"):
        assert (folder / name).is_file(), name
    assert (folder / "hidden" / "tests.py").is_file()
    assert (folder / "solution" / "word_tools.py").is_file()
    exercise = load_exercise(folder)
    assert exercise.slug == "word-tools"
    assert exercise.files == ("word_tools.py",)
    hidden = exercise.hidden_tests()
    assert hidden is not None
    assert len(hidden) == exercise.hidden_test_count

    status, out, _ = run("verify", "word-tools", "--isolation", "process")
    assert status == 0, out
    assert "word-tools: solution 6/6" in out
    assert "stub 0/6, 6/6 clear zero-point messages" in out

    lint = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", str(folder)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert lint.returncode == 0, lint.stdout


def test_new_refuses_a_taken_or_malformed_slug(course):
    assert run("new", "word-tools")[0] == 0
    status, _, err = run("new", "word-tools")
    assert status == 2
    assert "already exists" in err
    status, _, err = run("new", "Word_Tools")
    assert status == 2
    assert "is not a slug" in err
