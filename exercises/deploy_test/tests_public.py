"""Public tests of the deploy-test exercise: run them with ``python -m exercises check deploy-test``."""

from exercises.grader.model import Test

from . import checks

DECLARED = {
    "ItemsTable": "AWS::DynamoDB::Table",
    "ItemsFunction": "AWS::Lambda::Function",
    "LiveAlias": "AWS::Lambda::Alias",
}
POLICY = {"threshold": 0.05, "min_invocations": 20, "bake_minutes": 5}

TESTS = [
    Test(
        "an alias the stack never listed is missing",
        1,
        "missing",
        {
            "declared": DECLARED,
            "listed": ["ItemsTable", "ItemsFunction"],
            "found": ["ItemsTable", "ItemsFunction"],
        },
        checks.ids_are(["LiveAlias"]),
    ),
    Test(
        "everything listed and found: nothing missing",
        1,
        "missing",
        {"declared": DECLARED, "listed": list(DECLARED), "found": list(DECLARED)},
        checks.ids_are([]),
    ),
    Test(
        "6 errors in 30 canary calls (20%) over a 5% threshold: roll back",
        2,
        "verdict",
        {"invocations": 30, "errors": 6, "minutes": 3, "policy": POLICY},
        checks.verdict_is("roll back"),
    ),
    Test(
        "no errors in 30 calls after 5 minutes: promote",
        2,
        "verdict",
        {"invocations": 30, "errors": 0, "minutes": 5, "policy": POLICY},
        checks.verdict_is("promote"),
    ),
]
