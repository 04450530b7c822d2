"""``python -m exercises progress`` / ``progress()``: every exercise not started (the stub untouched, by
the hashes a release records or by git's HEAD), in progress (k of n public tests) or done; results
cached by the learner file's hash, so only a changed exercise runs its tests again."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

import exercises.grader.progress as progress_module
from exercises.grader.cli import main
from exercises.grader.engine import COURSE_ROOT
from exercises.grader.model import load_exercise
from exercises.grader.progress import CACHE_NAME, STUB_HASHES, course_progress, stub_hashes_text

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader")]

FAAS = COURSE_ROOT / "exercises" / "faas"
COST = COURSE_ROOT / "exercises" / "cost"


def course_with(root: Path, *folders: Path) -> Path:
    for folder in folders:
        shutil.copytree(
            folder, root / "exercises" / folder.name, ignore=shutil.ignore_patterns("__pycache__")
        )
    return root


def states(root: Path) -> dict[str, tuple[str, int, int]]:
    result = course_progress(root, isolation="process")
    return {e.slug: (e.state, e.passed, e.total) for e in result.exercises}


def test_progress_tells_untouched_from_started_and_done_and_reruns_only_what_changed(tmp_path, monkeypatch):
    root = course_with(tmp_path, FAAS, COST)
    for folder in ("faas", "cost"):  # what a release records: the stubs' hashes
        exercise = load_exercise(root / "exercises" / folder)
        (exercise.root / STUB_HASHES).write_text(stub_hashes_text(exercise, exercise.root))

    first = course_progress(root, isolation="process")
    assert [(e.slug, e.state, e.passed) for e in first.exercises] == [
        ("cost", "not started", 0),
        ("faas", "not started", 0),
    ]
    assert first.rerun == 0
    assert first.fraction == 0.0

    learner = root / "exercises" / "faas" / "registration.py"
    solution = (FAAS / "solution" / "registration.py").read_text()
    learner.write_text(solution)
    done = course_progress(root, isolation="process")
    faas = next(e for e in done.exercises if e.slug == "faas")
    assert (faas.state, faas.passed, faas.total, faas.cached) == ("done", faas.total, faas.total, False)
    assert done.rerun == 1
    assert done.done == 1

    again = course_progress(root, isolation="process")
    assert again.rerun == 0
    assert all(e.cached for e in again.exercises)
    assert [(e.state, e.passed) for e in again.exercises] == [(e.state, e.passed) for e in done.exercises]
    cache = json.loads((root / CACHE_NAME).read_text())
    assert set(cache["exercises"]) == {"cost", "faas"}

    # Task 3 undone again: in progress, k of n, and only faas runs
    learner.write_text(
        solution
        + "\n\ndef handler(event, context):\n    raise NotImplementedError('Task 3: not written yet')\n"
    )
    partial = course_progress(root, isolation="process")
    faas = next(e for e in partial.exercises if e.slug == "faas")
    assert faas.state == "in progress"
    assert 0 < faas.passed < faas.total
    assert partial.rerun == 1
    assert "in progress" in partial._repr_html_()
    assert f"{faas.passed}/{faas.total}" in partial._repr_html_()

    # the command line shows the same, from the cache
    monkeypatch.setattr(progress_module, "COURSE_ROOT", root)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["progress", "--isolation", "process"]) == 0
    text = out.getvalue()
    assert text.startswith("Course progress [")
    assert (
        f"faas  in progress  {faas.passed}/{faas.total} public tests  exercises/faas/registration.py" in text
    )
    assert "cost  not started  0/" in text
    assert "public tests run for 0 changed exercise(s), 2 answered from the cache" in text


def test_without_recorded_hashes_the_stub_is_compared_with_git_head(tmp_path):
    root = course_with(tmp_path, COST)
    for argv in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "c"],
    ):
        subprocess.run(["git", *argv], cwd=root, check=True, capture_output=True)
    assert states(root) == {"cost": ("not started", 0, 4)}
    learner = root / "exercises" / "cost" / "tuning.py"
    learner.write_text(learner.read_text() + "\n# a first edit, nothing solved yet\n")
    state, passed, _ = states(root)["cost"]
    # edited but every test still says "not implemented yet": still not started
    assert (state, passed) == ("not started", 0)
    learner.write_text((COST / "solution" / "tuning.py").read_text())
    assert states(root)["cost"] == ("done", 4, 4)
