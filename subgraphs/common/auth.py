"""Who is asking: identity the router verified and forwarded, trusted only from the router.

The router checks the caller's JWT against the users subgraph's JWKS and forwards the verified
claims as base64url JSON in `x-mg-claims` and the client's address in `x-mg-client-ip`, signed:
`x-mg-signature` is the HMAC-SHA256, keyed with MG_ROUTER_SECRET, of the time in
`x-mg-signed-at`, the claims and the address, so the key never travels and a signature is good
for `MAX_SIGNATURE_AGE` seconds for that identity only. Claims and addresses without a valid
signature are ignored, so a caller that reaches a subgraph directly cannot claim to be anyone.

The shared secret sent as is (`x-mg-router-secret`) is still accepted from the callers inside
the repository that build router headers by hand; the router no longer sends it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from subgraphs.common.errors import Forbidden, Unauthenticated

__all__ = [
    "CLAIMS_HEADER",
    "CLIENT_IP_HEADER",
    "SECRET_HEADER",
    "SIGNATURE_HEADER",
    "SIGNED_AT_HEADER",
    "Viewer",
    "encode_claims",
    "sign_identity",
    "signed_headers",
    "viewer_from_headers",
]

CLAIMS_HEADER = "x-mg-claims"
SECRET_HEADER = "x-mg-router-secret"
CLIENT_IP_HEADER = "x-mg-client-ip"
SIGNATURE_HEADER = "x-mg-signature"
SIGNED_AT_HEADER = "x-mg-signed-at"
# How long a signature holds (seconds, either way: clocks of router and subgraph may differ).
MAX_SIGNATURE_AGE = 300
_REGION = re.compile(r"[A-Za-z]{2}")


@dataclass(frozen=True)
class Viewer:
    """The caller of one request; `user_id` is None for anonymous callers."""

    user_id: uuid.UUID | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    client_ip: str = "unknown"
    # When the caller's token expires (Unix seconds): long-lived sockets end then.
    expires_at: float | None = None
    # The user's home region (ISO 3166-1 alpha-2) as of sign-in, when the token carries it.
    home_region: str | None = None
    # The household profile the token acts as (switchProfile issues one per profile): its
    # parental limits apply to what every subgraph shows.
    profile_id: uuid.UUID | None = None
    # The token's id (`jti`) and issue time (`iat`): what a revocation or sign-out names, for
    # long-lived sockets to end on.
    token_id: str | None = None
    issued_at: float | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def require_user(self) -> uuid.UUID:
        if self.user_id is None:
            raise Unauthenticated("Sign in to see this: send a bearer token to the router.")
        return self.user_id

    def require_self(self, user_id: uuid.UUID) -> uuid.UUID:
        """Allow the call only when the caller is `user_id`."""
        if self.require_user() != user_id:
            raise Forbidden("You can only see your own data.")
        return user_id

    def require_scope(self, scope: str) -> uuid.UUID:
        user_id = self.require_user()
        if scope not in self.scopes:
            raise Forbidden(f"This needs the `{scope}` scope.", scope=scope)
        return user_id


def encode_claims(claims: Mapping[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(dict(claims)).encode()).decode()


def sign_identity(secret: str, signed_at: str, claims: str, client_ip: str) -> str:
    """The router's signature of one forwarded identity (gateway.config.ts signs the same)."""
    message = f"{signed_at}\n{claims}\n{client_ip}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed_headers(
    secret: str, claims: Mapping[str, object] | None = None, client_ip: str = "",
    now: float | None = None,
) -> dict[str, str]:
    """The headers the router sends with a request (for callers that stand in for it)."""
    encoded = encode_claims(claims) if claims is not None else ""
    signed_at = str(int(time.time() if now is None else now))
    headers = {SIGNED_AT_HEADER: signed_at,
               SIGNATURE_HEADER: sign_identity(secret, signed_at, encoded, client_ip)}
    if encoded:
        headers[CLAIMS_HEADER] = encoded
    if client_ip:
        headers[CLIENT_IP_HEADER] = client_ip
    return headers


def _from_router(headers: Mapping[str, str], router_secret: str, websocket: bool) -> bool:
    if not router_secret:
        return False
    signature = headers.get(SIGNATURE_HEADER)
    if signature is None:
        return hmac.compare_digest(headers.get(SECRET_HEADER, ""), router_secret)
    signed_at = headers.get(SIGNED_AT_HEADER, "")
    # A websocket's upgrade is signed once for its life ("ws"), which its token's expiry ends.
    if not (websocket and signed_at == "ws"):
        try:
            age = abs(time.time() - int(signed_at))
        except ValueError:
            return False
        if age > MAX_SIGNATURE_AGE:
            return False
    expected = sign_identity(router_secret, signed_at, headers.get(CLAIMS_HEADER, ""),
                             headers.get(CLIENT_IP_HEADER, ""))
    return hmac.compare_digest(signature, expected)


def viewer_from_headers(
    headers: Mapping[str, str], router_secret: str, peer: str = "unknown", *,
    websocket: bool = False,
) -> Viewer:
    """Build the Viewer from what the router forwarded, trusting nothing it did not sign.

    `peer` is the address of whoever opened the connection: the caller itself when the request
    did not come through the router.
    """
    if not _from_router(headers, router_secret, websocket):
        return Viewer(client_ip=peer)
    client_ip = headers.get(CLIENT_IP_HEADER) or peer
    encoded = headers.get(CLAIMS_HEADER)
    claims = _decoded_claims(encoded) if encoded else None
    if claims is None:
        return Viewer(client_ip=client_ip)
    user_id, scopes, expires_at, home_region, profile_id, token_id, issued_at = claims
    return Viewer(user_id=user_id, scopes=scopes, client_ip=client_ip, expires_at=expires_at,
                  home_region=home_region, profile_id=profile_id, token_id=token_id,
                  issued_at=issued_at)


_Claims = tuple[uuid.UUID, frozenset[str], float | None, str | None, uuid.UUID | None,
                str | None, float | None]


@lru_cache(maxsize=4_096)
def _decoded_claims(encoded: str) -> _Claims | None:
    """The claims a header carries, None when unreadable. Remembered: a device sends the same
    header with each request until its token is renewed, and decoding costs more than the
    secret check. Only called once the secret matched."""
    try:
        claims = json.loads(base64.urlsafe_b64decode(encoded.encode()))
        user_id = uuid.UUID(str(claims["sub"]))
    except (ValueError, KeyError, TypeError):
        return None
    scopes = claims.get("scope", "")
    expires = claims.get("exp")
    region = claims.get("home_region")
    try:
        profile_id = uuid.UUID(str(claims["profile"])) if claims.get("profile") else None
    except ValueError:
        return None  # signed, so never expected: refuse the identity rather than its limits
    return (
        user_id,
        frozenset(scopes.split()) if isinstance(scopes, str) else frozenset(),
        float(expires) if isinstance(expires, int | float) else None,
        region.upper() if isinstance(region, str) and _REGION.fullmatch(region) else None,
        profile_id,
        str(claims["jti"]) if isinstance(claims.get("jti"), str) else None,
        float(claims["iat"]) if isinstance(claims.get("iat"), int | float) else None,
    )
