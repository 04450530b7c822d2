"""Benchmarks for the autograder: prints figures, asserts nothing.

``python -m tests.benchmarks.grader [--submissions N] [--jobs J]``:
* wall time to grade one submission of the faas exercise (public tests; public and hidden),
* N submissions (copies of the reference solution and of the stub, alternating) with J warm workers,
* what the grader installs beyond the course's own requirements.
"""

# instructor-only: grades copies of the reference solution (left out of a student release).
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from exercises.grader import choose_isolation, grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT, Grader


def _one(exercise_root: Path, submission: Path, hidden: bool) -> float:
    started = time.perf_counter()
    grade_submission(load_exercise(exercise_root), submission, include_hidden=hidden)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    root = COURSE_ROOT / "exercises" / "faas"
    print(f"isolation: {choose_isolation().describe()}")
    for hidden in (False, True):
        times = [_one(root, root / "solution", hidden) for _ in range(options.repeat)]
        label = "public + hidden" if hidden else "public only (check)"
        print(f"one submission, {label:<20} median {statistics.median(times):.2f} s (n={len(times)})")
    with tempfile.TemporaryDirectory() as temp:
        submissions = []
        for i in range(options.submissions):
            folder = Path(temp) / f"student{i:03d}"
            folder.mkdir()
            source = root / "solution" / "registration.py" if i % 2 == 0 else root / "registration.py"
            shutil.copyfile(source, folder / "registration.py")
            submissions.append(folder)
        exercise = load_exercise(root)
        started = time.perf_counter()
        with (
            Grader(exercise, include_hidden=True, jobs=options.jobs) as grader,
            ThreadPoolExecutor(options.jobs) as pool,
        ):
            grades = list(pool.map(grader.grade, submissions))
            elapsed = time.perf_counter() - started
            warm = [grader.grade(submissions[0]).seconds for _ in range(options.repeat)]
        print(f"one submission on a warm worker, public + hidden: median {statistics.median(warm):.2f} s")
        full = sum(g.score == g.max_score for g in grades)
        print(
            f"{options.submissions} submissions, {options.jobs} workers: {elapsed:.1f} s "
            f"({elapsed / options.submissions:.2f} s each; {full} full marks, "
            f"{options.submissions - full} stubs at {grades[1].score if len(grades) > 1 else 0:g})"
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
