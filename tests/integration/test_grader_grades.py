"""No lost, stale, unexplained or forged grades: a partial regrade keeps the rest, resuming compares
content, ``grade`` and ``grade-one`` read the same layouts, a sandbox fallback is said aloud, the
learner's processes are gone before a score is written, and an endless import costs one test's time."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from exercises import check
from exercises.grader import engine
from exercises.grader.cli import main
from exercises.grader.engine import COURSE_ROOT, Grader, Isolation, _Worker, choose_isolation
from exercises.grader.model import Limits, load_exercise

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader")]

FAAS = COURSE_ROOT / "exercises" / "faas"
COLD = COURSE_ROOT / "exercises" / "cold_starts"
STUB = (FAAS / "registration.py").read_text()
COLD_STUB = (COLD / "keep_alive.py").read_text()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def rows(out: Path) -> dict[str, list[str]]:
    with (out / "grades.csv").open(encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    return {row[0]: row for row in table}


def alive(pid: int) -> bool:
    """The process runs (a zombie is dead: it runs nothing)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status and "\nState:\tX" not in status


def running_with(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                if marker.encode() in Path(f"/proc/{entry}/cmdline").read_bytes() and alive(int(entry)):
                    found.append(int(entry))
    return found


def test_regrading_one_exercise_keeps_the_others_and_resumes_by_content(tmp_path):
    submissions, out = tmp_path / "submissions", tmp_path / "grades"
    put(submissions / "ann" / "faas" / "registration.py", STUB)
    put(submissions / "ann" / "cold-starts" / "keep_alive.py", COLD_STUB)
    put(submissions / "ben" / "faas" / "registration.py", STUB)
    both = ("--exercise", "faas", "--exercise", "cold-starts", "--jobs", "2")
    status, _, _ = run("grade", str(submissions), "--out", str(out), *both)
    assert status == 0
    assert rows(out)["ann"] == ["ann", "0", "0", "0", "34", "graded"]
    assert rows(out)["ben"] == ["ben", "0", "0", "0", "34", "missing"]

    # regrading one exercise, for one learner, keeps every other grade
    status, _, _ = run("grade", str(submissions), "--out", str(out), "--exercise", "faas", "--only", "ann")
    assert status == 0
    assert rows(out)["ann"] == ["ann", "0", "0", "0", "34", "graded"]
    recorded = json.loads((out / "ann" / "results.json").read_text())
    assert set(recorded["extra_data"]["exercises"]) == {"cold-starts", "faas"}
    assert len(recorded["tests"]) == 34
    assert "## cold-starts" in (out / "ann" / "feedback.md").read_text()
    status, stdout, _ = run("grade", str(submissions), "--out", str(out), "--exercise", "faas", "--force")
    assert status == 0
    assert "graded 2 submission(s), skipped 0" in stdout
    assert rows(out)["ann"] == ["ann", "0", "0", "0", "34", "graded"]  # not 0,,0,18
    assert rows(out)["ben"] == ["ben", "0", "0", "0", "34", "missing"]

    # unchanged: skipped; changed: named and regraded; gone: named, its row kept and marked
    stamp = (out / "ben" / "results.json").stat().st_mtime_ns
    put(submissions / "ann" / "faas" / "registration.py", STUB + "\n# edited after grading\n")
    (submissions / "ben" / "faas" / "registration.py").unlink()
    (submissions / "ben" / "faas").rmdir()
    (submissions / "ben").rename(tmp_path / "ben-withdrew")
    status, stdout, stderr = run("grade", str(submissions), "--out", str(out), *both)
    assert status == 0
    assert "ann: faas changed since it was graded; regrading it" in stderr
    assert "graded earlier but no longer in" in stderr
    assert ": ben (kept in grades.csv with status 'gone'" in stderr
    assert "graded 1 submission(s), skipped 0" in stdout
    assert rows(out)["ben"][-1] == "gone"
    assert (out / "ben" / "results.json").stat().st_mtime_ns == stamp

    status, stdout, stderr = run("grade", str(submissions), "--out", str(out), *both)
    assert "skipping 1 submission(s) already graded" in stderr
    assert "graded 0 submission(s), skipped 1" in stdout

    status, _, stderr = run("grade", str(submissions), "--out", str(out), "--only", "anne")
    assert status == 2
    assert stderr == f"error: --only 'anne': no such submission in {submissions}; did you mean 'ann'?\n"


def test_grade_and_grade_one_accept_the_same_layouts(tmp_path):
    layouts = {
        "hyphenated": "cold-starts/keep_alive.py",
        "top-level": "keep_alive.py",
        "course-copy": "exercises/cold_starts/keep_alive.py",
        "misnamed": "cold_starts/Keep_Alive.py",
    }
    for name, layout in layouts.items():
        put(tmp_path / "submissions" / name / layout, COLD_STUB)
    status, _, _ = run(
        "grade", str(tmp_path / "submissions"), "--out", str(tmp_path / "out"), "--exercise", "cold-starts"
    )
    assert status == 0
    for name in layouts:
        batch = json.loads((tmp_path / "out" / name / "results.json").read_text())
        status, _, _ = run(
            "grade-one",
            "cold-starts",
            "--submission",
            str(tmp_path / "submissions" / name),
            "--results",
            str(tmp_path / f"{name}.json"),
        )
        alone = json.loads((tmp_path / f"{name}.json").read_text())
        assert status == 0
        assert alone["extra_data"]["status"] == batch["extra_data"]["status"], name
        assert [t["status"] for t in alone["extra_data"]["tests"]] == [
            t["status"] for t in batch["extra_data"]["tests"]
        ]
        expected = "missing" if name == "misnamed" else "graded"
        assert batch["extra_data"]["status"] == expected, name
    alone = json.loads((tmp_path / "misnamed.json").read_text())["extra_data"]["exercises"]["cold-starts"]
    batch = json.loads((tmp_path / "out" / "misnamed" / "results.json").read_text())
    assert alone["message"] == (
        "your submission: cold_starts/ has no keep_alive.py; "
        "found cold_starts/Keep_Alive.py (name it keep_alive.py)"
    )
    assert batch["extra_data"]["exercises"]["cold-starts"]["message"] == (
        "misnamed/cold_starts/ has no keep_alive.py; "
        "found misnamed/cold_starts/Keep_Alive.py (name it keep_alive.py)"
    )


def test_a_fallback_out_of_the_sandbox_is_said_and_can_be_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "_bwrap_problem", lambda: "bubblewrap did not start: no user namespaces")
    put(tmp_path / "upload" / "registration.py", STUB)
    results = tmp_path / "results" / "results.json"
    status, stdout, _ = run(
        "grade-one", "faas", "--submission", str(tmp_path / "upload"), "--results", str(results)
    )
    assert status == 0
    warning = (
        "WARNING: the learner's code ran WITHOUT the bubblewrap sandbox (bubblewrap did not start: no user "
        "namespaces); it ran as a plain process (--require-sandbox makes this an error)"
    )
    assert stdout.splitlines()[0] == warning
    data = json.loads(results.read_text())
    assert data["output"].splitlines()[0] == warning
    assert "process only" in data["extra_data"]["isolation"]

    put(tmp_path / "class" / "ann" / "faas" / "registration.py", STUB)
    status, stdout, _ = run(
        "grade", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--exercise", "faas"
    )
    assert status == 0
    assert stdout.splitlines()[0] == warning
    assert f"> **{warning}**" in (tmp_path / "out" / "ann" / "feedback.md").read_text()

    for command in (
        [
            "grade-one",
            "faas",
            "--submission",
            str(tmp_path / "upload"),
            "--results",
            str(tmp_path / "r.json"),
        ],
        ["grade", str(tmp_path / "class"), "--out", str(tmp_path / "out2")],
        ["check", "faas"],
    ):
        status, _, stderr = run(*command, "--require-sandbox")
        assert status == 2
        assert stderr == "error: the sandbox is required but bubblewrap did not start: no user namespaces\n"
    assert not (tmp_path / "r.json").exists()


def test_every_process_the_learner_started_is_gone_before_the_score_is_written(tmp_path):
    """In a plain process (the fallback), the learner's code starts a detached daemon that keeps
    rewriting results.json to full marks, and a detached ``sleep``: both are killed before the
    score is written, and the score stays the one the grader decided."""
    results, pids, marker = tmp_path / "results.json", tmp_path / "pids", "777777.4242"
    daemon = f"""
import os, subprocess, time
subprocess.Popen(["sleep", "{marker}"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        with open({str(pids)!r}, "a") as handle:
            handle.write(f"{{os.getpid()}}\\n")
        while True:
            try:
                with open({str(results)!r}, "w") as handle:
                    handle.write('{{"score": 1000, "tests": []}}')
            except OSError:
                pass
            time.sleep(0.01)
    os._exit(0)
"""
    put(
        tmp_path / "upload" / "registration.py",
        STUB.replace("from typing import Any\n", "from typing import Any\n" + daemon, 1),
    )
    status, _, _ = run(
        "grade-one",
        "faas",
        "--isolation",
        "process",
        "--submission",
        str(tmp_path / "upload"),
        "--results",
        str(results),
    )
    assert status == 0
    started = [int(line) for line in pids.read_text().split()]
    assert started, "the daemon never started: the test proves nothing"
    assert [pid for pid in started if alive(pid)] == []
    assert running_with(marker) == []
    assert json.loads(results.read_text())["score"] == 0


def test_a_module_that_hangs_at_import_is_reported_once(tmp_path):
    put(tmp_path / "s" / "registration.py", "spins = 0\nwhile True:\n    spins += 1\n")
    exercise = load_exercise(FAAS)
    patient = Limits(timeout_s=10.0, memory_mb=1536, output_bytes=1_000_000, submission_s=120.0)
    with Grader(exercise, include_hidden=True, limits=patient) as grader:
        grade = grader.grade(tmp_path / "s", "looper")
    first, *rest = grade.results
    assert first.status == "timeout"
    assert "importing registration.py did not finish: code at its top level" in first.message
    assert "(registration.py, line" in first.message
    assert {r.status for r in rest} == {"timeout"}
    assert {r.message for r in rest} == {
        "not run: importing registration.py never finished (reported once, above)"
    }
    assert grade.seconds < 60.0  # not one test's timeout, let alone eighteen


def test_a_submission_has_a_time_budget_for_all_its_tests(tmp_path):
    put(
        tmp_path / "s" / "registration.py",
        STUB.replace(
            '    raise NotImplementedError("Task 1',
            '    import time; time.sleep(600)\n    raise NotImplementedError("Task 1',
            1,
        ),
    )
    tight = Limits(timeout_s=30.0, memory_mb=1536, output_bytes=1_000_000, submission_s=1.0)
    with Grader(load_exercise(FAAS), include_hidden=True, limits=tight) as grader:
        grade = grader.grade(tmp_path / "s", "sleeper")
    assert {r.status for r in grade.results} == {"timeout"}
    assert {r.message for r in grade.results} == {
        "not run: the submission used up its time budget for this exercise (1 s for all tests together)"
    }
    assert grade.seconds < 30.0


def test_closing_a_worker_whose_learner_left_a_process_is_clean(tmp_path):
    """A process outside the worker's process group holds the worker's output pipes open: closing
    kills it, and the reader threads end without "I/O operation on closed file"."""
    marker = "888888.4242"
    errors: list[threading.ExceptHookArgs] = []
    previous = threading.excepthook
    threading.excepthook = errors.append
    try:

        def spawn(command: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
            wrapped = ["bash", "-c", f'setsid sleep {marker} & exec "$@"', "bash", *command]
            return subprocess.Popen(wrapped, **kwargs)  # type: ignore[call-overload,no-any-return]

        for _ in range(3):
            worker = _Worker(load_exercise(FAAS), Isolation("process"), spawn)
            assert running_with(marker)
            worker.close()
            assert running_with(marker) == []
    finally:
        threading.excepthook = previous
    assert errors == []


def test_check_in_a_notebook_shows_task_titles_for_a_hyphenated_exercise():
    grade = check("cold-starts")
    exercise = load_exercise(COLD)
    page = grade._repr_html_()
    for task in exercise.tasks:
        assert f"{task.number}. {task.title}" in page


def test_feedback_shows_hidden_tests_messages_only_when_asked(tmp_path):
    put(tmp_path / "class" / "ann" / "faas" / "registration.py", STUB)
    out = tmp_path / "out"
    assert run("grade", str(tmp_path / "class"), "--out", str(out), "--exercise", "faas")[0] == 0
    feedback = (out / "ann" / "feedback.md").read_text()
    hidden_block = feedback.split("eight simultaneous sign-ups of one email")[1].split("- **")[0]
    assert "not shown until the instructor publishes it" in hidden_block
    assert (
        run("grade", str(tmp_path / "class"), "--out", str(out), "--exercise", "faas", "--show-hidden")[0]
        == 0
    )
    feedback = (out / "ann" / "feedback.md").read_text()
    hidden_block = feedback.split("eight simultaneous sign-ups of one email")[1].split("- **")[0]
    assert "not implemented yet: Task 3" in hidden_block


def test_choose_isolation_refuses_a_contradiction():
    with pytest.raises(RuntimeError, match="contradicts"):
        choose_isolation("process", require_sandbox=True)
    assert signal.SIGPROF  # the import budget's timer exists on this platform


def test_the_learner_runs_as_an_unprivileged_user_where_the_platform_allows(monkeypatch):
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:  # pytest's own tmp_path is private
        private = Path(folder)
        (private / "bin").mkdir()
        (private / "bin" / "python").write_text("")
        (private / "bin" / "python").chmod(0o644)
        private.chmod(0o700)
        assert not engine._world_reachable(private / "bin" / "python")
        private.chmod(0o755)
        assert engine._world_reachable(private / "bin" / "python")

    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(engine, "_unprivileged_can_run", lambda: None)
    uid = engine._learner_uid()
    assert uid is not None
    assert uid in engine.LEARNER_UIDS
    assert "bubblewrap as an unprivileged user" in Isolation("bwrap").describe()
    monkeypatch.setattr(
        engine, "_unprivileged_can_run", lambda: "/root/python is not readable by other users"
    )
    assert engine._learner_uid() is None
    assert "as root: no unprivileged user can run the grader's Python here" in Isolation("bwrap").describe()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert engine._learner_uid() is None
