"""A learner's progress through the course's exercises (``python -m exercises progress``, ``progress()``).

Every exercise is *not started* (its files are still the stub), *in progress* (k of n public tests pass)
or *done* (all pass). The public tests run only for exercises whose files changed since the last look:
results are cached by a hash of the learner's files and of the exercise's tests in
``.exercises-progress.json`` at the course root (git-ignored).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from exercises.grader.engine import COURSE_ROOT, Grader, Isolation, choose_isolation
from exercises.grader.model import Exercise, ExerciseError, load_exercise

__all__ = ["CACHE_NAME", "STUB_HASHES", "ExerciseProgress", "Progress", "course_progress", "progress"]

CACHE_NAME = ".exercises-progress.json"
# Written by ``release`` into each exercise folder: ``<sha256>  <file>`` of the stub as released.
STUB_HASHES = "stub.sha256"
CACHE_VERSION = 1
State = Literal["not started", "in progress", "done"]
BAR_WIDTH = 30
NOT_IMPLEMENTED = re.compile(r"^not implemented yet\b")


@dataclass(frozen=True)
class ExerciseProgress:
    slug: str
    title: str
    folder: str
    files: tuple[str, ...]
    state: State
    passed: int
    total: int
    cached: bool


@dataclass
class Progress:
    """Every exercise's state and the course's completion; a table with a bar in a notebook."""

    exercises: list[ExerciseProgress] = field(default_factory=list)
    seconds: float = 0.0
    rerun: int = 0

    @property
    def done(self) -> int:
        return sum(e.state == "done" for e in self.exercises)

    @property
    def started(self) -> int:
        return sum(e.state == "in progress" for e in self.exercises)

    @property
    def fraction(self) -> float:
        """The share of all public tests that pass (what the completion bar shows)."""
        total = sum(e.total for e in self.exercises)
        return sum(e.passed for e in self.exercises) / total if total else 0.0

    def summary(self) -> str:
        return (
            f"{self.done} of {len(self.exercises)} exercises done, {self.started} in progress; "
            f"{sum(e.passed for e in self.exercises)} of {sum(e.total for e in self.exercises)} "
            f"public tests pass ({self.fraction:.0%})"
        )

    def timing(self) -> str:
        cached = sum(e.cached for e in self.exercises)
        return (
            f"public tests run for {self.rerun} changed exercise(s), {cached} answered from the cache, "
            f"in {self.seconds:.1f} s"
        )

    def text(self) -> str:
        filled = round(self.fraction * BAR_WIDTH)
        lines = [f"Course progress [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self.summary()}"]
        width = max((len(e.slug) for e in self.exercises), default=0)
        for e in self.exercises:
            lines.append(
                f"  {e.slug:<{width}}  {e.state:<11}  {e.passed}/{e.total} public tests  "
                f"exercises/{e.folder}/{', '.join(e.files)}"
            )
        lines.append(self.timing())
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        colours = {"done": "#1a7f37", "in progress": "#9a6700", "not started": "#57606a"}
        cell = "border:1px solid #d0d7de;padding:3px 6px;text-align:left"
        percent = f"{self.fraction * 100:.0f}%"
        bar = (
            '<div style="width:320px;height:14px;background:#eaeef2;border-radius:7px;overflow:hidden">'
            f'<div style="width:{percent};height:100%;background:#1a7f37"></div></div>'
        )
        rows = "".join(
            f'<tr><td style="{cell}">{html.escape(e.slug)}</td><td style="{cell}">{html.escape(e.title)}</td>'
            f'<td style="{cell};color:{colours[e.state]};font-weight:bold">{e.state}</td>'
            f'<td style="{cell}">{e.passed}/{e.total}</td>'
            f'<td style="{cell}"><code>exercises/{html.escape(e.folder)}/'
            f"{html.escape(', '.join(e.files))}</code></td></tr>"
            for e in self.exercises
        )
        header = "".join(
            f'<th style="{cell}">{h}</th>'
            for h in ("exercise", "title", "state", "public tests", "your file")
        )
        return (
            f"<div><p><b>Course progress</b>: {html.escape(self.summary())}</p>{bar}"
            f'<table style="border-collapse:collapse;margin-top:6px"><thead><tr>{header}</tr></thead>'
            f'<tbody>{rows}</tbody></table><p style="color:#57606a;font-size:smaller">'
            f"{html.escape(self.timing())}</p></div>"
        )

    def __repr__(self) -> str:
        return self.text()


def _git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _head_blobs(root: Path) -> dict[str, str]:
    """Git's blob hashes of ``exercises/`` at HEAD (path -> sha1), or {} outside a git checkout."""
    if not (root / ".git").exists():
        return {}
    with contextlib.suppress(OSError):
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-tree", "-r", "-z", "HEAD", "exercises/"],
            capture_output=True,
            check=False,
        )
        if listed.returncode == 0:
            blobs = {}
            for entry in listed.stdout.decode().split("\0"):
                if "\t" in entry:
                    meta, path = entry.split("\t", 1)
                    blobs[path] = meta.split()[2]
            return blobs
    return {}


def _recorded_stub_hashes(exercise: Exercise) -> dict[str, str]:
    path = exercise.root / STUB_HASHES
    if not path.is_file():
        return {}
    recorded = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.strip().partition("  ")
        if digest and name:
            recorded[name] = digest
    return recorded


def stub_hashes_text(exercise: Exercise, folder: Path) -> str:
    """The ``stub.sha256`` lines for an exercise's files as they are in ``folder`` (what release writes)."""
    return "".join(
        f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}\n" for name in exercise.files
    )


def _untouched(exercise: Exercise, root: Path, blobs: dict[str, str]) -> bool:
    """The learner's files are still the stub: the hashes release recorded, else git's HEAD."""
    recorded = _recorded_stub_hashes(exercise)
    for name in exercise.files:
        data = (exercise.root / name).read_bytes()
        if name in recorded:
            if hashlib.sha256(data).hexdigest() != recorded[name]:
                return False
            continue
        relative = (exercise.root / name).relative_to(root).as_posix()
        if blobs.get(relative) != _git_blob_sha1(data):
            return False
    return True


def _key(exercise: Exercise) -> str:
    """What the cached result depends on: the learner's files and the exercise's public tests."""
    digest = hashlib.sha256()
    for path in sorted(exercise.root.rglob("*")):
        relative = path.relative_to(exercise.root)
        if (
            path.is_file()
            and path.suffix in (".py", ".toml", ".md")
            and relative.parts[0]
            not in (
                "solution",
                "hidden",
                "__pycache__",
            )
        ):
            digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_cache(path: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        if (
            isinstance(data, dict)
            and data.get("version") == CACHE_VERSION
            and isinstance(data.get("exercises"), dict)
        ):
            return dict(data["exercises"])
    return {}


def _write_cache(path: Path, entries: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):  # a read-only course still shows progress, uncached
        temporary.write_text(json.dumps({"version": CACHE_VERSION, "exercises": entries}, indent=1), "utf-8")
        os.replace(temporary, path)


def course_progress(
    root: Path | None = None, *, isolation: Isolation | Literal["auto", "bwrap", "process"] = "auto"
) -> Progress:
    """The progress of the course at ``root`` (default: this course), re-running only changed exercises."""
    started = time.perf_counter()
    root = (root or COURSE_ROOT).resolve()
    cache_path = root / CACHE_NAME
    cache = _read_cache(cache_path)
    blobs = _head_blobs(root)
    result = Progress()
    chosen = isolation if isinstance(isolation, Isolation) else None
    entries: dict[str, Any] = {}
    for config in sorted((root / "exercises").glob("*/exercise.toml")):
        try:
            exercise = load_exercise(config.parent)
        except ExerciseError:
            continue
        if not all((exercise.root / name).is_file() for name in exercise.files):
            raise ExerciseError(
                f"exercise {exercise.slug}: {', '.join(exercise.files)} missing from {exercise.root}"
            )
        key = _key(exercise)
        entry = cache.get(exercise.slug)
        cached = isinstance(entry, dict) and entry.get("key") == key
        if not cached:
            total = len(exercise.public_tests())
            if _untouched(exercise, root, blobs):
                entry = {"key": key, "state": "not started", "passed": 0, "total": total}
            else:
                if chosen is None:
                    chosen = choose_isolation(cast(Literal["auto", "bwrap", "process"], isolation))
                with Grader(exercise, include_hidden=False, isolation=chosen) as grader:
                    grade = grader.grade(exercise.root, "progress")
                passed = sum(r.status == "passed" for r in grade.results)
                state: State = "done" if total and passed == total else "in progress"
                if grade.results and all(NOT_IMPLEMENTED.match(r.message) for r in grade.results):
                    state = "not started"  # a stub with no reference hash (a new exercise, untracked)
                entry = {"key": key, "state": state, "passed": passed, "total": total}
                result.rerun += 1
        assert isinstance(entry, dict)
        entries[exercise.slug] = entry
        result.exercises.append(
            ExerciseProgress(
                exercise.slug,
                exercise.title,
                exercise.root.name,
                exercise.files,
                entry["state"],
                int(entry["passed"]),
                int(entry["total"]),
                cached,
            )
        )
    if entries != cache:
        _write_cache(cache_path, entries)
    result.seconds = time.perf_counter() - started
    return result


def progress(*, isolation: Literal["auto", "bwrap", "process"] = "auto") -> Progress:
    """Your progress through the course's exercises: a table and a completion bar in a notebook."""
    return course_progress(isolation=isolation)
