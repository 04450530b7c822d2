"""The state exercise grades honestly: imitations of the expected types score nothing, and a
read-add-write counter loses the race on every run."""

import pytest

from exercises.grader import load_exercise
from exercises.grader.engine import COURSE_ROOT, Grader
from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]

EXERCISE = load_exercise(COURSE_ROOT / "exercises" / "state")
SOLUTION = COURSE_ROOT / "exercises" / "state" / "solution" / "sessions.py"
RACE_TEST = "eight simultaneous visits are all counted"


def test_state_imitations_score_nothing(tmp_path):
    result = imitating(
        "state",
        "sessions.py",
        """
        _read, _count, _cached = read_session, count_visit, cached


        def read_session(table_name, session_id, now):
            session = _read(table_name, session_id, now)
            return None if session is None else FakeDict(session)


        def count_visit(table_name, name):
            return float(_count(table_name, name))  # 1.0 == 1


        def cached(cache, key, now, ttl_s, load):
            return list(_cached(cache, key, now, ttl_s, load))  # a list, not a tuple
        """,
        tmp_path,
    )
    zero_with(
        [
            r
            for r in by_task(result, 1)
            if "None" not in r.name and "missing" not in r.name and "expired" not in r.name
        ],
        "imitates a dict",
    )
    zero_with(by_task(result, 2), "a float, expected an int", "(ints")
    zero_with(by_task(result, 3), "a list:")


def test_a_read_add_write_counter_loses_the_race_on_every_run(tmp_path):
    source = SOLUTION.read_text(encoding="utf-8")
    start = source.index("    response = _dynamodb.update_item(")
    end = source.index('    return int(response["Attributes"]["value"]["N"])')
    racy = (
        '    key = {"name": {"S": name}}\n'
        '    item = _dynamodb.get_item(TableName=table_name, Key=key).get("Item")\n'
        '    total = (int(item["value"]["N"]) if item else 0) + 1\n'
        '    _dynamodb.put_item(TableName=table_name, Item={**key, "value": {"N": str(total)}})\n'
        "    return total\n"
    )
    (tmp_path / "sessions.py").write_text(source[:start] + racy + source[end:].split("\n", 1)[1])
    with Grader(EXERCISE, include_hidden=True) as grader:
        runs = [grader.grade(tmp_path) for _ in range(3)]
    for run in runs:
        failed = {r.name for r in run.results if r.points == 0}
        assert failed == {RACE_TEST}, [(r.name, r.message) for r in run.results if r.points == 0]
