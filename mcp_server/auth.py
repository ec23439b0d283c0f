"""OAuth resource-server side over HTTP: the router says whether a bearer token is good."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp.server.auth.provider import AccessToken

from mcp_server.credentials import claims_of
from mcp_server.errors import GraphError

if TYPE_CHECKING:
    from mcp_server.client import GraphClient

__all__ = ["RouterTokenVerifier"]

ME = "query McpWhoAmI { me { id } }"


class RouterTokenVerifier:
    """A token is valid when the router accepts it for `me` (it checks signature, issuer,
    audience and expiry against the users service's keys): this server stays a client of the
    router only. Answers are cached per token, like any read."""

    def __init__(self, graph: GraphClient, ttl: float = 30.0) -> None:
        self.graph = graph
        self.ttl = ttl

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            data = await self.graph.query(ME, token=token, ttl=self.ttl)
        except GraphError:
            return None
        if not data.get("me"):
            return None
        claims = claims_of(token)
        scope = claims.get("scope")
        expires = claims.get("exp")
        return AccessToken(
            token=token,
            client_id=str(claims.get("client_id") or claims.get("azp") or ""),
            scopes=scope.split() if isinstance(scope, str) else [],
            expires_at=int(expires) if isinstance(expires, int | float) else None,
            subject=str(data["me"]["id"]),
        )
