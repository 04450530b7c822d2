"""``python -m exercises``: the learner's check, official grading (resumable, Gradescope's format,
grades.csv), the student release, the Gradescope bundle run as Gradescope would, and ``verify``."""

import contextlib
import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from exercises import check
from exercises.grader.cli import course_files, main
from exercises.grader.engine import COURSE_ROOT
from exercises.grader.model import ExerciseError, Grade
from exercises.grader.model import TestResult as Result
from exercises.grader.reports import write_atomic

FAAS = COURSE_ROOT / "exercises" / "faas"
SOLUTION = FAAS / "solution" / "registration.py"
STUB = FAAS / "registration.py"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("grader"),
    pytest.mark.instructor,
]


def run(*argv: str) -> tuple[int, str, str]:
    """``main(argv)`` with its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def python_m_exercises(*argv: str, cwd: Path = COURSE_ROOT, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "exercises", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


# ---------------------------------------------------------------- check


def test_check_passes_on_the_reference_solution_and_exits_0():
    status, out, _ = run("check", "faas", "--file", str(SOLUTION))
    assert status == 0, out
    assert f"Checked: {SOLUTION} (public tests)" in out
    assert "Task 1: Validate the request body" in out
    assert "  pass     a valid body is parsed and normalised" in out
    assert "Score on public tests: 9/9 (9 of 9 tests passed)" in out
    assert "9 hidden tests not run" in out
    assert re.search(r"^Isolation: (bubblewrap|process only)", out, re.MULTILINE)


def test_check_in_a_notebook_returns_the_grade_with_a_result_table(tmp_path):
    attempt = tmp_path / "my_attempt.py"
    attempt.write_text(SOLUTION.read_text() + "\n\ndef save_user(table_name, user):\n    return True\n")
    grade = check("faas", attempt)
    assert isinstance(grade, Grade)
    statuses = {r.name: r.status for r in grade.results}
    assert statuses["a valid body is parsed and normalised"] == "passed"
    assert statuses["two different users are both stored"] == "failed"
    assert grade.score == 6
    assert grade.max_score == 9
    assert grade.hidden_not_run == 9
    failure = next(r for r in grade.results if r.name == "two different users are both stored")
    assert "called save(" in failure.message
    assert "expected" in failure.message
    table = grade._repr_html_()
    assert "<table" in table
    assert all(f">{header}</th>" in table for header in ("task", "test", "status", "points", "message"))
    assert "2. Store a user with a conditional write" in table
    assert "two different users are both stored" in table
    assert "6/9 points, 6 of 9 tests passed; 9 hidden tests not run" in table


def test_check_of_an_unknown_exercise_lists_the_available_ones():
    result = python_m_exercises("check", "no-such-exercise")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: unknown exercise 'no-such-exercise'; available: ")
    assert "faas" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    with pytest.raises(ExerciseError, match="unknown exercise 'nope'"):
        check("nope")


def test_check_of_a_missing_file_is_a_one_line_error(tmp_path):
    status, out, err = run("check", "faas", "--file", str(tmp_path / "missing.py"))
    assert status == 2
    assert out == ""
    assert err == f"error: no such file: {tmp_path / 'missing.py'}\n"


@pytest.mark.parametrize("command", ["check", "grade", "grade-one", "release", "gradescope", "verify"])
def test_every_command_has_help(command):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert f"usage: python -m exercises {command}" in out.getvalue()
    overview = io.StringIO()
    with contextlib.redirect_stdout(overview), pytest.raises(SystemExit):
        main(["--help"])
    assert re.search(rf"^\s+{command}\s*\n?\s+\S.+", overview.getvalue(), re.MULTILINE)


# ---------------------------------------------------------------- grade


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Four submissions, two workers: the solution, the stub, a folder without the file, no folder."""
    root = tmp_path_factory.mktemp("grading")
    submissions = root / "submissions"
    for name, source in (("alice", SOLUTION), ("bob", STUB)):
        (submissions / name / "faas").mkdir(parents=True)
        (submissions / name / "faas" / "registration.py").write_text(source.read_text())
    (submissions / "carol" / "faas").mkdir(parents=True)
    (submissions / "carol" / "faas" / "notes.txt").write_text("I did not finish")
    (submissions / "dave").mkdir()
    out = root / "out"
    status, stdout, stderr = run(
        "grade", str(submissions), "--out", str(out), "--exercise", "faas", "--jobs", "2"
    )
    return {"submissions": submissions, "out": out, "status": status, "stdout": stdout, "stderr": stderr}


def results_of(graded, name):
    return json.loads((graded["out"] / name / "results.json").read_text())


def test_grade_writes_a_row_per_submission_to_grades_csv(graded):
    assert graded["status"] == 0, graded["stdout"] + graded["stderr"]
    rows = list(csv.reader((graded["out"] / "grades.csv").open(encoding="utf-8-sig")))
    assert rows == [
        ["submission", "faas", "total", "max", "status"],
        ["alice", "18", "18", "18", "graded"],
        ["bob", "0", "0", "18", "graded"],
        ["carol", "0", "0", "18", "missing"],
        ["dave", "0", "0", "18", "missing"],
    ]
    assert "graded 4 submission(s), skipped 0" in graded["stdout"]


def test_grade_reports_progress_and_eta_a_line_per_submission(graded):
    lines = graded["stderr"].splitlines()
    assert lines[0] == "grading 4 submission(s) with 2 worker(s)"
    assert sorted(line.split("]")[0] for line in lines[1:]) == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert all("; ETA " in line for line in lines[1:])
    assert any(line.startswith("[") and "alice: faas 18/18 (" in line for line in lines)
    assert any("dave: faas 0/18 missing" in line for line in lines)


def test_results_json_is_in_gradescope_format(graded):
    results = results_of(graded, "alice")
    assert results["score"] == 18
    assert isinstance(results["execution_time"], int)
    assert "faas: 18/18" in results["output"]
    tests = results["tests"]
    assert len(tests) == 18
    for test in tests:
        assert set(test) == {"name", "number", "score", "max_score", "status", "output", "visibility"}
        assert re.fullmatch(r"[1-3]\.\d+", test["number"])
        assert test["status"] == "passed"
        assert test["score"] == test["max_score"] == 1
    assert len({t["number"] for t in tests}) == 18
    assert [t["visibility"] for t in tests].count("visible") == 9
    assert [t["visibility"] for t in tests].count("after_published") == 9
    extra = results["extra_data"]
    assert extra["isolation"]
    assert extra["exercises"]["faas"]["status"] == "passed"
    assert {t["status"] for t in extra["tests"]} == {"passed"}


def test_a_stub_gets_each_failure_with_its_message_hidden_tests_included(graded):
    results = results_of(graded, "bob")
    assert results["score"] == 0
    assert {t["status"] for t in results["tests"]} == {"failed"}
    assert {t["status"] for t in results["extra_data"]["tests"]} == {"error"}
    by_name = {t["name"]: t for t in results["tests"]}
    hidden = by_name["twelve simultaneous saves of one email: exactly one wins"]
    assert hidden["visibility"] == "after_published"
    assert hidden["output"] == "not implemented yet: Task 2: save_user is not written yet"
    feedback = (graded["out"] / "bob" / "feedback.md").read_text()
    assert "### Task 2: Store a user with a conditional write (0 / 4)" in feedback
    assert "- **ERROR**: twelve simultaneous saves of one email: exactly one wins *(hidden test)*" in feedback
    assert "  not implemented yet: Task 2: save_user is not written yet" in feedback


def test_a_missing_file_or_folder_scores_0_with_status_missing_and_says_why(graded):
    carol, dave = results_of(graded, "carol"), results_of(graded, "dave")
    assert carol["extra_data"]["exercises"]["faas"]["status"] == "missing"
    assert carol["extra_data"]["exercises"]["faas"]["message"] == "carol/faas/ has no registration.py"
    assert dave["extra_data"]["exercises"]["faas"]["message"] == "the submission has no faas/ folder"
    for results in (carol, dave):
        assert results["score"] == 0
        assert len(results["tests"]) == 18
        assert results["extra_data"]["status"] == "missing"
    assert "> carol/faas/ has no registration.py" in (graded["out"] / "carol" / "feedback.md").read_text()


def test_a_second_run_skips_graded_submissions_and_force_regrades_them(graded):
    out = graded["out"]
    stamps = {name: (out / name / "results.json").stat().st_mtime_ns for name in ("alice", "bob", "carol")}
    (out / "grades.csv").unlink()
    (out / "dave" / "results.json").write_text('{"score": 0, "tests": [')  # as if cut off by an old tool
    status, stdout, stderr = run("grade", str(graded["submissions"]), "--out", str(out), "--exercise", "faas")
    assert status == 0
    assert "skipping 3 submission(s) already graded" in stderr
    assert "graded 1 submission(s), skipped 3" in stdout
    assert {n: (out / n / "results.json").stat().st_mtime_ns for n in stamps} == stamps
    assert results_of(graded, "dave")["extra_data"]["status"] == "missing"
    rebuilt = list(csv.reader((out / "grades.csv").open(encoding="utf-8-sig")))
    assert len(rebuilt) == 5  # rebuilt from every results.json

    status, stdout, _ = run(
        "grade", str(graded["submissions"]), "--out", str(out), "--exercise", "faas", "--force", "--jobs", "2"
    )
    assert status == 0
    assert "graded 4 submission(s), skipped 0" in stdout
    assert all((out / n / "results.json").stat().st_mtime_ns != stamp for n, stamp in stamps.items())
    assert results_of(graded, "alice")["score"] == 18
    assert not list(out.rglob("*.tmp"))


def test_grade_refuses_bad_input_with_a_one_line_error(tmp_path):
    status, _, err = run("grade", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert (status, err.count("\n")) == (2, 1)
    assert "is not a folder of submissions" in err
    status, _, err = run("grade", str(tmp_path), "--out", str(tmp_path / "out"), "--exercise", "nope")
    assert status == 2
    assert err.startswith("error: unknown exercise 'nope'; available: ")


def test_an_interrupted_write_leaves_the_previous_file_whole(tmp_path):
    target = tmp_path / "results.json"
    write_atomic(target, '{"score": 1}')
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, '{"score": "\ud800"}')  # fails half-way through writing
    assert target.read_text() == '{"score": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_grade_one_of_an_upload_without_the_file_scores_0_and_says_what_to_upload(tmp_path):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "readme.txt").write_text("oops")
    status, out, _ = run(
        "grade-one",
        "faas",
        "--submission",
        str(tmp_path / "submission"),
        "--results",
        str(tmp_path / "r.json"),
    )
    assert status == 0
    results = json.loads((tmp_path / "r.json").read_text())
    assert results["score"] == 0
    assert results["extra_data"]["status"] == "missing"
    assert {t["output"] for t in results["tests"]} == {"your submission has no registration.py"}
    assert "faas: 0/18 (missing)" in out


# ---------------------------------------------------------------- release


def test_release_leaves_out_solutions_and_hidden_tests_and_check_works_in_it(tmp_path):
    release = tmp_path / "course"
    status, out, _ = run("release", "--out", str(release))
    assert status == 0
    assert "exercises/faas/solution/ (1 file)" in out
    assert "exercises/faas/hidden/ (1 file)" in out
    assert (release / "exercises" / "faas" / "tests_public.py").is_file()
    assert (release / "exercises" / "faas" / "registration.py").read_text() == STUB.read_text()
    assert (release / "patterns" / "lab" / "sandbox.py").is_file()
    released = [p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()]
    assert not [name for name in released if re.match(r"exercises/[^/]+/(solution|hidden)/", name)]
    assert not [name for name in released if "__pycache__" in name or name.startswith(".venv/")]
    assert "tests/ (modules marked instructor-only)" in out
    assert "tests/integration/test_grader_cli.py" not in released
    assert "tests/unit/test_adr_checks.py" in released
    needing_answers = [
        name
        for name in released
        if name.startswith("tests/")
        and name.endswith(".py")
        and re.search(r"solution_dir|[\"/]solution[\"/]|include_hidden=True", (release / name).read_text())
    ]
    assert not needing_answers, f"released tests that need the solutions or hidden tests: {needing_answers}"

    status, _, err = run("release", "--out", str(release))
    assert status == 2
    assert "is not empty" in err
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "precious.txt").write_text("not a release")
    assert run("release", "--out", str(tmp_path / "elsewhere"), "--force")[0] == 2
    assert (tmp_path / "elsewhere" / "precious.txt").exists()
    (release / "stale.txt").write_text("from an earlier release")
    assert run("release", "--out", str(release), "--force")[0] == 0
    assert not (release / "stale.txt").exists()

    result = python_m_exercises("check", "faas", cwd=release)
    assert result.returncode == 1, result.stderr
    assert f"Checked: {release}/exercises/faas/registration.py (public tests)" in result.stdout
    assert "not implemented yet: Task 1: parse_registration is not written yet" in result.stdout
    assert "Score on public tests: 0/9" in result.stdout
    assert "9 hidden tests not run" in result.stdout


def test_course_files_outside_git_skip_virtualenvs_caches_and_build_output(tmp_path):
    for name in (
        "README.md",
        "patterns/a.py",
        ".venv/lib/x.py",
        "patterns/__pycache__/a.pyc",
        "x.egg-info/PKG",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert course_files(tmp_path) == ["README.md", "patterns/a.py"]


# ---------------------------------------------------------------- gradescope


def test_the_gradescope_bundle_grades_the_solution_full_marks_as_gradescope_would(tmp_path):
    bundle = tmp_path / "faas.zip"
    status, out, _ = run("gradescope", "faas", "--out", str(bundle))
    assert status == 0, out
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        setup = archive.read("setup.sh").decode()
        mode = archive.getinfo("run_autograder").external_attr >> 16
        archive.extractall(tmp_path / "autograder" / "source")
    assert {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml"} <= set(names)
    assert {"exercises/faas/hidden/tests.py", "exercises/grader/engine.py", "patterns/lab/sandbox.py"} <= set(
        names
    )
    assert not [name for name in names if "/solution/" in name]
    assert mode & 0o111
    assert "apt-get install -y python3 python3-venv python3-pip bubblewrap" in setup
    assert 'pip install -r "$ROOT/source/requirements-grading.txt"' in setup

    root = tmp_path / "autograder"
    (root / "submission" / "faas").mkdir(parents=True)  # the learner zipped a folder: found all the same
    (root / "submission" / "faas" / "registration.py").write_text(SOLUTION.read_text())
    result = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env={**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) == 18
    assert [t["visibility"] for t in results["tests"]].count("after_published") == 9


# ---------------------------------------------------------------- verify


def test_verify_finds_the_solution_full_marks_and_the_stub_not_implemented():
    status, out, _ = run("verify", "faas")
    assert status == 0, out
    assert re.search(
        r"^faas: solution 18/18 in [\d.]+ s; stub 0/18, 18/18 clear zero-point messages in [\d.]+ s: ok$",
        out,
        re.MULTILINE,
    )


def test_verify_names_a_stub_test_that_does_not_say_not_implemented():
    from exercises.grader.cli import _stub_problems

    grade = Grade("faas", "stub")
    grade.results = [
        Result("parses", 1, 0.0, 1.0, "error", "not implemented yet: Task 1: parse", False, 0.1),
        Result("stores", 2, 0.0, 1.0, "error", "not implemented yet: Task 1: wrong task", False, 0.1),
        Result("answers", 3, 1.0, 1.0, "passed", "", False, 0.1),
    ]
    problems = _stub_problems(grade)
    assert len(problems) == 2
    assert problems[0].startswith("stub: 'stores' gave error")
    assert "expected error 'not implemented yet: Task 2 ...'" in problems[0]
    assert problems[1].startswith("stub: 'answers' gave passed (1 points)")
