"""What grades look like to people: the learner's text and notebook views, Gradescope's results.json,
the feedback file and the instructor's grades.csv; written atomically."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from exercises.grader.model import STATUS_WORDS, Exercise, Grade, Status, TestResult, grade_html

__all__ = [
    "ExerciseStatus",
    "GradedExercise",
    "check_text",
    "feedback_markdown",
    "grade_html",
    "graded_from_results",
    "grades_csv",
    "read_results",
    "results_json",
    "submission_status",
    "write_atomic",
]

# missing: the learner's files are not in the submission; ambiguous: two copies of one; error: the grader
ExerciseStatus = Literal["passed", "graded", "missing", "ambiguous", "error"]
SUBMISSION_STATUS_ORDER = ("error", "ambiguous", "missing")
OUTPUT_LINES = 10
BOM = "\ufeff"  # grades.csv starts with it: Excel then reads UTF-8 (learners' names are not all ASCII)
HIDDEN_NOT_SHOWN = (
    "(a hidden test: what it called and expected is not shown until the instructor publishes it)"
)
FILE_MODE = 0o644  # a temporary file is private; what it becomes is an ordinary file


@dataclass(frozen=True)
class GradedExercise:
    """One exercise of one submission: its grade, whether it was graded, missing or broke the grader, and
    the fingerprints resuming compares (the learner's files, the exercise's tests)."""

    exercise: Exercise
    grade: Grade
    status: ExerciseStatus
    files_sha256: str = ""
    exercise_sha256: str = ""


def _points(value: float) -> str:
    return f"{value:g}"


def _numbered(grade: Grade, prefix: str = "") -> list[tuple[str, TestResult]]:
    """Each result, task by task, with its Gradescope number ``task.n`` (n counts within the task),
    after ``prefix`` (the exercise's number when a results.json holds several: unique numbers)."""
    return [
        (f"{prefix}{task}.{n}", result)
        for task, results in grade.by_task().items()
        for n, result in enumerate(results, start=1)
    ]


def _tail(text: str, lines: int = OUTPUT_LINES) -> list[str]:
    return text.rstrip().splitlines()[-lines:] if text.strip() else []


def check_text(exercise: Exercise, grade: Grade, checked: str) -> str:
    """The learner's self-check, as text: per task each public test's status and message, then the score."""
    lines = [f"{exercise.slug}: {exercise.title}", f"Checked: {checked} (public tests)", ""]
    if grade.error:
        lines += [f"Could not run the tests: {grade.error}", ""]
    for task, results in grade.by_task().items():
        lines.append(f"Task {task}: {exercise.task_title(task)}")
        for result in results:
            lines.append(f"  {STATUS_WORDS[result.status]:<8} {result.name}")
            if result.status != "passed":
                lines += [f"             {line}" for line in result.message.splitlines()]
                output = _tail(result.output)
                if output:
                    lines.append("             your code printed (last lines):")
                    lines += [f"               | {line}" for line in output]
        lines.append("")
    passed = sum(r.status == "passed" for r in grade.results)
    lines.append(
        f"Score on public tests: {_points(grade.score)}/{_points(grade.max_score)} "
        f"({passed} of {len(grade.results)} tests passed)"
    )
    if grade.hidden_not_run:
        lines.append(
            f"{grade.hidden_not_run} hidden tests not run (the instructor's grading runs them: "
            "more checks of the same tasks)"
        )
    lines.append(f"Isolation: {grade.isolation}")
    lines.append(f"Time: {grade.seconds:.1f} s")
    return "\n".join(lines) + "\n"


def submission_status(graded: Iterable[GradedExercise]) -> str:
    """The worst status of its exercises: ``error``, ``ambiguous``, ``missing``, else ``graded``."""
    statuses = {g.status for g in graded}
    return next((status for status in SUBMISSION_STATUS_ORDER if status in statuses), "graded")


def _test_output(result: TestResult) -> str:
    text = result.message
    output = _tail(result.output)
    if output and result.status != "passed":
        text += "\n\nYour code printed (last lines):\n" + "\n".join(output)
    return text


def results_json(
    submission: str, graded: Sequence[GradedExercise], seconds: float, *, warning: str = ""
) -> dict[str, Any]:
    """Gradescope's results.json for one submission (public tests visible, hidden ones after publishing).

    Test numbers are unique: ``task.n``, prefixed with the exercise's position when there are several.
    ``extra_data`` holds what grades.csv and a later partial regrade are rebuilt from: the isolation,
    each exercise's score, status and fingerprints, and every test's own record (timeout, crashed...
    which Gradescope's pass/fail cannot say). ``warning`` (a sandbox fallback) heads the output.
    """
    several = len(graded) > 1
    tests: list[dict[str, Any]] = []
    extra_tests: list[dict[str, Any]] = []
    summary = [warning] if warning else []
    for position, item in enumerate(graded, start=1):
        grade = item.grade
        summary.append(
            f"{item.exercise.slug}: {_points(grade.score)}/{_points(grade.max_score)} ({item.status})"
            + (f": {grade.error}" if grade.error else "")
        )
        for number, result in _numbered(grade, f"{position}." if several else ""):
            name = f"{item.exercise.slug}: {result.name}" if several else result.name
            tests.append(
                {
                    "name": name,
                    "number": number,
                    "score": result.points,
                    "max_score": result.max_points,
                    "status": "passed" if result.status == "passed" else "failed",
                    "output": _test_output(result),
                    "visibility": "after_published" if result.hidden else "visible",
                }
            )
            extra_tests.append(
                {
                    "exercise": item.exercise.slug,
                    "number": number,
                    "name": result.name,
                    "task": result.task,
                    "status": result.status,
                    "points": result.points,
                    "max_points": result.max_points,
                    "hidden": result.hidden,
                    "seconds": round(result.seconds, 3),
                    "message": result.message,
                    "output": result.output,
                }
            )
    isolations = sorted({g.grade.isolation for g in graded if g.grade.isolation})
    return {
        "score": sum(g.grade.score for g in graded),
        "execution_time": math.ceil(seconds),
        "output": "\n".join(summary),
        "tests": tests,
        "extra_data": {
            "submission": submission,
            "status": submission_status(graded),
            "isolation": "; ".join(isolations),
            "warning": warning,
            "seconds": round(seconds, 3),
            "exercises": {
                g.exercise.slug: {
                    "title": g.exercise.title,
                    "score": g.grade.score,
                    "max_score": g.grade.max_score,
                    "status": g.status,
                    "message": g.grade.error or "",
                    "seconds": round(g.grade.seconds, 3),
                    "isolation": g.grade.isolation,
                    "files_sha256": g.files_sha256,
                    "exercise_sha256": g.exercise_sha256,
                }
                for g in graded
            },
            "tests": extra_tests,
        },
    }


def graded_from_results(data: dict[str, Any], exercise: Exercise) -> GradedExercise | None:
    """The grade of ``exercise`` as a results.json written earlier recorded it (None if it holds none):
    what regrading another exercise of the same submission keeps."""
    extra = data.get("extra_data") if isinstance(data, dict) else None
    if not isinstance(extra, dict):
        return None
    record = extra.get("exercises", {}).get(exercise.slug)
    if not isinstance(record, dict):
        return None
    try:
        grade = Grade(
            exercise.slug,
            str(extra["submission"]),
            isolation=str(record.get("isolation", "")),
            seconds=float(record.get("seconds", 0.0)),
            error=str(record["message"]) or None,
            task_titles={task.number: task.title for task in exercise.tasks},
        )
        grade.results = [
            TestResult(
                str(test["name"]),
                int(test["task"]),
                float(test["points"]),
                float(test["max_points"]),
                cast(Status, test["status"]),
                str(test["message"]),
                bool(test["hidden"]),
                float(test["seconds"]),
                str(test.get("output", "")),
            )
            for test in extra["tests"]
            if test.get("exercise") == exercise.slug
        ]
        return GradedExercise(
            exercise,
            grade,
            cast(ExerciseStatus, record["status"]),
            str(record.get("files_sha256", "")),
            str(record.get("exercise_sha256", "")),
        )
    except (KeyError, TypeError, ValueError):
        return None  # written by an older grader: it cannot be kept, so the exercise is regraded


def feedback_markdown(
    submission: str, graded: Sequence[GradedExercise], *, show_hidden: bool = False, warning: str = ""
) -> str:
    """Readable feedback: per exercise and task, what passed and each failure's message. A hidden test's
    message (what it called, what it expected) follows its visibility: shown only with ``show_hidden``
    (after the deadline)."""
    total = sum(g.grade.score for g in graded)
    maximum = sum(g.grade.max_score for g in graded)
    lines = [f"# Feedback for {submission}", ""]
    if warning:
        lines += [f"> **{warning}**", ""]
    lines += [f"**Total: {_points(total)} / {_points(maximum)}**", ""]
    for item in graded:
        grade, exercise = item.grade, item.exercise
        lines += [
            f"## {exercise.slug}: {exercise.title}",
            "",
            f"Score: {_points(grade.score)} / {_points(grade.max_score)} ({item.status})",
            "",
        ]
        if grade.error:
            lines += [f"> {grade.error}", ""]
        for task, results in grade.by_task().items():
            task_score = sum(r.points for r in results)
            task_max = sum(r.max_points for r in results)
            lines += [
                f"### Task {task}: {exercise.task_title(task)} ({_points(task_score)} / {_points(task_max)})",
                "",
            ]
            for result in results:
                hidden = " *(hidden test)*" if result.hidden else ""
                mark = "passed" if result.status == "passed" else result.status.upper()
                lines.append(f"- **{mark}**: {result.name}{hidden}")
                if result.status != "passed" and not grade.error:
                    shown = _test_output(result) if show_hidden or not result.hidden else HIDDEN_NOT_SHOWN
                    lines += ["", "  ```text", *(f"  {line}" for line in shown.splitlines()), "  ```"]
            lines.append("")
    isolations = sorted({g.grade.isolation for g in graded if g.grade.isolation})
    if isolations:
        lines += [f"Isolation: {'; '.join(isolations)}", ""]
    return "\n".join(lines)


def read_results(out: Path) -> list[dict[str, Any]]:
    """Every readable ``<out>/<submission>/results.json``, sorted by submission."""
    found = []
    for path in sorted(out.glob("*/results.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and isinstance(data.get("extra_data"), dict):
            data["extra_data"].setdefault("submission", path.parent.name)
            found.append(data)
    return sorted(found, key=lambda d: str(d["extra_data"]["submission"]))


def grades_csv(
    results: Sequence[dict[str, Any]], exercise_order: Sequence[str] = (), gone: Iterable[str] = ()
) -> str:
    """grades.csv: a row per submission with a score per exercise, the total, the maximum and the status,
    after a UTF-8 byte order mark (Excel reads it as UTF-8).

    A cell is empty where that submission was not graded on that exercise. A submission in ``gone``
    (graded earlier, its folder no longer there) keeps its row with status ``gone``: never a silent grade.
    """
    absent = set(gone)
    seen = {slug for data in results for slug in data["extra_data"].get("exercises", {})}
    slugs = [s for s in exercise_order if s in seen] + sorted(seen - set(exercise_order))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", *slugs, "total", "max", "status"])
    for data in results:
        extra = data["extra_data"]
        exercises = extra.get("exercises", {})
        scores = [_points(exercises[s]["score"]) if s in exercises else "" for s in slugs]
        total = sum(float(e["score"]) for e in exercises.values())
        maximum = sum(float(e["max_score"]) for e in exercises.values())
        status = "gone" if extra["submission"] in absent else extra.get("status", "")
        writer.writerow([extra["submission"], *scores, _points(total), _points(maximum), status])
    return BOM + buffer.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, before the rename
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, FILE_MODE)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
