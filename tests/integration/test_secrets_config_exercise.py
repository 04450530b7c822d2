"""The secrets-config exercise grades honestly: imitations of the expected types score nothing, a cache
that never expires (seed 000's ``lru_cache``) and a retry that never stops both lose points."""

import pytest

from exercises.grader import grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT
from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor, pytest.mark.xdist_group("grader-attacks")]

EXERCISE = load_exercise(COURSE_ROOT / "exercises" / "secrets_config")
SOLUTION = COURSE_ROOT / "exercises" / "secrets_config" / "solution" / "secret_cache.py"


def test_secrets_config_imitations_score_nothing(tmp_path):
    result = imitating(
        "secrets_config",
        "secret_cache.py",
        """
        _Cache, _call = SecretCache, call_with_refresh


        class SecretCache(_Cache):
            def get(self, name):
                return FakeStr(super().get(name))

            def refresh(self, name):
                return FakeStr(super().refresh(name))


        def call_with_refresh(read, call):
            answer = _call(read, call)
            return FakeDict({**answer, "refreshed": int(answer["refreshed"])})  # 1 == True
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a str")
    raising = {
        "refused twice: the second refusal propagates, no third try",
        "another error is not a refusal: no refresh, it propagates",
    }
    answered = [r for r in by_task(result, 2) if r.name not in raising]  # those return nothing to imitate
    assert len(answered) == 2
    zero_with(answered, "imitates a dict")


def _graded_with(tmp_path, old: str, new: str):
    source = SOLUTION.read_text(encoding="utf-8")
    changed = source.replace(old, new)
    assert changed != source
    (tmp_path / "secret_cache.py").write_text(changed, encoding="utf-8")
    result = grade_submission(EXERCISE, tmp_path, include_hidden=True)
    return {r.name for r in result.results if r.points == 0}, result


def test_a_cache_that_never_expires_fails_the_max_age_tests(tmp_path):
    failed, result = _graded_with(
        tmp_path, "if entry is not None and self.now() < entry[1]:", "if entry is not None:"
    )
    assert "once max_age has passed, get fetches the new value" in failed
    assert "at exactly max_age the entry has expired: get fetches" in failed
    assert result.score < result.max_score


def test_retrying_on_every_error_fails_the_timeout_test(tmp_path):
    failed, _ = _graded_with(tmp_path, "    except AuthenticationFailed:\n", "    except Exception:\n")
    assert failed == {"another error is not a refusal: no refresh, it propagates"}
