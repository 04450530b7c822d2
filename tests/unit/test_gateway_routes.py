"""Route matching of the lab's API front door: templates, parameters, greedy paths, specificity."""

import pytest

from patterns.lab.exceptions import ConfigurationError
from patterns.lab.gateway import Route, RouteTable

pytestmark = pytest.mark.unit

TABLE = RouteTable.from_mapping(
    {
        "GET /orders": "list-orders",
        "POST /orders": "create-order",
        "GET /orders/{orderId}": "get-order",
        "GET /orders/new": "new-order-form",
        "ANY /orders/{orderId}": "any-order",
        "GET /files/{proxy+}": "files",
    }
)


@pytest.mark.parametrize(
    ("method", "path", "function", "parameters"),
    [
        ("GET", "/orders", "list-orders", {}),
        ("POST", "/orders", "create-order", {}),
        ("GET", "/orders/o-1", "get-order", {"orderId": "o-1"}),
        ("GET", "/orders/new", "new-order-form", {}),
        ("DELETE", "/orders/o-1", "any-order", {"orderId": "o-1"}),
        ("GET", "/files/a/b%20c.txt", "files", {"proxy": "a/b c.txt"}),
        ("get", "/orders/", "list-orders", {}),
    ],
)
def test_the_most_specific_route_answers(method, path, function, parameters):
    match = TABLE.resolve(method, path)
    assert match is not None, f"{method} {path} matched no route"
    assert (match.route.function, match.path_parameters) == (function, parameters)


@pytest.mark.parametrize(
    ("method", "path"), [("PUT", "/orders"), ("GET", "/customers"), ("GET", "/files"), ("GET", "/orders/a/b")]
)
def test_requests_no_route_answers_match_nothing(method, path):
    assert TABLE.resolve(method, path) is None


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("FETCH /orders", "method must be one of"),
        ("GET orders", "path must start with '/'"),
        ("GET /{proxy+}/more", "greedy parameter must be the last segment"),
        ("GET /orders/{bad", "neither a literal nor"),
        ("/orders", "a route key is 'METHOD /path'"),
    ],
)
def test_malformed_routes_are_refused_with_the_reason(key, message):
    with pytest.raises(ConfigurationError, match=message):
        Route.parse(key, "fn")


def test_a_route_declared_twice_is_refused():
    with pytest.raises(ConfigurationError, match=r"declared twice: \['GET /a'\]"):
        RouteTable.from_mapping({"GET /a": "one", "get /a": "two"})


def test_functions_lists_each_function_once_in_order():
    assert TABLE.functions() == [
        "list-orders",
        "create-order",
        "get-order",
        "new-order-form",
        "any-order",
        "files",
    ]
