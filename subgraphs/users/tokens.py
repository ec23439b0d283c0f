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
    "UnknownKeyError",
    "jwks",
    "verify_access_token",
]

ISSUER = "media-gateway"
AUDIENCE = "media-gateway"
ACCESS_TOKEN_TTL = 3600
# First-party sign-in (`login`, `register`): every scope, `account` (manage the account,
# approve devices) only ever here, never granted to a third-party client.
DEFAULT_SCOPES = (
    "read:watchlist", "write:watchlist", "read:history", "write:history", "playback:control",
    "profile", "account",
)
ALGORITHM = "RS256"


class UnknownKeyError(jwt.InvalidTokenError):
    """The token names a signing key (`kid`) that we do not have."""


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int
    token_type: str = "Bearer"

    @property
    def claims(self) -> dict[str, Any]:
        """The claims as signed (read back without verifying: we just signed them)."""
        return jwt.decode(self.token, options={"verify_signature": False})


def _private_key(key: SigningKey) -> RSAPrivateKey:
    loaded = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    if not isinstance(loaded, RSAPrivateKey):
        raise TypeError(f"signing key {key.kid} is not an RSA key")
    return loaded


class TokenIssuer:
    """Signs access tokens for users with one key at a time, named by `kid` in the header;
    `use` switches to another (key rotation)."""

    def __init__(self, key: SigningKey, ttl_seconds: int = ACCESS_TOKEN_TTL) -> None:
        self.ttl_seconds = ttl_seconds
        self.use(key)

    def use(self, key: SigningKey) -> None:
        # One assignment, so a token is never signed with one key and named by another.
        self._signer = (key.kid, _private_key(key))

    @property
    def kid(self) -> str:
        return self._signer[0]

    def issue(
        self,
        user_id: uuid.UUID,
        scopes: Sequence[str] = DEFAULT_SCOPES,
        now: datetime | None = None,
        home_region: str | None = None,
        profile_id: uuid.UUID | None = None,
        client_id: str | None = None,
    ) -> AccessToken:
        """`home_region` goes into the claims (as at sign-in): subgraphs use it as the default
        region, e.g. for search's `bestOffer`, without asking the users subgraph. `profile_id`
        is the active profile whose limits apply; `client_id` the OAuth client it went to."""
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
        if profile_id is not None:
            claims["profile"] = str(profile_id)
        if client_id:
            claims["client_id"] = client_id
        kid, private = self._signer
        token = jwt.encode(claims, private, algorithm=ALGORITHM, headers={"kid": kid})
        return AccessToken(token=token, expires_in=self.ttl_seconds)


def jwks(keys: Sequence[SigningKey]) -> dict[str, list[dict[str, Any]]]:
    """The public halves of `keys` as a JSON Web Key Set."""
    entries = []
    for key in keys:
        public = RSAAlgorithm.to_jwk(_private_key(key).public_key(), as_dict=True)
        entries.append({**public, "kid": key.kid, "alg": ALGORITHM, "use": "sig"})
    return {"keys": entries}


def verify_access_token(token: str, keys: Sequence[SigningKey]) -> dict[str, Any]:
    """The claims of a token one of `keys` signed, for our issuer and audience, not expired.

    Raises `jwt.InvalidTokenError` otherwise: `alg: none` and symmetric algorithms are refused
    (only RS256 is accepted, so a public key can never be used as an HMAC secret), and so is a
    `kid` that names none of our keys."""
    header = jwt.get_unverified_header(token)
    if header.get("alg") != ALGORITHM:
        raise jwt.InvalidAlgorithmError(f"only {ALGORITHM} tokens are accepted")
    by_kid = {key.kid: key for key in keys}
    key = by_kid.get(str(header.get("kid")))
    if key is None:
        raise UnknownKeyError("the token's kid names none of our keys")
    return jwt.decode(
        token, _private_key(key).public_key(), algorithms=[ALGORITHM], audience=AUDIENCE,
        issuer=ISSUER, options={"require": ["exp", "iat", "sub", "jti"]},
    )
