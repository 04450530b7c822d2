"""The autograder against submissions that misbehave or try to cheat: no unearned point, no hang,
a clear status and message for each. One test per attack (several attacks share a submission, one
per function, since each test of the exercise calls one function)."""

import json
import textwrap
import time
from pathlib import Path

import pytest

from exercises.grader import choose_isolation, grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT, Grader
from exercises.grader.model import Limits
from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]

FAAS = load_exercise(COURSE_ROOT / "exercises" / "faas")
STRICT = Limits(timeout_s=2.0, memory_mb=1024, output_bytes=200_000)
# No outcome may depend on how busy the machine is: only the endless loop meets the 2 s limit; every
# other attack ends by itself (a limit, an exit, an exception) far inside this one.
GENEROUS = Limits(timeout_s=120.0, memory_mb=1024, output_bytes=200_000)
HIDDEN_TESTS = COURSE_ROOT / "exercises" / "faas" / "hidden" / "tests.py"
SOLUTION = COURSE_ROOT / "exercises" / "faas" / "solution" / "registration.py"


def grade(tmp_path: Path, source: str, limits: Limits = GENEROUS):
    (tmp_path / "registration.py").write_text(textwrap.dedent(source))
    started = time.perf_counter()
    result = grade_submission(FAAS, tmp_path, include_hidden=True, limits=limits)
    assert time.perf_counter() - started < 120, "the grader must never hang"
    return result


@pytest.fixture(scope="module")
def abusive(tmp_path_factory):
    """Loops forever (task 1) under a 2 s limit; the other attacks, which end by themselves, are in
    submissions graded with a limit no machine load reaches (``hog``)."""
    return grade(
        tmp_path_factory.mktemp("abusive"),
        """
        class InvalidRegistration(ValueError):
            def __init__(self, problems):
                self.problems = problems

        def parse_registration(body):
            while True:
                pass

        def save_user(table_name, user):
            raise NotImplementedError("not here")

        def handler(event, context):
            raise NotImplementedError("not here")
        """,
        STRICT,
    )


@pytest.fixture(scope="module")
def hog(tmp_path_factory):
    """Allocates without bound (task 1), calls os._exit (task 3), under a time limit no machine load can
    reach first: the memory cap and the exit end them in milliseconds, whatever else the machine does."""
    return grade(
        tmp_path_factory.mktemp("hog"),
        """
        import os

        class InvalidRegistration(ValueError):
            def __init__(self, problems):
                self.problems = problems

        def parse_registration(body):
            hoard = []
            while True:
                hoard.append(bytearray(200_000_000))

        def save_user(table_name, user):
            raise NotImplementedError("not here")

        def handler(event, context):
            os._exit(0)
        """,
    )


def test_an_endless_loop_times_out(abusive):
    results = by_task(abusive, 1)
    assert {r.status for r in results} == {"timeout"}
    assert all("did not finish within 2.0 s" in r.message for r in results)
    assert all(r.points == 0 for r in results)


def test_unbounded_allocation_is_stopped_by_the_memory_cap(hog):
    results = by_task(hog, 1)
    assert {r.status for r in results} == {"crashed"}, [r.message for r in results]
    assert all("memory" in r.message for r in results)


def test_os_exit_is_a_crash_not_a_pass(hog):
    results = by_task(hog, 3)
    assert {r.status for r in results} == {"crashed"}, [r.message for r in results]
    assert all("exited with code 0 before returning a result" in r.message for r in results)
    assert hog.score == 0


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


# --- Imitations: values that only pretend to be the expected type score nothing, every exercise ----
# Each submission is the reference solution with some functions wrapped so that what they return
# merely imitates the right answer (a subclass, an object equal to everything, 1 for True, 2.0 for 2).
# Those tests score zero with a message naming the imitation; the untouched functions keep their points.


def test_faas_imitations_score_nothing(tmp_path):
    result = imitating(
        "faas",
        "registration.py",
        """
        _parse, _save, _handler, _Invalid = parse_registration, save_user, handler, InvalidRegistration


        class InvalidRegistration(_Invalid):
            def __init__(self, problems):
                super().__init__(problems)
                self.problems = FakeList(problems)


        def parse_registration(body):
            try:
                return FakeDict(_parse(body))
            except _Invalid as invalid:
                raise InvalidRegistration(invalid.problems) from None


        def save_user(table_name, user):
            return int(_save(table_name, user))  # 1 and 0: equal to True and False, not bools


        def handler(event, context):
            response = _handler(event, context)
            return {**response, "statusCode": float(response["statusCode"])}  # 201.0 == 201
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a dict", "imitates a list")
    zero_with(by_task(result, 2), "an int, expected a bool", "(bools)")
    unchecked = ("a 400 lists the problems", "the 201 body and the SNS message are the user")  # bodies only
    statuses = [r for r in by_task(result, 3) if r.name not in unchecked]
    zero_with(statuses, "(ints", "a float, expected an int")


def test_cold_starts_imitations_score_nothing(tmp_path):
    result = imitating(
        "cold_starts",
        "keep_alive.py",
        """
        _choose, _serve, _cheapest = choose_environment, serve, cheapest_provisioned_concurrency


        def choose_environment(idle, now, keep_alive_s):
            chosen = _choose(idle, now, keep_alive_s)
            return EqualToEverything() if chosen is None else FakeStr(chosen)


        def serve(arrivals, **parameters):
            return tuple(_serve(arrivals, **parameters))  # a tuple is not a list


        def cheapest_provisioned_concurrency(arrivals, **parameters):
            best = _cheapest(arrivals, **parameters)
            return EqualToEverything() if best is None else float(best)  # 2.0 == 2
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a str", "not plain JSON data")
    zero_with(by_task(result, 2), "is a tuple")
    zero_with(by_task(result, 3), "a float, expected an int", "not plain JSON data")


def test_queue_batching_imitations_score_nothing(tmp_path):
    result = imitating(
        "queue_batching",
        "batching.py",
        """
        _handler, _cost = handler, cost_per_million


        def handler(event, context):
            return FakeDict(_handler(event, context))


        def cost_per_million(*args):
            return {key: float(value) for key, value in _cost(*args).items()}  # counts as 1000.0
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a dict")
    zero_with(by_task(result, 2), "(an int: a count)")


def test_saga_imitations_score_nothing(tmp_path):
    result = imitating(
        "saga",
        "saga.py",
        """
        _order, _compensate, _run = compensation_order, compensate, run_saga


        def compensation_order(log):
            return FakeList(_order(log))


        def compensate(table_name, saga_id, **kwargs):
            return FakeStr(_compensate(table_name, saga_id, **kwargs))


        def run_saga(saga_id, steps, **kwargs):
            return FakeDict(_run(saga_id, steps, **kwargs))
        """,
        tmp_path,
    )
    returning = [r for r in by_task(result, 1) if r.name != "a step name that is not a saga step is refused"]
    zero_with(returning, "imitates a list")
    zero_with(by_task(result, 2), "imitates a str")
    zero_with(by_task(result, 3), "imitates a dict")


def test_step_functions_numbers_that_only_equal_the_right_ones_score_nothing(tmp_path):
    exercise = load_exercise(COURSE_ROOT / "exercises" / "step_functions")
    definition = json.loads((exercise.solution_dir / "payment.asl.json").read_text(encoding="utf-8"))
    retriers = [r for state in definition["States"].values() for r in state.get("Retry", [])]
    assert retriers, "the reference solution retries"
    for retrier in retriers:  # true == 1 and 2.0 == 2 in Python; ASL wants integers
        retrier["MaxAttempts"] = float(retrier.get("MaxAttempts", 3))
        retrier["IntervalSeconds"] = True
    (tmp_path / "payment.asl.json").write_text(json.dumps(definition))
    result = grade_submission(exercise, tmp_path, include_hidden=True)
    assert result.score == 0
    zero_with(result.results, "must be an integer")


def test_adr_structure_that_only_looks_right_scores_nothing(tmp_path):
    exercise = load_exercise(COURSE_ROOT / "exercises" / "adr")
    solution = (exercise.solution_dir / "decision.md").read_text(encoding="utf-8")
    # the whole record inside a code block, then again inside an HTML comment: shown, but not the document
    (tmp_path / "decision.md").write_text(f"````markdown\n{solution}\n````\n\n<!--\n{solution}\n-->\n")
    result = grade_submission(exercise, tmp_path, include_hidden=True)
    zero_with(by_task(result, 1), "called read(")  # the structure is the record's, not a quotation's
    assert result.score < 4, [(r.name, r.message) for r in result.results if r.points]


# --- Races happen every time; Lambda's init semantics; messages point at the learner's own line ----
def _solution_with(replacements: dict[str, str]) -> str:
    source = SOLUTION.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in source, old
        source = source.replace(old, new)
    return source


READ_THEN_WRITE = {
    """    try:
        dynamodb.put_item(TableName=table_name, Item=item, ConditionExpression="attribute_not_exists(email)")
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True""": """    key = {"email": {"S": user["email"]}}
    if "Item" in dynamodb.get_item(TableName=table_name, Key=key):
        return False
    dynamodb.put_item(TableName=table_name, Item=item)
    return True"""
}
RACE_TESTS = {
    "twelve simultaneous saves of one email: exactly one wins",
    "eight simultaneous sign-ups of one email: one 201, seven 409, one message",
}


def test_a_read_then_write_loses_the_race_on_every_run(tmp_path):
    (tmp_path / "registration.py").write_text(_solution_with(READ_THEN_WRITE))
    with Grader(FAAS, include_hidden=True) as grader:
        runs = [grader.grade(tmp_path) for _ in range(3)]
    for run in runs:
        failed = {r.name for r in run.results if r.points == 0}
        assert failed == RACE_TESTS, [(r.name, r.message) for r in run.results if r.points == 0]
        assert run.score == run.max_score - 2
    messages = [r.message for r in runs[0].results if r.name in RACE_TESTS]
    assert "every one of which read before any wrote" in messages[0]
    assert "[True, True, True, True, True, True, True, True, True, True, True, True]" in messages[0]


def test_a_conditional_write_that_reads_first_wins_the_race_on_every_run(tmp_path):
    read = "    dynamodb.get_item(TableName=table_name, Key={'email': {'S': user['email']}})\n"
    check_first = {"    try:\n        dynamodb.put_item(": read + "    try:\n        dynamodb.put_item("}
    (tmp_path / "registration.py").write_text(_solution_with(check_first))
    with Grader(FAAS, include_hidden=True) as grader:
        scores = [grader.grade(tmp_path).score for _ in range(3)]
    assert scores == [FAAS_MAX] * 3


FAAS_MAX = 18.0


def test_clients_created_at_import_time_work_as_on_lambda(tmp_path):
    init_code = {
        "_clients: dict[str, Any] = {}": '_clients: dict[str, Any] = {"dynamodb": boto3.client("dynamodb"), '
        '"sns": boto3.client("sns")}'
    }
    (tmp_path / "registration.py").write_text(_solution_with(init_code))
    result = grade_submission(FAAS, tmp_path, include_hidden=True)
    assert result.score == result.max_score == FAAS_MAX, [
        (r.name, r.message) for r in result.results if not r.points
    ]


def test_an_error_raised_inside_botocore_points_at_the_learners_line(tmp_path):
    source = _solution_with({"Item=item, ConditionExpression": "Item=[item], ConditionExpression"})
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "Item=[item]" in text)
    (tmp_path / "registration.py").write_text(source)
    result = grade_submission(FAAS, tmp_path, include_hidden=False)
    saves = by_task(result, 2)
    assert all("raised ParamValidationError" in r.message for r in saves), [r.message for r in saves]
    assert all(f"(registration.py, line {line})" in r.message for r in saves), [r.message for r in saves]


def test_an_error_in_init_code_points_at_the_learners_line(tmp_path):
    source = _solution_with(
        {"_clients: dict[str, Any] = {}": '_clients = {"x": boto3.client("no-such-service")}'}
    )
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "no-such-service" in text)
    (tmp_path / "registration.py").write_text(source)
    result = grade_submission(FAAS, tmp_path, include_hidden=False)
    assert result.score == 0
    assert all(f"(registration.py, line {line})" in r.message for r in result.results), [
        r.message for r in result.results
    ]


def test_api_crud_imitations_score_nothing(tmp_path):
    result = imitating(
        "api_crud",
        "items.py",
        """
        _validate, _update, _Invalid, _Stale = validate, update_item, InvalidItem, StaleWrite


        class InvalidItem(_Invalid):
            def __init__(self, problems):
                super().__init__(problems)
                self.problems = FakeList(problems)


        class StaleWrite(_Stale):
            def __init__(self, current):
                super().__init__(current)
                self.current = EqualToEverything() if current is None else float(current)  # 2.0 == 2


        def validate(body):
            try:
                return FakeDict(_validate(body))
            except _Invalid as invalid:
                raise InvalidItem(invalid.problems) from None


        def update_item(table_name, item_id, fields, expected_version):  # raises the StaleWrite above
            return FakeDict(_update(table_name, item_id, fields, expected_version))
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a dict", "imitates a list")
    zero_with(by_task(result, 2), "imitates a dict", "not plain JSON data", "StaleWrite(2)")


def test_an_error_in_a_deployed_handler_points_at_the_learners_line(tmp_path):
    source = _solution_with({'os.environ["TABLE_NAME"]': 'os.environ["TABLE"]'})
    line = next(n for n, text in enumerate(source.splitlines(), 1) if 'os.environ["TABLE"]' in text)
    (tmp_path / "registration.py").write_text(source)
    result = grade_submission(FAAS, tmp_path, include_hidden=False)
    posts = [
        r
        for r in by_task(result, 3)
        if r.name != "an invalid body gets 400 with its problems and publishes nothing"
    ]
    assert posts
    for r in posts:
        assert r.points == 0
        assert f"KeyError: 'TABLE' (registration.py, line {line})" in r.message, r.message
