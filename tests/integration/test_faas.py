"""faas against moto: the handlers' responses, the SNS notification, and duplicates under concurrency."""

import pytest

from patterns.faas import demo
from patterns.faas.adapters import ConditionalWriteUserStore, create_resources
from patterns.faas.exceptions import DuplicateUserError
from patterns.faas.service import User
from patterns.lab.events import load_fixture

pytestmark = pytest.mark.integration


@pytest.fixture
def resources(sandbox):
    return create_resources()


def test_register_responds_201_then_409_and_notifies_once(sandbox, resources):
    demo.deploy_registration(sandbox, resources)
    outcomes = demo.run_requests(
        sandbox,
        "register-user",
        {
            "new": demo.registration_event({"email": "ada@example.com", "name": "Ada"}),
            "again": demo.registration_event({"email": "ADA@example.com", "name": "Ada"}),
        },
    )
    assert [o.status for o in outcomes] == [201, 409]
    assert outcomes[0].body["user"]["email"] == "ada@example.com"
    messages = demo.welcome_messages(sandbox, resources)
    assert [m["user"]["email"] for m in messages] == ["ada@example.com"]
    assert messages[0]["type"] == "UserRegistered"


def test_every_bad_request_is_a_400_with_its_problem(sandbox, resources):
    demo.deploy_registration(sandbox, resources)
    outcomes = demo.run_requests(
        sandbox,
        "register-user",
        {label: demo.registration_event(body) for label, body in demo.BAD_REQUESTS.items()},
    )
    assert {o.label: o.status for o in outcomes} == dict.fromkeys(demo.BAD_REQUESTS, 400)
    assert all(o.body["problems"] for o in outcomes)
    assert demo.welcome_messages(sandbox, resources) == []


def test_the_handler_accepts_the_documented_api_gateway_sample(sandbox, resources):
    demo.deploy_registration(sandbox, resources)
    event = load_fixture("apigw_rest")
    event["body"] = '{"email": "grace@example.com", "name": "Grace"}'
    assert sandbox.lambdas.invoke("register-user", event).payload["statusCode"] == 201


def test_conditional_write_store_refuses_a_duplicate(sandbox, resources):
    store = ConditionalWriteUserStore(resources.table_name)
    user = User("a@b.co", "A", None, "2026-01-01T00:00:00+00:00")
    store.add(user)
    with pytest.raises(DuplicateUserError):
        store.add(user)
    assert store.get("a@b.co") == user
    assert store.scan() == [user]


def test_check_then_put_lets_duplicates_through_and_the_conditional_write_does_not(sandbox, resources):
    racy = demo.measure_race(sandbox, resources, "check-then-put", concurrency=6, trials=4, work_ms=20)
    safe = demo.measure_race(sandbox, resources, "conditional-write", concurrency=6, trials=4, work_ms=20)
    assert racy.duplicate_registrations > 0, racy
    assert racy.notifications == sum(racy.accepted_per_trial)
    assert safe.accepted_per_trial == [1, 1, 1, 1]
    assert safe.notifications == 4


def test_single_purpose_functions_each_get_their_own_reports_and_memory(sandbox):
    comparison = demo.compare_deployments(sandbox, {"register": 3, "get": 4, "export": 1})
    rows = {(r["deployment"], r["route"]): r for r in comparison.rows()}
    assert {r["memory_mb"] for (d, _), r in rows.items() if d == "multi-purpose"} == {1024}
    assert rows[("single-purpose", "get")]["memory_mb"] == 128
    assert rows[("single-purpose", "get")]["requests"] == 4
    for deployment, routes in comparison.reports.items():
        assert comparison.cost(deployment) == pytest.approx(
            sum(r.cost_usd for rs in routes.values() for r in rs)
        )
    functions = {
        report.function_name for routes in comparison.reports["single-purpose"].values() for report in routes
    }
    assert functions == {"register-user", "get-user", "export-users"}
