"""``python -m exercises new <slug>``: a new exercise folder that ``verify`` accepts at once.

The scaffold is a small, complete, pure-Python exercise (two tasks, public and hidden tests, a
solution): the instructor replaces its tasks with their own, running ``verify <slug>`` after each step.
"""

from __future__ import annotations

import re
from pathlib import Path

from patterns.lab.exceptions import LabError

__all__ = ["SLUG", "scaffold_exercise"]

SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

EXERCISE_TOML = """slug = "{slug}"
title = "{title}: replace this title with what the learner builds"
kind = "code"
# the file the learner edits; its name must be unique across the course's exercises
files = ["{module}.py"]
# verify checks this is the number of tests in hidden/tests.py
hidden_tests = 2

[tasks]
1 = "Count the words of a text"
2 = "Keep the distinct words, lowercased and sorted"

[limits]
timeout_s = 10.0
memory_mb = 1536
output_bytes = 1000000
"""

README = """# Exercise: {title}

Replace this text with the pattern the exercise practises and what the learner builds. You edit
`{module}.py` in this folder.

Check your work as often as you like:

```bash
.venv/bin/python -m exercises check {slug}   # or, in a notebook: from exercises import check; check("{slug}")
```

## Task 1: Count the words of a text

`word_count(text)` returns how many words `text` holds (words are separated by whitespace) **as an int**;
an empty or blank text has 0 words.

## Task 2: Keep the distinct words, lowercased and sorted

`distinct_words(text)` returns the distinct words of `text`, lowercased, sorted, **as a list of str**;
an empty text gives an empty list.

## Grading

| task | public tests | hidden tests |
|---|---|---|
| 1 | 2 | 1 |
| 2 | 2 | 1 |

Each test is worth one point. Return exactly an `int` and exactly a `list` of `str`: an object that
merely compares equal scores zero.
"""

STUB = '''"""Your {slug} exercise. Replace each ``raise NotImplementedError`` with your code."""

from __future__ import annotations


def word_count(text: str) -> int:
    """Task 1: how many whitespace-separated words ``text`` holds."""
    raise NotImplementedError("Task 1: word_count is not written yet")


def distinct_words(text: str) -> list[str]:
    """Task 2: the distinct words of ``text``, lowercased and sorted."""
    raise NotImplementedError("Task 2: distinct_words is not written yet")
'''

SOLUTION = '''"""Reference solution of the {slug} exercise."""

from __future__ import annotations


def word_count(text: str) -> int:
    """Task 1: how many whitespace-separated words ``text`` holds."""
    return len(text.split())


def distinct_words(text: str) -> list[str]:
    """Task 2: the distinct words of ``text``, lowercased and sorted."""
    return sorted({{word.lower() for word in text.split()}})
'''

PROBES = '''"""Probes of the {slug} exercise: they run in the learner's sandboxed process, call the learner's
functions and return plain JSON data for the grader to check (unconverted: never ``list(x)``)."""

from __future__ import annotations

from typing import Any

from exercises.grader.support import learner_module


def warm_up() -> None:
    """Load what every test needs, once, before any learner code exists (nothing: pure Python)."""


def count(text: str) -> dict[str, Any]:
    """Task 1: what ``word_count(text)`` returns."""
    return {{"returned": learner_module("{module}").word_count(text)}}


def distinct(text: str) -> dict[str, Any]:
    """Task 2: what ``distinct_words(text)`` returns."""
    return {{"returned": learner_module("{module}").distinct_words(text)}}
'''

CHECKS = '''"""Checks shared by the public and hidden tests of the {slug} exercise (run in the grader)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exercises.grader.model import Outcome
from exercises.grader.support import expect_equal

Check = Callable[[Outcome], None]


def returned(expected: Any, what: str) -> Check:
    """The probe's ``returned`` value equals ``expected``, with exactly its types (``1`` is not ``1.0``)."""

    def check(outcome: Outcome) -> None:
        expect_equal(outcome, "returned", expected, what)

    return check
'''

TESTS_PUBLIC = '''"""Public tests of the {slug} exercise: ``python -m exercises check {slug}`` runs them."""

from exercises.grader.model import Test

from . import checks

TESTS = [
    Test("three words", 1, "count", {{"text": "to be free"}}, checks.returned(3, "word_count(...)")),
    Test("an empty text has no words", 1, "count", {{"text": ""}}, checks.returned(0, "word_count(...)")),
    Test(
        "words are lowercased and sorted",
        2,
        "distinct",
        {{"text": "Queue Lambda queue"}},
        checks.returned(["lambda", "queue"], "distinct_words(...)"),
    ),
    Test("an empty text gives []", 2, "distinct", {{"text": ""}}, checks.returned([], "distinct_words(...)")),
]
'''

TESTS_HIDDEN = '''"""Hidden tests of the {slug} exercise: one per rule of the README (never shipped)."""

from exercises.grader.model import Test

from .. import checks

TESTS = [
    Test(
        "a blank text has no words",
        1,
        "count",
        {{"text": "  \\n\\t "}},
        checks.returned(0, "word_count(...)"),
    ),
    Test(
        "duplicates in any case are kept once",
        2,
        "distinct",
        {{"text": "SNS sns Sns sqs"}},
        checks.returned(["sns", "sqs"], "distinct_words(...)"),
    ),
]
'''


def scaffold_exercise(exercises_root: Path, slug: str) -> tuple[Path, list[Path]]:
    """Write ``<exercises_root>/<slug with underscores>/`` and return it with the files written."""
    if not SLUG.match(slug):
        raise LabError(f"{slug!r} is not a slug: lowercase letters, digits and hyphens, e.g. my-pattern")
    module = slug.replace("-", "_")
    folder = exercises_root / module
    if folder.exists():
        raise LabError(f"{folder} already exists; choose another slug")
    taken = sorted(exercises_root.glob(f"*/{module}.py"))
    if taken:
        raise LabError(f"{taken[0]} exists: a learner's file name must be unique across exercises")
    title = slug.replace("-", " ").capitalize()
    values = {"slug": slug, "module": module, "title": title}
    files = {
        "exercise.toml": EXERCISE_TOML,
        "README.md": README,
        f"{module}.py": STUB,
        "probes.py": PROBES,
        "checks.py": CHECKS,
        "tests_public.py": TESTS_PUBLIC,
        "hidden/tests.py": TESTS_HIDDEN,
        f"solution/{module}.py": SOLUTION,
    }
    written = []
    for name, template in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
        written.append(path)
    return folder, written
