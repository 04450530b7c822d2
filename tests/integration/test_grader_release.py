"""A release carries only the course: never a Gradescope bundle, a submission, grades or feedback
planted in the course folder, never a copy of a solution; the student copy has a student README and a
``make test`` that calls nothing the release left out. The Gradescope bundle installs only what
grading needs."""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from exercises.grader.cli import course_files, grading_requirements
from exercises.grader.engine import COURSE_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-release")]

SOLUTION = COURSE_ROOT / "exercises" / "faas" / "solution" / "registration.py"
DEVELOPMENT_TOOLS = {
    "jupyterlab",
    "playwright",
    "mypy",
    "ruff",
    "pytest",
    "pytest-xdist",
    "hypothesis",
    "nbclient",
}


def python_m(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *argv], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def git(*argv: str, cwd: Path) -> None:
    subprocess.run(["git", *argv], cwd=cwd, capture_output=True, check=True)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A git checkout of the course with what an instructor may leave in it after grading."""
    root = tmp_path_factory.mktemp("release") / "course"
    for name in course_files(COURSE_ROOT):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(COURSE_ROOT / name, root / name)
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    planted = {
        "faas-autograder.zip": None,
        "submissions/alice/faas/registration.py": SOLUTION.read_text(),
        "grades/grades.csv": "submission,faas\nalice,18\n",
        "grades/alice/feedback.md": "hidden test: called save(...) expected ...",
        "grades/alice/results.json": '{"score": 18}',
        "handin/bob/registration.py": "print('a submission outside the ignored folders')\n",
        "exercises/faas/my_attempt.py": SOLUTION.read_text(),  # a solution's copy in the course's folder
        "notebooks/feedback.md": "feedback pasted next to the notebooks (.gitignore ignores it)",
        "notebooks/old-bundle.zip": None,
    }
    for name, text in planted.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            with zipfile.ZipFile(root / name, "w") as bundle:
                bundle.write(COURSE_ROOT / "exercises/faas/hidden/tests.py", "exercises/faas/hidden/tests.py")
        else:
            (root / name).write_text(text)
    out = root.parent / "student-copy"
    result = python_m("exercises", "release", "--out", str(out), cwd=root)
    return {"root": root, "out": out, "result": result, "planted": planted}


def released(out: Path) -> set[str]:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_a_release_leaves_out_bundles_submissions_grades_and_copies_of_solutions(course):
    result = course["result"]
    assert result.returncode == 0, result.stderr
    names = released(course["out"])
    assert not set(course["planted"]) & names, set(course["planted"]) & names
    assert not [n for n in names if n.endswith((".zip", "results.json", "feedback.md", "grades.csv"))]
    solution = SOLUTION.read_bytes()
    assert not [n for n in names if (course["out"] / n).read_bytes() == solution]
    assert "exercises/faas/my_attempt.py: a copy of exercises/faas/solution/registration.py" in result.stderr
    assert (
        "notebooks/old-bundle.zip: an archive (a Gradescope bundle holds the hidden tests)" in result.stderr
    )
    assert "left out 1 untracked file(s) that are not part of the course: handin/ (1 files)" in result.stderr
    assert f"released {len(names)} course files" in result.stdout
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=course["root"], capture_output=True, text=True, check=True
    ).stdout.split()
    expected = {n for n in tracked if not re.match(r"exercises/[^/]+/(solution|hidden)/", n) and n in names}
    assert expected <= names


def test_a_tracked_file_students_must_not_see_stops_the_release(course, tmp_path):
    root = course["root"]
    (root / "adr" / "grades.csv").write_text("submission,faas\nalice,18\n")
    git("add", "-f", "adr/grades.csv", cwd=root)
    try:
        result = python_m("exercises", "release", "--out", str(tmp_path / "copy"), cwd=root)
    finally:
        git("rm", "-q", "--cached", "adr/grades.csv", cwd=root)
        (root / "adr" / "grades.csv").unlink()
    assert result.returncode == 2
    assert "refusing to release: tracked files students must not see:" in result.stderr
    assert "adr/grades.csv: grading output" in result.stderr
    assert not (tmp_path / "copy").exists()


def test_the_student_readme_and_makefile_are_for_students(course):
    out = course["out"]
    readme = (out / "README.md").read_text()
    assert "instructor-only" not in readme
    assert "**Handing in.**" in readme
    for instructor_command in (
        "exercises grade",
        "exercises gradescope",
        "exercises verify",
        "exercises release",
    ):
        assert instructor_command not in readme
    assert "-m exercises check faas" in readme
    makefile = (out / "Makefile").read_text()
    assert "tests.benchmarks.grader" not in makefile
    assert not (out / "tests" / "benchmarks" / "grader.py").exists()
    assert "tests.benchmarks.grader" in (course["root"] / "Makefile").read_text()


def test_the_student_make_test_calls_only_what_the_student_copy_has(course):
    out = course["out"]
    plan = subprocess.run(
        ["make", "-n", "test"], cwd=out, capture_output=True, text=True, timeout=60, check=False
    )
    assert plan.returncode == 0, plan.stderr
    modules = re.findall(r"python -m ([\w.]+)", plan.stdout)
    ours = [m for m in modules if m.split(".")[0] in ("tests", "exercises", "patterns")]
    assert "exercises" in ours
    for module in ours:
        path = out / Path(*module.split("."))
        assert path.with_suffix(".py").is_file() or (path / "__main__.py").is_file(), module
    for script in re.findall(r"(\.ci/[\w-]+)", plan.stdout):
        assert (out / script).is_file(), script
    verify = python_m("exercises", "verify", cwd=out)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "skipped (a student copy" in verify.stdout
    collected = python_m("pytest", "--collect-only", "-q", "-n", "0", cwd=out)
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-2000:]


def _closure(distributions: set[str]) -> set[str]:
    """The distributions and everything they require (markers ignored: a superset is fine here)."""
    seen: set[str] = set()
    todo = list(distributions)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        todo += [re.split(r"[\[<>=!~;\s(]", r, maxsplit=1)[0] for r in requires]
    return seen


def test_the_gradescope_bundle_installs_only_what_grading_needs(tmp_path):
    lines = [line for line in grading_requirements().splitlines() if line and not line.startswith("#")]
    wanted = {re.split(r"[\[<>=!~;\s]", line, maxsplit=1)[0].lower() for line in lines}
    assert {"boto3", "moto"} <= wanted
    assert not wanted & DEVELOPMENT_TOOLS
    assert not [line for line in lines if "server" in line]  # moto's server is for the endpoint tests
    # what grading imports (the grader, every exercise's probes, checks and tests) is all installed by it
    code = """
import importlib, importlib.metadata, json, sys
from pathlib import Path
import exercises.grader.cli
from exercises.grader.model import load_exercise
from exercises.grader.model import ExerciseError
for toml in sorted(Path("exercises").glob("*/exercise.toml")):
    try:  # an exercise still being written is not this test's business
        exercise = load_exercise(toml.parent)
        exercise.public_tests(); exercise.hidden_tests()
        spec = importlib.util.spec_from_file_location("probes_" + toml.parent.name, toml.parent / "probes.py")
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    except (ExerciseError, FileNotFoundError):
        continue
provided = importlib.metadata.packages_distributions()
names = {m.split(".")[0] for m in list(sys.modules)} - set(sys.stdlib_module_names)
print(json.dumps(sorted({d for m in names for d in provided.get(m, [])})))
"""
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=COURSE_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    imported = {d.lower().replace("_", "-") for d in json.loads(run.stdout.splitlines()[-1])}
    imported -= {"serverless-patterns-lab"}
    missing = imported - _closure(wanted)
    assert not missing, f"grading imports distributions the bundle does not install: {sorted(missing)}"


def test_the_gradescope_script_hides_hidden_tests_and_results_from_the_learner_and_can_require_the_sandbox():
    from exercises.grader.cli import _run_autograder_script
    from exercises.grader.model import load_exercise

    exercise = load_exercise(COURSE_ROOT / "exercises" / "faas")
    script = _run_autograder_script(exercise)
    assert 'chmod go-rwx "$ROOT/results"' in script
    assert 'chmod -R go-rwx "$ROOT/source/exercises/faas/hidden"' in script
    assert "--require-sandbox" not in script
    assert "grade-one faas --require-sandbox" in _run_autograder_script(exercise, require_sandbox=True)


def test_a_bundle_or_grades_made_inside_the_course_are_warned_about(course):
    root = course["root"]
    made = python_m("exercises", "gradescope", "faas", "--out", "faas-bundle.zip", cwd=root)
    assert made.returncode == 0, made.stderr
    assert (
        "WARNING: faas-bundle.zip is inside the course: keep a bundle with hidden tests outside it"
        in made.stderr
    )
    (root / "faas-bundle.zip").unlink()


def test_a_workshop_release_keeps_every_pattern_and_only_the_chosen_notebooks_and_exercises(course, tmp_path):
    root, out = course["root"], tmp_path / "workshop"
    result = python_m("exercises", "release", "--only", "01,3", "--out", str(out), cwd=root)
    assert result.returncode == 0, result.stderr
    names = released(out)
    notebooks = sorted(n for n in names if n.startswith("notebooks/") and n.endswith(".ipynb"))
    assert [Path(n).name[:2] for n in notebooks] == ["00", "01", "03"]
    folders = {n.split("/")[1] for n in names if re.fullmatch(r"exercises/\w+/exercise\.toml", n)}
    assert folders == {"faas", "cold_starts"}
    in_course = {n for n in course_files(root) if n.startswith("patterns/")}
    assert in_course <= names  # the lab runtime and every pattern's module: patterns import each other
    assert "exercises/grader/cli.py" in names
    assert not [n for n in names if re.match(r"exercises/\w+/(solution|hidden)/", n)]
    assert (
        "workshop subset: notebooks notebooks/01-faas.ipynb, notebooks/03-cold-starts.ipynb" in result.stdout
    )
    # the copy's progress knows its stubs by the hashes the release recorded, without git
    shown = python_m("exercises", "progress", "--isolation", "process", cwd=out)
    assert shown.returncode == 0, shown.stderr
    assert re.search(r"0 of 2 exercises done, 0 in progress", shown.stdout)
    assert "public tests run for 0 changed exercise(s)" in shown.stdout
    wrong = python_m("exercises", "release", "--only", "01,99", "--out", str(tmp_path / "x"), cwd=root)
    assert wrong.returncode == 2
    assert "no notebook numbered 99" in wrong.stderr


def test_a_release_with_solutions_never_carries_the_hidden_tests(course, tmp_path):
    root, out = course["root"], tmp_path / "after-deadline"
    result = python_m("exercises", "release", "--solutions", "--out", str(out), cwd=root)
    assert result.returncode == 0, result.stderr
    names = released(out)
    solutions = {n for n in course_files(root) if re.match(r"exercises/\w+/solution/", n)}
    assert solutions
    assert solutions <= names
    assert not [n for n in names if "/hidden/" in n]
    assert "solutions included" in result.stdout
    assert "/solution/" not in result.stdout.split("left out (instructor only):")[-1]
    verify = python_m("exercises", "verify", cwd=out)  # the copy's make test runs it: nothing to verify
    assert verify.returncode == 0, verify.stdout + verify.stderr
