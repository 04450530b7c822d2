"""``python -m exercises``: the learner's self-check, official grading, the student release, a Gradescope
bundle and the course's own verification; ``check`` is the same self-check for notebooks."""

from __future__ import annotations

import argparse
import ast
import contextlib
import difflib
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO, cast

from exercises.grader.engine import (
    COURSE_ROOT,
    Grader,
    Isolation,
    check_submission,
    choose_isolation,
    grade_submission,
)
from exercises.grader.layouts import (
    MAX_NAMES_SHOWN,
    Located,
    available_slugs,
    course_exercises,
    exercise_folder,
    exercises_root,
    locate_files,
)
from exercises.grader.model import Exercise, ExerciseError, Grade, TestResult, load_exercise
from exercises.grader.reports import (
    ExerciseStatus,
    GradedExercise,
    check_text,
    feedback_markdown,
    graded_from_results,
    grades_csv,
    read_results,
    results_json,
    write_atomic,
)
from patterns.lab.exceptions import LabError

__all__ = ["check", "course_files", "exercise_fingerprint", "locate_files", "main"]

IsolationChoice = Literal["auto", "bwrap", "process"]
INSTRUCTOR_ONLY = ("solution", "hidden")
# Needs solutions or hidden tests: a test marked pytest.mark.instructor, a script with "# instructor-only".
INSTRUCTOR_MARK = re.compile(r"pytest\.mark\.instructor|^# instructor-only", re.MULTILINE)
NOT_COURSE_FILES = {
    ".git",
    ".venv",
    ".venv-simfaas",
    "venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    ".hypothesis",
    "build",
    "bench-results",
    "test-artifacts",
}
BUNDLE_TOP_LEVEL = ("patterns", "exercises", "requirements.txt", "pyproject.toml")
GRADING_REQUIREMENTS = "requirements-grading.txt"
NOT_IMPLEMENTED = re.compile(r"^not implemented yet: Task (\d+)\b")
MAX_PROBLEMS_SHOWN = 8


# ---------------------------------------------------------------- exercises and the learner's check


def _did_you_mean(given: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(given, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _slug(given: str) -> str:
    """``given`` as a known slug: ``cold_starts`` (the folder's name) is accepted for ``cold-starts``."""
    slugs = available_slugs()
    slug = given.strip().replace("_", "-")
    if slug not in slugs:
        available = ", ".join(slugs) or "none"
        suggestion = _did_you_mean(slug, slugs)
        listed = f" (available: {available})" if suggestion else f"; available: {available}"
        raise ExerciseError(f"unknown exercise {given!r}{suggestion}{listed}")
    return slug


def _find_exercise(slug: str) -> Exercise:
    return load_exercise(exercise_folder(_slug(slug)))


def _isolation(choice: str, require_sandbox: bool = False) -> Isolation:
    try:
        return choose_isolation(cast(IsolationChoice, choice), require_sandbox=require_sandbox)
    except RuntimeError as error:
        raise LabError(str(error)) from None


def _stage_learner_files(
    exercise: Exercise, file: Path | None, stack: contextlib.ExitStack
) -> tuple[Path, str]:
    """The folder holding the learner's files (staged in a temporary folder for ``--file``), and its name."""
    if file is None:
        missing = [exercise.root / name for name in exercise.files if not (exercise.root / name).is_file()]
        if missing:
            raise ExerciseError(
                f"{missing[0]} does not exist: restore your copy, or point --file at your file"
            )
        return exercise.root, ", ".join(str(exercise.root / name) for name in exercise.files)
    if file.is_dir():
        absent = [name for name in exercise.files if not (file / name).is_file()]
        if absent:
            raise ExerciseError(
                f"{file} has no {', '.join(absent)} (exercise {exercise.slug} needs those files)"
            )
        return file, str(file)
    if not file.is_file():
        raise ExerciseError(f"no such file: {file}")
    if len(exercise.files) == 1:
        target = exercise.files[0]
    elif file.name in exercise.files:
        target = file.name
    else:
        raise ExerciseError(
            f"{file} is not one of exercise {exercise.slug}'s files ({', '.join(exercise.files)}); "
            "name the file like that, or pass the folder holding them"
        )
    staging = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lab-check-")))
    for name in exercise.files:
        shutil.copyfile(file if name == target else exercise.root / name, staging / name)
    return staging, str(file)


def _check(slug: str, file: Path | None, isolation: IsolationChoice) -> tuple[Exercise, Grade, str]:
    exercise = _find_exercise(slug)
    chosen = _isolation(isolation)
    with contextlib.ExitStack() as stack:
        folder, shown = _stage_learner_files(exercise, file, stack)
        grade = check_submission(exercise, folder, isolation=chosen, name=shown)  # a warm worker
    return exercise, grade, shown


def check(
    slug: str, file: str | os.PathLike[str] | None = None, *, isolation: IsolationChoice = "auto"
) -> Grade:
    """Run exercise ``slug``'s public tests on your file and return the grade (a table in a notebook).

    ``file`` defaults to your copy in the course, ``exercises/<slug>/<file>``; it may also be a folder
    holding the exercise's files. Raises :class:`ExerciseError` for an unknown exercise or a missing file
    (one line in a notebook, with a "did you mean" for a misspelt exercise).
    """
    return _check(slug, None if file is None else Path(file), isolation)[1]


def exercise_fingerprint(exercise: Exercise) -> str:
    """A hash of what decides an exercise's grades (settings, probes, checks, public and hidden tests):
    a grade recorded under another fingerprint is stale."""
    digest = hashlib.sha256()
    for path in sorted(exercise.root.rglob("*")):
        relative = path.relative_to(exercise.root)
        if (
            path.is_file()
            and path.suffix in (".py", ".toml", ".json")
            and relative.parts[0] not in ("solution", "__pycache__")
            and relative.as_posix() not in exercise.files
        ):
            digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# ---------------------------------------------------------------- official grading


def _ungraded(exercise: Exercise, name: str, message: str) -> Grade:
    """A zero grade listing every public and hidden test, for work that is missing or could not be graded."""
    grade = Grade(exercise.slug, name, error=message)
    grade.task_titles = {task.number: task.title for task in exercise.tasks}
    try:
        tests = [(t, False) for t in exercise.public_tests()]
        tests += [(t, True) for t in exercise.hidden_tests() or []]
    except ExerciseError:
        tests = []
    grade.results = [
        TestResult(t.name, t.task, 0.0, t.points, "error", message, hidden, 0.0) for t, hidden in tests
    ]
    return grade


def _grade_exercise(exercise: Exercise, located: Located, name: str, grader: Grader) -> GradedExercise:
    """Grade one exercise of one submission (``grader`` runs public and hidden tests); never raises."""
    fingerprints = {"files_sha256": located.fingerprint(), "exercise_sha256": exercise_fingerprint(exercise)}
    if located.problem:
        grade = _ungraded(exercise, name, located.problem)
        return GradedExercise(exercise, grade, located.status, **fingerprints)
    try:
        with tempfile.TemporaryDirectory(prefix="lab-stage-") as temp:
            for file, path in located.files.items():
                shutil.copyfile(path, Path(temp) / file)
            grade = grader.grade(Path(temp), name)
    except Exception as error:  # one broken grading must not stop a batch; it is reported as an error
        message = f"the grader failed: {type(error).__name__}: {error}"
        return GradedExercise(exercise, _ungraded(exercise, name, message), "error", **fingerprints)
    status: ExerciseStatus = "passed" if all(r.status == "passed" for r in grade.results) else "graded"
    return GradedExercise(exercise, grade, "error" if grade.error else status, **fingerprints)


def _require_hidden_tests(exercises: Sequence[Exercise]) -> None:
    for exercise in exercises:
        if exercise.hidden_test_count and exercise.hidden_tests() is None:
            raise ExerciseError(
                f"exercise {exercise.slug} has no hidden/ folder here (a student copy?): "
                "official grading needs the instructor's copy of the course"
            )


def _preload_tests(exercises: Sequence[Exercise]) -> None:
    """Import every exercise's test modules once, before worker threads import them concurrently."""
    for exercise in exercises:
        exercise.public_tests()
        exercise.hidden_tests()


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{rest:02d}" if minutes >= 60 else f"{minutes}:{rest:02d}"


class _Progress:
    """Progress and ETA: one ``\\r``-redrawn line on a terminal, else a line per finished submission."""

    BAR = 24

    def __init__(self, total: int, workers: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.started = time.monotonic()
        self.terminal = stream.isatty()
        self.width = 0
        if not total:
            self.terminal = False
        elif self.terminal:
            self._draw("")
        else:
            self._line(f"grading {total} submission(s) with {workers} worker(s)")

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def _eta(self) -> str:
        if not self.done:
            return "--"
        elapsed = time.monotonic() - self.started
        return _duration(elapsed / self.done * (self.total - self.done))

    def _draw(self, last: str) -> None:
        filled = self.BAR * self.done // max(self.total, 1)
        text = (
            f"[{'#' * filled}{'.' * (self.BAR - filled)}] {self.done}/{self.total} "
            f"elapsed {_duration(time.monotonic() - self.started)} ETA {self._eta()}"
            + (f"  {last}" if last else "")
        )
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def advance(self, summary: str) -> None:
        self.done += 1
        if self.terminal:
            self._draw(summary)
        else:
            self._line(f"[{self.done}/{self.total}] {summary}; ETA {self._eta()}")

    def close(self) -> None:
        if self.terminal:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class _Plan:
    """What one run does to one submission: which exercises it (re)grades, where their files are, and
    the grades recorded earlier that it keeps."""

    submission: Path
    located: dict[str, Located]
    regrade: list[str]
    kept: dict[str, GradedExercise]


@dataclass(frozen=True)
class _Settings:
    out: Path
    course: Sequence[Exercise]
    show_hidden: bool
    warning: str


def _write_submission(
    name: str, graded: Sequence[GradedExercise], seconds: float, settings: _Settings
) -> None:
    """feedback.md, then results.json (what resuming trusts), each written whole or not at all."""
    target = settings.out / name
    write_atomic(
        target / "feedback.md",
        feedback_markdown(name, graded, show_hidden=settings.show_hidden, warning=settings.warning),
    )
    data = results_json(name, graded, seconds, warning=settings.warning)
    write_atomic(target / "results.json", json.dumps(data, indent=2, ensure_ascii=False))


def _grade_and_write(
    plan: _Plan, graders: dict[str, Grader], settings: _Settings, stopping: threading.Event
) -> str | None:
    """Grade one submission's exercises that need it, keep its other recorded grades, write its
    feedback.md and results.json; return a one-line summary (None when the run was interrupted
    meanwhile: nothing is written, the next run grades it)."""
    started = time.perf_counter()
    name = plan.submission.name
    fresh = {
        slug: _grade_exercise(graders[slug].exercise, plan.located[slug], name, graders[slug])
        for slug in plan.regrade
    }
    seconds = time.perf_counter() - started
    if stopping.is_set():
        return None
    graded = [
        fresh.get(e.slug) or plan.kept[e.slug]
        for e in settings.course
        if e.slug in fresh or e.slug in plan.kept
    ]
    _write_submission(name, graded, seconds, settings)
    scores = ", ".join(
        f"{g.exercise.slug} {g.grade.score:g}/{g.grade.max_score:g}"
        + ("" if g.status in ("passed", "graded") else f" {g.status}")
        for g in fresh.values()
    )
    return f"{name}: {scores} ({seconds:.1f} s)"


def _submissions(folder: Path, out: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_dir() and not path.name.startswith((".", "_")) and path.resolve() != out.resolve()
    )


def _plan(
    submission: Path,
    exercises: Sequence[Exercise],
    course: Sequence[Exercise],
    out: Path,
    regrade_all: bool,
) -> tuple[_Plan, list[str]]:
    """What to do with one submission, and the notes to print (what changed since it was graded)."""
    recorded = _read_json(out / submission.name / "results.json")
    kept = {}
    for exercise in course:
        earlier = graded_from_results(recorded, exercise) if recorded else None
        if earlier is not None:
            kept[exercise.slug] = earlier
    located, regrade, notes = {}, [], []
    for exercise in exercises:
        located[exercise.slug] = found = locate_files(submission, exercise, course)
        earlier = kept.get(exercise.slug)
        if regrade_all or earlier is None:
            regrade.append(exercise.slug)
        elif earlier.files_sha256 != found.fingerprint():
            regrade.append(exercise.slug)
            notes.append(f"{submission.name}: {exercise.slug} changed since it was graded; regrading it")
        elif earlier.exercise_sha256 != exercise_fingerprint(exercise):
            regrade.append(exercise.slug)
            notes.append(
                f"{submission.name}: exercise {exercise.slug}'s tests changed since it was graded; "
                "regrading it"
            )
    for slug in regrade:
        kept.pop(slug, None)
    return _Plan(submission, located, regrade, kept), notes


def _run_grade(args: argparse.Namespace) -> int:
    folder, out = Path(args.submissions_dir), Path(args.out)
    if not folder.is_dir():
        raise LabError(f"{folder} is not a folder of submissions (one folder per learner)")
    if args.jobs < 1:
        raise LabError(f"--jobs must be at least 1, got {args.jobs}")
    exercises = [_find_exercise(slug) for slug in dict.fromkeys(args.exercise or available_slugs())]
    if not exercises:
        raise LabError(f"no exercises in {exercises_root()}")
    course = course_exercises()
    _require_hidden_tests(exercises)
    from exercises.grader.instructor import Gradebooks

    gradebooks = Gradebooks.from_args(args)  # roster and deadline read before grading: a bad one fails now
    isolation = _isolation(args.isolation, args.require_sandbox)
    submissions = _submissions(folder, out)
    if not submissions:
        raise LabError(
            f"{folder} holds no submission folders (expected e.g. {folder}/alice/{exercises[0].root.name}/)"
        )
    present = [s.name for s in submissions]
    if args.only:
        unknown = [name for name in args.only if name not in present]
        if unknown:
            raise LabError(
                f"--only {unknown[0]!r}: no such submission in {folder}{_did_you_mean(unknown[0], present)}"
            )
        submissions = [s for s in submissions if s.name in args.only]
    warning = isolation.warning()
    if warning:
        print(warning, flush=True)
    _warn_inside_course(out, "grades")
    plans, skipped = [], 0
    for submission in submissions:
        plan, notes = _plan(submission, exercises, course, out, args.force or bool(args.only))
        for note in notes:
            print(note, file=sys.stderr)
        if plan.regrade:
            plans.append(plan)
        else:
            skipped += 1
    if skipped:
        print(
            f"skipping {skipped} submission(s) already graded in {out}, unchanged (--force regrades them)",
            file=sys.stderr,
        )
    gone = sorted(p.parent.name for p in out.glob("*/results.json") if p.parent.name not in present)
    if gone:
        print(
            f"graded earlier but no longer in {folder}: {', '.join(gone)} "
            f"(kept in grades.csv with status 'gone'; delete {out}/<name>/ to drop a row)",
            file=sys.stderr,
        )
    out.mkdir(parents=True, exist_ok=True)
    settings = _Settings(out, course, args.show_hidden, warning)
    started = time.perf_counter()
    stopping, interrupted = threading.Event(), False
    with contextlib.ExitStack() as stack:
        graders = {
            exercise.slug: stack.enter_context(
                Grader(exercise, include_hidden=True, jobs=args.jobs, isolation=isolation)
            )
            for exercise in exercises
        }
        progress = _Progress(len(plans), args.jobs, sys.stderr)
        pool = ThreadPoolExecutor(args.jobs, thread_name_prefix="grade")
        try:
            futures = [pool.submit(_grade_and_write, plan, graders, settings, stopping) for plan in plans]
            for future in as_completed(futures):
                summary = future.result()
                if summary is not None:
                    progress.advance(summary)
        except KeyboardInterrupt:
            interrupted = True
            stopping.set()  # gradings cut short by the interruption are not written
        finally:
            pool.shutdown(wait=not interrupted, cancel_futures=True)
            progress.close()
    if args.show_hidden:
        _rewrite_feedback(out, course, settings)
    results = read_results(out)
    grades = grades_csv(results, [e.slug for e in course], gone)
    write_atomic(out / "grades.csv", grades)
    gradebooks.write(folder, out, results, [e.slug for e in course], grades)
    if interrupted:
        print(
            "interrupted: finished gradings are kept; run the same command again to resume", file=sys.stderr
        )
        return 130
    errors = [r["extra_data"]["submission"] for r in results if r["extra_data"].get("status") == "error"]
    print(
        f"graded {len(plans)} submission(s), skipped {skipped}, in {time.perf_counter() - started:.1f} s "
        f"with {args.jobs} worker(s); {len(results)} row(s) in {out / 'grades.csv'}"
    )
    print(f"isolation: {isolation.describe()}")
    if warning:
        print(warning)
    if errors:
        print(f"the grader failed on: {', '.join(errors)} (see their feedback.md)")
    return 1 if errors else 0


def _warn_inside_course(out: Path, what: str) -> None:
    """Grades and bundles belong outside the course: a release leaves them out, but say so."""
    if _within(out.resolve(), COURSE_ROOT.resolve()):
        print(
            f"WARNING: {out} is inside the course: keep {what} outside it (e.g. ../{out.name}); "
            "a release leaves them out",
            file=sys.stderr,
        )


def _rewrite_feedback(out: Path, course: Sequence[Exercise], settings: _Settings) -> None:
    """Every feedback.md again from its results.json (``--show-hidden``: after the deadline)."""
    for path in sorted(out.glob("*/results.json")):
        data = _read_json(path)
        graded = [g for e in course if data and (g := graded_from_results(data, e)) is not None]
        if graded:
            write_atomic(
                path.parent / "feedback.md",
                feedback_markdown(
                    path.parent.name,
                    graded,
                    show_hidden=True,
                    warning=str(data["extra_data"].get("warning", "")) if data else "",
                ),
            )


def _run_grade_one(args: argparse.Namespace) -> int:
    exercise = _find_exercise(args.slug)
    _require_hidden_tests([exercise])
    isolation = _isolation(args.isolation, args.require_sandbox)
    submission, results = Path(args.submission), Path(args.results)
    if not submission.is_dir():
        raise LabError(f"{submission} is not a folder (Gradescope puts the upload in /autograder/submission)")
    warning = isolation.warning()
    if warning:
        print(warning, flush=True)
    started = time.perf_counter()
    located = locate_files(submission, exercise, course_exercises(), label="your submission")
    with Grader(exercise, include_hidden=True, isolation=isolation) as grader:
        graded = _grade_exercise(exercise, located, submission.name, grader)
    # every process the learner's code started is gone (the grader closed): only now is the score written
    data = results_json(submission.name, [graded], time.perf_counter() - started, warning=warning)
    write_atomic(results, json.dumps(data, indent=2, ensure_ascii=False))
    print(
        f"{exercise.slug}: {graded.grade.score:g}/{graded.grade.max_score:g} ({graded.status}) -> {results}"
    )
    return 0


# ---------------------------------------------------------------- the student release, the Gradescope bundle

# What belongs to the course outside git (and where an untracked file may come from inside a checkout):
# these top-level folders and files, nothing else. Grades, submissions, bundles live outside the course.
COURSE_CONTENT = (
    ".ci",
    ".gitignore",
    "LICENSE",
    "Makefile",
    "README.md",
    "adr",
    "binder",
    "exercises",
    "notebooks",
    "patterns",
    "pyproject.toml",
    "requirements-dev.txt",
    "requirements.txt",
    "tests",
)
# Never part of a release, tracked or not: grading output, archives (a Gradescope bundle holds hidden tests).
GRADING_OUTPUT = {"results.json", "feedback.md", "grades.csv"}
ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz", ".whl", ".7z", ".rar")
MIN_COPY_BYTES = 200  # shorter files (an empty __init__.py) are not compared with the instructor's
INSTRUCTOR_BLOCK = re.compile(
    r"[ \t]*<!-- instructor-only -->.*?<!-- /instructor-only -->[ \t]*\n?", re.DOTALL
)
INSTRUCTOR_LINE = "# instructor-only"


def _git_files(root: Path, *which: str) -> list[str] | None:
    if not ((root / ".git").exists() and shutil.which("git")):
        return None
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", *which], capture_output=True, check=False
    )
    if listed.returncode != 0:
        return None
    return sorted({name for name in listed.stdout.decode().split("\0") if name and (root / name).is_file()})


def _walk_course(root: Path) -> list[str]:
    found = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            d for d in subdirectories if d not in NOT_COURSE_FILES and not d.endswith(".egg-info")
        )
        relative = Path(directory).relative_to(root)
        found += [
            (relative / f).as_posix() for f in files if not f.endswith((".pyc", ".pyo")) and f != ".DS_Store"
        ]
    return sorted(found)


def _in_course_content(name: str) -> bool:
    return name.split("/", maxsplit=1)[0] in COURSE_CONTENT


def course_files(root: Path) -> list[str]:
    """The course's files, relative to ``root`` with ``/``: in a git checkout, the tracked files and the
    untracked, not ignored ones under the course's own folders (:data:`COURSE_CONTENT`); elsewhere every
    file under those folders except virtualenvs, caches and build output."""
    tracked = _git_files(root, "--cached")
    if tracked is not None:
        untracked = _git_files(root, "--others", "--exclude-standard") or []
        return sorted(set(tracked) | {name for name in untracked if _in_course_content(name)})
    return [name for name in _walk_course(root) if _in_course_content(name)]


def _instructor_only(name: str, root: Path) -> str | None:
    """Where ``name`` belongs if a student copy must leave it out, else None: ``exercises/<slug>/solution/``
    or ``.../hidden/``, or ``tests/`` for a module marked instructor-only (it needs them)."""
    parts = name.split("/")
    if len(parts) >= 4 and parts[0] == "exercises" and parts[2] in INSTRUCTOR_ONLY:
        return "/".join(parts[:3]) + "/"
    if parts[0] == "tests" and name.endswith(".py") and INSTRUCTOR_MARK.search((root / name).read_text()):
        return "tests/ (modules marked instructor-only)"
    if parts[:2] == ["notebooks", "instructor"] and len(parts) > 2:
        return "notebooks/instructor/"  # the class report grades the reference solutions
    return None


def _not_for_students(name: str, root: Path, answers: dict[bytes, str]) -> str | None:
    """Why a file outside solution/ and hidden/ must still never reach students, else None."""
    base = name.rsplit("/", 1)[-1]
    if base in GRADING_OUTPUT:
        return "grading output (it may hold hidden tests' inputs and expected values)"
    if base.lower().endswith(ARCHIVES):
        return "an archive (a Gradescope bundle holds the hidden tests)"
    path = root / name
    if path.stat().st_size >= MIN_COPY_BYTES:
        twin = answers.get(hashlib.sha256(path.read_bytes()).digest())
        if twin:
            return f"a copy of {twin}"
    return None


def _for_students(name: str, text: str) -> str:
    """A released text file as students get it: Markdown without its instructor-only blocks, the Makefile
    without its instructor-only lines (they call what the release leaves out)."""
    if name.endswith(".md"):
        return INSTRUCTOR_BLOCK.sub("", text)
    if name.rsplit("/", 1)[-1] == "Makefile":
        return "".join(line for line in text.splitlines(keepends=True) if INSTRUCTOR_LINE not in line)
    return text


def _prepare_out(out: Path, force: bool) -> None:
    """An empty ``out``; ``force`` empties one that holds an earlier release, never any other folder."""
    resolved = out.resolve()
    if resolved == COURSE_ROOT or resolved in COURSE_ROOT.parents:
        raise LabError(f"--out {out} would overwrite the course itself; choose a new folder")
    if out.exists() and not out.is_dir():
        raise LabError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise LabError(
                f"--out {out} is not empty; choose an empty folder or pass --force to replace its contents"
            )
        if not (out / "exercises" / "grader").is_dir():
            raise LabError(
                f"--out {out} is not empty and does not hold an earlier release (no exercises/grader/); "
                "its contents are left alone: choose an empty folder"
            )
        for entry in out.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _grouped(names: Sequence[str]) -> str:
    """``names`` shortened for a message: a folder with its file count, at most a few entries."""
    groups: dict[str, int] = {}
    for name in names:
        top = name.split("/")[0] + ("/" if "/" in name else "")
        groups[top] = groups.get(top, 0) + 1
    shown = [f"{top} ({count} files)" if top.endswith("/") else top for top, count in sorted(groups.items())]
    return ", ".join(shown[:MAX_NAMES_SHOWN]) + (f", ... ({len(shown)} in all)" if len(shown) > 6 else "")


def release_plan(root: Path) -> tuple[list[str], dict[str, list[str]], dict[str, str], list[str], list[str]]:
    """What a release of the course at ``root`` copies: (released files, instructor-only files by folder,
    files refused with the reason, untracked files released, files left out as not the course's)."""
    tracked = _git_files(root, "--cached")
    if tracked is None:
        everything = _walk_course(root)
        candidates = [n for n in everything if _in_course_content(n)]
        untracked: list[str] = []
        outside = [n for n in everything if not _in_course_content(n)]
    else:
        others = _git_files(root, "--others", "--exclude-standard") or []
        untracked = [n for n in others if _in_course_content(n)]
        outside = [n for n in others if not _in_course_content(n)]
        candidates = sorted(set(tracked) | set(untracked))
    instructor: dict[str, list[str]] = {}
    answers: dict[bytes, str] = {}
    for name in candidates:
        folder = _instructor_only(name, root)
        if folder:
            instructor.setdefault(folder, []).append(name)
            if "/solution/" in name or "/hidden/" in name:
                data = (root / name).read_bytes()
                if len(data) >= MIN_COPY_BYTES:
                    answers[hashlib.sha256(data).digest()] = name
    refused: dict[str, str] = {}
    released = []
    for name in candidates:
        if any(name in files for files in instructor.values()):
            continue
        reason = _not_for_students(name, root, answers)
        if reason:
            refused[name] = reason
        else:
            released.append(name)
    return released, instructor, refused, [n for n in untracked if n in released], outside


def _run_release(args: argparse.Namespace) -> int:
    out = Path(args.out)
    released, instructor, refused, untracked, outside = release_plan(COURSE_ROOT)
    target = out.resolve()
    tracked_refusals = {n: why for n, why in refused.items() if n not in untracked and _git_tracked(n)}
    if tracked_refusals:
        lines = "\n".join(f"  {name}: {why}" for name, why in sorted(tracked_refusals.items()))
        raise LabError(
            f"refusing to release: tracked files students must not see:\n{lines}\n"
            "remove them from the course (git rm) and release again"
        )
    released, instructor, notes = _release_options(args, released, instructor)
    untracked = [name for name in untracked if name in set(released)]
    _prepare_out(out, args.force)
    copied = 0
    adapted = []
    for name in released:
        source = COURSE_ROOT / name
        if _within(source.resolve(), target):
            continue
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".md") or name.rsplit("/", 1)[-1] == "Makefile":
            text = source.read_text(encoding="utf-8")
            student = _for_students(name, text)
            (out / name).write_text(student, encoding="utf-8")
            shutil.copystat(source, out / name)
            if student != text:
                adapted.append(name)
        else:
            shutil.copy2(source, out / name)
        copied += 1
    copied += _record_stub_hashes(out, released)
    print(f"released {copied} course files to {out}")
    for note in notes:
        print(note)
    print(
        "left out (instructor only):" if instructor else "left out: nothing (no solution/ or hidden/ folders)"
    )
    for folder, names in sorted(instructor.items()):
        print(f"  {folder} ({len(names)} file{'s' if len(names) != 1 else ''})")
    if adapted:
        print(f"adapted for students (instructor-only parts removed): {', '.join(adapted)}")
    if refused:
        print(f"WARNING: left out {len(refused)} file(s) students must not see:", file=sys.stderr)
        for name, why in sorted(refused.items()):
            print(f"  {name}: {why}", file=sys.stderr)
    if outside:
        print(
            f"WARNING: left out {len(outside)} untracked file(s) that are not part of the course: "
            f"{_grouped(outside)} (keep grades, submissions and bundles outside the course)",
            file=sys.stderr,
        )
    if untracked:
        print(
            f"WARNING: released {len(untracked)} file(s) git does not track (commit or delete them): "
            f"{', '.join(untracked[:MAX_NAMES_SHOWN])}{' ...' if len(untracked) > MAX_NAMES_SHOWN else ''}",
            file=sys.stderr,
        )
    return 0


def _release_options(
    args: argparse.Namespace, released: list[str], instructor: dict[str, list[str]]
) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """``--only`` (a workshop's subset) and ``--solutions`` applied to a release plan: (released files,
    instructor-only files still left out, lines to print)."""
    from exercises.grader.release_options import solution_files, workshop_subset

    notes = []
    folders = None
    if args.only:
        subset = workshop_subset(released, args.only, COURSE_ROOT)
        released, folders = subset.kept, subset.folders
        instructor = {
            group: files
            for group, files in instructor.items()
            if not group.startswith("exercises/") or group.split("/")[1] in folders
        }
        notes.append(
            f"workshop subset: notebooks {', '.join(subset.notebooks)} (and 00), exercises "
            f"{', '.join(folders) or 'none'}; the lab runtime and every pattern's module are kept "
            "(patterns import each other)"
        )
    if args.solutions:
        solutions = solution_files(instructor, folders)
        released = sorted(set(released) | set(solutions))
        instructor = {g: files for g, files in instructor.items() if not g.endswith("/solution/")}
        notes.append(f"solutions included: {len(solutions)} file(s) in solution/; hidden/ still left out")
    return released, instructor, notes


def _record_stub_hashes(out: Path, released: Sequence[str]) -> int:
    """Write ``exercises/<folder>/stub.sha256`` (the stubs as released) for ``progress``; how many."""
    from exercises.grader.progress import STUB_HASHES, stub_hashes_text

    written = 0
    for name in released:
        if re.fullmatch(r"exercises/\w+/exercise\.toml", name):
            with contextlib.suppress(ExerciseError):
                exercise = load_exercise(out / Path(name).parent)
                if all(f"{Path(name).parent.as_posix()}/{file}" in released for file in exercise.files):
                    (exercise.root / STUB_HASHES).write_text(
                        stub_hashes_text(exercise, exercise.root), encoding="utf-8"
                    )
                    written += 1
    return written


def _git_tracked(name: str) -> bool:
    tracked = _git_files(COURSE_ROOT, "--cached")
    return tracked is None or name in tracked


def _setup_script() -> str:
    return f"""#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu): Python, bubblewrap, the course.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y python3 python3-venv python3-pip bubblewrap
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    apt-get install -y python3.11 python3.11-venv  # Ubuntu 22.04 ships Python 3.10; the course needs 3.11+
    PYTHON=python3.11
fi
"$PYTHON" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --upgrade pip
"$ROOT/venv/bin/python" -m pip install -r "$ROOT/source/{GRADING_REQUIREMENTS}"  # what grading needs, no more
"$ROOT/venv/bin/python" -m pip install --no-deps -e "$ROOT/source"
"""


def _run_autograder_script(exercise: Exercise, require_sandbox: bool = False) -> str:
    require = " --require-sandbox" if require_sandbox else ""
    return f"""#!/usr/bin/env bash
# Gradescope runs this for every submission: it finds the learner's {", ".join(exercise.files)} in the
# upload, grades it on the public and hidden tests of exercise {exercise.slug}, and writes results.json.
# Run as root, the grader runs the learner's code as an unprivileged user: the hidden tests and the
# results folder are made unreadable to it first.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
chmod go-rwx "$ROOT/results"
chmod -R go-rwx "$ROOT/source/exercises/{exercise.root.name}/hidden" 2>/dev/null || true
cd "$ROOT/source"
exec "$PYTHON" -m exercises grade-one {exercise.slug}{require} \\
    --submission "$ROOT/submission" --results "$ROOT/results/results.json"
"""


# Grading never runs these: demonstrations, command-line entry points, the test suite's fixtures.
NOT_RUN_BY_GRADING = ("demo.py", "__main__.py", "testing.py")
# Extras of a requirement that only the test suite uses (moto's server: the endpoint tier).
TEST_ONLY_EXTRAS = {"server"}


def _distribution(line: str) -> str:
    return re.split(r"[\[<>=!~;\s]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")


def grading_requirements(root: Path = COURSE_ROOT) -> str:
    """The lines of requirements.txt that grading needs: the distributions whose modules the course's
    code imports (anywhere in ``patterns/`` and ``exercises/`` but demonstrations, entry points, the
    test fixtures and solutions), without test-only extras. Never JupyterLab, Playwright, mypy..."""
    imported: set[str] = set()
    for base in ("patterns", "exercises"):
        for path in (root / base).rglob("*.py"):
            if path.name in NOT_RUN_BY_GRADING or "solution" in path.relative_to(root).parts:
                continue
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    imported.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    provided = importlib.metadata.packages_distributions()
    needed = {d.lower().replace("_", "-") for module in imported for d in provided.get(module, [])}
    kept = []
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if not requirement or _distribution(requirement) not in needed:
            continue
        extras = re.search(r"\[([^\]]*)\]", requirement)
        if extras:
            wanted = [e.strip() for e in extras.group(1).split(",") if e.strip() not in TEST_ONLY_EXTRAS]
            requirement = requirement.replace(extras.group(0), f"[{','.join(wanted)}]" if wanted else "")
        kept.append(requirement)
    return (
        "# What grading needs (python -m exercises gradescope derives it from requirements.txt)\n"
        + "".join(f"{line}\n" for line in kept)
    )


def _bundle_files(exercise: Exercise) -> list[str]:
    names = []
    for name in course_files(COURSE_ROOT):
        top = name.split("/")[0]
        folder = _instructor_only(name, COURSE_ROOT)
        if top not in BUNDLE_TOP_LEVEL or (folder and folder != f"exercises/{exercise.root.name}/hidden/"):
            continue
        base = name.rsplit("/", 1)[-1]
        if base in GRADING_OUTPUT or base.lower().endswith(ARCHIVES):
            continue
        names.append(name)
    hidden = f"exercises/{exercise.root.name}/hidden/tests.py"
    if exercise.hidden_test_count and hidden not in names:
        raise ExerciseError(f"{hidden} is not among the course files; the bundle needs the hidden tests")
    return names


def _script_entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    entry.external_attr = 0o100755 << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _run_gradescope(args: argparse.Namespace) -> int:
    exercise = _find_exercise(args.slug)
    names = _bundle_files(exercise)
    out = Path(args.out)
    _warn_inside_course(out, "a bundle with hidden tests")
    out.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp", delete=False)  # noqa: SIM115
    handle.close()
    try:
        with zipfile.ZipFile(handle.name, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr(_script_entry("setup.sh"), _setup_script())
            bundle.writestr(
                _script_entry("run_autograder"), _run_autograder_script(exercise, args.require_sandbox)
            )
            bundle.writestr(GRADING_REQUIREMENTS, grading_requirements())
            for name in names:
                bundle.write(COURSE_ROOT / name, name)
        os.replace(handle.name, out)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    print(f"wrote {out}: a Gradescope autograder for {exercise.slug} ({len(names)} course files)")
    print(f"  hidden tests included: {exercise.hidden_test_count}; solution/ folders left out")
    installs = [line for line in grading_requirements().splitlines() if not line.startswith("#")]
    print(f"  installs only what grading needs: {', '.join(_distribution(line) for line in installs)}")
    print(f"  learners upload {', '.join(exercise.files)}; upload the zip as the assignment's autograder")
    return 0


# ---------------------------------------------------------------- verification of the course's exercises


def _one_line(message: str, limit: int = 200) -> str:
    text = " / ".join(line.strip() for line in message.splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _stub_problems(grade: Grade, kind: str = "code") -> list[str]:
    """A code stub must say 'not implemented yet: Task N' on every test; a document stub (the blank
    template) must fail every test with a message, for no points."""
    problems = []
    for result in grade.results:
        if kind == "document":
            if result.points or result.status != "failed" or not result.message.strip():
                problems.append(
                    f"stub: {result.name!r} gave {result.status} ({result.points:g} points): "
                    f"{_one_line(result.message)}; expected a failure that says what is missing"
                )
            continue
        match = NOT_IMPLEMENTED.match(result.message)
        if result.points or result.status != "error" or not match or int(match.group(1)) != result.task:
            problems.append(
                f"stub: {result.name!r} gave {result.status} ({result.points:g} points): "
                f"{_one_line(result.message)}; expected error 'not implemented yet: Task {result.task} ...'"
            )
    return problems


def _solution_problems(grade: Grade) -> list[str]:
    return [
        f"solution: {r.name!r} {r.status}: {_one_line(r.message)}"
        for r in grade.results
        if r.status != "passed" or r.points != r.max_points
    ]


def _run_verify(args: argparse.Namespace) -> int:
    isolation = _isolation(args.isolation, args.require_sandbox)
    slugs = list(dict.fromkeys(_slug(given) for given in args.slugs)) or available_slugs()
    if not slugs:
        print(f"no exercises in {exercises_root()}")
        return 1
    exercises: dict[str, Exercise] = {}
    problems: dict[str, list[str]] = {slug: [] for slug in slugs}
    for slug in slugs:
        try:
            exercise = load_exercise(exercise_folder(slug))
            hidden = exercise.hidden_tests()
        except ExerciseError as error:
            problems[slug].append(str(error))
            continue
        if exercise.slug != slug:
            problems[slug].append(
                f"exercise.toml says slug {exercise.slug!r}; "
                f"folder {exercise_folder(slug).name!r} is for {slug!r}"
            )
        if hidden is None and not exercise.solution_dir.is_dir():
            continue  # a student copy: nothing to verify against
        if hidden is None and (exercise.root / "stub.sha256").is_file():
            continue  # a student copy released with --solutions (it records its stubs): still no hidden/
        if hidden is None or len(hidden) != exercise.hidden_test_count:
            found = "no hidden/tests.py" if hidden is None else f"{len(hidden)} hidden tests"
            problems[slug].append(
                f"exercise.toml says hidden_tests = {exercise.hidden_test_count}, found {found}"
            )
        exercises[slug] = exercise
    _preload_tests(list(exercises.values()))
    with ThreadPoolExecutor(args.jobs) as pool:
        gradings = {
            (slug, kind): pool.submit(
                grade_submission, exercise, folder, include_hidden=True, isolation=isolation, name=kind
            )
            for slug, exercise in exercises.items()
            for kind, folder in (("solution", exercise.solution_dir), ("stub", exercise.root))
        }
    for slug in slugs:
        if slug not in exercises:
            status = "PROBLEM" if problems[slug] else "skipped (a student copy: no solution/ or hidden/)"
            print(f"{slug}: {status}")
        else:
            solution, stub = gradings[slug, "solution"].result(), gradings[slug, "stub"].result()
            problems[slug] += _solution_problems(solution) + _stub_problems(stub, exercises[slug].kind)
            print(
                f"{slug}: solution {solution.score:g}/{solution.max_score:g} in {solution.seconds:.1f} s; "
                f"stub {stub.score:g}/{stub.max_score:g}, "
                f"{len(stub.results) - len(_stub_problems(stub, exercises[slug].kind))}/{len(stub.results)} "
                "clear zero-point messages "
                f"in {stub.seconds:.1f} s: {'PROBLEM' if problems[slug] else 'ok'}"
            )
        for problem in problems[slug][:MAX_PROBLEMS_SHOWN]:
            print(f"  - {problem}")
        if len(problems[slug]) > MAX_PROBLEMS_SHOWN:
            print(f"  - ... and {len(problems[slug]) - MAX_PROBLEMS_SHOWN} more")
    print(f"isolation: {isolation.describe()}")
    return 1 if any(problems.values()) else 0


# ---------------------------------------------------------------- the learner's progress


def _run_progress(args: argparse.Namespace) -> int:
    from exercises.grader.progress import course_progress  # it imports this module's neighbours

    print(course_progress(isolation=_isolation(args.isolation, args.require_sandbox)).text(), end="")
    return 0


def _run_new(args: argparse.Namespace) -> int:
    from exercises.grader.scaffold import scaffold_exercise

    folder, written = scaffold_exercise(exercises_root(), args.slug)
    print(f"created {folder}/ with {len(written)} files:")
    for path in written:
        print(f"  {path.relative_to(folder).as_posix()}")
    print(f"next: python -m exercises verify {args.slug} (solution full marks, stub zero), then adapt it")
    return 0


# ---------------------------------------------------------------- the command line


def _run_check(args: argparse.Namespace) -> int:
    isolation = _isolation(args.isolation, args.require_sandbox)
    exercise, grade, shown = _check(args.slug, None if args.file is None else Path(args.file), args.isolation)
    if isolation.warning():
        print(isolation.warning())
    print(check_text(exercise, grade, shown), end="")
    return 0 if grade.results and all(r.status == "passed" for r in grade.results) else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m exercises",
        description="Serverless Patterns Lab exercises: check, grade, release, bundle for Gradescope.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    isolation = argparse.ArgumentParser(add_help=False)
    isolation.add_argument(
        "--isolation",
        choices=["auto", "bwrap", "process"],
        default="auto",
        help="how to sandbox the learner's code (auto: bubblewrap where it works, else a plain process, "
        "said on stdout and in the feedback)",
    )
    isolation.add_argument(
        "--require-sandbox",
        action="store_true",
        help="fail (exit 2) instead of falling back to a plain process when bubblewrap cannot start",
    )

    def command(name: str, summary: str, parents: list[argparse.ArgumentParser]) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=summary, description=summary, parents=parents)

    run = command("check", "Run an exercise's public tests on your file (exit 0 when all pass).", [isolation])
    run.add_argument("slug", help="the exercise, e.g. faas")
    run.add_argument("--file", help="your file (or a folder of your files); default: exercises/<slug>/<file>")
    run.set_defaults(run=_run_check)

    run = command(
        "grade", "Grade a folder of submissions on public and hidden tests (resumable).", [isolation]
    )
    run.add_argument(
        "submissions_dir", help="one folder per submission, holding exercise folders (alice/faas/...)"
    )
    run.add_argument(
        "--out",
        required=True,
        help="where grades.csv and <submission>/results.json go (outside the course, e.g. ../grades/)",
    )
    run.add_argument(
        "--exercise", action="append", help="grade only this exercise (repeatable); default: all"
    )
    run.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once")
    run.add_argument(
        "--force", action="store_true", help="regrade submissions even where their files are unchanged"
    )
    run.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="(re)grade only this submission (repeatable); the others' grades are kept",
    )
    run.add_argument(
        "--show-hidden",
        action="store_true",
        help="show hidden tests' calls and expected values in feedback.md (after the deadline)",
    )
    from exercises.grader.instructor import add_gradebook_options

    add_gradebook_options(run)
    run.set_defaults(run=_run_grade)

    run = command(
        "grade-one", "Grade one upload of one exercise into a Gradescope results.json.", [isolation]
    )
    run.add_argument("slug", help="the exercise, e.g. faas")
    run.add_argument(
        "--submission", required=True, help="the uploaded files (Gradescope: /autograder/submission)"
    )
    run.add_argument("--results", required=True, help="the results.json to write")
    run.set_defaults(run=_run_grade_one)

    run = command("release", "Write the student copy of the course (no solution/ or hidden/ folders).", [])
    run.add_argument("--out", required=True, help="an empty folder for the student copy")
    run.add_argument("--force", action="store_true", help="replace the contents of a non-empty --out folder")
    run.add_argument(
        "--only",
        metavar="NN,NN",
        help="a workshop's subset: these notebooks (and notebook 00) and their exercises; the lab runtime "
        "and every pattern's module stay (patterns import each other)",
    )
    run.add_argument(
        "--solutions",
        action="store_true",
        help="after the deadline: include the solution/ folders (never the hidden tests)",
    )
    run.set_defaults(run=_run_release)

    run = command("gradescope", "Build a Gradescope autograder zip for one exercise.", [])
    run.add_argument("slug", help="the exercise, e.g. faas")
    run.add_argument(
        "--require-sandbox",
        action="store_true",
        help="the autograder fails instead of grading without bubblewrap where it cannot start",
    )
    run.add_argument("--out", required=True, help="the zip file to write")
    run.set_defaults(run=_run_gradescope)

    run = command(
        "progress", "Your progress: each exercise not started, in progress (k of n) or done.", [isolation]
    )
    run.set_defaults(run=_run_progress)

    run = command("new", "Scaffold a new exercise folder that verify accepts at once.", [])
    run.add_argument("slug", help="the new exercise's slug, e.g. my-pattern (folder exercises/my_pattern/)")
    run.set_defaults(run=_run_new)

    run = command("verify", "Check every solution scores full marks and every stub zero.", [isolation])
    run.add_argument("slugs", nargs="*", metavar="slug", help="the exercises to verify; default: all")
    run.add_argument("--jobs", type=int, default=2, help="gradings run at once")
    run.set_defaults(run=_run_verify)

    run = command("report", "Class analytics from a grades folder: an HTML report and CSVs.", [])
    run.add_argument("grades_dir", help="the --out folder of grade (<submission>/results.json)")
    run.add_argument("--out", required=True, help="where report.html and the CSVs go")
    run.add_argument("--submissions", help="the graded submissions folder: also list submissions alike")
    run.set_defaults(run=_run_report)
    return parser


def _run_report(args: argparse.Namespace) -> int:
    from exercises.grader.instructor import run_report

    return run_report(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (2 for bad input, with a one-line error)."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (LabError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
