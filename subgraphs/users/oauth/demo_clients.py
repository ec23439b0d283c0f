"""The OAuth clients a development stack starts with: a web app (authorization code + PKCE,
redirecting to a local callback) and a TV app (device flow). Both are public clients."""

from __future__ import annotations

from subgraphs.users.oauth.adapters.clients import ClientStore
from subgraphs.users.oauth.domain import DEVICE_CODE_GRANT

__all__ = ["DEMO_TV_CLIENT", "DEMO_WEB_CLIENT", "DEMO_WEB_REDIRECT", "register_demo_clients"]

DEMO_WEB_CLIENT = "demo-web"
DEMO_WEB_REDIRECT = "http://127.0.0.1:8765/callback"
DEMO_TV_CLIENT = "demo-tv"


async def register_demo_clients(clients: ClientStore | None = None) -> None:
    """Idempotent: registering again leaves the same two clients."""
    clients = clients or ClientStore()
    await clients.register(DEMO_WEB_CLIENT, "Media Gateway demo web app",
                           redirect_uris=[DEMO_WEB_REDIRECT])
    await clients.register(DEMO_TV_CLIENT, "Media Gateway TV app",
                           grant_types=[DEVICE_CODE_GRANT, "refresh_token"])
