"""What ``release --only 01,03`` (a workshop's subset) and ``release --solutions`` (after the deadline)
change in a release: pure functions on the course's file names, relative with ``/``.

A subset keeps the lab runtime and every pattern's module (patterns import each other: a saga's
orchestrator uses the state and idempotency patterns), notebook 00 and the exercises' machinery
(``exercises/grader/``...); it leaves out the other patterns' notebooks, their exercise folders and
the tests of those exercises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from patterns.lab.exceptions import LabError

__all__ = ["Subset", "solution_files", "workshop_subset"]

NOTEBOOK = re.compile(r"^notebooks/(\d\d)-([\w-]+)\.ipynb$")
EXERCISE_MENTION = re.compile(r"exercises/(\w+)/")
ALWAYS_KEPT = "00"


class Subset:
    """The notebooks and exercise folders of a workshop, and the file names a release keeps."""

    def __init__(self, numbers: list[str], notebooks: list[str], folders: list[str], kept: list[str]) -> None:
        self.numbers = numbers
        self.notebooks = notebooks
        self.folders = folders
        self.kept = kept


def _numbers(only: str) -> list[str]:
    numbers = []
    for part in only.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit():
            raise LabError(f"--only {only!r}: {part!r} is not a notebook number (e.g. --only 01,03)")
        numbers.append(f"{int(part):02d}")
    if not numbers:
        raise LabError("--only needs notebook numbers, e.g. --only 01,03")
    return sorted(set(numbers))


def _exercise_folders(names: Sequence[str]) -> set[str]:
    return {n.split("/")[1] for n in names if re.match(r"^exercises/\w+/exercise\.toml$", n)}


def _folder_of(notebook: str, stem: str, folders: set[str], root: Path) -> str | None:
    """The exercise folder of a notebook: named like it (``03-cold-starts`` -> ``cold_starts``), else the
    first exercise folder its text names (its "Your turn" cell)."""
    named = stem.replace("-", "_")
    if named in folders:
        return named
    text = (root / notebook).read_text(encoding="utf-8", errors="replace")
    return next((m for m in EXERCISE_MENTION.findall(text) if m in folders), None)


def workshop_subset(names: Sequence[str], only: str, root: Path) -> Subset:
    """Keep notebook 00, the chosen notebooks and their exercises; every other course file stays."""
    numbers = _numbers(only)
    notebooks = {m.group(1): (n, m.group(2)) for n in names if (m := NOTEBOOK.match(n))}
    unknown = [n for n in numbers if n not in notebooks]
    if unknown:
        raise LabError(
            f"--only: no notebook numbered {', '.join(unknown)}; "
            f"the course has {', '.join(sorted(notebooks))}"
        )
    folders = _exercise_folders(names)
    chosen = {f for number in numbers if (f := _folder_of(*notebooks[number], folders, root)) is not None}
    dropped_notebooks = {n for number, (n, _) in notebooks.items() if number not in [*numbers, ALWAYS_KEPT]}
    dropped_folders = folders - chosen
    kept = []
    for name in names:
        parts = name.split("/")
        if name in dropped_notebooks:
            continue
        if parts[0] == "exercises" and len(parts) > 2 and parts[1] in dropped_folders:
            continue
        if parts[0] == "tests" and any(
            parts[-1] == f"test_{folder}_exercise.py" for folder in dropped_folders
        ):
            continue
        kept.append(name)
    return Subset(
        numbers,
        sorted(notebooks[number][0] for number in numbers),
        sorted(chosen),
        kept,
    )


def solution_files(instructor: dict[str, list[str]], folders: Sequence[str] | None = None) -> list[str]:
    """The reference solutions (``exercises/<folder>/solution/...``), of ``folders`` only when given;
    never a hidden test."""
    return sorted(
        name
        for group, files in instructor.items()
        if group.endswith("/solution/") and (folders is None or group.split("/")[1] in folders)
        for name in files
    )
