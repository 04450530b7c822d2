"""The state pattern's pure logic: session expiry, the TTL cache, request times."""

import pytest

from patterns.state.exceptions import InvalidSessionRequestError
from patterns.state.service import Session, TtlCache, is_live, parse_session_request, request_time

pytestmark = pytest.mark.unit


def test_a_session_is_live_until_its_expiry_only():
    session = Session("s", "ada", expires_at=1000)
    assert [is_live(session, now) for now in (0, 999.9, 1000, 5000)] == [True, True, False, False]


def test_the_cache_serves_a_value_for_ttl_seconds_then_loads_again():
    loads = []
    cache: TtlCache[str, int] = TtlCache(ttl_s=10)

    def load(key: str) -> int:
        loads.append(key)
        return len(loads)

    assert [cache.get("k", now, load) for now in (0, 5, 9.9, 10, 15)] == [
        (1, False),
        (1, True),
        (1, True),
        (2, False),
        (2, True),
    ]
    assert (cache.hits, cache.misses, loads) == (3, 2, ["k", "k"])


def test_a_zero_ttl_caches_nothing():
    cache: TtlCache[str, int] = TtlCache(ttl_s=0)
    assert [cache.get("k", 1.0, lambda _: 7)[1] for _ in range(3)] == [False, False, False]


@pytest.mark.parametrize(("body", "user"), [('{"user": " ada "}', "ada"), ('{"user": "grace"}', "grace")])
def test_a_session_request_names_its_user(body, user):
    assert parse_session_request(body) == user


@pytest.mark.parametrize("body", [None, "", "{", "[]", '{"user": ""}', '{"user": 7}'])
def test_a_session_request_without_a_user_is_refused(body):
    with pytest.raises(InvalidSessionRequestError):
        parse_session_request(body)


def test_request_time_reads_either_payload_format():
    assert request_time({"requestContext": {"requestTimeEpoch": 1_500}}) == 1.5
    assert request_time({"requestContext": {"timeEpoch": 2_000}}) == 2.0
    with pytest.raises(ValueError, match="no requestTimeEpoch"):
        request_time({"requestContext": {}})
