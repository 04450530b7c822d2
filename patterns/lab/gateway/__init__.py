"""The lab's API front door: routes declared once, answered by local functions as API Gateway would.

* :class:`RouteTable` / :class:`Route` - ``"GET /orders/{orderId}" -> function`` matched as API Gateway
  matches routes (literal over parameter over greedy ``{proxy+}``);
* :class:`FrontDoor` - an HTTP request in, a REST (1.0) or HTTP API (2.0) proxy event to the function,
  its proxy response out; gateway answers of its own (403/404, 413, 429, 502/500, 504/503);
* :class:`LambdaAuthorizer` - a TOKEN or REQUEST Lambda authorizer run before the route's function, its
  policy evaluated for the request's ``methodArn``, its answer cached under the identity source (TTL on
  the lab's clock);
* :func:`serving` / :func:`serve_until_interrupted` - the same front door as a real HTTP server on
  127.0.0.1, for ``curl`` and browsers.

moto's API Gateway cannot invoke Lambda for a proxy integration: this is the lab doing that part.
"""

from patterns.lab.gateway.authorizers import AuthorizerOutcome, LambdaAuthorizer, method_arn
from patterns.lab.gateway.front_door import FrontDoor, HttpResponse, PayloadFormat
from patterns.lab.gateway.routes import Route, RouteMatch, RouteTable
from patterns.lab.gateway.server import LoopbackServer, serve_pattern, serve_until_interrupted, serving

__all__ = [
    "AuthorizerOutcome",
    "FrontDoor",
    "HttpResponse",
    "LambdaAuthorizer",
    "LoopbackServer",
    "PayloadFormat",
    "Route",
    "RouteMatch",
    "RouteTable",
    "method_arn",
    "serve_pattern",
    "serve_until_interrupted",
    "serving",
]
