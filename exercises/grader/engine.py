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
import secrets
import shutil
import signal
import stat
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

__all__ = ["COURSE_ROOT", "Grader", "Isolation", "check_submission", "choose_isolation", "grade_submission"]

COURSE_ROOT = Path(patterns.__file__).resolve().parent.parent
WARM_UP_BUDGET_S = 30.0
MAX_CHILD_STDOUT = 20_000_000

IsolationKind = Literal["bwrap", "process"]


# Running as root (a Gradescope container), the learner's code runs as an unprivileged user id drawn
# at random from this range, one per worker and used by nothing else: it cannot write the results, and
# every process it starts carries the id, so all of them are found and killed before a score is written.
LEARNER_UIDS = range(1_000_000, 1_000_000_000)


@dataclass(frozen=True)
class Isolation:
    """How the learner's code is confined. ``fallback`` says why bubblewrap was not used when it was
    wanted (``auto``): a plain process is weaker, and every report says so."""

    kind: IsolationKind
    fallback: str = ""

    def describe(self) -> str:
        user = (
            " as an unprivileged user" if _running_as_root() else (f" {root_note()}" if root_note() else "")
        )
        if self.kind == "bwrap":
            return (
                f"bubblewrap{user}: own filesystem view (course code, probes, submission only), no network, "
                "own PID namespace, no capabilities; per-test time, CPU, memory and output limits"
            )
        return (
            f"process only{user} ({self.fallback or 'bubblewrap not requested'}): own process with per-test "
            "time, CPU, memory and output limits, every process it starts killed before the score is "
            "written; the code can read what this user can read and is not cut off from the network"
        )

    def warning(self) -> str:
        """One line for stdout and feedback when grading fell back to a plain process, else empty."""
        if self.kind != "process" or not self.fallback:
            return ""
        return (
            f"WARNING: the learner's code ran WITHOUT the bubblewrap sandbox ({self.fallback}); "
            "it ran as a plain process (--require-sandbox makes this an error)"
        )


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and _unprivileged_can_run() is None


def _world_reachable(path: Path) -> bool:
    """Every folder on the way to ``path`` is searchable, and ``path`` readable, by any user."""
    path = path.resolve()
    for folder in [*reversed(path.parents), path]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            return False
        wanted = stat.S_IXOTH if folder.is_dir() else stat.S_IROTH
        if not mode & wanted:
            return False
    return True


@cache
def _unprivileged_can_run() -> str | None:
    """None when an unprivileged user can run this Python on the course, else what stands in the way."""
    for path in (
        Path(sys.executable),
        Path(sys.base_prefix),
        Path(sys.prefix),
        COURSE_ROOT / "patterns",
        COURSE_ROOT / "exercises",
    ):
        if not _world_reachable(path):
            return f"{path.resolve()} is not readable by other users"
    return None


def root_note() -> str:
    """Why the learner's code runs as root although this is root (empty when it does not)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and (problem := _unprivileged_can_run()):
        return f"as root: no unprivileged user can run the grader's Python here ({problem})"
    return ""


def _learner_uid() -> int | None:
    """A fresh unprivileged user id for a worker when running as root (else None: run as this user)."""
    if not _running_as_root():
        return None
    while True:
        uid = LEARNER_UIDS.start + secrets.randbelow(len(LEARNER_UIDS))
        if not _learner_processes(uid, ""):
            return uid


@cache
def _bwrap_problem() -> str | None:
    """None when bubblewrap starts here (as the learner's user, when root), else why it does not."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap is not installed (Debian's 'bubblewrap')"
    probe = [bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "--cap-drop", "ALL", "true"]
    user: dict[str, Any] = {"user": LEARNER_UIDS.start, "group": LEARNER_UIDS.start, "extra_groups": []}
    try:
        run = subprocess.run(
            probe, capture_output=True, timeout=10, check=False, **(user if _running_as_root() else {})
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap did not start: {error}"
    if run.returncode != 0:
        detail = run.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"bubblewrap did not start: {detail[-1] if detail else f'exit status {run.returncode}'}"
    return None


def _bwrap_works() -> bool:
    return _bwrap_problem() is None


def choose_isolation(
    requested: Literal["auto", "bwrap", "process"] = "auto", *, require_sandbox: bool = False
) -> Isolation:
    """bubblewrap when it works here (``auto``), or what was asked for; bwrap on request (or with
    ``require_sandbox``) must work. A fallback to a plain process carries its reason."""
    if requested == "process":
        if require_sandbox:
            raise RuntimeError("--require-sandbox contradicts --isolation process")
        return Isolation("process")
    problem = _bwrap_problem()
    if problem is None:
        return Isolation("bwrap")
    if requested == "bwrap" or require_sandbox:
        raise RuntimeError(f"the sandbox is required but {problem}")
    return Isolation("process", fallback=problem)


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
        self.uid = _learner_uid()  # root: the learner's code runs as this unprivileged user
        self.token = os.urandom(8).hex()  # marks every process of this worker (found and killed by it)
        user: dict[str, Any] = {}
        if self.uid is not None:
            os.chown(scratch, self.uid, self.uid)
            user = {"user": self.uid, "group": self.uid, "extra_groups": []}
        self.budget_spent = False
        self.import_hang = False
        python = [sys.executable, "-m", "exercises.grader.child"]
        if isolation.kind == "bwrap":
            command, env, cwd = _bwrap_command(exercise, scratch, python), None, scratch
        else:
            command, env, cwd = python, {**_child_environment(), "PYTHONPATH": str(COURSE_ROOT)}, scratch
            env[WORKER_TOKEN] = self.token
        self._process = spawn(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,
            **user,
        )
        self._lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr: list[bytes] = []
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()
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
        with contextlib.suppress(ValueError, OSError):  # the stream closed under us: the worker is gone
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
        with contextlib.suppress(ValueError, OSError):  # the stream closed under us: the worker is gone
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

    parallel_tests = 1  # set by the Grader that owns this worker

    def run(self, files: dict[str, str], tests: list[dict[str, Any]], limits: Limits) -> list[dict[str, Any]]:
        """Grade one submission; return the verdict lines in the order they came."""
        self._jobs += 1
        job = {
            "job": self._jobs,
            "files": files,
            "limits": {"memory_mb": limits.memory_mb, "output_bytes": limits.output_bytes},
            "tests": tests,
            "parallel": self.parallel_tests,  # tests run at once in the sandbox (each its own process)
        }
        try:
            self._send(job)
        except OSError:
            return []
        per_test = sum(t["timeout_s"] + 2 for t in tests) + 5
        deadline = time.monotonic() + min(per_test, limits.submission_s)
        verdicts: list[dict[str, Any]] = []
        while (line := self._next(deadline)) is not None:
            if line.get("done") == self._jobs:
                return verdicts
            verdicts.append(line)
            if _hangs_at_import(line):  # every other test would wait as long: report it once
                self.import_hang = True
                break
        self.budget_spent = (
            not self.import_hang and time.monotonic() >= deadline and per_test > limits.submission_s
        )
        self.close()  # out of time, or the child died: this worker is finished
        return verdicts

    def close(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        _sweep(self.uid, self.token)  # whatever the learner's code started, however it detached
        for reader in self._readers:
            reader.join(timeout=2.0)
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()
        self._temp.cleanup()


WORKER_TOKEN = "LAB_GRADING_WORKER"
SWEEP_ROUNDS = 200


def _hangs_at_import(verdict: dict[str, Any]) -> bool:
    error = verdict.get("error")
    return isinstance(error, dict) and error.get("type") == "ImportTimeout"


def _learner_processes(uid: int | None, token: str) -> list[int]:
    """Live processes of a worker: all of ``uid``'s (root gave it that id alone), else those whose
    environment carries the worker's token (this user's own processes; best effort)."""
    found = []
    marker = f"{WORKER_TOKEN}={token}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("State", "").strip().startswith(("Z", "X")):
                continue  # dead: it runs nothing (its parent or init reaps it)
            if uid is not None:
                if int(fields.get("Uid", "-1").split()[0]) == uid:
                    found.append(int(entry))
            elif marker in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                found.append(int(entry))
        except (OSError, ValueError):
            continue
    return found


def _sweep(uid: int | None, token: str) -> None:
    """Kill every process the worker and the learner's code left, until none is left running."""
    if not Path("/proc/self/status").exists():
        return
    for _ in range(SWEEP_ROUNDS):
        alive = _learner_processes(uid, token)
        if not alive:
            return
        for pid in alive:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005)


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
        if kind == "ImportTimeout":
            return result("timeout", f"called {call}: {message}{f' ({where})' if where else ''}")
        place = f" ({where})" if where and f"({where})" not in message else ""
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
    tests: list[tuple[str, Test, bool]],
    verdicts: list[dict[str, Any]],
    stderr: str,
    not_run: str | None = None,
) -> list[TestResult]:
    """Match verdicts to tests strictly in order: the child reports test i on line i. A line out of
    place means something other than the child wrote to its channel; from there on nothing counts.
    ``not_run`` is why the tests without a verdict did not run (a timeout), when the grader knows."""
    results = []
    tampered = False
    for index, (test_id, test, hidden) in enumerate(tests):
        verdict = verdicts[index] if index < len(verdicts) else None
        if verdict is not None and verdict["id"] != test_id:
            tampered = True
        if verdict is None and not_run is not None and not tampered:
            results.append(
                TestResult(test.name, test.task, 0.0, test.points, "timeout", not_run, hidden, 0.0)
            )
        elif tampered:
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
        # the cores, shared by the workers: one worker runs tests two at a time on two cores, two run one
        self._parallel_tests = max(1, (os.cpu_count() or 1) // max(1, jobs))
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
            worker.parallel_tests = self._parallel_tests
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
        grade.task_titles = {task.number: task.title for task in self.exercise.tasks}
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
            if self.isolation.kind == "process":
                worker.close()  # no PID namespace: end the worker, and every process left, before scoring
        finally:
            self._idle.put(worker if worker.alive else None)
        not_run = None
        if worker.import_hang:
            files_named = ", ".join(self.exercise.files)
            not_run = f"not run: importing {files_named} never finished (reported once, above)"
        elif worker.budget_spent:
            not_run = (
                f"not run: the submission used up its time budget for this exercise "
                f"({self.limits.submission_s:g} s for all tests together)"
            )
        grade.results = _results(self.tests, verdicts, stderr, not_run)
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


_warm_graders: dict[tuple[Path, Isolation, tuple[tuple[str, float, int], ...]], Grader] = {}
_warm_lock = threading.Lock()


def _exercise_fingerprint(exercise: Exercise) -> tuple[tuple[str, float, int], ...]:
    """What a warm worker loaded: when one of these files changes, a new worker is started."""
    files = [exercise.root / name for name in ("exercise.toml", "probes.py", "checks.py", "tests_public.py")]
    stats = [(str(path), path.stat().st_mtime, path.stat().st_size) for path in files if path.exists()]
    return tuple(stats)


def _close_warm_graders() -> None:
    with _warm_lock:
        for grader in _warm_graders.values():
            grader.close()
        _warm_graders.clear()


def check_submission(
    exercise: Exercise, submission: Path, *, isolation: Isolation | None = None, name: str | None = None
) -> Grade:
    """The public tests on a :class:`Grader` kept warm for the life of this process (a notebook kernel),
    so a second ``check`` starts no sandbox. Same isolation as any grading: the warm worker never runs
    learner code; each test runs in a fresh process forked from it, and each submission's files and
    processes are gone before the next starts."""
    import atexit

    chosen = isolation or choose_isolation()
    key = (exercise.root.resolve(), chosen, _exercise_fingerprint(exercise))
    with _warm_lock:
        grader = _warm_graders.get(key)
        if grader is None:
            for stale in [k for k in _warm_graders if k[0] == key[0]]:
                _warm_graders.pop(stale).close()
            if not _warm_graders:
                atexit.register(_close_warm_graders)
            grader = _warm_graders[key] = Grader(exercise, include_hidden=False, isolation=chosen)
    return grader.grade(submission, name)
