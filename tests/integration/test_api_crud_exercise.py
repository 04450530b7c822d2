"""The api-crud exercise grades honestly: imitations of the expected types score nothing, and a
read-compare-write update loses the race on every run while the conditional write wins it."""

from pathlib import Path

import pytest

from exercises.grader import load_exercise
from exercises.grader.engine import COURSE_ROOT, Grader
from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]

EXERCISE = load_exercise(COURSE_ROOT / "exercises" / "api_crud")
SOLUTION = COURSE_ROOT / "exercises" / "api_crud" / "solution" / "items.py"
RACE_TEST = "four updates of version 1 at once: exactly one is stored"


def test_api_crud_imitations_score_nothing(tmp_path):
    result = imitating(
        "api_crud",
        "items.py",
        """
        _validate, _update, _handler, _Invalid = validate, update_item, handler, InvalidItem


        class InvalidItem(_Invalid):
            def __init__(self, problems):
                super().__init__(problems)
                self.problems = FakeList(problems)


        def validate(body):
            try:
                return FakeDict(_validate(body))
            except _Invalid as invalid:
                raise InvalidItem(invalid.problems) from None


        def update_item(table_name, item_id, fields, expected_version):
            return FakeDict(_update(table_name, item_id, fields, expected_version))


        def handler(event, context):
            response = _handler(event, context)
            return {**response, "statusCode": float(response["statusCode"])}  # 200.0 == 200
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a dict", "imitates a list", "each a non-empty str")
    stored = [r for r in by_task(result, 2) if "StaleWrite(None)" not in r.name and "at once" not in r.name]
    zero_with(stored, "imitates a dict")
    statuses = [r for r in by_task(result, 3) if "changes nothing" not in r.name or "428" in r.name]
    zero_with(statuses, "(ints", "a float, expected an int")


def _solution_with(old: str, new: str) -> str:
    source = SOLUTION.read_text(encoding="utf-8")
    assert old in source, old
    return source.replace(old, new)


CONDITION = """            ConditionExpression="version = :expected",
            ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
        )"""


def test_a_read_compare_write_update_loses_the_race_on_every_run(tmp_path: Path):
    read_first = """    key = {"id": {"S": item_id}}
    stored = _dynamodb.get_item(TableName=table_name, Key=key, ConsistentRead=True)
    current = stored.get("Item", {}).get("version", {}).get("N")
    if current is None or int(current) != expected_version:
        raise StaleWrite(int(current) if current is not None else None)
    item = {"id": item_id, **fields, "version": expected_version + 1}"""
    source = _solution_with(
        '    item = {"id": item_id, **fields, "version": expected_version + 1}', read_first
    )
    (tmp_path / "items.py").write_text(source.replace(CONDITION, "        )"))
    with Grader(EXERCISE, include_hidden=True) as grader:
        runs = [grader.grade(tmp_path) for _ in range(3)]
    for run in runs:
        failed = {r.name for r in run.results if r.points == 0}
        assert failed == {RACE_TEST}, [(r.name, r.message) for r in run.results if r.points == 0]
    message = next(r.message for r in runs[0].results if r.name == RACE_TEST)
    assert "all read before any wrote" in message


def test_the_conditional_write_wins_the_race_on_every_run(tmp_path: Path):
    (tmp_path / "items.py").write_text(SOLUTION.read_text(encoding="utf-8"))
    with Grader(EXERCISE, include_hidden=True) as grader:
        scores = [grader.grade(tmp_path).score for _ in range(3)]
    assert scores == [18.0] * 3
