"""The security pattern's logic, without boto3: JWT verification and the authorizer's policy.

* :class:`SigningKey` - an RSA key pair made in the run, with a key id; :func:`jwks` publishes the public
  halves as a JSON Web Key Set; :func:`issue_token` signs RS256 tokens (PyJWT with ``cryptography``).
* :class:`TokenVerifier` - the checks a JWT authorizer must make, in order: the header's ``alg`` is
  pinned to RS256 (so ``alg: none`` and HS256-with-the-public-key are refused before any key is used);
  the header names a ``kid`` found in the JWKS; the signature; ``iss`` and ``aud``; ``exp``, ``nbf`` and
  ``iat`` against the caller's ``now`` with a bounded clock skew (``leeway_s``).
* :func:`bad_tokens` - one token per way a token can be bad, for tests and the demonstration;
  :func:`naive_verify` - the mistake these tokens exploit: trusting the token's own header.
* :func:`policy_for` - the authorizer's IAM policy: the seed's (only the ``methodArn`` asked for), a
  route-decided allow of ``*``, and the fix (every route the token's scopes grant, whatever the route).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from patterns.security.exceptions import TokenRejectedError

__all__ = [
    "ALGORITHM",
    "BAD_TOKENS",
    "DEFAULT_LEEWAY_S",
    "ROUTE_SCOPES",
    "Claims",
    "PolicyMode",
    "SigningKey",
    "TokenVerifier",
    "bad_tokens",
    "issue_token",
    "jwks",
    "naive_verify",
    "policy_for",
    "route_of",
]

ALGORITHM = "RS256"
DEFAULT_LEEWAY_S = 60.0  # clock skew tolerated between the issuer's clock and the authorizer's
ROUTE_SCOPES: dict[str, str] = {
    "GET /items": "items:read",
    "GET /items/{id}": "items:read",
    "POST /items": "items:write",
}
BAD_TOKENS = (
    "expired",
    "wrong audience",
    "wrong issuer",
    "alg none",
    "HS256 with the public key",
    "tampered payload",
    "missing kid",
    "unknown kid",
    "not yet valid",
)
PolicyMode = Literal["method-arn", "route-decided", "scopes"]


@dataclass(frozen=True)
class SigningKey:
    """An RSA key pair and its key id (``kid``)."""

    kid: str
    private_key: RSAPrivateKey

    @classmethod
    def generate(cls, kid: str | None = None, bits: int = 2048) -> SigningKey:
        return cls(
            kid or uuid.uuid4().hex[:12], rsa.generate_private_key(public_exponent=65537, key_size=bits)
        )

    @property
    def public_key(self) -> RSAPublicKey:
        return self.private_key.public_key()

    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def jwk(self) -> dict[str, Any]:
        """The public key as a JWK (``kty``, ``n``, ``e``) with ``kid``, ``use`` and ``alg``."""
        key: dict[str, Any] = RSAAlgorithm.to_jwk(self.public_key, as_dict=True)
        return {**key, "kid": self.kid, "use": "sig", "alg": ALGORITHM}


def jwks(keys: Sequence[SigningKey]) -> dict[str, Any]:
    """The JSON Web Key Set an issuer publishes (at ``/.well-known/jwks.json``)."""
    return {"keys": [key.jwk() for key in keys]}


def issue_token(
    key: SigningKey,
    *,
    subject: str,
    scopes: Sequence[str],
    issuer: str,
    audience: str,
    now: float,
    ttl_s: float = 900.0,
    headers: Mapping[str, Any] | None = None,
    **claims: Any,
) -> str:
    """An RS256 token signed by ``key``, its header naming ``key.kid`` (unless ``headers`` says otherwise)."""
    payload = {
        "sub": subject,
        "scope": " ".join(scopes),
        "iss": issuer,
        "aud": audience,
        "iat": int(now),
        "nbf": int(now),
        "exp": int(now + ttl_s),
        **claims,
    }
    header = {"kid": key.kid, **(headers or {})}
    return jwt.encode(payload, key.private_key, algorithm=ALGORITHM, headers=header)


@dataclass(frozen=True)
class Claims:
    """What a verified token says."""

    subject: str
    scopes: tuple[str, ...]
    expires_at: float
    raw: Mapping[str, Any] = field(default_factory=dict)


class TokenVerifier:
    """Verifies tokens against a JWKS, an issuer and an audience, at a ``now`` the caller gives."""

    def __init__(
        self,
        key_set: Mapping[str, Any],
        *,
        issuer: str,
        audience: str,
        leeway_s: float = DEFAULT_LEEWAY_S,
    ) -> None:
        self.keys = {
            str(k["kid"]): jwt.PyJWK(dict(k), ALGORITHM) for k in key_set.get("keys", []) if "kid" in k
        }
        self.issuer = issuer
        self.audience = audience
        self.leeway_s = leeway_s

    def verify(self, token: str, now: float) -> Claims:
        """The token's claims, or :class:`TokenRejectedError` saying why it is refused."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise TokenRejectedError("malformed", str(error)) from error
        if header.get("alg") != ALGORITHM:  # pinned: never the algorithm the token asks for
            raise TokenRejectedError("algorithm", f"alg {header.get('alg')!r} is not {ALGORITHM}")
        kid = header.get("kid")
        if not kid:
            raise TokenRejectedError("kid", "the header names no kid")
        key = self.keys.get(str(kid))
        if key is None:
            raise TokenRejectedError("kid", f"kid {kid!r} is not in the key set")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={
                    "require": ["exp", "iat", "sub", "iss", "aud"],
                    "verify_exp": False,  # checked below against the caller's now (the lab's clock)
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidAudienceError as error:
            raise TokenRejectedError("audience", str(error)) from error
        except jwt.InvalidIssuerError as error:
            raise TokenRejectedError("issuer", str(error)) from error
        except jwt.InvalidSignatureError as error:
            raise TokenRejectedError("signature", str(error)) from error
        except jwt.InvalidTokenError as error:
            raise TokenRejectedError("malformed", str(error)) from error
        if now > float(claims["exp"]) + self.leeway_s:
            raise TokenRejectedError("expired", f"expired {now - float(claims['exp']):.0f} s ago")
        not_before = max(float(claims.get("nbf", 0)), float(claims["iat"]))
        if now + self.leeway_s < not_before:
            raise TokenRejectedError("not yet valid", f"valid from {not_before - now:.0f} s from now")
        scopes = tuple(str(claims.get("scope", "")).split())
        return Claims(str(claims["sub"]), scopes, float(claims["exp"]), claims)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _forge(header: Mapping[str, Any], payload: Mapping[str, Any], secret: bytes | None) -> str:
    """A token made by hand (PyJWT refuses to make these): unsigned, or HMAC-signed with ``secret``."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    if secret is None:
        return signing_input + "."
    return signing_input + "." + _b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


def bad_tokens(
    key: SigningKey,
    *,
    issuer: str,
    audience: str,
    now: float,
    leeway_s: float = DEFAULT_LEEWAY_S,
    scopes: Sequence[str] = ("items:read",),
) -> dict[str, str]:
    """One token per entry of :data:`BAD_TOKENS`, each bad in exactly that one way."""
    common = {"subject": "mallory", "scopes": scopes, "issuer": issuer, "audience": audience}
    good = issue_token(key, now=now, **common)  # type: ignore[arg-type]
    payload = jwt.decode(good, options={"verify_signature": False})
    head, _, signature = good.split(".")
    raised = {**payload, "scope": "items:read items:write admin"}
    return {
        "expired": issue_token(key, now=now - 3600 - 2 * leeway_s, ttl_s=3600, **common),  # type: ignore[arg-type]
        "wrong audience": issue_token(key, now=now, **{**common, "audience": "another-api"}),  # type: ignore[arg-type]
        "wrong issuer": issue_token(key, now=now, **{**common, "issuer": "https://evil.example"}),  # type: ignore[arg-type]
        "alg none": _forge({"alg": "none", "typ": "JWT", "kid": key.kid}, payload, None),
        "HS256 with the public key": _forge(
            {"alg": "HS256", "typ": "JWT", "kid": key.kid}, payload, key.public_pem()
        ),
        "tampered payload": f"{head}.{_b64(json.dumps(raised).encode())}.{signature}",
        "missing kid": jwt.encode(payload, key.private_key, algorithm=ALGORITHM),
        "unknown kid": issue_token(key, now=now, headers={"kid": "someone-elses-key"}, **common),  # type: ignore[arg-type]
        "not yet valid": issue_token(key, now=now + 3600, **common),  # type: ignore[arg-type]
    }


def naive_verify(
    token: str, public_pem: bytes, *, issuer: str, audience: str, now: float
) -> dict[str, Any] | None:
    """The seeds' mistake made explicit: a verifier that uses the algorithm the token's header names.

    It checks issuer, audience and expiry as :class:`TokenVerifier` does (no skew), but takes the
    algorithm from the token and ignores ``kid`` (it has one key). Returns the payload it accepted, or
    None. ``alg: none`` is accepted unsigned, and ``HS256`` is checked with the only key it has, the
    public key, as the HMAC secret: anyone can sign that.
    """
    try:
        head, body, signature = token.split(".")
        header = json.loads(_unb64(head))
        payload: dict[str, Any] = json.loads(_unb64(body))
    except (ValueError, json.JSONDecodeError):
        return None
    signing_input = f"{head}.{body}".encode()
    alg = header.get("alg")
    if alg == "none":
        accepted = True
    elif alg == "HS256":
        expected = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
        accepted = hmac.compare_digest(expected, _unb64(signature))
    elif alg == "RS256":
        public = serialization.load_pem_public_key(public_pem)
        assert isinstance(public, RSAPublicKey)
        try:
            from cryptography.hazmat.primitives import hashes

            public.verify(_unb64(signature), signing_input, padding.PKCS1v15(), hashes.SHA256())
            accepted = True
        except Exception:
            accepted = False
    else:
        accepted = False
    if payload.get("iss") != issuer or payload.get("aud") != audience:
        accepted = False
    if not isinstance(payload.get("exp"), int | float) or now > payload["exp"]:
        accepted = False
    if isinstance(payload.get("nbf"), int | float) and now < payload["nbf"]:
        accepted = False
    return payload if accepted else None


def _route_arn(method_arn_prefix: str, route: str) -> str:
    """``GET /items/{id}`` -> ``<api>/<stage>/GET/items/*`` (path parameters as ``*``)."""
    method, _, path = route.partition(" ")
    parts = ["*" if part.startswith("{") else part for part in path.strip("/").split("/")]
    return f"{method_arn_prefix}/{method}/{'/'.join(parts)}"


def policy_for(
    principal: str,
    scopes: Sequence[str],
    method_arn: str,
    mode: PolicyMode = "scopes",
    *,
    route: str | None = None,
) -> dict[str, Any]:
    """The authorizer's answer for a verified token.

    * ``method-arn`` (seed 004): allow exactly the ``methodArn`` of this request;
    * ``route-decided``: allow ``*`` on the API if the token's scopes cover *this* ``route``, else deny;
    * ``scopes`` (the fix): allow every route the scopes grant, the same policy whatever route asked,
      so a cached answer is right for the next route too.
    """
    api_stage = "/".join(method_arn.split("/")[:2])  # arn:...:api-id/stage
    statements: list[dict[str, Any]]
    if mode == "method-arn":
        statements = [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": method_arn}]
    elif mode == "route-decided":
        needed = ROUTE_SCOPES.get(route or "", "")
        effect = "Allow" if needed in scopes else "Deny"
        statements = [{"Effect": effect, "Action": "execute-api:Invoke", "Resource": f"{api_stage}/*"}]
    elif mode == "scopes":
        granted = sorted(_route_arn(api_stage, r) for r, scope in ROUTE_SCOPES.items() if scope in scopes)
        statements = (
            [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": granted}]
            if granted
            else [{"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": f"{api_stage}/*"}]
        )
    else:
        raise ValueError(f"mode must be 'method-arn', 'route-decided' or 'scopes', got {mode!r}")
    return {
        "principalId": principal,
        "policyDocument": {"Version": "2012-10-17", "Statement": statements},
        "context": {"scope": " ".join(scopes)},
    }


def route_of(method_arn: str) -> str | None:
    """The route key of :data:`ROUTE_SCOPES` a ``methodArn`` asks for (``.../GET/items/42`` ->
    ``GET /items/{id}``), or None."""
    parts = method_arn.split("/")
    if len(parts) < 3:
        return None
    method, path = parts[2], "/" + "/".join(parts[3:])
    wanted = [p for p in path.split("/") if p]
    for route in ROUTE_SCOPES:
        route_method, _, template = route.partition(" ")
        segments = [p for p in template.split("/") if p]
        if (
            route_method == method
            and len(segments) == len(wanted)
            and all(s.startswith("{") or s == w for s, w in zip(segments, wanted, strict=True))
        ):
            return route
    return None
