"""Benchmarks for the autograder: prints figures, asserts nothing.

``python -m tests.benchmarks.grader [--submissions N] [--jobs J] [--repeat R] [--exercises a,b]``:
* ``check`` in a fresh Python process, as in a notebook kernel, for every exercise (on its reference
  solution): cold (``from exercises import check`` and the first call, which starts the sandbox) and
  warm (the calls after it, on the worker kept warm);
* wall time to grade one faas submission (public tests; public and hidden) with a worker of its own;
* a class: N submissions of every exercise (copies of the reference solution and of the stub,
  alternating) graded with J warm workers per exercise, in exercise-submissions per second;
* what the grader installs beyond the course's own requirements.
"""

# instructor-only: grades copies of the reference solution (left out of a student release).
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from exercises.grader import choose_isolation, grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT, Grader
from exercises.grader.model import Exercise

EXERCISES = COURSE_ROOT / "exercises"


def _exercises() -> list[Exercise]:
    return [
        load_exercise(path.parent)
        for path in sorted(EXERCISES.glob("*/exercise.toml"))
        if (path.parent / "solution").is_dir()
    ]


def _check_in_a_kernel(exercise: Exercise, repeat: int) -> tuple[float, float, float, str]:
    """(cold s including the import, median warm s, median warm CPU s, score) of ``check`` in a fresh
    interpreter. Warm CPU (the kernel's and its sandboxed worker's) does not depend on the machine's load."""
    script = """
import contextlib, io, json, resource, sys, time
started = time.perf_counter()
from exercises import check
from exercises.grader import engine
from tests.benchmarks.grader import _workers_cpu

def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime + sum(_workers_cpu(g) for g in engine._warm_graders.values())

times, cpus = [], []
for _ in range(1 + int(sys.argv[3])):
    begun, before = time.perf_counter(), cpu()
    with contextlib.redirect_stdout(io.StringIO()):
        grade = check(sys.argv[1], sys.argv[2])
    times.append(time.perf_counter() - (started if not times else begun))
    cpus.append(cpu() - before)
print(json.dumps({"times": times, "cpus": cpus, "score": f"{grade.score:g}/{grade.max_score:g}"}))
"""
    run = subprocess.run(
        [sys.executable, "-c", script, exercise.slug, str(exercise.solution_dir), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        cwd=COURSE_ROOT,
    )
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    times, cpus = figures["times"], figures["cpus"]
    return times[0], statistics.median(times[1:]), statistics.median(cpus[1:]), figures["score"]


def _class_folders(exercise: Exercise, count: int, temp: Path) -> list[Path]:
    folders = []
    for i in range(count):
        folder = temp / exercise.root.name / f"student{i:03d}"
        folder.mkdir(parents=True)
        source = exercise.solution_dir if i % 2 == 0 else exercise.root
        for file in exercise.files:
            shutil.copyfile(source / file, folder / file)
        folders.append(folder)
    return folders


def _cpu_seconds() -> float:
    """CPU time of this process (the grader's own side: checks, reports)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _stat(pid: str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].decode().split()
    except (OSError, IndexError):
        return None


def _workers_cpu(grader: Grader) -> float:
    """CPU time of the grader's sandboxed workers and of the tests they reaped, read from /proc before
    the workers are killed (killed sandboxes are never reaped by us, so getrusage cannot see them)."""
    stats = {pid: stat for pid in os.listdir("/proc") if pid.isdigit() and (stat := _stat(pid))}
    children: dict[str, list[str]] = {}
    for pid, stat in stats.items():
        children.setdefault(stat[1], []).append(pid)
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [str(worker._process.pid) for worker in grader._workers]
    while pending:
        pid = pending.pop()
        if (stat := stats.get(pid)) is not None:  # utime, stime, cutime, cstime
            total += sum(int(field) for field in stat[11:15]) / ticks
        pending += children.get(pid, [])
    return total


def _grade_class(exercise: Exercise, folders: list[Path], jobs: int) -> tuple[float, float]:
    """(wall s, CPU s) to grade ``folders`` (public and hidden tests) with ``jobs`` warm workers, from
    cold. CPU time does not depend on what else runs on the machine; wall time does."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    with (
        Grader(exercise, include_hidden=True, jobs=jobs) as grader,
        ThreadPoolExecutor(jobs) as pool,
    ):
        list(pool.map(grader.grade, folders))
        cpu = _cpu_seconds() - cpu + _workers_cpu(grader)
    return time.perf_counter() - started, cpu


def _one(exercise_root: Path, submission: Path, hidden: bool) -> float:
    started = time.perf_counter()
    grade_submission(load_exercise(exercise_root), submission, include_hidden=hidden)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=10, help="submissions per exercise in the class")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="warm checks and single gradings to time")
    parser.add_argument("--exercises", default="", help="comma-separated folder names (default: all)")
    options = parser.parse_args()
    chosen = {name.strip().replace("-", "_") for name in options.exercises.split(",") if name.strip()}
    exercises = [e for e in _exercises() if not chosen or e.root.name in chosen]
    print(f"isolation: {choose_isolation().describe()}")

    print(
        "check in a fresh kernel, on the reference solution (cold: import + first call; warm: median after)"
        f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    for exercise in exercises:
        cold, warm, warm_cpu, score = _check_in_a_kernel(exercise, max(2, options.repeat))
        print(
            f"  check {exercise.slug:<18} cold {cold:5.2f} s   warm {warm:5.2f} s (CPU {warm_cpu:4.2f} s)"
            f"   ({score})"
        )

    root = EXERCISES / "faas"
    for hidden in (False, True):
        times = [_one(root, root / "solution", hidden) for _ in range(options.repeat)]
        label = "public + hidden" if hidden else "public only"
        print(f"one faas submission, own worker, {label:<15} median {statistics.median(times):.2f} s")

    with tempfile.TemporaryDirectory() as temp:
        total_seconds, total_cpu, total_count = 0.0, 0.0, 0
        print(
            f"a class: {options.submissions} submissions per exercise, {options.jobs} workers, from cold "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        for exercise in exercises:
            folders = _class_folders(exercise, options.submissions, Path(temp))
            seconds, cpu = _grade_class(exercise, folders, options.jobs)
            total_seconds += seconds
            total_cpu += cpu
            total_count += len(folders)
            print(
                f"  {exercise.slug:<18} {seconds:5.1f} s   {len(folders) / seconds:5.1f} per second   "
                f"CPU {cpu / len(folders):.2f} s each"
            )
        cores = min(options.jobs, os.cpu_count() or 1)
        print(
            f"  all: {total_count} exercise-submissions in {total_seconds:.1f} s = "
            f"{total_count / total_seconds:.1f} per second with {options.jobs} workers; "
            f"CPU {total_cpu / total_count:.2f} s each = {cores * total_count / total_cpu:.1f} per second "
            f"on {cores} idle cores"
        )
    size = subprocess.run(
        ["dpkg-query", "-W", "-f=${Installed-Size}", "bubblewrap"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(
        f"grader install footprint beyond requirements.txt: Debian bubblewrap ({size or '?'} KiB); "
        "no PyPI package"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
