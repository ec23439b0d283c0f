"""What every tool is given: the shared graph client, whose token to send, the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mcp_server.credentials import claims_of
from mcp_server.errors import ToolFailure

if TYPE_CHECKING:
    from mcp.server.mcpserver import Context

    from mcp_server.client import GraphClient
    from mcp_server.credentials import Credentials
    from mcp_server.settings import Settings

__all__ = ["DEFAULT_REGION", "PLAYBACK_SCOPE", "Deps"]

DEFAULT_REGION = "US"
PLAYBACK_SCOPE = "playback:control"


@dataclass(frozen=True)
class Deps:
    graph: GraphClient
    credentials: Credentials
    settings: Settings

    def token(self, ctx: Context) -> str | None:
        return self.credentials.token(ctx)

    def region(self, token: str | None, asked: str | None) -> str:
        """The region asked for, else the signed-in user's home region, else US."""
        home = claims_of(token).get("home_region")
        return asked or (home if isinstance(home, str) and home else DEFAULT_REGION)

    def require_scope(self, token: str | None, scope: str) -> str:
        """Refuse before any call when the token cannot carry `scope`; the router decides the
        rest (an invalid token is refused there)."""
        if not token:
            raise ToolFailure("This needs a signed-in user: send a bearer token.",
                              "UNAUTHENTICATED")
        scopes = claims_of(token).get("scope", "")
        if isinstance(scopes, str) and scope not in scopes.split():
            raise ToolFailure(f"This needs the `{scope}` scope.", "FORBIDDEN", scope=scope)
        return token
