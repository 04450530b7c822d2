"""The grading child: runs inside the sandbox, runs each test's probe in a forked process.

Protocol: the parent writes a setup line to stdin; this process imports the course code and warms
it up (no learner code ever runs in it), says it is ready, then takes one submission per line: it
writes the files into a fresh folder and, for every test, forks a grandchild that lowers its limits,
sends its output to a size-capped file, imports the learner's code through the probe, and returns the
probe's result as strict JSON on a pipe. This process writes one JSON line per test to stdout, then
kills whatever the submission left running and deletes its files before taking the next.
Nothing here decides a score: the parent checks every returned value against the tests it alone
holds, so whatever the learner's code does to this process can only change the data it returns.
"""

from __future__ import annotations

import contextlib
import errno
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
from typing import Any

MAX_RESULT_BYTES = 1_000_000
OUTPUT_TAIL_BYTES = 4_000


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
    if type(value) in (list, tuple):
        return [_strict_json(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if type(value) is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(f"{path} has a key of type {type(key).__name__}; keys must be strings")
            out[key] = _strict_json(item, f"{path}[{key!r}]")
        return out
    raise TypeError(
        f"{path} is a {type(value).__module__}.{type(value).__qualname__}, not plain JSON data "
        "(dict, list, str, int, float, bool or None)"
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


def _describe(error: BaseException) -> dict[str, Any]:
    frames = traceback.extract_tb(error.__traceback__)
    learner_frames = [
        f for f in frames if "/exercises/grader/" not in f.filename and "probes" not in f.filename
    ]
    where = learner_frames[-1] if learner_frames else (frames[-1] if frames else None)
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


def _collect(pid: int, read_fd: int, timeout_s: float) -> tuple[bytes, int | None, bool]:
    """Read the grandchild's result until it exits or its time is up; return (data, status, timed out)."""
    deadline = time.monotonic() + timeout_s
    chunks: list[bytes] = []
    received = 0
    open_pipe = True
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return b"".join(chunks), None, True
        if open_pipe:
            ready, _, _ = select.select([read_fd], [], [], min(remaining, 0.05))
            if ready:
                chunk = os.read(read_fd, 65536)
                if chunk and received < MAX_RESULT_BYTES:
                    chunks.append(chunk)
                    received += len(chunk)
                elif not chunk:
                    open_pipe = False
        else:
            time.sleep(min(remaining, 0.005))
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            while open_pipe and (chunk := os.read(read_fd, 65536)) and received < MAX_RESULT_BYTES:
                chunks.append(chunk)
                received += len(chunk)
            return b"".join(chunks), status, False


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
    assert status is not None
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


def _kill_leftovers(pgid: int) -> None:
    """Kill whatever the test left running: its process group and, in a private PID namespace
    (bubblewrap), every process but this one and its ancestors."""
    with contextlib.suppress(OSError):
        os.killpg(pgid, signal.SIGKILL)
    if os.getpid() > 10:  # not in a PID namespace of our own: only the process group is ours to kill
        return
    keep = {os.getpid(), os.getppid(), 1}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in keep:
            with contextlib.suppress(OSError):
                os.kill(int(entry), signal.SIGKILL)
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                return
        except ChildProcessError:
            return


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
    try:
        for index, test in enumerate(job["tests"]):
            read_fd, write_fd = os.pipe()
            log_path = os.path.join(folder, f"output-{index}.log")
            started = time.perf_counter()
            pid = os.fork()
            if pid == 0:
                os.setpgid(0, 0)
                os.close(read_fd)
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)  # the next job's files must never be readable here
                os.chdir(submission)
                sys.path.insert(0, submission)
                _run_test(probes, test, limits, log_path, write_fd)
            os.close(write_fd)
            data, status, timed_out = _collect(pid, read_fd, float(test["timeout_s"]))
            os.close(read_fd)
            _kill_leftovers(pid)
            verdict = _verdict(data, status, timed_out, test, limits)
            verdict.update(id=test["id"], seconds=time.perf_counter() - started, output=_tail(log_path))
            out.write(json.dumps(verdict) + "\n")
            out.flush()
    finally:
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
    out = sys.stdout
    out.write(json.dumps({"id": None, "ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        _run_job(probes, json.loads(line), setup["scratch"], out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
