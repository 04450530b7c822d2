"""The instructor's commands around grading: ``report`` (class analytics) and the gradebook options of
``grade`` (``--roster``, ``--deadline``, ``--late-penalty``, ``--late-cap``, ``--canvas-assignments``;
a Canvas CSV beside grades.csv). The command line (:mod:`exercises.grader.cli`) imports this module
when it needs it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exercises.grader.analytics import (
    SIMILARITY_THRESHOLD,
    ClassReport,
    class_report,
    groups,
    similar_pairs,
    write_report,
)
from exercises.grader.layouts import course_exercises, locate_files
from exercises.grader.reports import read_results, write_atomic
from exercises.grader.roster import (
    Late,
    Student,
    canvas_csv,
    lateness,
    parse_time,
    read_canvas_assignments,
    read_roster,
    roster_problems,
    submission_time,
    with_lateness,
)
from patterns.lab.exceptions import LabError

__all__ = ["Gradebooks", "add_gradebook_options", "build_report", "run_report"]


def add_gradebook_options(run: argparse.ArgumentParser) -> None:
    """``grade``'s roster, deadline and late-penalty options."""
    run.add_argument(
        "--roster",
        help="a CSV (submission,student_id,name,section): names who handed nothing in and who is not "
        "on it, and fills canvas.csv",
    )
    run.add_argument(
        "--deadline",
        help="ISO 8601 time (e.g. 2026-12-04T23:59:00+00:00); a submission's time comes from "
        "submitted_at in its manifest.json, else its files' newest modification time",
    )
    run.add_argument(
        "--late-penalty",
        type=float,
        default=10.0,
        help="percent of the marks taken per started day late (default 10)",
    )
    run.add_argument("--late-cap", type=float, default=100.0, help="the most percent taken (default 100)")
    run.add_argument(
        "--canvas-assignments",
        help="a CSV (exercise,assignment): the Canvas column each exercise fills in canvas.csv, as Canvas's "
        "gradebook export heads it, e.g. 'Pattern 01: FaaS (4312)' (default: the exercise's slug, which "
        "Canvas imports as a new assignment)",
    )


@dataclass
class Gradebooks:
    """The roster and deadline of a ``grade`` run, read before grading (a bad file fails at once)."""

    roster: dict[str, Student] = field(default_factory=dict)
    deadline: Any = None
    penalty_per_day: float = 0.0
    cap: float = 1.0
    assignments: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Gradebooks:
        roster = read_roster(Path(args.roster)) if getattr(args, "roster", None) else {}
        assignments = (
            read_canvas_assignments(Path(args.canvas_assignments), [e.slug for e in course_exercises()])
            if getattr(args, "canvas_assignments", None)
            else {}
        )
        deadline = parse_time(args.deadline) if getattr(args, "deadline", None) else None
        penalty = float(getattr(args, "late_penalty", 10.0))
        cap = float(getattr(args, "late_cap", 100.0))
        if not 0 <= penalty <= 100 or not 0 <= cap <= 100:
            raise LabError(f"--late-penalty and --late-cap are percentages (0 to 100), got {penalty}, {cap}")
        return cls(roster, deadline, penalty / 100, cap / 100, assignments)

    def late(self, folder: Path, names: Sequence[str]) -> dict[str, Late]:
        if self.deadline is None:
            return {}
        found = {}
        for name in names:
            if (folder / name).is_dir():
                when, source = submission_time(folder / name)
                found[name] = lateness(when, source, self.deadline, self.penalty_per_day, self.cap)
        return found

    def write(
        self,
        folder: Path,
        out: Path,
        results: Sequence[Mapping[str, Any]],
        exercise_order: Sequence[str],
        grades: str,
    ) -> None:
        """grades.csv (with the lateness columns when there is a deadline) and canvas.csv; print the
        roster's absentees and strangers to stderr."""
        names = [str(r["extra_data"]["submission"]) for r in results]
        late = self.late(folder, names)
        if self.deadline is not None:
            write_atomic(out / "grades.csv", with_lateness(grades, late))
            overdue = sum(entry.days_late > 0 for entry in late.values())
            print(f"deadline {self.deadline.isoformat()}: {overdue} submission(s) late", file=sys.stderr)
        write_atomic(
            out / "canvas.csv", canvas_csv(results, exercise_order, self.roster, late, self.assignments)
        )
        if self.roster:
            present = [p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))]
            absent, strangers = roster_problems(self.roster, present)
            if absent:
                print(f"on the roster, no submission: {', '.join(absent)}", file=sys.stderr)
            if strangers:
                print(f"submitted, not on the roster: {', '.join(strangers)}", file=sys.stderr)


def build_report(
    grades_dir: Path, submissions_dir: Path | None = None, threshold: float = SIMILARITY_THRESHOLD
) -> ClassReport:
    """The class analytics of a grades folder; with the submissions folder, also the submissions alike
    (pairs sharing ``threshold`` or more of their fingerprints)."""
    results = read_results(grades_dir)
    if not results:
        raise LabError(f"{grades_dir} holds no <submission>/results.json: grade the class first")
    report = class_report(results)
    if submissions_dir is not None:
        if not submissions_dir.is_dir():
            raise LabError(f"{submissions_dir} is not a folder of submissions")
        course = course_exercises()
        graded, nobody = {e.slug for e in report.exercises}, set(report.nobody())
        names = [str(r["extra_data"]["submission"]) for r in results]
        for exercise in course:
            if exercise.slug not in graded or exercise.kind != "code" or exercise.slug in nobody:
                continue
            sources = {}
            for name in names:
                if not (submissions_dir / name).is_dir():
                    continue
                located = locate_files(submissions_dir / name, exercise, course)
                if located.files:
                    sources[name] = "\n".join(
                        p.read_text(encoding="utf-8", errors="replace")
                        for _, p in sorted(located.files.items())
                    )
            template = "\n".join(
                (exercise.root / f).read_text(encoding="utf-8")
                for f in exercise.files
                if (exercise.root / f).is_file()
            )
            report.similar += similar_pairs(exercise.slug, sources, template, threshold)
        report.similarity_checked = True
    return report


def run_report(args: argparse.Namespace) -> int:
    grades_dir, out = Path(args.grades_dir), Path(args.out)
    submissions = Path(args.submissions) if args.submissions else None
    report = build_report(grades_dir, submissions)
    written = write_report(report, out)
    print(f"{report.submissions} submission(s); wrote {', '.join(str(p) for p in written)}")
    if report.nobody():
        print(f"no submission holds {len(report.nobody())} exercise(s): {', '.join(report.nobody())}")
    for summary in report.handed_in():
        counts = ", ".join(f"{k} {v}" for k, v in summary.statuses.items() if v)
        print(f"{summary.slug}: {counts}")
    if report.tests:
        hardest = report.tests[0]
        print(
            f"hardest test: {hardest.exercise}: {hardest.name} ({100 * hardest.pass_rate:.0f}% pass)"
            + (f"; most often: {hardest.common_failure}" if hardest.common_failure else "")
        )
    if report.similarity_checked:
        print(
            f"{len(report.similar)} pair(s) of submissions alike in {len(groups(report.similar))} group(s), "
            "to review (never penalised)"
        )
    return 0
