"""The learner's path: every pattern notebook ends with its exercise, a ``check`` cell and a link onward.

The conventions (issue 10, ``BRIEF.md``): a pattern notebook's last three cells are

1. a markdown cell whose first line is ``## Your turn``, naming the exercise folder
   ``exercises/<package>/`` and the file the learner edits, as ``exercises/<package>/<file>``;
2. a code cell ``from exercises import check\\n\\ncheck("<slug>")``;
3. a markdown cell whose first line is ``## Next``, linking the next notebook of the course that exists
   (in the order of ``patterns.lab.course.COURSE``: the 24 patterns, then the capstone, notebook 25), or
   ``00-start-here.ipynb`` after the last one.

Notebook 00 ends with ``## Next`` linking the first pattern notebook, and names ``exercises/``. The list
of notebooks comes from the files on disk and the syllabus, so a new pattern's notebook is checked as
soon as it exists.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

import nbformat
import pytest

from patterns.lab.course import CAPSTONE, COURSE, COURSE_ROOT, PATTERNS, Pattern

pytestmark = pytest.mark.unit

NOTEBOOK_DIR = COURSE_ROOT / "notebooks"
EXERCISES_DIR = COURSE_ROOT / "exercises"
START_HERE = "00-start-here.ipynb"
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")

BY_NOTEBOOK = {pattern.notebook: pattern for pattern in COURSE}
PATTERN_NOTEBOOKS = [pattern for pattern in COURSE if (NOTEBOOK_DIR / pattern.notebook).is_file()]


@functools.cache
def read(name: str) -> nbformat.NotebookNode:
    """The notebook as saved (read once per test session; the tests only read it)."""
    notebook: nbformat.NotebookNode = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    return notebook


def first_line(cell: nbformat.NotebookNode) -> str:
    lines = cell.source.strip().splitlines()
    return lines[0].strip() if lines else ""


def next_notebook(pattern: Pattern | None) -> str:
    """The notebook after ``pattern`` (``None``: after notebook 00) in course order; 00 after the last."""
    later = [p for p in PATTERN_NOTEBOOKS if pattern is None or p.number > pattern.number]
    return later[0].notebook if later else START_HERE


def link_line(notebook: str) -> str:
    """The markdown link a ``## Next`` cell should hold for ``notebook``."""
    if notebook == START_HERE:
        return f"[00 — Start here: the course map]({START_HERE})"
    pattern = BY_NOTEBOOK[notebook]
    return f"[{pattern.number:02d} — {pattern.title}]({notebook})"


def exercise_config(pattern: Pattern) -> dict[str, object]:
    path = EXERCISES_DIR / pattern.package / "exercise.toml"
    assert path.is_file(), (
        f"notebook {pattern.notebook} has no exercise: create exercises/{pattern.package}/ with an "
        f"exercise.toml whose slug is {pattern.slug!r} (see exercises/README.md)"
    )
    return tomllib.loads(path.read_text())


def assert_next_cell(name: str, cell: nbformat.NotebookNode, expected: str) -> None:
    add = f"add a last markdown cell:\n\n## Next\n\n{link_line(expected)}\n"
    is_next = cell.cell_type == "markdown" and first_line(cell).startswith("## Next")
    assert is_next, f"{name}: the last cell is not a markdown cell starting with '## Next'; {add}"
    targets = [target for _, target in LINK.findall(cell.source) if target.endswith(".ipynb")]
    assert targets, f"{name}: its '## Next' cell links no notebook; write in it:\n{link_line(expected)}"
    assert targets[0] == expected, (
        f"{name}: its '## Next' cell links {targets[0]!r} first, but the next notebook of the course that "
        f"exists is {expected!r}; make the link:\n{link_line(expected)}"
    )


def test_every_numbered_notebook_is_a_pattern_of_the_syllabus() -> None:
    strays = sorted(
        path.name
        for path in NOTEBOOK_DIR.glob("*.ipynb")
        if path.name != START_HERE and path.name not in BY_NOTEBOOK
    )
    assert not strays, (
        f"notebooks {strays} match no pattern of patterns.lab.course.PATTERNS nor its CAPSTONE: name each "
        "NN-<slug>.ipynb after its pattern's number and slug"
    )
    assert PATTERN_NOTEBOOKS, "no pattern notebook found in notebooks/"


@pytest.mark.parametrize("pattern", PATTERN_NOTEBOOKS, ids=[p.notebook for p in PATTERN_NOTEBOOKS])
def test_a_pattern_notebook_ends_with_your_turn(pattern: Pattern) -> None:
    name, package = pattern.notebook, pattern.package
    config = exercise_config(pattern)
    assert config.get("slug") == pattern.slug, (
        f"exercises/{package}/exercise.toml has slug {config.get('slug')!r}; the pattern's slug is "
        f"{pattern.slug!r}: write slug = {pattern.slug!r}"
    )
    files = [str(file) for file in config.get("files", [])]  # type: ignore[attr-defined]
    assert files, f"exercises/{package}/exercise.toml lists no files the learner edits: add files = [...]"
    missing = [file for file in files if not (EXERCISES_DIR / package / file).is_file()]
    assert not missing, f"exercises/{package}/ lacks the files its exercise.toml lists: {missing}"
    paths = [f"exercises/{package}/{file}" for file in files]

    cells = read(name).cells
    assert len(cells) >= 3, f"{name}: too few cells to end with Your turn, check and Next"
    your_turn = cells[-3]
    add = (
        f"add a markdown cell before the check cell, starting '## Your turn', that names the folder "
        f"`exercises/{package}/` and the file to edit, `{paths[0]}`"
    )
    is_your_turn = your_turn.cell_type == "markdown" and first_line(your_turn) == "## Your turn"
    assert is_your_turn, (
        f"{name}: the third cell from the end is not a markdown cell whose first line is "
        f"'## Your turn'; {add}"
    )
    assert f"exercises/{package}/" in your_turn.source, (
        f"{name}: its '## Your turn' cell does not name the folder `exercises/{package}/`; {add}"
    )
    assert any(path in your_turn.source for path in paths), (
        f"{name}: its '## Your turn' cell names none of the exercise's files as {' or '.join(paths)}; {add}"
    )


@pytest.mark.parametrize("pattern", PATTERN_NOTEBOOKS, ids=[p.notebook for p in PATTERN_NOTEBOOKS])
def test_a_pattern_notebook_checks_its_own_exercise(pattern: Pattern) -> None:
    name = pattern.notebook
    exercise_config(pattern)
    cells = read(name).cells
    expected = f'from exercises import check\n\ncheck("{pattern.slug}")'
    check_cell = cells[-2]
    is_check = check_cell.cell_type == "code" and check_cell.source.strip() == expected
    assert is_check, (
        f"{name}: the cell before the last must be a code cell holding exactly\n{expected}\n"
        f"(found a {check_cell.cell_type} cell:\n{check_cell.source})"
    )


@pytest.mark.parametrize("pattern", PATTERN_NOTEBOOKS, ids=[p.notebook for p in PATTERN_NOTEBOOKS])
def test_a_pattern_notebook_links_the_next_one(pattern: Pattern) -> None:
    name = pattern.notebook
    assert_next_cell(name, read(name).cells[-1], next_notebook(pattern))


def test_start_here_points_to_the_first_notebook_and_the_exercises() -> None:
    cells = read(START_HERE).cells
    assert_next_cell(START_HERE, cells[-1], next_notebook(None))
    text = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    assert "exercises/" in text, f"{START_HERE}: no markdown cell names the exercises folder `exercises/`"
    assert any(cell.cell_type == "code" and "from exercises import check" in cell.source for cell in cells), (
        f"{START_HERE}: no cell shows `from exercises import check` on an exercise"
    )


def test_the_capstone_comes_after_the_24_patterns_and_is_none_of_them() -> None:
    assert [p.number for p in PATTERNS] == list(range(1, 25))
    assert CAPSTONE not in PATTERNS
    assert (*PATTERNS, CAPSTONE) == COURSE
    assert (CAPSTONE.number, CAPSTONE.notebook, CAPSTONE.package) == (25, "25-capstone.ipynb", "capstone")
    assert next_notebook(CAPSTONE) == START_HERE
    if (NOTEBOOK_DIR / CAPSTONE.notebook).is_file():
        assert next_notebook(PATTERNS[-1]) == CAPSTONE.notebook


def test_every_link_between_notebooks_resolves() -> None:
    broken = [
        (path.name, target)
        for path in sorted(NOTEBOOK_DIR.glob("*.ipynb"))
        for cell in read(path.name).cells
        if cell.cell_type == "markdown"
        for _, target in LINK.findall(cell.source)
        if target.endswith(".ipynb") and not (NOTEBOOK_DIR / Path(target)).is_file()
    ]
    assert not broken, f"links to notebooks that do not exist (notebook, target): {broken}"
