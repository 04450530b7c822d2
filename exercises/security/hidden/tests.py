"""Hidden tests of the security exercise: every rule the README states (not shipped to learners)."""

from exercises.grader.model import Test

from .. import checks
from ..tests_public import BUCKET, QUEUE

TESTS = [
    Test(
        "HS256 signed with the public key: refused (algorithm)",
        1,
        "verify",
        {"kind": "HS256 with the public key"},
        checks.rejected("algorithm"),
    ),
    Test(
        "a tampered payload: refused (signature)",
        1,
        "verify",
        {"kind": "tampered payload"},
        checks.rejected("signature"),
    ),
    Test("no kid in the header: refused (kid)", 1, "verify", {"kind": "missing kid"}, checks.rejected("kid")),
    Test("a kid not in the set: refused (kid)", 1, "verify", {"kind": "unknown kid"}, checks.rejected("kid")),
    Test(
        "another issuer: refused (issuer)", 1, "verify", {"kind": "wrong issuer"}, checks.rejected("issuer")
    ),
    Test(
        "another audience: refused (audience)",
        1,
        "verify",
        {"kind": "wrong audience"},
        checks.rejected("audience"),
    ),
    Test(
        "issued in the future beyond the leeway: refused (not yet valid)",
        1,
        "verify",
        {"kind": "not yet valid"},
        checks.rejected("not yet valid"),
    ),
    Test(
        "expired 50 s ago, leeway 60 s: accepted",
        1,
        "verify",
        {"kind": "good", "age_s": 950.0, "leeway_s": 60.0},
        checks.accepted("alice"),
    ),
    Test(
        "expired 70 s ago, leeway 60 s: refused (expired)",
        1,
        "verify",
        {"kind": "good", "age_s": 970.0, "leeway_s": 60.0},
        checks.rejected("expired"),
    ),
    Test(
        "a writer asks to create, then to read: one policy allowing all three routes",
        2,
        "policy",
        {"scopes": ["items:read", "items:write"], "asked": ["POST /items", "GET /items/7", "GET /items"]},
        checks.cache_safe(["items:read", "items:write"]),
    ),
    Test(
        "no scope: every route denied, whatever was asked",
        2,
        "policy",
        {"scopes": [], "asked": ["GET /items", "POST /items"]},
        checks.cache_safe([]),
    ),
    Test(
        "a create function's calls: put on two objects, one send, repeated; nothing else",
        3,
        "least_privilege",
        {
            "calls": [
                {"action": "s3:PutObject", "resource": f"{BUCKET}/items/1.json"},
                {"action": "sqs:SendMessage", "resource": QUEUE},
                {"action": "s3:PutObject", "resource": f"{BUCKET}/items/2.json"},
                {"action": "sqs:SendMessage", "resource": QUEUE},
            ]
        },
        checks.exactly(
            [
                {"action": "s3:PutObject", "resource": f"{BUCKET}/items/1.json"},
                {"action": "s3:PutObject", "resource": f"{BUCKET}/items/2.json"},
                {"action": "sqs:SendMessage", "resource": QUEUE},
            ],
            [
                ["s3:PutObject", f"{BUCKET}/items/3.json"],
                ["sqs:SendMessage", f"{BUCKET}/items/1.json"],
                ["s3:PutObject", QUEUE],
                ["sqs:PurgeQueue", QUEUE],
                ["s3:DeleteObject", f"{BUCKET}/items/1.json"],
            ],
        ),
    ),
]
