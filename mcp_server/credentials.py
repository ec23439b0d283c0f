"""Whose token a tool call carries: the request's bearer over HTTP, the environment's over stdio."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import jwt

if TYPE_CHECKING:
    from mcp.server.mcpserver import Context

__all__ = ["Credentials", "EnvironmentCredentials", "RequestCredentials", "claims_of"]


class Credentials(Protocol):
    def token(self, ctx: Context) -> str | None:
        """The bearer token to send to the router for this call; None: anonymous."""
        ...


class EnvironmentCredentials:
    """stdio: the one user who started the server, from `MG_MCP_TOKEN`."""

    def __init__(self, token: str | None) -> None:
        self._token = token

    def token(self, ctx: Context) -> str | None:
        return self._token


class RequestCredentials:
    """HTTP: each request's own `Authorization: Bearer`; never the server's environment."""

    def token(self, ctx: Context) -> str | None:
        headers = ctx.headers or {}
        value = headers.get("authorization") or ""
        scheme, _, credential = value.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            return None
        return credential.strip()


def claims_of(token: str | None) -> dict[str, Any]:
    """The token's claims, unverified: only ever used to refuse early or pick a default region.

    The router verifies every token; reading a claim here can narrow what a call asks for
    (a missing scope is refused before any call), never widen it.
    """
    if not token:
        return {}
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims if isinstance(claims, dict) else {}
