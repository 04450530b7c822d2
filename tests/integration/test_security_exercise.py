"""The security exercise grades honestly: imitations of the expected types score nothing, and the seeds'
mistakes (trusting the header's alg, answering with the methodArn, a wildcard policy) lose their tasks."""

import pytest

from exercises.grader import grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT
from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]

EXERCISE = load_exercise(COURSE_ROOT / "exercises" / "security")
SOLUTION = COURSE_ROOT / "exercises" / "security" / "solution" / "authorizer.py"


def test_security_imitations_score_nothing(tmp_path):
    result = imitating(
        "security",
        "authorizer.py",
        """
        _verify, _policy, _least = verify, policy, least_privilege
        _Rejected = Rejected


        class Rejected(_Rejected):
            def __init__(self, reason):
                super().__init__(reason)
                self.reason = FakeStr(reason)


        def verify(token, jwks, **options):
            try:
                return FakeDict(_verify(token, jwks, **options))
            except _Rejected as rejected:
                raise Rejected(rejected.reason) from None


        def policy(principal, scopes, method_arn):
            return FakeDict(_policy(principal, scopes, method_arn))


        def least_privilege(calls):
            return FakeDict(_least(calls))
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a")
    zero_with(by_task(result, 2), "imitates a dict")
    zero_with(by_task(result, 3), "imitates a dict")


def _graded(tmp_path, replacements):
    source = SOLUTION.read_text(encoding="utf-8")
    changed = source
    for old, new in replacements:
        assert old in changed, old
        changed = changed.replace(old, new)
    (tmp_path / "authorizer.py").write_text(changed, encoding="utf-8")
    result = grade_submission(EXERCISE, tmp_path, include_hidden=True)
    return {r.name for r in result.results if r.points == 0}


def test_the_seeds_mistakes_lose_their_tasks(tmp_path):
    failed = _graded(
        tmp_path,
        [
            # trust the token's own alg and skip the kid (the header decides)
            ('    if header.get("alg") != "RS256":\n        raise Rejected("algorithm")\n', ""),
            # seed 004: allow exactly the methodArn that asked
            ('"Resource": granted}', '"Resource": method_arn}'),
            # one statement on a wildcard
            (
                '"Action": action, "Resource": resource})',
                '"Action": action, "Resource": resource.rsplit("/", 1)[0] + "/*"})',
            ),
        ],
    )
    assert "alg none: refused (algorithm)" in failed
    assert "a reader asks for one item, then the list: one policy, right for both" in failed
    assert "a create function's calls: put on two objects, one send, repeated; nothing else" in failed
    assert "a good token: its claims" not in failed
