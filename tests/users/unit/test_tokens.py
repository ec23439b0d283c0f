"""Access tokens and the JWKS, without a database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm

from subgraphs.users.adapters.keys import generate_signing_key
from subgraphs.users.tokens import TokenIssuer, jwks, verify_access_token


def test_a_token_verifies_with_its_own_key_only() -> None:
    key, other = generate_signing_key(), generate_signing_key()
    user_id = uuid.uuid4()
    token = TokenIssuer(key).issue(user_id).token
    keys = {jwk["kid"]: jwk for jwk in jwks([key, other])["keys"]}
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid == key.kid
    claims = jwt.decode(token, RSAAlgorithm.from_jwk(keys[kid]), algorithms=["RS256"],
                        audience="media-gateway")
    assert claims["sub"] == str(user_id)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, RSAAlgorithm.from_jwk(keys[other.kid]), algorithms=["RS256"],
                   audience="media-gateway")


def test_a_token_carries_the_home_region_when_given() -> None:
    key = generate_signing_key()
    public = RSAAlgorithm.from_jwk(jwks([key])["keys"][0])
    with_region = TokenIssuer(key).issue(uuid.uuid4(), home_region="FR").token
    claims = jwt.decode(with_region, public, algorithms=["RS256"], audience="media-gateway")
    assert claims["home_region"] == "FR"
    without = TokenIssuer(key).issue(uuid.uuid4()).token
    claims = jwt.decode(without, public, algorithms=["RS256"], audience="media-gateway")
    assert "home_region" not in claims


def test_tokens_expire_after_an_hour() -> None:
    key = generate_signing_key()
    token = TokenIssuer(key).issue(uuid.uuid4(), now=datetime(2020, 1, 1, tzinfo=UTC)).token
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, RSAAlgorithm.from_jwk(jwks([key])["keys"][0]), algorithms=["RS256"],
                   audience="media-gateway")


def _claims(**overrides: object) -> dict[str, object]:
    now = int(datetime.now(UTC).timestamp())
    return {"iss": "media-gateway", "aud": "media-gateway", "sub": str(uuid.uuid4()),
            "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex, **overrides}


def test_verify_accepts_our_tokens_and_refuses_forgeries() -> None:
    key, rotated_out = generate_signing_key(), generate_signing_key()
    keys = [key, rotated_out]
    issuer = TokenIssuer(key)
    token = issuer.issue(uuid.uuid4(), profile_id=uuid.uuid4(), client_id="demo-web").token
    claims = verify_access_token(token, keys)
    assert claims["client_id"] == "demo-web" and claims["profile"]
    # Signed by an older key that is still listed: verifies (rotation signs no one out).
    assert verify_access_token(TokenIssuer(rotated_out).issue(uuid.uuid4()).token, keys)

    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"kid": key.kid}
    forged = {
        "alg none": jwt.encode(_claims(), None, algorithm="none", headers=header),
        # The public key used as an HMAC secret: the classic algorithm-confusion attack.
        "HS256": _hs256(public_pem, header),
        "unknown kid": jwt.encode(_claims(), private, algorithm="RS256",
                                  headers={"kid": "no-such-key"}),
        "expired": jwt.encode(_claims(exp=1_600_000_000, iat=1_599_990_000), private,
                              algorithm="RS256", headers=header),
        "wrong issuer": jwt.encode(_claims(iss="someone-else"), private, algorithm="RS256",
                                   headers=header),
        "wrong audience": jwt.encode(_claims(aud="another-api"), private, algorithm="RS256",
                                     headers=header),
        "other key": jwt.encode(_claims(), serialization.load_pem_private_key(
            generate_signing_key().private_pem.encode(), password=None), algorithm="RS256",
            headers=header),
    }
    for name, token in forged.items():
        with pytest.raises(jwt.InvalidTokenError):
            verify_access_token(token, keys)
            raise AssertionError(f"{name} was accepted")


def _hs256(secret: bytes, header: dict[str, str]) -> str:
    """PyJWT refuses to HMAC with a PEM key, so sign by hand as an attacker would."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = (b64(json.dumps({"alg": "HS256", "typ": "JWT", **header}).encode()) + "."
                     + b64(json.dumps(_claims()).encode()))
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"
