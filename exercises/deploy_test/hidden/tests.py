"""Hidden tests of the deploy-test exercise: edge cases of the same tasks (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks

DECLARED = {
    "Role": "AWS::IAM::Role",
    "Table": "AWS::DynamoDB::Table",
    "Function": "AWS::Lambda::Function",
    "Alarm": "AWS::CloudWatch::Alarm",
}
POLICY = {"threshold": 0.05, "min_invocations": 20, "bake_minutes": 5}

TESTS = [
    Test(
        "listed by the stack but not found by its service's describe call: missing",
        1,
        "missing",
        {"declared": DECLARED, "listed": list(DECLARED), "found": ["Role", "Function", "Alarm"]},
        checks.ids_are(["Table"]),
    ),
    Test(
        "several missing come back in declared order, not in the order of the lists",
        1,
        "missing",
        {"declared": DECLARED, "listed": ["Function", "Table", "Role"], "found": ["Table", "Role"]},
        checks.ids_are(["Function", "Alarm"]),
    ),
    Test(
        "a high error rate over fewer calls than the minimum: keep baking",
        2,
        "verdict",
        {"invocations": 10, "errors": 5, "minutes": 2, "policy": POLICY},
        checks.verdict_is("bake"),
    ),
    Test(
        "exactly at the threshold (1 in 20 = 5%) is not above it: promote after the bake time",
        2,
        "verdict",
        {"invocations": 20, "errors": 1, "minutes": 5, "policy": POLICY},
        checks.verdict_is("promote"),
    ),
    Test(
        "bake time over but fewer calls than the minimum: keep baking",
        2,
        "verdict",
        {"invocations": 12, "errors": 0, "minutes": 9, "policy": POLICY},
        checks.verdict_is("bake"),
    ),
    Test(
        "errors above the threshold after the bake time: roll back, not promote",
        2,
        "verdict",
        {"invocations": 40, "errors": 3, "minutes": 6, "policy": POLICY},
        checks.verdict_is("roll back"),
    ),
]
