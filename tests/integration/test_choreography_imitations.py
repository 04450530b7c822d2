"""The choreography exercise grades honestly: imitations of a dict, a list and a bool score nothing
in the tests that look at them."""

import pytest

from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]


def test_choreography_imitations_score_nothing(tmp_path):
    result = imitating(
        "choreography",
        "fulfilment.py",
        """
        _payment, _claim, _handler, _Broken = payment_processed, claim_order, handler, ContractBroken


        class ContractBroken(_Broken):
            def __init__(self, problems):
                super().__init__(problems)
                self.problems = FakeList(problems)


        def payment_processed(event):
            try:
                return FakeDict(_payment(event))
            except _Broken as broken:
                raise ContractBroken(broken.problems) from None


        def claim_order(table_name, payment):
            return int(_claim(table_name, payment))  # 1 and 0: equal to True and False, not bools


        def handler(event, context):
            answer = _handler(event, context)
            return FakeDict({key: FakeStr(value) for key, value in answer.items()})
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a dict", "imitates a list")
    # Left out: "the claim stores ..." checks only the item in the table, which goes through DynamoDB
    # as plain strings; what claim_order returned is not part of that test.
    claims = [r for r in by_task(result, 2) if "the claim stores" not in r.name]
    zero_with(claims, "an int, expected a bool", "exactly one True")
    # Task 3 is left out entirely: the Lambda runtime serializes the handler's answer to JSON, as AWS
    # does, so the checks receive plain data identical to the honest answer (there is no imitation left
    # to see); the confirmation and the table go through SQS and DynamoDB the same way. The imitations
    # of Tasks 1 and 2, called by the handler, behave like the real values inside it. Those tests keep
    # their points, which shows the wrapped functions still work.
    assert all(r.points == r.max_points for r in by_task(result, 3)), [
        (r.name, r.message) for r in by_task(result, 3) if r.points != r.max_points
    ]
