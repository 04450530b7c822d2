"""The grading engine: copies a submission, runs its tests in a sandboxed process, decides the score.

The learner's code only ever runs in a child process (under bubblewrap where available: a
filesystem view holding the course code, the exercise's probes and the submission, no network).
The child returns plain JSON data; the checks, the points and the score are computed here.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import patterns
from exercises.grader.model import Exercise, Grade, Limits, Outcome, Test, TestResult

__all__ = ["COURSE_ROOT", "Grader", "Isolation", "choose_isolation", "grade_submission"]

COURSE_ROOT = Path(patterns.__file__).resolve().parent.parent
WARM_UP_BUDGET_S = 30.0
MAX_CHILD_STDOUT = 20_000_000

IsolationKind = Literal["bwrap", "process"]


@dataclass(frozen=True)
class Isolation:
    kind: IsolationKind

    def describe(self) -> str:
        if self.kind == "bwrap":
            return (
                "bubblewrap: own filesystem view (course code, probes, submission only), no network, "
                "own PID namespace, no capabilities; per-test time, CPU, memory and output limits"
            )
        return (
            "process only (bubblewrap unavailable): own process with per-test time, CPU, memory and "
            "output limits; the code can read what this user can read and is not cut off from the network"
        )


@cache
def _bwrap_works() -> bool:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False
    probe = [bwrap, "--ro-bind", "/", "/", "--unshare-net", "--die-with-parent", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def choose_isolation(requested: Literal["auto", "bwrap", "process"] = "auto") -> Isolation:
    """bubblewrap when it works here (``auto``), or what was asked for; bwrap on request must work."""
    if requested == "process":
        return Isolation("process")
    if _bwrap_works():
        return Isolation("bwrap")
    if requested == "bwrap":
        raise RuntimeError("bubblewrap was requested but does not work here (install Debian's 'bubblewrap')")
    return Isolation("process")


def _bwrap_command(exercise: Exercise, work: Path, python: list[str]) -> list[str]:
    readonly = {
        Path("/usr"),
        Path(sys.base_prefix).resolve(),
        Path(sys.prefix),
        COURSE_ROOT / "patterns",
        COURSE_ROOT / "exercises" / "__init__.py",
        COURSE_ROOT / "exercises" / "grader",
        exercise.probes.resolve(),
    }
    command = [
        "bwrap",
        "--die-with-parent",
        "--new-session",
        "--unshare-all",
        "--cap-drop",
        "ALL",
        "--clearenv",
    ]
    for link in ("/bin", "/lib", "/lib64", "/sbin"):
        path = Path(link)
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), link]
        elif path.exists():
            command += ["--ro-bind", link, link]
    # /tmp comes before the binds: the course itself may live under /tmp (a release, a Gradescope run)
    command += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for path in sorted(readonly, key=str):
        command += ["--ro-bind", str(path), str(path)]
    command += ["--bind", str(work), str(work)]
    for key, value in {**_child_environment(), "PYTHONPATH": str(COURSE_ROOT)}.items():
        command += ["--setenv", key, value]
    return [*command, "--chdir", str(work), *python]


def _child_environment() -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp",
    }


class _Worker:
    """One warm child process (in its sandbox) that grades submissions of one exercise, one at a time."""

    def __init__(
        self, exercise: Exercise, isolation: Isolation, spawn: Callable[..., subprocess.Popen[bytes]]
    ) -> None:
        self.exercise = exercise
        self._temp = tempfile.TemporaryDirectory(prefix="lab-grade-")
        scratch = Path(self._temp.name)
        python = [sys.executable, "-m", "exercises.grader.child"]
        if isolation.kind == "bwrap":
            command, env, cwd = _bwrap_command(exercise, scratch, python), None, scratch
        else:
            command, env, cwd = python, {**_child_environment(), "PYTHONPATH": str(COURSE_ROOT)}, scratch
        self._process = spawn(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        self._lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr: list[bytes] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self._jobs = 0
        setup = {
            "python_path": [str(COURSE_ROOT)],
            "probes": str(exercise.probes.resolve()),
            "scratch": str(scratch),
        }
        self._send(setup)
        ready = self._next(time.monotonic() + WARM_UP_BUDGET_S)
        if ready is None or not ready.get("ready"):
            self.close()
            raise RuntimeError(f"the grading sandbox did not start: {self.stderr_tail() or 'no output'}")

    def _read_stdout(self) -> None:
        assert self._process.stdout is not None
        read = 0
        for raw in self._process.stdout:
            read += len(raw)
            if read > MAX_CHILD_STDOUT:
                break
            try:
                line = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if isinstance(line, dict):
                self._lines.put(line)
        self._lines.put(None)

    def _read_stderr(self) -> None:
        assert self._process.stderr is not None
        while chunk := self._process.stderr.read(65536):
            self._stderr.append(chunk)
            del self._stderr[:-4]

    def stderr_tail(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")[-2000:]

    def _send(self, message: dict[str, Any]) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(message).encode() + b"\n")
        self._process.stdin.flush()

    def _next(self, deadline: float) -> dict[str, Any] | None:
        try:
            return self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def run(self, files: dict[str, str], tests: list[dict[str, Any]], limits: Limits) -> list[dict[str, Any]]:
        """Grade one submission; return the verdict lines in the order they came."""
        self._jobs += 1
        job = {
            "job": self._jobs,
            "files": files,
            "limits": {"memory_mb": limits.memory_mb, "output_bytes": limits.output_bytes},
            "tests": tests,
        }
        try:
            self._send(job)
        except OSError:
            return []
        deadline = time.monotonic() + sum(t["timeout_s"] + 2 for t in tests) + 5
        verdicts: list[dict[str, Any]] = []
        while (line := self._next(deadline)) is not None:
            if line.get("done") == self._jobs:
                return verdicts
            verdicts.append(line)
        self.close()  # out of time, or the child died: this worker is finished
        return verdicts

    def close(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        self._temp.cleanup()


def _test_specs(tests: list[tuple[str, Test, bool]], limits: Limits) -> list[dict[str, Any]]:
    return [
        {
            "id": test_id,
            "probe": test.probe,
            "args": test.args,
            "timeout_s": min(test.timeout_s or limits.timeout_s, limits.timeout_s),
        }
        for test_id, test, _ in tests
    ]


def _judge(test: Test, verdict: dict[str, Any] | None, hidden: bool, stderr: str) -> TestResult:
    """Turn what the child reported into a status, a message and points (here, never in the child)."""

    def result(status: str, message: str, points: float = 0.0) -> TestResult:
        seconds = float(verdict.get("seconds", 0.0)) if verdict else 0.0
        output = str(verdict.get("output", ""))[-2000:] if verdict else ""
        return TestResult(test.name, test.task, points, test.points, status, message, hidden, seconds, output)  # type: ignore[arg-type]

    call = test.call()
    if verdict is None:
        detail = f": {stderr.strip().splitlines()[-1]}" if stderr.strip() else ""
        return result("crashed", f"the grading process stopped before this test ran{detail}")
    status = verdict.get("status")
    if status in ("timeout", "crashed"):
        return result(str(status), f"called {call}: {verdict.get('message', '')}")
    if "crash" in verdict:
        return result("crashed", f"called {call}: {verdict['crash']}")
    if "invalid" in verdict:
        return result("failed", f"called {call}: {verdict['invalid']}")
    if "error" in verdict:
        error = verdict["error"] if isinstance(verdict["error"], dict) else {}
        kind, message, where = error.get("type", "Error"), error.get("message", ""), error.get("where", "")
        if kind == "NotImplementedError":
            return result("error", f"not implemented yet: {message}")
        place = f" ({where})" if where else ""
        return result("error", f"called {call}: raised {kind}: {message}{place}")
    if "value" not in verdict:
        return result("crashed", f"called {call}: the process returned no result")
    try:
        test.check(Outcome(verdict["value"], call))
    except AssertionError as failure:
        return result("failed", str(failure) or f"called {call}: the result was not what was expected")
    except Exception as error:  # the result had the wrong shape for the check to read it
        return result(
            "failed",
            f"called {call}: got {verdict['value']!r:.300}, which is not what was expected ({error!r})",
        )
    return result("passed", "", test.points)


def _results(
    tests: list[tuple[str, Test, bool]], verdicts: list[dict[str, Any]], stderr: str
) -> list[TestResult]:
    """Match verdicts to tests strictly in order: the child reports test i on line i. A line out of
    place means something other than the child wrote to its channel; from there on nothing counts."""
    results = []
    tampered = False
    for index, (test_id, test, hidden) in enumerate(tests):
        verdict = verdicts[index] if index < len(verdicts) else None
        if verdict is not None and verdict["id"] != test_id:
            tampered = True
        if tampered:
            message = "the grading channel carried a result this test did not produce (tampering): no points"
            results.append(
                TestResult(test.name, test.task, 0.0, test.points, "crashed", message, hidden, 0.0)
            )
        else:
            results.append(_judge(test, verdict, hidden, stderr))
    return results


class Grader:
    """Grades submissions of one exercise with warm sandboxed workers (one per job), thread-safe.

    A worker imports and warms the course code once, then grades one submission after another: each
    submission gets a fresh folder, its leftover processes are killed and its files deleted before
    the next one starts, and no learner code ever runs in the worker itself.
    """

    def __init__(
        self,
        exercise: Exercise,
        *,
        include_hidden: bool,
        jobs: int = 1,
        isolation: Isolation | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.exercise = exercise
        self.isolation = isolation or choose_isolation()
        self.limits = limits or exercise.limits
        self.tests = [(f"public-{i}", test, False) for i, test in enumerate(exercise.public_tests())]
        hidden = exercise.hidden_tests() if include_hidden else None
        self.hidden_not_run = exercise.hidden_test_count if hidden is None else 0
        if hidden is not None:
            self.tests += [(f"hidden-{i}", test, True) for i, test in enumerate(hidden)]
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(max(1, jobs)):
            self._idle.put(None)  # workers start lazily, in the thread that first needs one
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        # bubblewrap's --die-with-parent follows the *thread* that started it: start every worker from
        # one thread that lives as long as this grader, not from the short-lived threads that grade.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grader-spawn")

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            for worker in self._workers:
                worker.close()
            self._workers.clear()
        self._spawner.shutdown()

    def _worker(self) -> _Worker:
        worker = self._idle.get()
        if worker is None or not worker.alive:
            worker = _Worker(self.exercise, self.isolation, self._spawn)
            with self._lock:
                self._workers.append(worker)
        return worker

    def _spawn(self, *args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(*args, **kwargs)

        return self._spawner.submit(start).result()

    def grade(self, submission: Path, name: str | None = None) -> Grade:
        """Grade the learner's files in ``submission`` (a folder holding the exercise's files)."""
        started = time.perf_counter()
        grade = Grade(self.exercise.slug, name or submission.name, isolation=self.isolation.describe())
        grade.hidden_not_run = self.hidden_not_run
        files, problem = _read_files(self.exercise, submission)
        if problem:
            grade.error = problem
            grade.results = [
                TestResult(t.name, t.task, 0.0, t.points, "error", problem, h, 0.0) for _, t, h in self.tests
            ]
            grade.seconds = time.perf_counter() - started
            return grade
        worker = self._worker()
        try:
            verdicts = worker.run(files, _test_specs(self.tests, self.limits), self.limits)
            stderr = "" if worker.alive else worker.stderr_tail()
        finally:
            self._idle.put(worker if worker.alive else None)
        grade.results = _results(self.tests, verdicts, stderr)
        grade.seconds = time.perf_counter() - started
        return grade


MAX_FILE_BYTES = 1_000_000


def _read_files(exercise: Exercise, submission: Path) -> tuple[dict[str, str], str | None]:
    files: dict[str, str] = {}
    for file in exercise.files:
        path = submission / file
        if not path.is_file():
            return {}, f"the submission has no {file} in {submission}"
        if path.stat().st_size > MAX_FILE_BYTES:
            return {}, f"{path} is larger than {MAX_FILE_BYTES} bytes"
        files[file] = path.read_text(encoding="utf-8", errors="replace")
    return files, None


def grade_submission(
    exercise: Exercise,
    submission: Path,
    *,
    include_hidden: bool,
    isolation: Isolation | None = None,
    name: str | None = None,
    limits: Limits | None = None,
) -> Grade:
    """Grade one submission with a worker of its own (for many, use :class:`Grader`).

    ``limits`` overrides the exercise's per-test limits (a grader may be stricter).
    """
    with Grader(exercise, include_hidden=include_hidden, isolation=isolation, limits=limits) as grader:
        return grader.grade(submission, name)
