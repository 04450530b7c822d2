"""The items API demonstration runs as ``python -m patterns.api_crud`` and reports what it measured
(its ``serve`` command: tests/e2e/test_serve_commands.py)."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_api_crud_demonstration_answers_every_request_with_its_status():
    result = demonstration("api_crud")
    out = result.stdout
    for what, status in [
        ("create", 201),
        ("stale update (old ETag)", 412),
        ("update without If-Match", 428),
        ("invalid body", 400),
        ("wrong content type", 415),
        ("oversized body", 413),
        ("delete again", 404),
    ]:
        assert re.search(rf"{re.escape(what)}\s+\S+ \S+\s+-> {status}", out), (what, status, out)
    assert "25 items, limit 10: pages of [10, 10, 5]" in out
    assert "same status for every request: True" in out
    assert re.search(r"8 clients: \d+/80 ok, \d+ x 429", out)
    assert re.search(r"REST API  gateway \$3\.50 \+ Lambda \$\d+\.\d\d \+ DynamoDB \$\d+\.\d\d", out)
