"""What an exercise is made of (tasks, tests, limits) and what grading it produces."""

from __future__ import annotations

import html
import importlib.machinery
import importlib.util
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from patterns.lab.exceptions import LabError

__all__ = [
    "Exercise",
    "ExerciseError",
    "Grade",
    "Limits",
    "Outcome",
    "Status",
    "Task",
    "Test",
    "TestResult",
    "grade_html",
    "load_exercise",
]

Status = Literal["passed", "failed", "timeout", "crashed", "error"]


class ExerciseError(LabError):
    """An exercise folder or a submission is malformed; the message says what and where.

    In a notebook (IPython) it shows as one line, like the command line's ``error: ...``, not a traceback.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


@dataclass(frozen=True)
class Outcome:
    """What the learner's code returned for one test, as plain JSON data, and how it was called."""

    value: Any
    call: str


@dataclass(frozen=True)
class Test:
    """One test: a probe run in the learner's process, checked in the grader's.

    ``probe`` names a function in the exercise's ``probes.py``, called with ``args`` (JSON data).
    ``check`` receives the :class:`Outcome` and raises ``AssertionError`` with a message that says
    what was called, what came back and what was expected.
    """

    name: str
    task: int
    probe: str
    args: dict[str, Any]
    check: Callable[[Outcome], None]
    points: float = 1.0
    timeout_s: float | None = None

    def call(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.args.items())
        return f"{self.probe}({arguments})"


@dataclass(frozen=True)
class Task:
    number: int
    title: str


@dataclass(frozen=True)
class Limits:
    """Per-test limits for the learner's process."""

    timeout_s: float = 5.0
    memory_mb: int = 1536
    output_bytes: int = 1_000_000
    # the whole submission of this exercise, all tests together: an endless loop cannot cost 15 timeouts
    submission_s: float = 60.0


@dataclass(frozen=True)
class Exercise:
    """An exercise folder: ``exercise.toml``, the stub, probes, public and hidden tests, a solution."""

    slug: str
    title: str
    root: Path
    files: tuple[str, ...]
    tasks: tuple[Task, ...]
    limits: Limits
    hidden_test_count: int
    kind: Literal["code", "document"] = "code"

    @property
    def probes(self) -> Path:
        return self.root / "probes.py"

    @property
    def hidden_dir(self) -> Path:
        return self.root / "hidden"

    @property
    def solution_dir(self) -> Path:
        return self.root / "solution"

    def public_tests(self) -> list[Test]:
        return _tests_from(self.root / "tests_public.py", self)

    def hidden_tests(self) -> list[Test] | None:
        """The hidden tests, or None where they are not shipped (a learner's copy)."""
        path = self.hidden_dir / "tests.py"
        return _tests_from(path, self) if path.exists() else None

    def task_title(self, number: int) -> str:
        return next((t.title for t in self.tasks if t.number == number), f"Task {number}")


def _package(name: str, path: Path) -> str:
    """Register ``path`` as an importable package called ``name`` (so tests can import ``.checks``)."""
    if name not in sys.modules:
        spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
        spec.submodule_search_locations = [str(path)]
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
    return name


def _tests_from(path: Path, exercise: Exercise) -> list[Test]:
    if not path.exists():
        raise ExerciseError(f"{exercise.slug}: {path.name} is missing from {path.parent}")
    package = _package(f"_exercise_{exercise.slug.replace('-', '_')}", exercise.root)
    if path.parent != exercise.root:
        package = _package(f"{package}.{path.parent.name}", path.parent)
    name = f"{package}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ExerciseError(f"{path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    tests = getattr(module, "TESTS", None)
    if not isinstance(tests, list) or not all(isinstance(t, Test) for t in tests):
        raise ExerciseError(f"{path} must define TESTS, a list of Test")
    known = {task.number for task in exercise.tasks}
    for test in tests:
        if test.task not in known:
            raise ExerciseError(f"{path}: test {test.name!r} names task {test.task}, not in exercise.toml")
    return tests


def load_exercise(root: Path) -> Exercise:
    """Read ``<root>/exercise.toml``; raise :class:`ExerciseError` naming what is wrong."""
    config_path = root / "exercise.toml"
    if not config_path.exists():
        raise ExerciseError(f"{root} is not an exercise folder: it has no exercise.toml")
    try:
        config = tomllib.loads(config_path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise ExerciseError(f"{config_path}: {error}") from None
    try:
        tasks = tuple(Task(int(number), str(title)) for number, title in config["tasks"].items())
        limits = Limits(**config.get("limits", {}))
        return Exercise(
            slug=str(config["slug"]),
            title=str(config["title"]),
            root=root.resolve(),
            files=tuple(config["files"]),
            tasks=tuple(sorted(tasks, key=lambda t: t.number)),
            limits=limits,
            hidden_test_count=int(config.get("hidden_tests", 0)),
            kind=config.get("kind", "code"),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ExerciseError(f"{config_path}: missing or malformed setting ({error})") from None


@dataclass(frozen=True)
class TestResult:
    name: str
    task: int
    points: float
    max_points: float
    status: Status
    message: str
    hidden: bool
    seconds: float
    output: str = ""


@dataclass
class Grade:
    """The grade of one submission of one exercise."""

    exercise: str
    submission: str
    results: list[TestResult] = field(default_factory=list)
    isolation: str = ""
    seconds: float = 0.0
    hidden_not_run: int = 0
    error: str | None = None
    task_titles: dict[int, str] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_points for r in self.results)

    @property
    def status(self) -> str:
        if self.error:
            return "error"
        return "passed" if self.results and all(r.status == "passed" for r in self.results) else "graded"

    def by_task(self) -> dict[int, list[TestResult]]:
        tasks: dict[int, list[TestResult]] = {}
        for result in self.results:
            tasks.setdefault(result.task, []).append(result)
        return dict(sorted(tasks.items()))

    def _repr_html_(self) -> str:
        return grade_html(self)


STATUS_WORDS = {
    "passed": "pass",
    "failed": "fail",
    "timeout": "timeout",
    "crashed": "crashed",
    "error": "error",
}
STATUS_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "timeout": "#9a6700", "crashed": "#8250df"}


def grade_html(grade: Grade) -> str:
    """A grade as an HTML table (task, test, status, points, message) under a summary line."""
    passed = sum(r.status == "passed" for r in grade.results)
    summary = (
        f"<b>{html.escape(grade.exercise)}</b>: {grade.score:g}/{grade.max_score:g} points, "
        f"{passed} of {len(grade.results)} tests passed"
    )
    if grade.hidden_not_run:
        summary += f"; {grade.hidden_not_run} hidden tests not run"
    summary += f" ({grade.seconds:.1f} s)"
    cell = "border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top"
    rows = []
    for task, results in grade.by_task().items():
        task_label = html.escape(f"{task}. {grade.task_titles.get(task, f'Task {task}')}")
        for result in results:
            colour = STATUS_COLOURS.get(result.status, "#cf222e")
            name = html.escape(result.name) + (" <i>(hidden)</i>" if result.hidden else "")
            message = html.escape(result.message)
            rows.append(
                f'<tr><td style="{cell}">{task_label}</td><td style="{cell}">{name}</td>'
                f'<td style="{cell};color:{colour};font-weight:bold">{STATUS_WORDS[result.status]}</td>'
                f'<td style="{cell}">{result.points:g}/{result.max_points:g}</td>'
                f'<td style="{cell}"><pre style="margin:0;white-space:pre-wrap">{message}</pre></td></tr>'
            )
    header = "".join(f'<th style="{cell}">{h}</th>' for h in ("task", "test", "status", "points", "message"))
    error = f'<p style="color:#cf222e">{html.escape(grade.error)}</p>' if grade.error else ""
    isolation = f'<p style="color:#57606a;font-size:smaller">isolation: {html.escape(grade.isolation)}</p>'
    return (
        f'<div><p>{summary}</p>{error}<table style="border-collapse:collapse"><thead><tr>{header}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>{isolation}</div>"
    )
