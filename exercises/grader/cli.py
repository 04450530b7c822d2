"""``python -m exercises``: the learner's self-check, official grading, the student release, a Gradescope
bundle and the course's own verification; ``check`` is the same self-check for notebooks."""

from __future__ import annotations

import argparse
import contextlib
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
from pathlib import Path
from typing import Literal, TextIO, cast

from exercises.grader.engine import COURSE_ROOT, Grader, Isolation, choose_isolation, grade_submission
from exercises.grader.model import Exercise, ExerciseError, Grade, TestResult, load_exercise
from exercises.grader.reports import (
    ExerciseStatus,
    GradedExercise,
    check_text,
    feedback_markdown,
    grades_csv,
    read_results,
    results_json,
    write_atomic,
)
from patterns.lab.exceptions import LabError

__all__ = ["check", "course_files", "main"]

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
NOT_IMPLEMENTED = re.compile(r"^not implemented yet: Task (\d+)\b")
MAX_PROBLEMS_SHOWN = 8


# ---------------------------------------------------------------- exercises and the learner's check


def _exercises_root() -> Path:
    return COURSE_ROOT / "exercises"


def _available_slugs() -> list[str]:
    """The syllabus slugs (``cold-starts``) of the exercises; folders use underscores (``cold_starts``)."""
    return sorted(p.parent.name.replace("_", "-") for p in _exercises_root().glob("*/exercise.toml"))


def _slug(given: str) -> str:
    """``given`` as a known slug: ``cold_starts`` (the folder's name) is accepted for ``cold-starts``."""
    slugs = _available_slugs()
    slug = given.replace("_", "-")
    if slug not in slugs:
        raise ExerciseError(f"unknown exercise {given!r}; available: {', '.join(slugs) or 'none'}")
    return slug


def _folder(slug: str) -> Path:
    """An exercise's folder: a Python package, so its name is the slug with underscores."""
    return _exercises_root() / slug.replace("-", "_")


def _find_exercise(slug: str) -> Exercise:
    return load_exercise(_folder(_slug(slug)))


def _isolation(choice: str) -> Isolation:
    try:
        return choose_isolation(cast(IsolationChoice, choice))
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
        grade = grade_submission(exercise, folder, include_hidden=False, isolation=chosen, name=shown)
    return exercise, grade, shown


def check(
    slug: str, file: str | os.PathLike[str] | None = None, *, isolation: IsolationChoice = "auto"
) -> Grade:
    """Run exercise ``slug``'s public tests on your file and return the grade (a table in a notebook).

    ``file`` defaults to your copy in the course, ``exercises/<slug>/<file>``; it may also be a folder
    holding the exercise's files. Raises :class:`ExerciseError` for an unknown exercise or a missing file.
    """
    return _check(slug, None if file is None else Path(file), isolation)[1]


# ---------------------------------------------------------------- official grading


def _ungraded(exercise: Exercise, name: str, message: str) -> Grade:
    """A zero grade listing every public and hidden test, for work that is missing or could not be graded."""
    grade = Grade(exercise.slug, name, error=message)
    try:
        tests = [(t, False) for t in exercise.public_tests()]
        tests += [(t, True) for t in exercise.hidden_tests() or []]
    except ExerciseError:
        tests = []
    grade.results = [
        TestResult(t.name, t.task, 0.0, t.points, "error", message, hidden, 0.0) for t, hidden in tests
    ]
    return grade


def _grade_exercise(
    exercise: Exercise, folder: Path, name: str, where: str, grader: Grader
) -> GradedExercise:
    """Grade one exercise of one submission (``grader`` runs public and hidden tests); never raises."""
    if not folder.is_dir():
        message = f"the submission has no {exercise.root.name}/ folder"
        return GradedExercise(exercise, _ungraded(exercise, name, message), "missing")
    missing = [file for file in exercise.files if not (folder / file).is_file()]
    if missing:
        message = f"{where} has no {', '.join(missing)}"
        return GradedExercise(exercise, _ungraded(exercise, name, message), "missing")
    try:
        grade = grader.grade(folder, name)
    except Exception as error:  # one broken grading must not stop a batch; it is reported as an error
        message = f"the grader failed: {type(error).__name__}: {error}"
        return GradedExercise(exercise, _ungraded(exercise, name, message), "error")
    status: ExerciseStatus = "passed" if all(r.status == "passed" for r in grade.results) else "graded"
    return GradedExercise(exercise, grade, "error" if grade.error else status)


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


def _already_graded(results: Path, slugs: Sequence[str]) -> bool:
    try:
        data = json.loads(results.read_text())
    except (OSError, ValueError):
        return False
    graded = data.get("extra_data", {}).get("exercises") if isinstance(data, dict) else None
    return isinstance(graded, dict) and all(slug in graded for slug in slugs)


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


def _grade_and_write(
    submission: Path, graders: Sequence[Grader], out: Path, stopping: threading.Event
) -> str | None:
    """Grade one submission folder, write its feedback.md then results.json; return a one-line summary
    (None when the run was interrupted meanwhile: nothing is written, the next run grades it)."""
    started = time.perf_counter()
    graded = []
    for grader in graders:
        exercise = grader.exercise
        folder = submission / exercise.root.name
        if not folder.is_dir() and (submission / "exercises" / exercise.root.name).is_dir():
            folder = submission / "exercises" / exercise.root.name  # a whole copy of the course
        where = f"{submission.name}/{folder.relative_to(submission)}/"
        graded.append(_grade_exercise(exercise, folder, submission.name, where, grader))
    seconds = time.perf_counter() - started
    if stopping.is_set():
        return None
    target = out / submission.name
    write_atomic(target / "feedback.md", feedback_markdown(submission.name, graded))
    write_atomic(
        target / "results.json", json.dumps(results_json(submission.name, graded, seconds), indent=2)
    )
    scores = ", ".join(
        f"{g.exercise.slug} {g.grade.score:g}/{g.grade.max_score:g}"
        + ("" if g.status in ("passed", "graded") else f" {g.status}")
        for g in graded
    )
    return f"{submission.name}: {scores} ({seconds:.1f} s)"


def _submissions(folder: Path, out: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_dir() and not path.name.startswith((".", "_")) and path.resolve() != out.resolve()
    )


def _run_grade(args: argparse.Namespace) -> int:
    folder, out = Path(args.submissions_dir), Path(args.out)
    if not folder.is_dir():
        raise LabError(f"{folder} is not a folder of submissions (one folder per learner)")
    if args.jobs < 1:
        raise LabError(f"--jobs must be at least 1, got {args.jobs}")
    exercises = [_find_exercise(slug) for slug in dict.fromkeys(args.exercise or _available_slugs())]
    if not exercises:
        raise LabError(f"no exercises in {_exercises_root()}")
    _require_hidden_tests(exercises)
    isolation = _isolation(args.isolation)
    submissions = _submissions(folder, out)
    if not submissions:
        raise LabError(
            f"{folder} holds no submission folders (expected e.g. {folder}/alice/{exercises[0].slug}/)"
        )
    slugs = [exercise.slug for exercise in exercises]
    todo = [s for s in submissions if args.force or not _already_graded(out / s.name / "results.json", slugs)]
    skipped = len(submissions) - len(todo)
    if skipped:
        print(
            f"skipping {skipped} submission(s) already graded in {out} (--force regrades them)",
            file=sys.stderr,
        )
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    stopping, interrupted = threading.Event(), False
    with contextlib.ExitStack() as stack:
        graders = [
            stack.enter_context(Grader(exercise, include_hidden=True, jobs=args.jobs, isolation=isolation))
            for exercise in exercises
        ]
        progress = _Progress(len(todo), args.jobs, sys.stderr)
        pool = ThreadPoolExecutor(args.jobs, thread_name_prefix="grade")
        try:
            futures = [pool.submit(_grade_and_write, s, graders, out, stopping) for s in todo]
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
    results = read_results(out)
    write_atomic(out / "grades.csv", grades_csv(results, slugs))
    if interrupted:
        print(
            "interrupted: finished gradings are kept; run the same command again to resume", file=sys.stderr
        )
        return 130
    errors = [r["extra_data"]["submission"] for r in results if r["extra_data"].get("status") == "error"]
    print(
        f"graded {len(todo)} submission(s), skipped {skipped}, in {time.perf_counter() - started:.1f} s "
        f"with {args.jobs} worker(s); {len(results)} row(s) in {out / 'grades.csv'}"
    )
    print(f"isolation: {isolation.describe()}")
    if errors:
        print(f"the grader failed on: {', '.join(errors)} (see their feedback.md)")
    return 1 if errors else 0


def _locate(submission: Path, exercise: Exercise, file: str) -> Path | None:
    """The learner's ``file`` in an uploaded submission: at its top, in ``<slug>/``, or anywhere once."""
    folder = exercise.root.name
    for candidate in (
        submission / file,
        submission / folder / file,
        submission / "exercises" / folder / file,
    ):
        if candidate.is_file():
            return candidate
    found = sorted(submission.rglob(file), key=lambda p: (len(p.parts), str(p)))
    return found[0] if found and found[0].is_file() else None


def _run_grade_one(args: argparse.Namespace) -> int:
    exercise = _find_exercise(args.slug)
    _require_hidden_tests([exercise])
    isolation = _isolation(args.isolation)
    submission, results = Path(args.submission), Path(args.results)
    if not submission.is_dir():
        raise LabError(f"{submission} is not a folder (Gradescope puts the upload in /autograder/submission)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lab-grade-one-") as temp:
        staging = Path(temp) / exercise.root.name
        staging.mkdir()
        for file in exercise.files:
            found = _locate(submission, exercise, file)
            if found is not None:
                shutil.copyfile(found, staging / file)
        with Grader(exercise, include_hidden=True, isolation=isolation) as grader:
            graded = _grade_exercise(exercise, staging, submission.name, "your submission", grader)
    data = results_json(submission.name, [graded], time.perf_counter() - started)
    write_atomic(results, json.dumps(data, indent=2))
    print(
        f"{exercise.slug}: {graded.grade.score:g}/{graded.grade.max_score:g} ({graded.status}) -> {results}"
    )
    return 0


# ---------------------------------------------------------------- the student release, the Gradescope bundle


def course_files(root: Path) -> list[str]:
    """The course's files, relative to ``root`` with ``/``: git's tracked and not-ignored files in a git
    checkout, else every file except virtualenvs, caches and build output."""
    if (root / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=False,
        )
        if listed.returncode == 0:
            names = {name for name in listed.stdout.decode().split("\0") if name}
            return sorted(name for name in names if (root / name).is_file())
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


def _instructor_only(name: str, root: Path) -> str | None:
    """Where ``name`` belongs if a student copy must leave it out, else None: ``exercises/<slug>/solution/``
    or ``.../hidden/``, or ``tests/`` for a module marked instructor-only (it needs them)."""
    parts = name.split("/")
    if len(parts) >= 4 and parts[0] == "exercises" and parts[2] in INSTRUCTOR_ONLY:
        return "/".join(parts[:3]) + "/"
    if parts[0] == "tests" and name.endswith(".py") and INSTRUCTOR_MARK.search((root / name).read_text()):
        return "tests/ (modules marked instructor-only)"
    return None


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


def _run_release(args: argparse.Namespace) -> int:
    out = Path(args.out)
    _prepare_out(out, args.force)
    target = out.resolve()
    released, left_out = 0, dict[str, int]()
    for name in course_files(COURSE_ROOT):
        source = COURSE_ROOT / name
        if _within(source.resolve(), target):
            continue
        folder = _instructor_only(name, COURSE_ROOT)
        if folder:
            left_out[folder] = left_out.get(folder, 0) + 1
            continue
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, out / name)
        released += 1
    print(f"released {released} course files to {out}")
    print(
        "left out (instructor only):" if left_out else "left out: nothing (no solution/ or hidden/ folders)"
    )
    for folder, count in sorted(left_out.items()):
        print(f"  {folder} ({count} file{'s' if count != 1 else ''})")
    return 0


def _setup_script() -> str:
    return """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu): Python, bubblewrap, the course.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
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
"$ROOT/venv/bin/python" -m pip install -r "$ROOT/source/requirements.txt"
"$ROOT/venv/bin/python" -m pip install --no-deps -e "$ROOT/source"
"""


def _run_autograder_script(exercise: Exercise) -> str:
    return f"""#!/usr/bin/env bash
# Gradescope runs this for every submission: it finds the learner's {", ".join(exercise.files)} in the
# upload, grades it on the public and hidden tests of exercise {exercise.slug}, and writes results.json.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
cd "$ROOT/source"
exec "$PYTHON" -m exercises grade-one {exercise.slug} \\
    --submission "$ROOT/submission" --results "$ROOT/results/results.json"
"""


def _bundle_files(exercise: Exercise) -> list[str]:
    names = []
    for name in course_files(COURSE_ROOT):
        top = name.split("/")[0]
        folder = _instructor_only(name, COURSE_ROOT)
        if top not in BUNDLE_TOP_LEVEL or (folder and folder != f"exercises/{exercise.root.name}/hidden/"):
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
    out.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp", delete=False)  # noqa: SIM115
    handle.close()
    try:
        with zipfile.ZipFile(handle.name, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr(_script_entry("setup.sh"), _setup_script())
            bundle.writestr(_script_entry("run_autograder"), _run_autograder_script(exercise))
            for name in names:
                bundle.write(COURSE_ROOT / name, name)
        os.replace(handle.name, out)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    print(f"wrote {out}: a Gradescope autograder for {exercise.slug} ({len(names)} course files)")
    print(f"  hidden tests included: {exercise.hidden_test_count}; solution/ folders left out")
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
    isolation = _isolation(args.isolation)
    slugs = list(dict.fromkeys(_slug(given) for given in args.slugs)) or _available_slugs()
    if not slugs:
        print(f"no exercises in {_exercises_root()}")
        return 1
    exercises: dict[str, Exercise] = {}
    problems: dict[str, list[str]] = {slug: [] for slug in slugs}
    for slug in slugs:
        try:
            exercise = load_exercise(_folder(slug))
            hidden = exercise.hidden_tests()
        except ExerciseError as error:
            problems[slug].append(str(error))
            continue
        if exercise.slug != slug:
            problems[slug].append(
                f"exercise.toml says slug {exercise.slug!r}; folder {_folder(slug).name!r} is for {slug!r}"
            )
        if hidden is None and not exercise.solution_dir.is_dir():
            continue  # a student copy: nothing to verify against
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


# ---------------------------------------------------------------- the command line


def _run_check(args: argparse.Namespace) -> int:
    exercise, grade, shown = _check(args.slug, None if args.file is None else Path(args.file), args.isolation)
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
        help="how to sandbox the learner's code (auto: bubblewrap where it works, else a plain process)",
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
    run.add_argument("--out", required=True, help="where grades.csv and <submission>/results.json go")
    run.add_argument(
        "--exercise", action="append", help="grade only this exercise (repeatable); default: all"
    )
    run.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once")
    run.add_argument(
        "--force", action="store_true", help="regrade submissions that already have results.json"
    )
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
    run.set_defaults(run=_run_release)

    run = command("gradescope", "Build a Gradescope autograder zip for one exercise.", [])
    run.add_argument("slug", help="the exercise, e.g. faas")
    run.add_argument("--out", required=True, help="the zip file to write")
    run.set_defaults(run=_run_gradescope)

    run = command("verify", "Check every solution scores full marks and every stub zero.", [isolation])
    run.add_argument("slugs", nargs="*", metavar="slug", help="the exercises to verify; default: all")
    run.add_argument("--jobs", type=int, default=2, help="gradings run at once")
    run.set_defaults(run=_run_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (2 for bad input, with a one-line error)."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (LabError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
