"""The items API through the front door, on DynamoDB (moto): the same answers from both routers."""

import pytest

from patterns.api_crud.demo import ALLOWED_ORIGIN, JSON, ROUTERS, deploy_api, page_through, walkthrough

pytestmark = pytest.mark.integration

EXPECTED_STATUSES = [201, 200, 404, 200, 412, 428, 400, 415, 413, 204, 204, 204, 404]


@pytest.fixture(params=list(ROUTERS))
def door(request, sandbox):
    return deploy_api(sandbox, request.param)


def test_every_request_of_the_walkthrough_gets_its_status(door):
    steps = walkthrough(door)
    assert [s.status for s in steps] == EXPECTED_STATUSES, [(s.what, s.status, s.answer) for s in steps]


def test_create_answers_201_with_location_and_etag_and_read_finds_it(door):
    created = door.request("POST", "/items", headers=JSON, body={"name": "lamp", "price_cents": 1999})
    assert created.status == 201
    location = created.header("Location")
    assert location == f"/items/{created.json()['id']}"
    read = door.request("GET", location, headers=JSON)
    assert (read.status, read.header("ETag"), read.json()["name"]) == (200, '"v1"', "lamp")


def test_two_clients_updating_the_same_version_one_wins_one_gets_412(door):
    created = door.request("POST", "/items", headers=JSON, body={"name": "lamp", "price_cents": 1})
    location, tag = created.header("Location"), created.header("ETag")
    first = door.request(
        "PUT", location, headers={**JSON, "If-Match": tag}, body={"name": "A", "price_cents": 2}
    )
    second = door.request(
        "PUT", location, headers={**JSON, "If-Match": tag}, body={"name": "B", "price_cents": 3}
    )
    assert (first.status, second.status) == (200, 412)
    assert second.json()["current_version"] == 2
    assert door.request("GET", location, headers=JSON).json()["name"] == "A"


def test_a_400_lists_every_problem_of_the_body(door):
    response = door.request(
        "POST", "/items", headers=JSON, body={"price_cents": "1", "tags": "x", "extra": 1}
    )
    assert response.status == 400
    assert sorted(p["field"] for p in response.json()["problems"]) == ["extra", "name", "price_cents", "tags"]


def test_cors_headers_go_to_allowed_origins_only(door):
    allowed = door.request("GET", "/items", headers={"Origin": ALLOWED_ORIGIN})
    other = door.request("GET", "/items", headers={"Origin": "https://evil.example.net"})
    assert allowed.header("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert other.header("Access-Control-Allow-Origin") is None
    preflight = door.request("OPTIONS", "/items/x", headers={"Origin": ALLOWED_ORIGIN})
    assert preflight.status == 204
    assert "PUT" in (preflight.header("Access-Control-Allow-Methods") or "")


def test_a_tampered_cursor_is_a_400_not_a_scan_from_the_clients_key(door):
    page_through(door, 3, 2)
    first = door.request("GET", "/items?limit=2", headers=JSON).json()
    tampered = first["next_cursor"][:-3] + "AAA"
    response = door.request("GET", f"/items?limit=2&cursor={tampered}", headers=JSON)
    assert (response.status, response.json()["message"].endswith("is not one this API issued")) == (400, True)


@pytest.mark.parametrize(("items", "limit"), [(25, 10), (4, 2), (0, 5)])
def test_pagination_walks_the_table_in_bounded_pages(sandbox, items, limit):
    door = deploy_api(sandbox, table=f"paged-{items}-{limit}", name=f"paged-{items}-{limit}")
    pages = page_through(door, items, limit)
    assert sum(pages) == items
    assert all(size == limit for size in pages[: items // limit])  # full pages, then the rest (or none)
    assert all(size <= limit for size in pages)


def test_the_routers_differ_on_a_wrong_method_only(sandbox):
    hand = deploy_api(sandbox, "hand-written", table="t1").request("PATCH", "/items/x", headers=JSON)
    tools = deploy_api(sandbox, "powertools", table="t2").request("PATCH", "/items/x", headers=JSON)
    assert (hand.status, hand.header("Allow")) == (405, "DELETE,GET,OPTIONS,PUT")
    assert tools.status == 404  # Powertools answers an unrouted method as not found


def test_a_capped_function_is_throttled_by_the_front_door(sandbox):
    door = deploy_api(sandbox, table="capped", name="capped", reserved_concurrency=0)
    response = door.request("GET", "/items", headers=JSON)
    assert (response.status, response.header("x-amzn-ErrorType")) == (429, "TooManyRequestsException")
