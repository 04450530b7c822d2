"""The microservices exercise grades honestly: a copy, a list of problems or a stored-or-not answer that
only imitates the expected type scores nothing."""

import pytest

from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]

# Checks only the table afterwards, not what apply_copy returned: it cannot see the imitation.
NEWEST_STORED = "versions 3, 9, 5, 7 at the same moment: 9 is what stays"


def test_microservices_imitations_score_nothing(tmp_path):
    result = imitating(
        "microservices",
        "customer_copy.py",
        """
        _copy, _apply, _handler, _Broken = copy_from_record, apply_copy, handler, ContractBroken


        class ContractBroken(_Broken):
            def __init__(self, problems):
                super().__init__(problems)
                self.problems = FakeList(problems)


        def copy_from_record(record):
            try:
                return FakeDict(_copy(record))
            except _Broken as broken:
                raise ContractBroken(broken.problems) from None


        def apply_copy(table_name, copy):
            return int(_apply(table_name, copy))  # 1 and 0: equal to True and False, not bools


        def handler(event, context):  # calls the two functions above
            response = _handler(event, context)
            failures = [FakeDict(f) for f in response["batchItemFailures"]]
            return FakeDict({**response, "batchItemFailures": FakeList(failures)})
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a dict", "imitates a list")
    returned = [r for r in by_task(result, 2) if r.name != NEWEST_STORED]
    zero_with(returned, "an int, expected a bool", "simultaneous apply_copy calls")
    # Task 3's handler runs in the Lambda runtime, which sends its answer as JSON, as AWS does: the dict
    # and list subclasses arrive as a plain dict and list, indistinguishable from the real thing.
    answers = by_task(result, 3)
    assert answers
    assert all(r.points == r.max_points for r in answers), [(r.name, r.message) for r in answers]
