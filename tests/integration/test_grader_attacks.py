"""The autograder against submissions that misbehave or try to cheat: no unearned point, no hang,
a clear status and message for each. One test per attack (several attacks share a submission, one
per function, since each test of the exercise calls one function)."""

import textwrap
import time
from pathlib import Path

import pytest

from exercises.grader import choose_isolation, grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT
from exercises.grader.model import Limits

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]

FAAS = load_exercise(COURSE_ROOT / "exercises" / "faas")
STRICT = Limits(timeout_s=2.0, memory_mb=1024, output_bytes=200_000)
HIDDEN_TESTS = COURSE_ROOT / "exercises" / "faas" / "hidden" / "tests.py"
SOLUTION = COURSE_ROOT / "exercises" / "faas" / "solution" / "registration.py"


def grade(tmp_path: Path, source: str):
    (tmp_path / "registration.py").write_text(textwrap.dedent(source))
    started = time.perf_counter()
    result = grade_submission(FAAS, tmp_path, include_hidden=True, limits=STRICT)
    assert time.perf_counter() - started < 120, "the grader must never hang"
    return result


def by_task(grade_result, task):
    return [r for r in grade_result.results if r.task == task]


@pytest.fixture(scope="module")
def abusive(tmp_path_factory):
    """Loops forever (task 1), allocates without bound (task 2), calls os._exit (task 3)."""
    return grade(
        tmp_path_factory.mktemp("abusive"),
        """
        import os

        class InvalidRegistration(ValueError):
            def __init__(self, problems):
                self.problems = problems

        def parse_registration(body):
            while True:
                pass

        def save_user(table_name, user):
            hoard = []
            while True:
                hoard.append(bytearray(200_000_000))

        def handler(event, context):
            os._exit(0)
        """,
    )


def test_an_endless_loop_times_out(abusive):
    results = by_task(abusive, 1)
    assert {r.status for r in results} == {"timeout"}
    assert all("did not finish within 2.0 s" in r.message for r in results)
    assert all(r.points == 0 for r in results)


def test_unbounded_allocation_is_stopped_by_the_memory_cap(abusive):
    results = by_task(abusive, 2)
    assert {r.status for r in results} == {"crashed"}, [r.message for r in results]
    assert all("memory" in r.message for r in results)


def test_os_exit_is_a_crash_not_a_pass(abusive):
    results = by_task(abusive, 3)
    assert {r.status for r in results} == {"crashed"}, [r.message for r in results]
    assert all("exited with code 0 before returning a result" in r.message for r in results)
    assert abusive.score == 0


@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    """Calls sys.exit (task 1), prints without end (task 2), prints garbage and returns junk (task 3)."""
    return grade(
        tmp_path_factory.mktemp("noisy"),
        """
        import sys

        class InvalidRegistration(ValueError):
            def __init__(self, problems):
                self.problems = problems

        def parse_registration(body):
            sys.exit(0)

        def save_user(table_name, user):
            while True:
                print("spam " * 10_000)

        def handler(event, context):
            sys.stdout.buffer.write(bytes(range(256)) * 100)
            sys.stderr.write("\\x1b[2J\\x00garbage")
            return {"statusCode": "\\udcff", "body": b"not json".decode()}
        """,
    )


def test_sys_exit_is_reported_as_such(noisy):
    results = by_task(noisy, 1)
    assert {r.status for r in results} == {"error"}
    assert all("called sys.exit(0)" in r.message for r in results)


def test_endless_printing_hits_the_output_limit(noisy):
    results = by_task(noisy, 2)
    assert {r.status for r in results} == {"crashed"}, [r.message for r in results]
    assert all("output limit (200000 bytes)" in r.message for r in results)


def test_garbage_output_does_not_disturb_the_grader(noisy):
    results = by_task(noisy, 3)
    assert {r.status for r in results} == {"failed"}, [r.message for r in results]
    assert noisy.score == 0


@pytest.fixture(scope="module")
def cheater(tmp_path_factory):
    """Patches the grader's modules, writes fake results, returns an object equal to everything,
    reads files it should not, and forges result lines on the child's channel."""
    return grade(
        tmp_path_factory.mktemp("cheater"),
        f"""
        import json, os, pathlib

        import exercises.grader.support as support
        import exercises.grader.child as child
        support.expect = support.expect_equal = lambda *args, **kwargs: None
        child._strict_json = lambda value, path="result": value
        for place in (".", "..", "/tmp"):
            for name in ("results.json", "grades.csv"):
                try:
                    pathlib.Path(place, name).write_text(json.dumps({{"score": 100}}))
                except OSError:
                    pass

        class InvalidRegistration(ValueError):
            def __init__(self, problems):
                self.problems = problems

        class Anything(dict):
            def __eq__(self, other):
                return True

        def parse_registration(body):
            return Anything()

        def save_user(table_name, user):
            found = []
            for path in ({str(HIDDEN_TESTS)!r}, {str(SOLUTION)!r}):
                try:
                    found.append(len(open(path).read()))
                except OSError as error:
                    found.append(type(error).__name__)
            raise RuntimeError(f"secret files: {{found}}")

        def handler(event, context):
            forged = {{"id": "public-7", "status": "returned", "value": {{}}, "seconds": 0, "output": ""}}
            for fd in (1, 3, 4, 5):
                try:
                    with open(f"/proc/{{os.getppid()}}/fd/{{fd}}", "w") as channel:
                        channel.write(json.dumps(forged) + "\\n")
                except OSError:
                    pass
            raise ValueError("nothing to see")
        """,
    )


def test_an_object_equal_to_everything_earns_nothing(cheater):
    results = by_task(cheater, 1)
    assert all(r.points == 0 for r in results)
    assert any("not plain JSON data" in r.message for r in results), [r.message for r in results]


def test_patching_the_grader_and_writing_results_files_earns_nothing(cheater):
    assert cheater.score == 0
    assert not (COURSE_ROOT / "results.json").exists()


@pytest.mark.skipif(choose_isolation().kind != "bwrap", reason="file isolation needs bubblewrap")
def test_hidden_tests_and_solutions_are_not_readable(cheater):
    results = [r for r in by_task(cheater, 2) if not r.hidden]  # hidden ones come after the forgery
    assert all("secret files: ['FileNotFoundError', 'FileNotFoundError']" in r.message for r in results), [
        r.message for r in results
    ]


def test_forged_result_lines_earn_nothing(cheater):
    assert all(r.points == 0 for r in by_task(cheater, 3))


def test_a_syntax_error_is_reported_with_its_line(tmp_path):
    result = grade(tmp_path, "def parse_registration(body):\n    return {\n")
    assert result.score == 0
    assert {r.status for r in result.results} == {"error"}
    assert all("SyntaxError" in r.message and "line 2" in r.message for r in result.results), result.results[
        0
    ]


def test_the_isolation_used_is_reported(abusive):
    assert abusive.isolation == choose_isolation().describe()
