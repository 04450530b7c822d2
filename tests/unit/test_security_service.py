"""Token verification and the authorizer's policies, without AWS: every bad token refused, for its reason."""

from __future__ import annotations

import time

import pytest

from patterns.lab.iam import evaluate
from patterns.security import (
    BAD_TOKENS,
    SigningKey,
    TokenRejectedError,
    TokenVerifier,
    bad_tokens,
    issue_token,
    jwks,
    naive_verify,
    policy_for,
    route_of,
)

ISSUER, AUDIENCE = "https://issuer.test", "items-api"
NOW = 1_800_000_000.0
ARN = "arn:aws:execute-api:us-east-1:123456789012:api/dev"


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate("key-1")


@pytest.fixture(scope="module")
def verifier(key: SigningKey) -> TokenVerifier:
    return TokenVerifier(jwks([key]), issuer=ISSUER, audience=AUDIENCE, leeway_s=60)


@pytest.fixture(scope="module")
def tokens(key: SigningKey) -> dict[str, str]:
    return bad_tokens(key, issuer=ISSUER, audience=AUDIENCE, now=NOW, leeway_s=60)


def good(key: SigningKey, **kwargs) -> str:
    arguments = {
        "subject": "alice",
        "scopes": ["items:read"],
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "now": NOW,
    }
    return issue_token(key, **{**arguments, **kwargs})


def test_a_good_token_is_accepted_with_its_claims(key, verifier):
    claims = verifier.verify(good(key), NOW)
    assert (claims.subject, claims.scopes) == ("alice", ("items:read",))
    assert claims.expires_at == NOW + 900


def test_the_jwks_publishes_the_public_key_only(key):
    (published,) = jwks([key])["keys"]
    assert published["kid"] == "key-1"
    assert published["alg"] == "RS256"
    assert published["kty"] == "RSA"
    assert "d" not in published
    assert "p" not in published


def test_every_bad_token_kind_has_a_token(tokens):
    assert tuple(tokens) == BAD_TOKENS


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("expired", "expired"),
        ("wrong audience", "audience"),
        ("wrong issuer", "issuer"),
        ("alg none", "algorithm"),
        ("HS256 with the public key", "algorithm"),
        ("tampered payload", "signature"),
        ("missing kid", "kid"),
        ("unknown kid", "kid"),
        ("not yet valid", "not yet valid"),
    ],
)
def test_each_bad_token_is_refused_for_its_reason(verifier, tokens, kind, reason):
    with pytest.raises(TokenRejectedError) as refused:
        verifier.verify(tokens[kind], NOW)
    assert refused.value.reason == reason


def test_the_expired_token_is_refused(verifier, tokens):
    with pytest.raises(TokenRejectedError, match="expired"):
        verifier.verify(tokens["expired"], NOW)


def test_the_alg_none_token_is_refused(verifier, tokens):
    with pytest.raises(TokenRejectedError, match="alg 'none'"):
        verifier.verify(tokens["alg none"], NOW)


def test_the_hs256_token_signed_with_the_public_key_is_refused(verifier, tokens):
    with pytest.raises(TokenRejectedError, match="alg 'HS256'"):
        verifier.verify(tokens["HS256 with the public key"], NOW)


def test_the_tampered_payload_is_refused(verifier, tokens):
    with pytest.raises(TokenRejectedError, match="Signature"):
        verifier.verify(tokens["tampered payload"], NOW)


def test_the_token_without_kid_is_refused(verifier, tokens):
    with pytest.raises(TokenRejectedError, match="no kid"):
        verifier.verify(tokens["missing kid"], NOW)


def test_wrong_audience_and_wrong_issuer_are_refused(verifier, tokens):
    with pytest.raises(TokenRejectedError, match="audience"):
        verifier.verify(tokens["wrong audience"], NOW)
    with pytest.raises(TokenRejectedError, match="issuer"):
        verifier.verify(tokens["wrong issuer"], NOW)


def test_a_token_signed_by_another_key_with_our_kid_is_refused(verifier):
    impostor = SigningKey.generate("key-1")  # same kid, different key
    with pytest.raises(TokenRejectedError) as refused:
        verifier.verify(good(impostor), NOW)
    assert refused.value.reason == "signature"


def test_clock_skew_is_tolerated_up_to_the_leeway_and_no_further(key, verifier):
    token = good(key)
    verifier.verify(token, NOW + 900 + 59)  # expired 59 s ago, leeway 60 s
    with pytest.raises(TokenRejectedError, match="expired"):
        verifier.verify(token, NOW + 900 + 61)
    early = good(key, now=NOW + 59)  # issued by a clock 59 s ahead
    verifier.verify(early, NOW)
    with pytest.raises(TokenRejectedError, match="not yet valid"):
        verifier.verify(good(key, now=NOW + 61), NOW)


def test_a_key_rotation_keeps_both_kids_valid_until_the_old_one_leaves_the_set(key):
    new = SigningKey.generate("key-2")
    both = TokenVerifier(jwks([key, new]), issuer=ISSUER, audience=AUDIENCE)
    both.verify(good(key), NOW)
    both.verify(good(new), NOW)
    with pytest.raises(TokenRejectedError, match="not in the key set"):
        TokenVerifier(jwks([new]), issuer=ISSUER, audience=AUDIENCE).verify(good(key), NOW)


def test_a_verifier_trusting_the_header_accepts_the_forged_tokens(key, tokens):
    pem = key.public_pem()
    accepts = {
        kind
        for kind, token in tokens.items()
        if naive_verify(token, pem, issuer=ISSUER, audience=AUDIENCE, now=NOW)
    }
    assert {"alg none", "HS256 with the public key", "missing kid", "unknown kid"} == accepts
    assert naive_verify(good(key), pem, issuer=ISSUER, audience=AUDIENCE, now=NOW) is not None


def test_route_of_a_method_arn():
    assert route_of(f"{ARN}/GET/items/42") == "GET /items/{id}"
    assert route_of(f"{ARN}/GET/items") == "GET /items"
    assert route_of(f"{ARN}/POST/items") == "POST /items"
    assert route_of(f"{ARN}/DELETE/items/42") is None


def _allows(answer, method_path: str) -> bool:
    return evaluate([answer["policyDocument"]], "execute-api:Invoke", f"{ARN}/{method_path}").allowed


def test_the_seeds_policy_allows_only_the_route_it_was_made_for():
    answer = policy_for("rita", ["items:read"], f"{ARN}/GET/items/42", "method-arn")
    assert _allows(answer, "GET/items/42")
    assert not _allows(answer, "GET/items")  # the cached answer denies the reader's next route
    assert _allows(
        policy_for("rita", ["items:read"], f"{ARN}/POST/items", "method-arn"), "POST/items"
    )  # no scopes


def test_a_route_decided_allow_of_star_allows_every_route():
    answer = policy_for("rita", ["items:read"], f"{ARN}/GET/items", "route-decided", route="GET /items")
    assert _allows(answer, "POST/items")  # cached: the reader may write
    denied = policy_for("rita", ["items:read"], f"{ARN}/POST/items", "route-decided", route="POST /items")
    assert not _allows(denied, "GET/items")


def test_the_scopes_policy_is_the_same_whatever_route_asked():
    first = policy_for("rita", ["items:read"], f"{ARN}/GET/items/42", "scopes")
    assert first == policy_for("rita", ["items:read"], f"{ARN}/POST/items", "scopes")
    assert _allows(first, "GET/items/7")
    assert _allows(first, "GET/items")
    assert not _allows(first, "POST/items")
    writer = policy_for("walt", ["items:read", "items:write"], f"{ARN}/GET/items", "scopes")
    assert _allows(writer, "POST/items")
    nothing = policy_for("eve", [], f"{ARN}/GET/items", "scopes")
    assert not _allows(nothing, "GET/items")
    assert first["context"] == {"scope": "items:read"}


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode must be"):
        policy_for("x", [], f"{ARN}/GET/items", "anything")  # type: ignore[arg-type]


def test_tokens_are_checked_against_the_given_now_not_the_wall_clock(key, verifier):
    long_ago = good(key, now=1_000_000.0)
    verifier_claims = verifier.verify(long_ago, 1_000_100.0)
    assert verifier_claims.subject == "alice"
    with pytest.raises(TokenRejectedError):
        verifier.verify(long_ago, time.time())
