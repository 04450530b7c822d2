"""The grading child: runs inside the sandbox, runs each test's probe in a forked process.

Protocol: the parent writes a setup line to stdin; this process imports the course code and warms
it up (no learner code ever runs in it), says it is ready, then takes one submission per line: it
writes the files into a fresh folder and, for every test, forks a grandchild that lowers its limits,
sends its output to a size-capped file, imports the learner's code through the probe, and returns the
probe's result as strict JSON on a pipe. Up to ``PARALLEL_TESTS`` tests run at once, each in a process
group of its own; what a finished test left running is killed at once. This process writes one JSON
line per test to stdout, in the tests' order, then kills whatever the submission left running and
deletes its files before taking the next.
Nothing here decides a score: the parent checks every returned value against the tests it alone
holds, so whatever the learner's code does to this process can only change the data it returns.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import importlib.util
import json
import math
import os
import resource
import select
import shutil
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

MAX_RESULT_BYTES = 1_000_000
# Tests of one submission run at once, each in its own forked process (a job may ask for fewer).
PARALLEL_TESTS = max(1, min(4, os.cpu_count() or 1))
OUTPUT_TAIL_BYTES = 4_000
_submission = (
    "/nonexistent"  # the submission folder, set in each test's process before the learner's code runs
)


def _strict_json(value: Any, path: str = "result") -> Any:
    """Plain JSON data or a TypeError naming where something else was found."""
    if value is None or type(value) in (bool, str):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        if not math.isfinite(value):
            raise TypeError(f"{path} is {value}, which JSON cannot carry")
        return value
    if type(value) is list:
        return [_strict_json(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if type(value) is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"{path} has a key of type {type(key).__name__}; keys must be strings")
            out[key] = _strict_json(item, f"{path}[{key!r}]")
        return out
    kind = type(value)
    name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    imitates = next((t.__name__ for t in (bool, int, float, str, list, dict) if isinstance(value, t)), None)
    like = f" (it imitates a {imitates}, but is not one)" if imitates else ""
    raise TypeError(
        f"{path} is a {name}{like}, not plain JSON data (dict, list, str, int, float, bool or None)"
    )


def _load_probes(path: str) -> Any:
    spec = importlib.util.spec_from_file_location("exercise_probes", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["exercise_probes"] = module
    spec.loader.exec_module(module)
    return module


def _run_test(
    probes: Any, test: dict[str, Any], limits: dict[str, Any], log_path: str, write_fd: int
) -> None:
    """In the grandchild: lower limits, redirect output, run the probe, write the result, exit."""
    global _submission
    _submission = os.path.realpath(os.getcwd())
    memory = int(limits["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(float(test["timeout_s"])) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    output = int(limits["output_bytes"])
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115 - lives until os._exit
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    try:
        value = getattr(probes, test["probe"])(**test["args"])
        message: dict[str, Any] = {"value": _strict_json(value)}
    except NotImplementedError as error:
        message = {"error": {"type": "NotImplementedError", "message": str(error) or "not implemented"}}
    except TypeError as error:
        is_result = str(error).startswith("result")
        message = {"invalid": str(error)} if is_result else {"error": _describe(error)}
    except MemoryError:
        message = {"crash": f"ran out of memory (limit {limits['memory_mb']} MiB)"}
    except OSError as error:
        if error.errno == errno.EFBIG:  # Python ignores SIGXFSZ: the write past the cap fails instead
            message = {"crash": f"printed more than the output limit ({output} bytes)"}
        else:
            message = {"error": _describe(error)}
    except BaseException as error:  # SystemExit, KeyboardInterrupt, anything the learner raised
        message = {"error": _describe(error)}
    data = json.dumps(message).encode()[:MAX_RESULT_BYTES]
    try:
        os.write(write_fd, data)
    finally:
        os._exit(0)


def _learner_frame(error: BaseException) -> traceback.FrameSummary | None:
    """The last frame of the traceback (or of the exceptions it was raised from or during) that runs
    the learner's own code: a file in the submission folder (this process's working directory)."""
    submission = _submission + os.sep
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        mine = [f for f in frames if os.path.realpath(f.filename).startswith(submission)]
        if mine:
            return mine[-1]
        current = current.__cause__ or current.__context__
    return None


def _describe(error: BaseException) -> dict[str, Any]:
    frames = traceback.extract_tb(error.__traceback__)
    where = _learner_frame(error) or (frames[-1] if frames else None)
    location = f"{os.path.basename(where.filename)}, line {where.lineno}" if where else ""
    if isinstance(error, SyntaxError):
        location = f"{os.path.basename(error.filename or '?')}, line {error.lineno}"
    if isinstance(error, SystemExit):
        return {"type": "SystemExit", "message": f"called sys.exit({error.code!r})", "where": location}
    return {"type": type(error).__name__, "message": str(error)[:2000], "where": location}


def _tail(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - OUTPUT_TAIL_BYTES))
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


@dataclass
class _Running:
    """A test's process while it runs: its result pipe, what came through it, and its deadline."""

    index: int
    test: dict[str, Any]
    pid: int
    read_fd: int
    log_path: str
    started: float
    deadline: float
    chunks: list[bytes] = field(default_factory=list)
    received: int = 0
    open_pipe: bool = True

    def read(self) -> None:
        """Take what the pipe holds now (never blocks: a process the test started may hold it open)."""
        while self.open_pipe:
            try:
                chunk = os.read(self.read_fd, 65536)
            except BlockingIOError:
                return
            if not chunk:
                self.open_pipe = False
            elif self.received < MAX_RESULT_BYTES:
                self.chunks.append(chunk)
                self.received += len(chunk)

    def finished(self) -> tuple[int | None, bool] | None:
        """(exit status, timed out) once the process is gone (killed if its time is up), else None."""
        try:
            done, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:  # reaped elsewhere: what it wrote is all there is
            self.read()
            return None, False
        if done:
            self.read()
            return status, False
        if time.monotonic() >= self.deadline:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            return None, True
        return None


def _wait_for_any(running: list[_Running]) -> None:
    """Sleep until a result pipe has data or closes, or the nearest deadline, at most 50 ms."""
    fds = [r.read_fd for r in running if r.open_pipe]
    pause = max(0.0, min(min(r.deadline for r in running) - time.monotonic(), 0.05))
    if fds:
        ready, _, _ = select.select(fds, [], [], pause)
        for r in running:
            if r.read_fd in ready:
                r.read()
    else:
        time.sleep(min(pause, 0.005))


def _verdict(
    data: bytes, status: int | None, timed_out: bool, test: dict[str, Any], limits: dict[str, Any]
) -> dict[str, Any]:
    if timed_out:
        return {"status": "timeout", "message": f"did not finish within {test['timeout_s']} s"}
    if data:
        try:
            return {"status": "returned", **json.loads(data)}
        except json.JSONDecodeError:
            return {"status": "crashed", "message": "returned a result that was cut off or garbled"}
    if status is None:
        return {"status": "crashed", "message": "the process ended without returning a result"}
    if os.WIFSIGNALED(status):
        signal_number = os.WTERMSIG(status)
        reasons: dict[int, str] = {
            signal.SIGXCPU: f"used more than its CPU limit ({math.ceil(float(test['timeout_s'])) + 1} s)",
            signal.SIGXFSZ: f"printed more than the output limit ({limits['output_bytes']} bytes)",
            signal.SIGKILL: "was killed (often: the memory limit)",
            signal.SIGSEGV: "crashed with a segmentation fault (often: the memory limit)",
        }
        reason = reasons.get(signal_number, f"was killed by signal {signal.Signals(signal_number).name}")
        return {"status": "crashed", "message": f"the process {reason}"}
    return {
        "status": "crashed",
        "message": f"the process exited with code {os.WEXITSTATUS(status)} before returning a result "
        "(os._exit, or a crash in native code)",
    }


def _process_group(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return int(stat.read().rsplit(b")", 1)[1].split()[2])
    except (OSError, ValueError, IndexError):
        return None


def _kill_leftovers(pgid: int, running: set[int]) -> None:
    """Kill whatever a finished test left running: its process group and, in a private PID namespace
    (bubblewrap), every process but this one, its ancestors and the process groups of the tests
    still running (each test runs in a process group of its own)."""
    with contextlib.suppress(OSError):
        os.killpg(pgid, signal.SIGKILL)
    if os.getpid() > 10:  # not in a PID namespace of our own: only the process group is ours to kill
        return
    keep = {os.getpid(), os.getppid(), 1, *running}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in keep and _process_group(entry) not in running:
            with contextlib.suppress(OSError):
                os.kill(int(entry), signal.SIGKILL)
            with contextlib.suppress(OSError):  # reap it if it is ours (never waitpid(-1): tests still run)
                os.waitpid(int(entry), os.WNOHANG)


def _not_dumpable() -> None:
    """Let no other process of this user trace or read this one (/proc/<pid>/mem, fd)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def _clean(path: str, scratch_root: str) -> None:
    """Remove a finished submission's files and, in the sandbox's own /tmp, anything its tests left."""
    shutil.rmtree(path, ignore_errors=True)
    for entry in os.listdir("/tmp") if os.getpid() <= 10 else []:
        target = os.path.join("/tmp", entry)
        if scratch_root.startswith(target):
            continue
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.remove(target)


def _fits_in_memory(memory_mb: int) -> int:
    """How many tests may run at once if each used its whole memory limit (at least one)."""
    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 1
    return max(1, available // (memory_mb * 1024 * 1024))


def _start(
    probes: Any,
    index: int,
    test: dict[str, Any],
    *,
    limits: dict[str, Any],
    folder: str,
    submission: str,
    running: list[_Running],
) -> _Running:
    """Fork the process that runs one test, in a process group of its own."""
    read_fd, write_fd = os.pipe()
    log_path = os.path.join(folder, f"output-{index}.log")
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.close(read_fd)
        for other in running:  # another test's result is not this test's to read
            os.close(other.read_fd)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # the next job's files must never be readable here
        os.chdir(submission)
        sys.path.insert(0, submission)
        _run_test(probes, test, limits, log_path, write_fd)
    with contextlib.suppress(OSError):  # here too: a sweep must never see it in this process's group
        os.setpgid(pid, pid)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    deadline = time.monotonic() + float(test["timeout_s"])
    return _Running(index, test, pid, read_fd, log_path, started, deadline)


def _run_job(probes: Any, job: dict[str, Any], scratch_root: str, out: Any) -> None:
    folder = os.path.join(scratch_root, f"job-{job['job']}")
    submission = os.path.join(folder, "submission")
    os.makedirs(submission)
    for name, content in job["files"].items():
        if os.path.basename(name) != name:
            raise ValueError(f"bad file name {name!r}")
        with open(os.path.join(submission, name), "w", encoding="utf-8") as handle:
            handle.write(content)
    limits = job["limits"]
    tests: list[dict[str, Any]] = job["tests"]
    parallel = min(int(job.get("parallel") or PARALLEL_TESTS), _fits_in_memory(int(limits["memory_mb"])))
    verdicts: dict[int, dict[str, Any]] = {}
    running: list[_Running] = []
    written = 0
    try:
        while written < len(tests):
            while len(running) < parallel and len(verdicts) + len(running) < len(tests):
                index = len(verdicts) + len(running)
                started = _start(
                    probes,
                    index,
                    tests[index],
                    limits=limits,
                    folder=folder,
                    submission=submission,
                    running=running,
                )
                running.append(started)
            _wait_for_any(running)
            for test_run in list(running):
                outcome = test_run.finished()
                if outcome is None:
                    continue
                running.remove(test_run)
                os.close(test_run.read_fd)
                _kill_leftovers(test_run.pid, {r.pid for r in running})
                status, timed_out = outcome
                verdict = _verdict(b"".join(test_run.chunks), status, timed_out, test_run.test, limits)
                verdict.update(
                    id=test_run.test["id"],
                    seconds=time.perf_counter() - test_run.started,
                    output=_tail(test_run.log_path),
                )
                verdicts[test_run.index] = verdict
            while written in verdicts:  # in the tests' order, as the grader reads them
                out.write(json.dumps(verdicts[written]) + "\n")
                out.flush()
                written += 1
    finally:
        for test_run in running:
            with contextlib.suppress(OSError):
                os.killpg(test_run.pid, signal.SIGKILL)
                os.waitpid(test_run.pid, 0)
        _clean(folder, scratch_root)
    out.write(json.dumps({"id": None, "done": job["job"]}) + "\n")
    out.flush()


def main() -> int:
    """Set up once (course code, warm-up), then grade one submission per line of stdin."""
    _not_dumpable()
    setup = json.loads(sys.stdin.readline())
    for path in setup["python_path"]:
        sys.path.insert(0, path)
    probes = _load_probes(setup["probes"])
    warm_up = getattr(probes, "warm_up", None)
    if warm_up is not None:
        warm_up()  # course code only: imports, service models, a sandbox started and stopped
    # Every test's process is forked from this one: move what exists now out of the garbage collector's
    # reach, so a collection in a test neither walks it nor copies its memory pages (copy-on-write).
    gc.collect()
    gc.freeze()
    out = sys.stdout
    out.write(json.dumps({"id": None, "ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        _run_job(probes, json.loads(line), setup["scratch"], out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
