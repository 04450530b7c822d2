"""The streams exercise grades honestly: imitations of the expected types score nothing, and a consumer
that goes on past the poison record (the seed-style "skip it and carry on") loses task 1."""

import pytest

from exercises.grader import grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT
from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]

EXERCISE = load_exercise(COURSE_ROOT / "exercises" / "streams")
SOLUTION = COURSE_ROOT / "exercises" / "streams" / "solution" / "consumer.py"


def test_streams_imitations_score_nothing(tmp_path):
    result = imitating(
        "streams",
        "consumer.py",
        """
        _respond, _window, _shards = batch_response, window_state, shards_needed


        def batch_response(records, process):
            answer = _respond(records, process)
            return {"batchItemFailures": FakeList(answer["batchItemFailures"])}


        def window_state(event):
            state = _window(event)["state"]
            orders, cents = float(state["orders"]), FakeDict(state["amount_cents"])
            return {"state": {"orders": orders, "amount_cents": cents}}


        def shards_needed(records_per_s, bytes_per_record):
            return FakeInt(_shards(records_per_s, bytes_per_record))
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a list")
    zero_with(by_task(result, 2), "a float, expected an int", "imitates a dict")
    zero_with(by_task(result, 3), "imitates an int", "imitates a int")


def test_carrying_on_past_the_poison_record_loses_task_1(tmp_path):
    source = SOLUTION.read_text(encoding="utf-8")
    carry_on = source.replace(
        '            return {"batchItemFailures": [{"itemIdentifier": record["kinesis"]["sequenceNumber"]}]}',
        "            continue",
    )
    assert carry_on != source
    (tmp_path / "consumer.py").write_text(carry_on, encoding="utf-8")
    result = grade_submission(EXERCISE, tmp_path, include_hidden=True)
    failed = {r.name for r in by_task(result, 1) if r.points == 0}
    assert "the batch stops at the poison record and reports it" in failed
    assert "rule 2: two failing records: only the first is reported" in failed
    assert {r.name for r in by_task(result, 2) + by_task(result, 3) if r.points == 0} == set()


def test_mutating_the_windows_state_loses_task_2(tmp_path):
    source = SOLUTION.read_text(encoding="utf-8")
    mutating = source.replace(
        '    return {"state": {"orders": orders, "amount_cents": totals}}',
        '    event["state"] = {"orders": orders, "amount_cents": totals}\n'
        '    return {"state": event["state"]}',
    )
    assert mutating != source
    (tmp_path / "consumer.py").write_text(mutating, encoding="utf-8")
    result = grade_submission(EXERCISE, tmp_path, include_hidden=True)
    zero = [r for r in by_task(result, 2) if r.points == 0]
    assert zero
    assert all("state left as it was" in r.message for r in zero)
