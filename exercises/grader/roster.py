"""Gradebooks and deadlines: a class roster, a Canvas gradebook CSV, submission times against a deadline.

- Roster: a CSV with the columns ``submission,student_id,name,section`` (the submission folder's name,
  then who it is). :func:`roster_problems` names roster students with no submission and submissions not
  on the roster.
- Canvas: :func:`canvas_csv` writes the columns Canvas's gradebook import expects (``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per assignment, with a
  ``Points Possible`` row); the roster's student id goes in ``SIS User ID``, which Canvas matches on
  (``ID`` is Canvas's own user id, which the course does not know, so it stays empty). An assignment
  column is matched by a trailing ``(assignment id)``, else by its exact title, else Canvas creates a new
  assignment: :func:`read_canvas_assignments` reads which Canvas column each exercise fills.
- Deadlines: a submission's time comes from ``submitted_at`` in its ``manifest.json`` (ISO 8601, as an
  LMS download or a submission script records it), else from the newest modification time of its files.
  :func:`lateness` applies a penalty per started day late, capped.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from patterns.lab.exceptions import LabError

__all__ = [
    "CANVAS_COLUMNS",
    "MANIFEST",
    "Late",
    "Student",
    "canvas_csv",
    "lateness",
    "parse_time",
    "read_canvas_assignments",
    "read_roster",
    "roster_problems",
    "submission_time",
    "with_lateness",
]

ROSTER_COLUMNS = ("submission", "student_id", "name", "section")
ASSIGNMENT_COLUMNS = ("exercise", "assignment")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MANIFEST = "manifest.json"
DAY_S = 86_400.0


@dataclass(frozen=True)
class Student:
    submission: str
    student_id: str
    name: str
    section: str


def read_roster(path: Path) -> dict[str, Student]:
    """The roster, by submission folder name; a :class:`LabError` names a malformed file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise LabError(f"roster {path}: {error.strerror or error}") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ROSTER_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise LabError(
            f"roster {path}: missing column(s) {', '.join(missing)} (expected {','.join(ROSTER_COLUMNS)})"
        )
    students: dict[str, Student] = {}
    for line, row in enumerate(reader, start=2):
        folder = (row["submission"] or "").strip()
        if not folder:
            raise LabError(f"roster {path}, line {line}: no submission folder")
        if folder in students:
            raise LabError(f"roster {path}, line {line}: submission {folder!r} is listed twice")
        students[folder] = Student(
            folder,
            (row["student_id"] or "").strip(),
            (row["name"] or "").strip(),
            (row["section"] or "").strip(),
        )
    return students


def read_canvas_assignments(path: Path, exercises: Sequence[str]) -> dict[str, str]:
    """Which Canvas assignment column each exercise fills: a CSV ``exercise,assignment`` whose second
    column is the header of Canvas's gradebook export (``Title (id)``); a :class:`LabError` names a
    malformed file, an unknown exercise or an assignment given twice."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise LabError(f"Canvas assignments {path}: {error.strerror or error}") from None
    reader = csv.DictReader(io.StringIO(text))
    if list(reader.fieldnames or [])[:2] != list(ASSIGNMENT_COLUMNS):
        raise LabError(
            f"Canvas assignments {path}: the header is {','.join(reader.fieldnames or [])!r}, "
            f"expected {','.join(ASSIGNMENT_COLUMNS)}"
        )
    columns: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        slug, column = (row["exercise"] or "").strip(), (row["assignment"] or "").strip()
        if slug not in exercises:
            close = difflib.get_close_matches(slug, exercises, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"the exercises: {', '.join(exercises)}"
            raise LabError(
                f"Canvas assignments {path}, line {line}: {slug!r} is not an exercise of this course; {hint}"
            )
        if not column:
            raise LabError(f"Canvas assignments {path}, line {line}: no assignment for {slug!r}")
        if slug in columns:
            raise LabError(f"Canvas assignments {path}, line {line}: {slug!r} is listed twice")
        if column in columns.values():
            raise LabError(f"Canvas assignments {path}, line {line}: {column!r} is given to two exercises")
        columns[slug] = column
    return columns


def roster_problems(roster: Mapping[str, Student], submissions: Sequence[str]) -> tuple[list[str], list[str]]:
    """(roster students with no submission, as ``folder (name)``; submissions not on the roster)."""
    present = set(submissions)
    absent = [
        f"{s.submission} ({s.name})" if s.name else s.submission
        for s in roster.values()
        if s.submission not in present
    ]
    strangers = sorted(name for name in present if name not in roster)
    return sorted(absent), strangers


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; one without a zone is taken as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise LabError(f"{text!r} is not an ISO 8601 time (e.g. 2026-12-04T23:59:00+00:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def submission_time(folder: Path) -> tuple[datetime | None, str]:
    """When a submission was handed in, and where that came from (``manifest`` or ``file times``)."""
    manifest = folder / MANIFEST
    if manifest.is_file():
        try:
            data: Any = json.loads(manifest.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("submitted_at"), str):
                return parse_time(data["submitted_at"]), "manifest"
        except (OSError, json.JSONDecodeError, LabError):
            pass
    times = [p.stat().st_mtime for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST]
    if not times:
        return None, ""
    return datetime.fromtimestamp(max(times), tz=UTC), "file times"


@dataclass(frozen=True)
class Late:
    """A submission's time against the deadline: days late (started days) and the penalty (0 to 1)."""

    submitted_at: str
    source: str
    days_late: int
    penalty: float


def lateness(
    submitted: datetime | None, source: str, deadline: datetime, penalty_per_day: float, cap: float = 1.0
) -> Late:
    """``penalty_per_day`` (a fraction) for each started day after ``deadline``, at most ``cap``."""
    if submitted is None:
        return Late("", "", 0, 0.0)
    late_s = (submitted - deadline).total_seconds()
    days = math.ceil(late_s / DAY_S) if late_s > 0 else 0
    return Late(
        submitted.astimezone(UTC).isoformat(timespec="seconds"),
        source,
        days,
        round(min(cap, days * penalty_per_day), 4),
    )


def canvas_csv(
    results: Sequence[Mapping[str, Any]],
    exercise_order: Sequence[str],
    roster: Mapping[str, Student],
    late: Mapping[str, Late] | None = None,
    assignments: Mapping[str, str] | None = None,
) -> str:
    """Canvas's gradebook import: a header, a ``Points Possible`` row, then one row per student with a
    score per exercise (after the late penalty). Without a roster entry the folder name stands in
    ``Student`` and ``SIS Login ID``, to be matched by hand. An exercise's column is named by
    ``assignments`` (its Canvas assignment), else by its slug."""
    late = late or {}
    assignments = assignments or {}
    maxima: dict[str, float] = {}
    for data in results:
        for slug, record in data["extra_data"].get("exercises", {}).items():
            maxima[slug] = max(maxima.get(slug, 0.0), float(record.get("max_score", 0.0)))
    slugs = [s for s in exercise_order if s in maxima] + sorted(set(maxima) - set(exercise_order))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CANVAS_COLUMNS, *(assignments.get(s, s) for s in slugs)])
    writer.writerow(["Points Possible", "", "", "", "", *(f"{maxima[s]:g}" for s in slugs)])
    for data in results:
        extra = data["extra_data"]
        folder = str(extra["submission"])
        student = roster.get(folder)
        keep = 1.0 - (late[folder].penalty if folder in late else 0.0)
        exercises = extra.get("exercises", {})
        scores = [
            f"{round(float(exercises[s]['score']) * keep, 2):g}" if s in exercises else "" for s in slugs
        ]
        if student:
            writer.writerow([student.name, "", student.student_id, "", student.section, *scores])
        else:
            writer.writerow([folder, "", "", folder, "", *scores])
    return buffer.getvalue()


def with_lateness(grades: str, late: Mapping[str, Late]) -> str:
    """grades.csv (as :func:`reports.grades_csv` writes it) with four more columns: ``submitted_at``,
    ``days_late``, ``late_penalty`` (a fraction) and ``final`` (the total after the penalty)."""
    bom = "\ufeff" if grades.startswith("\ufeff") else ""
    rows = list(csv.reader(io.StringIO(grades.removeprefix("\ufeff"))))
    if not rows:
        return grades
    header, body = rows[0], rows[1:]
    total = header.index("total")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*header, "submitted_at", "days_late", "late_penalty", "final"])
    for row in body:
        entry = late.get(row[0])
        if entry is None or not entry.submitted_at:
            writer.writerow([*row, "", "", "", row[total]])
            continue
        final = round(float(row[total] or 0) * (1.0 - entry.penalty), 2)
        writer.writerow([*row, entry.submitted_at, entry.days_late, f"{entry.penalty:g}", f"{final:g}"])
    return bom + buffer.getvalue()
