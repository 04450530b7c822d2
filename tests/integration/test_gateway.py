"""The lab's API front door: real proxy events to local functions, API Gateway's own answers, and the
same front door as an HTTP server on loopback."""

import json
import socket
import urllib.error
import urllib.request

import pytest

from patterns.lab import limits
from patterns.lab.exceptions import ConfigurationError, PortInUseError
from patterns.lab.gateway import FrontDoor, LoopbackServer, serving

pytestmark = pytest.mark.integration

ROUTES = {
    "GET /orders/{orderId}": "echo",
    "POST /orders": "echo",
    "GET /broken": "malformed",
    "GET /fails": "fails",
    "GET /bare": "bare",
    "GET /picture": "picture",
    "GET /busy": "busy",
}


@pytest.fixture
def deployed(sandbox):
    for name in ("echo", "malformed", "fails", "bare", "picture", "clock"):
        sandbox.deploy(name, f"tests.handlers.gateway.{name}")
    sandbox.deploy("busy", "tests.handlers.gateway.echo", reserved_concurrency=0)
    return sandbox


@pytest.mark.parametrize("payload_format", ["1.0", "2.0"])
def test_a_request_reaches_the_function_as_a_proxy_event_of_its_format(deployed, payload_format):
    door = FrontDoor(deployed.lambdas, ROUTES, payload_format=payload_format)
    response = door.request("GET", "/orders/o%2D7?expand=items&expand=total", headers={"Cookie": "a=1; b=2"})
    assert response.status == 200
    assert response.header("x-seen-by") == "echo"
    seen = response.json()
    assert seen["version"] == payload_format
    assert seen["pathParameters"] == {"orderId": "o-7"}
    if payload_format == "1.0":
        assert (seen["route"], seen["query"]) == ("/orders/{orderId}", {"expand": "total"})
        assert seen["cookies"] is None
    else:
        assert (seen["route"], seen["query"]) == ("GET /orders/{orderId}", {"expand": "items,total"})
        assert seen["cookies"] == ["a=1", "b=2"]
    assert response.invocation is not None
    assert response.invocation.report.cold_start


def test_a_json_body_is_sent_as_text_and_binary_as_base64(deployed):
    door = FrontDoor(deployed.lambdas, ROUTES)
    as_json = door.request("POST", "/orders", body={"sku": "book"}).json()
    assert (as_json["body"], as_json["isBase64Encoded"]) == ('{"sku": "book"}', False)
    as_bytes = door.request("POST", "/orders", body=b"\xff\x00").json()
    assert (as_bytes["body"], as_bytes["isBase64Encoded"]) == ("/wA=", True)


@pytest.mark.parametrize(
    ("payload_format", "status", "message"),
    [("1.0", 403, "Missing Authentication Token"), ("2.0", 404, "Not Found")],
)
def test_an_unknown_route_is_answered_by_the_gateway(deployed, payload_format, status, message):
    response = FrontDoor(deployed.lambdas, ROUTES, payload_format=payload_format).request("DELETE", "/orders")
    assert (response.status, response.json(), response.invocation) == (status, {"message": message}, None)


@pytest.mark.parametrize(
    ("payload_format", "path", "status", "problem"),
    [
        ("1.0", "/broken", 502, "statusCode must be an integer"),
        ("2.0", "/broken", 500, "statusCode must be an integer"),
        ("1.0", "/fails", 502, "the function failed: Unhandled"),
        ("2.0", "/fails", 500, "the function failed: Unhandled"),
    ],
)
def test_a_failing_or_malformed_function_gets_a_gateway_error_and_the_reason(
    deployed, payload_format, path, status, problem
):
    response = FrontDoor(deployed.lambdas, ROUTES, payload_format=payload_format).request("GET", path)
    assert response.status == status
    assert response.problem is not None
    assert problem in response.problem


def test_an_http_api_infers_200_for_a_response_without_status_code(deployed):
    http = FrontDoor(deployed.lambdas, ROUTES, payload_format="2.0").request("GET", "/bare")
    rest = FrontDoor(deployed.lambdas, ROUTES, payload_format="1.0").request("GET", "/bare")
    assert (http.status, http.json()) == (200, {"hello": "world"})
    assert rest.status == 502


def test_base64_bodies_are_decoded_and_http_api_cookies_become_set_cookie(deployed):
    response = FrontDoor(deployed.lambdas, ROUTES, payload_format="2.0").request("GET", "/picture")
    assert (response.body, response.set_cookies) == (b"\x89PNG\r\n\x1a\n", ("session=abc; HttpOnly",))


def test_an_oversized_body_is_refused_before_any_function_runs(deployed):
    door = FrontDoor(deployed.lambdas, ROUTES)
    response = door.request("POST", "/orders", body=b"x" * (limits.APIGW_PAYLOAD_BYTES + 1))
    assert (response.status, response.invocation) == (413, None)
    assert [r for r in deployed.lambdas.reports if r.function_name == "echo"] == []


def test_a_throttled_function_is_answered_429_or_the_unmapped_500(deployed):
    mapped = FrontDoor(deployed.lambdas, ROUTES).request("GET", "/busy")
    assert (mapped.status, mapped.header("x-amzn-ErrorType")) == (429, "TooManyRequestsException")
    assert "reserved concurrency of 0" in (mapped.problem or "")
    unmapped = FrontDoor(deployed.lambdas, ROUTES, throttled_status=500).request("GET", "/busy")
    assert unmapped.json() == {"message": "Internal server error"}


def test_a_payload_format_that_does_not_exist_is_refused(deployed):
    with pytest.raises(ConfigurationError, match=r"payload_format must be '1\.0' or '2\.0'"):
        FrontDoor(deployed.lambdas, ROUTES, payload_format="3.0")  # type: ignore[arg-type]


def test_the_http_server_answers_real_requests_on_loopback(deployed):
    door = FrontDoor(deployed.lambdas, ROUTES, payload_format="2.0")
    seen = []
    with serving(
        door, log=lambda method, url, response: seen.append((method, url, response.status))
    ) as server:
        assert server.url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(
            f"{server.url}/orders",
            data=b'{"sku": "lamp"}',
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            body = json.loads(reply.read())
            assert (reply.status, reply.headers["X-Seen-By"]) == (200, "echo")
        assert (body["method"], body["body"]) == ("POST", '{"sku": "lamp"}')
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{server.url}/nowhere", timeout=10)
        assert refused.value.code == 404
    assert seen == [("POST", "/orders", 200), ("GET", "/nowhere", 404)]


def test_a_port_in_use_is_a_clear_error_and_only_loopback_is_served(deployed):
    door = FrontDoor(deployed.lambdas, ROUTES)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port} on 127.0.0.1 is already in use"):
            LoopbackServer(door, port=port)
    with pytest.raises(ConfigurationError, match="loopback only"):
        LoopbackServer(door, host="0.0.0.0")


def test_the_event_carries_the_virtual_clocks_time(deployed):
    deployed.advance(3600)
    seen = FrontDoor(deployed.lambdas, {"GET /t": "clock"}).request("GET", "/t").json()
    assert seen["epoch_ms"] == int(deployed.clock.timestamp() * 1000)
