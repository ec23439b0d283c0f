"""Access tokens and the JWKS, without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import jwt
import pytest
from jwt.algorithms import RSAAlgorithm

from subgraphs.users.adapters.keys import generate_signing_key
from subgraphs.users.tokens import TokenIssuer, jwks


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
