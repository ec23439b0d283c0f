"""Who is asking: identity the router verified and forwarded, trusted only from the router.

The router checks the caller's JWT against the users subgraph's JWKS and forwards the verified
claims as base64url JSON in `x-mg-claims`, together with the shared secret in
`x-mg-router-secret`, and the client's address in `x-mg-client-ip`. Claims and addresses without
the secret are ignored, so a caller that reaches a subgraph directly cannot claim to be anyone.
"""

from __future__ import annotations

import base64
import hmac
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from subgraphs.common.errors import Forbidden, Unauthenticated

__all__ = [
    "CLAIMS_HEADER",
    "CLIENT_IP_HEADER",
    "SECRET_HEADER",
    "Viewer",
    "encode_claims",
    "viewer_from_headers",
]

CLAIMS_HEADER = "x-mg-claims"
SECRET_HEADER = "x-mg-router-secret"
CLIENT_IP_HEADER = "x-mg-client-ip"
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


def viewer_from_headers(
    headers: Mapping[str, str], router_secret: str, peer: str = "unknown"
) -> Viewer:
    """Build the Viewer from what the router forwarded, trusting nothing without the secret.

    `peer` is the address of whoever opened the connection: the caller itself when the request
    did not come through the router.
    """
    secret = headers.get(SECRET_HEADER, "")
    if not router_secret or not hmac.compare_digest(secret, router_secret):
        return Viewer(client_ip=peer)
    client_ip = headers.get(CLIENT_IP_HEADER) or peer
    encoded = headers.get(CLAIMS_HEADER)
    claims = _decoded_claims(encoded) if encoded else None
    if claims is None:
        return Viewer(client_ip=client_ip)
    user_id, scopes, expires_at, home_region = claims
    return Viewer(user_id=user_id, scopes=scopes, client_ip=client_ip, expires_at=expires_at,
                  home_region=home_region)


_Claims = tuple[uuid.UUID, frozenset[str], float | None, str | None]


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
    return (
        user_id,
        frozenset(scopes.split()) if isinstance(scopes, str) else frozenset(),
        float(expires) if isinstance(expires, int | float) else None,
        region.upper() if isinstance(region, str) and _REGION.fullmatch(region) else None,
    )
