"""Access tokens: RS256 JWTs signed with the newest signing key, and the JWKS that verifies them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from jwt.algorithms import RSAAlgorithm

from subgraphs.users.domain.model import SigningKey

__all__ = [
    "ACCESS_TOKEN_TTL",
    "AUDIENCE",
    "DEFAULT_SCOPES",
    "ISSUER",
    "AccessToken",
    "TokenIssuer",
    "jwks",
]

ISSUER = "media-gateway"
AUDIENCE = "media-gateway"
ACCESS_TOKEN_TTL = 3600
DEFAULT_SCOPES = (
    "read:watchlist", "write:watchlist", "read:history", "write:history", "playback:control",
)
ALGORITHM = "RS256"


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int
    token_type: str = "Bearer"


def _private_key(key: SigningKey) -> RSAPrivateKey:
    loaded = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    if not isinstance(loaded, RSAPrivateKey):
        raise TypeError(f"signing key {key.kid} is not an RSA key")
    return loaded


class TokenIssuer:
    """Signs access tokens for users with one key, named by `kid` in the header."""

    def __init__(self, key: SigningKey, ttl_seconds: int = ACCESS_TOKEN_TTL) -> None:
        self.kid = key.kid
        self.ttl_seconds = ttl_seconds
        self._private = _private_key(key)

    def issue(
        self,
        user_id: uuid.UUID,
        scopes: Sequence[str] = DEFAULT_SCOPES,
        now: datetime | None = None,
        home_region: str | None = None,
    ) -> AccessToken:
        """`home_region` goes into the claims (as at sign-in): subgraphs use it as the default
        region, e.g. for search's `bestOffer`, without asking the users subgraph."""
        issued = int((now or datetime.now(UTC)).timestamp())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(user_id),
            "scope": " ".join(scopes),
            "iat": issued,
            "exp": issued + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
        if home_region:
            claims["home_region"] = home_region
        token = jwt.encode(claims, self._private, algorithm=ALGORITHM, headers={"kid": self.kid})
        return AccessToken(token=token, expires_in=self.ttl_seconds)


def jwks(keys: Sequence[SigningKey]) -> dict[str, list[dict[str, Any]]]:
    """The public halves of `keys` as a JSON Web Key Set."""
    entries = []
    for key in keys:
        public = RSAAlgorithm.to_jwk(_private_key(key).public_key(), as_dict=True)
        entries.append({**public, "kid": key.kid, "alg": ALGORITHM, "use": "sig"})
    return {"keys": entries}
