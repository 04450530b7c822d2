"""Where the course keeps its exercises, and where a submission keeps an exercise's files.

Shared by the grading commands (:mod:`.cli`) and the instructor's tools (:mod:`.instructor`): one way
to find exercises and one way to read a submission's layout, whatever command asks.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exercises.grader.engine import COURSE_ROOT
from exercises.grader.model import Exercise, ExerciseError, load_exercise
from exercises.grader.reports import ExerciseStatus

__all__ = [
    "MAX_FILES_SEARCHED",
    "MAX_NAMES_SHOWN",
    "SKIPPED_FOLDERS",
    "Located",
    "available_slugs",
    "course_exercises",
    "exercise_folder",
    "exercises_root",
    "locate_files",
]


# ---------------------------------------------------------------- the course's exercises
def exercises_root() -> Path:
    return COURSE_ROOT / "exercises"


def available_slugs() -> list[str]:
    """The syllabus slugs (``cold-starts``) of the exercises; folders use underscores (``cold_starts``)."""
    return sorted(p.parent.name.replace("_", "-") for p in exercises_root().glob("*/exercise.toml"))


def exercise_folder(slug: str) -> Path:
    """An exercise's folder: a Python package, so its name is the slug with underscores."""
    return exercises_root() / slug.replace("-", "_")


def course_exercises() -> list[Exercise]:
    """Every exercise of the course, in the course's order (the order of grades.csv and results.json);
    one whose exercise.toml cannot be read is left out here (grading it names the problem)."""
    found = []
    for slug in available_slugs():
        with contextlib.suppress(ExerciseError):
            found.append(load_exercise(exercise_folder(slug)))
    return found


# ---------------------------------------------------------------- where a submission keeps its files

# Folders never searched for a learner's files (tools' and systems' clutter, and what it may hold).
SKIPPED_FOLDERS = {"__MACOSX", "__pycache__", "node_modules", "venv", "site-packages"}
MAX_FILES_SEARCHED = 5000
MAX_NAMES_SHOWN = 6


@dataclass(frozen=True)
class Located:
    """Where a submission holds an exercise's files, or what is wrong (missing, or two copies)."""

    files: dict[str, Path]
    problem: str | None = None
    status: ExerciseStatus = "graded"

    def fingerprint(self) -> str:
        """A hash of the files' names and contents (or of the problem): what resuming compares."""
        digest = hashlib.sha256()
        if self.problem:
            digest.update(f"{self.status}: {self.problem}".encode())
        for name, path in sorted(self.files.items()):
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()


def _normal(name: str) -> str:
    """A folder's name as layouts compare it: NFC, case-folded, ``-`` and ``_`` alike."""
    return unicodedata.normalize("NFC", name).casefold().replace("_", "-")


def _files_in(submission: Path) -> list[Path]:
    """The submission's files, shallowest first (hidden and tool folders and symbolic links skipped;
    bounded)."""
    found: list[Path] = []
    for directory, folders, files in os.walk(submission):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in SKIPPED_FOLDERS)
        found += [  # a symbolic link could point at anything on the grader's machine: never followed
            Path(directory) / f
            for f in sorted(files)
            if not f.startswith(".") and not (Path(directory) / f).is_symlink()
        ]
        if len(found) > MAX_FILES_SEARCHED:
            break
    return sorted(found, key=lambda p: (len(p.parts), str(p)))


def _near_misses(wanted: str, files: Sequence[Path]) -> list[Path]:
    """Files a learner probably meant as ``wanted``: another case, another suffix, a copy's name."""
    stem, suffix = os.path.splitext(wanted)
    misses = []
    for path in files:
        name = unicodedata.normalize("NFC", path.name)
        other_stem, other_suffix = os.path.splitext(name)
        if (
            name.casefold() == wanted.casefold()
            or (other_stem.casefold() == stem.casefold())
            or (name.casefold().startswith(stem.casefold()) and other_suffix.casefold() == suffix)
            or difflib.SequenceMatcher(None, name.casefold(), wanted.casefold()).ratio() >= 0.8
        ):
            misses.append(path)
    return misses


def locate_files(
    submission: Path, exercise: Exercise, course: Sequence[Exercise], label: str | None = None
) -> Located:
    """Find ``exercise``'s files in a submission, the same way for ``grade`` and ``grade-one``.

    Accepted: the file at the submission's top, or in a folder named after the exercise at any depth
    (``faas/``, ``cold_starts/`` or ``cold-starts/``, ``exercises/faas/``, ``my-repo/faas/``), or, failing
    those, anywhere once (never inside another exercise's folder). Two copies are an error naming both;
    a missing file says what was found instead (``found Registration.py``). ``label`` names the
    submission in messages (default ``<its folder>/``).
    """
    label = label if label is not None else f"{submission.name}/"
    prefix = label if label.endswith("/") else ""  # paths shown as alice/faas/..., or faas/... in an upload
    names = {_normal(exercise.root.name), _normal(exercise.slug)}
    others = {_normal(n) for e in course for n in (e.root.name, e.slug)} - names
    everything = _files_in(submission)

    def parts(path: Path) -> list[str]:
        return [_normal(p) for p in path.relative_to(submission).parts[:-1]]

    candidates = [p for p in everything if not others.intersection(parts(p))]
    shown = {p: f"{prefix}{p.relative_to(submission).as_posix()}" for p in everything}
    found: dict[str, Path] = {}
    for wanted in exercise.files:
        exact = [p for p in candidates if unicodedata.normalize("NFC", p.name) == wanted]
        placed = [p for p in exact if p.parent == submission or _normal(p.parent.name) in names]
        chosen = placed or exact
        if len(chosen) > 1:
            copies = " and ".join(shown[p] for p in chosen[:MAX_NAMES_SHOWN])
            return Located({}, f"two copies of {wanted}: {copies}; hand in exactly one", status="ambiguous")
        if chosen:
            found[wanted] = chosen[0]
            continue
        folders = sorted(
            {p.parent for p in everything if _normal(p.parent.name) in names and p.parent != submission}
            | {d for d in submission.glob("**/") if d != submission and _normal(d.name) in names},
            key=lambda d: (len(d.parts), str(d)),
        )
        misses = _near_misses(wanted, [p for p in candidates if p.name != wanted])
        hint = ""
        if misses:
            hint = "; found " + ", ".join(shown[p] for p in misses[:MAX_NAMES_SHOWN]) + f" (name it {wanted})"
        if folders:
            where = f"{prefix or label + ': '}{folders[0].relative_to(submission).as_posix()}/"
            return Located({}, f"{where} has no {wanted}{hint}", status="missing")
        if not prefix:
            return Located({}, f"{label} has no {wanted}{hint}", status="missing")
        held = sorted(
            {
                p.relative_to(submission).parts[0] + ("/" if len(p.relative_to(submission).parts) > 1 else "")
                for p in everything
            }
        )
        listing = f"; it holds: {', '.join(held[:MAX_NAMES_SHOWN])}" if held and not hint else ""
        return Located(
            {}, f"the submission has no {exercise.root.name}/ folder{hint}{listing}", status="missing"
        )
    return Located(found)
