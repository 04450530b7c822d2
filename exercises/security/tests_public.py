"""Public tests of the security exercise: run them with ``python -m exercises check security``."""

from exercises.grader.model import Test

from . import checks

BUCKET = "arn:aws:s3:::shop-items"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:item-created"

TESTS = [
    Test("a good token: its claims", 1, "verify", {"kind": "good"}, checks.accepted("alice")),
    Test("alg none: refused (algorithm)", 1, "verify", {"kind": "alg none"}, checks.rejected("algorithm")),
    Test("an expired token: refused (expired)", 1, "verify", {"kind": "expired"}, checks.rejected("expired")),
    Test(
        "a reader asks for one item, then the list: one policy, right for both",
        2,
        "policy",
        {"scopes": ["items:read"], "asked": ["GET /items/42", "GET /items"]},
        checks.cache_safe(["items:read"]),
    ),
    Test(
        "one GetObject call: that action on that object only",
        3,
        "least_privilege",
        {"calls": [{"action": "s3:GetObject", "resource": f"{BUCKET}/items/1.json"}]},
        checks.exactly(
            [{"action": "s3:GetObject", "resource": f"{BUCKET}/items/1.json"}],
            [["s3:PutObject", f"{BUCKET}/items/1.json"], ["s3:GetObject", f"{BUCKET}/private/keys.json"]],
        ),
    ),
]
