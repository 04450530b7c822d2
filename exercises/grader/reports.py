"""What grades look like to people: the learner's text and notebook views, Gradescope's results.json,
the feedback file and the instructor's grades.csv; written atomically."""

from __future__ import annotations

import csv
import html
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from exercises.grader.engine import COURSE_ROOT
from exercises.grader.model import Exercise, ExerciseError, Grade, TestResult, load_exercise

__all__ = [
    "ExerciseStatus",
    "GradedExercise",
    "check_text",
    "feedback_markdown",
    "grade_html",
    "grades_csv",
    "read_results",
    "results_json",
    "submission_status",
    "write_atomic",
]

ExerciseStatus = Literal["passed", "graded", "missing", "error"]

STATUS_WORDS = {
    "passed": "pass",
    "failed": "fail",
    "timeout": "timeout",
    "crashed": "crashed",
    "error": "error",
}
STATUS_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "timeout": "#9a6700", "crashed": "#8250df"}
OUTPUT_LINES = 10
FILE_MODE = 0o644  # a temporary file is private; what it becomes is an ordinary file


@dataclass(frozen=True)
class GradedExercise:
    """One exercise of one submission: its grade, and whether it was graded, missing or broke the grader."""

    exercise: Exercise
    grade: Grade
    status: ExerciseStatus


def _points(value: float) -> str:
    return f"{value:g}"


def _task_titles(slug: str) -> dict[int, str]:
    """Task titles of the course's exercise ``slug`` (empty if it cannot be read: titles are a nicety)."""
    try:
        exercise = load_exercise(COURSE_ROOT / "exercises" / slug)
    except ExerciseError:
        return {}
    return {task.number: task.title for task in exercise.tasks}


def _numbered(grade: Grade) -> list[tuple[str, TestResult]]:
    """Each result, task by task, with its Gradescope number ``task.n`` (n counts within the task)."""
    return [
        (f"{task}.{n}", result)
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


def grade_html(grade: Grade) -> str:
    """A grade as an HTML table (task, test, status, points, message) under a summary line."""
    titles = _task_titles(grade.exercise)
    passed = sum(r.status == "passed" for r in grade.results)
    summary = (
        f"<b>{html.escape(grade.exercise)}</b>: {_points(grade.score)}/{_points(grade.max_score)} points, "
        f"{passed} of {len(grade.results)} tests passed"
    )
    if grade.hidden_not_run:
        summary += f"; {grade.hidden_not_run} hidden tests not run"
    summary += f" ({grade.seconds:.1f} s)"
    cell = "border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top"
    rows = []
    for task, results in grade.by_task().items():
        task_label = html.escape(f"{task}. {titles.get(task, f'Task {task}')}")
        for result in results:
            colour = STATUS_COLOURS.get(result.status, "#cf222e")
            name = html.escape(result.name) + (" <i>(hidden)</i>" if result.hidden else "")
            message = html.escape(result.message)
            rows.append(
                f'<tr><td style="{cell}">{task_label}</td><td style="{cell}">{name}</td>'
                f'<td style="{cell};color:{colour};font-weight:bold">{STATUS_WORDS[result.status]}</td>'
                f'<td style="{cell}">{_points(result.points)}/{_points(result.max_points)}</td>'
                f'<td style="{cell}"><pre style="margin:0;white-space:pre-wrap">{message}</pre></td></tr>'
            )
    header = "".join(f'<th style="{cell}">{h}</th>' for h in ("task", "test", "status", "points", "message"))
    error = f'<p style="color:#cf222e">{html.escape(grade.error)}</p>' if grade.error else ""
    isolation = f'<p style="color:#57606a;font-size:smaller">isolation: {html.escape(grade.isolation)}</p>'
    return (
        f'<div><p>{summary}</p>{error}<table style="border-collapse:collapse"><thead><tr>{header}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>{isolation}</div>"
    )


def submission_status(graded: Iterable[GradedExercise]) -> str:
    """``error`` if grading any exercise broke, else ``missing`` if any is missing, else ``graded``."""
    statuses = {g.status for g in graded}
    if "error" in statuses:
        return "error"
    return "missing" if "missing" in statuses else "graded"


def _test_output(result: TestResult) -> str:
    text = result.message
    output = _tail(result.output)
    if output and result.status != "passed":
        text += "\n\nYour code printed (last lines):\n" + "\n".join(output)
    return text


def results_json(submission: str, graded: Sequence[GradedExercise], seconds: float) -> dict[str, Any]:
    """Gradescope's results.json for one submission (public tests visible, hidden ones after publishing).

    ``extra_data`` holds what grades.csv is rebuilt from: the isolation, each exercise's score and
    status, and every test's own status (timeout, crashed... which Gradescope's pass/fail cannot say).
    """
    several = len(graded) > 1
    tests: list[dict[str, Any]] = []
    extra_tests: list[dict[str, Any]] = []
    summary = []
    for item in graded:
        grade = item.grade
        summary.append(
            f"{item.exercise.slug}: {_points(grade.score)}/{_points(grade.max_score)} ({item.status})"
            + (f": {grade.error}" if grade.error else "")
        )
        for number, result in _numbered(grade):
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
                    "status": result.status,
                    "hidden": result.hidden,
                    "seconds": round(result.seconds, 3),
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
            "seconds": round(seconds, 3),
            "exercises": {
                g.exercise.slug: {
                    "title": g.exercise.title,
                    "score": g.grade.score,
                    "max_score": g.grade.max_score,
                    "status": g.status,
                    "message": g.grade.error or "",
                    "seconds": round(g.grade.seconds, 3),
                }
                for g in graded
            },
            "tests": extra_tests,
        },
    }


def feedback_markdown(submission: str, graded: Sequence[GradedExercise]) -> str:
    """Readable feedback: per exercise and task, what passed and each failure's message (hidden ones too)."""
    total = sum(g.grade.score for g in graded)
    maximum = sum(g.grade.max_score for g in graded)
    lines = [f"# Feedback for {submission}", "", f"**Total: {_points(total)} / {_points(maximum)}**", ""]
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
                    lines += [
                        "",
                        "  ```text",
                        *(f"  {line}" for line in _test_output(result).splitlines()),
                        "  ```",
                    ]
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


def grades_csv(results: Sequence[dict[str, Any]], exercise_order: Sequence[str] = ()) -> str:
    """grades.csv: a row per submission with a score per exercise, the total, the maximum and the status.

    A cell is empty where that submission was not graded on that exercise.
    """
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
        writer.writerow(
            [extra["submission"], *scores, _points(total), _points(maximum), extra.get("status", "")]
        )
    return buffer.getvalue()


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
