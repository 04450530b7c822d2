"""The microservices demonstration runs as ``python -m patterns.microservices`` and prints what it
measured (its ``serve`` command: tests/e2e/test_serve_commands.py)."""

import re

import pytest

from tests.e2e.demos import demonstration

pytestmark = pytest.mark.e2e


def test_microservices_demonstration_reports_what_it_measured():
    result = demonstration("microservices", timeout=240)
    out = result.stdout
    for what, status in [
        ("customers: register", 201),
        ("customers: same email again", 409),
        ("orders: before the copy arrives", 422),
        ("orders: place (copy arrived)", 202),
        ("orders: customer on hold", 422),
    ]:
        assert re.search(rf"{re.escape(what)}\s+\S+ \S+\s+-> {status}", out), (what, status, out)
    assert re.search(r"GET /orders/\{order\}\s+-> 200  status CONFIRMED", out), out
    assert "batching window  0 s: 6 credit changes, copy behind by median 0 s, max 0 s; 0 order(s)" in out
    assert "batching window 30 s: 6 credit changes, copy behind by median 30 s, max 30 s; 6 order(s)" in out
    assert "events design: inventory down 60-210 s; accepted 15/15 orders while down, 30/30 in all" in out
    assert "shared design: inventory down 60-210 s; accepted 0/15 orders while down, 15/30 in all" in out
    assert re.search(r"30 OrderPlaced published, at most \d+ waiting in inventory's queue", out), out
    assert "dead-lettered 0; lost 0" in out
    assert "events design: order before 202, after 202" in out
    assert "shared design: order before 201, after 500" in out
    assert "the seed's second task compiles: False (SyntaxError" in out
    assert "welcome   email sent       300 s after registration" in out
    assert "follow-up email sent   259,200 s after registration" in out
    assert "schedules left after firing: 0" in out
    assert "one email, query-then-add: statuses [201, 201, 201, 201], 4 customer(s) stored" in out
    assert "one email, transaction   : statuses [201, 409, 409, 409], 1 customer(s) stored" in out
    assert "events design: settings naming another service's resource: none; calls into another" in out
    assert "orders->customers 20, orders->inventory 20" in out
    assert re.search(r"per million orders: API \$1\.00 \+ Lambda \$\d+\.\d\d \+ EventBridge \$2\.00", out), (
        out
    )
