"""The scheduled-webhook exercise: the reference solution's full marks hold, imitations of the right types
score nothing, and the public expected signatures are the course's own signer's."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.grader import grade_submission, load_exercise
from exercises.grader.engine import COURSE_ROOT
from exercises.grader.model import Outcome
from patterns.scheduled_webhook.service import sign
from tests.fixtures.imitations import by_task, imitating, zero_with

pytestmark = [pytest.mark.integration, pytest.mark.instructor]

EXERCISE = load_exercise(COURSE_ROOT / "exercises" / "scheduled_webhook")
FILE = "webhook_verify.py"


def test_the_reference_solution_scores_full_marks(tmp_path: Path) -> None:
    (tmp_path / FILE).write_text((EXERCISE.solution_dir / FILE).read_text(encoding="utf-8"))
    result = grade_submission(EXERCISE, tmp_path, include_hidden=True)
    assert [r.name for r in result.results if r.points != 1] == []


def test_imitations_of_str_and_int_score_nothing(tmp_path: Path) -> None:
    result = imitating(
        "scheduled_webhook",
        FILE,
        """
        import http

        _sign, _check = sign, check_request


        def sign(secret, timestamp, body):
            return FakeStr(_sign(secret, timestamp, body))


        def check_request(secret, headers, body, now, seen):
            status = _check(secret, headers, body, now, seen)
            return http.HTTPStatus(status) if status != 202 else FakeInt(status)
        """,
        tmp_path,
    )
    zero_with(by_task(result, 1), "imitates a str", "not plain JSON data", "expected a str")
    statuses = [
        r for r in by_task(result, 2) if r.name != "the signature is compared with hmac.compare_digest"
    ]
    zero_with(statuses, "imitates an int", "not plain JSON data", "expected an int", "HTTPStatus")


def test_comparing_with_equals_loses_the_constant_time_point(tmp_path: Path) -> None:
    result = imitating(
        "scheduled_webhook",
        FILE,
        """
        _sign = sign


        def check_request(secret, headers, body, now, seen):
            if len(body) > MAX_BODY_BYTES:
                return 400
            h = {k.lower(): v for k, v in headers.items()}
            if not h.get("webhook-signature"):
                return 401
            ts, event_id = h.get("webhook-timestamp"), h.get("webhook-id")
            if not ts or not ts.isdigit() or not event_id:
                return 400
            if abs(now - int(ts)) > TOLERANCE_S:
                return 400
            if _sign(secret, int(ts), body) != h["webhook-signature"]:
                return 401
            if event_id in seen:
                return 400
            seen.add(event_id)
            return 202
        """,
        tmp_path,
    )
    failed = [r.name for r in result.results if r.points == 0]
    assert failed == ["the signature is compared with hmac.compare_digest"]


@pytest.mark.parametrize("test", [t for t in EXERCISE.public_tests() if t.task == 1], ids=lambda t: t.name)
def test_public_signatures_are_the_course_signers(test) -> None:
    expected = sign(test.args["secret"].encode(), test.args["timestamp"], test.args["body"].encode())
    test.check(Outcome({"returned": expected}, "sign(...)"))
